"""The job title a message gives, from its subject or its body."""

from __future__ import annotations

import re

from classifier.slots.titles import find_anchored_title
from classifier.slots.words import WordSet, cut_at_sentence_end, squash

ROLE_HEAD = WordSet(
    "accountant adjuster administrator adviser adviseur advisor advocate agent agronomist aide "
    "analist analista analyst analyste apprentice architect archivist artist assistant assistante "
    "assistent associate attorney auditor auxiliar avvocato backendutvecklare baker banker "
    "barista bartender berater beraterin bookseller buchhalter buchhalterin brewer broker buyer cameriere caregiver "
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
    # compounds that end in a job noun: "Dataanalytiker", "HR-specialist", "Teamleitung"
    suffixes=(
        "analytiker",
        "utvecklare",
        "ingenjör",
        "konsult",
        "specialist",
        "designer",
        "manager",
        "engineer",
        "developer",
        "analyst",
        "leiter",
        "leiterin",
        "leitung",
        "entwickler",
        "ingenieur",
        "techniker",
        "berater",
        "referent",
        "ontwikkelaar",
        "medewerker",
        "adviseur",
        "analist",
        "udvikler",
        "konsulent",
        "ekonom",
        "handläggare",
        "sachbearbeiter",
    ),
)
_ROLE_WORD = r"(?:[\w+#/&'’.()-]+)"
_ROLE_CAP = r"(?:[A-Z0-9ÀÉÈÖÜÄ][\w+#/&'’.()-]*|of|and|in|for|de|d'|-|–|/|&)"
GENERIC = re.compile(
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
    r"\s*(?:role|position|job"
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
        r"(?:bewerbung|bewerbung als|bewerbung:|bewerbung -)\s+(?!(?:bei|von|an|zu|um|für)\s)"
        r"(?:als\s+)?(?P<role>.+)$",
        r"(?:candidature|candidatura|sollicitatie|ansökan)\s+(?:au poste d[e']\s*|als\s+|para\s+|per\s+"
        r"|till\s+|som\s+|pour le poste de\s+|-\s+|:\s+)(?P<role>.+)$",
        r"(?:poste d[e']\s*|(?:tjänsten som|functie|rekryteringen av|vacante|stelle als)\s+)"
        r"(?P<role>.+)$",
    )
]
_ROLE_SPAN = rf"(?P<role>{_ROLE_CAP}(?:[ \t]+{_ROLE_CAP}){{0,6}})"
# a title with a comma qualifier that ends its sentence: "Product Manager, Payments."
_ROLE_SPAN_QUALIFIED = (
    rf"(?P<role>{_ROLE_CAP}(?:[ \t]+{_ROLE_CAP}){{0,6}}"
    rf"(?:,[ \t]+[A-Z][\w&-]*(?:[ \t]+[A-Z][\w&-]*){{0,2}}(?=[.\n]))?)"
)
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
            # "the Brand Manager, Skincare position", "the Procurement Analyst (Req. 48812) role"
            # the comma qualifier and the bracket are the title's: "Data Analyst (Player Insights)"
            r"(?:the|our|this|your|for|as|The|Our|This|Your) "
            + rf"(?P<role>{_ROLE_CAP}(?:[ \t]+{_ROLE_CAP}){{0,6}}"
            + rf"(?:,[ \t]+{_ROLE_CAP}(?:[ \t]+{_ROLE_CAP}){{0,2}})?(?:[ \t]+\([^()\n]{{1,30}}\))?)"
            + r"[ \t]+(?:position|role|opening|vacancy|job|post|seat|spot|req|offer|contract|hire"
            + r"|programme|program|search)\b",
            True,
        ),
        (
            r"(?:application for|applied for|applying for|interviewing for|interview for"
            r"|interviews for|interest in|considering you for) (?:the )?" + _ROLE_SPAN,
            False,
        ),
        (
            # "the process for Junior Accountant and", "your candidacy for Frontend Developer.",
            # "the offer we made you for QA Engineer on", "assessment for Backend Engineer, Payments."
            # The literal "for " lets the engine skip ahead; the noun before it is checked below.
            r"for (?:the )?" + _ROLE_SPAN_QUALIFIED,
            True,
        ),
        (
            # a reference line: "Re: HR Business Partner, reference JR991408"
            r"(?:Re|RE|Ref|Regarding): " + _ROLE_SPAN + r",? (?:reference|requisition|ref|req)\b",
            True,
        ),
        (
            # one regex for all of these: each pattern is a scan of the body
            r"(?:join us as|join the team as|join our team as|hire you as|offer you the"
            r"|offer you a|as our|as an?|hire an?|hiring an?|recruiting an?|application to"
            r"|application to the) " + _ROLE_SPAN,
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
# The words a title-giving "for " follows; any other "for " gives no title.
_FOR_AFTER = (
    " process",
    " processes",
    " candidacy",
    " candidature",
    " applications",
    " assessment",
    " assessments",
    " recruitment",
    " search",
    " made you",
    " discussed",
    " offer",
    " shortlist",
    " shortlisted",
    " considered",
)
_FOR_PATTERN = next(p for p, _ in _BODY_ROLE if p.pattern.startswith("for "))
# lowercase titles: "the junior designer role"; found from the noun backwards, cheaply
_ROLE_NOUN = re.compile(r" (?:position|role|opening|vacancy|job|post|hire|offer|contract)\b")
# lowercase titles after "as our": "join Kelpwise as our founding engineer", "as my sous chef"
_AS_OUR = re.compile(
    r"as (?:our|my|a|an) (?:first |new )?(?P<role>(?:[a-z][\w-]* ){0,2}[a-z][\w-]*)"
)
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
    r"^(?:(?:regarding|about|re|your|our|the|position|job id\s*\d+|proceso|selezione|processus"
    # the same lead words in the other languages: "Uppdatering om X", "Uw sollicitatie X"
    r"|update on|news on|uppdatering om|återkoppling(?: om| på| gällande)?|(?:vårt )?beslut om"
    r"|angående|gällande|vedr\.?|stillingen som|stilling som|uw sollicitatie|je sollicitatie"
    r"|update over|informacja o stanowisku|dotyczy|vaga de|vaga|posizione di|posizione"
    r"|puesto de|vacante de|rückmeldung zur stelle|zur stelle|stelle|(?:ihr )?vertragsangebot(?: als)?"
    r"|stellenangebot|stellenbesetzung|besetzung|vacature|aanwervingsvoorstel)\s+)+",
    re.IGNORECASE,
)
_ROLE_SUBJECT_TAIL = re.compile(
    r"(?:\s+\+.*|\s*\([^)]*$|\s*\(\s*(?:\d+\s*(?:months?|weeks?)|[\w/-]*\d[\w/-]*)\s*\)"
    r"|\s*\([^)]*(?:client|contract|temp\b|freelance)[^)]*\)"
    r"|,\s+(?:ref\b|start\b|(?-i:[a-z])).*|\s+(?:offer|interview|outcome|update|search|opportunit(?:y|ies)"
    r"|requisition|(?:even |now |temporarily )?on hold|recruitment|candidacy|audition|loop|appointment|decision|feedback"
    r"|status|next steps|start date|application update|process|contract|chat|enquiry|inquiry|call))+$",
    re.IGNORECASE,
)


# The first words _ROLE_SUBJECT_HEAD can start with: the regex runs only after one of them.
_SUBJECT_HEAD_FIRST = frozenset(
    "regarding about re your our the position job proceso selezione processus update news "
    "uppdatering återkoppling vårt beslut angående gällande vedr vedr. stillingen stilling uw je "
    "informacja dotyczy vaga posizione puesto vacante rückmeldung zur stelle ihr vertragsangebot "
    "stellenangebot stellenbesetzung besetzung vacature aanwervingsvoorstel".split()
)
_AT_COMPANY = re.compile(r"\s+(?:at|with|bei|chez|presso|bij|hos|for|in our|on the|within)\s+")
_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg|sv|tr|rv)\s*:\s*)+", re.IGNORECASE)
# a gender tag is part of a German title as the labels write it: "Buchhalter (m/w/d)"
_GENDER_TAGS = r"m/w/d|w/m/d|m/f/d|f/m/d|d/m/w|h/f|f/h|m/f|m/w|w/m|all genders|gn\*?"
_ROLE_END = re.compile(rf"\s+[-–—|:]\s+|\s*\((?!(?:{_GENDER_TAGS})\))")
_SUBJECT_PARTS = re.compile(r"\s+[-–—|]\s+|:\s+|\s*!\s*")
# The last words after which each $-anchored rule below can match.
_TRAIL_LAST = frozenset(
    "role position job application opening vacancy post seat spot req requisition".split()
)
_TAIL_WORD_LAST = frozenset(
    "- – / & of and for in de des du der die y e en at with bei chez on to is was here there "
    "role position job team".split()
)
_SUBJECT_TAIL_LAST = frozenset(
    "offer interview outcome update search opportunity opportunities requisition hold "
    "recruitment candidacy audition loop appointment decision feedback status steps date "
    "process contract chat enquiry inquiry call".split()
)
_GENDER_TAG = re.compile(r"\s*\((?:m/w/d|w/m/d|m/f/d|f/m/d|h/f|f/h|m/f|all genders|gn\*?)\)")
_MAX_ROLE = 200  # characters of a title worth cleaning


def _clean_role(role: str) -> str:
    role = cut_at_sentence_end(role).strip(" .,:;!?-–—\"'“”")
    role = _AT_COMPANY.split(role, maxsplit=1)[0]
    if len(role) > _MAX_ROLE:  # no title is so long; the $-anchored rules below would be slow
        return ""
    for _ in range(3):
        before = role
        # the $-anchored rules try every position of the title: run each only when the last
        # word (or a bracket, comma or plus) says it can match
        last = role.rsplit(None, 1)[-1].lower() if role else ""
        if last in _TRAIL_LAST or role.endswith(")") or any(c.isdigit() for c in last):
            role = _ROLE_TRAIL.sub("", role).strip(" .,:;-–—")
            last = role.rsplit(None, 1)[-1].lower() if role else ""
        if last in _TAIL_WORD_LAST:
            role = _ROLE_TAIL_WORDS.sub("", role).strip(" .,:;-–—")
        first = role.split(None, 1)[0].lower() if role else ""
        if first in _SUBJECT_HEAD_FIRST:  # the anchored alternation is slow to fail
            role = _ROLE_SUBJECT_HEAD.sub("", role)
        last = role.rsplit(None, 1)[-1].lower() if role else ""
        if last in _SUBJECT_TAIL_LAST or "(" in role or "," in role or "+" in role:
            role = _ROLE_SUBJECT_TAIL.sub("", role).strip(" .,:;-–—")
        if role == before:
            break
    return role


def _role_from_subject(subject: str, company: str) -> str:
    subject = _REPLY_PREFIX.sub("", subject)
    for pattern in _SUBJECT_ROLE:
        match = pattern.search(subject)
        if match:
            role = _clean_role(_ROLE_END.split(match.group("role"), maxsplit=1)[0])
            if role and not GENERIC.match(role) and squash(role) != squash(company):
                return role
    company_key = squash(company)
    # "Stillingen som e-commerce manager er sat i bero": an anchor ends the title at the verb
    anchored = find_anchored_title(subject)
    if anchored and squash(anchored) != company_key and ROLE_HEAD.search(anchored):
        return anchored
    for part in _SUBJECT_PARTS.split(subject):
        role = _clean_role(part)
        if not role or GENERIC.match(role) or len(role) > 60:
            continue
        if company_key and (squash(role) == company_key or company_key in squash(role)):
            continue
        if ROLE_HEAD.search(role) or _GENDER_TAG.search(role):  # only titles carry "(m/w/d)"
            return role
    return anchored  # an anchor's title without a job noun: "Stilling som tolk"


def _role_from_body(body: str, company_key: str) -> str:
    """Return the title the body gives after an anchor, or ''."""
    role = find_anchored_title(body)
    if role and squash(role) != company_key:
        return role
    for pattern, needs_head in _BODY_ROLE:
        for match in pattern.finditer(body):
            if match.start() and body[match.start() - 1].isalnum():
                continue  # the anchor was the end of a longer word
            if pattern is _FOR_PATTERN and not body.endswith(_FOR_AFTER, 0, match.start() - 1):
                continue
            role = _clean_role(match.group("role"))
            if len(role) < 3 or _ROLE_BAD_START.match(role) or squash(role) == company_key:
                continue
            if not needs_head or ROLE_HEAD.search(role):
                return role
    for match in _ROLE_NOUN.finditer(body):
        lower = _LOWER_ROLE.search(body, max(0, match.start() - 50), match.start())
        if lower:
            role = _clean_role(lower.group("role"))
            if len(role) > 2 and not _ROLE_BAD_START.match(role) and ROLE_HEAD.search(role):
                return role
    for match in _AS_OUR.finditer(body):
        role = match.group("role")
        if ROLE_HEAD.search(role.rsplit(None, 1)[-1]):
            return role
    return ""


def _written_out(short: str, full: str) -> bool:
    """Return True when full is short written out: "Postdoc" / "Postdoctoral Research Associate"."""
    if len(short) < 2 or len(full) <= len(short):
        return False
    if full.lower().startswith(short.lower()):
        extra = full[len(short) :]
        # a longer word, a bracket or dash qualifier, or more capitalised words; not a verb
        return (
            extra[0].isalpha() or extra.lstrip()[:1] in ("(", "-", "–", ",") or extra[1:2].isupper()
        )
    # "CFO" for "Chief Financial Officer"
    initials = "".join(w[0] for w in full.lower().split() if w[0].isalpha())
    return short.isupper() and short.lower() == initials


def find_role(subject: str, text: str, company: str = "") -> str:
    """Return the job title the message gives, or ''."""
    company_key = squash(company)
    role = _role_from_subject(subject, company)
    if role and squash(role) == company_key:
        role = ""
    body_role = _role_from_body(text[:3000], company_key)
    # subjects shorten and decorate titles ("Postdoc", "Data Scientist (Credit Risk)"); when the
    # body writes the same title differently, the body's sentence is the one to trust
    if role and body_role and _written_out(role, body_role):
        return body_role
    # "Rückmeldung Eventmanager", "Vacature Communicatieadviseur": the subject wraps the body's
    # title in words of its own, so the body's title is the cleaner one
    if role and body_role and len(body_role) < len(role) and body_role[0].isupper():
        body_bare = _GENDER_TAG.sub("", body_role).lower()
        if len(body_bare) > 3 and role.lower().endswith(" " + body_bare):
            return body_role
    return role or body_role
