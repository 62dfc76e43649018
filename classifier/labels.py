"""The four labels of docs/labels.md and what the rest of gracemail may rely on."""

from typing import Literal, TypeGuard, get_args

Label = Literal["offer", "hard_no", "not_now", "other"]

LABELS: tuple[Label, ...] = get_args(Label)
ACTIONABLE: frozenset[Label] = frozenset({"offer", "hard_no", "not_now"})


# What a message is about, beyond its label: `outcome` for offer, hard_no and not_now, and for
# `other` mail one of the rest. The application timeline builds on it.
MailKind = Literal[
    "acknowledgement", "interview", "assessment", "job_alert", "outreach", "unrelated", "outcome"
]
MAIL_KINDS: tuple[MailKind, ...] = get_args(MailKind)


def is_mail_kind(value: str) -> TypeGuard[MailKind]:
    """Return True when value is one of the kinds of mail."""
    return value in MAIL_KINDS


def is_label(value: str) -> TypeGuard[Label]:
    """Return True when value is one of the four labels."""
    return value in LABELS
