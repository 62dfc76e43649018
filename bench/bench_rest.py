"""REST POST /v1/drafts latency (p50/p99) and throughput at 50 concurrent clients; service memory.

Run: .venv/bin/python bench/bench_rest.py  (starts its own uvicorn on loopback)
"""

from __future__ import annotations

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
from service.store import Store  # noqa: E402
from service.web.auth import Auth  # noqa: E402

CLIENTS, REQUESTS = 50, 6000
SERVER = (
    "import uvicorn; from service.web.app import create_app; from service.config import Settings; "
    "from classifier.train import ensure_classifier; s = Settings(); "
    "uvicorn.run(create_app(s, ensure_classifier(s.resolved_model_path)), host='127.0.0.1', port={port}, log_level='warning')"
)


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory_kb(pid: int) -> dict[str, int]:
    """Return VmRSS and VmHWM (peak) of a process, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            out[key] = int(value.split()[0])
    return out


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


def main() -> None:
    """Start the service, warm it up, load it, print the figures."""
    tmp = Path(tempfile.mkdtemp(prefix="gm-bench-rest"))
    env = {**os.environ, "GRACEMAIL_DATA_DIR": str(tmp)}
    env.setdefault(
        "GRACEMAIL_MODEL_PATH", str(Path(tempfile.gettempdir()) / "gm-bench" / "model.skops")
    )
    token = Auth(Store(f"sqlite:///{tmp / 'gracemail.db'}").secrets).new_api_token()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER.format(port=port)], env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        bodies = [p.read_bytes() for p in sorted((data_dir() / "holdout").glob("*.eml"))]
        requests = http_requests(token, bodies)
        asyncio.run(load(port, requests, 10, 2 * len(requests)))  # warm-up: every body, twice
        print(f"POST /v1/drafts with held-out mail ({len(bodies)} messages), one service process:")
        for clients in (1, 10, CLIENTS):
            print(asyncio.run(load(port, requests, clients, REQUESTS)).line())
        print(f"  goal: p99 < 25 ms at {CLIENTS} clients")
        mem = memory_kb(server.pid)
        print(
            f"  service memory: {mem['VmRSS'] / 1024:.0f} MB resident, peak {mem['VmHWM'] / 1024:.0f} MB (goal < 250 MB)"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
