"""Send one approved draft exactly once: claim it, compose it, hand it to SMTP, record it.

A draft moves pending → approved → sending → sent, or to failed with the reason. Each step is a
conditional UPDATE, so of two clicks, tabs or requests only one can claim a draft. The Message-ID
is stored before the SMTP conversation starts: a draft found still `sending` after a crash names
the exact message to look for, and sending it again reuses that Message-ID, so mail programs that
already hold it treat the second copy as the same message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Literal

from drafts.compose import compose_message
from service.config import Settings
from service.mail.smtp import SMTP_TIMEOUT, SendError, deliver
from service.store import DraftRow, Drafts, utcnow
from service.store.drafts import EDITABLE
from service.store.rows import draft_of

log = logging.getLogger("gracemail.sender")

STALE_AFTER = timedelta(minutes=5)  # far beyond SMTP_TIMEOUT: such a draft's process is gone
assert STALE_AFTER.total_seconds() > SMTP_TIMEOUT

SendStatus = Literal["sent", "failed", "busy", "refused"]


@dataclass(frozen=True)
class SendResult:
    """What came of one approve action: its status and a sentence for the user.

    busy: sent or being sent already; refused: not sendable as it stands.
    """

    draft_id: int
    status: SendStatus
    detail: str


def is_stale(draft: DraftRow) -> bool:
    """Return True when a draft has been `sending` so long that its sender must have died."""
    return draft.status == "sending" and draft.updated_at < utcnow() - STALE_AFTER


class Sender:
    """Sends approved drafts from one store through the SMTP server in settings."""

    def __init__(self, settings: Settings, drafts: Drafts) -> None:
        self.settings = settings
        self.drafts = drafts

    def send(self, draft_id: int) -> SendResult:
        """Claim a pending or failed draft, send it once, record the outcome and return it."""
        draft = self.drafts.get(draft_id)
        if draft is None:
            return SendResult(draft_id, "refused", "no such draft")
        if not draft.to.strip():
            return SendResult(draft_id, "refused", "add a recipient address before sending")
        if not self.settings.smtp_host:
            return SendResult(draft_id, "refused", "set GRACEMAIL_SMTP_HOST to send mail")
        if not self.drafts.move(draft_id, EDITABLE, "approved"):
            return self._busy(draft_id)
        return self._send_claimed(draft_id)

    def send_again(self, draft_id: int) -> SendResult:
        """Send a draft stuck in `sending` after a crash again, with the same Message-ID."""
        draft = self.drafts.get(draft_id)
        if draft is None or not is_stale(draft):
            return self._busy(draft_id)
        if not self.drafts.move(draft_id, ("sending",), "approved"):
            return self._busy(draft_id)
        return self._send_claimed(draft_id)

    def mark_sent(self, draft_id: int) -> SendResult:
        """Record that a draft stuck in `sending` did go out (the user found it in Sent)."""
        draft = self.drafts.get(draft_id)
        if draft is None or not is_stale(draft):
            return self._busy(draft_id)
        self.drafts.finish_sent(draft_id, "marked as sent by the user after an interruption")
        return SendResult(draft_id, "sent", "marked as sent")

    def _busy(self, draft_id: int) -> SendResult:
        draft = self.drafts.get(draft_id)
        status = draft.status if draft else "missing"
        return SendResult(draft_id, "busy", f"not sent again: this draft is {status}")

    def _send_claimed(self, draft_id: int) -> SendResult:
        draft = self.drafts.get(draft_id)
        assert draft is not None
        profile = self.settings.sender_profile()
        domain = profile.email.rpartition("@")[2] or "gracemail.invalid"
        message_id = draft.sent_message_id or make_msgid(domain=domain)
        if not self.drafts.start_sending(draft_id, message_id):
            return self._busy(draft_id)
        message = compose_message(draft_of(draft), profile, message_id=message_id)
        try:
            deliver(self.settings, message, profile.email or self.settings.smtp_user)
        except SendError as exc:
            self.drafts.finish_failed(draft_id, str(exc))
            log.warning("draft %s not sent: %s", draft_id, exc)
            return SendResult(draft_id, "failed", str(exc))
        except Exception as exc:  # never leave a draft `sending` when this process lives on
            self.drafts.finish_failed(draft_id, f"unexpected error: {exc}")
            raise
        self.drafts.finish_sent(draft_id)
        detail = f"sent to {draft.to}"
        if self.settings.imap_host:
            detail += self._copy_to_sent(draft_id, message)
        return SendResult(draft_id, "sent", detail)

    def _copy_to_sent(self, draft_id: int, message: EmailMessage) -> str:
        from service.mail.imap import append_sent  # imapclient only when IMAP is configured

        try:
            folder = append_sent(self.settings, message.as_bytes())
        except Exception as exc:  # the mail is out; a missing copy must not look like a failure
            note = f"sent, but saving a copy to the Sent folder failed: {exc}"
            self.drafts.set_note(draft_id, note)
            log.warning("draft %s: %s", draft_id, note)
            return "; the copy in the Sent folder failed"
        return f"; a copy is in {folder}"
