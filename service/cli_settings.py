"""The settings every command reads, or a one-line error and exit code 2 when they are invalid.

Plain SystemExit, not typer's: the run-once commands are run without typer.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from service.locations import Locations, read_locations

if TYPE_CHECKING:  # pydantic costs a quarter of a second: only the commands that need it load it
    from service.config import Settings


def settings_or_exit() -> Settings:
    """Return the settings; on a bad setting say which on stderr and exit 2, no traceback."""
    from service.config import load_settings

    try:
        return load_settings()
    except Exception as exc:  # a bad setting is the user's to fix: say which, no traceback
        print(f"gracemail: invalid settings: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def locations_or_exit() -> Locations:
    """Return the model's place and the size cap, read without pydantic; exit 2 when invalid."""
    try:
        return read_locations()
    except (OSError, ValueError) as exc:  # tomllib's errors are ValueErrors
        print(f"gracemail: invalid settings: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
