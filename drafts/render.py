"""Render drafts for a labelled message: Jinja2 templates per language, threaded as replies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from classifier.labels import Label
from drafts.checkin import pick_checkin_date
from drafts.kinds import KINDS, DraftKind
from drafts.profile import Profile

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = frozenset(p.name for p in TEMPLATES.iterdir() if p.is_dir())
_MONTH_NAMES = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
}
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|antw|r|rif|réf)\s*:", re.IGNORECASE)
_NOREPLY = re.compile(
    r"no-?reply|do-?not-?reply|notifications?@|mailer-daemon|bounce", re.IGNORECASE
)


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
    note: str = ""  # why the draft cannot go out as it is, e.g. a no-reply sender
    followup_date: date | None = None


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        trim_blocks=False,  # block tags sit on their own lines; _tidy folds the blank lines left
        keep_trailing_newline=False,
        autoescape=False,  # plain-text mail: escaping would put &amp; into the user's words
    )


def sent_on(msg: Incoming, today: date) -> date:
    """Return the day the message was sent, from its Date header; today only when it has none."""
    try:
        return parsedate_to_datetime(msg.date).date() if msg.date else today
    except (TypeError, ValueError):
        return today


def format_date(day: date, language: str) -> str:
    """Return a date as people write it in language, e.g. '2 March 2026'."""
    month = _MONTH_NAMES.get(language, _MONTH_NAMES["en"]).split()[day.month - 1]
    return f"{day.day}. {month} {day.year}" if language == "de" else f"{day.day} {month} {day.year}"


def reply_subject(subject: str) -> str:
    """Return the subject of a reply: one 'Re:' in front, never two."""
    subject = subject.strip() or "your message"
    return subject if _REPLY_PREFIX.match(subject) else f"Re: {subject}"


def reply_address(msg: Incoming) -> tuple[str, str]:
    """Return (address, note): Reply-To or the human sender, or '' and why when only a no-reply."""
    for address in (msg.reply_to, msg.from_addr):
        if address and not _NOREPLY.search(address):
            return address, ""
    shown = msg.reply_to or msg.from_addr or "an unknown address"
    return "", f"The sender, {shown}, is a no-reply address: add a person's address before sending."


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    if "{{" in text or "{%" in text:
        raise ValueError("a template left a placeholder in the text")
    return text + "\n"


@cache
def _has_template(language: str, name: str) -> bool:
    return (TEMPLATES / language / f"{name}.txt").exists()


def _render(name: str, language: str, context: dict[str, object]) -> tuple[str, str]:
    lang = language if _has_template(language, name) else "en"
    text = _environment().get_template(f"{lang}/{name}.txt").render(**context)
    subject = ""
    if text.startswith("Subject:"):
        first, _, text = text.partition("\n")
        subject = first.removeprefix("Subject:").strip()
    return subject, _tidy(text)


def render_drafts(msg: Incoming, profile: Profile, today: date) -> list[Draft]:
    """Return the drafts a label calls for (none for `other`), in the message's language."""
    kinds = KINDS.get(msg.label, ())
    if not kinds:
        return []
    language = msg.language if msg.language in LANGUAGES else "en"
    # only a not-now reply proposes a check-in; finding the date reads the whole text
    checkin = (
        pick_checkin_date(msg.text, msg.language, sent_on(msg, today), profile.followup_days)
        if msg.label == "not_now"
        else None
    )
    signature = profile.signature.strip() or profile.name
    context: dict[str, object] = {
        "contact_name": msg.contact_name.strip(),
        "company": msg.company.strip(),
        "role": msg.role.strip(),
        "signature": signature,
        "decline_reason": profile.decline_reason.strip().rstrip("."),
        "interim_help": profile.interim_help.strip().rstrip("."),
        "ask_for_leads": profile.ask_for_leads,
        "checkin_date": format_date(checkin, language) if checkin else "",
    }
    to, note = reply_address(msg)
    references = " ".join(x for x in (msg.references, msg.message_id) if x).strip()
    drafts = []
    for kind in kinds:
        _, body = _render(kind, language, context)
        drafts.append(
            Draft(
                kind=kind,
                to=to,
                subject=reply_subject(msg.subject),
                body=body,
                language=language,
                in_reply_to=msg.message_id,
                references=references,
                note=note,
                followup_date=checkin,  # set for a not-now reply only
            )
        )
    referrer = profile.referrer_for(msg.company) if msg.label == "offer" else None
    if referrer:
        subject, body = _render(
            "referrer_thanks", "en", {**context, "referrer_name": referrer.name}
        )
        drafts.append(
            Draft(
                kind="referrer_thanks",
                to=referrer.email,
                subject=subject,
                body=body,
                language="en",
                note="" if referrer.email else f"Add {referrer.name}'s address before sending.",
            )
        )
    return drafts


def render_followup(msg: Incoming, profile: Profile) -> Draft:
    """Return the check-in mail for a not-now contact whose follow-up date has come."""
    language = msg.language if msg.language in LANGUAGES else "en"
    context: dict[str, object] = {
        "contact_name": msg.contact_name.strip(),
        "company": msg.company.strip(),
        "role": msg.role.strip(),
        "signature": profile.signature.strip() or profile.name,
    }
    _, body = _render("followup", language, context)
    to, note = reply_address(msg)
    return Draft(
        kind="followup",
        to=to,
        subject=reply_subject(msg.subject),
        body=body,
        language=language,
        in_reply_to=msg.message_id,
        references=" ".join(x for x in (msg.references, msg.message_id) if x).strip(),
        note=note,
    )
