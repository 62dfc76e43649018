"""Application records rebuilt from the store: every stored message and every reply the user sent."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from classifier.parse import ParseError, parse_message
from classifier.slots import extract_slots
from service.appdates import interview_times, offer_deadline, sent_at
from service.applications import Application, Mail, apply_moves, group, next_actions
from service.store import Store
from service.store.applications import MailRow, SentRow

EPOCH = datetime(1970, 1, 1)


def mail_date(value: str, fallback: datetime) -> datetime:
    """Return an RFC 2822 date as naive UTC, or fallback when it cannot be read."""
    when = sent_at(value)
    return when.astimezone(UTC).replace(tzinfo=None) if when else fallback


def mail_of(row: MailRow) -> Mail:
    """Return the Mail of a stored message's light row."""
    return Mail(
        message_id=row.message_id,
        date=mail_date(row.date, row.created_at or EPOCH),
        subject=row.subject,
        from_addr=row.from_addr,
        from_name=row.from_name,
        references=tuple(row.references.split()),
        label=row.label,
        kind=row.kind,
        company=row.company or "",
        role=row.role or "",
        pk=row.pk,
        language=row.language,
    )


def reply_of(sent: SentRow, answered: Mail) -> Mail:
    """Return the Mail of a reply the user sent to a stored message."""
    return Mail(
        message_id=sent.sent_message_id or f"<draft-{sent.draft_id}@gracemail.invalid>",
        date=sent.sent_at or answered.date,
        subject=sent.subject,
        to_addr=sent.to,
        references=(answered.message_id,),
        from_user=True,
        text=sent.body,
        pk=answered.pk,
    )


def read_old_slots(store: Store, batch: int = 2_000) -> int:
    """Read and store the company and role of messages stored before revision 0008; return how many.

    Each such message is parsed once, here; later rebuilds read the stored slots.
    """
    done = 0
    while rows := store.applications.unread(batch):
        slots = []
        for pk, raw in rows:
            try:
                found = extract_slots(parse_message(raw))
                slots.append((pk, found.company, found.role))
            except ParseError:
                slots.append((pk, "", ""))
        store.applications.save_slots(slots)
        done += len(rows)
    return done


@dataclass
class Records:
    """The application records with the mails they were built from, by Message-ID."""

    apps: list[Application]
    mails: dict[str, Mail] = field(default_factory=dict)

    def get(self, app_id: str) -> Application | None:
        """Return the record of this id, or None."""
        return next((a for a in self.apps if a.id == app_id), None)

    def of_message(self, message_id: str) -> Application | None:
        """Return the record holding a message, or None."""
        return next((a for a in self.apps if message_id in a.message_ids), None)

    def mails_of(self, app: Application) -> list[Mail]:
        """Return an application's mails, oldest first."""
        return [self.mails[m] for m in app.message_ids if m in self.mails]


def build(
    store: Store,
    now: datetime | None = None,
    limit: int = 100_000,
    silence_days: int = 10,
    home_zone: str = "UTC",
) -> Records:
    """Return the application records of every stored message, with dates and next actions."""
    read_old_slots(store)
    rows = store.applications.mails(limit)
    mails = {r.message_id: mail_of(r) for r in rows}
    by_pk = {m.pk: m for m in mails.values()}
    for sent in store.applications.sent():
        if sent.message_pk in by_pk:
            reply = reply_of(sent, by_pk[sent.message_pk])
            mails[reply.message_id] = reply
    apps = apply_moves(group(mails.values()), mails.values(), store.applications.moves())
    _read_dates(store, apps, mails, {r.pk: r for r in rows}, home_zone)
    owner = {mid: a for a in apps for mid in a.message_ids}
    for msg, not_now in store.drafts.not_now_contacts():
        if msg.message_id in owner and not_now.followup_date is not None:
            owner[msg.message_id].checkin = not_now.followup_date
    next_actions(apps, now or datetime.now(UTC).replace(tzinfo=None), silence_days)
    return Records(apps, mails)


def _read_dates(
    store: Store,
    apps: list[Application],
    mails: dict[str, Mail],
    rows: dict[int, MailRow],
    home_zone: str,
) -> None:
    """Set each record's offer deadline and interview times; each mail's text is read only once."""
    wanted = [
        m
        for a in apps
        for m in (mails[i] for i in a.message_ids)
        if not m.from_user and (m.label == "offer" or m.kind == "interview")
    ]
    unread = [m for m in wanted if rows[m.pk].dates is None]
    texts = store.applications.texts(m.pk for m in unread)
    found: dict[int, str] = {}
    for mail in unread:
        text = f"{mail.subject}.\n{texts.get(mail.pk, '')}"
        # the Date header's own offset: the zone the mail's clock times are written in
        sent = sent_at(rows[mail.pk].date) or mail.date.replace(tzinfo=UTC)
        found[mail.pk] = dump_dates(
            offer_deadline(text, mail.language, sent.date()),
            interview_times(text, mail.language, sent, home_zone),
        )
    store.applications.save_dates(found.items())
    owner = {mid: a for a in apps for mid in a.message_ids}
    for mail in wanted:
        deadline, interviews = load_dates(found.get(mail.pk) or rows[mail.pk].dates or "{}")
        app = owner[mail.message_id]
        if mail.label == "offer":
            app.deadline = deadline or app.deadline
        if mail.kind == "interview":
            app.interviews.extend(interviews)


def dump_dates(deadline: date | None, interviews: list[datetime | date]) -> str:
    """Return the dates of one mail as the JSON stored in messages.app_dates."""
    times = [
        f"{t.replace(tzinfo=None).isoformat()}|{t.tzinfo.key}"
        if isinstance(t, datetime) and isinstance(t.tzinfo, ZoneInfo)
        else t.isoformat()
        for t in interviews
    ]
    return json.dumps({"deadline": deadline.isoformat() if deadline else "", "interviews": times})


def load_dates(value: str) -> tuple[date | None, list[datetime | date]]:
    """Return the deadline and interview times stored by dump_dates."""
    data = json.loads(value)
    deadline = date.fromisoformat(data["deadline"]) if data.get("deadline") else None
    times: list[datetime | date] = []
    for item in data.get("interviews", []):
        if "|" in item:
            local, zone = item.split("|", 1)
            times.append(datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)))
        elif "T" in item:
            times.append(datetime.fromisoformat(item))
        else:
            times.append(date.fromisoformat(item))
    return deadline, times


def rebuild(store: Store, now: datetime | None = None, limit: int = 100_000) -> list[Application]:
    """Return the application records of every stored message, with their next actions."""
    return build(store, now, limit).apps


class Tracker:
    """Records kept between requests and built again only when the store has changed."""

    def __init__(self, store: Store, silence_days: int = 10, home_zone: str = "UTC") -> None:
        self.store = store
        self.silence_days = silence_days
        self.home_zone = home_zone
        self._lock = threading.Lock()
        self._stamp: tuple[object, ...] | None = None
        self._records = Records([])
        self.built = 0  # how many times the records were built: a caller sees a rebuild

    def records(self) -> Records:
        """Return the current records; a rebuild runs only after new mail, labels, sends or moves."""
        with self._lock:
            stamp = (*self.store.applications.stamp(), datetime.now(UTC).date())
            if stamp != self._stamp:
                self._records = build(
                    self.store, silence_days=self.silence_days, home_zone=self.home_zone
                )
                self._stamp = stamp
                self.built += 1
            return self._records
