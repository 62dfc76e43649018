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
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.corpus import data_dir  # noqa: E402
from service.auth import Auth  # noqa: E402
from service.store import SendStore, Store  # noqa: E402

CLIENTS, REQUESTS = 50, 3000
SERVER = (
    "import uvicorn; from service.app import create_app; from service.config import Settings; "
    "uvicorn.run(create_app(Settings()), host='127.0.0.1', port={port}, log_level='warning')"
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


async def load(port: int, token: str, bodies: list[bytes]) -> tuple[list[float], float]:
    """Send REQUESTS drafts requests from CLIENTS concurrent clients; return latencies, seconds."""
    latencies: list[float] = []
    queue = list(range(REQUESTS))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "message/rfc822"}
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
    ) as client:

        async def worker() -> None:
            while queue:
                i = queue.pop()
                started = time.perf_counter()
                r = await client.post(
                    "/v1/drafts", content=bodies[i % len(bodies)], headers=headers
                )
                latencies.append(time.perf_counter() - started)
                r.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CLIENTS)))
        return latencies, time.perf_counter() - started


def main() -> None:
    """Start the service, warm it up, load it, print the figures."""
    tmp = Path(tempfile.mkdtemp(prefix="gm-bench-rest"))
    env = {**os.environ, "GRACEMAIL_DATA_DIR": str(tmp)}
    env.setdefault(
        "GRACEMAIL_MODEL_PATH", str(Path(tempfile.gettempdir()) / "gm-bench" / "model.skops")
    )
    token = Auth(SendStore(Store(f"sqlite:///{tmp / 'gracemail.db'}"))).new_api_token()
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
        asyncio.run(load(port, token, bodies[:20]))  # warm-up
        latencies, seconds = asyncio.run(load(port, token, bodies))
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99) - 1]
        print(
            f"POST /v1/drafts, {CLIENTS} concurrent clients, {REQUESTS} requests of held-out mail:"
        )
        print(
            f"  p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms (goal < 25 ms), {REQUESTS / seconds:,.0f} requests/s"
        )
        mem = memory_kb(server.pid)
        print(
            f"  service memory: {mem['VmRSS'] / 1024:.0f} MB resident, peak {mem['VmHWM'] / 1024:.0f} MB (goal < 250 MB)"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
