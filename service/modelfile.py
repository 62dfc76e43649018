"""One model file for the CLI, the poller and the page: the corpus plus the stored corrections.

A model retrained with the user's corrections is checked against the corpus *and* those
corrections, so a restart or a CLI run keeps it instead of training it back to the plain corpus.
"""

from __future__ import annotations

from pathlib import Path

from classifier.labels import Label
from service.config import Settings


def stored_corrections(settings: Settings) -> list[tuple[bytes, Label]]:
    """Return the label corrections in the settings' database; none when it does not exist yet."""
    url = settings.resolved_database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return []  # opening would create an empty database beside a mere `classify`
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from service.store.db import Database
    from service.store.messages import Messages

    db = Database(url, upgrade=False)  # reading only: schema upgrades are serve's and poll's
    try:
        return Messages(db).corrections()
    except (OperationalError, ProgrammingError):  # no tables yet: nothing corrected
        return []
    finally:
        db.engine.dispose()


def needs_training(path: Path, corrections: list[tuple[bytes, Label]]) -> bool:
    """Return True when the model at path was trained on neither the corpus nor it plus corrections."""
    from classifier.corpus import corpus_digest
    from classifier.persist import is_fresh

    return not is_fresh(path, corpus_digest(extra=corrections))
