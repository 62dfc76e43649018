"""Issue 13's fault run: 20,000 messages moved while workers are SIGKILLed and PostgreSQL restarts.

Real processes throughout (tests/faults.py): a PostgreSQL of its own, a Dovecot of its own fed
by LMTP, an aiosmtpd sink and N `gracemail worker` processes. A random worker is killed with
SIGKILL (and started again) at even steps of the stored count, PostgreSQL is restarted once
with `pg_ctl restart` in the middle, and replies are approved as the web does it meanwhile.
Prints what was lost, labelled, drafted or sent twice, and the load average.

    .venv/bin/python bench/bench_faults.py                      # 20,000 messages, 10 kills
    .venv/bin/python bench/bench_faults.py --messages 2000 --kills 3
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.corpus import corpus_dir  # noqa: E402
from classifier.train import ensure_classifier  # noqa: E402
from tests.faults import FaultRun, Plan  # noqa: E402

MODEL = ROOT / ".gracemail-test" / "model.skops"


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    """Run the fault run once and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mailboxes", type=int, default=40)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--postgres-restarts", type=int, default=1)
    parser.add_argument("--rate", type=float, default=40.0, help="messages per second offered")
    parser.add_argument("--approve-every", type=int, default=10)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    plan = Plan(
        mailboxes=args.mailboxes,
        messages=args.messages,
        workers=args.workers,
        kills=args.kills,
        postgres_restarts=args.postgres_restarts,
        rate=args.rate,
        approve_every=args.approve_every,
        poll_seconds=1.0,
        lease_seconds=5.0,
        seed=args.seed,
        timeout=3600.0,
    )
    ensure_classifier(MODEL)
    corpus = [p.read_bytes() for p in sorted((corpus_dir() / "messages").glob("*.eml"))[:500]]
    logs = Path(tempfile.mkdtemp(prefix="gm-faults-"))
    print(f"plan: {plan}\nworker logs in {logs}; load average at start {_load()}", flush=True)
    run = FaultRun(plan, MODEL, corpus, logs)
    run.say = lambda line: print(line, flush=True)
    try:
        run.start()
        report = run.run()
    finally:
        run.stop()
    print("\n".join(report.lines()))
    print(f"load average at the end {_load()} (2 cores)")


if __name__ == "__main__":
    main()
