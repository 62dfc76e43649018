"""Fixtures: a trained model, a clean environment, a real Dovecot, fresh databases."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from classifier.corpus import corpus_dir
from classifier.model import Classifier
from classifier.train import ensure_classifier
from drafts.profile import Profile
from service.ingest import Ingest
from service.store import Store
from tests.postgres import Postgres
from tests.servers import SHARED_USERS, Dovecot, make_dovecot

ROOT = Path(__file__).resolve().parent.parent
_users = itertools.count(1)


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep each test's settings its own: no GRACEMAIL_* leaks in from the shell."""
    for key in list(os.environ):
        if key.startswith("GRACEMAIL_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("GRACEMAIL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRACEMAIL_MODEL_PATH", str(_model_path()))


def _model_path() -> Path:
    # one model for the whole run, kept between runs while the corpus is unchanged
    return ROOT / ".gracemail-test" / "model.skops"


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    """Return the model trained on the corpus (trained once if missing or stale)."""
    return ensure_classifier(_model_path())


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """Return one PostgreSQL cluster for the session; each test makes its own database in it."""
    server = Postgres()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of an empty database of this test's own, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    server: Postgres = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """Return an empty store of this test's own (every store test runs on both databases)."""
    store = Store(database_url)
    yield store
    store.db.engine.dispose()  # close pooled connections before their server goes away


@pytest.fixture
def ingest(classifier: Classifier, store: Store) -> Ingest:
    """Return an ingest writing to this test's database."""
    return Ingest(classifier, Profile(name="Sam Rivera", email="sam@example.org"), store)


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    """Return one Dovecot for the session; tests that restart it start their own."""
    server = make_dovecot()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """Return a Dovecot of this test's own, free to be stopped and restarted."""
    server = make_dovecot()
    server.start()
    yield server
    server.stop()


def fresh_user() -> str:
    """Return a user of the shared Dovecot that no test has used (password "pw-" + name).

    The users exist before the server starts: a users file rewritten while it runs may go unseen.
    """
    n = next(_users)
    assert n <= SHARED_USERS, f"the shared Dovecot has {SHARED_USERS} users; raise SHARED_USERS"
    return f"user{n}"


@pytest.fixture
def mailbox_user(dovecot_server: Dovecot) -> tuple[Dovecot, str]:
    """Return the shared Dovecot and a fresh user with an empty mailbox."""
    return dovecot_server, fresh_user()


def corpus_messages(n: int) -> list[bytes]:
    """Return the raw bytes of n corpus messages, a spread of every label."""
    paths = sorted((corpus_dir() / "messages").glob("*.eml"))
    step = max(1, len(paths) // n)
    return [p.read_bytes() for p in paths[::step][:n]]
