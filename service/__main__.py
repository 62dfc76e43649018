"""The `gracemail` command (also `python -m service`).

`classify` and `filter` run once per message under mail servers and scripts, so they skip typer
and pydantic (a quarter of a second to import); `--help` and every other command go to typer.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line."""
    argv = sys.argv[1:]
    from service.runonce import COMMANDS

    if argv[:1] and argv[0] in COMMANDS and not {"-h", "--help"} & set(argv):
        from service.runonce import main as run_once

        raise SystemExit(run_once(argv))
    from service.cli import main as run

    run()


if __name__ == "__main__":
    main()
