"""Time the rebuild of application records from a store of 10,000 messages.

Run: python bench/bench_applications.py
The store is filled through ingest with corpus messages, each given a Message-ID of its own.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classifier.corpus import corpus_dir
from classifier.train import ensure_classifier
from drafts.profile import Profile
from service.config import Settings
from service.ingest import Fetched, Ingest
from service.store import Store
from service.tracker import rebuild

N = 10_000


def main() -> None:
    """Fill a store, then time rebuild() three times."""
    raws = [p.read_bytes() for p in sorted((corpus_dir() / "messages").glob("*.eml"))]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        ingest = Ingest(ensure_classifier(Settings().resolved_model_path), Profile(), store)
        items = []
        for i in range(N):
            raw = re.sub(
                rb"(?im)^Message-ID:.*$",
                f"Message-ID: <bench-{i}@x>".encode(),
                raws[i % len(raws)],
                count=1,
            )
            items.append(Fetched(raw, i + 1))
        started = time.perf_counter()
        for i in range(0, N, 500):
            ingest.handle_many(items[i : i + 500], folder="INBOX")
        print(f"ingest of {N:,} messages: {time.perf_counter() - started:.1f} s")
        for _ in range(3):
            started = time.perf_counter()
            apps = rebuild(store, limit=N)
            seconds = time.perf_counter() - started
            print(
                f"rebuild: {seconds:.2f} s for {N:,} messages ({N / seconds:,.0f} msg/s), {len(apps):,} records"
            )


if __name__ == "__main__":
    main()
