"""The settings every command reads, or a one-line error and exit code 2 when they are invalid."""

from __future__ import annotations

import typer

from service.config import Settings, load_settings


def settings_or_exit() -> Settings:
    """Return the settings; on a bad setting say which on stderr and exit 2, no traceback."""
    try:
        return load_settings()
    except Exception as exc:  # a bad setting is the user's to fix: say which, no traceback
        typer.echo(f"gracemail: invalid settings: {exc}", err=True)
        raise typer.Exit(2) from exc
