"""Score slot extraction (contact_name, company, role) against a labelled folder of .eml files.

The folder holds labels.csv (columns file, label, lang, contact_name, company, role) and the
messages either in folder/messages/ (the corpus layout) or beside labels.csv (the holdout layout).
A company or role is scored where the gold value is known (not empty); a contact is scored on
every message, as an empty gold contact means "only a team signs" and an empty answer is right.
Values are compared after folding case, whitespace, quotes and legal forms ("Acme GmbH" = "acme").
Only actionable labels (offer, hard_no, not_now) are scored unless --all is given: slots are
extracted for those alone.
Run: PYTHONPATH=. python scripts/eval_slots.py data/corpus [--misses] [--slot role] [--all]
"""

from __future__ import annotations

import argparse
import csv
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from classifier.parse import Message, parse_message
from classifier.slots import Slots, extract_slots

SLOTS = ("contact_name", "company", "role")
ACTIONABLE = frozenset({"offer", "hard_no", "not_now"})

_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛′`´"} | {c: '"' for c in "“”„‟″«»"})
_LEGAL = re.compile(
    r"(?:[\s,]+(?:gmbh(?:\s*&\s*co\.?\s*kg)?|ag|se|kg|inc|ltd|limited|llc|llp|plc|corp|co|sa|sas"
    r"|sarl|srl|s\.?r\.?l|s\.?a|s\.?l|s\.?p\.?a|spa|b\.?v|bv|n\.?v|nv|ab|oy|oyj|as|asa|a/s|aps"
    r"|pty|pte|pvt|sp\.?\s*z\s*o\.?\s*o|s\.?r\.?o|a\.?s)\.?)+$"
)


def norm(value: str, slot: str = "") -> str:
    """Return a slot value as compared: case, whitespace, quotes and (for companies) legal forms folded."""
    value = unicodedata.normalize("NFC", value).translate(_QUOTES).casefold()
    value = " ".join(value.split()).strip(" .,;:'\"")
    if slot == "company":
        value = _LEGAL.sub("", value).strip(" .,;:'\"")
    return value


def load_rows(folder: Path, everything: bool) -> list[tuple[dict[str, str], Message]]:
    """Return the labelled rows of folder with their parsed messages."""
    messages_dir = folder / "messages" if (folder / "messages").is_dir() else folder
    with (folder / "labels.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if everything or r["label"] in ACTIONABLE]
    return [(r, parse_message((messages_dir / r["file"]).read_bytes())) for r in rows]


def is_scored(slot: str, gold: str) -> bool:
    """Return True when a gold value is known: any contact (empty is an answer), else non-empty."""
    return slot == "contact_name" or bool(gold.strip())


def main() -> None:
    """Print per-slot accuracy overall and by language, precision when filled, and the misses."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--misses", action="store_true", help="print every miss")
    parser.add_argument("--slot", choices=SLOTS, help="print the misses of this slot only")
    parser.add_argument("--all", action="store_true", help="score every label, not only actionable")
    args = parser.parse_args()

    data = load_rows(args.folder, args.all)
    predictions: list[Slots] = [extract_slots(msg) for _, msg in data]
    # per (lang, slot): [correct, scored, filled, filled_wrong]
    stats: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    misses: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for (row, _), pred in zip(data, predictions, strict=True):
        for slot in SLOTS:
            if not is_scored(slot, row[slot]):
                continue
            got, want = norm(getattr(pred, slot), slot), norm(row[slot], slot)
            for lang in ("ALL", row["lang"]):
                s = stats[(lang, slot)]
                s[0] += got == want
                s[1] += 1
                s[2] += bool(got)
                s[3] += bool(got) and got != want
            if got != want:
                misses[slot].append((row["file"], row["lang"], row[slot], getattr(pred, slot)))

    langs = ["ALL", *sorted({row["lang"] for row, _ in data})]
    print(f"{len(data)} messages from {args.folder} ({'all labels' if args.all else 'actionable'})")
    print(f"{'lang':<5} " + "  ".join(f"{s:>18}" for s in SLOTS))
    for lang in langs:
        cells = []
        for slot in SLOTS:
            correct, scored = stats[(lang, slot)][:2]
            cells.append(f"{correct / scored:.3f} of {scored:>4}" if scored else f"{'-':>12}")
        print(f"{lang:<5} " + "  ".join(f"{c:>18}" for c in cells))
    print("\nwhen filled (ALL): filled / wrong / precision")
    for slot in SLOTS:
        _, scored, filled, wrong = stats[("ALL", slot)]
        precision = (filled - wrong) / filled if filled else 0.0
        print(
            f"  {slot:<12} filled {filled:>4}/{scored}  wrong {wrong:>3}  precision {precision:.3f}"
        )

    if args.misses or args.slot:
        for slot in [args.slot] if args.slot else SLOTS:
            print(f"\n{slot} misses ({len(misses[slot])}): file | lang | expected | got")
            for file, lang, want, got in misses[slot]:
                print(f"  {file} | {lang} | {want!r} | {got!r}")


if __name__ == "__main__":
    main()
