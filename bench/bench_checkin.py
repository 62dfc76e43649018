"""Print the share of not-now mails with stated timing whose check-in lands in a sensible window."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from checkin_table import CASES  # noqa: E402

from drafts.checkin import pick_checkin_date  # noqa: E402


def main() -> int:
    """Print the figure overall and by language, and each miss; exit 1 below 0.90."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for language, sent, text, low, high in CASES:
        checkin = pick_checkin_date(text, language, sent)
        totals[language] += 1
        if low <= checkin <= high:
            hits[language] += 1
        else:
            print(f"miss {language} {sent}: {checkin} not in {low}..{high}: {text}")
    for language in totals:
        print(f"{language}: {hits[language]}/{totals[language]}")
    share = sum(hits.values()) / sum(totals.values())
    print(f"check-in in a sensible window: {share:.2f} of {sum(totals.values())} not-now mails")
    return 0 if share >= 0.90 else 1


if __name__ == "__main__":
    raise SystemExit(main())
