"""Classification throughput on one core (parse + features + model + slots) and model load time.

Run: .venv/bin/python bench/bench_classify.py
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the goal says

import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classifier.corpus import corpus_dir  # noqa: E402
from classifier.parse import ParseError, parse_message  # noqa: E402
from classifier.persist import load_classifier  # noqa: E402
from classifier.train import ensure_classifier  # noqa: E402


def main() -> None:
    """Print messages/s over the corpus and the model load time."""
    path = Path(
        os.environ.get(
            "GRACEMAIL_MODEL_PATH", Path(tempfile.gettempdir()) / "gm-bench" / "model.skops"
        )
    )
    ensure_classifier(path)
    loads = []
    for _ in range(5):
        started = time.perf_counter()
        classifier = load_classifier(path)
        loads.append(time.perf_counter() - started)
    raws = [p.read_bytes() for p in sorted((corpus_dir() / "messages").glob("*.eml"))]
    rounds = []
    for _ in range(3):
        started = time.perf_counter()
        for i in range(0, len(raws), 256):
            messages = []
            for raw in raws[i : i + 256]:
                try:
                    messages.append(parse_message(raw))
                except ParseError:
                    pass
            classifier.predict_many(messages)
        rounds.append(len(raws) / (time.perf_counter() - started))
    started = time.perf_counter()
    for raw in raws[:500]:
        classifier.predict(parse_message(raw))
    single = 500 / (time.perf_counter() - started)
    print(f"messages: {len(raws)} ({sum(map(len, raws)) / len(raws) / 1024:.1f} KB average)")
    print(
        f"classify throughput, one core, batches of 256: {statistics.median(rounds):,.0f} msg/s (goal >= 2,000)"
    )
    print(f"classify throughput, one core, one at a time: {single:,.0f} msg/s")
    print(
        f"model load: median {statistics.median(loads) * 1000:.0f} ms (goal < 500 ms), file {path.stat().st_size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
