"""Find who to greet, the company and the role in a message, where it states them.

Every rule prefers an empty slot to a wrong one: a draft that omits the company reads fine,
a draft that names the wrong one does not.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from classifier.parse import Message
from classifier.trim import strip_quotes


class _WordSet:
    """A word list tested by set lookup: far faster than a regex of many alternatives."""

    def __init__(self, words: str, prefixes: tuple[str, ...] = ()) -> None:
        self.words = frozenset(words.split())
        self.prefixes = prefixes

    def search(self, line: str) -> bool:
        """Return True when a word of line is in the set or starts with a listed prefix."""
        for word in _WORD.findall(line.lower()):
            if word in self.words or (self.prefixes and word.startswith(self.prefixes)):
                return True
        return False


_WORD = re.compile(r"[^\W_][\w'’/-]*")


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
_TEAM_WORDS = _WordSet(
    "team talent career careers hr human resources people hiring acquisition department group "
    "staff office service services support notification notifications noreply no-reply the your "
    "our equipo équipe l'équipe abteilung ihr ihre das die recrutement ressources humaines "
    "selección recursos humanos afdeling risorse umane inc ltd llc gmbh company job jobs "
    "admissions university school hospital bank committee panel board desk centre center council "
    "partner partners agency sent mailbox www",
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
# Signature lines that say what the signer does; they confirm the line above is a name.
_JOB_LINE = _WordSet(
    "manager director recruiter recruitment talent coordinator officer lead head partner "
    "consultant specialist founder co-founder ceo cto coo cfo owner vp president principal "
    "associate advisor adviser administrator supervisor engineer hr people chef editor "
    "professor dean teacher assistant sourcer generalist business executive responsable chargé "
    "chargée directeur directrice gérant gérante gerente responsabile director directora jefe "
    "jefa diretor diretora chefe ansvarig managing dispatcher superintendent foreman secretary",
    prefixes=(
        "leiter",
        "referent",
        "personal",
        "geschäftsführ",
        "inhaber",
        "hr-",
        "rekryter",
        "chef",
    ),
)


# Words that make a capitalised line a business, not a person: "Hollow Oak Farms".
_COMPANY_WORDS = _WordSet(
    "food foods analytics lab labs systems bank health healthcare farm farms group holdings "
    "partners consulting solutions technologies tech software studio studios industries "
    "logistics freight energy insurance aerospace pharma capital ventures media digital retail "
    "hotel hotels hospitality restaurant restaurants kitchen bakery brewing brewery cafe café "
    "clinic dental medical university college academy school institute council services agency "
    "search executive talent ag gmbh ltd inc llc llp plc co sa sas bv ab spa srl oy as a/s pvt "
    "outdoor marine motors cycles bikes wines furniture construction engineering manufacturing "
    "electric networks cloud data security finance financial credit union trust foundation "
    "verlag stadtwerke werke bau haustechnik groupe cabinet maison studio gruppo grupo hoteles "
    "transportes laboratórios laboratorios construtora zorggroep waterschap kommun",
    prefixes=("versicherung",),
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


_TEAM_LINE = re.compile(
    r"(?:^|[,|–—-]\s*|\s)(?:the\s+)?(?:[\w&'’-]+\s+){0,4}(?:team|talent acquisition|recruiting|recruitment"
    r"|hr|human resources|people(?: ops| operations)?|careers|hiring|recruiters?|personalabteilung"
    r"|rekrytering|recrutement|rh|rrhh|recursos humanos|selección|admissions)\b(?:\s+(?:at|@)\s+.*)?$",
    re.IGNORECASE,
)


_TEAM_HINT = _WordSet(
    "team talent recruiting recruitment hr human people careers hiring recruiter recruiters "
    "personalabteilung rekrytering recrutement rh rrhh recursos selección admissions"
)


def _name_words(line: str) -> list[str]:
    """Return the words of line when it reads as a person's name, else []."""
    line = line.strip().lstrip("-–—~ ").strip()
    # cheap shape test first: most lines are sentences, and the word regexes below are slow
    if not line or len(line) > 60 or line.count(" ") > 6 or not line[0].isupper():
        return []
    line = _KISSES.sub("", line)
    line = re.sub(r"^([^\W\d_]+) (?:&|and|und|et|y) [^\W\d_]+ ", r"\1 ", line)
    line = re.sub(r"\s*\((?:she|he|they)/\w+\)\s*$", "", line)
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
        or _JOB_LINE.search(line)
        or _COMPANY_WORDS.search(line)
        or _TEAM_WORDS.search(line)
    ):
        return []
    return words


def _person_first_name(line: str) -> str:
    words = _name_words(line)
    return words[0].rstrip(".") if words else ""


def _sender_person(msg: Message) -> list[str]:
    """Return the name words of the sender's display name when it names a person."""
    name = re.split(r"\s+(?:via|at|from|@|\||-|–|—|/)\s+|,", msg.from_name)[0]
    return _name_words(name)


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
    first = _squash(first)
    # the company signs: its first word is in the sender's domain, and the sender is not this person
    return (
        len(first) >= 4
        and first in domain_key
        and not (sender and sender[0].rstrip(".").lower() == first)
    )


def _signature_start(lines: list[str], msg: Message) -> tuple[int, str]:
    """Return the index of the signer's name line and the first name; (-1, '') when none."""
    sender = _sender_person(msg)
    local = re.sub(r"[^a-z]", "", msg.from_addr.partition("@")[0].lower())
    domain_key = _squash(msg.from_addr.partition("@")[2])
    tail_start = max(0, len(lines) - 25)
    for i in range(len(lines) - 1, tail_start - 1, -1):
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
        if not name and "," in signer and _TEAM_HINT.search(signer):
            name = _person_first_name(signer.split(",")[0])  # "Saoirse, People Team at Lumenfold"
        return following[0], name
    # No sign-off: a name line near the end that the sender's name, address or title confirms.
    if sender and len(sender[0]) >= 4 and sender[0].lower() in domain_key:
        sender = []  # "Heronsgate Leisure <recruitment@heronsgate.co.uk>" is not a person
    for i in range(len(lines) - 1, tail_start - 1, -1):
        line = lines[i]
        if not line or len(line) > 70:
            continue
        team = _TEAM_LINE.search(line) if _TEAM_HINT.search(line) else None
        if team and team.start() == 0:
            return -1, ""  # a team signs: nobody to greet by name
        if team:
            line = line[: team.start()]  # "Saoirse, People Team at Lumenfold"
        words = _name_words(line.strip(" ,-–—|"))
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
            or (len(words) >= 2 and _JOB_LINE.search(nxt))
        ):
            return i, first
    return -1, ""


def find_contact_name(text: str, msg: Message | None = None) -> str:
    """Return the first name of the human who signed text, or '' for a team or no signature."""
    lines = [line.strip() for line in text.split("\n")]
    empty = Message(message_id="", subject="", from_name="", from_addr="")
    return _signature_start(lines, msg or empty)[1]


# ---------------------------------------------------------------- role
_ROLE_HEAD = _WordSet(
    "accountant adjuster administrator adviser adviseur advisor advocate agent agronomist aide "
    "analist analista analyst analyste apprentice architect archivist artist assistant assistante "
    "assistent associate attorney auditor auxiliar avvocato backendutvecklare baker banker "
    "barista bartender berater beraterin bookseller brewer broker buyer cameriere caregiver "
    "carpenter cashier ceo cfo chargé chargée chef clerk coach coder comptable consultant "
    "consultante contractor controller coo cook coordinator copywriter counsel counsellor "
    "counselor crew cto dentist desarrollador desarrolladora desenvolvedor desenvolvedora "
    "designer developer devops directeur director directrice diseñador diseñadora dispatcher "
    "driver développeur développeuse editor educator ekonomiassistent electrician elingenjör "
    "enfermeira enfermeiro enfermera enfermero engenheira engenheiro engineer entwickler "
    "entwicklerin erzieher erzieherin estimator executive fastighetsförvaltare fellow florist "
    "geologist gerente guide hand handler handläggare head hospitalist host housekeeper hygienist "
    "illustrator infirmier infirmière ingegnere ingeniera ingeniero ingenieur ingenieurin "
    "ingenjör ingénieur ingénieure inspector instructor intern investigator jefa jefe kauffrau "
    "kaufmann konstrukteur lawyer lead lecturer leiter leiterin librarian machinist manager "
    "marketer mechanic medewerker merchandiser modeller nurse officer ontwikkelaar operator "
    "organizer owner paralegal partner pflegefachkraft pharmacist photographer pilot planer "
    "planerin planner plumber postdoc postdoctoral practitioner praktikant praktikantin "
    "praticante producer productieleider professor progettista programmer qa rececionista "
    "recepcionista receptionist redakteur redakteurin referent referentin representative "
    "researcher responsabile responsable sachbearbeiter sachbearbeiterin sachbearbeitung "
    "scientist secretary server solicitor specialist sre steward stewardess strategist supervisor "
    "surgeon surveyor sviluppatore säljare teacher technician technicien technicienne "
    "technologist tester therapist trainee trainer tutor técnica técnico ui utvecklare ux vendeur "
    "vendeuse verpleegkundige vp welder werkstudent werkstudentin worker writer",
    prefixes=(
        "engineer",
        "manag",
        "develop",
        "analy",
        "design",
        "technic",
        "assist",
        "coordinat",
        "special",
        "consult",
        "direct",
        "supervis",
        "officer",
        "nurse",
        "teacher",
        "scientist",
        "research",
        "architect",
        "operator",
    ),
)
_ROLE_WORD = r"(?:[\w+#/&'’.()-]+)"
_ROLE_CAP = r"(?:[A-Z0-9ÀÉÈÖÜÄ][\w+#/&'’.()-]*|of|and|in|for|de|d'|-|–|/|&)"
_GENERIC = re.compile(
    r"^(?:re|fwd?|aw|wg|sv|tr|rv|r|update|application|your application|status|news|offer|decision"
    r"|feedback|outcome|next steps|thank you|thanks|follow(?:ing)? up|timing|on hold|on pause"
    r"|paused|job offer|offer letter|offer of employment|contract offer|candidate feedback"
    r"|application status|application update|application outcome|keeping in touch|interview"
    r"|your offer|our offer|congratulations|welcome|an alternative offer|good news|regret"
    r"|ihre bewerbung|bewerbung|votre candidature|candidature|candidatura|sollicitatie"
    r"|je sollicitatie|ansökan|proposta|proposition|offerta|oferta|aanbod|erbjudande"
    r"|vertragsangebot|absage|zusage|actualización|información|esito|retorno|besked)\b.*$",
    re.IGNORECASE,
)
_ROLE_TRAIL = re.compile(
    r"\s*(?:\((?:m/w/d|w/m/d|m/f/d|f/m/d|h/f|f/h|m/f|all genders|gn\*?)\)|role|position|job"
    r"|application|opening|vacancy|post|seat|spot|req(?:uisition)?\.? ?#?\s*\d+"
    r"|\((?:req|ref|posting|job)[^)]*\)|#\s*\d+)\s*$",
    re.IGNORECASE,
)
_SUBJECT_ROLE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"(?:application|applying|candidacy|interest)\s+(?:for|to)\s+(?:the\s+)?(?:position\s+of\s+)?"
        r"(?P<role>.+?)(?:\s+(?:at|with)\s+.+)?$",
        r"^(?:job\s+)?offer(?: letter)?\s*(?:for|:|-|–)\s*(?P<role>.+)$",
        r"(?:bewerbung|bewerbung als|bewerbung:|bewerbung -)\s+(?:als\s+)?(?P<role>.+)$",
        r"(?:candidature|candidatura|sollicitatie|ansökan)\s+(?:au poste d[e']\s*|als\s+|para\s+|per\s+"
        r"|till\s+|som\s+|pour le poste de\s+|-\s+|:\s+)(?P<role>.+)$",
        r"(?:poste d[e']|tjänsten som|functie|rekryteringen av|vacante|stelle als)\s*(?P<role>.+)$",
    )
]
_ROLE_SPAN = rf"(?P<role>{_ROLE_CAP}(?:[ \t]+{_ROLE_CAP}){{0,6}})"
# after a specific foreign anchor ("au poste de ..."), titles run on in lowercase until a verb
_FREE_ROLE_SPAN = (
    r"(?P<role>[^\W\d_][\w'’/()-]*(?: (?!(?:a|et|y|e|und|en|bei|chez|pour|para|à|au|dans|in|at"
    r"|with|ha|hat|est|es|é|ist|wurde|bij|hos|och|presso|que|qui|che|die|der|das|le|la|el|il|da"
    r"|wird|se|si|nous|wir|vi|we|n'a|ne|no|non|nicht|inte|niet)\b)[\w'’/()-]+){0,4})"
)
# Literal anchors without a leading \b: the regex engine then skips ahead by first character,
# several times faster; the word boundary before the anchor is checked in Python instead.
# Each pattern says whether its span must contain a job noun to be trusted.
_BODY_ROLE: list[tuple[re.Pattern[str], bool]] = [
    (re.compile(p), needs_head)
    for p, needs_head in (
        (
            r"(?:Position|Role|Job title|Job Title|Title|Poste|Stelle|Puesto|Functie|Vacature"
            r"|Vacancy|Tjänst|Função|Ruolo|Vaga)(?: \d+)?[ \t]*:[ \t]*" + _ROLE_SPAN,
            False,
        ),
        (r"(?:position|role|post) (?:of|as) (?:an? )?" + _ROLE_SPAN, False),
        (
            r"(?:the|our|this|your|for|as|The|Our|This|Your) "
            + _ROLE_SPAN
            + r"[ \t]+(?:position|role|opening|vacancy|job|post|seat|spot|req)\b",
            True,
        ),
        (
            r"(?:join us as|join the team as|join our team as|hire you as|offer you the"
            r"|offer you a|as our|as an?) " + _ROLE_SPAN,
            True,
        ),
        (
            r"(?:poste d[e']|au poste d[e']|puesto de|posición de|ruolo di|posizione di|vaga de"
            r"|cargo de) ?" + _FREE_ROLE_SPAN,
            False,
        ),
        (
            # German and Dutch write nouns capitalised, so the title ends at the first lowercase word
            r"(?:Stelle als|Position als|Bewerbung als|bewerbung als|functie van|functie als"
            r"|tjänsten som) ?" + _ROLE_SPAN,
            False,
        ),
        (r"(?:als|som|as) " + _ROLE_SPAN, True),
    )
]
# lowercase titles: "the junior designer role"; found from the noun backwards, cheaply
_ROLE_NOUN = re.compile(r" (?:position|role|opening|vacancy|job|post)\b")
_LOWER_ROLE = re.compile(r"(?:the|our|this|your|as) (?P<role>(?:[a-z][\w-]* ){0,3}[a-z][\w-]*)$")
_ROLE_BAD_START = re.compile(
    r"^(?:the|a|an|this|that|our|your|same|new|open|next|other|current|final|full|whole|first"
    r"|second|one|any|it|we|i|you|offer|position|role|job|part|team|interview|process|above)\b",
    re.IGNORECASE,
)
_ROLE_TAIL_WORDS = re.compile(
    r"(?:\s+(?:-|–|/|&|of|and|for|in|de|des|du|der|die|y|e|en|at|with|bei|chez|on|to|is|was"
    r"|here|there|role|position|job|team))+$",
    re.IGNORECASE,
)


# What subjects put around a title: "Level Designer offer", "Regarding the Agronomist",
# "Freelance Copywriter (6 months)", "Policy Officer, Ref KBC/4471", "Analyst, start Monday".
_ROLE_SUBJECT_HEAD = re.compile(
    r"^(?:(?:regarding|about|re|your|our|the|position|job id\s*\d+|proceso|selezione|processus)\s+)+",
    re.IGNORECASE,
)
_ROLE_SUBJECT_TAIL = re.compile(
    r"(?:\s+\+.*|\s*\([^)]*$|\s*\(\s*(?:\d+\s*(?:months?|weeks?)|[\w/-]*\d[\w/-]*)\s*\)"
    r"|\s*\([^)]*(?:client|contract|temp\b|freelance)[^)]*\)"
    r"|,\s+(?:ref\b|start\b|(?-i:[a-z])).*|\s+(?:offer|interview|outcome|update|search|opportunit(?:y|ies)"
    r"|requisition|on hold|recruitment|candidacy|audition|loop|appointment|decision|feedback"
    r"|status|next steps|start date|application update|process))+$",
    re.IGNORECASE,
)


def _clean_role(role: str) -> str:
    role = _cut_at_sentence_end(role).strip(" .,:;!?-–—\"'“”")
    role = re.split(r"\s+(?:at|with|bei|chez|presso|bij|hos|for|in our|on the|within)\s+", role)[0]
    for _ in range(3):
        role = _ROLE_TRAIL.sub("", role).strip(" .,:;-–—")
        role = _ROLE_TAIL_WORDS.sub("", role).strip(" .,:;-–—")
        role = _ROLE_SUBJECT_HEAD.sub("", role)
        role = _ROLE_SUBJECT_TAIL.sub("", role).strip(" .,:;-–—")
    return role


def _role_from_subject(subject: str, company: str) -> str:
    subject = re.sub(r"^(?:\s*(?:re|fwd?|aw|wg|sv|tr|rv)\s*:\s*)+", "", subject, flags=re.I)
    for pattern in _SUBJECT_ROLE:
        match = pattern.search(subject)
        if match:
            role = _clean_role(re.split(r"\s+[-–—|:]\s+|\s*\(", match.group("role"))[0])
            if role and not _GENERIC.match(role) and _squash(role) != _squash(company):
                return role
    company_key = _squash(company)
    for part in re.split(r"\s+[-–—|]\s+|:\s+|\s*!\s*", subject):
        role = _clean_role(part)
        if not role or _GENERIC.match(role) or len(role) > 60:
            continue
        if company_key and (_squash(role) == company_key or company_key in _squash(role)):
            continue
        if _ROLE_HEAD.search(role):
            return role
    return ""


def find_role(subject: str, text: str, company: str = "") -> str:
    """Return the job title the message gives, or ''."""
    role = _role_from_subject(subject, company)
    if role:
        return role
    body = text[:3000]
    company_key = _squash(company)
    for pattern, needs_head in _BODY_ROLE:
        for match in pattern.finditer(body):
            if match.start() and body[match.start() - 1].isalnum():
                continue  # the anchor was the end of a longer word
            role = _clean_role(match.group("role"))
            if len(role) < 3 or _ROLE_BAD_START.match(role) or _squash(role) == company_key:
                continue
            if not needs_head or _ROLE_HEAD.search(role):
                return role
    for match in _ROLE_NOUN.finditer(body):
        lower = _LOWER_ROLE.search(body, max(0, match.start() - 50), match.start())
        if lower:
            role = _clean_role(lower.group("role"))
            if len(role) > 2 and not _ROLE_BAD_START.match(role) and _ROLE_HEAD.search(role):
                return role
    return ""


# ---------------------------------------------------------------- company
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
    "myworkdayjobs",
    "adobesign",
    "docusign",
    "hibob",
    "pinpoint",
    "homerun",
    "join.com",
    "jobylon",
    "varbi",
    "talentlyft",
    "applytojob",
    "paylocity",
    "ukg",
    "dayforce",
    "oraclecloud",
)
_FREEMAIL = re.compile(
    r"@(?:gmail|googlemail|yahoo|hotmail|outlook|live|icloud|me|aol|gmx|web|t-online|orange"
    r"|free|laposte|libero|proton|protonmail|mail|yandex|hey)\.",
    re.IGNORECASE,
)
_AGENCY = re.compile(
    r"recruit|staffing|talentpartner|search|exec|headhunt|personnel|resourcing|medstaff"
    r"|placement|personalvermittlung|interim|rekruttering|rekrytointi|henkilöstöpalvelu|rekry"
    r"|bemanning|vikar|personální agentura",
    re.IGNORECASE,
)
# Words in a sender's own domain that mark a recruiter writing for a client: "bridgewaytalent"
_AGENCY_DOMAIN = re.compile(
    r"talent|people|staff|associates|partners|personal|selecta|cabinet|contracting"
    r"|workforce|hirepartners|careers$"
)
# What a sender's display name adds after the company: "Acme Careers", "Acme - Talent Team".
_DISPLAY_SUFFIXES = tuple(
    sorted(
        [
            *"careers career karriere jobs recruiting recruitment hiring hr team notifications "
            "notification recrutement empleo personalabteilung rh rrhh noreply no-reply carrières "
            "emploi jobb rekrytering stellenangebote bewerbermanagement talent people personal "
            "hrm recrutamento selezione selección personeelszaken werving kariéra kariera "
            "rekrytointi rekruttering rekrutacja rekrytering hr-afdelingen personalavdelingen"
            "".split(),
            "personální oddělení",
            "ufficio personale",
            "recruiting office",
            "staffing office",
            "early careers",
            "graduate recruitment",
            "talent acquisition",
            "human resources",
            "people ops",
            "people team",
            "talent team",
            "hiring team",
            "recruiting team",
            "careers team",
            "recursos humanos",
            "lavora con noi",
            "werken bij",
            "university recruiting",
            "campus recruiting",
            "hr team",
            "hr-service",
            "recruitment team",
        ],
        key=len,
        reverse=True,
    )
)


def _strip_display_suffix(name: str) -> str:
    """Return name without trailing team words: "Acme Robotics Talent Team" -> "Acme Robotics"."""
    changed = True
    while changed and name:
        changed = False
        lowered = name.lower()
        for suffix in _DISPLAY_SUFFIXES:
            if lowered.endswith(suffix) and (
                len(lowered) == len(suffix) or lowered[-len(suffix) - 1] in " -|–—,:"
            ):
                name = name[: -len(suffix)].rstrip(" -|–—,:")
                changed = True
                break
    return name


_COMPANY_PREFIX = re.compile(
    r"^(?:the )?(?:graduate recruitment|recruitment|careers|talent acquisition|hr|jobs|karriere"
    r"|recrutement|people team|talent team)\s*(?:[-|–—:@]|at|bei|chez)\s*"
    # departments that name themselves before the company: "Personalabteilung Kurbeck Immobilien"
    r"|^(?:rrhh|recursos humanos|direction des ressources humaines|ressources humaines"
    r"|direção de recursos humanos|personalabteilung|ausbildung|onboarding|talent acquisition"
    r"|human resources|kariéra|kariera|personální oddělení|rekrutacja|dział kadr|rekrytointi"
    r"|rekruttering)(?:\s*[-|–—:]\s*|\s+)",
    re.IGNORECASE,
)
_COMPANY_SPAN = (
    r"(?P<co>[A-ZÀ-Þ][\w&'’.-]*(?:[ \t]+(?:[A-ZÀ-Þ][\w&'’.-]*|&|of|and|de|la|des|du|del|da|do"
    r"|der|van|di|y|e)){0,5})"
)
_LEGAL = (
    r"(?:GmbH|AG|SAS|SA|S\.A\.|S\.L\.|B\.V\.|BV|S\.p\.A\.|SpA|AB|Ltd\.?|Inc\.?|LLP|LLC|plc|Co\.)"
)
# Legal forms people leave out when they name the company ("Kranich Labs", not "Kranich Labs
# GmbH"); a trailing "Co." stays, as it is part of how such names are written.
_DROP_LEGAL = re.compile(
    r"(?:,?\s+(?:GmbH\s*&\s*Co\.?(?:\s*KG)?|Pvt\.?\s*Ltd\.?|Pte\.?(?:\s*Ltd\.?)?|Ltd\.?|Limited"
    r"|Inc\.?|LLC|LLP|plc|AB|SAS|S\.A\.?|SA|S\.L\.?|B\.V\.?|BV|S\.p\.A\.?|SpA|S\.r\.l\.?|Oy"
    r"|A/S|AS|ASA|KG|GmbH|AG|SE|DAC|Pty\.?(?:\s*Ltd\.?)?|N\.?V\.?|SARL|SRL|Sp\.\s*z\s*o\.o\.?"
    r"|K\.?K\.?|Corp\.?|CPAs?))+$"
    r"|,\s+Co\.?$"
)
_EDGE_WORDS = re.compile(r"(?:\s+(?:&|of|and|de|la|des|du|del|da|do|der|van|di|y|e))+$")
# Anchors before a company name; matched lowercase so the regex engine can skip fast.
_COMPANY_BEFORE = re.compile(
    r"(?:at|join|joining|bei|chez|presso|bij|für|interest in|behalf of|with|from|de la part de"
    r"|au sein de|rejoindre|en|di|hos|i|para|na|no|em|per|voor|von|consider|to) " + _COMPANY_SPAN
)
_COMPANY_AFTER = re.compile(
    r"(?:GmbH|AG|SAS|SA|S\.A\.|S\.L\.|B\.V\.|BV|S\.p\.A\.|SpA|AB|Ltd|Inc|LLP|LLC|plc|Co\.|team"
    r"|family|Team|is an equal opportunity|has decided|has extended|has temporarily|has put"
    r"|has paused|has made|have come back|have decided|have informed|have put|have paused"
    r"|have asked)(?!\w)"
)
_COMPANY_TAIL = re.compile(_COMPANY_SPAN + r"$")
_NOT_COMPANY = re.compile(
    r"^(?:The|This|We|Our|Your|You|I|It|Thank|Thanks|Unfortunately|Dear|Hi|Hello|Monday|Tuesday"
    r"|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August"
    r"|September|October|November|December|Q\d|LinkedIn|Greenhouse|Workday|Lever|Zoom|Teams|Google"
    r"|Meet|Ihre|Ihnen|Sie|Vous|Nous|Usted|Le|La|Les|El|Los|Das|Die|Der|Mr|Ms|Mrs|Dr|Re|Fwd|AW"
    r"|All|Any|Some|Please|Best|Kind|Regards|Cheers|Sincerely|HR|Talent|Recruitment|Careers"
    r"|Engineering|Product|Marketing|Sales|Finance|Operations|Legal|Design|Data|Head|Senior|Junior"
    r"|Lead|Hiring|People|Team|Human|Manager|Director|Recruiter|Its|There|Here|Once|If|When|As|At"
    r"|In|On|For|Yes|No|Not|Ich|Wir|Je|Vi|Jag|Wij|Ik|Noi|Nós|Nosotros|Offer|Application"
    r"|Interview|Global|Group|Company|Position|Role|Job|Contract|Start|Salary|Graduate|Admissions"
    r"|DocuSign|SmartRecruiters|Taleo|Adobe|Acrobat|Sign|Teamtailor|Personio|Ashby|iCIMS|Indeed"
    r"|Recruitee|Jobvite|Workable|BambooHR|JazzHR|Breezy|SuccessFactors|Pinpoint|Rippling"
    r"|Slack|Microsoft|Christmas|Easter|Spring|Summer|Autumn|Fall|Winter|Q[1-4]|EMEA|APAC|US|UK"
    r"|Series|Friday|Bewerbung|Stelle|Candidature|Madame|Monsieur|Frau|Herr|Señor|Señora)$"
)
_TEAM_TAIL = re.compile(
    r"\s+(?:talent acquisition|recruitment(?: team)?|recruiting(?: team)?|human resources"
    r"|hr(?: team| department)?|careers(?: team)?|people(?: team| ops)?|hiring team|early careers"
    r"|university recruiting|campus recruiting|graduate recruitment|talent team|personalabteilung"
    r"|rekrytering|recrutement|recursos humanos|rh)\s*$",
    re.IGNORECASE,
)


_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "ß": "ss", "đ": "d", "þ": "th"})


def _squash(text: str) -> str:
    """Return text as a domain spells it: "Bøkeskog Barnehager" -> "bokeskogbarnehager"."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return re.sub(r"[^a-z0-9]", "", text)


def _domain_key(address: str) -> str:
    local, _, domain = address.partition("@")
    parts = domain.split(".")
    if any(ats in domain for ats in ATS_DOMAINS) or "-mail." in domain:
        # ATS mail names the company in a subdomain or the local part: acme.greenhouse-mail.io
        generic = re.match(
            r"^(?:no-?reply|careers?|jobs|talent|recruiting|hr|notifications?|hire|dse\w*)$", local
        )
        sub = parts[0] if len(parts) > 2 else ""
        if sub in ("hire", "jobs", "careers", "mail", "app", "www", "us", "eu", "emea"):
            sub = ""
        return _squash(sub or ("" if generic else local))
    if _FREEMAIL.search(address) or len(parts) < 2:
        return ""
    return _squash(parts[-3] if len(parts) >= 3 and len(parts[-2]) <= 3 else parts[-2])


_ABBREVIATIONS = frozenset("co inc ltd corp bros st mt dr no vs".split())


def _cut_at_sentence_end(name: str) -> str:
    """Return name up to a full stop that ends a sentence: "Acme. We've" -> "Acme"."""
    for match in re.finditer(r"\.\s+", name):
        word = name[: match.start()].rsplit(None, 1)[-1].lower() if name[: match.start()] else ""
        if word not in _ABBREVIATIONS and len(word) > 1:
            return name[: match.start()]
    return name


def _clean_company(name: str) -> str:
    name = _cut_at_sentence_end(name)
    name = name.strip(" .,'’\":;-–—|")
    name = _DROP_LEGAL.sub("", name)
    name = _EDGE_WORDS.sub("", name).strip(" .,'’\":;-–—|")
    return name + "." if name.endswith(" Co") else name


def _company_from_display(msg: Message) -> str:
    name = msg.from_name.strip()
    person = _sender_person(msg)
    if not name or (person and not re.search(r"\s(?:at|from|via|bei|chez|@|\|)\s", name)):
        return ""
    at = re.search(r"\s(?:at|from|@|\||bei|chez)\s+(.+)$", name)
    if at and person:
        name = _clean_company(_strip_display_suffix(at.group(1)))
        # "Jane at Acme Robotics": the part after "at" is the company even when it looks like a name
        return "" if _NOT_COMPANY.match(name) or _AGENCY.search(name) else name
    name = re.sub(r"\s+via\s+[\w. ]+$", "", name, flags=re.I)
    name = _COMPANY_PREFIX.sub("", name)
    name = _strip_display_suffix(name)
    name = _clean_company(name)
    # "Kurbeck Immobilien" reads like a person's name; the sender's domain says it is the company
    same_as_domain = _squash(name) == _domain_key(msg.reply_to or msg.from_addr)
    if not name or (_name_words(name) and not _COMPANY_WORDS.search(name) and not same_as_domain):
        return ""
    if _NOT_COMPANY.match(name) or any(
        ats in _squash(name) for ats in ("greenhouse", "lever", "workday")
    ):
        return ""
    return name


def _signature_companies(lines: list[str], start: int) -> list[str]:
    found: list[str] = []
    for line in lines[start + 1 : start + 6]:
        if not line or len(line) > 70 or re.search(r"[@\d]|www\.|https?:|\.com\b", line):
            continue
        m = re.search(r"(?:,|\bat\b|\||@|–|—|\s-\s)\s*(?P<co>[A-ZÀ-Þ][^,|]+?)\s*$", line)
        if m and _JOB_LINE.search(line[: m.start()]):
            found.append(m.group("co"))
        elif not _JOB_LINE.search(line) and re.match(rf"^{_COMPANY_SPAN}(?:,?\s+{_LEGAL})?$", line):
            found.append(line)
    return found


def find_company(msg: Message, text: str, contact_name: str, sig_start: int = -1) -> str:
    """Return the hiring company as people write it, or ''."""
    address = msg.reply_to or msg.from_addr
    key = _domain_key(address)
    domain = address.partition("@")[2]
    agency = bool(
        _AGENCY.search(domain) or _AGENCY.search(msg.from_name) or _AGENCY_DOMAIN.search(key)
    )
    lines = [line.strip() for line in text.split("\n")]
    scores: dict[str, float] = {}
    forms: dict[str, tuple[float, str]] = {}

    def add(name: str, weight: float) -> None:
        name = _clean_company(name)
        if (
            len(name) < 2
            or "@" in name
            or _NOT_COMPANY.match(name)
            or _NOT_COMPANY.match(name.split()[0])
        ):
            return
        if contact_name and name.split()[0] == contact_name:
            return
        squashed = _squash(name)
        if len(squashed) < 2:
            return
        scores[squashed] = scores.get(squashed, 0) + weight
        if weight >= forms.get(squashed, (0.0, ""))[0]:
            forms[squashed] = (weight, name)

    display = _company_from_display(msg)
    if display:
        add(display, 3)
    if sig_start >= 0:
        for co in _signature_companies(lines, sig_start):
            add(co, 2)
    for line in lines[-8:]:
        team = _TEAM_TAIL.search(line) if _TEAM_HINT.search(line) else None
        if team and len(line) < 70:
            head = line[: team.start()]
            if _COMPANY_TAIL.fullmatch(head):
                add(head, 2)
    subject = re.sub(r"^(?:\s*(?:re|fwd?|aw|wg|sv|tr)\s*:\s*)+", "", msg.subject, flags=re.I)
    for part in re.split(r"\s+[-–—|]\s+|:\s+", subject):
        part = part.strip()
        if (
            re.fullmatch(_COMPANY_SPAN, part)
            and not _ROLE_HEAD.search(part)
            and not _GENERIC.match(part)
        ):
            add(part, 1.5)
    body = text[:4000]
    for source in (subject, body):
        for match in _COMPANY_BEFORE.finditer(source):
            if not match.start() or not source[match.start() - 1].isalnum():
                add(match.group("co"), 1)
        for match in _COMPANY_AFTER.finditer(source):
            start = match.start()
            if start < 2 or source[start - 1] not in " \t":
                continue
            span = _COMPANY_TAIL.search(source, max(0, start - 60), start - 1)
            if span:
                legal = match.group(0)
                add(
                    span.group("co")
                    + (" " + legal if legal in ("GmbH", "AG", "LLP", "Co.") else ""),
                    1,
                )
    # merge "Atlas Green" into "Atlas Green Energy": the longer form wins when both are seen
    for short in list(scores):
        for long in scores:
            if long != short and long.startswith(short) and scores[long] >= 1:
                scores[long] += scores[short] * 0.5
    best, best_score = "", 0.0
    for squashed, score in scores.items():
        if (
            key
            and len(key) > 2
            and (squashed == key or key.startswith(squashed) or squashed.startswith(key))
        ):
            score += -5 if agency else 10
        if score > best_score:
            best, best_score = forms[squashed][1], score
    return best if best_score >= 2.5 else ""


def extract_slots(msg: Message) -> Slots:
    """Return the contact name, company and role a message states."""
    text = msg.unquoted or strip_quotes(msg.text)
    lines = [line.strip() for line in text.split("\n")]
    sig_start, contact = _signature_start(lines, msg)
    company = find_company(msg, text, contact, sig_start)
    return Slots(contact_name=contact, company=company, role=find_role(msg.subject, text, company))
