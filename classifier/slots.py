"""Find who to greet, the company and the role in a message, where it states them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifier.parse import Message
from classifier.trim import strip_quotes

_SIGN_OFF = re.compile(
    r"^\s*(?:best|best regards|kind regards|kindest regards|warm regards|warmest regards|regards"
    r"|many thanks|thanks|thanks again|thank you|thanks so much|cheers|sincerely|yours sincerely"
    r"|sincerely yours|yours truly|all the best|best wishes|warmly|warm wishes|talk soon|speak soon"
    r"|respectfully|with gratitude|take care|with thanks|sending good vibes|onward|regards and thanks"
    r"|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|viele grüße|beste grüße"
    r"|liebe grüße|herzliche grüße|lg|vg|cordialement|bien cordialement|bien à vous|salutations"
    r"|bonne journée|amitiés|un saludo|saludos|saludos cordiales|atentamente|un abrazo"
    r"|met vriendelijke groet|vriendelijke groet|groeten|hartelijke groet|cordiali saluti|saluti"
    r"|distinti saluti|un caro saluto|atenciosamente|abraços|cumprimentos|med vänliga hälsningar"
    r"|vänliga hälsningar|hälsningar|mvh)\s*[,.!-]*\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_TEAM_WORDS = re.compile(
    r"\b(?:team|talent|recruit\w*|careers?|hr|human|resources|people|hiring|acquisition|department"
    r"|group|staff|office|services?|support|notifications?|no-?reply|the|your|our|equipo|équipe"
    r"|l'équipe|personal\w*|abteilung|ihr|das|die|recrutement|ressources|humaines|selección"
    r"|recursos|humanos|afdeling|risorse|umane|rekrytering|inc|ltd|llc|gmbh|corp\w*|company|jobs?)\b",
    re.IGNORECASE,
)
_TITLES = frozenset({"dr", "dr.", "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "prof", "prof."})
_NAME_WORD = re.compile(r"^[A-ZÀ-Þ][a-zà-ÿ'’-]+\.?$|^[A-Z]\.$")
_NOREPLY = re.compile(r"no-?reply|do-?not-?reply|notifications?@|mailer|bounce", re.IGNORECASE)
ATS_DOMAINS = (
    "greenhouse",
    "lever.co",
    "workday",
    "smartrecruiters",
    "ashbyhq",
    "icims",
    "personio",
    "teamtailor",
    "recruitee",
    "workable",
    "bamboohr",
    "taleo",
    "successfactors",
    "jobvite",
    "jazzhr",
    "softgarden",
    "rexx",
    "welcometothejungle",
    "breezy",
    "myworkday",
)


@dataclass(frozen=True)
class Slots:
    """What a reply needs to name: the person to greet, the company and the role."""

    contact_name: str = ""
    company: str = ""
    role: str = ""


def is_noreply(address: str) -> bool:
    """Return True when an address is a no-reply system address."""
    return bool(_NOREPLY.search(address))


def _person_first_name(line: str) -> str:
    words = [w.strip(",") for w in re.split(r"\s+", line.strip().lstrip("-–— ").strip()) if w]
    words = [w for w in words if w.lower() not in _TITLES]
    if not 1 <= len(words) <= 4 or _TEAM_WORDS.search(line):
        return ""
    if not all(
        _NAME_WORD.match(w) or w.lower() in {"de", "van", "von", "da", "del", "der"} for w in words
    ):
        return ""
    return words[0].rstrip(".")


def find_contact_name(text: str) -> str:
    """Return the first name of the human who signed text, or '' for a team or no signature."""
    lines = [line.strip() for line in text.split("\n")]
    for i in range(len(lines) - 1, -1, -1):
        match = _SIGN_OFF.match(lines[i])
        if not match:
            continue
        rest = match.group("rest").strip()
        if rest:
            return _person_first_name(rest)
        following = [line for line in lines[i + 1 : i + 4] if line and line != "--"]
        return _person_first_name(following[0]) if following else ""
    return ""


_ROLE_TOKEN = r"(?:[A-Z0-9ÀÉÈÖÜÄ][\w+#./&'’()-]*|of|and|for|in|de|des|du|der|die|y|e|en|-|–|/|&|\(m/w/d\)|\(f/h\)|\(h/f\)|\(w/m/d\))"
_ROLE_SPAN = rf"(?P<role>[A-Z][\w+#./&'’-]*(?:[ \t]+{_ROLE_TOKEN}){{0,7}})"
_ROLE_PATTERNS = [
    re.compile(p)
    for p in (
        rf"\b(?:for|of|as|to)\s+(?:the|our|a|an)?\s*{_ROLE_SPAN}\s+(?:position|role|opening|vacancy|job|post)\b",
        rf"\b(?:position|role|post|opening|vacancy) (?:of|as)\s+(?:a |an )?{_ROLE_SPAN}",
        rf"\b(?:the|our|this)\s+{_ROLE_SPAN}\s+(?:position|role|opening|vacancy|job|post|team)\b",
        rf"\b(?:join (?:us|the team|our team) as|hire you as|offer you the)\s+(?:a |an |our )?{_ROLE_SPAN}",
        rf"(?:[Aa]pplication|[Cc]andidacy|[Bb]ewerbung|[Cc]andidature|[Cc]andidatura|[Ss]ollicitatie)"
        rf"\s*(?:for|to|als|as|:|pour|au poste de|para|como|per)\s+(?:the\s+)?(?:position\s+(?:of\s+)?)?{_ROLE_SPAN}",
        rf"\b(?:Stelle als|Position als|poste de|puesto de|posición de|ruolo di|posizione di|functie van|functie als|vaga de|tjänsten som)\s+{_ROLE_SPAN}",
    )
]
_ROLE_STOP = re.compile(r"\s+(?:-|–|/|&|of|and|for|in|de|des|du|der|die|y|e|en|at|with|bei|chez)$")


def find_role(subject: str, text: str) -> str:
    """Return the job title the message gives, or ''."""
    for source in (subject, text[:3000]):
        for pattern in _ROLE_PATTERNS:
            match = pattern.search(source)
            if match:
                role = match.group("role").strip(" .,:;")
                role = re.split(
                    r"\s+(?:at|with|bei|chez|en|presso|bij|hos|position|role)\s+", role
                )[0]
                while _ROLE_STOP.search(role):
                    role = _ROLE_STOP.sub("", role)
                if len(role) > 2 and role.lower() not in {"this", "the", "our", "your"}:
                    return role
    return ""


_COMPANY_SUFFIX = re.compile(
    r"\s*(?:[-|–,:]\s*)?(?:via \w+|careers?|karriere|jobs|recruiting|recruitment|talent(?: acquisition)?"
    r"|hiring|hr|human resources|people(?: ops| team)?|team|the|recrutement|empleo|notifications?"
    r"|personalabteilung|rh|rrhh|talent team|hiring team)\s*$",
    re.IGNORECASE,
)
_COMPANY_SPAN = (
    r"(?P<co>[A-Z][\w&'’-]*(?:\.[A-Za-z]+)?(?:[ \t]+(?:[A-Z][\w&'’-]*|&|of|and|de|la|des|du)){0,4})"
)
_COMPANY_PATTERNS = [
    re.compile(p)
    for p in (
        rf"\b(?:at|with|join|joining|from|to|bei|chez|en|di|bij|hos|presso|für)\s+{_COMPANY_SPAN}",
        rf"{_COMPANY_SPAN}\s+(?:team|Team|family|GmbH|AG|SAS|S\.A\.|S\.L\.|B\.V\.|S\.p\.A\.|AB|Ltd|Inc)\b",
    )
]
_NOT_COMPANY = re.compile(
    r"^(?:The|This|We|Our|Your|You|I|It|Thank|Thanks|Unfortunately|Dear|Hi|Hello|Monday|Tuesday"
    r"|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August"
    r"|September|October|November|December|Q\d|LinkedIn|Greenhouse|Workday|Lever|Zoom|Teams|Google"
    r"|Ihre|Ihnen|Sie|Vous|Nous|Usted|Le|La|Les|El|Los|Das|Die|Der|Mr|Ms|Mrs|Dr|Re|Fwd|AW)\b"
)


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _domain_key(address: str) -> str:
    local, _, domain = address.partition("@")
    parts = domain.split(".")
    if any(ats in domain for ats in ATS_DOMAINS):
        # ATS mail names the company in a subdomain or the local part: acme.greenhouse-mail.io
        return _squash(parts[0] if len(parts) > 2 else local)
    return _squash(parts[-2] if len(parts) >= 2 else domain)


def find_company(msg: Message, text: str, contact_name: str) -> str:
    """Return the hiring company as people write it, or ''."""
    key = _domain_key(msg.reply_to or msg.from_addr)
    candidates: dict[str, int] = {}
    display = _COMPANY_SUFFIX.sub("", _COMPANY_SUFFIX.sub("", msg.from_name)).strip(" -|,")
    if display and not _person_first_name(display):
        candidates[display] = 3
    for source in (msg.subject, text[:4000]):
        for pattern in _COMPANY_PATTERNS:
            for match in pattern.finditer(source):
                co = match.group("co").strip(" .,'’")
                if _NOT_COMPANY.match(co) or (contact_name and co.startswith(contact_name)):
                    continue
                candidates[co] = candidates.get(co, 0) + 1
    best, best_score = "", 0.0
    for co, count in candidates.items():
        squashed = _squash(co)
        score = float(count)
        if (
            key
            and len(key) > 2
            and (squashed == key or key.startswith(squashed) or squashed.startswith(key))
        ):
            score += 10
        if score > best_score:
            best, best_score = co, score
    return best if best_score >= 2 else ""


def extract_slots(msg: Message) -> Slots:
    """Return the contact name, company and role a message states."""
    text = strip_quotes(msg.text)
    contact = find_contact_name(text)
    return Slots(
        contact_name=contact,
        company=find_company(msg, text, contact),
        role=find_role(msg.subject, text),
    )
