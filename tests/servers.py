"""Real servers for the tests: a Dovecot IMAP/LMTP instance from its own config in a temp folder."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
ROOT = Path(__file__).resolve().parent.parent
SIEVE = ROOT / "service" / "mail" / "sieve" / "gracemail.sieve"
EXTPROGRAMS = Path("/usr/lib/dovecot/modules/sieve/lib90_sieve_extprograms_plugin.so")


# users made before the start, one per test that asks for a fresh mailbox (`mailbox_user`)
SHARED_USERS = 400


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    """Return once something accepts connections on port; raises TimeoutError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


@dataclass
class Dovecot:
    """A running Dovecot: its ports, users and folder."""

    root: Path
    imap_port: int
    lmtp_port: int
    users: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def config(self) -> Path:
        return self.root / "dovecot.conf"

    def start(self) -> None:
        """Start the server and wait for its IMAP greeting."""
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # a pipe would hang: Dovecot's children keep it open
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_port(self.imap_port)

    def stop(self) -> None:
        """Stop the server and every child it started."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the port is free once the last child is gone
            try:
                with socket.create_connection(("127.0.0.1", self.imap_port), timeout=0.2):
                    time.sleep(0.05)
            except OSError:
                return

    def restart(self) -> None:
        """Stop and start again on the same ports and mail."""
        self.stop()
        self.start()

    def add_user(self, name: str, password: str) -> None:
        """Add a passwd-file user; Dovecot reads the file on each login."""
        self.users[name] = password
        lines = [f"{u}:{{PLAIN}}{p}::::::" for u, p in self.users.items()]
        (self.root / "users").write_text("\n".join(lines) + "\n")
        os.chmod(self.root / "users", 0o644)

    def maildir(self, user: str) -> Path:
        return self.root / "mail" / user / "Maildir"

    def append(self, user: str, raws: list[bytes]) -> None:
        """Put raws in a user's INBOX over IMAP (password "pw-" + user), as delivery would."""
        from imapclient import IMAPClient

        with IMAPClient("127.0.0.1", port=self.imap_port, ssl=False) as imap:
            imap.login(user, "pw-" + user)
            for raw in raws:
                imap.append("INBOX", raw)


def sieve_config(root: Path, script: Path, filter_bin_dir: Path) -> str:
    """Return the config lines that run script (with vnd.dovecot.filter) on each LMTP delivery.

    The script runs before any of the user's own (sieve_before) and may call the programs in
    filter_bin_dir; Pigeonhole compiles it into a folder the mail user can write.
    """
    sieve_dir = root / "sieve"
    sieve_dir.mkdir()
    shutil.copyfile(script, sieve_dir / "before.sieve")
    if os.geteuid() == 0:  # the script is compiled and run as the mail user, nobody
        nobody = pwd.getpwnam("nobody")
        os.chown(sieve_dir, nobody.pw_uid, nobody.pw_gid)
    return f"""
protocol lmtp {{
  mail_plugins = $mail_plugins sieve
}}
plugin {{
  sieve = file:{root}/mail/%u/sieve;active={root}/mail/%u/active.sieve
  sieve_before = {sieve_dir}/before.sieve
  sieve_plugins = sieve_extprograms
  sieve_global_extensions = +vnd.dovecot.filter
  sieve_filter_bin_dir = {filter_bin_dir}
  sieve_filter_exec_timeout = 30s
}}
"""


def make_dovecot(sieve: Path | None = None, filter_bin_dir: Path | None = None) -> Dovecot:
    """Write a Dovecot config into a fresh short temp folder and return the (stopped) server.

    With sieve (a script) and filter_bin_dir, LMTP deliveries run that script through
    Pigeonhole with sieve_extprograms' vnd.dovecot.filter (Debian's dovecot-sieve).
    """
    root = Path(tempfile.mkdtemp(prefix="gmdc"))
    os.chmod(root, 0o755)  # the auth process runs as `dovecot` and must reach the users file
    server = Dovecot(root=root, imap_port=free_port(), lmtp_port=free_port())
    (root / "mail").mkdir()
    as_root = os.geteuid() == 0
    if as_root:
        nobody = pwd.getpwnam("nobody")
        os.chown(root / "mail", nobody.pw_uid, nobody.pw_gid)
        ownership = "mail_uid = nobody\nmail_gid = nogroup\n"
    else:
        user = pwd.getpwuid(os.geteuid()).pw_name
        group = subprocess.run(
            ["id", "-gn"], capture_output=True, text=True, check=True
        ).stdout.strip()
        ownership = (
            f"default_internal_user = {user}\ndefault_login_user = {user}\n"
            f"default_internal_group = {group}\n"
            "service anvil {\n  chroot =\n}\nservice imap-login {\n  chroot =\n}\n"
        )
    server.config.write_text(
        f"""
instance_name = gm{server.imap_port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u/Maildir
mail_fsync = never
{ownership}
passdb {{
  driver = passwd-file
  args = {root}/users
}}
userdb {{
  driver = passwd-file
  args = {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {server.imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {server.lmtp_port}
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
protocol lmtp {{
  auth_username_format = %Ln
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Drafts {{
    special_use = \\Drafts
    auto = create
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
"""
    )
    if sieve is not None and filter_bin_dir is not None:
        with server.config.open("a") as conf:
            conf.write(sieve_config(root, sieve, filter_bin_dir))
    server.add_user("alice", "secret")
    server.add_user("recruiter", "secret")
    # users exist before the start: Dovecot may not notice a users file rewritten within a second
    for i in range(1, SHARED_USERS + 1):
        server.add_user(f"user{i}", f"pw-user{i}")
    return server


class FilterUnavailable(RuntimeError):
    """Raised when this machine cannot run `gracemail filter` under Dovecot's Sieve."""


def python_for_mail_user() -> tuple[str, str]:
    """Return an interpreter the mail user can run, and the PYTHONPATH that finds gracemail.

    As root, Dovecot runs the filter as `nobody`, who may not reach this venv's interpreter (a
    pyenv under /root is 0700): the system Python of the same version then runs the venv's
    packages, which are readable by all. Raises FilterUnavailable when neither runs.
    """
    path = f"{ROOT}:{sysconfig.get_paths()['purelib']}"
    if os.geteuid() != 0:
        return sys.executable, path
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for python in [sys.executable, f"/usr/bin/python{version}"]:
        try:
            probe = subprocess.run(
                [python, "-c", "import numpy, mmh3, typer"],
                env={"PYTHONPATH": path, "PATH": "/usr/bin:/bin"},
                capture_output=True,
                cwd="/",
                user="nobody",
                group="nogroup",
            )
        except OSError:  # not even executable by nobody
            continue
        if probe.returncode == 0:
            return python, path
    raise FilterUnavailable("no Python the mail user `nobody` can run with gracemail's packages")


@contextmanager
def dovecot_with_filter(model: Path, sieve: Path = SIEVE) -> Iterator[Dovecot]:
    """Run a Dovecot whose LMTP deliveries run sieve, which calls `gracemail filter` on model.

    The program Sieve runs is a wrapper named `gracemail` in the filter folder, as the README
    tells an administrator to install. Raises FilterUnavailable without Debian's dovecot-sieve.
    """
    if not EXTPROGRAMS.exists():
        raise FilterUnavailable("Debian's dovecot-sieve is not installed (make system-deps)")
    from classifier.persist import load_classifier

    load_classifier(model)  # writes the .npz the filter reads, if the model predates it
    python, pythonpath = python_for_mail_user()
    bin_dir = Path(tempfile.mkdtemp(prefix="gmbin"))
    os.chmod(bin_dir, 0o755)
    data = bin_dir / "data"
    data.mkdir()
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(data, nobody.pw_uid, nobody.pw_gid)
    program = bin_dir / "gracemail"
    program.write_text(
        "#!/bin/sh\n"
        f"export PYTHONPATH='{pythonpath}' GRACEMAIL_MODEL_PATH='{model}' "
        f"GRACEMAIL_DATA_DIR='{data}'\n"
        f"exec '{python}' -m service filter\n"
    )
    program.chmod(0o755)
    server = make_dovecot(sieve=sieve, filter_bin_dir=bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(bin_dir, ignore_errors=True)


def main() -> None:
    """Run a local Dovecot with the demo inbox in alice's INBOX until Ctrl-C; print the settings."""
    from imapclient import IMAPClient

    from classifier.corpus import data_dir

    server = make_dovecot()
    server.start()
    try:
        with IMAPClient("127.0.0.1", server.imap_port, ssl=False) as client:
            client.login("alice", "secret")
            for path in sorted((data_dir() / "demo").glob("*.eml")):
                client.append("INBOX", path.read_bytes())
        print("Dovecot on 127.0.0.1, user alice, the demo inbox in INBOX. In another shell:\n")
        print(
            f"export GRACEMAIL_IMAP_HOST=127.0.0.1 GRACEMAIL_IMAP_PORT={server.imap_port} "
            "GRACEMAIL_IMAP_USER=alice GRACEMAIL_IMAP_PASSWORD=secret GRACEMAIL_IMAP_TLS=none "
            "GRACEMAIL_IMAP_ALLOW_PLAIN=true\n.venv/bin/gracemail poll\n\nCtrl-C stops Dovecot.",
            flush=True,
        )
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()


def serve_in_thread(app: FastAPI, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    """Start uvicorn on 127.0.0.1:port in a thread and return once it accepts requests."""
    import uvicorn

    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise TimeoutError("uvicorn did not start")
        time.sleep(0.02)
    return server, thread
