"""Sending approved drafts through a real aiosmtpd server, with the Sent copy in a real Dovecot."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from classifier.corpus import corpus_dir
from service.config import Settings
from service.followups import due_followups
from service.ingest import Ingest
from service.sender import Sender
from service.store import DraftRow, Drafts, MessageRow, Store
from tests.servers import Dovecot
from tests.smtp import Authenticator, KeepHandler, SmtpServer, self_signed_context

PROFILE = {"name": "Sam Rivera", "email": "sam@example.org", "signature": "Sam Rivera"}


def corpus_message(name: str) -> bytes:
    """Return the bytes of one corpus message, e.g. 'of-0001'."""
    return Path(corpus_dir() / "messages" / f"{name}.eml").read_bytes()


def ingest_one(ingest: Ingest, store: Store, name: str, label: str | None = None) -> MessageRow:
    """Ingest a corpus message, relabelled when the model disagrees with what a test needs."""
    outcome = ingest.handle(corpus_message(name), folder="INBOX", source=name)
    row = store.messages.get(outcome.message_id)
    assert row is not None
    if label and row.label != label:
        from datetime import date as _date

        from drafts.render import render_drafts
        from service.store.rows import draft_row, incoming_of

        drafts = render_drafts(incoming_of(row, label), ingest.profile, _date.today())
        store.drafts.relabel(row.id, label, [draft_row(d) for d in drafts])
        row = store.messages.get(outcome.message_id)
        assert row is not None
    return row


def pending(row: MessageRow, kind: str) -> DraftRow:
    """Return the pending draft of a kind."""
    return next(d for d in row.drafts if d.kind == kind and d.status == "pending")


def make_settings(
    smtp_port: int, mailbox: tuple[Dovecot, str] | None = None, **extra: Any
) -> Settings:
    """Return settings that send through 127.0.0.1:smtp_port and, if given, file into mailbox."""
    values: dict[str, Any] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "smtp_tls": "none",
        "profile": PROFILE,
    }
    if mailbox is not None:
        server, user = mailbox
        values.update(
            imap_host="127.0.0.1",
            imap_port=server.imap_port,
            imap_tls="none",
            imap_allow_plain=True,
            imap_user=user,
            imap_password=f"pw-{user}",
        )
    values.update(extra)
    return Settings(**values)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """Return a running SMTP server that keeps what it receives."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def sends(store: Store) -> Drafts:
    """Return the send queries over this test's database."""
    return store.drafts


def folder_messages(mailbox: tuple[Dovecot, str], folder: str) -> list[bytes]:
    """Return the raw messages in one folder of the test mailbox."""
    server, user = mailbox
    with IMAPClient("127.0.0.1", port=server.imap_port, ssl=False) as client:
        client.login(user, f"pw-{user}")
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        return [d[b"BODY[]"] for d in client.fetch(uids, ["BODY.PEEK[]"]).values()] if uids else []


def test_send_makes_a_proper_reply_and_files_a_sent_copy(
    ingest: Ingest,
    store: Store,
    sends: Drafts,
    smtp: SmtpServer,
    mailbox_user: tuple[Dovecot, str],
) -> None:
    row = ingest_one(ingest, store, "of-0001", "offer")
    accept, decline = pending(row, "offer_accept"), pending(row, "offer_decline")
    sender = Sender(make_settings(smtp.port, mailbox_user), sends)

    result = sender.send(accept.id)

    assert result.status == "sent", result.detail
    [got] = smtp.messages
    msg = got.message
    sent = store.drafts.get(accept.id)
    assert sent is not None and sent.status == "sent" and sent.sent_at is not None
    assert msg["Message-ID"] == sent.sent_message_id
    assert msg["Subject"] == "Re: Offer of Employment - Claims Analyst II"
    assert msg["In-Reply-To"] == row.message_id
    assert row.message_id in msg["References"]
    assert msg["From"] == "Sam Rivera <sam@example.org>"
    assert got.rcpt_tos == ["deirdre.oconnell@halversonmutual.com"]
    assert got.mail_from == "sam@example.org"
    # the decline of the same offer can no longer go out by mistake
    other = store.drafts.get(decline.id)
    assert other is not None and other.status == "discarded"
    copies = folder_messages(mailbox_user, "Sent")
    assert len(copies) == 1 and sent.sent_message_id.encode() in copies[0]


def test_many_concurrent_approvals_send_once(
    ingest: Ingest, store: Store, sends: Drafts, smtp: SmtpServer
) -> None:
    row = ingest_one(ingest, store, "hn-0002", "hard_no")
    draft = pending(row, "hard_no")
    sender = Sender(make_settings(smtp.port), sends)
    start = threading.Barrier(8)
    results: list[str] = []

    def click() -> None:
        start.wait()
        results.append(sender.send(draft.id).status)

    threads = [threading.Thread(target=click) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(results) == ["busy"] * 7 + ["sent"]
    assert len(smtp.messages) == 1
    assert sender.send(draft.id).status == "busy"  # a reload later
    assert len(smtp.messages) == 1


def test_smtp_down_fails_with_reason_then_retry_sends(
    ingest: Ingest, store: Store, sends: Drafts
) -> None:
    row = ingest_one(ingest, store, "hn-0004", "hard_no")
    draft = pending(row, "hard_no")
    server = SmtpServer()  # not started: nothing listens on its port yet
    sender = Sender(make_settings(server.port), sends)

    first = sender.send(draft.id)

    assert first.status == "failed"
    assert "could not reach the SMTP server" in first.detail
    failed = store.drafts.get(draft.id)
    assert failed is not None and failed.status == "failed" and failed.error
    server.start()
    try:
        second = sender.send(draft.id)
    finally:
        server.stop()
    assert second.status == "sent"
    [got] = server.messages
    done = store.drafts.get(draft.id)
    assert done is not None and done.error == ""
    # the retry kept the Message-ID chosen before the first attempt
    assert got.message["Message-ID"] == failed.sent_message_id == done.sent_message_id


def test_refused_recipient_is_reported(ingest: Ingest, store: Store, sends: Drafts) -> None:
    row = ingest_one(ingest, store, "hn-0005", "hard_no")
    draft = pending(row, "hard_no")
    server = SmtpServer(KeepHandler(refuse={draft.to})).start()
    try:
        result = Sender(make_settings(server.port), sends).send(draft.id)
    finally:
        server.stop()
    assert result.status == "failed"
    assert draft.to in result.detail
    assert server.messages == []


def test_starttls_and_auth(ingest: Ingest, store: Store, sends: Drafts) -> None:
    row = ingest_one(ingest, store, "HLP-0009", "hard_no")
    draft = pending(row, "hard_no")
    server = SmtpServer(
        tls_context=self_signed_context(), authenticator=Authenticator("sam", "s3cret")
    ).start()
    try:
        tls = {"smtp_tls": "starttls", "smtp_tls_verify": False, "smtp_user": "sam"}
        wrong = Sender(make_settings(server.port, smtp_password="nope", **tls), sends)
        refused = wrong.send(draft.id)
        right = Sender(make_settings(server.port, smtp_password="s3cret", **tls), sends)
        sent = right.send(draft.id)
    finally:
        server.stop()
    assert refused.status == "failed" and "refused the login" in refused.detail
    assert sent.status == "sent", sent.detail
    assert len(server.messages) == 1


def test_draft_without_recipient_is_not_sendable(
    ingest: Ingest, store: Store, sends: Drafts, smtp: SmtpServer
) -> None:
    row = ingest_one(ingest, store, "hn-0006", "hard_no")  # from no-reply@hire.lever.co
    draft = pending(row, "hard_no")
    assert draft.to == "" and "no-reply" in draft.note
    result = Sender(make_settings(smtp.port), sends).send(draft.id)
    assert result.status == "refused"
    still = store.drafts.get(draft.id)
    assert still is not None and still.status == "pending"
    assert smtp.messages == []


def dead_process_token() -> str:
    """Return the claim of a process that is gone, as a crash leaves it."""
    return f"{socket.gethostname()}:{2**22 + 1}:1"  # above Linux's largest pid_max: no such pid


def test_interrupted_send_is_not_repeated_unless_asked(
    ingest: Ingest, store: Store, sends: Drafts, smtp: SmtpServer
) -> None:
    row = ingest_one(ingest, store, "HLP-0041", "hard_no")
    draft = pending(row, "hard_no")
    sender = Sender(make_settings(smtp.port), sends)
    # a crash after SMTP accepted the mail and before the database heard of it
    assert store.drafts.move(draft.id, ("pending",), "approved")
    assert store.drafts.start_sending(draft.id, "<crashed.1@example.org>", dead_process_token())
    store.drafts.mark_data(draft.id)

    assert sender.send(draft.id).status == "busy"
    assert sender.send_again(draft.id, confirmed=True).status == "busy"  # still `sending`
    [settled] = sender.settle_interrupted()  # the next start: no IMAP, so it stays in doubt
    assert settled.status == "unknown"
    assert sender.send(draft.id).status == "busy"
    assert sender.send_again(draft.id, confirmed=False).status == "refused"
    assert smtp.messages == []
    result = sender.send_again(draft.id, confirmed=True)

    assert result.status == "sent"
    [got] = smtp.messages
    assert got.message["Message-ID"] == "<crashed.1@example.org>"


def test_followups_one_per_period_and_none_after_a_reply(
    ingest: Ingest, store: Store, sends: Drafts
) -> None:
    settings = make_settings(1)
    profile = settings.sender_profile()
    row = ingest_one(ingest, store, "HLP-0016", "not_now")
    nn = pending(row, "not_now")
    assert nn.followup_date is not None
    assert due_followups(store, profile, nn.followup_date - timedelta(days=1)) == []

    first = due_followups(store, profile, nn.followup_date)
    again = due_followups(store, profile, nn.followup_date + timedelta(days=3))

    assert len(first) == 1 and first[0][1].kind == "followup"
    assert [d.id for _, d in again] == [first[0][1].id]  # the same draft, not a second one
    assert first[0][1].in_reply_to == row.message_id
    # once sent, the next check-in waits a whole period
    store.drafts.move(first[0][1].id, ("pending",), "approved")
    store.drafts.start_sending(first[0][1].id, "<f1@example.org>")
    store.drafts.finish_sent(first[0][1].id)
    assert due_followups(store, profile, date.today() + timedelta(days=1)) == []
    later = due_followups(store, profile, date.today() + timedelta(days=profile.followup_days))
    assert len(later) == 1 and later[0][1].id != first[0][1].id
    # a message from the contact since then: no more check-ins
    reply = (
        f"From: {row.from_addr}\r\nTo: sam@example.org\r\nSubject: Re: checking in\r\n"
        "Message-ID: <wrote-back.1@example.org>\r\n\r\nThanks Sam, good to hear from you.\r\n"
    )
    ingest.handle(reply.encode(), folder="INBOX")
    far = date.today() + timedelta(days=5 * profile.followup_days)
    assert due_followups(store, profile, far) == []
