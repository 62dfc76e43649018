"""Pick the check-in date of a not-now reply from the time the mail names, read from its own date."""

from __future__ import annotations

from datetime import date, timedelta

from drafts.facts import Facts, next_workday, read_facts


def checkin_from(facts: Facts, sent: date, default_days: int = 90) -> date:
    """Return the working day to check in: the one the facts give, else default_days after sent."""
    return facts.checkin or next_workday(sent + timedelta(days=default_days))


def pick_checkin_date(text: str, language: str, sent: date, default_days: int = 90) -> date:
    """Return the working day to check in after a mail sent on sent that says text."""
    return checkin_from(read_facts(text, language, sent), sent, default_days)
