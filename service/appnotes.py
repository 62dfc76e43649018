"""Drafts the records call for: a timeline note to each open application when an offer comes,
and the warm-pipeline digest to the user's own address. Each is stored pending, never sent here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from drafts.phrases import LANGUAGES, format_day
from drafts.profile import Profile
from service.applications import Application
from service.followups import period_start
from service.store import DraftRow, Store
from service.tracker import Records

OFFER_NOTE = "offer_timeline"
DIGEST = "pipeline_digest"


def shown_company(app: Application) -> str:
    """Return the company as its mail wrote it, else its normalised name capitalised."""
    return app.company_name or app.company.title()


def shown_role(app: Application) -> str:
    """Return the role as its mail wrote it, else its normalised name."""
    return app.role_name or app.role


def offer_note_body(app: Application, deadline: date | None, name: str, greet: str) -> str:
    """Return the note coaches recommend to an open application when an offer comes (English)."""
    by = f"need to answer by {format_day(deadline, 'en')}" if deadline else "need to answer soon"
    role = shown_role(app)
    interest = f"the {role} role at {shown_company(app)}" if role else shown_company(app)
    return (
        f"Dear {greet or 'hiring team'},\n\n"
        f"I have received an offer and {by}; I remain very interested in {interest}"
        " — is there anything you can share about your timeline?\n\n"
        f"Best regards,\n{name}".rstrip()
    )


def draft_offer_notes(store: Store, records: Records, profile: Profile) -> list[DraftRow]:
    """Store one pending timeline note for each in-process application while another has an offer.

    Made once per open application, whatever became of the note (sent, discarded); returns
    the new drafts. The note is in English: drafts/ has no phrases for it in any language yet,
    and the draft's note says so when the application's mail is in another language.
    """
    offers = [a for a in records.apps if a.stage == "offer" and not a.conflict]
    if not offers:
        return []
    deadline = min((a.deadline for a in offers if a.deadline), default=None)
    made: list[DraftRow] = []
    for app in records.apps:
        if app.stage != "in_process":
            continue
        incoming = [m for m in records.mails_of(app) if not m.from_user and m.pk]
        if not incoming:
            continue
        if store.applications.has_draft([m.pk for m in incoming], OFFER_NOTE):
            continue
        last = incoming[-1]
        msg = store.messages.get_by_pk(last.pk)
        if msg is None:
            continue
        note = "Check the date and the role before sending."
        if last.language != "en":
            why = (
                "has no phrases for this note"
                if last.language in LANGUAGES
                else "has no such language"
            )
            note += f" Written in English: gracemail {why} in '{last.language}'."
        subject = msg.subject if msg.subject.lower().startswith("re:") else f"Re: {msg.subject}"
        row = DraftRow(
            kind=OFFER_NOTE,
            to=msg.reply_to or msg.from_addr,
            subject=subject,
            body=offer_note_body(app, deadline, profile.name, msg.contact_name),
            language="en",
            in_reply_to=msg.message_id,
            references=f"{msg.references} {msg.message_id}".strip(),
            note=note,
            status="pending",
        )
        made.append(store.drafts.add(msg.id, row))
    return made


@dataclass(frozen=True)
class WarmContact:
    """A contact who said not now, and when to check in with them."""

    message_pk: int
    company: str
    role: str
    contact: str
    address: str
    checkin: date | None
    app_id: str


def warm_pipeline(store: Store, records: Records, profile: Profile) -> list[WarmContact]:
    """Return the not-now contacts with their next check-in date, soonest first."""
    found: list[WarmContact] = []
    for msg, not_now in store.drafts.not_now_contacts():
        if store.drafts.wrote_back(msg):
            continue  # they wrote again: no longer waiting for a check-in
        start = period_start(not_now, store.drafts.followups_of(msg.id), profile.followup_days)
        app = records.of_message(msg.message_id)
        found.append(
            WarmContact(
                message_pk=msg.id,
                company=(shown_company(app) if app else msg.company) or msg.from_name,
                role=(shown_role(app) if app else msg.role),
                contact=msg.contact_name or msg.from_name,
                address=msg.reply_to or msg.from_addr,
                checkin=start,
                app_id=app.id if app else "",
            )
        )
    return sorted(found, key=lambda c: c.checkin or date.max)


def digest_body(contacts: list[WarmContact], today: date, name: str) -> str:
    """Return the digest text: who said not now, and when each check-in is due."""
    lines = ["Your warm pipeline: who said not now, and when to check in.", ""]
    for c in contacts:
        when = c.checkin.isoformat() if c.checkin else "no date agreed"
        due = " (due)" if c.checkin and c.checkin <= today else ""
        who = f"{c.contact} <{c.address}>" if c.contact else c.address
        role = f", {c.role}" if c.role else ""
        lines.append(f"- {c.company}{role}: check in {when}{due}; {who}")
    if not contacts:
        lines.append("- nobody is waiting for a check-in")
    lines += ["", f"-- gracemail for {name}" if name else "-- gracemail"]
    return "\n".join(lines)


def draft_digest(
    store: Store, contacts: list[WarmContact], profile: Profile, today: date
) -> DraftRow | None:
    """Store the digest as a pending draft to the user's own address; None without an address or contact."""
    if not profile.email or not contacts:
        return None
    row = DraftRow(
        kind=DIGEST,
        to=profile.email,
        subject=f"Warm pipeline: {len(contacts)} contact{'s' if len(contacts) > 1 else ''} to check in with",
        body=digest_body(contacts, today, profile.name),
        language="en",
        note="To yourself: a reminder, sent only when you approve it.",
        status="pending",
    )
    # a draft belongs to a message: the digest hangs on the soonest contact's not-now mail
    return store.drafts.add(contacts[0].message_pk, row)
