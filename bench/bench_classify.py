"""Classification throughput through the CLI, beside the floor of the stdlib parsing the same files.

`gracemail classify --format jsonl` runs over every message of the corpus and the held-out sets
(read from disk, parsed, labelled, slots for actionable mail, one JSON line each), on one core;
the floor is `email.message_from_bytes` with `get_payload(decode=True)` on the text parts of
the same files, also read from disk, in one process on the same core. Also prints in-process
throughput and the model load time, and with --profile the top of a cProfile of the CLI path.

Run: .venv/bin/python bench/bench_classify.py [--rounds N] [--profile]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
CORE = min(os.sched_getaffinity(0))
os.sched_setaffinity(0, {CORE})  # one core, for the child processes too

import argparse  # noqa: E402
import email  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.corpus import corpus_dir, data_dir  # noqa: E402
from classifier.parse import ParseError, parse_message  # noqa: E402
from classifier.persist import load_classifier  # noqa: E402
from classifier.train import ensure_classifier  # noqa: E402

GOAL = 0.6


def message_paths() -> list[Path]:
    """Return the realistic mail on disk: the corpus, the held-out sets and the demo inbox."""
    folders = [corpus_dir() / "messages", *sorted(data_dir().glob("holdout*")), data_dir() / "demo"]
    return [p for folder in folders for p in sorted(folder.glob("*.eml"))]


def parse_floor(paths: list[Path]) -> float:
    """Return messages/s of the stdlib reading and parsing the files, text parts decoded."""
    started = time.perf_counter()
    for path in paths:
        msg = email.message_from_bytes(path.read_bytes())
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                part.get_payload(decode=True)
    return len(paths) / (time.perf_counter() - started)


def through_cli(folder_list: Path, count: int) -> float:
    """Return messages/s of one `gracemail classify --format jsonl` run over the listed files."""
    paths = folder_list.read_text().split("\n")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "service", "classify", "--format", "jsonl", *paths],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    lines = done.stdout.count(b"\n")
    if lines < count * 0.99:
        raise RuntimeError(f"classify printed {lines} lines for {count} messages")
    return count / elapsed


def in_process(paths: list[Path], model: Path) -> tuple[float, float, float]:
    """Return batch and one-at-a-time messages/s in this process, and the model load seconds."""
    loads = []
    for _ in range(5):
        started = time.perf_counter()
        classifier = load_classifier(model)
        loads.append(time.perf_counter() - started)
    raws = [p.read_bytes() for p in paths]
    started = time.perf_counter()
    for i in range(0, len(raws), 256):
        messages = []
        for raw in raws[i : i + 256]:
            try:
                messages.append(parse_message(raw))
            except ParseError:
                pass
        classifier.predict_many(messages)
    batch = len(raws) / (time.perf_counter() - started)
    started = time.perf_counter()
    for raw in raws[:500]:
        classifier.predict(parse_message(raw))
    single = min(500, len(raws)) / (time.perf_counter() - started)
    return batch, single, statistics.median(loads)


def profile(paths: list[Path]) -> None:
    """Print the top of a cProfile of the classify command over paths, in this process."""
    import cProfile
    import pstats

    from service.cli import app

    profiler = cProfile.Profile()
    argv = ["classify", "--format", "jsonl", *map(str, paths)]
    with open(os.devnull, "w") as sink:
        stdout, sys.stdout = sys.stdout, sink
        try:
            profiler.runcall(app, argv, standalone_mode=False)
        finally:
            sys.stdout = stdout
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    model = Path(os.environ.get("GRACEMAIL_MODEL_PATH", ROOT / ".gracemail-test" / "model.skops"))
    os.environ["GRACEMAIL_MODEL_PATH"] = str(model)
    ensure_classifier(model)  # trains here, not in a timed run, when missing or stale
    load_classifier(model)  # writes the .npz when the model predates it
    paths = message_paths()
    size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(map(str, paths)))
    cli, floor = [], []
    for _ in range(args.rounds):  # interleaved, so both see the same load on the machine
        floor.append(parse_floor(paths))
        cli.append(through_cli(Path(listing.name), len(paths)))
    os.unlink(listing.name)
    batch, single, load = in_process(paths, model)
    cli_rate, floor_rate = statistics.median(cli), statistics.median(floor)
    print(f"messages: {len(paths)} ({size:.1f} KB average), one core (cpu {CORE})")
    print(
        f"stdlib parse floor: {floor_rate:,.0f} msg/s (runs: {', '.join(f'{r:,.0f}' for r in floor)})"
    )
    print(
        f"gracemail classify --format jsonl, whole run: {cli_rate:,.0f} msg/s "
        f"(runs: {', '.join(f'{r:,.0f}' for r in cli)})"
    )
    print(
        f"ratio to the floor: {cli_rate / floor_rate:.2f} (goal >= {GOAL}: "
        f"{'met' if cli_rate / floor_rate >= GOAL else 'NOT met'})"
    )
    print(f"in process, batches of 256: {batch:,.0f} msg/s; one at a time: {single:,.0f} msg/s")
    print(f"model load (.npz): median {load * 1000:.0f} ms")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.profile:
        profile(paths[:2000])


if __name__ == "__main__":
    main()
