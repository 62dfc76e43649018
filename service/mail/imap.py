"""The only IMAP talker: connect, find new mail, fetch it, label it, append drafts and copies."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterable
from datetime import date

import imapclient
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from imapclient.imapclient import DRAFTS, SENT

from classifier.labels import Label
from service.config import Settings
from service.mail.tls import client_context

FOLDERS: dict[Label, str] = {
    "offer": "Jobs/Offer",
    "not_now": "Jobs/Not now",
    "hard_no": "Jobs/Rejected",
}
# Errors after which reconnecting can help: the connection, not the account, is at fault.
TRANSIENT = (OSError, socket.timeout, ssl.SSLError, IMAPClientError, EOFError, TimeoutError)


class CredentialsError(RuntimeError):
    """Raised when the server refuses the account: retrying cannot help."""


def _is_temporary_login_failure(exc: Exception) -> bool:
    text = str(exc).upper()
    return "UNAVAILABLE" in text or "TEMPORARY" in text or "TRY AGAIN" in text


class Imap:
    """One logged-in IMAP connection and the few commands gracemail sends over it."""

    def __init__(self, settings: Settings) -> None:
        """Open, secure and log in; raises CredentialsError on a refused account."""
        s = settings
        self.settings = settings
        if s.imap_tls == "none" and not s.imap_allow_plain:
            raise CredentialsError(
                "GRACEMAIL_IMAP_TLS=none sends the password in clear; "
                "set GRACEMAIL_IMAP_ALLOW_PLAIN=true to allow it (e.g. on loopback)"
            )
        context = client_context(s.imap_tls_verify)
        port = s.imap_port or (993 if s.imap_tls == "ssl" else 143)
        self.client = IMAPClient(
            s.imap_host, port=port, ssl=s.imap_tls == "ssl", ssl_context=context, timeout=30
        )
        try:
            if s.imap_tls == "starttls":
                self.client.starttls(context)
            token = s.imap_oauth2_token.get_secret_value()
            if token:
                self.client.oauth2_login(s.imap_user, token, mech=s.imap_oauth2_mechanism)
            else:
                self.client.login(s.imap_user, s.imap_password.get_secret_value())
        except LoginError as exc:
            self.client.shutdown()
            if _is_temporary_login_failure(exc):
                raise ConnectionError(f"temporary login failure: {exc}") from exc
            raise CredentialsError(
                f"IMAP login refused for user {s.imap_user!r} at {s.imap_host}: check the credentials"
            ) from exc
        except Exception:
            self.client.shutdown()
            raise

    def close(self) -> None:
        """Log out, ignoring a connection that is already gone."""
        try:
            self.client.logout()
        except Exception:  # the socket may be dead already; nothing is lost
            pass

    def abort(self) -> None:
        """Drop a broken connection without a goodbye."""
        try:
            self.client.shutdown()
        except Exception:  # already closed
            pass

    # --- reading ----------------------------------------------------------------------------

    def select(self, folder: str) -> int:
        """Select folder and return its UIDVALIDITY."""
        return int(self.client.select_folder(folder)[b"UIDVALIDITY"])

    def uids_after(self, last_uid: int) -> list[int]:
        """Return the UIDs above last_uid in the selected folder, in order."""
        return sorted(u for u in self.client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)

    def uids_since(self, day: date | None) -> list[int]:
        """Return the UIDs of mail since day (all mail when None) in the selected folder."""
        return sorted(self.client.search(["SINCE", day] if day else ["ALL"]))

    def last_uid_before(self, day: date) -> int:
        """Return the highest UID of mail older than day in the selected folder, 0 when none."""
        return max((int(u) for u in self.client.search(["BEFORE", day])), default=0)

    def fetch(self, uids: list[int]) -> dict[int, bytes]:
        """Return {uid: raw} without marking anything read; huge messages are cut at the limit."""
        limit = self.settings.max_message_bytes
        sizes = self.client.fetch(uids, ["RFC822.SIZE"])
        small = [u for u in uids if int(sizes.get(u, {}).get(b"RFC822.SIZE", 0)) <= limit]
        large = [u for u in uids if u in sizes and u not in small]
        raws: dict[int, bytes] = {}
        if small:
            for uid, data in self.client.fetch(small, ["BODY.PEEK[]"]).items():
                raws[uid] = data.get(b"BODY[]") or b""
        if large:  # read only up to the limit; the rest of a huge message is attachments
            for uid, data in self.client.fetch(large, [f"BODY.PEEK[]<0.{limit}>"]).items():
                raws[uid] = data.get(b"BODY[]<0>") or b""
        return raws

    def wait_for_mail(self, stop: threading.Event) -> None:
        """Return when the selected folder may have new mail: IDLE if offered, else a poll delay."""
        s = self.settings
        if b"IDLE" not in self.client.capabilities() or len(s.folders) > 1:
            stop.wait(s.imap_poll_seconds)
            return
        self.client.idle()
        deadline = time.monotonic() + s.imap_idle_seconds  # re-issued before 29 min
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                responses = self.client.idle_check(timeout=1)
                if any(r[1] in (b"EXISTS", b"RECENT") for r in responses if len(r) > 1):
                    break
                if any(r[0] == b"BYE" for r in responses):
                    raise ConnectionError("server closed the connection")
        finally:
            self.client.idle_done()

    def find_message(self, message_id: str, folders: Iterable[str]) -> str | None:
        """Return the first of folders that holds a message with this Message-ID, or None."""
        for folder in folders:
            if not self.client.folder_exists(folder):
                continue
            self.client.select_folder(folder, readonly=True)
            if self.client.search(["HEADER", "Message-ID", message_id]):
                return folder
        return None

    def sent_folder(self) -> str:
        """Return the SPECIAL-USE \\Sent folder, else 'Sent'."""
        return str(self.client.find_special_folder(SENT) or "Sent")

    # --- writing ----------------------------------------------------------------------------

    def apply_labels(self, by_label: dict[Label, list[int]]) -> None:
        """Mark messages of the selected folder by label: keyword, Gmail label, copy or move."""
        s = self.settings
        keywords = {
            "offer": s.imap_keyword_offer,
            "hard_no": s.imap_keyword_hard_no,
            "not_now": s.imap_keyword_not_now,
        }
        caps = self.client.capabilities()
        for label, uids in by_label.items():
            if b"X-GM-EXT-1" in caps:
                self.client.add_gmail_labels(uids, [FOLDERS[label]])
            elif s.imap_label_mode == "keywords":
                self.client.add_flags(uids, [keywords[label]])
            else:
                target = FOLDERS[label]
                if not self.client.folder_exists(target):
                    self.client.create_folder(target)
                if s.imap_label_mode == "move" and b"MOVE" in caps:
                    self.client.move(uids, target)
                else:
                    self.client.copy(uids, target)

    def append_special(self, use: bytes, fallback: str, raws: list[bytes], flag: bytes) -> str:
        """Append raws to the SPECIAL-USE folder use (else fallback, made if missing); return it."""
        folder = str(self.client.find_special_folder(use) or fallback)
        if not self.client.folder_exists(folder):
            self.client.create_folder(folder)
        for raw in raws:
            self.client.append(folder, raw, flags=[flag])
        return folder

    def append_drafts(self, raws: list[bytes]) -> str:
        """Put messages in the \\Drafts folder, flagged as drafts; return the folder."""
        return self.append_special(DRAFTS, "Drafts", raws, imapclient.DRAFT)


def find_sent(settings: Settings, message_id: str) -> str | None:
    """Return where the mailbox holds message_id, over a connection of its own; None if nowhere.

    The \\Sent folder comes first: many providers file submitted mail there themselves, and
    gracemail files its own copy after a send. The watched folders come next: a copy lands
    there when the user is among the recipients.
    """
    imap = Imap(settings)
    try:
        return imap.find_message(message_id, dict.fromkeys([imap.sent_folder(), *settings.folders]))
    finally:
        imap.close()


def append_sent(settings: Settings, raw: bytes) -> str:
    """Append raw, seen, to the \\Sent folder (else 'Sent') over a connection of its own."""
    imap = Imap(settings)
    try:
        return imap.append_special(SENT, "Sent", [raw], imapclient.SEEN)
    finally:
        imap.close()  # the copy is saved; a failed goodbye loses nothing
