"""Ambiguous sends: a real aiosmtpd that answers too late or dies after DATA, a real Dovecot.

Each test counts the copies the SMTP server took: exactly one, unless the user confirms a resend.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from imapclient import IMAPClient

from service.ingest import Ingest
from service.sender import Sender, process_token
from service.store import DraftRow, Store
from tests.servers import Dovecot
from tests.smtp import KeepHandler, SmtpServer
from tests.smtp_faults import ROOT, DyingServer, HoldingHandler, wait_for
from tests.test_sender import folder_messages, ingest_one, make_settings, pending

TIMEOUT = 1.0  # the client's SMTP timeout in these tests; servers hold their answer past it


@pytest.fixture
def draft(ingest: Ingest, store: Store) -> DraftRow:
    """Return a pending hard-no reply with a recipient."""
    return pending(ingest_one(ingest, store, "hn-0002", "hard_no"), "hard_no")


def status(store: Store, draft_id: int) -> str:
    """Return a draft's stored status."""
    row = store.drafts.get(draft_id)
    assert row is not None
    return row.status


@pytest.fixture
def held() -> Iterator[SmtpServer]:
    """Return a server that answers the first DATA 3 s late, past the client's 1 s timeout."""
    server = SmtpServer(HoldingHandler(hold=3 * TIMEOUT)).start()
    yield server
    server.stop()


def test_an_answer_after_the_timeout_is_unknown_and_is_sent_again_only_when_confirmed(
    store: Store, draft: DraftRow, held: SmtpServer
) -> None:
    sender = Sender(make_settings(held.port, smtp_timeout=TIMEOUT), store.drafts)

    first = sender.send(draft.id)

    assert first.status == "unknown", first.detail
    assert "may have gone out" in first.detail
    row = store.drafts.get(draft.id)
    assert row is not None and row.status == "unknown" and row.data_at is not None
    assert sender.send(draft.id).status == "busy"  # the approve button cannot resend it
    assert sender.send_again(draft.id, confirmed=False).status == "refused"
    handler = held.handler
    assert isinstance(handler, HoldingHandler)
    wait_for(lambda: handler.finished == 1)
    assert len(held.messages) == 1  # the server did take it: one copy out

    again = sender.send_again(draft.id, confirmed=True)  # the user says it did not arrive

    assert again.status == "sent", again.detail
    assert len(held.messages) == 2
    assert held.messages[0].message["Message-ID"] == held.messages[1].message["Message-ID"]
    assert status(store, draft.id) == "sent"


def test_an_unknown_send_is_settled_by_the_copy_the_provider_files_in_sent(
    store: Store, draft: DraftRow, mailbox_user: tuple[Dovecot, str]
) -> None:
    handler = HoldingHandler(hold=3 * TIMEOUT, sent_box=mailbox_user)
    server = SmtpServer(handler).start()
    try:
        settings = make_settings(server.port, mailbox_user, smtp_timeout=TIMEOUT)
        sender = Sender(settings, store.drafts)
        first = sender.send(draft.id)
        assert first.status == "unknown", first.detail  # not filed yet: the server still holds
        wait_for(lambda: handler.finished == 1)

        settled = sender.settle(draft.id)
    finally:
        server.stop()
    assert settled.status == "sent", settled.detail
    assert "found in Sent" in settled.detail
    row = store.drafts.get(draft.id)
    assert row is not None and row.status == "sent" and "found in Sent" in row.error
    assert len(server.messages) == 1
    assert len(folder_messages(mailbox_user, "Sent")) == 1  # the provider's; none added


def test_a_silence_before_data_is_failed_and_the_retry_sends_one_copy(
    store: Store, draft: DraftRow
) -> None:
    handler = HoldingHandler(hold=3 * TIMEOUT, at="RCPT")
    server = SmtpServer(handler).start()
    try:
        sender = Sender(make_settings(server.port, smtp_timeout=TIMEOUT), store.drafts)
        first = sender.send(draft.id)
        row = store.drafts.get(draft.id)
        assert first.status == "failed", first.detail
        assert row is not None and row.status == "failed" and row.data_at is None
        second = sender.send(draft.id)  # the retry the page offers: safe, nothing went out
    finally:
        server.stop()
    assert second.status == "sent", second.detail
    assert len(server.messages) == 1


def test_a_server_killed_after_data_leaves_one_copy_and_an_unknown_draft(
    store: Store, draft: DraftRow, mailbox_user: tuple[Dovecot, str]
) -> None:
    dovecot, _ = mailbox_user
    dying = DyingServer(dovecot, "recruiter").start()
    try:
        settings = make_settings(dying.port, mailbox_user, smtp_timeout=5.0)
        sender = Sender(settings, store.drafts)
        result = sender.send(draft.id)
    finally:
        ended = dying.stop()
    assert ended == -signal.SIGKILL  # it died after DATA, as the test means it to
    assert result.status == "unknown", result.detail
    assert "not in your mailbox" in result.detail  # looked in Sent and INBOX: no copy there
    row = store.drafts.get(draft.id)
    assert row is not None
    recruiter = (dovecot, "recruiter")
    assert _count(recruiter, "INBOX", row.sent_message_id) == 1
    assert sender.send(draft.id).status == "busy"
    assert sender.settle(draft.id).status == "unknown"
    assert _count(recruiter, "INBOX", row.sent_message_id) == 1


def test_a_copy_in_the_recipients_inbox_settles_a_send_the_server_did_not_confirm(
    store: Store, draft: DraftRow, mailbox_user: tuple[Dovecot, str]
) -> None:
    dovecot, user = mailbox_user
    # the user is among the recipients (say, a copy to themselves): their INBOX is recipient-side
    dying = DyingServer(dovecot, user).start()
    try:
        result = Sender(make_settings(dying.port, mailbox_user), store.drafts).send(draft.id)
    finally:
        dying.stop()
    assert result.status == "sent", result.detail
    assert "found in INBOX" in result.detail


# --- a gracemail killed in the middle of a send -------------------------------------------

CHILD = """
import sys
from service.config import Settings
from service.sender import Sender
from service.store import Store
settings = Settings()
print(Sender(settings, Store(settings.resolved_database_url).drafts).send(int(sys.argv[1])))
"""


def _env(settings_env: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRACEMAIL_")}
    env.update({k: v for k, v in os.environ.items() if k in ("GRACEMAIL_MODEL_PATH",)})
    return {**env, **settings_env, "PYTHONPATH": str(ROOT)}


def _poll_once(settings_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `gracemail poll --once` in a process of its own with these settings."""
    return subprocess.run(
        [sys.executable, "-m", "service", "poll", "--once"],
        env=_env(settings_env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings_env(
    url: str, data_dir: Path, smtp_port: int, mailbox: tuple[Dovecot, str] | None
) -> dict[str, str]:
    env = {
        "GRACEMAIL_DATABASE_URL": url,  # SQLite or PostgreSQL: the child opens the test's own store
        "GRACEMAIL_DATA_DIR": str(data_dir),
        "GRACEMAIL_SMTP_HOST": "127.0.0.1",
        "GRACEMAIL_SMTP_PORT": str(smtp_port),
        "GRACEMAIL_SMTP_TLS": "none",
        "GRACEMAIL_SMTP_TIMEOUT": "30",
        "GRACEMAIL_PROFILE__EMAIL": "sam@example.org",
    }
    if mailbox is not None:
        server, user = mailbox
        env.update(
            GRACEMAIL_IMAP_HOST="127.0.0.1",
            GRACEMAIL_IMAP_PORT=str(server.imap_port),
            GRACEMAIL_IMAP_TLS="none",
            GRACEMAIL_IMAP_ALLOW_PLAIN="true",
            GRACEMAIL_IMAP_USER=user,
            GRACEMAIL_IMAP_PASSWORD=f"pw-{user}",
        )
    return env


def _kill_mid_send(
    store: Store, draft: DraftRow, server: SmtpServer, env: dict[str, str], after_data: bool
) -> None:
    """Run a send in another process and SIGKILL it while the server holds DATA (or RCPT)."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(draft.id)],
        env=_env(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    handler = server.handler
    assert isinstance(handler, HoldingHandler)
    wait_for(lambda: handler.held == 1, timeout=30)
    if after_data:
        wait_for(lambda: len(server.messages) == 1)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    row = store.drafts.get(draft.id)
    assert row is not None and row.status == "sending"  # what a crash leaves behind
    assert row.claimed_by and row.claimed_by != process_token()


def test_a_send_killed_after_data_is_settled_at_the_next_start_by_the_sent_copy(
    tmp_path: Path, ingest: Ingest, store: Store, draft: DraftRow, mailbox_user: tuple[Dovecot, str]
) -> None:
    handler = HoldingHandler(hold=6.0, sent_box=mailbox_user)
    server = SmtpServer(handler).start()
    try:
        env = _settings_env(store.db.url, tmp_path / "data", server.port, mailbox_user)
        _kill_mid_send(store, draft, server, env, after_data=True)
        wait_for(lambda: handler.finished == 1)
        started = time.monotonic()
        # the next start: `gracemail poll --once` settles before it polls
        done = _poll_once(env)
        took = time.monotonic() - started
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr
    assert f"draft {draft.id}: sent" in done.stderr
    assert status(store, draft.id) == "sent"
    assert len(server.messages) == 1
    print(f"settled at start in {took:.1f} s (process start included)")


def test_a_send_killed_before_data_is_failed_at_the_next_start_and_retried_once(
    tmp_path: Path, store: Store, draft: DraftRow
) -> None:
    handler = HoldingHandler(hold=6.0, at="RCPT")
    server = SmtpServer(handler).start()
    try:
        env = _settings_env(store.db.url, tmp_path / "data", server.port, None)
        _kill_mid_send(store, draft, server, env, after_data=False)
        settings = make_settings(server.port)
        [result] = Sender(settings, store.drafts).settle_interrupted()  # what serve runs first
        assert result.status == "failed"
        assert status(store, draft.id) == "failed"
        time.sleep(6.5)  # the held conversation ends; the server took nothing from it
        retry = Sender(settings, store.drafts).send(draft.id)
    finally:
        server.stop()
    assert retry.status == "sent", retry.detail
    assert len(server.messages) == 1


def test_a_send_killed_after_data_without_imap_stays_unknown_at_the_next_start(
    tmp_path: Path, store: Store, draft: DraftRow
) -> None:
    handler = HoldingHandler(hold=6.0)
    server = SmtpServer(handler).start()
    try:
        _kill_mid_send(
            store,
            draft,
            server,
            _settings_env(store.db.url, tmp_path / "data", server.port, None),
            True,
        )
        sender = Sender(make_settings(server.port), store.drafts)
        [result] = sender.settle_interrupted()
        assert result.status == "unknown"
        assert status(store, draft.id) == "unknown"
        assert sender.send(draft.id).status == "busy"
        wait_for(lambda: handler.finished == 1)
    finally:
        server.stop()
    assert len(server.messages) == 1


def test_a_live_send_is_left_alone_by_a_start_elsewhere(store: Store, draft: DraftRow) -> None:
    server = SmtpServer(KeepHandler())
    sender = Sender(make_settings(server.port), store.drafts)
    assert store.drafts.move(draft.id, ("pending",), "approved")
    # claimed by this very process, which is alive: another start must not touch it
    assert store.drafts.start_sending(draft.id, "<live.1@example.org>", process_token())
    assert sender.settle_interrupted() == []
    assert status(store, draft.id) == "sending"


def _count(mailbox: tuple[Dovecot, str], folder: str, message_id: str) -> int:
    """Return how many messages with this Message-ID a user's folder holds."""
    server, user = mailbox
    with IMAPClient("127.0.0.1", port=server.imap_port, ssl=False) as client:
        client.login(user, server.users[user])
        client.select_folder(folder, readonly=True)
        return len(client.search(["HEADER", "Message-ID", message_id]))


# --- scheduled drafts with no `gracemail serve` running ---------------------------------


def test_poll_alone_sends_a_draft_scheduled_elsewhere_once_its_undo_window_ends(
    tmp_path: Path, store: Store, draft: DraftRow, mailbox_user: tuple[Dovecot, str]
) -> None:
    from service.mailview import approve

    server = SmtpServer(KeepHandler()).start()
    env = _settings_env(store.db.url, tmp_path / "data", server.port, mailbox_user)
    env["GRACEMAIL_PROFILE__NAME"] = "Sam Rivera"  # a draft is sent only with the sender's name
    poll = subprocess.Popen(
        [sys.executable, "-m", "service", "poll"],
        env=_env(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        settings = make_settings(server.port, mailbox_user, send_undo_seconds=2)
        # the page of a web process elsewhere approves it: scheduled, with an undo window
        approved = approve(store, settings, Sender(settings, store.drafts), draft.id)
        assert approved.status == "scheduled"
        assert server.messages == []  # nothing goes out during the window
        wait_for(lambda: status(store, draft.id) == "sent", timeout=60)
        time.sleep(1.0)  # a second copy, were there one, would arrive now
    finally:
        poll.send_signal(signal.SIGTERM)
        _, errors = poll.communicate(timeout=60)
        server.stop()
    assert poll.returncode == 0, errors
    assert len(server.messages) == 1
    assert server.messages[0].message["Message-ID"] == store.drafts.get(draft.id).sent_message_id  # type: ignore[union-attr]


def test_poll_once_sends_the_drafts_whose_undo_window_has_ended(
    tmp_path: Path, store: Store, draft: DraftRow, mailbox_user: tuple[Dovecot, str]
) -> None:
    from service.mailview import approve

    server = SmtpServer(KeepHandler()).start()
    try:
        settings = make_settings(server.port, mailbox_user, send_undo_seconds=1)
        assert (
            approve(store, settings, Sender(settings, store.drafts), draft.id).status == "scheduled"
        )
        time.sleep(1.2)
        env = _settings_env(store.db.url, tmp_path / "data", server.port, mailbox_user)
        env["GRACEMAIL_PROFILE__NAME"] = "Sam Rivera"
        done = _poll_once(env)
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr
    assert f"draft {draft.id}: sent" in done.stderr
    assert len(server.messages) == 1
