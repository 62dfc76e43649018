"""The tables: one row class each, and how messages and drafts relate."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.store.db import Base, utcnow


class MessageRow(Base):
    """A message gracemail has seen, its label and slots, or the error that stopped it."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    # unique within an account (revision 0009): the same mail in two clients' mailboxes is two rows
    message_id: Mapped[str] = mapped_column(String(998), index=True)
    folder: Mapped[str] = mapped_column(String(255), default="")
    uid: Mapped[int | None] = mapped_column(default=None)
    source: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    from_name: Mapped[str] = mapped_column(Text, default="")
    from_addr: Mapped[str] = mapped_column(Text, default="")
    reply_to: Mapped[str] = mapped_column(Text, default="")
    to: Mapped[str] = mapped_column(Text, default="")  # whose name signs without a profile (0005)
    references: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    new_text: Mapped[str] = mapped_column(Text, default="")  # the reply without its quoted thread
    html: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    label: Mapped[str] = mapped_column(String(16), default="other", index=True)
    kind: Mapped[str] = mapped_column(String(16), default="")  # MailKind; '' when not known
    confidence: Mapped[float] = mapped_column(default=0.0)
    contact_name: Mapped[str] = mapped_column(Text, default="")
    company: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    error: Mapped[str] = mapped_column(Text, default="")
    mailbox_labelled: Mapped[bool] = mapped_column(default=False)  # keyword/folder set on server
    # the mailbox it came from (revision 0006); None for the single user's own
    account_id: Mapped[int | None] = mapped_column(default=None, index=True)
    # the company and role grouping reads, for every message (0008); None: stored before, not read yet
    app_company: Mapped[str | None] = mapped_column(Text, default=None)
    app_role: Mapped[str | None] = mapped_column(Text, default=None)
    # JSON of the dates an offer or interview names, read once when first needed (0008)
    app_dates: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    drafts: Mapped[list[DraftRow]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="DraftRow.id"
    )

    # NULL (the single user) counts as account 0: NULLs never collide in a unique index, and two
    # pollers of one mailbox must still store each message once
    __table_args__ = (
        Index(
            "uq_messages_account_message_id",
            func.coalesce(account_id, 0),
            message_id,
            unique=True,
        ),
    )


class CheckpointRow(Base):
    """A stored Checkpoint."""

    __tablename__ = "checkpoints"

    folder: Mapped[str] = mapped_column(String(255), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(default=0)
    last_uid: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CorrectionRow(Base):
    """A label the user changed: what the model said and what the user says."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    old_label: Mapped[str] = mapped_column(String(16))
    new_label: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApplicationMoveRow(Base):
    """The user put a message into the application holding another one (itself: its own)."""

    __tablename__ = "application_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998), index=True)
    anchor_id: Mapped[str] = mapped_column(String(998))
    account_id: Mapped[int | None] = mapped_column(default=None)  # whose move (0009)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DraftRow(Base):
    """A reply waiting for approval, approved, sent, failed or discarded."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    to: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    in_reply_to: Mapped[str] = mapped_column(Text, default="")
    references: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    followup_date: Mapped[date | None] = mapped_column(default=None)
    # naive UTC: after a no, the next working morning in the user's time zone (revision 0005)
    suggested_send_after: Mapped[datetime | None] = mapped_column(default=None)
    decline_reason: Mapped[str] = mapped_column(Text, default="")  # the reason a decline gave
    # naive UTC: when a scheduled draft goes out, once its undo window ends (revision 0007)
    send_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    sent_message_id: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(default=1)  # +1 on each save; a stale form is refused
    claimed_by: Mapped[str] = mapped_column(Text, default="")  # the process sending it
    data_at: Mapped[datetime | None] = mapped_column(default=None)  # when DATA began, if it did
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    message: Mapped[MessageRow] = relationship(back_populates="drafts")
    versions: Mapped[list[DraftVersionRow]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="DraftVersionRow.id.desc()"
    )


class DraftVersionRow(Base):
    """An earlier text of a draft: before a save, from a stale form, or from before a re-draft."""

    __tablename__ = "draft_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_pk: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    version: Mapped[int] = mapped_column()  # the draft's version this text was, or was based on
    reason: Mapped[str] = mapped_column(String(16))  # VersionReason
    to: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    followup_date: Mapped[date | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    draft: Mapped[DraftRow] = relationship(back_populates="versions")


class SecretRow(Base):
    """A named secret of the web page: the password hash, the API token hash."""

    __tablename__ = "secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WebSessionRow(Base):
    """A logged-in browser, known by the hash of its cookie."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column()


class AccountRow(Base):
    """A mailbox gracemail serves for one of many clients; passwords only as Fernet tokens."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    imap_host: Mapped[str] = mapped_column(String(255))
    imap_port: Mapped[int] = mapped_column(default=0)
    imap_user: Mapped[str] = mapped_column(String(255))
    imap_tls: Mapped[str] = mapped_column(String(16), default="ssl")
    imap_password: Mapped[bytes] = mapped_column(LargeBinary)  # Fernet token, never plain
    smtp_host: Mapped[str] = mapped_column(String(255), default="")
    smtp_port: Mapped[int] = mapped_column(default=0)
    smtp_user: Mapped[str] = mapped_column(String(255), default="")
    smtp_tls: Mapped[str] = mapped_column(String(16), default="starttls")
    smtp_password: Mapped[bytes] = mapped_column(LargeBinary, default=b"")  # Fernet token
    profile: Mapped[str] = mapped_column(Text, default="{}")  # ProfileSettings as JSON
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LeaseRow(Base):
    """Which worker serves an account's mailbox, until when; one row per account."""

    __tablename__ = "leases"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255), default="")  # '' when nobody holds it
    expires_at: Mapped[datetime] = mapped_column(default=utcnow)
    takeovers: Mapped[int] = mapped_column(default=0)  # times claimed from a holder that lapsed


class AccountCheckpointRow(Base):
    """A stored Checkpoint of one account's folder."""

    __tablename__ = "account_checkpoints"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    folder: Mapped[str] = mapped_column(String(255), primary_key=True)
    # UIDVALIDITY is an unsigned 32-bit number: past 2**31 it needs PostgreSQL's bigint
    uidvalidity: Mapped[int] = mapped_column(BigInteger, default=0)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
