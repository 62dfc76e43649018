"""Schema upgrades: a database made by release 0.1.0 comes forward with nothing lost."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from service.store import Store
from service.store.db import HEAD, MIGRATIONS, Database
from tests.postgres import Postgres

RELEASE_0_1 = Path(__file__).resolve().parent / "fixtures" / "release-0.1.0.db"


def _rows(path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return list(conn.execute(query))


def test_head_names_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_a_0_1_database_upgrades_with_every_message_and_draft_intact(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(RELEASE_0_1, db)
    messages = _rows(db, "SELECT message_id, label, subject, text, raw FROM messages ORDER BY id")
    drafts = _rows(
        db, "SELECT message_pk, kind, status, body, sent_message_id FROM drafts ORDER BY id"
    )
    assert len(messages) == 10 and drafts
    assert Database(f"sqlite:///{db}", upgrade=False).revision() is None

    store = Store(f"sqlite:///{db}")

    assert store.db.revision() == HEAD
    assert (
        _rows(db, "SELECT message_id, label, subject, text, raw FROM messages ORDER BY id")
        == messages
    )
    assert (
        _rows(db, "SELECT message_pk, kind, status, body, sent_message_id FROM drafts ORDER BY id")
        == drafts
    )
    rows = store.messages.latest()
    assert all(r.new_text for r in rows if r.raw)  # filled from each stored message
    quoted = [r for r in rows if "\n>" in r.text]
    assert all(len(r.new_text) < len(r.text) for r in quoted)
    sent = [d for r in rows for d in r.drafts if d.status == "sent"]
    assert len(sent) == 1 and sent[0].body.endswith("Edited by hand.")
    assert [label for _, label in store.messages.corrections()] == ["not_now"]
    assert store.messages.checkpoint("INBOX") == ("INBOX", 42, 10)
    assert store.secrets.get("web_password") == "scrypt$placeholder"


def test_a_new_database_is_made_by_the_migrations(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'new.db'}")
    assert store.db.revision() == HEAD
    tables = {
        r[0]
        for r in _rows(tmp_path / "new.db", "SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert {"messages", "drafts", "checkpoints", "corrections", "secrets", "web_sessions"} <= tables


def test_opening_a_current_database_again_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'again.db'}"
    Store(url)
    assert Store(url).db.revision() == HEAD


def test_the_migrations_run_on_postgres_too(postgres: Postgres) -> None:
    from sqlalchemy import inspect

    store = Store(postgres.new_database())
    try:
        assert store.db.revision() == HEAD
        tables = set(inspect(store.db.engine).get_table_names())
    finally:
        store.db.engine.dispose()
    assert {"messages", "drafts", "checkpoints", "corrections", "secrets", "web_sessions"} <= tables
