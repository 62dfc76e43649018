"""A database server that restarts is reconnected to, with no failed query in between."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from service.store.db import Database
from tests.postgres import Postgres


@pytest.fixture
def own_postgres() -> Iterator[Postgres]:
    """Return a cluster of this test's own: restarting the shared one would cut other tests."""
    server = Postgres()
    server.start()
    yield server
    server.stop()


def test_the_first_query_after_a_postgres_restart_succeeds(own_postgres: Postgres) -> None:
    db = Database(own_postgres.new_database())
    with db.session() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1  # the pool now holds a connection
    own_postgres.restart()
    with db.session() as session:
        assert session.execute(text("SELECT 2")).scalar() == 2
    db.engine.dispose()
