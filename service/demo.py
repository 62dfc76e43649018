"""The demo inbox: sample messages from data/demo, ingested when no mailbox is configured."""

from __future__ import annotations

from classifier.corpus import data_dir
from service.ingest import Ingest


def load_demo(ingest: Ingest) -> int:
    """Ingest every demo message not yet stored; return how many the demo inbox holds."""
    paths = sorted((data_dir() / "demo").glob("*.eml"))
    for path in paths:
        ingest.handle(path.read_bytes(), folder="demo", source=str(path.name))
    return len(paths)
