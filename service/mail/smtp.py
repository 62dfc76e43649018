"""The only SMTP talker: hand one message to the server in the settings, or say why not.

The conversation is spelled out step by step instead of through `send_message`, because what a
failure means depends on where it happens. Up to and including the DATA command's 354, nothing
has been handed over and the mail surely did not go out. Once the message and its final dot are
sent, a timeout or a dropped connection leaves it open: the server may have taken the mail.
"""

from __future__ import annotations

import copy
import email.policy
import io
import re
import smtplib
from collections.abc import Callable
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import getaddresses

from service.config import Settings
from service.mail.tls import client_context

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_LINE_START_DOT = re.compile(rb"(?m)^\.")


class SendError(Exception):
    """Raised when the mail surely did not go out: unreachable, refused, or broken before DATA."""


class SendUnknown(SendError):
    """Raised when the connection failed after the message was handed over: it may be out."""


def deliver(
    settings: Settings,
    message: EmailMessage,
    sender: str,
    on_data: Callable[[], None] | None = None,
) -> None:
    """Hand message to the SMTP server in settings; on_data runs just before the DATA command.

    Raises SendError saying why the mail did not go out, or SendUnknown when it may have.
    """
    s = settings
    port = s.smtp_port or {"ssl": 465, "starttls": 587}.get(s.smtp_tls, 25)
    recipients = [addr for _, addr in getaddresses(message.get_all("To", [])) if addr]
    if not recipients:
        raise SendError("the draft has no recipient address")
    where = f"{s.smtp_host}:{port}"
    handed_over = [False]  # set once the final dot is out; read when something breaks
    try:
        smtp = _connect(s, port)
        try:
            _log_in(smtp, s)
            _transfer(smtp, message, sender, recipients, on_data, handed_over)
        finally:
            _close(smtp)
    except SendError:
        raise
    except smtplib.SMTPResponseException as exc:  # a reply: the server said no, so it is not out
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            raise SendError(f"the SMTP server at {where} refused the login: {_reply(exc)}") from exc
        raise SendError(f"the SMTP server at {where} said {_reply(exc)}") from exc
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        if handed_over[0]:
            raise SendUnknown(
                f"the SMTP server at {where} took the message but did not confirm it ({exc}): "
                "it may have gone out"
            ) from exc
        raise SendError(f"could not reach the SMTP server at {where}: {exc}") from exc


def _connect(s: Settings, port: int) -> smtplib.SMTP:
    context = client_context(s.smtp_tls_verify)
    if s.smtp_tls == "ssl":
        return smtplib.SMTP_SSL(s.smtp_host, port, timeout=s.smtp_timeout, context=context)
    smtp = smtplib.SMTP(s.smtp_host, port, timeout=s.smtp_timeout)
    if s.smtp_tls == "starttls":
        try:
            smtp.ehlo()
            smtp.starttls(context=context)
        except BaseException:
            smtp.close()
            raise
    return smtp


def _log_in(smtp: smtplib.SMTP, s: Settings) -> None:
    smtp.ehlo()
    password = s.smtp_password.get_secret_value()
    token = s.smtp_oauth2_token.get_secret_value()
    if not (s.smtp_user and (password or token)):
        return
    if s.smtp_tls == "none" and s.smtp_host not in LOOPBACK:
        raise SendError("refusing to send the SMTP password unencrypted; use TLS")
    if token:
        smtp.auth("XOAUTH2", lambda challenge=None: _xoauth2(s.smtp_user, token, challenge))
    else:
        smtp.login(s.smtp_user, password)


def _transfer(
    smtp: smtplib.SMTP,
    message: EmailMessage,
    sender: str,
    recipients: list[str],
    on_data: Callable[[], None] | None,
    handed_over: list[bool],
) -> None:
    international = not all(a.isascii() for a in [sender, *recipients])
    if international and not smtp.has_extn("smtputf8"):
        raise SendError("the SMTP server cannot take non-ASCII addresses (no SMTPUTF8)")
    options = ["SMTPUTF8", "BODY=8BITMIME"] if international else []
    code, reply = smtp.mail(sender, options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = [r for r in recipients if smtp.rcpt(r)[0] not in (250, 251)]
    if refused:  # stop before DATA: a mail that reaches only some recipients cannot be retried
        raise SendError(f"the SMTP server refused {', '.join(refused)}; nothing was sent")
    if on_data is not None:
        on_data()
    code, reply = smtp.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    smtp.send(_dot_stuffed(_flatten(message, international)))
    handed_over[0] = True
    code, reply = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _flatten(message: EmailMessage, international: bool) -> bytes:
    # as smtplib.send_message does: Bcc is for the envelope only, and UTF-8 headers need SMTPUTF8
    headers_only = copy.copy(message)
    del headers_only["Bcc"], headers_only["Resent-Bcc"]
    buffer = io.BytesIO()
    policy = email.policy.SMTPUTF8 if international else email.policy.SMTP
    BytesGenerator(buffer, policy=policy).flatten(headers_only)
    return buffer.getvalue()


def _dot_stuffed(raw: bytes) -> bytes:
    body = _LINE_START_DOT.sub(b"..", raw)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return body + b".\r\n"


def _close(smtp: smtplib.SMTP) -> None:
    # the outcome is known by now; a QUIT that fails or times out must not change it
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _xoauth2(user: str, token: str, challenge: bytes | None) -> str:
    # after a failed XOAUTH2 the server sends a JSON error as a challenge; an empty answer ends it
    return "" if challenge else f"user={user}\x01auth=Bearer {token}\x01\x01"


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
    return f"{exc.smtp_code} {text}".strip()
