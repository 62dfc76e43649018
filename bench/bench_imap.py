"""IMAP figures on a real Dovecot: backfill rate of a 10,000-message mailbox vs a plain FETCH,
poller memory during the backfill, and APPEND-to-keyword latency through IDLE.

Run: .venv/bin/python bench/bench_imap.py  (needs dovecot-imapd; starts its own server)
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imapclient import IMAPClient  # noqa: E402

from classifier.corpus import corpus_dir  # noqa: E402
from classifier.train import ensure_classifier  # noqa: E402
from drafts.profile import Profile  # noqa: E402
from service.config import Settings  # noqa: E402
from service.ingest import Ingest  # noqa: E402
from service.mail.poller import Poller  # noqa: E402
from service.store import Store  # noqa: E402
from tests.servers import make_dovecot  # noqa: E402

N = int(os.environ.get("BENCH_MESSAGES", "10000"))


def main() -> None:
    """Fill a mailbox, time a plain fetch and the poller's backfill, then IDLE latency."""
    model = ensure_classifier(
        Path(
            os.environ.get(
                "GRACEMAIL_MODEL_PATH", Path(tempfile.gettempdir()) / "gm-bench" / "model.skops"
            )
        )
    )
    server = make_dovecot()
    server.start()
    try:
        raws = [p.read_bytes() for p in sorted((corpus_dir() / "messages").glob("*.eml"))]
        client = IMAPClient("127.0.0.1", server.imap_port, ssl=False)
        client.login("alice", "secret")
        for i in range(N):  # unique Message-IDs, so every copy is a new message
            raw = raws[i % len(raws)].replace(b"Message-ID: <", f"Message-ID: <b{i}.".encode(), 1)
            client.append("INBOX", raw)
        client.select_folder("INBOX", readonly=True)
        uids = client.search(["ALL"])
        started = time.perf_counter()
        for i in range(0, len(uids), 500):
            client.fetch(uids[i : i + 500], ["BODY.PEEK[]"])
        plain = len(uids) / (time.perf_counter() - started)
        client.logout()

        settings = Settings(
            imap_host="127.0.0.1",
            imap_port=server.imap_port,
            imap_user="alice",
            imap_password="secret",
            imap_tls="none",
            imap_allow_plain=True,
            data_dir=Path(tempfile.mkdtemp(prefix="gm-bench-imap")),
        )
        store = Store(settings.resolved_database_url)
        ingest = Ingest(model, Profile(name="Sam"), store)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        samples: list[int] = []

        def progress(folder: str, done: int, total: int) -> None:
            samples.append(
                int(Path("/proc/self/statm").read_text().split()[1])
                * os.sysconf("SC_PAGE_SIZE")
                // 2**20
            )

        started = time.perf_counter()
        Poller(settings, ingest, store, progress=progress).run(once=True)
        backfill = len(uids) / (time.perf_counter() - started)
        print(f"mailbox: {len(uids):,} messages in Dovecot on loopback")
        print(
            f"plain imapclient FETCH BODY.PEEK[] in batches of 500: {plain:,.0f} msg/s (the limit)"
        )
        print(
            f"gracemail backfill (fetch + parse + classify + draft + store + keywords): {backfill:,.0f} msg/s (goal >= 1,000)"
        )
        print(
            f"poller resident memory during backfill: first batch {samples[0]} MB, last {samples[-1]} MB, max {max(samples)} MB (peak before: {rss_before // 1024} MB)"
        )

        poller = Poller(settings, ingest, store)
        thread = threading.Thread(target=poller.run, daemon=True)
        thread.start()
        time.sleep(1.5)
        sender = IMAPClient("127.0.0.1", server.imap_port, ssl=False)
        sender.login("alice", "secret")
        watcher = IMAPClient("127.0.0.1", server.imap_port, ssl=False)
        watcher.login("alice", "secret")
        watcher.select_folder("INBOX", readonly=True)
        offers = [
            r
            for r in raws
            if b"pleased to offer" in r.lower() or b"delighted to offer" in r.lower()
        ][:20]
        latencies = []
        for i, raw in enumerate(offers):
            raw = raw.replace(b"Message-ID: <", f"Message-ID: <idle{i}.".encode(), 1)
            started = time.perf_counter()
            sender.append("INBOX", raw)
            while time.perf_counter() - started < 10:
                hits = watcher.search(
                    ["KEYWORD", "gracemail-offer", "HEADER", "Message-ID", f"idle{i}."]
                )
                if hits:
                    latencies.append(time.perf_counter() - started)
                    break
                time.sleep(0.02)
        poller.stop.set()
        thread.join(10)
        latencies.sort()
        if latencies:
            p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
            print(
                f"APPEND -> keyword through IDLE, {len(latencies)}/{len(offers)} offers: p50 {latencies[len(latencies) // 2]:.2f} s, p95 {p95:.2f} s (goal < 1 s)"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
