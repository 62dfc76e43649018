"""The poller against a real Dovecot: backfill, IDLE, polling, labelling modes and faults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy import func, select

from drafts.kinds import KINDS
from service.config import Settings
from service.ingest import Ingest
from service.mail.imap import Imap
from service.mail.poller import CredentialsError, Poller
from service.store import DraftRow, MessageRow, Store
from tests.conftest import corpus_messages
from tests.servers import Dovecot

KEYWORDS = {
    "offer": "gracemail-offer",
    "hard_no": "gracemail-hard-no",
    "not_now": "gracemail-not-now",
}


def settings_for(server: Dovecot, user: str, **extra: object) -> Settings:
    values: dict[str, object] = {
        "imap_host": "127.0.0.1",
        "imap_port": server.imap_port,
        "imap_user": user,
        "imap_password": server.users[user],
        "imap_tls": "none",
        "imap_allow_plain": True,
        "imap_poll_seconds": 0.5,
        "imap_batch_size": 50,
    }
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


def client_for(server: Dovecot, user: str) -> IMAPClient:
    client = IMAPClient("127.0.0.1", server.imap_port, ssl=False)
    client.login(user, server.users[user])
    return client


def append_all(server: Dovecot, user: str, raws: list[bytes], folder: str = "INBOX") -> None:
    client = client_for(server, user)
    for raw in raws:
        client.append(folder, raw)
    client.logout()


def flags_by_message_id(server: Dovecot, user: str, folder: str = "INBOX") -> dict[str, set[str]]:
    client = client_for(server, user)
    client.select_folder(folder, readonly=True)
    uids = client.search(["ALL"])
    out: dict[str, set[str]] = {}
    if uids:
        data = client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        for item in data.values():
            header = item[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().split(":", 1)[-1].strip()
            out[header] = {f.decode() for f in item[b"FLAGS"]}
    client.logout()
    return out


def assert_labelled_exactly_once(store: Store, server: Dovecot, user: str, expected: int) -> None:
    """Every message stored once, drafted once, and its keyword matches its stored label."""
    with store.db.session() as s:
        rows = list(s.execute(select(MessageRow.message_id, MessageRow.label, MessageRow.error)))
        drafts = Counter(
            mid
            for (mid,) in s.execute(
                select(MessageRow.message_id).join(DraftRow, DraftRow.message_pk == MessageRow.id)
            )
        )
    assert len(rows) == expected
    assert len({r[0] for r in rows}) == expected
    per_label = {label: len(kinds) for label, kinds in KINDS.items()}
    flags = flags_by_message_id(server, user)
    for mid, label, error in rows:
        if error:
            continue
        assert drafts.get(mid, 0) == per_label[label], (mid, label)
        keywords = flags[mid] & set(KEYWORDS.values())
        assert keywords == ({KEYWORDS[label]} if label in KEYWORDS else set()), (mid, label)
        assert "\\Seen" not in flags[mid]  # read with BODY.PEEK: nothing marked read


def run_in_thread(poller: Poller) -> threading.Thread:
    thread = threading.Thread(target=poller.run, daemon=True)
    thread.start()
    return thread


def wait_until(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"condition not met in {timeout} s")


def count_messages(store: Store) -> int:
    with store.db.session() as s:
        return int(s.scalar(select(func.count(MessageRow.id))) or 0)


def test_backfill_labels_every_message_once(
    mailbox_user: tuple[Dovecot, str], ingest: Ingest, store: Store
) -> None:
    server, user = mailbox_user
    raws = corpus_messages(300)
    append_all(server, user, raws)
    poller = Poller(settings_for(server, user), ingest, store)
    poller.run(once=True)
    assert_labelled_exactly_once(store, server, user, len(raws))
    # a second run finds nothing new and drafts nothing twice
    Poller(settings_for(server, user), ingest, store).run(once=True)
    assert_labelled_exactly_once(store, server, user, len(raws))
    labels = Counter(r.label for r in store.messages.latest(limit=1000))
    assert len(labels) >= 3, labels  # the mix of the corpus comes through, not one label


def test_new_mail_is_labelled_through_idle(
    mailbox_user: tuple[Dovecot, str], ingest: Ingest, store: Store
) -> None:
    server, user = mailbox_user
    poller = Poller(settings_for(server, user), ingest, store)
    thread = run_in_thread(poller)
    time.sleep(1.0)  # let it reach IDLE on an empty mailbox
    raws = corpus_messages(5)
    append_all(server, user, raws)
    wait_until(lambda: count_messages(store) == 5, timeout=10)
    poller.stop.set()
    thread.join(10)
    assert not thread.is_alive()
    assert_labelled_exactly_once(store, server, user, 5)


def test_polling_fallback_watches_several_folders(
    mailbox_user: tuple[Dovecot, str], ingest: Ingest, store: Store
) -> None:
    server, user = mailbox_user
    client = client_for(server, user)
    client.create_folder("Jobs-in")
    client.logout()
    poller = Poller(settings_for(server, user, imap_folders="INBOX,Jobs-in"), ingest, store)
    thread = run_in_thread(poller)
    time.sleep(0.5)
    raws = corpus_messages(6)
    append_all(server, user, raws[:3])
    append_all(server, user, raws[3:], folder="Jobs-in")
    wait_until(lambda: count_messages(store) == 6)
    poller.stop.set()
    thread.join(10)
    assert {r.folder for r in store.messages.latest()} == {"INBOX", "Jobs-in"}


@pytest.mark.parametrize("mode", ["copy", "move"])
def test_folder_mode_files_actionable_mail(
    mode: str, mailbox_user: tuple[Dovecot, str], ingest: Ingest, store: Store
) -> None:
    server, user = mailbox_user
    raws = corpus_messages(40)
    append_all(server, user, raws)
    Poller(settings_for(server, user, imap_label_mode=mode), ingest, store).run(once=True)
    labels = Counter(r.label for r in store.messages.latest(limit=100))
    client = client_for(server, user)
    for label, folder in (
        ("offer", "Jobs/Offer"),
        ("hard_no", "Jobs/Rejected"),
        ("not_now", "Jobs/Not now"),
    ):
        if labels[label]:
            assert client.select_folder(folder)[b"EXISTS"] == labels[label]
    inbox = client.select_folder("INBOX")[b"EXISTS"]
    assert inbox == (len(raws) if mode == "copy" else labels["other"])
    client.logout()


def test_drafts_are_saved_to_the_drafts_folder(
    mailbox_user: tuple[Dovecot, str], ingest: Ingest, store: Store
) -> None:
    server, user = mailbox_user
    raws = corpus_messages(12)
    append_all(server, user, raws)
    Poller(settings_for(server, user, imap_save_drafts=True), ingest, store).run(once=True)
    drafted = sum(len(r.drafts) for r in store.messages.latest())
    client = client_for(server, user)
    client.select_folder("Drafts")
    uids = client.search(["ALL"])
    assert len(uids) == drafted > 0
    data = client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (IN-REPLY-TO SUBJECT)]"])
    for item in data.values():
        assert b"\\Draft" in item[b"FLAGS"]
        header = item[b"BODY[HEADER.FIELDS (IN-REPLY-TO SUBJECT)]"]
        assert b"In-Reply-To: <" in header
    client.logout()


def test_connection_killed_mid_backfill_and_server_restarted_mid_idle(
    dovecot: Dovecot, ingest: Ingest, store: Store
) -> None:
    user = "alice"
    raws = corpus_messages(200)
    append_all(dovecot, user, raws)
    seen: list[int] = []

    def progress(folder: str, done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == 2:  # two batches in: pull the server out from under the poller
            dovecot.stop()
            threading.Timer(1.0, dovecot.start).start()

    poller = Poller(
        settings_for(dovecot, user, imap_batch_size=20), ingest, store, progress=progress
    )
    thread = run_in_thread(poller)
    wait_until(lambda: count_messages(store) == len(raws), timeout=60)
    time.sleep(1.0)  # now idling: restart the server under IDLE
    dovecot.restart()
    later = corpus_messages(210)[-5:]
    later = [r for r in later if r not in raws] or [
        b"From: x@y.example\r\nMessage-ID: <late@x>\r\nSubject: hello\r\n\r\nJust saying hi.\r\n"
    ]
    append_all(dovecot, user, later)
    wait_until(lambda: count_messages(store) == len(raws) + len(later), timeout=60)
    poller.stop.set()
    thread.join(15)
    assert_labelled_exactly_once(store, dovecot, user, len(raws) + len(later))


def test_poller_killed_mid_backfill_resumes_without_loss_or_repeats(
    dovecot: Dovecot, tmp_path: Path
) -> None:
    user = "alice"
    raws = corpus_messages(400)
    append_all(dovecot, user, raws)
    db = tmp_path / "poll.db"
    env = {
        **os.environ,
        "GRACEMAIL_DATABASE_URL": f"sqlite:///{db}",
        "GRACEMAIL_IMAP_HOST": "127.0.0.1",
        "GRACEMAIL_IMAP_PORT": str(dovecot.imap_port),
        "GRACEMAIL_IMAP_USER": user,
        "GRACEMAIL_IMAP_PASSWORD": dovecot.users[user],
        "GRACEMAIL_IMAP_TLS": "none",
        "GRACEMAIL_IMAP_ALLOW_PLAIN": "true",
        "GRACEMAIL_IMAP_BATCH_SIZE": "10",
    }
    command = [sys.executable, "-m", "service", "poll", "--once"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = Store(f"sqlite:///{db}")
    wait_until(lambda: db.exists() and count_messages(store) >= 50, timeout=60)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert count_messages(store) < len(raws)  # it really died mid-backfill
    done = subprocess.run(command, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert_labelled_exactly_once(store, dovecot, user, len(raws))


def test_uidvalidity_change_does_not_redraft(
    mailbox_user: tuple[Dovecot, str], ingest: Ingest, store: Store
) -> None:
    server, user = mailbox_user
    client = client_for(server, user)
    client.create_folder("Jobs-in")
    raws = corpus_messages(30)
    append_all(server, user, raws, folder="Jobs-in")
    settings = settings_for(server, user, imap_folders="Jobs-in")
    Poller(settings, ingest, store).run(once=True)
    drafts_before = sum(len(r.drafts) for r in store.messages.latest())
    old = store.messages.checkpoint("Jobs-in")
    # the folder is rebuilt (as a server migration or a restore does): same mail, new UIDVALIDITY
    time.sleep(1.1)  # Dovecot's UIDVALIDITY is a timestamp
    client.delete_folder("Jobs-in")
    client.create_folder("Jobs-in")
    client.logout()
    append_all(server, user, raws, folder="Jobs-in")
    Poller(settings, ingest, store).run(once=True)
    new = store.messages.checkpoint("Jobs-in")
    assert old is not None and new is not None and new.uidvalidity != old.uidvalidity
    assert sum(len(r.drafts) for r in store.messages.latest()) == drafts_before
    assert len(store.messages.latest(limit=100)) == len(raws)
    flags = flags_by_message_id(server, user, "Jobs-in")
    for row in store.messages.latest(limit=100):
        expected = {KEYWORDS[row.label]} if row.label in KEYWORDS else set()
        assert flags[row.message_id] & set(KEYWORDS.values()) == expected


def test_wrong_password_is_one_clear_error(
    mailbox_user: tuple[Dovecot, str], ingest: Ingest, store: Store
) -> None:
    server, user = mailbox_user
    settings = settings_for(server, user, imap_password="wrong")
    with pytest.raises(CredentialsError, match="check the credentials") as info:
        Poller(settings, ingest, store).run(once=True)
    assert "wrong" not in str(info.value)  # the password is never shown
    env = {
        **os.environ,
        "GRACEMAIL_IMAP_HOST": "127.0.0.1",
        "GRACEMAIL_IMAP_PORT": str(server.imap_port),
        "GRACEMAIL_IMAP_USER": user,
        "GRACEMAIL_IMAP_PASSWORD": "wrong",
        "GRACEMAIL_IMAP_TLS": "none",
        "GRACEMAIL_IMAP_ALLOW_PLAIN": "true",
    }
    done = subprocess.run(
        [sys.executable, "-m", "service", "poll", "--once"],
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 3
    assert b"check the credentials" in done.stderr and b"wrong" not in done.stderr


def test_malformed_message_is_recorded_and_skipped(
    mailbox_user: tuple[Dovecot, str], ingest: Ingest, store: Store
) -> None:
    server, user = mailbox_user
    raws = corpus_messages(10)
    broken = b"this is not a mail message at all, no headers\r\n"
    append_all(server, user, [*raws[:5], broken, *raws[5:]])
    Poller(settings_for(server, user), ingest, store).run(once=True)
    rows = store.messages.latest(limit=100)
    errors = [r for r in rows if r.error]
    assert len(rows) == 11 and len(errors) == 1
    assert "no headers" in errors[0].error
    Poller(settings_for(server, user), ingest, store).run(once=True)  # not retried forever
    assert len(store.messages.latest(limit=100)) == 11


class ArrivesAfterFirstSearch(Imap):
    """A real connection; a message is delivered right after the sync's first SEARCH.

    The NOOP lets the session see it at once, as Dovecot sometimes does by itself (a worker's
    first sync stored nothing while its checkpoint passed the new UID, in about half the runs).
    """

    def __init__(self, settings: Settings, deliver: Callable[[], None]) -> None:
        super().__init__(settings)
        self._deliver: Callable[[], None] | None = deliver

    def uids_since(self, day: date | None) -> list[int]:
        """Search as Imap does, then let the message arrive (once)."""
        found = super().uids_since(day)
        if self._deliver is not None:
            self._deliver()
            self._deliver = None
            self.client.noop()
        return found


def test_mail_arriving_during_the_first_sync_of_an_empty_folder_is_not_skipped(
    mailbox_user: tuple[Dovecot, str], ingest: Ingest, store: Store
) -> None:
    server, user = mailbox_user
    raw = corpus_messages(1)[0]
    settings = settings_for(server, user)
    imap = ArrivesAfterFirstSearch(settings, lambda: append_all(server, user, [raw]))
    poller = Poller(settings, ingest, store)
    try:
        poller.sync_folder(imap, "INBOX")  # the folder was empty when it was searched
        poller.sync_folder(imap, "INBOX")
    finally:
        imap.close()
    with store.db.session() as s:
        assert s.scalar(select(func.count()).select_from(MessageRow)) == 1
