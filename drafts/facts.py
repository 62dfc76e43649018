"""Read what a job mail states: stage, reason, what is offered, questions, dates and terms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from drafts.cues import LETTER, MONEY, OFFERED_ROLE, TERMS, cue
from drafts.timing import When, find_times

Stage = Literal["", "application", "interviews", "final"]
Offer = Literal["introduction", "call", "talent_pool", "keep_cv", "other_role"]
NotNow = Literal["", "paused", "close_second", "deferred"]
OFFERS: tuple[Offer, ...] = ("introduction", "call", "talent_pool", "keep_cv", "other_role")

# a full stop after a number is a German or Nordic ordinal ("15. Oktober"), not a sentence end
_SENTENCE = re.compile(r"(?<=[.!?])(?<!\b\d\.)(?<!\b\d\d\.)\s+|\n+")
_MONEY = re.compile(MONEY)
_TERMS = re.compile(TERMS, re.IGNORECASE)
_QUOTED = re.compile(r"[“\"«„']([^”\"»“']{3,60})[”\"»“']")
_CAPITALISED = re.compile(
    r"\b((?:[A-Z][\w+#-]*\s?){1,5})(?=\s*(?:role|position|opening|team|[,.()]|$))"
)
_ATTACHED = re.compile(
    r"attach|enclosed|letter|anbei|angehängt|beigefügt|ci-joint|pièce jointe|adjunt|bijgevoegd|"
    r"allegat|em anexo|bifogat|załącz|vedhæft|vedlagt|liitteenä|v příloze",
    re.IGNORECASE,
)
# Words that ask for consent or invite, so a talent pool is offered, not just announced.
_CONSENT = re.compile(
    r"\?|would you like|if you(?:'d| would)? like|are you happy|if you agree|with your (?:permission|consent)|"
    r"let us know if|please confirm|opt in|einverstanden|zustimmung|möchten sie|möchtest du|"
    r"accord|souhaitez|consentement|de acuerdo|consentimiento|te gustaría|le gustaría|akkoord|"
    r"toestemming|consenso|d'accordo|consentimento|samtycke|godkänner|zgod|samtykke|suostumu|souhlas|"
    r"add you|include you|invite you|join our|aufnehmen|ajouter|incluir|inserir|toevoegen|voegen je|"
    r"lägga till|dodać|zachować|tilføje|have dig med|ha deg med|lisätä|zařadi",
    re.IGNORECASE,
)
# Past this a date is no longer the time to come back, it is a misread ("in 2031").
_HORIZON = timedelta(days=730)


@dataclass(frozen=True)
class Facts:
    """What the mail states, each fact empty when the mail does not state it."""

    stage: Stage = ""
    reason: str = ""  # the sentence that gives the reason, as written
    offers: tuple[Offer, ...] = ()
    cv_months: int = 0  # how long the CV is kept, when the mail says
    other_role: str = ""  # the other role named, when the mail names one
    questions: tuple[str, ...] = ()  # the direct questions, as written
    deadline: date | None = None  # the offer's decision deadline
    start_date: date | None = None
    terms: tuple[str, ...] = ()  # sentences that state salary, bonus, leave or working terms
    promised: date | None = None  # when the sender promises to come back
    checkin: date | None = None  # when to check in, from the time the mail names
    timing: str = ""  # the words that named the check-in time
    named: date | None = None  # the day those words (or the promise) point at
    not_now: NotNow = ""
    offered_role: str = ""  # the role an offer names, which the acceptance restates
    pool_asked: bool = False  # the mail asks for consent to keep the candidate in a talent pool
    letter: bool = False  # the written offer or contract is attached, linked or on its way
    letter_start: bool = False  # ... and the mail says it states the start date


def next_workday(day: date) -> date:
    """Return day, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def add_workdays(day: date, n: int) -> date:
    """Return the date n working days after day."""
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def split_sentences(text: str) -> list[str]:
    """Return the sentences of text, stripped, quoted lines and empty ones left out."""
    out = []
    for part in _SENTENCE.split(text):
        part = part.strip()
        if part and not part.startswith(">"):
            out.append(part)
    return out


def _near(pattern: re.Pattern[str], sentence: str, when: When) -> bool:
    """Return whether a cue sits just before or after the words of a time (start date: 1 May)."""
    for m in pattern.finditer(sentence):
        if 0 <= when.span[0] - m.end() <= 50 or 0 <= m.start() - when.span[1] <= 30:
            return True
    return False


def _stage(sentences: list[str], language: str) -> Stage:
    joined = " ".join(sentences)
    if cue("final", language).search(joined):
        return "final"
    if cue("interviews", language).search(joined):
        return "interviews"
    return "application" if cue("application", language).search(joined) else ""


def _months(when: When, sent: date) -> int:
    return max(1, round((when.point - sent).days / 30.4))


def _other_role(sentence: str) -> str:
    if m := _QUOTED.search(sentence):
        return m.group(1).strip()
    match = cue("other_role", "en").search(sentence)
    tail = sentence[match.end() :] if match else sentence
    for m in _CAPITALISED.finditer(tail):
        words = m.group(1).strip()
        if words and words.split()[0] not in ("I", "We", "You", "If", "Our", "The"):
            return words
    return ""


def _future(times: list[When], sent: date) -> list[When]:
    return [
        t for t in times if sent < t.point <= sent + _HORIZON or sent < t.end <= sent + _HORIZON
    ]


def _point(when: When, sent: date) -> date:
    # a period already begun ("this quarter") points at its end; one ahead at its start
    return when.point if when.point > sent else when.end


def read_facts(text: str, language: str, sent: date) -> Facts:
    """Return the facts text states, reading every date against sent (the mail's own date)."""
    sentences = split_sentences(text)
    offers: list[Offer] = []
    reason = other_role = ""
    cv_months = 0
    questions: list[str] = []
    terms: list[str] = []
    deadline = start = promised = None
    checkin_from: list[tuple[When, str]] = []
    close = paused = pool_asked = letter = letter_start = False
    document, delivered = (re.compile(p, re.IGNORECASE) for p in LETTER.get(language, LETTER["en"]))
    for sentence in sentences:
        times = _future(find_times(sentence, language, sent), sent)
        is_start = any(_near(cue("start", language), sentence, t) for t in times)
        is_promise = bool(cue("promise", language).search(sentence))
        is_cv = bool(cue("keep_cv", language).search(sentence))
        if sentence.endswith("?"):
            questions.append(sentence)
        if not reason and cue("reason", language).search(sentence) and not sentence.endswith("?"):
            reason = sentence
        pooled = False
        for offer in ("introduction", "call", "talent_pool", "other_role"):
            if cue(offer, language).search(sentence):
                pooled = pooled or offer == "talent_pool"
                if offer not in offers:
                    offers.append(offer)
                    if offer == "other_role":
                        other_role = _other_role(sentence)
        if is_cv and times and times[0].form == "relative":
            offers.append("keep_cv")
            cv_months = _months(times[0], sent)
            continue  # a CV kept twelve months is no time to check in
        if _MONEY.search(sentence) or (_TERMS.search(sentence) and not _ATTACHED.search(sentence)):
            terms.append(sentence[:200])  # a letter "with salary and benefits" states no term
        if document.search(sentence) and delivered.search(sentence) and "?" not in sentence:
            letter = True  # "the letter with salary and start date is attached": nothing to ask
            letter_start = letter_start or bool(cue("start", language).search(sentence))
        if pooled and _CONSENT.search(sentence):
            pool_asked = True
        if cue("close_second", language).search(sentence):
            close = True
        if cue("paused", language).search(sentence) and not (is_promise and times):
            paused = True
        if not times:
            continue
        first = times[0]
        if is_start and start is None:
            start = _point(first, sent)
        elif cue("deadline", language).search(sentence) and deadline is None and not is_promise:
            deadline = _point(first, sent)
        if is_promise and promised is None and not is_start:
            promised = _point(first, sent)
        if not is_start:
            checkin_from.extend((t, sentence[t.span[0] : t.span[1]]) for t in times)
    checkin = named = None
    timing = ""
    if promised:
        named = promised
        checkin = add_workdays(promised, 2)  # right after the promised date, not on it
    elif checkin_from:
        when, timing = min(checkin_from, key=lambda pair: _point(pair[0], sent))
        named = _point(when, sent)
        checkin = next_workday(named + timedelta(days=3))
    not_now: NotNow = (
        "close_second" if close else "paused" if paused else "deferred" if promised else ""
    )
    return Facts(
        stage=_stage(sentences, language),
        reason=reason,
        offers=tuple(dict.fromkeys(offers)),
        cv_months=cv_months,
        other_role=other_role,
        questions=tuple(questions),
        deadline=deadline,
        start_date=start,
        terms=tuple(terms),
        promised=promised,
        checkin=checkin,
        timing=timing,
        named=named,
        not_now=not_now,
        offered_role=_offered_role(text, language),
        pool_asked=pool_asked,
        letter=letter,
        letter_start=letter_start,
    )


def _offered_role(text: str, language: str) -> str:
    pattern = OFFERED_ROLE.get(language)
    match = re.search(pattern, text) if pattern else None
    return next((g.strip() for g in match.groups() if g), "") if match else ""
