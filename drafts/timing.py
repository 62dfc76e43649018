"""Find the times a message names, read against the message's own date, in 13 languages."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import TypeVar

from drafts import words as w

# Words that sit between a part and its period: "end OF THE month", "fin DU mois".
_GLUE = r"(?:\s*\b(?:of|the|this|de|du|des|del|la|le|el|lo|van|het|dit|deze|di|della|dello|dei|do|da|af|av|den|det|denne|dette|der|dem|im|am|w|v|ve|na|pod|do|tego|tohoto|letošního|tämän)\b\s*|\s*[ld]['’]\s*)*"
# Words that make a span past, not future: "two weeks ago", "vor zwei Wochen", "hace un mes".
_AGO_BEFORE = re.compile(
    r"(?:\bvor|\bil y a|\bhace|\bhá|\bpřed|\bsince|\bseit|\bdepuis|\bdesde)\s*$", re.I
)
_AGO_AFTER = re.compile(r"^\s*(?:ago|geleden|fa|atrás|sedan|temu|siden|sitten|zpátky)\b", re.I)
T = TypeVar("T")
_FILLER = r"(?:\s+(?:more|further|additional|weitere|weiteren|autres|prochaines|prochains|más|meer|altre|altri|mais|ytterligare|kolejne|flere|lisää|další|next|nächsten|to|bis|à|a|tot|o|till|do|til|-)\b)?"
_EXTRA_UNITS = {
    "fi": {"kuu": "month", "vuon": "year", "viikol": "week"},
    "de": {"jahres": "year", "monats": "month"},
}


@dataclass(frozen=True)
class When:
    """A time the message names: its point, the period it covers, and the words that said it."""

    point: date  # the day the words point at: a date, the start, middle or end of a period
    start: date
    end: date
    span: tuple[int, int]
    form: str  # "date", "period", "relative" or "weekday"


def _alternation(options: Iterable[str]) -> str:
    """Return a regex alternation, longest first; a key ending in '=' is a whole word, others stems."""
    names = sorted(set(options), key=len, reverse=True)
    return "|".join(re.escape(n[:-1]) + r"\b" if n.endswith("=") else re.escape(n) for n in names)


def _lookup(table: Mapping[str, T], word: str) -> T:
    """Return the value of the longest key word starts with (a stem: 'woche' for 'Wochen')."""
    word = word.lower()
    for key in sorted(table, key=len, reverse=True):
        if word.startswith(key.rstrip("=").lower()):
            return table[key]
    raise KeyError(word)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_period(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _part_of(start: date, end: date, part: str) -> date:
    if part == "end":
        return end
    if part == "mid":
        # mid-May is the 15th; the middle of a season or year is its halfway day
        return start.replace(day=15) if start.month == end.month else start + (end - start) / 2
    return start


def _day_year(base: date, month: int, day: int) -> int:
    """Return the year of a day named without one: this year when it passed lately, else the next."""
    this = date(base.year, month, min(day, calendar.monthrange(base.year, month)[1]))
    # a day a few months back is one the mail recalls ("thanks for the interview on 4 March")
    return base.year if this >= base or (base - this).days <= 120 else base.year + 1


def _future_year(base: date, month: int, day_or_end: int | None = None) -> int:
    """Return the year in which month (and day) next comes, counting the current month as future."""
    if month > base.month:
        return base.year
    if month == base.month:
        last = calendar.monthrange(base.year, month)[1]
        if (day_or_end or last) >= base.day:
            return base.year
    return base.year + 1


@cache
def _patterns(language: str) -> dict[str, re.Pattern[str]]:
    months = _alternation(w.month_words(language))
    days = _alternation(w.weekday_words(language))
    parts = _alternation(w.PARTS[language])
    seasons = _alternation(w.SEASONS[language])
    numbers = _alternation(w.NUMBERS[language])
    units = _alternation({**w.UNITS[language], **_EXTRA_UNITS.get(language, {})})
    nexts = _alternation(w.NEXT[language])
    ords = _alternation(w.ORDINALS[language])
    quarter = re.escape(w.QUARTER_WORDS[language])
    half = re.escape(w.HALF_WORDS[language])
    after = _alternation(w.AFTER[language])
    year = r"(?:\s*,?\s*(?:de\s+|del\s+|r\.\s*|roku\s+)?(?P<year>20\d\d))?"
    # Babel's month names may end in a case ending (Finnish, Slavic): allow letters after them
    month = rf"(?P<month>{months})\w*"
    flags = re.IGNORECASE
    return {
        "iso": re.compile(r"\b(?P<y>20\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
        "numeric": re.compile(
            r"(?<![\d/.])(?P<d>\d{1,2})[./](?P<m>\d{1,2})\.(?:(?P<y>20\d\d)\b)?|(?<![\d/.])(?P<d2>\d{1,2})[./](?P<m2>\d{1,2})[./](?P<y2>20\d\d)\b"
        ),
        "day_month": re.compile(
            rf"\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|º|\.|e)?\s*(?:de\s+|of\s+|d'|-)?\s*{month}|(?P<month2>{months})\w*\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\b){year}",
            flags,
        ),
        "part": re.compile(
            rf"(?:\b|(?<=-))(?P<part>{parts})(?:-|\b)\s*{_GLUE}(?:(?P<next>{nexts})\b\s*)?(?:{month}|(?P<season>{seasons})\w*|(?P<unit>{units})\w*){year}(?:\s+(?P<next2>{nexts})\b)?",
            flags,
        ),
        "part_after": re.compile(
            rf"\b(?:(?P<next>{nexts})\s+)?(?:{month}|(?P<season>{seasons})\w*|(?P<unit>{units})\w*)\s+(?P<part>{parts})\b",
            flags,
        ),
        "compound": re.compile(
            r"\b(?P<unit>jahres|monats)(?P<part>ende|mitte|anfang|beginn)\b", flags
        ),
        "quarter": re.compile(
            rf"\b(?:[QTK](?P<q>[1-4])|(?P<qo>{ords})\s+{quarter}\w*|(?P<qn>[1-4])\.?\s*{quarter}\w*|(?P<qr>I{{1,3}}|IV)\s+{quarter}\w*|[H](?P<h>[12])|(?P<ho>{ords})\s+{half}\w*){year}",
            flags,
        ),
        "next": re.compile(
            rf"\b(?:(?P<next>{nexts})\w*\s+(?:\w+\s+)?(?P<unit>{units})\w*|(?P<unit2>{units})\w*\s+(?P<next2>{nexts})\b)",
            flags,
        ),
        "month": re.compile(rf"\b{month}{year}", flags),
        "season": re.compile(
            rf"\b(?:(?P<after>{after})\s*)?(?P<season>{seasons})\w*{year}(?:\s+(?P<after2>jälkeen)\b)?",
            flags,
        ),
        "relative": re.compile(
            rf"(?P<n>\b\d{{1,3}}|\b(?:{numbers}))\b{_FILLER}\s*(?:-\s*)?(?P<unit>{units})\w*", flags
        ),
        "weekday": re.compile(rf"\b(?P<next>{nexts}\s+)?(?P<day>{days})\w*", flags),
    }


@cache
def _gate(language: str) -> re.Pattern[str]:
    """Return a pattern that matches wherever any of _patterns(language) can match, and cheaply.

    Every kind of time holds a digit or one of these words (a month, weekday, season, unit,
    quarter or half), written as in its own pattern and under the same flags, so text the gate
    misses holds no time and skips the dozen patterns below.
    """
    units = {**w.UNITS[language], **_EXTRA_UNITS.get(language, {})}
    words = [
        _alternation(w.month_words(language)),
        _alternation(w.weekday_words(language)),
        _alternation(w.SEASONS[language]),
        _alternation(units),
        re.escape(w.QUARTER_WORDS[language]),
        re.escape(w.HALF_WORDS[language]),
    ]
    return re.compile(r"\d|jahres|monats|" + "|".join(f"(?:{one})" for one in words), re.IGNORECASE)


def _unit_period(unit: str, base: date, ahead: int) -> tuple[date, date]:
    """Return the week, month, quarter or year ahead periods after the one base is in."""
    if unit == "week":
        start = base - timedelta(days=base.weekday()) + timedelta(weeks=ahead)
        return start, start + timedelta(days=4)
    if unit == "month":
        start = _add_months(base.replace(day=1), ahead)
        return _month_period(start.year, start.month)
    if unit == "quarter":
        first = 3 * ((base.month - 1) // 3) + 1
        start = _add_months(date(base.year, first, 1), 3 * ahead)
        return start, _add_months(start, 3) - timedelta(days=1)
    return date(base.year + ahead, 1, 1), date(base.year + ahead, 12, 31)


def _season_period(month: int, base: date, year: int | None, after: bool) -> tuple[date, date]:
    if after:
        month = month % 12 + 3
    if year is None:
        year = base.year
        if _add_months(date(year, month, 1), 3) <= base:  # the season is over this year
            year += 1
    start = date(year, month, 1) if month <= 12 else date(year + 1, month - 12, 1)
    return start, _add_months(start, 3) - timedelta(days=1)


# The same words of a date recur (a thread quotes them, a day names its dates in many mails) and
# dateparser costs more than all the rest of a draft: each answer is kept.
@lru_cache(maxsize=4096)
def _by_dateparser(text: str, language: str, base: date) -> date | None:
    """Return the date dateparser reads in text (day and month required), or None."""
    import dateparser  # some 10 MB and 0.1 s: only mail that names a day and month needs it

    found = dateparser.parse(
        text,
        languages=[w.BABEL_LOCALE.get(language, language)],
        settings={
            "RELATIVE_BASE": datetime(base.year, base.month, base.day),
            "REQUIRE_PARTS": ["day", "month"],
        },
    )
    return found.date() if found else None


def _read(kind: str, m: re.Match[str], language: str, base: date) -> When | None:
    g = m.groupdict()
    year = int(g["year"]) if g.get("year") else None
    span = m.span()
    if kind == "iso":
        day = date(int(g["y"]), int(g["m"]), int(g["d"]))
        return When(day, day, day, span, "date")
    if kind == "numeric":
        d, mo, y = (g["d"], g["m"], g["y"]) if g["d"] else (g["d2"], g["m2"], g["y2"])
        if language == "en" or not 1 <= int(mo) <= 12 or not 1 <= int(d) <= 31:
            return None  # English writes 7/15 or 15/7 alike: too ambiguous to guess
        yy = int(y) if y else _day_year(base, int(mo), int(d))
        day = date(yy, int(mo), min(int(d), calendar.monthrange(yy, int(mo))[1]))
        return When(day, day, day, span, "date")
    if kind == "day_month":
        month = _lookup(w.month_words(language), g["month"] or g["month2"])
        d = int(g["day"] or g["day2"])
        if not 1 <= d <= 31:
            return None
        # dateparser reads the day and month in the language's own forms; the year is ours, since
        # it prefers the future or the present where a mail recalls a day just past
        parsed = _by_dateparser(m.group(0), language, base)
        if parsed:
            month, d = parsed.month, parsed.day
        yy = year or _day_year(base, month, d)
        day = date(yy, month, min(d, calendar.monthrange(yy, month)[1]))
        return When(day, day, day, span, "date")
    if kind in ("part", "part_after", "compound"):
        part = (
            str(_lookup(w.PARTS[language], g["part"]))
            if kind != "compound"
            else {"ende": "end", "mitte": "mid"}.get(g["part"].lower(), "start")
        )
        if g.get("month"):
            month = _lookup(w.month_words(language), g["month"])
            start, end = _month_period(year or _future_year(base, month), month)
        elif g.get("season"):
            start, end = _season_period(
                int(_lookup(w.SEASONS[language], g["season"])), base, year, False
            )
        else:
            units = {**w.UNITS[language], **_EXTRA_UNITS.get(language, {})}
            unit = str(_lookup(units, g["unit"]))
            if unit not in ("month", "year", "quarter", "week"):
                return None
            start, end = _unit_period(unit, base, 1 if g.get("next") or g.get("next2") else 0)
            if year:
                start, end = date(year, 1, 1), date(year, 12, 31)
        return When(_part_of(start, end, part), start, end, span, "period")
    if kind == "quarter":
        if g.get("h") or g.get("ho"):
            h = int(g["h"]) if g.get("h") else int(_lookup(w.ORDINALS[language], g["ho"]))
            q = 1 if h == 1 else 3
            length = 6
        else:
            roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
            q = int(g["q"] or g["qn"] or 0) or roman.get((g["qr"] or "").lower(), 0)
            q = q or int(_lookup(w.ORDINALS[language], g["qo"]))
            length = 3
        first = 3 * q - 2
        yy = year or (base.year if first + length - 1 >= base.month else base.year + 1)
        start = date(yy, first, 1)
        return When(start, start, _add_months(start, length) - timedelta(days=1), span, "period")
    if kind == "next":
        units = {**w.UNITS[language], **_EXTRA_UNITS.get(language, {})}
        unit = str(_lookup(units, g["unit"] or g["unit2"]))
        if unit not in ("week", "month", "quarter", "year"):
            return None
        start, end = _unit_period(unit, base, 1)
        return When(start, start, end, span, "period")
    if kind == "month":
        month = _lookup(w.month_words(language), g["month"])
        if language == "en" and g["month"] == "may":
            return None  # lower-case "may" is the verb
        start, end = _month_period(year or _future_year(base, month), month)
        return When(start, start, end, span, "period")
    if kind == "season":
        month = int(_lookup(w.SEASONS[language], g["season"]))
        start, end = _season_period(month, base, year, bool(g.get("after") or g.get("after2")))
        return When(start, start, end, span, "period")
    if kind == "relative":
        raw = g["n"].lower()
        n = int(raw) if raw.isdigit() else w.NUMBERS[language].get(raw, 0)
        unit = str(_lookup({**w.UNITS[language], **_EXTRA_UNITS.get(language, {})}, g["unit"]))
        if not n or n > 400:
            return None
        if unit == "month":
            day = _add_months(base, n)
        elif unit == "year":
            day = _add_months(base, 12 * n)
        elif unit == "quarter":
            day = _add_months(base, 3 * n)
        else:
            day = base + timedelta(days=n * {"day": 1, "week": 7, "fortnight": 14}[unit])
        return When(day, day, day, span, "relative")
    if kind == "weekday":
        weekday = int(_lookup(w.weekday_words(language), g["day"]))
        ahead = (weekday - base.weekday()) % 7 or 7
        day = base + timedelta(days=ahead + (7 if g.get("next") and ahead < 3 else 0))
        return When(day, day, day, span, "weekday")
    return None


def find_times(text: str, language: str, base: date) -> list[When]:
    """Return the times text names, in order, each read once, against base (the mail's date)."""
    if language not in w.LANGUAGES:
        language = "en"
    if not _gate(language).search(text):
        return []
    found: list[When] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _patterns(language).items():
        for m in pattern.finditer(text):
            a, b = m.span()
            if any(a < y and x < b for x, y in taken):
                continue  # a longer, earlier kind already read these words
            if kind == "relative" and (_AGO_BEFORE.search(text[:a]) or _AGO_AFTER.match(text[b:])):
                continue
            try:
                when = _read(kind, m, language, base)
            except (KeyError, ValueError):
                when = None
            if when:
                found.append(when)
                taken.append((a, b))
    return sorted(found, key=lambda t: t.span)
