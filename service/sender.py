"""Send one approved draft exactly once: claim it, compose it, hand it to SMTP, record it.

A draft moves pending → approved → sending → sent. A send that surely did not go out (the
server was unreachable or said no, or the conversation broke before DATA) is `failed`, and a
retry is safe. One that may have gone out (the connection broke after the message was handed
over) is `unknown`: with IMAP configured, gracemail looks for the message in the mailbox and
settles it; otherwise only the user can, by marking it sent or by confirming a resend.

Each move is a conditional UPDATE, so of two clicks, tabs or requests only one can claim a draft.
The Message-ID is stored before the SMTP conversation starts, so a draft in doubt names the
exact message to look for, and a confirmed resend reuses it: mail programs that already hold it
treat the second copy as the same message. A draft a crashed process left `sending` is settled
at the next start (`settle_interrupted`), as soon as its process is known to be gone.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Literal

from drafts.compose import compose_message
from service.config import Settings
from service.mail.smtp import SendError, SendUnknown, deliver
from service.store import DraftRow, Drafts, utcnow
from service.store.drafts import EDITABLE
from service.store.rows import draft_of

log = logging.getLogger("gracemail.sender")

SendStatus = Literal["sent", "failed", "unknown", "busy", "refused", "queued"]
# A send takes a dozen SMTP steps at most, each within the timeout. A draft claimed on another
# host, whose process cannot be asked, is taken for abandoned only after this many timeouts.
STEPS_PER_SEND = 12


@dataclass(frozen=True)
class SendResult:
    """What came of one action on a draft: its status and a sentence for the user.

    busy: sent, being sent or in doubt already; refused: not sendable as it stands.
    """

    draft_id: int
    status: SendStatus
    detail: str


def process_token() -> str:
    """Return this process's name for a claim: host, pid and the pid's start time."""
    return f"{socket.gethostname()}:{os.getpid()}:{_started(os.getpid())}"


def _started(pid: int) -> str:
    # the start time (field 22 of /proc/PID/stat) tells a reused pid from the one that claimed
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def is_alive(token: str) -> bool | None:
    """Return whether the process named by token still runs; None when it is not on this host."""
    host, _, rest = token.partition(":")
    pid_text, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user
        pass
    return not started or _started(pid) in ("", started)


class Sender:
    """Sends approved drafts from one store through the SMTP server in settings.

    A queueing sender (one account's, in a web server of many accounts) never talks SMTP: it
    approves the draft, and the worker that holds the account's lease sends it (`queued`).
    """

    def __init__(self, settings: Settings, drafts: Drafts, queue: bool = False) -> None:
        self.settings = settings
        self.drafts = drafts
        self.queue = queue

    def send(self, draft_id: int) -> SendResult:
        """Claim a pending or failed draft, send it once, record the outcome and return it."""
        draft = self.drafts.get(draft_id)
        if draft is None:
            return SendResult(draft_id, "refused", "no such draft")
        if not draft.to.strip():
            return SendResult(draft_id, "refused", "add a recipient address before sending")
        if not self.settings.smtp_host and not self.queue:
            return SendResult(draft_id, "refused", "set GRACEMAIL_SMTP_HOST to send mail")
        if not self.drafts.move(draft_id, EDITABLE, "approved"):
            return self._busy(draft_id)
        return self._queued(draft_id) if self.queue else self._send_claimed(draft_id)

    def send_approved(self, draft_id: int) -> SendResult:
        """Send a draft approved earlier and queued, if this process wins its claim; else busy."""
        if not self.settings.smtp_host or self.queue:
            return SendResult(draft_id, "refused", "set GRACEMAIL_SMTP_HOST to send mail")
        return self._send_claimed(draft_id)

    def send_again(self, draft_id: int, confirmed: bool) -> SendResult:
        """Send an `unknown` draft again, with the same Message-ID, once the user confirmed it."""
        draft = self.drafts.get(draft_id)
        if draft is None or draft.status != "unknown":
            return self._busy(draft_id)
        if not confirmed:
            return SendResult(draft_id, "refused", "confirm that it did not go out first")
        if not self.drafts.move(draft_id, ("unknown",), "approved"):
            return self._busy(draft_id)
        return self._queued(draft_id) if self.queue else self._send_claimed(draft_id)

    def mark_sent(self, draft_id: int) -> SendResult:
        """Record that an `unknown` draft did go out (the user found it in Sent)."""
        draft = self.drafts.get(draft_id)
        if draft is None or draft.status != "unknown":
            return self._busy(draft_id)
        if not self.drafts.finish_sent(draft_id, "marked as sent by the user"):
            return self._busy(draft_id)
        return SendResult(draft_id, "sent", "marked as sent")

    def settle(self, draft_id: int) -> SendResult:
        """Look for an `unknown` draft's message over IMAP; mark it sent when it is found."""
        draft = self.drafts.get(draft_id)
        if draft is None or draft.status != "unknown":
            return self._busy(draft_id)
        if not self.settings.imap_host:
            return SendResult(draft_id, "unknown", "it may have gone out: check your Sent folder")
        from service.mail.imap import find_sent  # imapclient only when IMAP is configured

        try:
            folder = find_sent(self.settings, draft.sent_message_id)
        except Exception as exc:  # the mailbox is a witness only; its absence proves nothing
            log.warning("draft %s: could not look for it over IMAP: %s", draft_id, exc)
            return SendResult(draft_id, "unknown", f"could not look in the mailbox: {exc}")
        if folder is None:
            return SendResult(
                draft_id, "unknown", "not in your mailbox (yet); it may still have gone out"
            )
        note = f"found in {folder} after the SMTP server did not confirm it"
        if not self.drafts.finish_sent(draft_id, note):
            return self._busy(draft_id)
        log.info("draft %s: %s", draft_id, note)
        return SendResult(draft_id, "sent", note)

    def settle_interrupted(self) -> list[SendResult]:
        """Settle the drafts a dead process left `sending`, and look again for `unknown` ones.

        One interrupted before DATA is `failed` (nothing went out); one interrupted later is
        `unknown`, and is looked for over IMAP like any other. Returns what came of each.
        """
        results: list[SendResult] = []
        for draft in self.drafts.in_doubt():
            if draft.status == "sending":
                if not self._abandoned(draft):
                    continue
                if draft.data_at is None:
                    reason = "sending was interrupted before the message was handed over"
                    self.drafts.finish_failed(draft.id, f"{reason}; nothing went out")
                    results.append(SendResult(draft.id, "failed", reason))
                    continue
                self.drafts.finish_unknown(
                    draft.id, "sending was interrupted after the message was handed over"
                )
            results.append(self.settle(draft.id))
        return results

    def _abandoned(self, draft: DraftRow) -> bool:
        alive = is_alive(draft.claimed_by)
        if alive is None:  # claimed elsewhere, or by a version that did not record claims
            limit = timedelta(seconds=self.settings.smtp_timeout * STEPS_PER_SEND)
            return draft.updated_at < utcnow() - limit
        return not alive

    def _queued(self, draft_id: int) -> SendResult:
        return SendResult(draft_id, "queued", "approved: it goes out with the next worker round")

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
        if not self.drafts.start_sending(draft_id, message_id, process_token()):
            return self._busy(draft_id)
        message = compose_message(draft_of(draft), profile, message_id=message_id)
        try:
            deliver(
                self.settings,
                message,
                profile.email or self.settings.smtp_user,
                on_data=lambda: self.drafts.mark_data(draft_id),
            )
        except SendUnknown as exc:
            self.drafts.finish_unknown(draft_id, str(exc))
            log.warning("draft %s may have gone out: %s", draft_id, exc)
            return self.settle(draft_id)
        except SendError as exc:
            self.drafts.finish_failed(draft_id, str(exc))
            log.warning("draft %s not sent: %s", draft_id, exc)
            return SendResult(draft_id, "failed", str(exc))
        except Exception as exc:  # never leave a draft `sending` while this process lives on
            now = self.drafts.get(draft_id)
            if now is not None and now.data_at is not None:  # past DATA: it may be out
                self.drafts.finish_unknown(draft_id, f"unexpected error: {exc}")
            else:
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
