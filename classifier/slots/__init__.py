"""Find who to greet, the company and the role in a message, where it states them.

Every rule prefers an empty slot to a wrong one: a draft that omits the company reads fine,
a draft that names the wrong one does not.
"""

from __future__ import annotations

from dataclasses import dataclass

from classifier.parse import Message
from classifier.slots.company import find_company
from classifier.slots.contact import find_contact_name, is_noreply, signature_start
from classifier.slots.role import find_role
from classifier.trim import strip_quotes

__all__ = ["Slots", "extract_slots", "find_company", "find_contact_name", "find_role", "is_noreply"]


@dataclass(frozen=True)
class Slots:
    """What a reply needs to name: the person to greet, the company and the role."""

    contact_name: str = ""
    company: str = ""
    role: str = ""


def extract_slots(msg: Message) -> Slots:
    """Return the contact name, company and role a message states."""
    text = msg.unquoted or strip_quotes(msg.text)
    lines = [line.strip() for line in text.split("\n")]
    sig_start, contact = signature_start(lines, msg)
    company = find_company(msg, text, contact, sig_start, lines)
    return Slots(contact_name=contact, company=company, role=find_role(msg.subject, text, company))
