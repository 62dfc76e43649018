"""SMTP servers that fail the way real ones do: slow to answer, or gone after DATA.

`HoldingHandler` is an aiosmtpd handler that takes a message and then holds its answer past the
client's timeout, as a provider busy scanning mail does. Run as a program, this module is an
aiosmtpd server that delivers the first message over LMTP and is then killed (SIGKILL) before it
can answer: the sender cannot know whether the mail went out.
"""

from __future__ import annotations

import asyncio
import os
import signal
import smtplib
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session
from imapclient import IMAPClient

from tests.servers import Dovecot, free_port, wait_for_port
from tests.smtp import KeepHandler, Received

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class HoldingHandler(KeepHandler):
    """Keeps each message, then holds the answer to DATA (or to RCPT) for `hold` seconds.

    Only the first `holds` conversations are held; later ones are answered at once. With
    `sent_box` set, each accepted message is filed in that Dovecot user's Sent folder once the
    hold is over, as providers such as Gmail file submitted mail.
    """

    hold: float = 3.0
    at: str = "DATA"  # or "RCPT": then the mail is refused by silence, before DATA
    holds: int = 1
    sent_box: tuple[Dovecot, str] | None = None
    held: int = 0
    finished: int = 0  # messages the server is done with: held, filed, answered (or hung up on)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        """Accept the recipient, after the hold when holding at RCPT."""
        if self.at == "RCPT" and self._take_hold():
            await asyncio.sleep(self.hold)
        return await super().handle_RCPT(server, session, envelope, address, options)

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        """Keep and deliver the message, then answer, after the hold when holding at DATA."""
        answer = await super().handle_DATA(server, session, envelope)
        delay = self.hold if self.at == "DATA" and self._take_hold() else 0.0
        # aiosmtpd cancels a handler whose client hung up; the server's own work goes on
        task = asyncio.ensure_future(self._finish(bytes(envelope.original_content or b""), delay))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        await asyncio.shield(task)
        return answer

    async def _finish(self, raw: bytes, delay: float) -> None:
        await asyncio.sleep(delay)
        if self.sent_box is not None:
            file_in_sent(self.sent_box, raw)
        with self.lock:
            self.finished += 1

    def _take_hold(self) -> bool:
        with self.lock:
            if self.held >= self.holds:
                return False
            self.held += 1
            return True


def file_in_sent(mailbox: tuple[Dovecot, str], raw: bytes) -> None:
    """Append raw to the Sent folder of a Dovecot user, as a provider does after a submission."""
    server, user = mailbox
    with IMAPClient("127.0.0.1", port=server.imap_port, ssl=False) as client:
        client.login(user, f"pw-{user}")
        client.append("Sent", raw, flags=[b"\\Seen"])


class DiesAfterData:
    """Delivers the message over LMTP, then kills its own process before answering DATA."""

    def __init__(self, lmtp_port: int, user: str) -> None:
        self.lmtp_port, self.user = lmtp_port, user

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        """Deliver, then die: the client has sent everything and hears nothing back."""
        data = bytes(envelope.original_content or b"")
        with smtplib.LMTP("127.0.0.1", self.lmtp_port) as lmtp:
            lmtp.sendmail(str(envelope.mail_from), [f"{self.user}@localhost"], data)
        os.kill(os.getpid(), signal.SIGKILL)
        return "250 never said"


class DyingServer:
    """A server process (this module run as a program) that dies after its first DATA."""

    def __init__(self, dovecot: Dovecot, user: str) -> None:
        self.port = free_port()
        self.dovecot, self.user = dovecot, user
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> DyingServer:
        """Start the process and wait until it accepts connections."""
        args = [str(self.port), str(self.dovecot.lmtp_port), self.user]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.smtp_faults", *args],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> int | None:
        """Stop the process if it still runs; return how it ended (-9: it killed itself)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.kill()
        return self.process.wait(10)


def wait_for(condition: Any, timeout: float = 10.0) -> None:
    """Return once condition() is true; raises TimeoutError."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.05)


def main() -> None:
    """Serve on 127.0.0.1:PORT and die after the first DATA (argv: PORT LMTP_PORT USER)."""
    port, lmtp_port, user = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    controller = Controller(DiesAfterData(lmtp_port, user), hostname="127.0.0.1", port=port)
    controller.start()
    while True:  # until killed: by itself after DATA, or by the test
        time.sleep(60)


if __name__ == "__main__":
    main()

__all__ = ["DyingServer", "HoldingHandler", "Received", "file_in_sent", "wait_for"]
