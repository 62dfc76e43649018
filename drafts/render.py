"""Render the drafts a labelled message calls for, in its language and register, threaded as replies."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from classifier.labels import Label
from drafts import blocks
from drafts.checkin import checkin_from
from drafts.facts import Facts, read_facts
from drafts.kinds import KINDS, DraftKind
from drafts.phrases import LANGUAGES, Phrasebook, format_day, register_of
from drafts.profile import Profile, Referrer
from drafts.reasons import SentReason, reason_warning
from drafts.safety import (
    asks_no_reply,
    display_name,
    human_contact,
    is_noreply,
    is_own,
    morning_of,
    next_morning,
)

_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|antw|r|rif|réf|odp|vs|vá)\s*:", re.IGNORECASE)
_NAMES = {"de": "German", "fr": "French", "es": "Spanish", "nl": "Dutch", "it": "Italian",
          "pt": "Portuguese", "sv": "Swedish", "pl": "Polish", "da": "Danish", "no": "Norwegian",
          "fi": "Finnish", "cs": "Czech"}  # fmt: skip


@dataclass(frozen=True)
class Incoming:
    """What a draft needs from the message it answers."""

    message_id: str
    subject: str
    from_name: str
    from_addr: str
    reply_to: str = ""
    references: str = ""
    text: str = ""  # the new part of the body, without the quoted thread
    label: Label = "other"
    language: str = "en"
    contact_name: str = ""
    company: str = ""
    role: str = ""
    date: str = ""  # the Date header as sent: every date in the mail is read against it
    to: str = ""  # the To header: whose name signs while the profile has none


@dataclass(frozen=True)
class Draft:
    """One reply ready to edit: who it goes to, its subject and body, and how it threads."""

    kind: DraftKind
    to: str
    subject: str
    body: str
    language: str
    in_reply_to: str = ""
    references: str = ""
    note: str = ""  # what the user must check: a no-reply sender, a question to answer, ...
    followup_date: date | None = None
    suggested_send_after: datetime | None = None  # naive UTC; after a no, the next morning
    decline_reason: str = ""  # the reason a decline gives, recorded so later ones agree


def received_at(msg: Incoming, today: date) -> datetime:
    """Return when the message was sent, from its Date header; today's midnight when it has none."""
    try:
        if msg.date:
            sent = parsedate_to_datetime(msg.date)
            return sent if sent.tzinfo else sent.replace(tzinfo=UTC)
    except (TypeError, ValueError, IndexError):
        pass
    return datetime(today.year, today.month, today.day, tzinfo=UTC)


def sent_on(msg: Incoming, today: date) -> date:
    """Return the day the message was sent, from its Date header; today only when it has none."""
    return received_at(msg, today).date()


def format_date(day: date, language: str) -> str:
    """Return a date as people write it in language, e.g. '2 March 2026', '2 de marzo de 2026'."""
    return format_day(day, language)


def reply_subject(subject: str) -> str:
    """Return the subject of a reply: one 'Re:' in front, never two."""
    subject = subject.strip() or "your message"
    return subject if _REPLY_PREFIX.match(subject) else f"Re: {subject}"


def reply_address(msg: Incoming, user: str = "") -> tuple[str, str]:
    """Return (address, note): Reply-To or the human sender, a person the body names, or '' and why."""
    machine = asks_no_reply(msg.text)
    for address in (msg.reply_to, msg.from_addr):
        if address and not is_noreply(address) and not machine:
            return address, ""
    shown = msg.reply_to or msg.from_addr or "an unknown address"
    why = (
        "asks not to be replied to"
        if machine and not is_noreply(shown)
        else "is a no-reply address"
    )
    person = human_contact(msg.text, user)
    if person:
        return (
            person,
            f"The sender, {shown}, {why}: this draft goes to {person}, named in the mail; check before sending.",
        )
    return (
        "",
        f"Not sendable as it is: the sender, {shown}, {why}. Add a person's address before sending.",
    )


def _book(msg: Incoming, language: str) -> Phrasebook:
    slots = {
        "name": msg.contact_name.strip(),
        "company": msg.company.strip(),
        "role": msg.role.strip(),
    }
    return Phrasebook(language, register_of(msg.text, language), slots)


def _greeting(book: Phrasebook, msg: Incoming) -> str:
    name = msg.contact_name.strip()
    if not name:
        return book.get("greet.none")
    full = msg.from_name.strip()
    # the formal greeting names the person in full where the sender's name starts with the contact
    full = full if full.split()[:1] == name.split()[:1] and len(full.split()) > 1 else name
    return book.get("greet.name", full_name=full)


def _signer(msg: Incoming, profile: Profile) -> str:
    return profile.signature.strip() or profile.name.strip() or display_name(msg.to)


def _notes(*notes: str) -> str:
    return " ".join(n for n in notes if n)


def _question_notes(facts: Facts) -> str:
    return _notes(*(f"The mail asks: “{q}” Answer it before sending." for q in facts.questions))


def render_drafts(
    msg: Incoming, profile: Profile, today: date, sent_reasons: Sequence[SentReason] = ()
) -> list[Draft]:
    """Return the drafts a label calls for (none for `other` or the user's own mail), in its language.

    sent_reasons are the reasons earlier declines gave: a decline that would give another one
    says so in its note.
    """
    kinds = KINDS.get(msg.label, ())
    if not kinds or is_own(msg.from_addr, profile.email):
        return []
    language = msg.language if msg.language in LANGUAGES else "en"
    lang_note = (
        f"The mail is in {_NAMES.get(msg.language, msg.language)}, for which gracemail has no phrases yet, so this reply is in English."
        if language != msg.language
        else ""
    )
    received = received_at(msg, today)
    sent = received.date()
    facts = read_facts(msg.text, msg.language, sent)
    checkin = checkin_from(facts, sent, profile.followup_days)
    if msg.label == "offer" and facts.offered_role:
        # the acceptance restates the role the mail offers, not one it mentions elsewhere
        msg = replace(msg, role=facts.offered_role)
    book = _book(msg, language)
    signer = _signer(msg, profile)
    referrer = profile.referrer_for(msg.company, msg.from_addr)
    reason = profile.reason_in(language)
    ctx = blocks.Context(
        greeting=_greeting(book, msg),
        signature=signer,
        sent=sent,
        checkin=checkin,
        help=profile.help_in(language),
        reason=reason,
        referrer=referrer.name if referrer else "",
    )
    to, address_note = reply_address(msg, profile.email)
    sign_note = (
        "" if signer else "Add your name: the profile has none and the mail names no recipient."
    )
    common = _notes(address_note, lang_note, sign_note, _question_notes(facts))
    now = received.astimezone(UTC).replace(tzinfo=None)
    base = Draft(
        kind=kinds[0],
        to=to,
        subject=reply_subject(msg.subject),
        body="",
        language=language,
        in_reply_to=msg.message_id,
        references=" ".join(x for x in (msg.references, msg.message_id) if x).strip(),
        note=common,
        suggested_send_after=now,
    )
    drafts: list[Draft] = []
    for kind in kinds:
        if kind == "hard_no":
            body = blocks.hard_no(book, facts, ctx, profile.ask_for_leads)
            # a cooling-off pause: answer a no the next working morning, not within the minute
            drafts.append(
                replace(
                    base,
                    kind=kind,
                    body=body,
                    suggested_send_after=next_morning(received, profile.timezone),
                )
            )
        elif kind == "not_now":
            body = blocks.not_now(book, facts, ctx)
            drafts.append(replace(base, kind=kind, body=body, followup_date=checkin))
        elif kind == "offer_accept":
            drafts.append(replace(base, kind=kind, body=blocks.offer_accept(book, facts, ctx)))
        elif kind == "offer_hold":
            body = blocks.offer_hold(book, facts, ctx)
            answer_by = blocks.hold_until(facts, sent)
            note = (
                ""
                if facts.deadline
                else f"The mail gives no deadline: this draft promises an answer by {answer_by.isoformat()}."
            )
            drafts.append(replace(base, kind=kind, body=body, note=_notes(common, note)))
        elif kind == "offer_decline":
            note = (
                ""
                if reason
                else (
                    f"Your profile has no decline reason in {_NAMES.get(language, 'English')}, so the draft gives none:"
                    f" add one (GRACEMAIL_PROFILE__DECLINE_REASONS__{language.upper()}) if you want to share it."
                )
            )
            body = blocks.offer_decline(book, facts, ctx)
            warning = reason_warning(profile, language, reason, sent_reasons)
            drafts.append(
                replace(
                    base,
                    kind=kind,
                    body=body,
                    note=_notes(common, note, warning),
                    decline_reason=reason,
                )
            )
    if referrer:
        outcomes = (
            ("offer_accept", "offer_decline")
            if msg.label == "offer"
            else ("hard_no",)
            if msg.label == "hard_no"
            else ()
        )
        drafts.extend(
            _referrer_note(msg, profile, referrer, ctx, outcome, now, sent_reasons)
            for outcome in outcomes
        )
    return drafts


def _referrer_note(
    msg: Incoming,
    profile: Profile,
    referrer: Referrer,
    ctx: blocks.Context,
    outcome: str,
    now: datetime,
    sent_reasons: Sequence[SentReason] = (),
) -> Draft:
    language = profile.language if profile.language in LANGUAGES else "en"
    book = _book(msg, language)
    reason = profile.reason_in(language)
    declines = outcome == "offer_decline"
    subject, body = blocks.referrer_thanks(book, replace(ctx, reason=reason), outcome)
    when = {
        "offer_accept": "Send this one if you accept the offer.",
        "offer_decline": "Send this one if you decline the offer.",
    }
    return Draft(
        kind="referrer_thanks",
        to=referrer.email,
        subject=subject,
        body=body,
        language=language,
        note=_notes(
            when.get(outcome, ""),
            "" if referrer.email else f"Add {referrer.name}'s address before sending.",
            reason_warning(profile, language, reason, sent_reasons) if declines else "",
        ),
        suggested_send_after=now,
        decline_reason=reason if declines else "",
    )


def render_followup(msg: Incoming, profile: Profile, today: date | None = None) -> Draft:
    """Return the check-in mail for a not-now contact whose follow-up date has come."""
    language = msg.language if msg.language in LANGUAGES else "en"
    book = _book(msg, language)
    day = today or date.today()
    ctx = blocks.Context(
        greeting=_greeting(book, msg), signature=_signer(msg, profile), sent=day, checkin=day
    )
    to, note = reply_address(msg, profile.email)
    return Draft(
        kind="followup",
        to=to,
        subject=reply_subject(msg.subject),
        body=blocks.followup(book, ctx),
        language=language,
        in_reply_to=msg.message_id,
        references=" ".join(x for x in (msg.references, msg.message_id) if x).strip(),
        note=note,
        suggested_send_after=morning_of(day, profile.timezone),
    )
