"""The user's profile: what every draft needs to know about the person sending it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Legal forms and filler words that do not tell companies apart ("Acme GmbH" is "Acme").
_LEGAL = re.compile(
    r"\b(?:inc|ltd|llc|plc|gmbh|ag|sa|sas|sarl|srl|spa|bv|nv|ab|as|aps|oy|oyj|sp z o o|s r o|a s|co|corp|corporation|company|group|holding|the)\b"
)


def normalise_company(name: str) -> str:
    """Return a company name reduced for matching: lower case, no legal form, no punctuation."""
    name = re.sub(r"[^\w\s]", " ", name.lower())
    return " ".join(_LEGAL.sub(" ", name).split())


@dataclass(frozen=True)
class Referrer:
    """Someone who referred the user to a company, and optionally the company's mail domain."""

    name: str
    email: str = ""
    domain: str = ""  # e.g. acme.example: mail from it or its subdomains counts as that company


@dataclass(frozen=True)
class Profile:
    """The sender's name, signature and standing choices used in drafts."""

    name: str = ""  # empty: the display name the mail was addressed to signs
    email: str = ""
    signature: str = ""
    language: str = "en"  # the language decline_reason and interim_help are written in
    decline_reason: str = ""  # empty: the decline gives an honest neutral sentence, no reason
    decline_reasons: dict[str, str] = field(default_factory=dict)  # per language, e.g. {"de": …}
    interim_help: str = ""
    interim_helps: dict[str, str] = field(default_factory=dict)  # per language
    ask_for_leads: bool = True
    followup_days: int = 90
    timezone: str = "UTC"  # an IANA name, e.g. Europe/Berlin: when "the next morning" is
    referrals: dict[str, Referrer] = field(default_factory=dict)  # keyed by company, any case

    def reason_in(self, language: str) -> str:
        """Return the decline reason written in language, or '' when the profile has none there."""
        reason = self.decline_reasons.get(language, "")
        if not reason and language == self.language:
            reason = self.decline_reason
        return reason.strip().rstrip(".")

    def help_in(self, language: str) -> str:
        """Return the interim help offered, written in language, or '' when there is none there."""
        text = self.interim_helps.get(language, "")
        if not text and language == self.language:
            text = self.interim_help
        return text.strip().rstrip(".")

    def referrer_for(self, company: str, sender: str = "") -> Referrer | None:
        """Return who referred the user to company, by normalised name or by the sender's domain."""
        key = normalise_company(company)
        domain = sender.rpartition("@")[2].lower()
        for name, referrer in self.referrals.items():
            ref = normalise_company(name)
            # "Acme" refers to "Acme Analytics" too: the referral's words open the company's name
            if ref and key and (key == ref or key.startswith(ref + " ")):
                return referrer
            wanted = referrer.domain.lower().lstrip("@")
            if domain and wanted and (domain == wanted or domain.endswith("." + wanted)):
                return referrer
        return None
