"""A stateless worker: claims mailboxes by lease, syncs each in turn, sends its approved drafts.

Workers share nothing but the database. Each heartbeat renews the leases held, drops those lost
(lapsed and taken, or their account disabled) and claims free or lapsed ones. A mailbox is
synced on a pool thread; its connection stays open between syncs until another mailbox on the
same IMAP host waits for a slot, so a worker serves more mailboxes than the connections it may
hold per host (GRACEMAIL_WORKER_CONNECTIONS_PER_HOST). A worker may die at any moment: a batch's labels, drafts and checkpoint commit together, every
Message-ID is stored once, and a draft is claimed (approved → sending) before SMTP. An account
with a model of its own (`gracemail accounts retrain`) is labelled with it, the rest with the
shared model, loaded once. A database that goes away is waited out: heartbeats retry, syncs replay.
"""

from __future__ import annotations

import contextvars
import json
import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from prometheus_client import Counter
from sqlalchemy.exc import DBAPIError

from classifier.model import Classifier
from service.account_model import AccountModels
from service.account_settings import account_settings
from service.config import Settings
from service.ingest import Fetched, Ingest, Outcome
from service.mail.imap import TRANSIENT, CredentialsError, Imap
from service.mail.poller import Poller
from service.mailview import queue_due
from service.sender import Sender, process_token
from service.store import Checkpoint, Store
from service.store.accounts import Account, Accounts
from service.store.leases import Leases

log = logging.getLogger("gracemail.worker")
account_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("account", default=None)

LABELLED = Counter("gracemail_messages_labelled", "Messages labelled, by label", ["label"])
SENDS = Counter("gracemail_sends", "Drafts a worker tried to send, by outcome", ["status"])
IMAP_ERRORS = Counter("gracemail_imap_errors", "IMAP syncs that failed, by host", ["host"])
TAKEOVERS = Counter("gracemail_lease_takeovers", "Leases claimed from a worker that lapsed")


class JsonLogs(logging.Formatter):
    """Format a record as one JSON line with the account being served; never message content."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as JSON."""
        line = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "account_id": account_var.get(),
            "msg": record.getMessage(),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(line, ensure_ascii=False)


def configure_logging() -> None:
    """Send INFO and above to stderr as JSON lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogs())
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)


def _first_line(exc: BaseException) -> str:
    # SQLAlchemy's messages end in a link and may quote the SQL: the first line says enough
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class CountingIngest(Ingest):
    """Ingest that counts the messages it labels for the first time."""

    def handle_many(
        self,
        items: Sequence[Fetched],
        folder: str = "",
        source: str = "",
        checkpoint: Checkpoint | None = None,
    ) -> list[Outcome]:
        """Handle items as Ingest does, then count the new ones by label."""
        outcomes = super().handle_many(items, folder, source, checkpoint)
        for outcome in outcomes:
            if not outcome.duplicate and not outcome.error:
                LABELLED.labels(outcome.label).inc()
        return outcomes


class HostGate:
    """At most limit connections open to one IMAP host, and how many syncs wait for one."""

    def __init__(self, limit: int) -> None:
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.waiting = 0

    def acquire(self, stop: threading.Event) -> None:
        """Wait for a free connection slot; raises ConnectionError when stop is set meanwhile."""
        with self._lock:
            self.waiting += 1
        try:
            while not self._slots.acquire(timeout=0.5):
                if stop.is_set():
                    raise ConnectionError("stopping")
        finally:
            with self._lock:
                self.waiting -= 1

    def release(self) -> None:
        """Give a slot back."""
        self._slots.release()


@dataclass
class Mailbox:
    """One claimed account and what serving it needs."""

    account: Account
    settings: Settings
    store: Store  # this account's rows only
    ingest: Ingest
    poller: Poller
    sender: Sender
    settled: bool = False  # the sends a dead worker left in doubt were looked at
    due: float = 0.0  # monotonic time of its next sync
    imap: Imap | None = None  # kept open between syncs while no other mailbox needs the slot
    running: Future[None] | None = field(default=None, repr=False)


class Worker:
    """Claims leases, syncs the claimed mailboxes and sends their approved drafts until stopped."""

    def __init__(
        self,
        settings: Settings,
        classifier: Classifier,
        stop: threading.Event | None = None,
        store: Store | None = None,
    ) -> None:
        self.settings = settings
        self.classifier = classifier  # one model per worker, shared by every mailbox
        self.models = AccountModels(settings, classifier)  # and an account's own, if retrained
        self.stop = stop or threading.Event()
        self.store = store or Store(settings.resolved_database_url)
        self.holder = settings.worker_id or process_token()
        self.accounts = Accounts(self.store.db, settings.secret_key.get_secret_value())
        self.leases = Leases(self.store.db)
        self.held: dict[int, Mailbox] = {}
        self._hosts: dict[str, HostGate] = {}
        self._pool = ThreadPoolExecutor(
            max_workers=settings.worker_connections_per_host * 4, thread_name_prefix="mailbox"
        )

    def run(self) -> None:
        """Heartbeat and sync until stopped, then release the leases held."""
        beat = self.settings.worker_lease_seconds / 3  # two missed beats still leave the lease
        next_beat = 0.0
        if self.settings.worker_metrics_port:
            from prometheus_client import start_http_server

            start_http_server(self.settings.worker_metrics_port)
        log.info("worker %s started", self.holder)
        try:
            while not self.stop.is_set():
                if time.monotonic() >= next_beat:
                    try:
                        self.heartbeat()
                        next_beat = time.monotonic() + beat
                    except Exception as exc:  # the database restarting: keep what is held, retry
                        log.warning("heartbeat failed, retrying in 1 s: %s", _first_line(exc))
                        next_beat = time.monotonic() + 1.0
                self.schedule()
                self.stop.wait(0.1)
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            for mailbox in self.held.values():
                self._disconnect(mailbox, polite=True)
            try:
                self.leases.release(self.holder, list(self.held))
            except Exception as exc:  # no database now: the leases lapse on their own
                log.warning("could not release the leases: %s", _first_line(exc))
            log.info("worker %s stopped; %d leases released", self.holder, len(self.held))

    def heartbeat(self) -> None:
        """Renew the leases held, forget the lost ones, claim more up to the limit."""
        ttl = self.settings.worker_lease_seconds
        kept = self.leases.renew(self.holder, list(self.held), ttl)
        for account_id in set(self.held) - kept:
            log.warning("lease of account %s lost", account_id)
            lost = self.held.pop(account_id)
            self.models.forget(account_id)
            if lost.running is None or lost.running.done():
                self._disconnect(lost, polite=True)  # else the running sync lets it go
        room = self.settings.worker_max_mailboxes - len(self.held)
        for claimed in self.leases.claim(self.holder, room, ttl):
            if claimed.takeover:
                TAKEOVERS.inc()
                log.info("took over the lease of account %s", claimed.account_id)
            mailbox = self._mailbox(claimed.account_id)
            if mailbox is not None:
                self.held[claimed.account_id] = mailbox

    def schedule(self) -> None:
        """Start a sync of each held mailbox that is due and not syncing already."""
        now = time.monotonic()
        for mailbox in self.held.values():
            if mailbox.due <= now and (mailbox.running is None or mailbox.running.done()):
                mailbox.due = float("inf")  # set again when this sync ends
                mailbox.running = self._pool.submit(self._serve, mailbox)

    def _mailbox(self, account_id: int) -> Mailbox | None:
        account = self.accounts.get(account_id)
        if account is None:
            return None
        try:
            secrets = self.accounts.credentials(account_id)
        except Exception as exc:  # a wrong key is the operator's to fix; the others still run
            log.error("account %s: cannot decrypt its passwords: %s", account_id, exc)
            return None
        settings = account_settings(
            self.settings, account, secrets.imap_password, secrets.smtp_password
        )
        store = self.store.for_account(account_id)  # the shared engine, this account's rows
        model = self.models.for_account(account_id)
        ingest = CountingIngest(model, settings.sender_profile(), store)
        poller = Poller(settings, ingest, store, stop=self.stop)
        return Mailbox(account, settings, store, ingest, poller, Sender(settings, store.drafts))

    def _serve(self, mailbox: Mailbox) -> None:
        token = account_var.set(mailbox.account.id)
        delay = self.settings.worker_poll_seconds
        try:
            # a retrain since the last sync is picked up here (one stat when nothing changed)
            mailbox.ingest.use_classifier(self.models.for_account(mailbox.account.id))
            self._sync(mailbox)
            self._send(mailbox)
        except CredentialsError as exc:
            log.error("IMAP login refused: %s", exc)
            IMAP_ERRORS.labels(mailbox.account.imap_host).inc()
            delay *= 10  # the password is wrong until someone fixes it
        except (*TRANSIENT, ConnectionError) as exc:
            log.warning("IMAP problem at %s: %s", mailbox.account.imap_host, exc)
            IMAP_ERRORS.labels(mailbox.account.imap_host).inc()
        except DBAPIError as exc:  # the database went away mid-sync: the batch replays later
            log.warning("database problem: %s", _first_line(exc))
        except Exception:  # one broken mailbox must not stop the others
            log.exception("sync failed")
        finally:
            mailbox.due = time.monotonic() + delay
            account_var.reset(token)

    def _sync(self, mailbox: Mailbox) -> None:
        if mailbox.account.id not in self.held or self.stop.is_set():
            self._disconnect(mailbox, polite=True)
            return  # lost or stopping since it was scheduled
        gate = self._hosts.setdefault(
            mailbox.account.imap_host, HostGate(self.settings.worker_connections_per_host)
        )
        if mailbox.imap is None:
            gate.acquire(self.stop)
            try:
                mailbox.imap = Imap(mailbox.settings)
            except BaseException:
                gate.release()
                raise
        try:
            done = mailbox.poller.sync_all(mailbox.imap)
        except BaseException:
            self._disconnect(mailbox, polite=False)
            raise
        # logging in again costs more than the sync itself: keep the connection unless another
        # mailbox on this host is waiting for the slot, or this one is no longer ours
        if gate.waiting or mailbox.account.id not in self.held or self.stop.is_set():
            self._disconnect(mailbox, polite=True)
        if done:
            log.info("synced %d messages", done)

    def _disconnect(self, mailbox: Mailbox, polite: bool) -> None:
        imap, mailbox.imap = mailbox.imap, None
        if imap is None:
            return
        imap.close() if polite else imap.abort()
        self._hosts[mailbox.account.imap_host].release()

    def _send(self, mailbox: Mailbox) -> None:
        if not mailbox.settings.smtp_host:
            return
        if not mailbox.settled:  # a worker killed mid-send left it `sending`: failed or in doubt
            for result in mailbox.sender.settle_interrupted():
                log.info("draft %s: settled as %s", result.draft_id, result.status)
            mailbox.settled = True
        # the drafts whose undo window ended join the queue: the move scheduled→approved is the
        # claim, and a worker killed right after it leaves them approved for the next one
        for draft_id in queue_due(mailbox.store, mailbox.settings):
            log.info("draft %s: undo window over, queued", draft_id)
        for draft_id in self.accounts.drafts_to_send(mailbox.account.id):
            if self.stop.is_set() or mailbox.account.id not in self.held:
                return
            result = mailbox.sender.send_approved(draft_id)
            SENDS.labels(result.status).inc()
            log.info("draft %s: %s", draft_id, result.status)
