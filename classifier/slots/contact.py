"""Who to greet: the first name of the human who signed, if one did."""

from __future__ import annotations

import re

from classifier.parse import Message
from classifier.slots.words import COMPANY_WORDS, JOB_LINE, WordSet, squash

_SIGN_OFF = re.compile(
    r"^\s*(?:best|best regards|kind regards|kindest regards|warm regards|warmest regards|regards"
    r"|many thanks|thanks|thanks again|thank you|thanks so much|thanks a lot|cheers|sincerely"
    r"|yours sincerely|sincerely yours|yours faithfully|yours truly|all the best|best wishes"
    r"|warmly|warm wishes|talk soon|speak soon|respectfully|with gratitude|take care|with thanks"
    r"|sending good vibes|onward|regards and thanks|with best wishes|with kind regards|best of luck"
    r"|good luck|thanks and regards|many thanks again|sorry again|apologies again"
    r"|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|freundliche grüsse"
    r"|viele grüße|viele grüsse|beste grüße|beste grüsse|liebe grüße|herzliche grüße|lg|vg"
    r"|schöne grüße|gruß|grüße|cordialement|bien cordialement|bien à vous|salutations|à bientôt"
    r"|bonne journée|amitiés|belle journée|un saludo|saludos|saludos cordiales|atentamente"
    r"|un abrazo|un cordial saludo|met vriendelijke groet|vriendelijke groet|groeten"
    r"|hartelijke groet|groet|cordiali saluti|saluti|distinti saluti|un caro saluto|a presto"
    r"|atenciosamente|abraços|abraço|cumprimentos|com os melhores cumprimentos"
    r"|med vänliga hälsningar|vänliga hälsningar|hälsningar|mvh|vänligen|hälsar"
    r"|med venlig hilsen|venlig hilsen|de bedste hilsner|bedste hilsner|mange hilsner|hilsen"
    r"|med vennlig hilsen|vennlig hilsen|beste hilsen|hilsener|vh|ystävällisin terveisin"
    r"|ystävällisesti|terveisin|parhain terveisin|z poważaniem|pozdrawiam|pozdrawiam serdecznie"
    r"|z wyrazami szacunku|serdecznie pozdrawiam|łączę pozdrowienia|s pozdravem|se srdečným pozdravem"
    r"|s přátelským pozdravem|zdraví|děkuji)"
    r"(?:[\s,.!–—-]*$|\s*[,.!–—-]+\s*(?P<rest>\S.{0,40})$)",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|hallo|liebe[rs]?|sehr|guten|bonjour|cher|chère|hola|estimad[oa]"
    r"|querid[oa]|beste|hoi|ciao|gentile|caro|cara|olá|oi|prezad[oa]|hej|g'day|morning)\b",
    re.IGNORECASE,
)
_TEAM_WORDS = WordSet(
    "team talent career careers hr human resources people hiring acquisition department group "
    "staff office service services support notification notifications noreply no-reply the your "
    "our equipo équipe l'équipe abteilung ihr ihre das die recrutement ressources humaines "
    "selección recursos humanos afdeling risorse umane inc ltd llc gmbh company job jobs "
    "admissions university school hospital bank committee panel board desk centre center council "
    "partner partners agency sent mailbox www personeelszaken werving selectie personeel",
    prefixes=("recruit", "personal", "rekrytering", "corp"),
)
_TITLES = frozenset(
    {"dr", "mr", "ms", "mrs", "prof", "herr", "frau", "mme", "m", "sr", "sra"}
    # Czech and Slovak academic titles, written before the name: "Ing. Lenka Horáková"
    | {"ing", "mgr", "mudr", "judr", "phdr", "rndr", "bc", "doc", "pan", "pani", "inż"}
)
_PARTICLES = frozenset({"de", "van", "von", "da", "del", "der", "di", "du", "la", "le", "dos"})
_NAME_WORD = re.compile(r"^[A-ZÀ-ÞĀ-Ž][^\W\d_]*(?:['’-][^\W\d_]+)*\.?$")
_KISSES = re.compile(r"\s+(?:x+|xo+|:\)|🙂|😊)$", re.IGNORECASE)
_NOREPLY = re.compile(r"no-?reply|do-?not-?reply|notifications?@|mailer|bounce", re.IGNORECASE)


def is_noreply(address: str) -> bool:
    """Return True when an address is a no-reply system address."""
    return bool(_NOREPLY.search(address))


_TEAM_LINE = re.compile(
    r"(?:^|[,|–—-]\s*|\s)(?:the\s+)?(?:[\w&'’-]+\s+){0,4}(?:team|talent acquisition|recruiting|recruitment"
    r"|hr|human resources|people(?: ops| operations)?|careers|hiring|recruiters?|personalabteilung"
    r"|rekrytering|recrutement|rh|rrhh|recursos humanos|selección|admissions)\b(?:\s+(?:at|@)\s+.*)?$",
    re.IGNORECASE,
)


TEAM_HINT = WordSet(
    "team talent recruiting recruitment hr human people careers hiring recruiter recruiters "
    "personalabteilung rekrytering recrutement rh rrhh recursos selección admissions"
)


_COUPLE = re.compile(r"^([^\W\d_]+) (?:&|and|und|et|y) [^\W\d_]+ ")
_PRONOUNS = re.compile(r"\s*\((?:she|he|they)/\w+\)\s*$")
_DISPLAY_SPLIT = re.compile(r"\s+(?:via|at|from|@|\||-|–|—|/)\s+|,")
_NOT_LETTER = re.compile(r"[^a-z]")


def name_words(line: str) -> list[str]:
    """Return the words of line when it reads as a person's name, else []."""
    line = line.strip().lstrip("-–—~ ").strip()
    # cheap shape test first: most lines are sentences, and the word regexes below are slow
    if not line or len(line) > 60 or line.count(" ") > 6 or not line[0].isupper():
        return []
    line = _KISSES.sub("", line)
    line = _COUPLE.sub(r"\1 ", line)
    line = _PRONOUNS.sub("", line)
    words = [w.strip(",") for w in line.split() if w.strip(",")]
    words = [w for w in words if w.lower().rstrip(".") not in _TITLES]
    if not 1 <= len(words) <= 4:
        return []
    if not all(_NAME_WORD.match(w) or w.lower() in _PARTICLES for w in words):
        return []
    if len(words[0].rstrip(".")) < 2 or words[0].lower() in _PARTICLES:
        return []
    if (
        _GREETING.match(line)
        or JOB_LINE.search(line)
        or COMPANY_WORDS.search(line)
        or _TEAM_WORDS.search(line)
    ):
        return []
    return words


def _person_first_name(line: str) -> str:
    words = name_words(line)
    return words[0].rstrip(".") if words else ""


def sender_person(msg: Message) -> list[str]:
    """Return the name words of the sender's display name when it names a person."""
    name = _DISPLAY_SPLIT.split(msg.from_name)[0]
    return name_words(name)


# Sign-offs that people follow with their first name on the same line, without a comma.
_SIGN_OFF_NAME = re.compile(
    r"^\s*(?:hilsen|mvh|vh|terveisin|pozdrawiam|pozdrowienia|zdraví|cheers|thanks|groetjes|hälsningar"
    r"|gruß|grüße|saludos|abraços)\s+(?P<name>(?-i:[A-ZÀ-ÞĀ-Ž][^\W\d_]+))\s*$",
    re.IGNORECASE,
)
_TEAM_WORD = re.compile(
    r"^(?:\w+[-]?)?(?:team(?:et)?|tiimi|teamet|rekrut\w*|rekry\w*|recruit\w*|talent\w*|personal\w*"
    r"|hr(?:-\w+)?|kariér\w*|kariera|nábor\w*|zespół)$",
    re.IGNORECASE,
)


def _is_team_or_company(line: str, sender: list[str], domain_key: str) -> bool:
    """Return True when a signature line names a team or the company rather than a person."""
    words = line.split()
    if not words:
        return False
    first = words[0].strip(",").lower()
    if _TEAM_WORD.match(first):
        return True
    first = squash(first)
    # the company signs: its first word is in the sender's domain, and the sender is not this person
    return (
        len(first) >= 4
        and first in domain_key
        and not (sender and sender[0].rstrip(".").lower() == first)
    )


_MAX_SIGN_OFF = 90  # characters: the longest sign-off phrase with a name after it is far shorter


def signature_start(lines: list[str], msg: Message) -> tuple[int, str]:
    """Return the index of the signer's name line and the first name; (-1, '') when none."""
    sender = sender_person(msg)
    local = _NOT_LETTER.sub("", msg.from_addr.partition("@")[0].lower())
    domain_key = squash(msg.from_addr.partition("@")[2])
    tail_start = max(0, len(lines) - 25)
    for i in range(len(lines) - 1, tail_start - 1, -1):
        if not lines[i] or len(lines[i]) > _MAX_SIGN_OFF:
            continue  # a sign-off line is short: skip the two long regexes on every other line
        named = _SIGN_OFF_NAME.match(lines[i])
        if named:  # "Hilsen Eirik", "Cheers Dev": the sign-off and the name on one line
            return i, named.group("name")
        match = _SIGN_OFF.match(lines[i])
        if not match:
            continue
        rest = (match.group("rest") or "").strip()
        if rest and rest[0].isupper():
            return i, _person_first_name(rest)
        following = [j for j in range(i + 1, min(len(lines), i + 4)) if lines[j] not in ("", "--")]
        if not following:
            return i, ""
        signer = lines[following[0]]
        if _is_team_or_company(signer, sender, domain_key):
            return following[0], ""  # "Med vennlig hilsen / Bøkeskog Barnehager": nobody to greet
        name = _person_first_name(signer)
        if not name and "," in signer and TEAM_HINT.search(signer):
            name = _person_first_name(signer.split(",")[0])  # "Saoirse, People Team at Lumenfold"
        return following[0], name
    # No sign-off: a name line near the end that the sender's name, address or title confirms.
    if sender and len(sender[0]) >= 4 and sender[0].lower() in domain_key:
        sender = []  # "Heronsgate Leisure <recruitment@heronsgate.co.uk>" is not a person
    for i in range(len(lines) - 1, tail_start - 1, -1):
        line = lines[i]
        if not line or len(line) > 70:
            continue
        team = _TEAM_LINE.search(line) if TEAM_HINT.search(line) else None
        if team and team.start() == 0:
            return -1, ""  # a team signs: nobody to greet by name
        if team:
            line = line[: team.start()]  # "Saoirse, People Team at Lumenfold"
        words = name_words(line.strip(" ,-–—|"))
        if not words:
            continue
        if (
            len(words[0]) >= 4
            and words[0].lower() in domain_key
            and not (sender and sender[0].lower() == words[0].lower())
        ):
            continue
        first = words[0].rstrip(".")
        if team:
            return i, first  # the name signs for the team on the same line
        lowered = [w.lower().rstrip(".") for w in words]
        nxt = next((x for x in lines[i + 1 : i + 3] if x), "")
        nxt = nxt if len(nxt) <= 60 else ""
        if (
            (sender and sender[0].rstrip(".").lower() == lowered[0])
            or (len(local) > 2 and any(len(w) > 2 and w in local for w in lowered))
            or (len(words) >= 2 and JOB_LINE.search(nxt))
        ):
            return i, first
    return -1, ""


def find_contact_name(text: str, msg: Message | None = None) -> str:
    """Return the first name of the human who signed text, or '' for a team or no signature."""
    lines = [line.strip() for line in text.split("\n")]
    empty = Message(message_id="", subject="", from_name="", from_addr="")
    return signature_start(lines, msg or empty)[1]
