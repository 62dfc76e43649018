"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1 that keeps what it receives.

It can also hand every message on over LMTP into one Dovecot mailbox, so a test can read the
reply where the recruiter would, and it can require STARTTLS and AUTH like a provider does.
"""

from __future__ import annotations

import email
import email.policy
import smtplib
import ssl
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from tests.servers import free_port


@dataclass(frozen=True)
class Received:
    """One message as the SMTP server got it: envelope and bytes."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        """Return the parsed message."""
        msg = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class KeepHandler:
    """Keeps each message; refuses recipients listed in `refuse`; delivers over LMTP if asked."""

    lmtp_port: int | None = None
    lmtp_user: str = ""
    refuse: set[str] = field(default_factory=set)
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        """Accept a recipient unless the test told us to refuse it."""
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        """Keep the message, and deliver it into the Dovecot mailbox when one is set."""
        data = bytes(envelope.original_content or b"")
        with self.lock:
            self.messages.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), data))
        if self.lmtp_port:
            # every recipient lands in the one test mailbox: the recruiter's
            with smtplib.LMTP("127.0.0.1", self.lmtp_port) as lmtp:
                lmtp.sendmail(str(envelope.mail_from), [f"{self.lmtp_user}@localhost"], data)
        return "250 Message accepted"


class Authenticator:
    """Accepts one user name and password, like a provider's submission port."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password

    def __call__(
        self, server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        """Return success only for the right LOGIN/PLAIN credentials."""
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.user
            and data.password.decode() == self.password
        )
        return AuthResult(success=ok, handled=False)


class SmtpServer:
    """An aiosmtpd server on a fixed port, which a test can start late to play 'server down'."""

    def __init__(
        self,
        handler: KeepHandler | None = None,
        port: int | None = None,
        tls_context: ssl.SSLContext | None = None,
        authenticator: Authenticator | None = None,
    ) -> None:
        self.handler = handler or KeepHandler()
        self.port = port or free_port()
        self.tls_context = tls_context
        self.authenticator = authenticator
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        """Return what arrived so far."""
        with self.handler.lock:
            return list(self.handler.messages)

    def start(self) -> SmtpServer:
        """Start listening on 127.0.0.1:port."""
        kwargs: dict[str, Any] = {}
        if self.tls_context is not None:
            kwargs.update(tls_context=self.tls_context, require_starttls=True)
        if self.authenticator is not None:
            kwargs.update(authenticator=self.authenticator, auth_required=True)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def self_signed_context() -> ssl.SSLContext:
    """Return a server TLS context with a fresh self-signed certificate for localhost."""
    folder = Path(tempfile.mkdtemp(prefix="gmtls"))
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
