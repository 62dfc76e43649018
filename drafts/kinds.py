"""The kinds of draft, and which kinds each label calls for."""

from __future__ import annotations

from typing import Literal, get_args

from classifier.labels import Label

DraftKind = Literal[
    "offer_accept",
    "offer_hold",
    "offer_decline",
    "hard_no",
    "not_now",
    "referrer_thanks",
    "followup",
]

DRAFT_KINDS: tuple[DraftKind, ...] = get_args(DraftKind)
KINDS: dict[Label, tuple[DraftKind, ...]] = {
    "offer": ("offer_accept", "offer_hold", "offer_decline"),
    "hard_no": ("hard_no",),
    "not_now": ("not_now",),
    "other": (),
}
# The reply to a message: once one is sent, its siblings are moot.
REPLY_KINDS: frozenset[DraftKind] = frozenset(k for kinds in KINDS.values() for k in kinds)
