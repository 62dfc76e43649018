"""Time of extract_slots per actionable corpus message: median, p99 and messages/s.

Parses every actionable message of data/corpus once, then times extract_slots on each message
`--rounds` times on one core and keeps each message's fastest round (the noise of other work on
the machine only ever adds time). Prints the median and p99 in microseconds beside the goal.

Run: .venv/bin/python bench/bench_slots.py [--rounds N] [--profile]
"""

from __future__ import annotations

import os

CORE = min(os.sched_getaffinity(0))
os.sched_setaffinity(0, {CORE})

import argparse  # noqa: E402
import csv  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.parse import Message, parse_message  # noqa: E402
from classifier.slots import extract_slots  # noqa: E402

GOAL_US = 250.0
ACTIONABLE = frozenset({"offer", "hard_no", "not_now"})


def actionable_messages() -> list[Message]:
    """Return the parsed actionable messages of the corpus."""
    corpus = ROOT / "data" / "corpus"
    with (corpus / "labels.csv").open(encoding="utf-8", newline="") as fh:
        files = [r["file"] for r in csv.DictReader(fh) if r["label"] in ACTIONABLE]
    return [parse_message((corpus / "messages" / f).read_bytes()) for f in files]


def time_each(messages: list[Message], rounds: int) -> list[float]:
    """Return each message's fastest extract_slots time over rounds, in microseconds."""
    best = [float("inf")] * len(messages)
    for _ in range(rounds):
        for i, msg in enumerate(messages):
            start = time.perf_counter()
            extract_slots(msg)
            best[i] = min(best[i], time.perf_counter() - start)
    return [t * 1e6 for t in best]


def main() -> None:
    """Print median and p99 microseconds per message and the messages/s they make."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile")
    args = parser.parse_args()
    messages = actionable_messages()
    times = sorted(time_each(messages, args.rounds))
    median = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    mean = statistics.fmean(times)
    print(f"extract_slots on {len(messages)} actionable corpus messages, best of {args.rounds}")
    print(f"  median {median:7.1f} µs  (goal ≤ {GOAL_US:.0f} µs: {median / GOAL_US:.2f}× the goal)")
    print(f"  p99    {p99:7.1f} µs  max {times[-1]:.1f} µs")
    print(f"  mean   {mean:7.1f} µs  = {1e6 / mean:,.0f} msg/s")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for msg in messages:
            extract_slots(msg)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
