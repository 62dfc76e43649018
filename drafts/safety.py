"""Who a draft may go to, and when: no-reply senders, the user's own mail, a pause after a no."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from email.utils import getaddresses, parseaddr
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drafts.facts import next_workday

# Local parts that say "do not answer", in the languages the classifier reads.
_NOREPLY_LOCAL = re.compile(
    r"no-?reply|do-?not-?reply|donotreply|noreply|nao-?respond|naoresponda|ne-?pas-?repondre|"
    r"nepasrepondre|no-?responder|noresponder|nicht-?antworten|keine-?antwort|niet-?beantwoorden|"
    r"geen-?antwoord|non-?rispondere|norisposta|svara-?inte|ej-?svar|ikke-?svar|svar-?ikke|"
    r"ingen-?svar|ala-?vastaa|ei-?vastausta|nie-?odpowiadaj|brak-?odpowiedzi|neodpovidat|"
    r"neodpovidejte|notifications?|mailer-daemon|bounces?|postmaster|automated|system|alerts?",
    re.IGNORECASE,
)
# Applicant-tracking and job-board systems: mail from them is sent by a machine.
_ATS_DOMAINS = re.compile(
    r"(?:^|\.)(?:greenhouse(?:-mail)?\.io|lever\.co|hire\.lever\.co|myworkday(?:jobs)?\.com|"
    r"workday\.com|oraclecloud\.com|taleo\.net|successfactors\.(?:com|eu)|smartrecruiters\.com|"
    r"icims\.com|jobvite\.com|ashbyhq\.com|teamtailor(?:-mail)?\.com|recruitee\.com|"
    r"personio\.(?:de|com)|bamboohr\.com|workablemail\.com|workable\.com|linkedin\.com|"
    r"indeed\.com|indeedemail\.com|stepstone\.(?:de|com|fr|nl|be|at)|jobteaser\.com|"
    r"welcometothejungle\.com|join\.com|softgarden\.io|rexx-systems\.com|cornerstoneondemand\.com)$",
    re.IGNORECASE,
)
# Body text asking not to be answered, in every language the classifier reads.
_NOREPLY_TEXT = re.compile(
    r"(?:please )?do not reply|don't reply to this|this (?:mail|email|message) is (?:sent )?automatically|"
    r"unmonitored|not monitored|"
    r"bitte (?:antworten sie|antworte) nicht|nicht auf diese (?:e-?mail|nachricht) antworten|automatisch (?:erstellt|generiert|versandt)|"
    r"ne (?:pas )?répond(?:ez|re) pas|ne pas répondre|merci de ne pas répondre|"
    r"no (?:responda|respondas|conteste)|no responder a este|"
    r"niet (?:op deze (?:e-?mail|mail) )?(?:reageren|beantwoorden)|"
    r"non rispondere|si prega di non rispondere|"
    r"não responda|nao responda|por favor,? não responda|"
    r"svara inte på|(?:du kan|går) inte (?:att )?svara|"
    r"nie odpowiadaj|prosimy nie odpowiadać|"
    r"(?:svar|besvar) ikke på denne|kan ikke besvares|"
    r"ikke svar på denne|kan ikke besvares|"
    r"älä vastaa tähän|ei voi vastata|"
    r"neodpovídejte|na tento e-?mail neodpovídejte",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def is_noreply(address: str) -> bool:
    """Return whether an address belongs to a machine: a no-reply name or an ATS or job board."""
    local, _, domain = parseaddr(address)[1].lower().partition("@")
    return bool(_NOREPLY_LOCAL.search(local) or (domain and _ATS_DOMAINS.search(domain)))


def asks_no_reply(text: str) -> bool:
    """Return whether the body asks not to be answered."""
    return bool(_NOREPLY_TEXT.search(text))


def human_contact(text: str, user: str = "") -> str:
    """Return the first address named in the body that a person reads, or ''."""
    for address in _ADDRESS.findall(text):
        if not is_noreply(address) and address.lower() != user.lower():
            return str(address).rstrip(".")
    return ""


def is_own(address: str, user: str) -> bool:
    """Return whether the mail comes from the user's own address."""
    return bool(user) and parseaddr(address)[1].lower() == parseaddr(user)[1].lower()


def display_name(to: str) -> str:
    """Return the first display name in a To: header, or ''."""
    for name, _ in getaddresses([to]):
        if name.strip() and "@" not in name:
            return name.strip().strip('"')
    return ""


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def next_morning(received: datetime, zone: str, hour: int = 9) -> datetime:
    """Return the next working morning after received, in zone, as a naive UTC time."""
    tz = _zone(zone)
    local = (
        received.astimezone(tz) if received.tzinfo else received.replace(tzinfo=UTC).astimezone(tz)
    )
    day = next_workday(local.date() + timedelta(days=1))
    morning = datetime.combine(day, time(hour), tzinfo=tz)
    return morning.astimezone(UTC).replace(tzinfo=None)


def morning_of(day: date, zone: str, hour: int = 9) -> datetime:
    """Return day at hour in zone, as a naive UTC time."""
    return (
        datetime.combine(day, time(hour), tzinfo=_zone(zone)).astimezone(UTC).replace(tzinfo=None)
    )
