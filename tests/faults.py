"""A fault run: real workers move mail while some are SIGKILLed and PostgreSQL restarts.

Everything is a real process or server on 127.0.0.1: a PostgreSQL cluster of its own, a
Dovecot of its own (mail arrives by LMTP), an aiosmtpd sink, and `gracemail worker`
processes. Drafts are approved as the web does it for an account (queued for the worker, some
behind an undo window). At the end the run counts what was lost, labelled or drafted twice,
and sent twice, from the database, the IMAP server and the SMTP sink. tests/test_worker_faults
runs a small one; bench/bench_faults.py runs the 20,000-message one of issue 13.
"""

from __future__ import annotations

import math
import os
import random
import signal
import smtplib
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from imapclient import IMAPClient
from sqlalchemy import func, select

from service.account_settings import web_settings
from service.config import Settings
from service.mailview import Refused, approve
from service.sender import Sender
from service.store import Store
from service.store.accounts import Accounts, NewAccount, new_key
from service.store.drafts import EDITABLE
from service.store.tables import DraftRow, LeaseRow, MessageRow
from tests.postgres import Postgres
from tests.servers import Dovecot, make_dovecot
from tests.smtp import SmtpServer

KEYWORDS = {
    "offer": "gracemail-offer",
    "hard_no": "gracemail-hard-no",
    "not_now": "gracemail-not-now",
}


def with_id(raw: bytes, message_id: str) -> bytes:
    """Return raw with its Message-ID replaced, so one corpus mail can arrive many times."""
    nl = b"\r\n" if b"\r\n" in raw else b"\n"
    head, sep, body = raw.partition(nl + nl)
    lines = [line for line in head.split(nl) if not line.lower().startswith(b"message-id:")]
    return nl.join([b"Message-ID: " + message_id.encode(), *lines]) + sep + body


@dataclass(frozen=True)
class Plan:
    """What the run does: how much mail, how many workers, how many faults."""

    mailboxes: int = 8
    messages: int = 500
    workers: int = 2
    kills: int = 3
    postgres_restarts: int = 1
    rate: float = 100.0  # messages per second offered by LMTP
    approve_every: int = 3  # approve one reply of every nth stored message that has one
    poll_seconds: float = 0.5
    lease_seconds: float = 3.0
    seed: int = 13
    timeout: float = 600.0  # for everything to be stored and sent after the last arrival


@dataclass
class Report:
    """What the run counted; every 'twice' and 'lost' figure must be 0."""

    delivered: int = 0
    stored: int = 0
    lost: int = 0
    stored_twice: int = 0  # rows sharing (account, Message-ID)
    keyword_twice: int = 0  # messages carrying two different label keywords on the server
    keyword_wrong: int = 0  # actionable messages whose keyword is missing or is another label
    drafted_twice: int = 0  # (message, kind) pairs with more than one live draft
    approved: int = 0
    sent: int = 0
    sent_twice: int = 0  # SMTP messages answering a mail another one answered already
    in_doubt: int = 0  # approved drafts left sending/unknown (never counted as sent)
    failed: int = 0  # approved drafts settled as failed: nothing went out
    kills: int = 0
    postgres_restarts: int = 0
    takeovers: int = 0
    seconds: float = 0.0
    worker_exits: list[int] = field(default_factory=list)  # exit codes other than our kills
    approved_by_status: dict[str, int] = field(default_factory=dict)  # where approvals ended
    failures: list[str] = field(default_factory=list)  # why approved drafts failed, if any did

    def lines(self) -> list[str]:
        """Return the figures as lines to print."""
        return [
            f"delivered {self.delivered}, stored {self.stored}, lost {self.lost}",
            f"stored twice {self.stored_twice}, label keyword twice {self.keyword_twice}, "
            f"keyword missing or wrong {self.keyword_wrong}, drafted twice {self.drafted_twice}",
            f"approved {self.approved}, sent {self.sent}, sent twice {self.sent_twice}, "
            f"in doubt {self.in_doubt}, failed (nothing went out) {self.failed}",
            f"SIGKILLs {self.kills}, PostgreSQL restarts {self.postgres_restarts}, "
            f"lease takeovers {self.takeovers}, workers that died on their own "
            f"{len(self.worker_exits)}, {self.seconds:.0f} s",
            f"approved drafts by status at the end: {self.approved_by_status}",
            *(f"  failed: {reason}" for reason in self.failures),
        ]


class FaultRun:
    """Starts the servers and workers, moves the mail, injects the faults, counts the result."""

    def __init__(self, plan: Plan, model: Path, corpus: list[bytes], log_dir: Path) -> None:
        self.plan = plan
        self.model = model
        self.corpus = corpus
        self.log_dir = log_dir
        self.rng = random.Random(plan.seed)
        self.users = [f"f{i}" for i in range(plan.mailboxes)]
        self.pg = Postgres()
        self.dovecot: Dovecot = make_dovecot()
        self.smtp = SmtpServer()
        self.workers: list[subprocess.Popen[bytes]] = []
        self.killed: set[int] = set()  # pids we SIGKILLed
        self.report = Report()
        self._started = 0
        self.say: Callable[[str], None] = lambda line: None  # progress, for the bench
        self.approved_ids: list[int] = []
        self._tried: set[int] = set()  # messages whose reply was put up for approval once

    # -- servers and workers -------------------------------------------------------------

    def start(self) -> None:
        """Start PostgreSQL, Dovecot, the SMTP sink, the accounts and the workers."""
        self.pg.start()
        for user in self.users:  # before Dovecot starts: a users file rewritten later may go unseen
            self.dovecot.add_user(user, "pw-" + user)
        self.dovecot.start()
        self.smtp.start()
        self.url = self.pg.new_database()
        self.key = new_key()
        self.store = Store(self.url)
        self.accounts = Accounts(self.store.db, self.key)
        self.account_of: dict[str, int] = {}
        for user in self.users:
            account = self.accounts.add(
                NewAccount(
                    name=user,
                    imap_host="127.0.0.1",
                    imap_port=self.dovecot.imap_port,
                    imap_user=user,
                    imap_password="pw-" + user,
                    imap_tls="none",
                    smtp_host="127.0.0.1",
                    smtp_port=self.smtp.port,
                    smtp_tls="none",
                    profile=f'{{"name": "Client {user}", "email": "{user}@example.org"}}',
                )
            )
            self.account_of[user] = account.id
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GRACEMAIL_")}
        self.env.update(
            GRACEMAIL_DATABASE_URL=self.url,
            GRACEMAIL_SECRET_KEY=self.key,
            GRACEMAIL_MODEL_PATH=str(self.model),
            GRACEMAIL_DATA_DIR=str(self.log_dir / "data"),
            GRACEMAIL_IMAP_ALLOW_PLAIN="true",
            GRACEMAIL_WORKER_POLL_SECONDS=str(self.plan.poll_seconds),
            GRACEMAIL_WORKER_LEASE_SECONDS=str(self.plan.lease_seconds),
            # all but one worker can hold every mailbox, so a kill always leaves room
            GRACEMAIL_WORKER_MAX_MAILBOXES=str(
                math.ceil(self.plan.mailboxes / max(1, self.plan.workers - 1))
            ),
            GRACEMAIL_WORKER_CONNECTIONS_PER_HOST=str(max(4, 60 // self.plan.workers)),
        )
        for _ in range(self.plan.workers):
            self.workers.append(self._worker())

    def _worker(self) -> subprocess.Popen[bytes]:
        self._started += 1
        with (self.log_dir / f"worker{self._started}.log").open("wb") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "service", "worker"],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )

    def kill_one(self) -> None:
        """SIGKILL a random worker and start another in its place."""
        victim = self.rng.choice(self.workers)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        self.killed.add(victim.pid)
        self.workers.remove(victim)
        self.workers.append(self._worker())
        self.report.kills += 1

    def restart_postgres(self) -> None:
        """Restart PostgreSQL under the running workers."""
        self.pg.restart()
        self.report.postgres_restarts += 1

    def stop(self) -> None:
        """Stop the workers (SIGTERM) and every server."""
        for proc in self.workers:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.workers:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.smtp.stop()
        self.dovecot.stop()
        if hasattr(self, "store"):
            self.store.db.engine.dispose()
        self.pg.stop()

    # -- the run ---------------------------------------------------------------------------

    def message_id(self, i: int) -> str:
        """Return the Message-ID of the ith delivered message."""
        return f"<f{i}.{self.users[i % len(self.users)]}@faults.example>"

    def deliver(self, indices: range, rate: float = 0.0) -> None:
        """Deliver the messages of these numbers by LMTP, at rate a second (0: at once)."""
        start = time.monotonic()
        with smtplib.LMTP("127.0.0.1", self.dovecot.lmtp_port) as lmtp:
            for n, i in enumerate(indices):
                if rate:
                    time.sleep(max(0.0, start + n / rate - time.monotonic()))
                user = self.users[i % len(self.users)]
                raw = with_id(self.corpus[i % len(self.corpus)], self.message_id(i))
                lmtp.sendmail("recruiter@faults.example", [f"{user}@localhost"], raw)
                self.report.delivered += 1

    def _deliver(self, done: threading.Event) -> None:
        try:
            self.deliver(range(self.plan.messages), self.plan.rate)
        finally:
            done.set()

    def _retrying(self, what: Callable[[], int]) -> int:
        """Run a database read of the harness; -1 while PostgreSQL is restarting."""
        try:
            return what()
        except Exception:  # the harness's own connections are cut by the restart too
            return -1

    def stored(self) -> int:
        """Return how many messages are stored."""
        with self.store.db.session() as s:
            return s.scalar(select(func.count()).select_from(MessageRow)) or 0

    def approve_some(self) -> int:
        """Approve one reply of every nth stored message with none approved yet, as the web does."""
        approved = 0
        with self.store.db.session() as s:
            taken = select(DraftRow.message_pk).where(
                DraftRow.status.not_in((*EDITABLE, "discarded"))
            )
            rows = s.execute(
                select(func.min(DraftRow.id), MessageRow.account_id, MessageRow.id)
                .join(MessageRow, MessageRow.id == DraftRow.message_pk)
                .where(
                    DraftRow.status.in_(EDITABLE),
                    DraftRow.kind != "followup",
                    DraftRow.to != "",
                    MessageRow.id % self.plan.approve_every == 0,
                    MessageRow.id.not_in(taken),
                )
                .group_by(MessageRow.id, MessageRow.account_id)
            ).all()
        rows = [row for row in rows if row[2] not in self._tried]
        base = Settings(data_dir=self.log_dir / "data", secret_key=self.key)
        for draft_id, account_id, pk in rows:
            account = self.accounts.get(account_id)
            assert account is not None
            # every other one waits behind a short undo window: the worker's release_due sends it
            undo = 1 if pk % (2 * self.plan.approve_every) == 0 else 0
            settings = web_settings(base.model_copy(update={"send_undo_seconds": undo}), account)
            scoped = self.store.for_account(account_id)
            self._tried.add(pk)  # a refused one (no valid address) is not asked again
            try:
                approve(scoped, settings, Sender(settings, scoped.drafts, queue=True), draft_id)
                approved += 1
                self.approved_ids.append(draft_id)
            except Refused:
                continue
        return approved

    def left_to_send(self) -> int:
        """Return how many approved drafts no worker has taken up yet."""
        with self.store.db.session() as s:
            query = select(func.count()).where(DraftRow.status.in_(("approved", "scheduled")))
            return s.scalar(query) or 0

    def run(self) -> Report:
        """Deliver the mail, inject the faults as it is stored, wait for the end, count."""
        plan = self.plan
        started = time.monotonic()
        delivered = threading.Event()
        feeder = threading.Thread(target=self._deliver, args=(delivered,), daemon=True)
        time.sleep(2)  # the workers load the model and claim their leases
        feeder.start()
        # faults at even steps of the stored count: the same share of the run on any machine
        faults = ["kill"] * plan.kills
        for n in range(plan.postgres_restarts):
            faults.insert((n + 1) * len(faults) // (plan.postgres_restarts + 1), "postgres")
        marks = [plan.messages * (n + 1) // (len(faults) + 1) for n in range(len(faults))]
        deadline = None
        while True:
            stored = self._retrying(self.stored)
            if faults and stored >= marks[0]:
                marks.pop(0)
                fault = faults.pop(0)
                self.kill_one() if fault == "kill" else self.restart_postgres()
                self.say(f"{time.monotonic() - started:.0f} s: {fault} at {stored} stored")
                continue
            self.report.approved += max(0, self._retrying(self.approve_some))
            self._note_exits()
            if delivered.is_set() and deadline is None:
                deadline = time.monotonic() + plan.timeout
            if stored >= plan.messages and not faults and self._quiet():
                break
            if deadline is not None and time.monotonic() > deadline:
                break  # what is missing is counted as lost below
            time.sleep(0.5)
        self._wait_for_sends()
        self.report.seconds = time.monotonic() - started
        feeder.join()
        self._note_exits()
        self.stop_workers()
        self.count()
        return self.report

    def _quiet(self) -> bool:
        # every message stored: the end once nothing is left to approve or to send
        return self._retrying(self.approve_some) == 0 and self._retrying(self.left_to_send) == 0

    def _wait_for_sends(self, timeout: float = 60.0) -> None:
        # a claimed send finishes within a few seconds; `sending` left after that is in doubt
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.store.db.session() as s:
                busy = s.scalar(select(func.count()).where(DraftRow.status == "sending")) or 0
            if not busy:
                return
            time.sleep(0.5)

    def _note_exits(self) -> None:
        for proc in list(self.workers):
            code = proc.poll()
            if code is not None and proc.pid not in self.killed:
                self.report.worker_exits.append(code)
                self.workers.remove(proc)
                self.workers.append(self._worker())  # keep the fleet at its size

    def stop_workers(self) -> None:
        """Ask the workers to stop and wait for them (they release their leases)."""
        for proc in self.workers:
            proc.terminate()
        for proc in self.workers:
            proc.wait(timeout=60)

    # -- counting ----------------------------------------------------------------------------

    def count(self) -> None:
        """Fill the report from the database, the IMAP server and the SMTP sink."""
        r = self.report
        with self.store.db.session() as s:
            rows = list(
                s.execute(select(MessageRow.account_id, MessageRow.message_id, MessageRow.label))
            )
            live = (
                select(DraftRow.message_pk, DraftRow.kind)
                .where(DraftRow.status != "discarded")
                .group_by(DraftRow.message_pk, DraftRow.kind)
                .having(func.count() > 1)
            )
            r.drafted_twice = len(s.execute(live).all())
            ended = list(
                s.execute(
                    select(DraftRow.status, DraftRow.error).where(
                        DraftRow.id.in_(self.approved_ids)
                    )
                )
            )
        statuses = Counter(status for status, _ in ended)
        r.approved_by_status = dict(statuses)
        r.failures = sorted({error[:120] for status, error in ended if status == "failed"})
        with self.store.db.session() as s:
            r.takeovers = int(s.scalar(select(func.sum(LeaseRow.takeovers))) or 0)
        r.stored = len(rows)
        ids = Counter((a, m) for a, m, _ in rows)
        r.stored_twice = sum(n - 1 for n in ids.values() if n > 1)
        expected = {(self.account_of[self.users[i % len(self.users)]], self.message_id(i))
                    for i in range(r.delivered)}  # fmt: skip
        r.lost = len(expected - set(ids))
        r.sent = statuses["sent"]
        r.in_doubt = statuses["sending"] + statuses["unknown"]
        r.failed = statuses["failed"]
        labels = {(a, m): label for a, m, label in rows}
        for user in self.users:
            self._count_keywords(user, labels)
        replies = Counter(
            str(m.message["In-Reply-To"] or m.message["Message-ID"]) for m in self.smtp.messages
        )
        r.sent_twice = sum(n - 1 for n in replies.values() if n > 1)

    def _count_keywords(self, user: str, labels: dict[tuple[int, str], str]) -> None:
        account = self.account_of[user]
        with IMAPClient("127.0.0.1", port=self.dovecot.imap_port, ssl=False) as imap:
            imap.login(user, "pw-" + user)
            imap.select_folder("INBOX", readonly=True)
            uids = imap.search(["ALL"])
            for i in range(0, len(uids), 1000):
                fetched = imap.fetch(
                    uids[i : i + 1000], ["FLAGS", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]
                )
                for data in fetched.values():
                    header = data[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode()
                    mid = header.split(":", 1)[1].strip()
                    flags = {f.decode() for f in data[b"FLAGS"]}
                    ours = flags & set(KEYWORDS.values())
                    label = labels.get((account, mid))
                    if len(ours) > 1:
                        self.report.keyword_twice += 1
                    if label is not None and label != "other" and ours != {KEYWORDS[label]}:
                        self.report.keyword_wrong += 1
