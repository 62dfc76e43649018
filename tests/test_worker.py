"""Two `gracemail worker` processes over several mailboxes on real Postgres, Dovecot and SMTP.

One worker is killed with SIGKILL in the middle: its leases lapse, the other takes them over,
and at the end every message is stored and labelled once and no draft went out twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from email import message_from_bytes
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy import func, select

from service.store import Store
from service.store.accounts import Accounts, NewAccount, new_key
from service.store.drafts import EDITABLE
from service.store.leases import Leases
from service.store.tables import DraftRow, MessageRow
from tests.conftest import corpus_messages
from tests.postgres import Postgres
from tests.servers import Dovecot, make_dovecot
from tests.smtp import SmtpServer

MAILBOXES = 4
PER_MAILBOX = 12  # half before the kill, half after


@pytest.fixture
def own_dovecot() -> Iterator[Dovecot]:
    server = make_dovecot()
    server.start()
    yield server
    server.stop()


def _with_id(raw: bytes, message_id: str) -> bytes:
    # the same corpus mail in several mailboxes: each copy gets a Message-ID of its own
    nl = b"\r\n" if b"\r\n" in raw else b"\n"
    head, sep, body = raw.partition(nl + nl)
    lines = [line for line in head.split(nl) if not line.lower().startswith(b"message-id:")]
    return nl.join([b"Message-ID: " + message_id.encode(), *lines]) + sep + body


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as stderr:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "service", "worker"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )


def _wait(what: str, done: Callable[[], bool], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.25)


def test_two_workers_one_killed_label_each_message_once_and_send_each_draft_once(
    postgres: Postgres, own_dovecot: Dovecot, tmp_path: Path
) -> None:
    url = postgres.new_database()
    key = new_key()
    store = Store(url)
    accounts = Accounts(store.db, key)
    smtp = SmtpServer().start()
    users = [f"client{i}" for i in range(MAILBOXES)]
    for user in users:
        own_dovecot.add_user(user, "pw-" + user)
        accounts.add(
            NewAccount(
                name=user,
                imap_host="127.0.0.1",
                imap_port=own_dovecot.imap_port,
                imap_user=user,
                imap_password="pw-" + user,
                imap_tls="none",
                smtp_host="127.0.0.1",
                smtp_port=smtp.port,
                smtp_tls="none",
                profile=f'{{"name": "Client {user}", "email": "{user}@example.org"}}',
            )
        )
    corpus = corpus_messages(PER_MAILBOX)
    mails = {
        u: [_with_id(r, f"<m{i}.{u}@test.example>") for i, r in enumerate(corpus)] for u in users
    }
    half = PER_MAILBOX // 2
    for user in users:
        own_dovecot.append(user, mails[user][:half])

    env = {k: v for k, v in os.environ.items() if not k.startswith("GRACEMAIL_")}
    env.update(
        GRACEMAIL_DATABASE_URL=url,
        GRACEMAIL_SECRET_KEY=key,
        GRACEMAIL_MODEL_PATH=os.environ["GRACEMAIL_MODEL_PATH"],
        GRACEMAIL_DATA_DIR=str(tmp_path / "data"),
        GRACEMAIL_IMAP_ALLOW_PLAIN="true",
        GRACEMAIL_WORKER_LEASE_SECONDS="3",
        GRACEMAIL_WORKER_POLL_SECONDS="0.5",
        GRACEMAIL_WORKER_MAX_MAILBOXES="2",  # each worker takes half until the other dies
    )
    victim = _worker(env, tmp_path / "w1.log")
    survivor = _worker(env, tmp_path / "w2.log")
    try:

        def stored() -> int:
            with store.db.session() as s:
                return s.scalar(select(func.count()).select_from(MessageRow)) or 0

        _wait("the first half stored", lambda: stored() == MAILBOXES * half)
        holders = Leases(store.db).holders()
        assert len(set(holders.values())) == 2  # the mailboxes are shared out
        with store.db.session() as s:  # the users approve one reply to each mail (the web would)
            query = (
                select(func.min(DraftRow.id), MessageRow.account_id)
                .join(MessageRow, MessageRow.id == DraftRow.message_pk)
                .where(
                    DraftRow.status.in_(EDITABLE), DraftRow.kind != "followup", DraftRow.to != ""
                )
            )
            waiting_of = list(s.execute(query.group_by(DraftRow.message_pk, MessageRow.account_id)))
        waiting = [draft_id for draft_id, _ in waiting_of]
        assert waiting
        for draft_id, account_id in waiting_of:  # each account moves its own drafts only
            assert store.for_account(account_id).drafts.move(draft_id, EDITABLE, "approved")
        time.sleep(0.3)  # some sends under way
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        env["GRACEMAIL_WORKER_MAX_MAILBOXES"] = str(MAILBOXES)
        for user in users:
            own_dovecot.append(user, mails[user][half:])
        # the survivor holds only 2: a third worker with room for all takes the lapsed leases
        rescuer = _worker(env, tmp_path / "w3.log")
        try:
            _wait("every message stored", lambda: stored() == MAILBOXES * PER_MAILBOX)

            def settled() -> bool:
                with store.db.session() as s:
                    left = s.scalar(
                        select(func.count())
                        .where(DraftRow.status.in_(("approved", "pending")))
                        .where(DraftRow.id.in_(waiting))
                    )
                return left == 0

            _wait("every approved draft sent or in doubt", settled)
        finally:
            rescuer.terminate()
            rescuer.wait(timeout=30)
    finally:
        for proc in (victim, survivor):
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)
        smtp.stop()

    with store.db.session() as s:
        rows = list(
            s.execute(select(MessageRow.message_id, MessageRow.account_id, MessageRow.label))
        )
        drafts = {d.id: d for d in s.scalars(select(DraftRow).where(DraftRow.id.in_(waiting)))}
    store.db.engine.dispose()  # before the cluster goes away
    assert len(rows) == MAILBOXES * PER_MAILBOX
    by_account = Counter(a for _, a, _ in rows)
    assert sorted(by_account.values()) == [PER_MAILBOX] * MAILBOXES
    assert all(mid.endswith(f".{users[a - 1]}@test.example>") for mid, a, _ in rows)
    # on the server, each actionable message carries its label keyword exactly as stored
    labels = {mid: label for mid, _, label in rows}
    for user in users:
        with IMAPClient("127.0.0.1", port=own_dovecot.imap_port, ssl=False) as imap:
            imap.login(user, "pw-" + user)
            imap.select_folder("INBOX", readonly=True)
            fetched = imap.fetch(
                imap.search(["ALL"]), ["FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]
            )
            for data in fetched.values():
                header = data[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().split(":", 1)[1].strip()
                flags = {f.decode() for f in data[b"FLAGS"]}
                label = labels[header]
                if label != "other":
                    assert f"gracemail-{label.replace('_', '-')}" in flags
    # no draft went out twice; every one is sent, left in doubt by the killed worker, or failed
    # by the survivor's settling when the kill came before the message was handed over
    sent_ids = Counter(m.message["Message-ID"] for m in smtp.messages)
    assert sent_ids and max(sent_ids.values()) == 1
    assert {d.status for d in drafts.values()} <= {"sent", "sending", "unknown", "failed"}, [
        d.error for d in drafts.values()
    ]
    for d in drafts.values():
        if d.status == "failed":
            assert "nothing went out" in d.error and d.sent_message_id not in sent_ids
    assert sum(d.status == "sent" for d in drafts.values()) >= len(drafts) - MAILBOXES
    assert {d.sent_message_id for d in drafts.values() if d.status == "sent"} <= set(sent_ids)
    # logs: JSON lines naming the account, never what the mail says
    lines = [
        json.loads(line)
        for n in (1, 2, 3)
        for line in (tmp_path / f"w{n}.log").read_text().splitlines()
    ]
    assert all("account_id" in line for line in lines)
    assert any("took over" in line["msg"] for line in lines)
    subjects = {str(message_from_bytes(r)["Subject"] or "") for r in corpus} - {""}
    logged = "\n".join(line["msg"] for line in lines)
    assert subjects and not [s for s in subjects if s in logged]
