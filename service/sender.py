"""Send one approved draft exactly once over SMTP; the only module that talks SMTP.

A draft moves pending → approved → sending → sent, or to failed with the reason. Each step is a
conditional UPDATE, so of two clicks, tabs or requests only one can claim a draft. The Message-ID
is stored before the SMTP conversation starts: a draft found still `sending` after a crash names
the exact message to look for, and sending it again reuses that Message-ID, so mail programs that
already hold it treat the second copy as the same message.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, replace
from datetime import timedelta
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid

from drafts.compose import compose_message
from drafts.profile import Profile
from drafts.render import Draft
from service.config import Settings
from service.store import DraftRow, SendStore, utcnow

log = logging.getLogger("gracemail.sender")

SMTP_TIMEOUT = 30.0
STALE_AFTER = timedelta(minutes=5)  # far beyond SMTP_TIMEOUT: such a draft's process is gone
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class SendError(Exception):
    """Raised when the SMTP server cannot be reached or refuses the message; says why in words."""


@dataclass(frozen=True)
class SendResult:
    """What came of one approve action: its status and a sentence for the user."""

    draft_id: int
    status: str  # sent, failed, busy (sent or being sent already), refused (not sendable)
    detail: str


def is_stale(draft: DraftRow) -> bool:
    """Return True when a draft has been `sending` so long that its sender must have died."""
    return draft.status == "sending" and draft.updated_at < utcnow() - STALE_AFTER


def sender_profile(settings: Settings) -> Profile:
    """Return the user's profile, its address filled from the SMTP user when left empty."""
    profile = settings.profile.to_profile()
    if not profile.email and "@" in settings.smtp_user:
        profile = replace(profile, email=settings.smtp_user)
    return profile


def compose(draft: DraftRow, profile: Profile, message_id: str) -> EmailMessage:
    """Return the reply a stored draft makes, with the given Message-ID."""
    plain = Draft(
        kind=draft.kind,
        to=draft.to,
        subject=draft.subject,
        body=draft.body,
        language=draft.language,
        in_reply_to=draft.in_reply_to,
        references=draft.references,
    )
    return compose_message(plain, profile, message_id=message_id)


def deliver(settings: Settings, message: EmailMessage, sender: str) -> None:
    """Hand message to the SMTP server in settings; raises SendError saying why it failed."""
    s = settings
    port = s.smtp_port or {"ssl": 465, "starttls": 587}.get(s.smtp_tls, 25)
    recipients = [addr for _, addr in getaddresses(message.get_all("To", [])) if addr]
    if not recipients:
        raise SendError("the draft has no recipient address")
    context = ssl.create_default_context()
    if not s.smtp_tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
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


class Sender:
    """Sends approved drafts from one store through the SMTP server in settings."""

    def __init__(self, settings: Settings, store: SendStore) -> None:
        self.settings = settings
        self.store = store

    def send(self, draft_id: int) -> SendResult:
        """Claim a pending or failed draft, send it once, record the outcome and return it."""
        draft = self.store.get_draft(draft_id)
        if draft is None:
            return SendResult(draft_id, "refused", "no such draft")
        if not draft.to.strip():
            return SendResult(draft_id, "refused", "add a recipient address before sending")
        if not self.settings.smtp_host:
            return SendResult(draft_id, "refused", "set GRACEMAIL_SMTP_HOST to send mail")
        if not self.store.move_draft(draft_id, ("pending", "failed"), "approved"):
            return self._busy(draft_id)
        return self._send_claimed(draft_id)

    def send_again(self, draft_id: int) -> SendResult:
        """Send a draft stuck in `sending` after a crash again, with the same Message-ID."""
        draft = self.store.get_draft(draft_id)
        if draft is None or not is_stale(draft):
            return self._busy(draft_id)
        if not self.store.move_draft(draft_id, ("sending",), "approved"):
            return self._busy(draft_id)
        return self._send_claimed(draft_id)

    def mark_sent(self, draft_id: int) -> SendResult:
        """Record that a draft stuck in `sending` did go out (the user found it in Sent)."""
        draft = self.store.get_draft(draft_id)
        if draft is None or not is_stale(draft):
            return self._busy(draft_id)
        self.store.finish_sent(draft_id, "marked as sent by the user after an interruption")
        return SendResult(draft_id, "sent", "marked as sent")

    def _busy(self, draft_id: int) -> SendResult:
        draft = self.store.get_draft(draft_id)
        status = draft.status if draft else "missing"
        return SendResult(draft_id, "busy", f"not sent again: this draft is {status}")

    def _send_claimed(self, draft_id: int) -> SendResult:
        draft = self.store.get_draft(draft_id)
        assert draft is not None
        profile = sender_profile(self.settings)
        domain = profile.email.rpartition("@")[2] or "gracemail.invalid"
        message_id = draft.sent_message_id or make_msgid(domain=domain)
        if not self.store.start_sending(draft_id, message_id):
            return self._busy(draft_id)
        message = compose(draft, profile, message_id)
        try:
            deliver(self.settings, message, profile.email or self.settings.smtp_user)
        except SendError as exc:
            self.store.finish_failed(draft_id, str(exc))
            log.warning("draft %s not sent: %s", draft_id, exc)
            return SendResult(draft_id, "failed", str(exc))
        except Exception as exc:  # never leave a draft `sending` when this process lives on
            self.store.finish_failed(draft_id, f"unexpected error: {exc}")
            raise
        self.store.finish_sent(draft_id)
        detail = f"sent to {draft.to}"
        if self.settings.imap_host:
            detail += self._copy_to_sent(draft_id, message)
        return SendResult(draft_id, "sent", detail)

    def _copy_to_sent(self, draft_id: int, message: EmailMessage) -> str:
        from service.mailbox import append_sent

        try:
            folder = append_sent(self.settings, message.as_bytes())
        except Exception as exc:  # the mail is out; a missing copy must not look like a failure
            note = f"sent, but saving a copy to the Sent folder failed: {exc}"
            self.store.set_note(draft_id, note)
            log.warning("draft %s: %s", draft_id, note)
            return "; the copy in the Sent folder failed"
        return f"; a copy is in {folder}"
