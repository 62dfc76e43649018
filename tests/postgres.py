"""A real PostgreSQL for the tests: its own cluster in a temp folder, on a free port.

Debian's `postgresql` package provides the binaries; `make test` installs it when missing. As
root, initdb and pg_ctl run as the package's `postgres` user, which owns the folder.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers import free_port

_databases = itertools.count(1)


def _bin(name: str) -> str:
    for found in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(found)
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"{name} not found: install Debian's postgresql (make test does)")
    return path


def _as_owner(args: list[str]) -> list[str]:
    # initdb refuses to run as root: run the cluster as the package's user
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@dataclass
class Postgres:
    """One cluster: start, stop, and a fresh database for each test."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="gm-pg-")))
    port: int = field(default_factory=free_port)

    def start(self) -> None:
        """Make the cluster and start it; returns once it accepts connections."""
        os.chmod(self.root, 0o777)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        data = self.root / "data"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        subprocess.run(
            _as_owner([_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
            check=True,
            **quiet,  # type: ignore[arg-type]
        )
        self._pg_ctl("start")

    def restart(self) -> None:
        """Restart the cluster, cutting open connections; returns once it accepts them again."""
        self._pg_ctl("restart", "-m", "fast")

    def halt(self) -> None:
        """Stop the server and keep its data, for resume(): the database is down meanwhile."""
        self._pg_ctl("stop", "-m", "fast")

    def resume(self) -> None:
        """Start the server halted by halt() again."""
        self._pg_ctl("start")

    def _pg_ctl(self, action: str, *more: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "pg.log")
        args = [_bin("pg_ctl"), "-D", str(self.root / "data"), "-l", log, "-o", options, "-w"]
        # never capture pg_ctl's output: the server it starts keeps the pipe open for ever
        subprocess.run(
            _as_owner([*args, *more, action]),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        """Stop the cluster and remove its folder."""
        subprocess.run(
            _as_owner([_bin("pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def new_database(self) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        import psycopg

        name = f"test_{next(_databases)}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"
