"""Score slot extraction (contact_name, company, role) against a labelled folder of .eml files.

The folder holds labels.csv (columns file, label, lang, contact_name, company, role) and the
messages either in folder/messages/ (the corpus layout) or beside labels.csv (the holdout layout).
Only actionable labels (offer, hard_no, not_now) are scored: slots are extracted for those alone.
Run: PYTHONPATH=. python scripts/eval_slots.py data/corpus [--errors 8] [--slot role] [--all]
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import defaultdict
from pathlib import Path

from classifier.parse import Message, parse_message
from classifier.slots import Slots, extract_slots

SLOTS = ("contact_name", "company", "role")
ACTIONABLE = frozenset({"offer", "hard_no", "not_now"})


def norm(value: str) -> str:
    """Return a slot value as compared: trimmed, whitespace collapsed, case-folded."""
    return " ".join(value.split()).casefold()


def load_rows(folder: Path, everything: bool) -> list[tuple[dict[str, str], Message]]:
    """Return the labelled rows of folder with their parsed messages."""
    messages_dir = folder / "messages" if (folder / "messages").is_dir() else folder
    with (folder / "labels.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if everything or r["label"] in ACTIONABLE]
    return [(r, parse_message((messages_dir / r["file"]).read_bytes())) for r in rows]


def time_extraction(messages: list[Message], rounds: int = 5) -> float:
    """Return the best mean time per message of extract_slots, in milliseconds."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for msg in messages:
            extract_slots(msg)
        best = min(best, (time.perf_counter() - start) / max(len(messages), 1))
    return best * 1000


def main() -> None:
    """Print per-slot accuracy overall and per language, wrong-when-filled rates and errors."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--errors", type=int, default=6, help="sample errors shown per slot")
    parser.add_argument("--slot", choices=SLOTS, help="show errors of this slot only")
    parser.add_argument("--all", action="store_true", help="score every label, not only actionable")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    data = load_rows(args.folder, args.all)
    predictions: list[Slots] = [extract_slots(msg) for _, msg in data]
    # per (lang, slot): [correct, filled, filled_wrong, total]
    stats: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    errors: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for (row, _), pred in zip(data, predictions, strict=True):
        for slot in SLOTS:
            got, want = norm(getattr(pred, slot)), norm(row[slot])
            for lang in ("ALL", row["lang"]):
                s = stats[(lang, slot)]
                s[0] += got == want
                s[1] += bool(got)
                s[2] += bool(got) and got != want
                s[3] += 1
            if got != want:
                errors[slot].append((row["file"], row[slot], getattr(pred, slot)))

    langs = ["ALL", *sorted({row["lang"] for row, _ in data})]
    print(f"{len(data)} messages from {args.folder} ({'all labels' if args.all else 'actionable'})")
    print(f"{'lang':<5} {'n':>4}  " + "  ".join(f"{s:>12}" for s in SLOTS))
    for lang in langs:
        n = stats[(lang, SLOTS[0])][3]
        cells = "  ".join(f"{stats[(lang, s)][0] / n:>12.3f}" for s in SLOTS)
        print(f"{lang:<5} {n:>4}  {cells}")
    print("\nnon-empty predictions (ALL): filled / wrong when filled / precision")
    for slot in SLOTS:
        _, filled, wrong, total = stats[("ALL", slot)]
        precision = (filled - wrong) / filled if filled else 0.0
        print(
            f"  {slot:<12} filled {filled:>4}/{total}  wrong {wrong:>3} "
            f"({wrong / total:.3f} of all)  precision {precision:.3f}"
        )
    ms = time_extraction([msg for _, msg in data])
    print(f"\nextract_slots: {ms:.4f} ms/message ({1000 / ms:,.0f} messages/s)")

    rng = random.Random(args.seed)
    for slot in [args.slot] if args.slot else SLOTS:
        sample = errors[slot]
        shown = rng.sample(sample, min(args.errors, len(sample)))
        if shown:
            print(f"\n{slot} errors ({len(sample)}): file | expected | got")
        for file, want, got in shown:
            print(f"  {file} | {want!r} | {got!r}")


if __name__ == "__main__":
    main()
