"""The dates an application's mail names: an offer's deadline, an interview's day and time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drafts.facts import read_facts, split_sentences
from drafts.timing import find_times

# "14:30", "14.30", "14h30", "2:30 pm", "2 pm": the clock time next to an interview's day
_CLOCK = re.compile(
    r"\b([01]?\d|2[0-3])(?:[:.h]([0-5]\d))?\s*(am|pm|a\.m\.|p\.m\.|uhr|h\b)?", re.IGNORECASE
)


def sent_at(header: str) -> datetime | None:
    """Return a Date header as an aware datetime, or None when it cannot be read."""
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def offer_deadline(text: str, language: str, sent: date) -> date | None:
    """Return the decision deadline an offer mail states, read by drafts.facts, or None.

    "Let us know your decision by 20 November" reads to drafts.facts as the sender's promise to
    come back; in an offer that date is the deadline.
    """
    facts = read_facts(text, language, sent)
    return facts.deadline or facts.promised


def writer_zone(sent: datetime, home: str) -> tzinfo:
    """Return the zone the mail's times are in: the user's own when its offset matches, else the mail's.

    A recruiter in the user's country writes "14:00" in the user's zone; the Date header's fixed
    offset is all that is known of anyone else's.
    """
    try:
        zone: tzinfo = ZoneInfo(home)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    offset = sent.utcoffset()
    if offset is not None and sent.astimezone(zone).utcoffset() == offset:
        return zone
    return timezone(offset or timedelta(0))


def _clock(sentence: str, span: tuple[int, int]) -> time | None:
    for match in _CLOCK.finditer(sentence):
        if span[0] <= match.start() < span[1]:
            continue  # part of the date itself ("15.10.")
        hour, minute, suffix = int(match.group(1)), match.group(2), (match.group(3) or "").lower()
        if not minute and not suffix:
            continue  # a bare number is no time
        if suffix.startswith("p") and hour < 12:
            hour += 12
        if suffix.startswith("a") and hour == 12:
            hour = 0
        return time(hour, int(minute or 0))
    return None


def interview_times(text: str, language: str, sent: datetime, home: str) -> list[datetime | date]:
    """Return the future days an interview mail names, with the clock time (aware) when it gives one."""
    zone = writer_zone(sent, home)
    found: list[datetime | date] = []
    local_sent = sent.astimezone(zone).date()
    for sentence in split_sentences(text):
        times = find_times(sentence, language, local_sent)
        # "Thursday, 12 November" is one day: the date wins over its weekday
        forms = ("date",) if any(t.form == "date" for t in times) else ("weekday",)
        for when in times:
            if when.form not in forms or when.point < local_sent:
                continue
            clock = _clock(sentence, when.span)
            found.append(datetime.combine(when.point, clock, tzinfo=zone) if clock else when.point)
    return list(dict.fromkeys(found))
