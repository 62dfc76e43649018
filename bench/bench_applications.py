"""Time the rebuild of application records from a store of 10,000 messages.

Run: python bench/bench_applications.py [STORE.db]   (a store path is filled once and kept)
The store is filled through ingest with corpus messages, each given a Message-ID of its own.
Ingest stores every message's company and role (revision 0008), so a rebuild reads light rows
only; the first rebuild after that revision reads the slots of older messages once, which is
timed too, by forgetting them.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classifier.corpus import corpus_dir
from classifier.train import ensure_classifier
from drafts.profile import Profile
from service.config import Settings
from service.ingest import Fetched, Ingest
from service.store import MessageRow, Store
from service.tracker import rebuild

N = 10_000


def main() -> None:
    """Fill a store, time rebuild() three times, then once more after forgetting the slots."""
    raws = [p.read_bytes() for p in sorted((corpus_dir() / "messages").glob("*.eml"))]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tmp) / "bench.db"
        filled = path.exists()
        store = Store(f"sqlite:///{path}")
        ingest = Ingest(ensure_classifier(Settings().resolved_model_path), Profile(), store)
        items = []
        for i in range(0 if filled else N):
            raw = re.sub(
                rb"(?im)^Message-ID:.*$",
                f"Message-ID: <bench-{i}@x>".encode(),
                raws[i % len(raws)],
                count=1,
            )
            items.append(Fetched(raw, i + 1))
        started = time.perf_counter()
        for i in range(0, len(items), 500):
            ingest.handle_many(items[i : i + 500], folder="INBOX")
        ingest_s = time.perf_counter() - started
        if items:
            print(f"ingest of {N:,} messages: {ingest_s:.1f} s ({N / ingest_s:,.0f} msg/s)")
        times = []
        for _ in range(3):
            started = time.perf_counter()
            apps = rebuild(store, limit=N)
            times.append(time.perf_counter() - started)
            print(
                f"rebuild: {times[-1]:.2f} s for {N:,} messages ({N / times[-1]:,.0f} msg/s),"
                f" {len(apps):,} records"
            )
        with store.db.session() as s:  # as if stored before revision 0008
            s.execute(update(MessageRow).values(app_company=None, app_role=None))
        started = time.perf_counter()
        rebuild(store, limit=N)
        first = time.perf_counter() - started
        started = time.perf_counter()
        rebuild(store, limit=N)
        after = time.perf_counter() - started
        print(
            f"first rebuild after the upgrade (reads {N:,} old messages' slots once): {first:.1f} s;"
            f" the next: {after:.2f} s ({first / after:.0f}x)"
        )
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
