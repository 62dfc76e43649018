"""Failed-login throttling: per client address and for all clients together, in memory.

An address gets a few free failures, then waits twice as long after each further one, and is
locked out for a while after many. All clients together get a small bucket of password checks
that refills at a fixed rate, so guessing from many addresses is no faster than from one. A
refused attempt is answered at once without checking the password: it costs the server nothing
and no worker waits, so the pages of a logged-in user stay fast during an attack. An address that
logged in successfully lately skips the shared bucket (not its own limits), so a distributed
attack cannot keep its owner out.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_FAILURES = 3  # typos; after these each failure doubles the wait: 1 s, 2 s, 4 s, ...
BURST = 3  # password checks the shared bucket holds when nobody has tried for a while
MAX_CLIENTS = 10_000  # addresses remembered; the oldest are forgotten first
KNOWN_GOOD = 100  # addresses that logged in lately, which skip the shared bucket


@dataclass
class _Client:
    failures: int = 0
    last_failure: float = 0.0
    wait_until: float = 0.0


def client_key(host: str) -> str:
    """Return the key an address is throttled under: itself, or its /64 for IPv6."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class LoginThrottle:
    """Decides whether a login attempt may check a password, and learns from the outcome."""

    def __init__(
        self,
        rate: float,
        lockout_after: int,
        lockout_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.lockout_after = lockout_after
        self.lockout_seconds = lockout_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, _Client] = {}
        self._good: dict[str, float] = {}
        self._tokens = float(BURST)
        self._filled_at = clock()

    def check(self, host: str) -> float:
        """Return 0 and take a check when host may try a password now, else the seconds to wait."""
        key, now = client_key(host), self.clock()
        with self._lock:
            client = self._clients.get(key)
            if client is not None and now < client.wait_until:
                return client.wait_until - now
            if key in self._good:
                return 0.0
            self._tokens = min(BURST, self._tokens + (now - self._filled_at) * self.rate)
            self._filled_at = now
            if self._tokens < 1:
                return (1 - self._tokens) / self.rate
            self._tokens -= 1
            return 0.0

    def wait_of(self, host: str) -> float:
        """Return the seconds host must wait by its own failures (0 when none), taking nothing."""
        client = self._clients.get(client_key(host))
        return max(0.0, client.wait_until - self.clock()) if client else 0.0

    def failed(self, host: str) -> None:
        """Count a wrong password from host: back off, or lock out after too many."""
        key, now = client_key(host), self.clock()
        with self._lock:
            client = self._clients.pop(key, None) or _Client()
            if now - client.last_failure > self.lockout_seconds:
                client.failures = 0  # a quiet spell forgives old failures
            client.failures += 1
            client.last_failure = now
            if client.failures >= self.lockout_after:
                client.wait_until = now + self.lockout_seconds
            elif client.failures > FREE_FAILURES:
                delay = 2.0 ** (client.failures - FREE_FAILURES - 1)
                client.wait_until = now + min(delay, self.lockout_seconds)
            self._clients[key] = client  # re-inserted: the dict stays oldest-first
            while len(self._clients) > MAX_CLIENTS:
                del self._clients[next(iter(self._clients))]

    def succeeded(self, host: str) -> None:
        """Forget host's failures and let it skip the shared bucket from now on."""
        key = client_key(host)
        with self._lock:
            self._clients.pop(key, None)
            self._good.pop(key, None)
            self._good[key] = self.clock()
            while len(self._good) > KNOWN_GOOD:
                del self._good[next(iter(self._good))]
