"""N mailboxes on the local Dovecot served by 2, then 4 `gracemail worker` processes on PostgreSQL.

Mail arrives by LMTP at a steady rate, spread over the mailboxes. Prints messages labelled per
second, arrival→label p50/p95 (arrival: just before LMTP; label: the row's created_at, written
in the labelling transaction), each worker's peak RSS and the most PostgreSQL connections seen.

    .venv/bin/python bench/bench_workers.py --mailboxes 200 --messages 2000 --rate 100
"""

from __future__ import annotations

import argparse
import math
import os
import smtplib
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from classifier.corpus import corpus_dir  # noqa: E402
from classifier.train import ensure_classifier  # noqa: E402
from service.store import Store  # noqa: E402
from service.store.accounts import Accounts, NewAccount, new_key  # noqa: E402
from service.store.tables import MessageRow  # noqa: E402
from tests.postgres import Postgres  # noqa: E402
from tests.servers import Dovecot, make_dovecot  # noqa: E402

MODEL = ROOT / ".gracemail-test" / "model.skops"


def _with_id(raw: bytes, message_id: str) -> bytes:
    nl = b"\r\n" if b"\r\n" in raw else b"\n"
    head, sep, body = raw.partition(nl + nl)
    lines = [line for line in head.split(nl) if not line.lower().startswith(b"message-id:")]
    return nl.join([b"Message-ID: " + message_id.encode(), *lines]) + sep + body


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_round(
    pg: Postgres, dovecot: Dovecot, workers: int, args: argparse.Namespace, corpus: list[bytes]
) -> None:
    """Serve args.mailboxes fresh mailboxes with this many workers; print the figures."""
    url = pg.new_database()
    key = new_key()
    store = Store(url)
    accounts = Accounts(store.db, key)
    users = [f"w{workers}u{i}" for i in range(args.mailboxes)]
    for user in users:
        dovecot.add_user(user, "pw")
        accounts.add(
            NewAccount(user, "127.0.0.1", user, "pw", imap_port=dovecot.imap_port, imap_tls="none")
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRACEMAIL_")}
    env.update(
        GRACEMAIL_DATABASE_URL=url,
        GRACEMAIL_SECRET_KEY=key,
        GRACEMAIL_MODEL_PATH=str(MODEL),
        GRACEMAIL_IMAP_ALLOW_PLAIN="true",
        GRACEMAIL_WORKER_POLL_SECONDS=str(args.poll),
        GRACEMAIL_WORKER_LEASE_SECONDS="15",
        # a worker claims all it may at once: the limit is what shares the mailboxes out
        GRACEMAIL_WORKER_MAX_MAILBOXES=str(math.ceil(args.mailboxes / workers)),
        # all workers together stay under the local Dovecot's process limit
        GRACEMAIL_WORKER_CONNECTIONS_PER_HOST=str(max(1, args.connections // workers)),
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "service", "worker"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    peak_conns = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_conns
        while not done.wait(0.5):
            with store.db.engine.connect() as conn:
                n = conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
                ).scalar()
            peak_conns = max(peak_conns, int(n or 0))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    time.sleep(3)  # workers load the model and claim their leases
    arrivals: dict[str, datetime] = {}
    start = time.monotonic()
    with smtplib.LMTP("127.0.0.1", dovecot.lmtp_port) as lmtp:
        for i in range(args.messages):
            user = users[i % len(users)]
            mid = f"<b{i}.{user}@bench.example>"
            raw = _with_id(corpus[i % len(corpus)], mid)
            due = start + i / args.rate
            time.sleep(max(0.0, due - time.monotonic()))
            arrivals[mid] = datetime.now(UTC).replace(tzinfo=None)
            lmtp.sendmail("sender@bench.example", [f"{user}@localhost"], raw)
    sent_s = time.monotonic() - start
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with store.db.session() as s:
            stored = {
                m: c for m, c in s.execute(select(MessageRow.message_id, MessageRow.created_at))
            }
        if len(stored) >= args.messages:
            break
        time.sleep(0.5)
    rss = [_peak_rss_mb(p.pid) for p in procs]
    done.set()
    sampler.join()
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(timeout=60)
    store.db.engine.dispose()
    lat = [(stored[m] - arrivals[m]).total_seconds() for m in arrivals if m in stored]
    first, last = min(arrivals.values()), max(stored.values())
    span = (last - first).total_seconds()
    print(
        f"{workers} workers, {args.mailboxes} mailboxes: {len(stored)}/{args.messages} labelled "
        f"in {span:.1f} s ({len(stored) / span:.0f} msg/s; offered {args.rate:.0f}/s, "
        f"sent in {sent_s:.1f} s); arrival->label p50 {_percentile(lat, 0.5):.2f} s, "
        f"p95 {_percentile(lat, 0.95):.2f} s; worker peak RSS "
        f"{', '.join(f'{r:.0f}' for r in rss)} MB; PostgreSQL connections at most {peak_conns}"
    )


def main() -> None:
    """Run the rounds and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mailboxes", type=int, default=200)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=100.0, help="messages per second offered")
    parser.add_argument(
        "--poll", type=float, default=1.0, help="seconds between syncs of one mailbox"
    )
    parser.add_argument(
        "--connections", type=int, default=80, help="IMAP connections of all workers together"
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    args = parser.parse_args()
    ensure_classifier(MODEL)
    corpus = [p.read_bytes() for p in sorted((corpus_dir() / "messages").glob("*.eml"))[:500]]
    pg, dovecot = Postgres(), make_dovecot()
    pg.start()
    dovecot.start()
    try:
        for n in args.workers:
            run_round(pg, dovecot, n, args, corpus)
    finally:
        dovecot.stop()
        pg.stop()


if __name__ == "__main__":
    main()
