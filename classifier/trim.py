"""Cut what is not the sender's new words: quoted replies, signatures' trailers and legal footers."""

from __future__ import annotations

import re

# The line where an earlier message starts, in the languages gracemail reads.
_QUOTE_HEADER = re.compile(
    r"^\s*(?:"
    r"On\b.{0,160}\bwrote:\s*$"
    r"|Am\b.{0,160}\bschrieb.{0,80}:\s*$"
    r"|Le\b.{0,160}\ba écrit\s*:\s*$"
    r"|El\b.{0,160}\bescribió:\s*$"
    r"|Op\b.{0,160}\bschreef.{0,80}:\s*$"
    r"|Il giorno\b.{0,160}\bha scritto:\s*$"
    r"|Em\b.{0,160}\bescreveu:\s*$"
    r"|Den\b.{0,160}\bskrev.{0,80}:\s*$"
    r"|-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original"
    r"|Oorspronkelijk bericht|Messaggio originale|Mensagem original)\s*-{2,}"
    r"|_{10,}\s*$"
    r")",
    re.IGNORECASE,
)
# Outlook-style header blocks: "From: ..." followed within two lines by "Sent:"/"Date:"/"To:".
_OUTLOOK_FROM = re.compile(r"^\s*\**(?:From|Von|De|Van|Da|Från)\s*:\**\s", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(
    r"^\s*\**(?:Sent|Date|To|Gesendet|Datum|An|Envoyé|Date|Enviado|Verzonden|Inviato|Skickat)\s*:",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^\s*-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré"
    r"|Mensaje reenviado|Doorgestuurd bericht|Messaggio inoltrato)\s*-{2,}",
    re.IGNORECASE,
)
_SIG_DASHES = re.compile(r"^-- ?$")
# Where a line could start a quote or a trailer, found in one scan of the text instead of three
# regexes a line in Python: a superset of the rules' line starts, each confirmed by the rule itself.
_MAY_QUOTE = re.compile(
    r"^[^\S\n]*+(?:\**+(?:from|von|de|van|da|från)[^\S\n]*+:|(?:on|am|le|el|op|il giorno|em|den)\b"
    r"|-{2,}+[^\S\n]*+[^\W\d_]|_{10})",
    re.IGNORECASE | re.MULTILINE,
)
_MOBILE = re.compile(
    r"^\s*(?:Sent from my|Get Outlook for|Von meinem|Envoyé de mon|Enviado desde)", re.IGNORECASE
)
# Lines that open a legal notice or list footer; honoured only in the last part of the body.
_FOOTER = re.compile(
    r"^\s*(?:confidentiality|disclaimer|this (?:e-?mail|message)(?: and any attachments?)? "
    r"(?:is|are|may|contains?)|the information (?:contained|in this)|if you (?:are not|have received)"
    r"|unsubscribe|to unsubscribe|you (?:are )?receiv(?:e|ed|ing) this|manage (?:your )?"
    r"(?:email )?preferences|privacy (?:policy|notice)|©|\(c\) ?\d{4}|copyright"
    r"|diese e-?mail (?:enthält|ist|kann)|geschäftsführ|handelsregister|amtsgericht|registergericht"
    r"|ce (?:message|courriel|mail) (?:et|est|peut|contient)|este (?:mensaje|correo) (?:y|es|puede|contiene)"
    r"|deze e-?mail|questa e-?mail|este e-?mail)",
    re.IGNORECASE,
)
_MAY_TRAIL = re.compile(
    r"^(?:-- ?$|[^\S\n]*+(?:sent from my|get outlook for|von meinem|envoyé de mon|enviado desde"
    r"|confidentiality|disclaimer|this |the information |if you |unsubscribe|to unsubscribe|you "
    r"|manage |privacy |©|\(c\)|copyright|diese e|geschäftsführ|handelsregister|amtsgericht"
    r"|registergericht|ce |este |deze e|questa e))",
    re.IGNORECASE | re.MULTILINE,
)


def _cut_quotes(lines: list[str], text: str) -> list[str]:
    """Return lines up to the first quoted message; text is the lines joined with newlines."""
    i = pos = 0
    for candidate in _MAY_QUOTE.finditer(text):
        i += text.count("\n", pos, candidate.start())
        pos = candidate.start()
        line = lines[i]
        if _FORWARD.match(line):
            # a forward: the forwarded message is the content; keep it, drop the marker
            return lines[:i] + [x for x in lines[i + 1 :] if not _is_forward_header(x)]
        if _QUOTE_HEADER.match(line):
            return lines[:i]
        if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_NEXT.match(x) for x in lines[i + 1 : i + 4]):
            return lines[:i]
    if ">" not in text:
        return lines
    return [line for line in lines if not line.lstrip().startswith(">")]


def _is_forward_header(line: str) -> bool:
    return bool(
        re.match(
            r"^\s*(?:From|Date|Subject|To|Cc|Von|Betreff|An|De|Objet|À|Asunto|Para)\s*:",
            line,
            re.IGNORECASE,
        )
    )


def _cut_trailers(lines: list[str]) -> list[str]:
    start = len(lines) * 2 // 5  # footers and signatures live at the end, not the top
    text = "\n".join(lines)
    i = start
    pos = len("\n".join(lines[:start])) + 1 if start else 0
    for candidate in _MAY_TRAIL.finditer(text, pos):
        i += text.count("\n", pos, candidate.start())
        pos = candidate.start()
        line = lines[i]
        if _SIG_DASHES.match(line) or _MOBILE.match(line) or _FOOTER.match(line):
            return lines[:i]
    return lines


def split_body(text: str) -> tuple[str, str]:
    """Return (text without quoted messages, text also without signature trailers and footers)."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    unquoted = _cut_quotes(normal.split("\n"), normal)
    result = "\n".join(_cut_trailers(unquoted)).strip()
    return "\n".join(unquoted).strip(), result if result else text.strip()


def strip_quotes(text: str) -> str:
    """Return text without quoted earlier messages, keeping signatures and footers."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_cut_quotes(text.split("\n"), text)).strip()
