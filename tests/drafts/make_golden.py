"""Write the golden drafts: what the drafts package renders for the demo and held-out mail.

Each case stores the Incoming the service hands the drafts package (from the model of the day)
and, for every label that calls for drafts, what render_drafts returns under two profiles and
what read_facts reads. The test (test_golden.py) renders the stored Incoming again and compares,
so a change made for speed that alters one byte of a draft fails there; the model may change
meanwhile without touching the golden set. Regenerate only when a draft is meant to change.

Run: .venv/bin/python tests/drafts/make_golden.py
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from drafts.facts import read_facts  # noqa: E402
from drafts.kinds import KINDS  # noqa: E402
from drafts.profile import Profile, Referrer  # noqa: E402
from drafts.render import Incoming, render_drafts, sent_on  # noqa: E402

GOLDEN = Path(__file__).with_name("golden_drafts.json.gz")
# demo and the held-out sets the labels may be read from; holdout4b stays blind
SETS = ("demo", "holdout", "holdout2", "holdout3", "holdout4a")
TODAY = date(2026, 3, 2)  # only mail without a Date header reads against it
PROFILES = {
    "plain": Profile(),
    "full": Profile(
        name="Sam Rivera",
        email="sam@example.org",
        timezone="Europe/Berlin",
        signature="Sam Rivera\n+44 20 7946 0000",
        decline_reason="I have accepted another position",
        interim_help="I can suggest a colleague for the role",
        referrals={"Acme": Referrer("Jo", "jo@example.net", "acme.example")},
    ),
}
LABELS = tuple(label for label, kinds in KINDS.items() if kinds)


def jsonable(value: Any) -> Any:
    """Return value as JSON data: dataclasses as dicts, dates as ISO text, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def render_case(msg: Incoming) -> dict[str, Any]:
    """Return the facts and drafts of one Incoming under every actionable label and profile."""
    out: dict[str, Any] = {
        "facts": jsonable(read_facts(msg.text, msg.language, sent_on(msg, TODAY)))
    }
    for label in LABELS:
        one = dataclasses.replace(msg, label=label)
        for name, profile in PROFILES.items():
            out[f"{label}/{name}"] = jsonable(render_drafts(one, profile, TODAY))
    return out


def incomings() -> list[tuple[str, Incoming]]:
    """Return (name, Incoming) for every demo and held-out message, labelled by today's model."""
    from classifier.corpus import data_dir
    from classifier.parse import parse_message
    from classifier.train import ensure_classifier
    from service.incoming import incoming

    model = ensure_classifier(ROOT / ".gracemail-test" / "model.skops")
    found = []
    for name in SETS:
        for path in sorted((data_dir() / name).rglob("*.eml")):
            msg = parse_message(path.read_bytes())
            found.append((f"{name}/{path.name}", incoming(msg, model.predict(msg))))
    return found


def main() -> None:
    """Render every case and write the golden file."""
    cases = [
        {"name": name, "incoming": jsonable(msg), **render_case(msg)} for name, msg in incomings()
    ]
    text = json.dumps(cases, ensure_ascii=False, indent=0, sort_keys=True)
    # mtime 0: the same drafts give the same bytes, so git sees no change when nothing changed
    GOLDEN.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))
    print(f"{len(cases)} cases written to {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
