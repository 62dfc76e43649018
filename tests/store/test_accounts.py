"""Accounts and leases on SQLite and PostgreSQL: passwords encrypted, leases claimed once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from service.store import Checkpoint, Store
from service.store.accounts import Accounts, NewAccount, SecretKeyError, new_key
from service.store.leases import Leases
from service.store.messages import Messages
from service.store.tables import MessageRow

PASSWORD = "correct horse battery staple"


def _add(accounts: Accounts, name: str) -> int:
    new = NewAccount(name, "imap.example", f"{name}@example.org", PASSWORD, smtp_password="s3cret")
    return accounts.add(new).id


def test_passwords_are_encrypted_at_rest_and_never_shown(store: Store) -> None:
    key = new_key()
    accounts = Accounts(store.db, key)
    account_id = _add(accounts, "alice")

    with store.db.engine.connect() as conn:
        stored = conn.execute(text("SELECT imap_password, smtp_password FROM accounts")).one()
    assert all(PASSWORD.encode() not in bytes(v) and b"s3cret" not in bytes(v) for v in stored)
    shown = accounts.all()
    assert [a.name for a in shown] == ["alice"]
    assert PASSWORD not in repr(shown) and "s3cret" not in repr(shown)
    assert PASSWORD not in repr(accounts.credentials(account_id))
    assert accounts.credentials(account_id).imap_password == PASSWORD
    assert accounts.credentials(account_id).smtp_password == "s3cret"


def test_a_wrong_or_missing_key_decrypts_nothing(store: Store) -> None:
    account_id = _add(Accounts(store.db, new_key()), "alice")
    with pytest.raises(SecretKeyError, match="not the key"):
        Accounts(store.db, new_key()).credentials(account_id)
    with pytest.raises(SecretKeyError, match="GRACEMAIL_SECRET_KEY"):
        Accounts(store.db, "").credentials(account_id)
    with pytest.raises(SecretKeyError, match="not a Fernet key"):
        Accounts(store.db, "short").add(NewAccount("bob", "h", "u", "p"))


def test_each_lease_goes_to_one_worker_and_lapses_to_another(store: Store) -> None:
    accounts = Accounts(store.db, new_key())
    ids = [_add(accounts, f"user{i}") for i in range(5)]
    leases = Leases(store.db)

    first = leases.claim("w1", 3, ttl=1.0)
    second = leases.claim("w2", 10, ttl=60.0)
    assert len(first) == 3 and len(second) == 2
    assert {c.account_id for c in first} | {c.account_id for c in second} == set(ids)
    assert not any(c.takeover for c in first + second)
    assert leases.claim("w3", 10, ttl=60.0) == []

    time.sleep(1.2)  # w1 stopped renewing: its leases lapse
    assert leases.renew("w1", [c.account_id for c in first], ttl=1.0) == set()
    taken = leases.claim("w3", 10, ttl=60.0)
    assert {c.account_id for c in taken} == {c.account_id for c in first}
    assert all(c.takeover for c in taken)
    assert leases.renew("w2", [c.account_id for c in second], 60.0) == {
        c.account_id for c in second
    }


def test_a_disabled_account_is_neither_claimed_nor_renewed(store: Store) -> None:
    accounts = Accounts(store.db, new_key())
    a, b = _add(accounts, "alice"), _add(accounts, "bob")
    leases = Leases(store.db)
    assert {c.account_id for c in leases.claim("w1", 10, 60.0)} == {a, b}
    accounts.set_enabled(b, False)
    assert leases.renew("w1", [a, b], 60.0) == {a}
    leases.release("w1", [a, b])
    assert [c.account_id for c in leases.claim("w2", 10, 60.0)] == [a]


def test_messages_and_checkpoints_stay_in_their_account(store: Store) -> None:
    accounts = Accounts(store.db, new_key())
    a, b = _add(accounts, "alice"), _add(accounts, "bob")
    alice, bob = Messages(store.db, a), Messages(store.db, b)

    def row(mid: str) -> MessageRow:
        return MessageRow(message_id=mid, folder="INBOX", uid=7, label="hard_no")

    alice.add_many([(row("<a@x>"), [])], Checkpoint("INBOX", 1, 7))
    bob.add_many([(row("<b@x>"), [])], Checkpoint("INBOX", 2, 9))
    assert alice.checkpoint("INBOX") == ("INBOX", 1, 7)
    assert bob.checkpoint("INBOX") == ("INBOX", 2, 9)
    assert store.messages.checkpoint("INBOX") is None  # the single user's is its own
    # the same folder and UID in two mailboxes: labelling one leaves the other's row alone
    alice.mark_labelled("INBOX", [7])
    assert alice.unlabelled("INBOX") == []
    assert bob.unlabelled("INBOX") == [(7, "hard_no")]
    assert store.messages.unlabelled("INBOX") == []
    assert bob.get("<b@x>").account_id == b  # type: ignore[union-attr]
    # reads stay in their account too: another's message is as absent as a missing one
    assert alice.get("<b@x>") is None and store.messages.get("<b@x>") is None
    b_pk = bob.get("<b@x>").id  # type: ignore[union-attr]
    assert alice.get_by_pk(b_pk) is None and store.messages.get_by_pk(b_pk) is None
    assert [r.message_id for r in alice.find()] == ["<a@x>"]
    assert store.messages.latest() == []


def test_the_accounts_command_adds_lists_and_disables_without_showing_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from service.cli import app

    monkeypatch.setenv("GRACEMAIL_DATABASE_URL", f"sqlite:///{tmp_path / 'firm.db'}")
    runner = CliRunner()
    refused = runner.invoke(
        app,
        ["accounts", "add", "alice", "--imap-host", "h", "--imap-user", "a"],
        input=f"{PASSWORD}\n",
    )
    assert refused.exit_code == 2 and "GRACEMAIL_SECRET_KEY" in refused.output
    monkeypatch.setenv(
        "GRACEMAIL_SECRET_KEY", runner.invoke(app, ["accounts", "new-key"]).output.strip()
    )
    args = ["accounts", "add", "alice", "--imap-host", "imap.example", "--imap-user", "alice"]
    added = runner.invoke(app, args, input=f"{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert runner.invoke(app, args, input=f"{PASSWORD}\n").exit_code == 1  # the name is taken
    assert runner.invoke(app, ["accounts", "disable", "alice"]).exit_code == 0
    listed = runner.invoke(app, ["accounts", "list", "--format", "jsonl"])
    assert listed.exit_code == 0
    assert PASSWORD not in listed.output and PASSWORD not in added.output
    assert '"enabled": false' in listed.output and '"name": "alice"' in listed.output


def test_an_unknown_tls_mode_is_refused_never_taken_for_plain(store: Store) -> None:
    from service.config import Settings
    from service.worker import account_settings

    accounts = Accounts(store.db, new_key())
    with pytest.raises(ValueError, match="TLS mode"):
        accounts.add(NewAccount("alice", "h", "u", "p", imap_tls="tls"))
    account = accounts.get(_add(accounts, "bob"))
    assert account is not None
    forged = account.__class__(**{**account.__dict__, "imap_tls": "tls"})
    with pytest.raises(ValueError, match="TLS mode"):
        account_settings(Settings(), forged, "p", "")


def test_the_same_mail_in_two_mailboxes_is_stored_once_in_each(store: Store) -> None:
    from sqlalchemy.exc import IntegrityError

    accounts = Accounts(store.db, new_key())
    a, b = _add(accounts, "alice"), _add(accounts, "bob")
    alice, bob = Messages(store.db, a), Messages(store.db, b)

    def row() -> MessageRow:
        return MessageRow(message_id="<same@x>", folder="INBOX", uid=1, label="offer")

    alice.add_many([(row(), [])])
    assert bob.known_labels(["<same@x>"]) == {}  # bob's copy is not a duplicate of alice's
    bob.add_many([(row(), [])])
    assert alice.get("<same@x>").id != bob.get("<same@x>").id  # type: ignore[union-attr]
    # within one account, and for the single user (no account), a Message-ID is stored once
    for messages in (bob, store.messages, store.messages):
        if messages is store.messages and messages.get("<same@x>") is None:
            messages.add_many([(row(), [])])
            continue
        with pytest.raises(IntegrityError):
            messages.add_many([(row(), [])])
