"""The only SMTP talker: hand one message to the server in the settings, or say why not."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import getaddresses

from service.config import Settings
from service.mail.tls import client_context

SMTP_TIMEOUT = 30.0
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class SendError(Exception):
    """Raised when the SMTP server cannot be reached or refuses the message; says why in words."""


def deliver(settings: Settings, message: EmailMessage, sender: str) -> None:
    """Hand message to the SMTP server in settings; raises SendError saying why it failed."""
    s = settings
    port = s.smtp_port or {"ssl": 465, "starttls": 587}.get(s.smtp_tls, 25)
    recipients = [addr for _, addr in getaddresses(message.get_all("To", [])) if addr]
    if not recipients:
        raise SendError("the draft has no recipient address")
    context = client_context(s.smtp_tls_verify)
    password = s.smtp_password.get_secret_value()
    token = s.smtp_oauth2_token.get_secret_value()
    where = f"{s.smtp_host}:{port}"
    try:
        smtp: smtplib.SMTP
        if s.smtp_tls == "ssl":
            smtp = smtplib.SMTP_SSL(s.smtp_host, port, timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, port, timeout=SMTP_TIMEOUT)
        with smtp:
            smtp.ehlo()
            if s.smtp_tls == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.smtp_user and (password or token):
                if s.smtp_tls == "none" and s.smtp_host not in LOOPBACK:
                    raise SendError("refusing to send the SMTP password unencrypted; use TLS")
                if token:
                    smtp.auth(
                        "XOAUTH2", lambda challenge=None: _xoauth2(s.smtp_user, token, challenge)
                    )
                else:
                    smtp.login(s.smtp_user, password)
            refused = smtp.send_message(message, from_addr=sender, to_addrs=recipients)
            if refused:
                raise SendError(f"the SMTP server at {where} refused {', '.join(refused)}")
    except SendError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"the SMTP server at {where} refused the login: {_reply(exc)}") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(f"the SMTP server at {where} refused {', '.join(exc.recipients)}") from exc
    except smtplib.SMTPResponseException as exc:
        raise SendError(f"the SMTP server at {where} said {_reply(exc)}") from exc
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        raise SendError(f"could not reach the SMTP server at {where}: {exc}") from exc


def _xoauth2(user: str, token: str, challenge: bytes | None) -> str:
    # after a failed XOAUTH2 the server sends a JSON error as a challenge; an empty answer ends it
    return "" if challenge else f"user={user}\x01auth=Bearer {token}\x01\x01"


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
    return f"{exc.smtp_code} {text}".strip()
