"""The user's profile: what every draft needs to know about the person sending it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Referrer:
    """Someone who referred the user to a company."""

    name: str
    email: str = ""


@dataclass(frozen=True)
class Profile:
    """The sender's name, signature and standing choices used in drafts."""

    name: str = "Alex Example"
    email: str = ""
    signature: str = ""
    decline_reason: str = ""  # empty: each language's template says it in its own words
    interim_help: str = ""
    ask_for_leads: bool = False
    followup_days: int = 90
    referrals: dict[str, Referrer] = field(default_factory=dict)  # keyed by company, any case

    def referrer_for(self, company: str) -> Referrer | None:
        """Return who referred the user to company, matching names case- and space-insensitively."""
        key = "".join(company.lower().split())
        if not key:
            return None
        for name, referrer in self.referrals.items():
            if "".join(name.lower().split()) == key:
                return referrer
        return None
