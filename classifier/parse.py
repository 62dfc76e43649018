"""Turn raw RFC 822 bytes into a Message: headers decoded, body as text, quotes and footers cut."""

from __future__ import annotations

import email
import email.message
import hashlib
import re
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.utils import getaddresses, parseaddr

from classifier.htmltext import html_to_text
from classifier.trim import split_body

_SPACES = re.compile(r"\s+")
_BOUNDARY = re.compile(rb';\s*boundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))', re.IGNORECASE)
_MIN_BOUNDARY = 16  # shorter ones could be words of the text: those are parsed as they are
MAX_PART_BYTES = 512_000  # a job mail's text never needs more; bigger parts are cut, not refused


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


def decode_words(value: object) -> str:
    """Return a header value with RFC 2047 encoded words decoded; never raises."""
    if not value:
        return ""
    value = str(value)  # a header with raw 8-bit bytes comes back as a Header object
    if "=?" not in value:  # no encoded words: most headers, and much faster
        return _SPACES.sub(" ", value).strip()
    try:
        text = str(make_header(decode_header(value)))
    except Exception:
        text = value
    return _SPACES.sub(" ", text).strip()


def _decode_part(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    payload = payload[:MAX_PART_BYTES]
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name: latin-1 never fails and keeps ASCII right
        return payload.decode("latin-1")


def _bodies(msg: email.message.Message) -> tuple[str, str, list[str]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = str(part.get("Content-Disposition") or "").lower()
        # a text part is read unless marked as an attachment; asking its filename is slow
        if "attachment" in disposition or (not ctype.startswith("text/") and part.get_filename()):
            attachments.append(decode_words(part.get_filename()) or ctype)
            continue
        if ctype == "text/plain":
            plain.append(_decode_part(part))
        elif ctype == "text/html":
            html.append(_decode_part(part))
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


def _parse(raw: bytes) -> Message:
    if not raw or not raw.strip():
        raise ParseError("empty message")
    try:
        msg = email.message_from_bytes(canonical_boundaries(raw))
    except Exception as exc:  # the stdlib parser is lenient; anything it raises is malformed input
        raise ParseError(f"unreadable message: {exc}") from exc
    if not msg.keys():
        raise ParseError("no headers: not an RFC 822 message")
    try:
        plain, html, attachments = _bodies(msg)
    except Exception as exc:
        raise ParseError(f"unreadable body: {exc}") from exc
    text = plain if plain.strip() else html_to_text(html)
    unquoted, new_text = split_body(text)
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
        references=decode_words(msg.get("References")) or decode_words(msg.get("In-Reply-To")),
        text=text,
        html=html,
        unquoted=unquoted,
        new_text=new_text,
        auto_submitted=auto,
        attachments=tuple(attachments),
    )


def message_from_fields(
    sender: str, subject: str, body: str, html: str = "", message_id: str = ""
) -> Message:
    """Build a Message from loose fields, as the REST API receives them."""
    from_name, from_addr = parseaddr(sender)
    text = body if body.strip() else html_to_text(html)
    unquoted, new_text = split_body(text)
    if not message_id:
        digest = hashlib.sha256(f"{sender}\n{subject}\n{body}\n{html}".encode()).hexdigest()
        message_id = f"<sha256-{digest[:32]}@gracemail.invalid>"
    return Message(
        message_id=message_id,
        subject=subject,
        from_name=from_name,
        from_addr=from_addr.lower(),
        text=text,
        html=html,
        unquoted=unquoted,
        new_text=new_text,
    )
