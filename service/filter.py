"""Label one message at delivery, as a spam filter does: the message out again, with headers added.

A mail server runs this once per delivered message (Sieve's `filter`, procmail, maildrop), so
whatever goes wrong the message must come out whole: every error ends in the input, unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

LABEL_HEADER = "X-Gracemail-Label"
KIND_HEADER = "X-Gracemail-Kind"
CONFIDENCE_HEADER = "X-Gracemail-Confidence"
HEADERS = (LABEL_HEADER, KIND_HEADER, CONFIDENCE_HEADER)
# The headers a sender may have forged in: ours replace them, or a Sieve rule would trust them.
_OURS = re.compile(rb"x-gracemail-(?:label|kind|confidence)\s*:", re.IGNORECASE)
_END_OF_HEADERS = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True)
class Verdict:
    """What the filter says of a message: its label, and its kind and confidence when known."""

    label: str
    kind: str | None = None
    confidence: float | None = None


def with_headers(raw: bytes, verdict: Verdict) -> bytes:
    """Return raw with the X-Gracemail-* headers of verdict at the end of its header block.

    Everything else stays byte for byte, in the message's own line ending; any X-Gracemail-*
    header that came in with the message is dropped, folded lines and all.
    """
    match = _END_OF_HEADERS.search(raw)
    head, body = (raw[: match.start()], raw[match.start() :]) if match else (raw, b"")
    newline = b"\r\n" if b"\r\n" in (match.group() if match else raw[:1000]) else b"\n"
    lines = head.splitlines(keepends=True)
    kept: list[bytes] = []
    dropping = False
    for line in lines:
        if line[:1] in (b" ", b"\t"):  # a folded line belongs to the header above it
            if not dropping:
                kept.append(line)
            continue
        dropping = bool(_OURS.match(line))
        if not dropping:
            kept.append(line)
    if kept and not kept[-1].endswith(b"\n"):
        kept[-1] += newline
    added = [f"{LABEL_HEADER}: {verdict.label}"]
    if verdict.kind is not None:
        added.append(f"{KIND_HEADER}: {verdict.kind}")
    if verdict.confidence is not None:
        added.append(f"{CONFIDENCE_HEADER}: {verdict.confidence:.4f}")
    ours = newline.join(h.encode("ascii") for h in added)
    if match:  # the blank line that ends the headers follows ours
        return b"".join(kept) + ours + body
    return b"".join(kept) + ours + newline


def filter_message(
    raw: bytes, judge: Callable[[bytes], Verdict | None], log: Callable[[str], None]
) -> bytes:
    """Return raw with gracemail's headers added, or raw itself when judge fails or declines."""
    try:
        verdict = judge(raw)
        return raw if verdict is None else with_headers(raw, verdict)
    except Exception as exc:  # delivery must go on, whatever broke: say so and pass it through
        log(f"gracemail filter: message passed through unlabelled: {type(exc).__name__}: {exc}")
        return raw
