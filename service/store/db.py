"""The database: engine, sessions and schema upgrades; the only place that opens connections."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0009"  # the newest revision in migrations/versions; a test checks they agree
INITIAL = "0001"  # release 0.1.0's schema, made by create_all before migrations existed


def utcnow() -> datetime:
    """Return the current time in UTC, without tzinfo, as SQLite stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Base of every table."""


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web page read while the poller writes; the timeout waits out the other writer
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """An engine and its sessions, with the schema brought to the newest revision on open."""

    def __init__(self, url: str, upgrade: bool = True) -> None:
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.url = url
        # a server restart leaves the pool's connections dead: test each before use, so the
        # first query after it reconnects instead of failing (SQLite has no server to lose)
        self.engine: Engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if upgrade and self.revision() != HEAD:
            self.upgrade()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session that commits on success and rolls back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def revision(self) -> str | None:
        """Return the schema revision of the database, or None when it has none recorded."""
        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except (OperationalError, ProgrammingError):  # no alembic_version table yet
            return None

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to revision with Alembic; a 0.1.0 database is recognised first."""
        from alembic import command  # only when the schema is behind: it costs start-up time
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            tables = set(inspect(conn).get_table_names())
            if "messages" in tables and "alembic_version" not in tables:
                command.stamp(config, INITIAL)  # made by create_all in 0.1.0: that is 0001
            command.upgrade(config, revision)
