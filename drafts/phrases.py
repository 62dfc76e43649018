"""The sentences drafts are made of, one TOML file per language, in the register the mail used."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache
from pathlib import Path

from babel.dates import format_date as babel_format_date

from drafts.words import BABEL_LOCALE

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = frozenset(p.parent.name for p in TEMPLATES.glob("*/phrases.toml"))

# Words that show the mail addresses the reader informally (du, tu, tú, je, ...); formal is the
# default, since answering "Sie" with "du" is the worse mistake.
_INFORMAL = {
    "de": r"\b(?:du|dich|dir|dein|deine|deinen|deiner|euch|euer)\b",
    "fr": r"\b(?:tu|te|toi|ton|ta|tes|t['’])\b",
    "es": r"\b(?:tú|te|ti|tu|tus|contigo)\b",
    "nl": r"\b(?:je|jij|jou|jouw)\b",
    "it": r"\b(?:tu|ti|te|tuo|tua|tuoi|tue)\b",
    "pt": r"\b(?:tu|te|ti|teu|tua|teus|tuas|contigo)\b",
    "pl": r"\b(?:ty|cię|ciebie|ci|twój|twoja|twoje|twojej|twojego|tobą)\b",
    "cs": r"\b(?:ty|tě|tebe|ti|tvůj|tvoje|tvá|tvé|tebou)\b",
    # Finnish says "your" with a suffix: hakemuksestasi (sinä), hakemuksestanne (te)
    "fi": r"\b(?:sinä|sinun|sinulle|sinua|sinulta|sinusta|sinuun)\b|\b\w{3,}(?:stasi|ssasi|llasi|ltasi|ksesi|aasi|ääsi)\b",
}
_FORMAL = {
    "de": r"(?<![.!?]\s)\b(?:Sie|Ihnen|Ihr|Ihre|Ihren|Ihrer)\b|Sehr geehrte",
    "fr": r"\b(?:vous|votre|vos)\b",
    "es": r"\b(?:usted|ustedes|le agradecemos|su candidatura|su perfil)\b",
    "nl": r"\b(?:u|uw)\b",
    "it": r"\b(?:Lei|La ringraziamo|Sua|Suo|Gentile)\b",
    "pt": r"\b(?:você|o senhor|a senhora|o seu|a sua|Vossa|Exm[oa])\b",
    "pl": r"\b(?:Pan|Pani|Pana|Panią|Państwo|Państwa)\b",
    "cs": r"\b(?:vy|vás|vám|váš|vaše|vaši|Vás|Vám|Váš|Vaše)\b",
    "fi": r"\b(?:Te|Teidän|Teille|Teitä|Teiltä|Teistä|Teihin)\b|\b\w{3,}(?:stanne|ssanne|llanne|ltanne|ksenne|aanne|äänne)\b",
}
# Nordic and Finnish mail says du/sinä to nearly everyone, so that is their default when a mail
# shows neither. Danish and Norwegian "De" and Swedish "Ni" have all but gone from such mail: those
# three are written with du only. Finnish "te" is still met (public sector), so it is mirrored.
_DEFAULT_INFORMAL = frozenset({"sv", "da", "no", "fi"})


def register_of(text: str, language: str) -> str:
    """Return 'informal' when the mail addresses its reader informally, else 'formal'."""
    informal = _INFORMAL.get(language)
    default = "informal" if language in _DEFAULT_INFORMAL else "formal"
    if not informal:
        return default
    flags = re.IGNORECASE if language not in ("de", "it", "pl") else 0
    n_informal = len(re.findall(informal, text, flags | re.IGNORECASE))
    n_formal = len(re.findall(_FORMAL[language], text, flags))
    if n_informal == n_formal:
        return default
    return "informal" if n_informal > n_formal else "formal"


def _flatten(table: dict[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = str(value)
    return out


@cache
def phrases(language: str) -> dict[str, str]:
    """Return every phrase of language by its dotted key ('hard_no.thanks'); raises if none."""
    with (TEMPLATES / language / "phrases.toml").open("rb") as f:
        return _flatten(tomllib.load(f))


class Phrasebook:
    """The phrases of one language and register, filled with one message's slots."""

    def __init__(self, language: str, register: str, slots: dict[str, str]) -> None:
        self.language = language
        self.register = register
        self.table = phrases(language)
        self.slots = dict(slots)
        # fragments that disappear with their slot: " for the Data Engineer role" or nothing
        for fragment, slot in (
            ("for_role", "role"),
            ("in_role", "role"),
            ("as_role", "role"),
            ("at_company", "company"),
            ("to_company", "company"),
            ("with_team", "company"),
            ("of_company", "company"),
        ):
            self.slots[fragment] = self.get(f"fragment.{fragment}") if slots.get(slot) else ""

    def has(self, key: str) -> bool:
        """Return whether the language has a phrase for key."""
        return key in self.table

    def get(self, key: str, **extra: str) -> str:
        """Return the phrase for key in this register, its slots filled; raises KeyError if none."""
        text = self.table.get(f"{self.register}.{key}", self.table[key])
        values = {**self.slots, **extra}
        for _ in range(2):  # a fragment may hold a slot: " for the {role} role"
            text = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)
        if "{" in text:
            raise ValueError(f"{self.language} phrase {key} left a placeholder: {text}")
        return text

    def date(self, day: date) -> str:
        """Return day as people write it in this language, e.g. '15 July 2026', '15. Juli 2026'."""
        return format_day(day, self.language)


def format_day(day: date, language: str) -> str:
    """Return day written the long way in language, by Babel's locale data."""
    locale = BABEL_LOCALE.get(language, language)
    return babel_format_date(day, format="long", locale=locale if language != "en" else "en_GB")
