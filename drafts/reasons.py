"""Keep declines consistent: warn when a new one would give another reason than one already sent."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from drafts.profile import Profile


class SentReason(NamedTuple):
    """The reason an earlier decline gave, in the language it was written in."""

    language: str
    reason: str


def _same(a: str, b: str) -> bool:
    # a changed full stop or capital is the same reason; other words are not
    def norm(s: str) -> str:
        return " ".join(re.sub(r"[.!;,]+$", "", s.strip()).casefold().split())

    return norm(a) == norm(b)


def reason_warning(profile: Profile, language: str, reason: str, sent: Iterable[SentReason]) -> str:
    """Return a note when reason (the one this decline gives) disagrees with a decline sent earlier.

    An earlier reason in the same language is compared word for word; one in another language is
    compared with what the profile says in that language now, since a translation is no change.
    Returns '' when every earlier decline agrees, or none gave a reason.
    """
    for earlier in sent:
        if not earlier.reason.strip():
            continue
        now = reason if earlier.language == language else profile.reason_in(earlier.language)
        if _same(now, earlier.reason):
            continue
        says = f"gives “{reason}”" if reason else "gives no reason"
        return (
            f"An earlier decline you sent gave the reason “{earlier.reason}”; this one {says}."
            " Declines that agree are easier to stand by: keep one reason, or edit this one."
        )
    return ""
