"""REST: POST /v1/drafts beside GET /healthz on the same `gracemail serve`, and its memory.

Starts `gracemail serve` (the real command, demo inbox, SQLite in a temp folder) on loopback and
prints: idle resident memory; single-client p50/p99 of both endpoints; the capacity of each at
10 closed-loop clients and the ratio drafts ÷ healthz (the cost of the work beyond HTTP);
resident and peak memory after 10,000 drafts. `--workers N` runs `serve --workers N` and sums
the memory of the workers.

Run: .venv/bin/python bench/bench_rest.py [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.corpus import data_dir  # noqa: E402
from classifier.persist import load_classifier  # noqa: E402
from classifier.train import ensure_classifier  # noqa: E402
from service.store import Store  # noqa: E402
from service.web.auth import Auth  # noqa: E402

CLIENTS, REQUESTS, DRAFTS, ROUNDS = 10, 3000, 10_000, 5


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory_kb(pid: int) -> dict[str, int]:
    """Return VmRSS, VmHWM (peak), RssFile and Threads of a process and its children, summed (kB)."""
    out = {"VmRSS": 0, "VmHWM": 0, "RssFile": 0, "Threads": 0}
    for one in [pid, *children(pid)]:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in out:
                out[key] += int(value.split()[0])
    return out


def children(pid: int) -> list[int]:
    """Return the pids of the processes whose parent is pid (uvicorn's workers)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


async def load(port: int, requests: list[bytes], clients: int, total: int) -> Run:
    """Send total requests from clients concurrent keep-alive connections, each waiting for its
    answer before the next (a closed loop); return the latencies and the elapsed seconds.

    The client speaks HTTP/1.1 over raw asyncio streams: httpx cost more CPU per request than the
    service itself, and on two cores the client's CPU is taken from the server.
    """
    latencies: list[float] = []
    sent = iter(range(total))

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for i in sent:
            started = time.perf_counter()
            writer.write(requests[i % len(requests)])
            head = await reader.readuntil(b"\r\n\r\n")
            status, headers = head.split(b"\r\n", 1)
            if b" 200 " not in status:
                raise RuntimeError(f"unexpected answer: {status.decode()}")
            length = next(
                int(line.split(b":")[1])
                for line in headers.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Run(clients, sorted(latencies), time.perf_counter() - started)


@dataclass
class Run:
    """One load run: its concurrency, sorted latencies in seconds, and how long it took."""

    clients: int
    latencies: list[float]
    seconds: float

    def line(self) -> str:
        """Return the run's figures as one line."""
        p99 = self.latencies[max(0, int(len(self.latencies) * 0.99) - 1)]
        return (
            f"  {self.clients:>3} clients: p50 {statistics.median(self.latencies) * 1000:6.1f} ms, "
            f"p99 {p99 * 1000:6.1f} ms, {len(self.latencies) / self.seconds:,.0f} requests/s"
        )


def http_requests(token: str, bodies: list[bytes]) -> list[bytes]:
    """Return one raw POST /v1/drafts request a body."""
    return [
        (
            "POST /v1/drafts HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: message/rfc822\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
        for body in bodies
    ]


HEALTHZ = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def p99_ms(run: Run) -> float:
    """Return a run's 99th-percentile latency in ms."""
    return run.latencies[max(0, int(len(run.latencies) * 0.99) - 1)] * 1000


def alternate(port: int, drafts: list[bytes], clients: int, total: int) -> tuple[Run, Run]:
    """Return the drafts and healthz runs of total requests each, sent in alternating rounds."""
    rounds = [], []
    for _ in range(ROUNDS):
        rounds[0].append(asyncio.run(load(port, drafts, clients, total // ROUNDS)))
        rounds[1].append(asyncio.run(load(port, [HEALTHZ], clients, total // ROUNDS)))
    return pooled(rounds[0]), pooled(rounds[1])


def pooled(runs: list[Run]) -> Run:
    """Return runs taken as one: their latencies together over their summed time."""
    latencies = sorted(x for run in runs for x in run.latencies)
    return Run(runs[0].clients, latencies, sum(run.seconds for run in runs))


def main() -> None:
    """Start the service, measure it idle, load it, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    workers = parser.parse_args().workers
    tmp = Path(tempfile.mkdtemp(prefix="gm-bench-rest"))
    model = Path(os.environ.get("GRACEMAIL_MODEL_PATH", ROOT / ".gracemail-test" / "model.skops"))
    ensure_classifier(model)  # trains here, not in the service, when missing or stale
    load_classifier(model)  # and writes its .npz
    env = {
        **os.environ,
        "GRACEMAIL_DATA_DIR": str(tmp),
        "GRACEMAIL_MODEL_PATH": str(model),
        "GRACEMAIL_WEB_PASSWORD": "bench-password-not-secret-1",
    }
    token = Auth(Store(f"sqlite:///{tmp / 'gracemail.db'}").secrets).new_api_token()
    port = free_port()
    command = [sys.executable, "-m", "service", "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    log = (tmp / "serve.log").open("wb")
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"serve did not start: {(tmp / 'serve.log').read_text()[-2000:]}")
        time.sleep(3)  # settled: the demo inbox loaded, nothing in flight
        idle = memory_kb(server.pid)
        bodies = [p.read_bytes() for p in sorted((data_dir() / "holdout").glob("*.eml"))]
        drafts = http_requests(token, bodies)
        asyncio.run(load(port, drafts, CLIENTS, 2 * len(drafts)))  # warm-up: every body, twice
        asyncio.run(load(port, [HEALTHZ], CLIENTS, 500))
        # Drafts and healthz alternate in short rounds from the same client, so that both meet
        # the same load from the rest of the machine; the figures pool the rounds.
        one_drafts, one_health = alternate(port, drafts, 1, 1000)
        many_drafts, many_health = alternate(port, drafts, CLIENTS, REQUESTS)
        rate = len(many_drafts.latencies) / many_drafts.seconds
        health_rate = len(many_health.latencies) / many_health.seconds
        asyncio.run(load(port, drafts, CLIENTS, DRAFTS))
        after = memory_kb(server.pid)
        label = f"{workers} worker{'s' if workers > 1 else ''}"
        print(
            f"gracemail serve, {label}, held-out mail ({len(bodies)} bodies) for POST /v1/drafts:"
        )
        print(
            f"  idle: {idle['VmRSS'] / 1024:.0f} MB resident (goal <= 120 MB a process), "
            f"{idle['RssFile'] / 1024:.0f} MB of it mapped files (the model's arrays, libraries)"
        )
        print(f"  1 client, drafts:  {one_drafts.line().strip()}  (goal p99 <= 2 ms)")
        print(f"  1 client, healthz: {one_health.line().strip()}")
        print(f"  {CLIENTS} clients, drafts:  {many_drafts.line().strip()}")
        print(f"  {CLIENTS} clients, healthz: {many_health.line().strip()}")
        print(
            f"  capacity ratio drafts / healthz: {rate / health_rate:.2f} (goal >= 0.5); "
            f"single-client p99 drafts {p99_ms(one_drafts):.1f} ms"
        )
        print(
            f"  after {DRAFTS:,} more drafts: {after['VmRSS'] / 1024:.0f} MB resident, "
            f"peak {after['VmHWM'] / 1024:.0f} MB (goal <= 120 MB a process), "
            f"{after['RssFile'] / 1024:.0f} MB mapped files, {after['Threads']} threads"
        )
        print(
            f"  load average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
