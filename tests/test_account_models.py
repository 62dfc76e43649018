"""Per-account corrections in the worker, on a real Dovecot, on SQLite and PostgreSQL.

Two accounts receive the same mail. One corrects its label: from then on that account's copy
of the Message-ID carries the correction, on the server too, and the other account's never
does. A retrain for that account gives it a model of its own, which the worker uses for that
account only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from classifier.model import Classifier
from classifier.parse import parse_message
from classifier.persist import load_classifier
from service.account_model import AccountModels, account_model_path, retrain_account
from service.account_settings import web_settings
from service.config import Settings
from service.mailview import relabel
from service.store import Store
from service.store.accounts import Accounts, NewAccount, new_key
from service.store.tables import MessageRow
from service.worker import Worker
from tests.conftest import corpus_messages, fresh_user
from tests.faults import KEYWORDS, with_id
from tests.servers import Dovecot
from tests.smtp_faults import wait_for


@dataclass
class Fleet:
    """Two accounts on the shared Dovecot and one worker serving both, in a thread."""

    settings: Settings
    store: Store
    dovecot: Dovecot
    users: dict[int, str]  # account id: Dovecot user

    def deliver(self, raw: bytes) -> None:
        """Put raw into both accounts' INBOX."""
        for user in self.users.values():
            self.dovecot.append(user, [raw])

    def row(self, account_id: int, message_id: str) -> MessageRow | None:
        """Return the account's stored row for message_id."""
        return self.store.for_account(account_id).messages.get(message_id)

    def keywords(self, account_id: int) -> list[set[str]]:
        """Return the label keywords on the server of each message in the INBOX, oldest first."""
        user = self.users[account_id]
        with IMAPClient("127.0.0.1", port=self.dovecot.imap_port, ssl=False) as imap:
            imap.login(user, "pw-" + user)
            imap.select_folder("INBOX", readonly=True)
            flags = imap.get_flags(imap.search(["ALL"]))
        ours = set(KEYWORDS.values())
        return [{f.decode() for f in flags[uid]} & ours for uid in sorted(flags)]


def _base_model_in(folder: Path) -> Path:
    # the shared test model, linked into this test's folder: per-account models go beside it
    source = Path(os.environ["GRACEMAIL_MODEL_PATH"])
    folder.mkdir()
    for part in source.parent.glob(f"{source.stem}.*"):
        (folder / part.name).symlink_to(part)
    return folder / source.name


@pytest.fixture
def fleet(
    classifier: Classifier, database_url: str, dovecot_server: Dovecot, tmp_path: Path
) -> Iterator[Fleet]:
    key = new_key()
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        model_path=_base_model_in(tmp_path / "model"),
        secret_key=key,
        imap_allow_plain=True,
        worker_poll_seconds=0.2,
        worker_lease_seconds=5,
    )
    store = Store(database_url)
    accounts = Accounts(store.db, key)
    users: dict[int, str] = {}
    for _ in range(2):
        user = fresh_user()
        account = accounts.add(
            NewAccount(
                name=user,
                imap_host="127.0.0.1",
                imap_port=dovecot_server.imap_port,
                imap_user=user,
                imap_password="pw-" + user,
                imap_tls="none",
                profile=f'{{"name": "Client {user}", "email": "{user}@example.org"}}',
            )
        )
        users[account.id] = user
    stop = threading.Event()
    worker = Worker(settings, classifier, stop=stop, store=store)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        yield Fleet(settings, store, dovecot_server, users)
    finally:
        stop.set()
        thread.join(timeout=30)
        store.db.engine.dispose()


def _rejection(classifier: Classifier) -> bytes:
    for raw in corpus_messages(200):
        if classifier.predict(parse_message(raw)).label == "hard_no":
            return raw
    raise AssertionError("no corpus message is labelled hard_no")


def _correct(fleet: Fleet, account_id: int, message_id: str, label: str) -> None:
    """Relabel as the account's web login does it."""
    account = Accounts(fleet.store.db, fleet.settings.secret_key.get_secret_value()).get(account_id)
    assert account is not None
    scoped = fleet.store.for_account(account_id)
    row = scoped.messages.get(message_id)
    assert row is not None
    assert relabel(scoped, web_settings(fleet.settings, account), row.id, label) == "relabelled"


def test_a_correction_is_that_accounts_label_for_the_message_id_at_once_never_anothers(
    fleet: Fleet, classifier: Classifier
) -> None:
    a, b = fleet.users
    mail = with_id(_rejection(classifier), "<shared.1@test.example>")
    fleet.deliver(mail)
    wait_for(lambda: all(fleet.row(i, "<shared.1@test.example>") for i in (a, b)), timeout=60)
    wait_for(lambda: fleet.keywords(a) == fleet.keywords(b) == [{KEYWORDS["hard_no"]}], 30)

    _correct(fleet, a, "<shared.1@test.example>", "not_now")
    assert [label for _, label in fleet.store.for_account(a).messages.corrections()] == ["not_now"]
    assert fleet.store.for_account(b).messages.corrections() == []
    row_b = fleet.row(b, "<shared.1@test.example>")
    assert row_b is not None and row_b.label == "hard_no"

    # the same Message-ID comes in again (a resend, a copy): the worker labels A's copy with
    # A's correction on the server, and B's with the model's label, as before
    fleet.deliver(mail)
    wait_for(lambda: len(fleet.keywords(a)) == len(fleet.keywords(b)) == 2, timeout=30)
    wait_for(lambda: fleet.keywords(a)[1] == {KEYWORDS["not_now"]}, timeout=30)
    wait_for(lambda: fleet.keywords(b)[1] == {KEYWORDS["hard_no"]}, timeout=30)
    with fleet.store.db.session() as s:  # still one row per account
        ids = list(s.scalars(select(MessageRow.account_id)))
    assert sorted(ids) == sorted([a, b])


def test_an_accounts_retrained_model_labels_its_mail_and_no_one_elses(
    fleet: Fleet, classifier: Classifier
) -> None:
    if fleet.store.db.engine.dialect.name == "sqlite":
        pytest.skip("one retrain (a fit on the whole corpus) is enough: run on PostgreSQL")
    a, b = fleet.users
    raw = _rejection(classifier)
    fleet.deliver(with_id(raw, "<first.1@test.example>"))
    wait_for(lambda: all(fleet.row(i, "<first.1@test.example>") for i in (a, b)), timeout=60)
    _correct(fleet, a, "<first.1@test.example>", "other")

    result = retrain_account(fleet.settings, fleet.store, a)
    assert result.status == "trained" and result.corrections == 1
    assert retrain_account(fleet.settings, fleet.store, b).status == "none"
    assert retrain_account(fleet.settings, fleet.store, a).status == "unchanged"
    path = account_model_path(fleet.settings, a)
    assert path.exists() and not account_model_path(fleet.settings, b).parent.exists()
    own = load_classifier(path)

    # a new mail like the corrected one: A's worker labels it with A's model, B's with the base
    later = with_id(raw, "<later.1@test.example>")
    expected_a = own.predict(parse_message(later))
    expected_b = classifier.predict(parse_message(later))
    assert expected_a.confidence != expected_b.confidence  # the correction moved A's model
    fleet.deliver(later)
    wait_for(lambda: all(fleet.row(i, "<later.1@test.example>") for i in (a, b)), timeout=60)
    row_a, row_b = fleet.row(a, "<later.1@test.example>"), fleet.row(b, "<later.1@test.example>")
    assert row_a is not None and row_b is not None
    assert (row_a.label, row_a.confidence) == (expected_a.label, expected_a.confidence)
    assert (row_b.label, row_b.confidence) == (expected_b.label, expected_b.confidence)


def test_a_model_of_another_corpus_is_not_used(classifier: Classifier, tmp_path: Path) -> None:
    """A per-account model trained before the corpus changed falls back to the shared one."""
    import json
    import shutil

    settings = Settings(data_dir=tmp_path, model_path=_base_model_in(tmp_path / "model"))
    path = account_model_path(settings, 7)
    path.parent.mkdir(parents=True)
    base = settings.resolved_model_path
    for part in base.parent.glob(f"{base.stem}.*"):
        shutil.copy(part, path.parent / part.name)
    models = AccountModels(settings, classifier)
    assert models.for_account(7) is not classifier  # a copy of the base: usable
    meta = json.loads(path.with_suffix(".json").read_text())
    meta["base_corpus_hash"] = "another corpus"
    path.with_suffix(".json").write_text(json.dumps(meta))
    assert models.for_account(7) is classifier
    assert models.for_account(8) is classifier  # no model of its own
