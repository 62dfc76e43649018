"""Password guessers for the throttling test: N clients at once from one asyncio process.

Run as `python -m tests.web.guessers URL N SECONDS`; prints one JSON line: how many guesses the
server checked (401, wrong password) and how many it refused unchecked (429). A process of its own, so that the
guessers do not take the test's (and the server's) interpreter lock.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx


async def ready(url: str, i: int) -> httpx.AsyncClient:
    """Return a client from forwarded address i that holds the login form's CSRF cookie."""
    headers = {"X-Forwarded-For": f"203.0.113.{i}"}  # documentation addresses, headers only
    client = httpx.AsyncClient(base_url=url, timeout=30, headers=headers)
    await client.get("/login")
    return client


def kind(answer: httpx.Response) -> str:
    """Return what an answer was: a password checked, refused unchecked, or something else."""
    if answer.status_code == 401 and "Wrong password" in answer.text:
        return "checked"
    return "refused" if answer.status_code == 429 else f"other {answer.status_code}"


async def guess(client: httpx.AsyncClient, until: float, counts: dict[str, float]) -> None:
    """Post wrong passwords as fast as the server answers, until the deadline."""
    while time.monotonic() < until:
        # each answer sets a new form token, which a browser's next form would carry
        csrf = client.cookies.get("gracemail_login", path="/login") or ""
        data = {"password": f"guess-{time.monotonic()}", "csrf": csrf}
        found = kind(await client.post("/login", data=data))
        counts[found] = counts.get(found, 0) + 1


async def run(url: str, n: int, seconds: float) -> dict[str, float]:
    """Run n guessers for seconds, all ready before the clock starts; count each kind of answer."""
    clients = await asyncio.gather(*(ready(url, i) for i in range(n)))
    counts: dict[str, float] = {}
    began = time.monotonic()
    await asyncio.gather(*(guess(client, began + seconds, counts) for client in clients))
    counts["seconds"] = round(time.monotonic() - began, 3)  # until the last answer came
    for client in clients:
        await client.aclose()
    return counts


if __name__ == "__main__":
    found = asyncio.run(run(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
    checked, refused, took = (found.pop(k, 0) for k in ("checked", "refused", "seconds"))
    print(json.dumps({"checked": checked, "refused": refused, "seconds": took, "other": found}))
