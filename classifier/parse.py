"""Turn raw RFC 822 bytes into a Message: headers decoded, body as text, quotes and footers cut.

Work per message is bounded whatever the bytes: parsing reads at most so many bytes, lines, header
bytes, parts and nested multiparts, decoding stops at a size limit, and the text the classifier
and the slot finders read is capped. Past each limit is attachments, long threads or an attack.
"""

from __future__ import annotations

import codecs
import email
import email.message
import hashlib
import re
from dataclasses import dataclass, field
from email.header import Header, decode_header, make_header
from email.utils import getaddresses, parseaddr
from typing import Any

from classifier.htmltext import html_to_text
from classifier.trim import split_body

MAX_RAW_BYTES = 4_000_000  # the service cuts mail at 2 MB by default; this bounds any caller
MAX_RAW_LINES = 10_000  # the stdlib parser takes 5-20 µs a header line; body lines cost less
MAX_HEADER_BYTES = 64_000  # a real header block, Received and DKIM lines included, is a few KB
MAX_HEADER_LINE = 8_000  # bytes of one header line; the middle of a longer one is dropped
MAX_PARTS = 200  # lines that may start a MIME part (each costs ~0.3 ms); a real mail has tens
MAX_BOUNDARIES = 50  # distinct MIME boundaries, so multiparts nest at most this deep
MAX_ENCODED_CHARS = 800_000  # of one part's body as sent: MAX_PART_BYTES even in quoted-printable
MAX_PART_BYTES = 256_000  # a job mail's text never needs more; bigger parts are cut, not refused
MAX_BODY_CHARS = 256_000  # of plain text, and of HTML, over all parts: what is kept for display
MAX_NEW_TEXT_CHARS = 64_000  # what the classifier and the slot finders read of the body
MAX_HEADER_CHARS = 2_000  # of one header value; a subject or address list is far shorter

_SPACES = re.compile(r"\s++")
_BOUNDARY = re.compile(rb';\s*+boundary\s*+=\s*+(?:"([^"\r\n]++)"|([^\s;"]++))', re.IGNORECASE)
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_MIN_BOUNDARY = 16  # shorter ones could be words of the text: those are parsed as they are
# Codecs written in Python that are quadratic on long input; no mail is sent in them.
_SLOW_CODECS = frozenset({"punycode", "idna"})


class ParseError(ValueError):
    """Raised when bytes cannot be read as a mail message."""


@dataclass(frozen=True)
class Message:
    """A parsed message: the headers gracemail needs and the text to classify."""

    message_id: str
    subject: str
    from_name: str
    from_addr: str
    reply_to: str = ""
    to: str = ""
    date: str = ""
    references: str = ""
    text: str = ""  # the whole body as text
    html: str = ""  # the HTML part as sent, for sanitised display only
    new_text: str = ""  # the body with quoted replies, signatures' footers and legal notices cut
    unquoted: str = ""  # the body with quoted replies cut, signatures kept (for slots)
    auto_submitted: bool = False
    attachments: tuple[str, ...] = field(default_factory=tuple)

    @property
    def features_text(self) -> str:
        """Return the text the classifier reads: subject and the new part of the body."""
        return f"{self.subject}\n{self.new_text}"


class _BoundedMessage(email.message.Message):
    """A message part that keeps only the first MAX_ENCODED_CHARS of its body as parsed."""

    def set_payload(self, payload: Any, charset: Any = None) -> None:
        """Set the payload, cut to MAX_ENCODED_CHARS so decoding it stops at a size limit."""
        if isinstance(payload, str | bytes) and len(payload) > MAX_ENCODED_CHARS:
            payload = payload[:MAX_ENCODED_CHARS]
        super().set_payload(payload, charset)


def _raw_header_text(header: Header) -> str:
    """Return a header parsed from raw 8-bit bytes as text: UTF-8, else Latin-1 (never U+FFFD)."""
    parts: list[str] = []
    for chunk, charset in decode_header(header):
        if isinstance(chunk, str):
            parts.append(chunk)
            continue
        try:
            parts.append(chunk.decode("utf-8" if charset in (None, "unknown-8bit") else charset))
        except (LookupError, UnicodeDecodeError):
            parts.append(chunk.decode("latin-1"))
    return "".join(parts)


def decode_words(value: object, limit: int = MAX_HEADER_CHARS) -> str:
    """Return a header value with RFC 2047 encoded words decoded, cut at limit; never raises."""
    if not value:
        return ""
    if isinstance(value, Header):  # raw 8-bit bytes in a header: RFC 6532 says they are UTF-8
        value = _raw_header_text(value)
    value = str(value)[:limit]
    if "=?" not in value:  # no encoded words: most headers, and much faster
        return _SPACES.sub(" ", value).strip()
    try:
        text = str(make_header(decode_header(value)))
    except Exception:
        text = value
    return _SPACES.sub(" ", text).strip()


def _decode_part(part: email.message.Message, limit: int) -> str:
    payload = part.get_payload(decode=True)  # at most MAX_ENCODED_CHARS were kept to decode
    if not isinstance(payload, bytes):
        return ""
    payload = payload[: min(limit, MAX_PART_BYTES)]
    charset = part.get_content_charset() or "utf-8"
    try:
        if codecs.lookup(charset).name in _SLOW_CODECS:
            raise LookupError(charset)
        return payload.decode(charset, errors="replace")
    except (LookupError, UnicodeError, ValueError):
        # an unknown or broken charset name: latin-1 never fails and keeps ASCII right
        return payload.decode("latin-1")


def _bodies(msg: email.message.Message) -> tuple[str, str, list[str]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[str] = []
    room = {"text/plain": MAX_BODY_CHARS, "text/html": MAX_BODY_CHARS}
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = str(part.get("Content-Disposition") or "").lower()
        # a text part is read unless marked as an attachment; asking its filename is slow
        if "attachment" in disposition or (not ctype.startswith("text/") and part.get_filename()):
            attachments.append(decode_words(part.get_filename()) or ctype)
            continue
        if room.get(ctype, 0) > 0:  # once this much text is read, later parts are not decoded
            text = _decode_part(part, room[ctype])
            room[ctype] -= len(text) + 1
            (plain if ctype == "text/plain" else html).append(text)
    return "\n".join(plain), "\n".join(html), attachments


def parse_message(raw: bytes) -> Message:
    """Parse raw RFC 822 bytes into a Message; raises ParseError when it is not mail."""
    try:
        return _parse(raw)
    except ParseError:
        raise
    except Exception as exc:  # the last line of defence: broken mail is an error, not a crash
        raise ParseError(f"malformed message: {type(exc).__name__}: {exc}") from exc


def canonical_boundaries(raw: bytes) -> bytes:
    """Return raw with its MIME boundaries renamed to fixed names, or raw itself when unsafe.

    The stdlib parser compiles a regex for every boundary it meets (about 80 µs); random boundaries
    never hit re's cache, fixed names always do. RFC 2046 keeps a boundary out of the text it
    separates; only boundaries of 16 characters or more are renamed, and longest first, so a short
    one cannot be a common word and a rename cannot cut into a longer boundary.
    """
    if b"gracemail-mime-" in raw:
        return raw
    found = {m.group(1) or m.group(2) for m in _BOUNDARY.finditer(raw)}
    if not found or len(found) > 9 or min(map(len, found)) < _MIN_BOUNDARY:
        return raw
    for n, boundary in enumerate(sorted(found, key=len, reverse=True)):
        raw = raw.replace(boundary, b"gracemail-mime-%d-boundary" % n)
    return raw


def _cut_header(head: bytes) -> bytes:
    """Return a header block cut to MAX_HEADER_BYTES, each line to MAX_HEADER_LINE.

    A long line keeps its start and its end: a subject's first words, References' newest IDs.
    A loop in Python, not one regex over megabytes: other threads get the GIL between lines.
    """
    lines: list[bytes] = []
    size = 0
    half = MAX_HEADER_LINE // 2
    for line in head.split(b"\n"):
        lines.append(line if len(line) <= MAX_HEADER_LINE else line[:half] + line[-half:])
        size += len(lines[-1]) + 1
        if size >= MAX_HEADER_BYTES:
            break
    return b"\n".join(lines)[:MAX_HEADER_BYTES]


def bound_raw(raw: bytes) -> bytes:
    """Return raw cut to what parsing reads: so many bytes, lines, header bytes, parts, nestings.

    A message within every limit comes back as it is. Cutting is lenient for the stdlib parser:
    a multipart cut short is read as far as it goes.
    """
    # the header block ends at the first empty line; three finds in C beat one regex tenfold
    ends = [at for at in (raw.find(b"\n\n"), raw.find(b"\n\r\n"), raw.find(b"\r\r")) if at >= 0]
    end = min(ends, default=len(raw))
    if end > MAX_HEADER_LINE:  # long header lines are cut and a huge header block too, not the body
        raw = _cut_header(raw[:end]) + raw[end:]
    raw = raw[:MAX_RAW_BYTES]
    if raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n") > MAX_RAW_LINES:
        rest = _LINE_BREAK.split(raw, MAX_RAW_LINES)[-1]  # in C: a loop of finds would be Python
        raw = raw[: len(raw) - len(rest)]
    seen: set[bytes] = set()
    for match in _BOUNDARY.finditer(raw):
        seen.add(match.group(1) or match.group(2))
        if len(seen) > MAX_BOUNDARIES:  # multiparts nested deeper: read up to that line
            raw = raw[: raw.rfind(b"\n", 0, match.start()) + 1]
            break
    if raw.count(b"\n--") > MAX_PARTS:
        rest = raw.split(b"\n--", MAX_PARTS + 1)[-1]
        raw = raw[: len(raw) - len(rest) - 2]  # up to the newline before the first part too many
    return raw


def _parse(raw: bytes) -> Message:
    if not raw or not raw.strip():
        raise ParseError("empty message")
    try:
        msg = email.message_from_bytes(canonical_boundaries(bound_raw(raw)), _class=_BoundedMessage)
    except Exception as exc:  # the stdlib parser is lenient; anything it raises is malformed input
        raise ParseError(f"unreadable message: {exc}") from exc
    if not msg.keys():
        raise ParseError("no headers: not an RFC 822 message")
    try:
        plain, html, attachments = _bodies(msg)
    except Exception as exc:
        raise ParseError(f"unreadable body: {exc}") from exc
    text = plain if plain.strip() else html_to_text(html)
    unquoted, new_text = split_body(text[:MAX_NEW_TEXT_CHARS])
    from_name, from_addr = parseaddr(decode_words(msg.get("From")))
    reply_pairs = getaddresses([decode_words(msg.get("Reply-To"))])
    reply_to = next((addr for _, addr in reply_pairs if "@" in addr), "")
    message_id = decode_words(msg.get("Message-ID"))
    if not message_id:
        # a stable stand-in so the same bytes are recognised when seen again
        message_id = f"<sha256-{hashlib.sha256(raw).hexdigest()[:32]}@gracemail.invalid>"
    auto = (decode_words(msg.get("Auto-Submitted")) or "no").lower() != "no" or (
        decode_words(msg.get("Precedence")).lower() in {"bulk", "list", "junk"}
    )
    return Message(
        message_id=message_id,
        subject=decode_words(msg.get("Subject")),
        from_name=from_name.strip().strip('"'),
        from_addr=from_addr.lower(),
        reply_to=reply_to.lower(),
        to=decode_words(msg.get("To")),
        date=decode_words(msg.get("Date")),
        references=_references(msg.get("References")) or decode_words(msg.get("In-Reply-To")),
        text=text,
        html=html,
        unquoted=unquoted,
        new_text=new_text,
        auto_submitted=auto,
        attachments=tuple(attachments),
    )


def _references(value: object) -> str:
    """Return the References header; when too long, its newest Message-IDs, as RFC 5322 trims."""
    text = str(value or "")
    if len(text) > MAX_HEADER_CHARS:
        tail = text[-MAX_HEADER_CHARS:]
        text = tail[tail.find("<") :] if "<" in tail else tail
    return decode_words(text)


def message_from_fields(
    sender: str, subject: str, body: str, html: str = "", message_id: str = ""
) -> Message:
    """Build a Message from loose fields, as the REST API receives them."""
    from_name, from_addr = parseaddr(sender[:MAX_HEADER_CHARS])
    text = (body if body.strip() else html_to_text(html))[:MAX_BODY_CHARS]
    unquoted, new_text = split_body(text[:MAX_NEW_TEXT_CHARS])
    if not message_id:
        digest = hashlib.sha256(f"{sender}\n{subject}\n{body}\n{html}".encode()).hexdigest()
        message_id = f"<sha256-{digest[:32]}@gracemail.invalid>"
    return Message(
        message_id=message_id,
        subject=subject[:MAX_HEADER_CHARS],
        from_name=from_name,
        from_addr=from_addr.lower(),
        text=text,
        html=html[:MAX_BODY_CHARS],
        unquoted=unquoted,
        new_text=new_text,
    )
