"""Accounts: the many mailboxes one installation serves, their passwords encrypted at rest."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select, update

from service.store.db import Database
from service.store.drafts import _changed_one
from service.store.tables import AccountRow, DraftRow, LeaseRow, MessageRow

TLS_MODES = ("ssl", "starttls", "none")  # service.config.TlsMode; the store imports no settings


class SecretKeyError(ValueError):
    """Raised when the secret key is missing, malformed, or not the one that encrypted a password."""


@dataclass(frozen=True)
class Account:
    """An account as it may be shown: every setting but the passwords."""

    id: int
    name: str
    imap_host: str
    imap_port: int
    imap_user: str
    imap_tls: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_tls: str
    profile: str
    enabled: bool


@dataclass(frozen=True)
class NewAccount:
    """What `accounts add` is given; the passwords are plain here and only here."""

    name: str
    imap_host: str
    imap_user: str
    imap_password: str = field(repr=False)
    imap_port: int = 0
    imap_tls: str = "ssl"
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_tls: str = "starttls"
    profile: str = "{}"


@dataclass(frozen=True)
class Credentials:
    """An account's decrypted passwords, for the worker that logs in with them."""

    imap_password: str = field(repr=False)
    smtp_password: str = field(repr=False)


def _fernet(key: str) -> Fernet:
    if not key:
        raise SecretKeyError(
            "set GRACEMAIL_SECRET_KEY (make one with `gracemail accounts new-key`)"
        )
    try:
        return Fernet(key.encode())
    except ValueError as exc:
        raise SecretKeyError(
            "GRACEMAIL_SECRET_KEY is not a Fernet key (32 url-safe base64 bytes)"
        ) from exc


def new_key() -> str:
    """Return a fresh Fernet key for GRACEMAIL_SECRET_KEY."""
    return Fernet.generate_key().decode()


def _shown(row: AccountRow) -> Account:
    return Account(
        row.id,
        row.name,
        row.imap_host,
        row.imap_port,
        row.imap_user,
        row.imap_tls,
        row.smtp_host,
        row.smtp_port,
        row.smtp_user,
        row.smtp_tls,
        row.profile,
        row.enabled,
    )


class Accounts:
    """Adds, lists, disables accounts; decrypts their passwords only for a worker."""

    def __init__(self, db: Database, key: str) -> None:
        self.db = db
        self._key = key  # read lazily: listing accounts needs no key

    def add(self, new: NewAccount) -> Account:
        """Store an account with its passwords encrypted, and its free lease; return it.

        Raises ValueError for a TLS mode other than ssl, starttls or none.
        """
        for mode in (new.imap_tls, new.smtp_tls):
            if mode not in TLS_MODES:
                raise ValueError(f"unknown TLS mode {mode!r}: ssl, starttls or none")
        fernet = _fernet(self._key)
        with self.db.session() as s:
            row = AccountRow(
                name=new.name,
                imap_host=new.imap_host,
                imap_port=new.imap_port,
                imap_user=new.imap_user,
                imap_tls=new.imap_tls,
                imap_password=fernet.encrypt(new.imap_password.encode()),
                smtp_host=new.smtp_host,
                smtp_port=new.smtp_port,
                smtp_user=new.smtp_user,
                smtp_tls=new.smtp_tls,
                smtp_password=fernet.encrypt(new.smtp_password.encode()),
                profile=new.profile,
                enabled=True,
            )
            s.add(row)
            s.flush()
            s.add(LeaseRow(account_id=row.id, holder=""))
            return _shown(row)

    def all(self) -> list[Account]:
        """Return every account, in the order added."""
        with self.db.session() as s:
            return [_shown(r) for r in s.scalars(select(AccountRow).order_by(AccountRow.id))]

    def get(self, account_id: int) -> Account | None:
        """Return one account, or None."""
        with self.db.session() as s:
            row = s.get(AccountRow, account_id)
            return _shown(row) if row else None

    def find(self, name: str) -> Account | None:
        """Return the account of this name, or None."""
        with self.db.session() as s:
            row = s.scalar(select(AccountRow).where(AccountRow.name == name))
            return _shown(row) if row else None

    def set_enabled(self, account_id: int, enabled: bool) -> bool:
        """Enable or disable an account; return whether it exists."""
        with self.db.session() as s:
            result = s.execute(
                update(AccountRow).where(AccountRow.id == account_id).values(enabled=enabled)
            )
            return _changed_one(result)

    def credentials(self, account_id: int) -> Credentials:
        """Return an account's passwords; raises SecretKeyError when the key cannot decrypt them."""
        fernet = _fernet(self._key)
        with self.db.session() as s:
            row = s.get(AccountRow, account_id)
            if row is None:
                raise LookupError(f"no account {account_id}")
            try:
                return Credentials(
                    fernet.decrypt(row.imap_password).decode(),
                    fernet.decrypt(row.smtp_password).decode(),
                )
            except InvalidToken as exc:
                raise SecretKeyError(
                    f"account {account_id}: GRACEMAIL_SECRET_KEY is not the key it was added with"
                ) from exc

    def drafts_to_send(self, account_id: int, limit: int = 100) -> list[int]:
        """Return the ids of an account's approved drafts, oldest first: its queue of sends."""
        with self.db.session() as s:
            query = (
                select(DraftRow.id)
                .join(MessageRow, MessageRow.id == DraftRow.message_pk)
                .where(MessageRow.account_id == account_id, DraftRow.status == "approved")
                .order_by(DraftRow.id)
                .limit(limit)
            )
            return list(s.scalars(query))
