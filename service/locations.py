"""The few settings a run per message needs, read with the standard library alone.

`gracemail classify` and `gracemail filter` run once per delivered message, and building the
pydantic settings costs more than labelling the message. They need only where the model is and
the size cap, read here from the same GRACEMAIL_* variables and GRACEMAIL_CONFIG file, with the
same precedence (environment, then the file); `service.config.Settings` reads everything else,
and a test checks that both agree.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

MIN_MESSAGE_BYTES = 10_000
DEFAULT_MESSAGE_BYTES = 2_000_000


def default_data_dir() -> Path:
    """Return the data folder when none is set: $XDG_DATA_HOME/gracemail."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gracemail"


@dataclass(frozen=True)
class Locations:
    """Where the model is, and the largest message labelled."""

    model_path: Path
    max_message_bytes: int


def read_locations() -> Locations:
    """Return the settings as Settings would; ValueError (naming it) for a bad one."""
    env = {k.lower(): v for k, v in os.environ.items() if k.lower().startswith("gracemail_")}
    config = env.get("gracemail_config", "")
    table: dict[str, object] = {}
    if config:
        if not Path(config).is_file():
            raise ValueError(f"GRACEMAIL_CONFIG names {config}, which is not a file")
        with open(config, "rb") as fh:
            table = tomllib.load(fh)

    def value(name: str) -> str | None:
        found = env.get(f"gracemail_{name}", table.get(name))
        return None if found is None else str(found)

    data_dir = Path(value("data_dir") or default_data_dir())
    model = value("model_path")
    size = value("max_message_bytes") or str(DEFAULT_MESSAGE_BYTES)
    try:
        cap = int(size)
    except ValueError:
        raise ValueError(f"max_message_bytes: not a whole number: {size!r}") from None
    if cap < MIN_MESSAGE_BYTES:
        raise ValueError(f"max_message_bytes: at least {MIN_MESSAGE_BYTES}, not {cap}")
    return Locations(Path(model) if model else data_dir / "model.skops", cap)
