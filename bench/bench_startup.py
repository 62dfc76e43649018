"""Start-up of the run-once paths: `gracemail classify` and `gracemail filter` on one message.

Prints the median wall time and peak RSS of each (from wait4 on the child), beside the floors of
a bare interpreter and of one that imports numpy, and the per-message time of `gracemail filter`
run by Dovecot's Sieve on LMTP delivery (skipped without Debian's dovecot-sieve).

Run: .venv/bin/python bench/bench_startup.py  [--runs N]
"""

from __future__ import annotations

import argparse
import os
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.corpus import corpus_dir, data_dir  # noqa: E402
from classifier.persist import load_classifier  # noqa: E402
from classifier.train import ensure_classifier  # noqa: E402

MESSAGE = data_dir() / "demo" / "07-hard-no-unable.eml"
WALL_GOAL, RSS_GOAL_MB = 0.3, 60


def run_child(args: list[str], stdin: bytes = b"") -> tuple[float, float]:
    """Run args to the end; return its wall seconds and peak RSS in MB, as /usr/bin/time saw them.

    GNU time measures the program alone: the rusage of a child forked from this process would
    count the pages of this (scikit-learn loaded) process that the fork shared before exec.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        done = subprocess.run(
            ["/usr/bin/time", "-o", report.name, "-f", "%e %M", *args],
            input=stdin,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{args} exited {done.returncode}")
        wall, kb = report.read().split()[-2:]
    return float(wall), int(kb) / 1024


def measure(args: list[str], runs: int, stdin: bytes = b"") -> tuple[float, float]:
    """Return the median wall seconds and median peak RSS (MB) of runs runs of args."""
    results = [run_child(args, stdin) for _ in range(runs)]
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


def lmtp_per_message(model: Path, messages: list[bytes]) -> float | None:
    """Return the median seconds an LMTP delivery takes through Sieve and `gracemail filter`."""
    from tests.servers import FilterUnavailable, dovecot_with_filter

    try:
        with dovecot_with_filter(model) as server:
            times = []
            with smtplib.LMTP("127.0.0.1", server.lmtp_port) as lmtp:
                for raw in messages:
                    started = time.perf_counter()
                    lmtp.sendmail("jobs@example.org", ["alice@example.org"], raw)
                    times.append(time.perf_counter() - started)
            return statistics.median(times)
    except FilterUnavailable:
        return None


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    model = Path(os.environ.get("GRACEMAIL_MODEL_PATH", ROOT / ".gracemail-test" / "model.skops"))
    os.environ["GRACEMAIL_MODEL_PATH"] = str(model)
    ensure_classifier(model)  # trains here, not in a timed run, when missing or stale
    load_classifier(model)  # and writes its .npz when the model predates it
    python = sys.executable
    raw = MESSAGE.read_bytes()
    bare = measure([python, "-c", "pass"], runs)
    numpy = measure([python, "-c", "import numpy"], runs)
    cli = [python, "-m", "service"]
    classify = measure([*cli, "classify", str(MESSAGE)], runs)
    filter_ = measure([*cli, "filter"], runs, raw)
    print(f"one message ({MESSAGE.name}), median of {runs} runs; model {model}")
    print(f"{'':34} {'wall s':>8} {'peak MB':>8} {'wall/numpy':>11}")
    for name, (wall, rss) in [
        ("python -c pass", bare),
        ("python -c 'import numpy'", numpy),
        ("gracemail classify", classify),
        ("gracemail filter", filter_),
    ]:
        print(f"{name:34} {wall:8.3f} {rss:8.1f} {wall / numpy[0]:11.2f}")
    print(
        f"goal: classify <= {WALL_GOAL} s and <= {RSS_GOAL_MB} MB: "
        f"wall {'met' if classify[0] <= WALL_GOAL else 'NOT met'}, "
        f"RSS {'met' if classify[1] <= RSS_GOAL_MB else 'NOT met'}"
    )
    messages = [p.read_bytes() for p in sorted((corpus_dir() / "messages").glob("*.eml"))[::300]]
    per_message = lmtp_per_message(model, messages)
    if per_message is None:
        print("Dovecot LMTP + Sieve + gracemail filter: skipped (no dovecot-sieve)")
    else:
        print(
            f"Dovecot LMTP + Sieve + gracemail filter: {per_message:.3f} s a message, median of "
            f"{len(messages)} ({per_message / filter_[0]:.2f}x a bare `gracemail filter` run; "
            f"goal <= {WALL_GOAL} s: {'met' if per_message <= WALL_GOAL else 'NOT met'})"
        )
    load = os.getloadavg()[0]
    print(
        f"load average at the end: {load:.1f} on {os.cpu_count()} cores (figures are ratios first)"
    )


if __name__ == "__main__":
    main()
