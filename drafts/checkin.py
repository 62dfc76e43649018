"""Pick a concrete check-in date for a not-now reply from what the message says about timing."""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            "january januar janvier enero januari gennaio janeiro",
            "february februar février febrero februari febbraio fevereiro",
            "march märz mars marzo maart março",
            "april avril abril",
            "may mai mayo mei maggio maio maj",
            "june juni juin junio giugno junho",
            "july juli juillet julio luglio julho",
            "august août agosto augusti",
            "september septembre septiembre settembre setembro",
            "october oktober octobre octubre ottobre outubro",
            "november novembre noviembre novembro",
            "december dezember décembre diciembre dicembre dezembro",
        ]
    )
    for name in names.split()
}
_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "six": 6,
    "nine": 9,
    "twelve": 12,
    "a": 1,
    "a couple of": 2,
    "a few": 3,
}
_RELATIVE = re.compile(
    r"\b(?:in|within|after|for)\s+(?:the next\s+)?(\d+|one|two|three|four|six|nine|twelve|a couple of|a few|a)\s+(week|month|quarter|year)s?\b",
    re.IGNORECASE,
)
_QUARTER = re.compile(r"\b(?:Q([1-4])|(first|second|third|fourth) quarter)\b", re.IGNORECASE)
_MONTH = re.compile(
    r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _next_month_start(today: date, month: int) -> date:
    year = today.year if month > today.month else today.year + 1
    return date(year, month, 1)


def pick_checkin_date(text: str, today: date, default_days: int = 90) -> date:
    """Return a weekday to check in: shortly after the time the message names, else default_days on."""
    found: date | None = None
    if match := _RELATIVE.search(text):
        n = int(match.group(1)) if match.group(1).isdigit() else _NUMBERS[match.group(1).lower()]
        days = {"week": 7, "month": 30, "quarter": 91, "year": 365}[match.group(2).lower()]
        found = today + timedelta(days=min(n * days, 730))
    elif match := _QUARTER.search(text):
        quarter = int(match.group(1)) if match.group(1) else _ORDINAL[match.group(2).lower()]
        found = _next_month_start(today, 3 * quarter - 2)
    elif match := _MONTH.search(text):
        # "may" is also a verb in English; only trust it when it reads like a month
        word = match.group(1)
        if word.lower() != "may" or word[0] == "M":
            found = _next_month_start(today, _MONTHS[word.lower()]) + timedelta(days=7)
    checkin = found if found and found > today else today + timedelta(days=default_days)
    while checkin.weekday() >= 5:  # nobody reads a check-in sent on a Saturday
        checkin += timedelta(days=1)
    return checkin
