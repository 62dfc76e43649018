"""Worst and median time per message over corpus mail mixed with the fuzz test's hostile kinds.

Each message is parsed and labelled (the /v1/classify work) and, apart, drafted (the /v1/drafts
work), in a worker process on one core; a message that runs past --cap seconds has its worker
killed and counts as the cap. With --baseline (a git revision, or a folder holding classifier/,
drafts/ and service/) the same messages also run through that code, for the ratios.

Run: .venv/bin/python bench/bench_hostile.py [--n 10000] [--baseline REV] [--cap 10]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "classifier" / "test_hostile.py"
Spec = tuple[str, int]  # ("corpus", file index) or (hostile kind, seed)


@dataclass
class Run:
    """Seconds per message with one version of the code; None where the worker hit the cap."""

    label: str
    classify: list[float | None]
    draft: list[float | None]


def load_hostile() -> ModuleType:
    """Return the fuzz test's module, which generates the hostile messages."""
    spec = importlib.util.spec_from_file_location("hostile", HOSTILE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def make_specs(n: int, hostile_share: float, kinds: list[str], corpus_size: int) -> list[Spec]:
    """Return n message specs, the hostile ones spread evenly, the same for the same arguments."""
    rng = random.Random(15)
    every = max(1, round(1 / hostile_share)) if hostile_share > 0 else n + 1
    specs: list[Spec] = []
    for i in range(n):
        if i % every == every - 1:
            hostile = i // every
            specs.append((kinds[hostile % len(kinds)], hostile // len(kinds)))
        else:
            specs.append(("corpus", rng.randrange(corpus_size)))
    return specs


def worker(code: Path, specs_file: Path, model: Path, corpus: Path) -> None:
    """Time the messages of each "start end" line read with the code at code.

    Prints "index column seconds" for each message and "done" after each range.
    """
    sys.path.insert(0, str(code))
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from classifier.parse import ParseError, parse_message
    from classifier.persist import load_classifier
    from drafts.profile import Profile
    from service.ingest import Ingest

    hostile = load_hostile()
    classifier = load_classifier(model)
    ingest = Ingest(classifier, Profile(name="Sam Rivera", email="sam@example.org"))
    paths = sorted(corpus.glob("*.eml"))
    specs = json.loads(specs_file.read_text())
    for path in paths[::50]:  # templates and locale data load on first use: not what is timed
        try:
            ingest.draft(parse_message(path.read_bytes()))
        except ParseError:
            pass
    print("ready", flush=True)
    for command in sys.stdin:
        first, end = map(int, command.split())
        for i in range(first, end):
            kind, seed = specs[i]
            raw = (
                paths[seed].read_bytes()
                if kind == "corpus"
                else hostile.hostile_message(kind, seed)
            )
            started = time.perf_counter()
            try:
                msg = parse_message(raw)
            except ParseError:
                parsed = time.perf_counter() - started
                print(i, "classify", parsed, f"\n{i} draft", parsed, flush=True)
                continue
            parsed = time.perf_counter() - started
            classifier.predict(msg)
            labelled = time.perf_counter()
            print(i, "classify", labelled - started, flush=True)
            ingest.draft(msg)  # labels again, then drafts: the whole of /v1/drafts
            print(i, "draft", parsed + time.perf_counter() - labelled, flush=True)
        print("done", flush=True)


class Worker:
    """A worker process timing messages with one version of the code, killed at each cap."""

    def __init__(self, label: str, code: Path, specs_file: Path, model: Path, corpus: Path) -> None:
        self.args = [__file__, "--worker", *map(str, (code, specs_file, model, corpus))]
        self.label = label
        n = len(json.loads(specs_file.read_text()))
        self.run = Run(label, [None] * n, [None] * n)
        self.proc: subprocess.Popen[bytes] | None = None
        self.pending = b""

    def _line(self, timeout: float) -> str | None:
        """Return the worker's next line, "" when it ended, None after timeout seconds."""
        assert self.proc is not None and self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        # read the pipe unbuffered: a buffered reader could hold lines that select never shows
        while b"\n" not in self.pending:
            ready, _, _ = select.select([self.proc.stdout], [], [], deadline - time.monotonic())
            if not ready:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return ""
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode()

    def _start(self) -> None:
        # its own process group, so a kill at the cap ends it and nothing else
        self.proc = subprocess.Popen(
            [sys.executable, *self.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        self.pending = b""
        if self._line(300) != "ready":  # imports, the model load and the warm-up
            raise RuntimeError(f"{self.label}: the worker did not start")

    def _stop(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def time_range(self, start: int, end: int, cap: float) -> None:
        """Time messages start to end-1; one that runs past cap seconds stays None."""
        while start < end:
            if self.proc is None:
                self._start()
            assert self.proc is not None and self.proc.stdin is not None
            self.proc.stdin.write(f"{start} {end}\n".encode())
            self.proc.stdin.flush()
            waited_for = start
            while True:
                line = self._line(cap)
                if line == "done":
                    start = end
                    break
                if not line:  # past the cap, or the worker crashed on this message
                    if line == "":
                        print(
                            f"{self.label}: worker ended at message {waited_for}", file=sys.stderr
                        )
                    self._stop()
                    start = waited_for + 1
                    break
                index, column, value = line.split()
                getattr(self.run, column)[int(index)] = float(value)
                waited_for = int(index) + (column == "draft")

    def close(self) -> None:
        """End the worker."""
        self._stop()


def describe(
    label: str, seconds: list[float | None], specs: list[Spec], cap: float
) -> dict[str, float]:
    """Print the figures of one column of a run and return them."""
    known = [s if s is not None else cap for s in seconds]
    worst = max(range(len(known)), key=known.__getitem__)
    hostile = [s for s, (kind, _) in zip(known, specs, strict=True) if kind != "corpus"]
    corpus = [s for s, (kind, _) in zip(known, specs, strict=True) if kind == "corpus"]
    figures = {
        "median": statistics.median(known),
        "corpus_median": statistics.median(corpus) if corpus else 0.0,
        "hostile_median": statistics.median(hostile) if hostile else 0.0,
        "p99": sorted(known)[int(len(known) * 0.99)],
        "worst": known[worst],
    }
    mark = "≥ " if seconds[worst] is None else ""
    print(f"{label}: {len(known):,} messages ({len(hostile):,} hostile)")
    print(
        f"  median {figures['median'] * 1000:.2f} ms (corpus {figures['corpus_median'] * 1000:.2f}"
        f" ms, hostile {figures['hostile_median'] * 1000:.2f} ms), p99 {figures['p99'] * 1000:.1f} ms"
    )
    print(f"  worst {mark}{known[worst]:.3f} s ({specs[worst][0]} seed {specs[worst][1]})")
    over = sum(s > 1.0 for s in known)
    print(f"  over 1 s: {over:,}   killed at the {cap:g} s cap: {seconds.count(None):,}")
    by_kind: dict[str, float] = {}
    for s, (kind, _) in zip(known, specs, strict=True):
        by_kind[kind] = max(by_kind.get(kind, 0.0), s)
    print("  worst by kind: " + ", ".join(f"{k} {v:.3f} s" for k, v in sorted(by_kind.items())))
    return figures


def checkout(baseline: str) -> Path:
    """Return a folder holding the packages' code: baseline itself, or a commit's in a temp dir."""
    if Path(baseline).is_dir():
        return Path(baseline).resolve()
    folder = Path(tempfile.mkdtemp(prefix="gm-baseline-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", baseline, "classifier", "drafts", "service"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def ratios(then: dict[str, float], now: dict[str, float], capped: bool) -> str:
    """Return the baseline's figures over this tree's, as text."""
    worst = f"{then['worst'] / now['worst']:.0f}x" + (" at least (capped)" if capped else "")
    return (
        f"median {then['median'] / now['median']:.2f}x, corpus median "
        f"{then['corpus_median'] / now['corpus_median']:.2f}x, worst {worst}"
    )


def main() -> None:
    """Print the worst and median message time, and the ratios to a baseline when given one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--hostile-share", type=float, default=0.1)
    parser.add_argument("--cap", type=float, default=10.0, help="seconds before a worker is killed")
    parser.add_argument("--baseline", default="", help="a git revision or a folder of code")
    parser.add_argument("--corpus", type=Path, help="a folder of .eml files (the corpus's)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from classifier.corpus import corpus_dir
    from classifier.train import ensure_classifier

    named = os.environ.get("GRACEMAIL_MODEL_PATH")
    model = Path(named or Path(tempfile.gettempdir()) / "gm-bench" / "model.skops")
    if not (named and model.exists()):  # a model named by the caller is used as it is
        ensure_classifier(model)
    corpus = args.corpus or corpus_dir() / "messages"
    kinds = sorted(load_hostile().KINDS)
    specs = make_specs(args.n, args.hostile_share, kinds, len(list(corpus.glob("*.eml"))))
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(specs, fh)
    workers = [Worker("this tree", ROOT, Path(fh.name), model, corpus)]
    if args.baseline:
        code = checkout(args.baseline)
        workers.append(Worker(f"baseline {args.baseline}", code, Path(fh.name), model, corpus))
    # the versions take turns, 250 messages at a time, so a change in the machine's load
    # falls on both alike
    for first in range(0, len(specs), 250):
        for w in workers:
            w.time_range(first, min(first + 250, len(specs)), args.cap)
            print(f"\r{first + 250:,}/{len(specs):,}", end="", file=sys.stderr)
    print(file=sys.stderr)
    for w in workers:
        w.close()
    Path(fh.name).unlink()
    runs = [w.run for w in workers]
    figures = []
    for run in runs:
        print(f"== {run.label}")
        classify = describe("parse + classify (/v1/classify)", run.classify, specs, args.cap)
        draft = describe("parse + classify + draft (/v1/drafts)", run.draft, specs, args.cap)
        figures.append((classify, draft, None in run.classify, None in run.draft))
    if len(figures) == 2:
        (now_c, now_d, _, _), (then_c, then_d, capped_c, capped_d) = figures
        print(f"baseline / this tree, parse + classify: {ratios(then_c, now_c, capped_c)}")
        print(f"baseline / this tree, parse + classify + draft: {ratios(then_d, now_d, capped_d)}")
    print(f"bench time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(*map(Path, sys.argv[2:6]))
    else:
        main()
