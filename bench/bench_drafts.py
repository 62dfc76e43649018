"""Draft every demo and held-out message and count placeholders, English inside another language
and invented decline reasons; each must be 0.

    python bench/bench_drafts.py [folder ...]   (default: data/demo data/holdout data/holdout2 data/holdout3)
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from classifier.parse import ParseError, parse_message  # noqa: E402
from classifier.train import ensure_classifier  # noqa: E402
from drafts.phrases import phrases  # noqa: E402
from drafts.profile import Profile, Referrer  # noqa: E402
from drafts.render import Draft  # noqa: E402
from service.ingest import Ingest  # noqa: E402

FOLDERS = ("data/demo", "data/holdout", "data/holdout2", "data/holdout3")
# Two users: one with no profile at all (the To: name signs, no reason anywhere), one whose decline
# reason exists in English only, so every other language must fall back to the neutral sentence.
PROFILES = {
    "empty": Profile(),
    "english reason": Profile(
        name="Sam Rivera",
        email="sam@example.org",
        decline_reason="I have decided to stay in my current role",
        referrals={"Lindqvist Optics": Referrer("Jo", "jo@example.net")},
    ),
}
_PLACEHOLDER = re.compile(  # case matters: "todo" is Spanish and Portuguese for "all"
    r"[{}]|\[(?:name|company|role|date|reason)\]|<[A-Z_]{3,}>|\bNone\b|\bTODO\b|\bXXX+\b|Alex Example"
)
_ENGLISH = frozenset(
    "the and you your we for to of with this that have are our will be is not thank thanks "
    "i me my would could should please it".split()
)
# English words that are also words of another language ("i" and "to" in Polish, "we" in Dutch)
_ALSO = {"pl": "i to", "cs": "i to", "nl": "we", "de": "will", "da": "for i to", "no": "for i to",
         "sv": "i", "es": "me", "pt": "me", "it": "me i", "fr": "me"}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def english_sentences(body: str, language: str) -> list[str]:
    """Return the sentences of body that read as English: three English function words or more."""
    english = _ENGLISH - set(_ALSO.get(language, "").split())
    out = []
    for sentence in re.split(r"(?<=[.!?:])\s+|\n+", body):
        words = [w.lower() for w in _WORD.findall(sentence)]
        hits = sum(w in english for w in words)
        if hits >= 3 and hits / max(1, len(words)) >= 0.25:
            out.append(sentence.strip())
    return out


def invented_reason(draft: Draft, profile: Profile) -> str:
    """Return why a decline's reason is not the profile's or the honest neutral one, or ''."""
    declines = draft.kind == "offer_decline" or (
        draft.kind == "referrer_thanks" and "decline" in draft.note
    )
    if not declines:
        return ""
    wanted = profile.reason_in(draft.language)
    if draft.decline_reason != wanted:
        return f"records “{draft.decline_reason}”, the profile says “{wanted}”"
    if wanted:
        return "" if wanted in draft.body else f"does not give “{wanted}”"
    if draft.kind == "referrer_thanks":
        return ""  # the referrer note then just says the offer was declined
    neutral = {v for k, v in phrases(draft.language).items() if k.endswith("decline_neutral")}
    return (
        ""
        if any(n in draft.body for n in neutral)
        else "gives neither a reason nor the neutral sentence"
    )


def main(folders: list[str]) -> int:
    """Print the counts per check and per language, and each problem; exit 1 when any is found."""
    classifier = ensure_classifier(ROOT / ".gracemail-test" / "model.skops")
    paths = [p for f in folders for p in sorted((ROOT / f).glob("*.eml"))]
    problems: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    n_drafts = 0
    started = time.perf_counter()
    for name, profile in PROFILES.items():
        ingest = Ingest(classifier, profile)
        for path in paths:
            try:
                msg = parse_message(path.read_bytes())
            except ParseError:
                continue
            for d in ingest.draft(msg).drafts:
                n_drafts += 1
                languages[d.language] += 1
                where = f"{path.relative_to(ROOT)} {d.kind} ({name})"
                if m := _PLACEHOLDER.search(d.body + "\n" + d.subject):
                    problems["placeholder"] += 1
                    print(f"placeholder {where}: {m.group(0)!r}")
                if d.language != "en":
                    for sentence in english_sentences(d.body, d.language):
                        problems["english inside"] += 1
                        print(f"english inside {where}: {sentence}")
                if why := invented_reason(d, profile):
                    problems["invented reason"] += 1
                    print(f"invented reason {where}: {why}")
    took = time.perf_counter() - started
    print(
        f"{len(paths)} messages x {len(PROFILES)} profiles: {n_drafts} drafts in "
        f"{len(languages)} languages ({', '.join(f'{k} {v}' for k, v in sorted(languages.items()))}), {took:.1f} s"
    )
    for check in ("placeholder", "english inside", "invented reason"):
        print(f"{check}: {problems[check]} of {n_drafts} drafts")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:] or list(FOLDERS)))
