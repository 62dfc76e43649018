"""The four labels of docs/labels.md and what the rest of gracemail may rely on."""

from typing import Literal, TypeGuard, get_args

Label = Literal["offer", "hard_no", "not_now", "other"]

LABELS: tuple[Label, ...] = get_args(Label)
ACTIONABLE: frozenset[Label] = frozenset({"offer", "hard_no", "not_now"})


def is_label(value: str) -> TypeGuard[Label]:
    """Return True when value is one of the four labels."""
    return value in LABELS
