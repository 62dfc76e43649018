"""The hiring company as people write it, from sender, signature, subject and body."""

from __future__ import annotations

import re

from classifier.parse import Message
from classifier.slots.contact import TEAM_HINT
from classifier.slots.role import GENERIC, ROLE_HEAD
from classifier.slots.sender import ATS_DOMAINS as ATS_DOMAINS  # service/applications reads it
from classifier.slots.sender import company_from_display, domain_key, is_ats_domain, matches_domain
from classifier.slots.words import JOB_LINE, cut_at_sentence_end, squash

_AGENCY = re.compile(
    r"recruit|staffing|talentpartner|search|exec|headhunt|personnel|resourcing|medstaff"
    r"|placement|personalvermittlung|interim|rekruttering|rekrytointi|henkilöstöpalvelu|rekry"
    r"|bemanning|vikar|personální agentura"
)  # matched on lowercased text: a case-blind regex is several times slower
# Words in a sender's own domain that mark a recruiter writing for a client: "bridgewaytalent"
_AGENCY_DOMAIN = re.compile(
    r"talent|people|staff|associates|partners|personal|selecta|cabinet|contracting"
    r"|workforce|hirepartners|careers$"
)
_MAX_NAME = 200  # characters of a name worth cleaning: longer is never a company or a sender


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
    r"|K\.?K\.?|Corp\.?|CPAs?|sp\.?))+$"
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
# A job board's or assessment vendor's own line names the employer it passed the mail on for:
# "your application was sent to Acme", "Acme invites you to an assessment". It outweighs the
# board's display name and domain.
_PASSED_ON = re.compile(
    r"(?i:(?:application|candidature|bewerbung|sollicitatie|ansökan|candidatura)\s+(?:was |has been "
    r"|wurde |is |a été |ha sido |har )?(?:sent|submitted|forwarded|gesendet|versendet|verschickt"
    r"|verzonden|verstuurd|envoyée|enviada|inviata|skickad)\s+(?:to|an|à|naar|a|till)) "
    + _COMPANY_SPAN
)
_PASSED_ON_DE = re.compile(  # German puts the verb last: "Ihre Bewerbung wurde an Acme versendet"
    r"(?i:bewerbung\s+(?:wurde|ist)\s+an) "
    + _COMPANY_SPAN
    + r" (?i:versendet|gesendet|verschickt|weitergeleitet|übermittelt)"
)
_INVITES = re.compile(r"^" + _COMPANY_SPAN + r" (?:invites|has invited) you\b")
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


# Job boards write on an employer's behalf from their own domain: it never names the employer.
_JOB_BOARD = re.compile(
    r"linkedin|indeed|stepstone|xing|glassdoor|dice\.|jobbnorge|jobindex|monster|totaljobs|reed\."
    r"|infojobs|pracuj|welcometothejungle|welcomekit|finn\.no|jobs\.cz|jobteaser|ziprecruiter|otta|wellfound"
    r"|hellowork|apec|jobup|karriere\.at|nofluff|justjoin|duunitori|oikotie|platsbanken|jobnet"
)  # matched on the lowercased domain
# Job boards and ATSs as their names are written in mail they send: never the employer
# ("StepStone Deutschland GmbH" in a StepStone footer).
_BOARD_NAMES = (
    "linkedin",
    "indeed",
    "stepstone",
    "xing",
    "glassdoor",
    "infojobs",
    "welcometothejungle",
    "welcomekit",
    "pracuj",
    "jobteaser",
    "ziprecruiter",
    "totaljobs",
    "jobindex",
    "jobbnorge",
    "hellowork",
    "duunitori",
    "oikotie",
    "platsbanken",
    "wellfound",
    "smartrecruiters",
    "greenhouse",
    "teamtailor",
    "recruitee",
    "workday",
)
_BOARD_LINE = re.compile(rf"^{_COMPANY_SPAN}(?:,?\s+{_LEGAL})?\s+[·–-]\s+\S")
_BOARD_FIELD = re.compile(
    r"^(?:Company|Employer|Unternehmen|Arbeitgeber|Bedrijf|Werkgever|Empresa|Entreprise|Azienda"
    r"|Företag|Arbetsgivare|Firma|Pracodawca|Yritys|Työnantaja):\s*" + _COMPANY_SPAN
)
# Boards whose names are also words or beginnings of other names: matched whole.
_BOARD_WORDS = frozenset("dice monster reed otta apec jobup".split())
# A run of capitalised words, as a company's name is written; bounded, so linear on any text.
_CAP_RUN = re.compile(
    r"\b[A-ZÀ-Þ][\w&'’-]{0,30}(?:[ \t]+(?:&[ \t]+)?[A-ZÀ-Þ0-9][\w&'’-]{0,30}){0,3}"
)


# Last words that can start the legal-form and edge-word tails: the regexes run only after them.
_LEGAL_LAST = frozenset(
    "gmbh kg ltd limited inc llc llp plc ab sas sa sl bv spa srl oy a/s as asa ag se dac pty nv "
    "sarl oo kk corp cpa cpas co pte pvt sp".split()
)
# A department named after the company: "Westmoor District Council HR Services",
# "Pinecrest Labs Early Careers", "Brightvale Graduate Recruitment".
_DEPARTMENT_TAIL = re.compile(
    r"(?:\s+(?:early|graduate|campus|university|hr|people|human|talent|recruitment|recruiting"
    r"|careers|resourcing|hr services|people services|human resources|acquisition|team"
    r"|personalabteilung|rekrytering"
    r"|recrutement|rh))+$",
    re.IGNORECASE,
)
_DEPARTMENT_LAST = frozenset(
    "early careers recruitment recruiting services resources acquisition team resourcing hr "
    "personalabteilung rekrytering recrutement rh".split()
)
_EDGE_LAST = frozenset("& of and de la des du del da do der van di y e".split())


def _clean_company(name: str) -> str:
    name = cut_at_sentence_end(name)
    if "’s" in name or "'s" in name:
        # "Pellham Group's CFO": the name ends where a person's title follows its possessive;
        # "Lakeview Children's Hospital" is a name of its own
        match = _POSSESSIVE.search(name)
        if match and JOB_LINE.search(name[match.end() :]):
            name = name[: match.start()]
    if len(name) > _MAX_NAME:  # no company is named so long; the $-anchored rules would be slow
        return ""
    name = name.strip(" .,'’\":;-–—|")
    last = name.rsplit(None, 1)[-1].lower() if name else ""
    if last.replace(".", "") in _LEGAL_LAST:
        name = _DROP_LEGAL.sub("", name)
        last = name.rsplit(None, 1)[-1].lower() if name else ""
    if last in _DEPARTMENT_LAST:
        name = _DEPARTMENT_TAIL.sub("", name)
        last = name.rsplit(None, 1)[-1].lower() if name else ""
    if last in _EDGE_LAST:
        name = _EDGE_WORDS.sub("", name).strip(" .,'’\":;-–—|")
    return name + "." if name.endswith(" Co") else name


_POSSESSIVE = re.compile(r"['’]s\b")
_NOT_SIGNATURE_LINE = re.compile(r"[@\d]|www\.|https?:|\.com\b")
_TITLE_THEN_COMPANY = re.compile(r"(?:,|\bat\b|\||@|–|—|\s-\s)\s*(?P<co>[A-ZÀ-Þ][^,|]+?)\s*$")
_COMPANY_LINE = re.compile(rf"^{_COMPANY_SPAN}(?:,?\s+{_LEGAL})?$")
_COMPANY_SPAN_RE = re.compile(_COMPANY_SPAN)
_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg|sv|tr)\s*:\s*)+", re.IGNORECASE)
_SUBJECT_PARTS = re.compile(r"\s+[-–—|]\s+|:\s+")


def _signature_companies(lines: list[str], start: int) -> list[str]:
    found: list[str] = []
    for line in lines[start + 1 : start + 6]:
        if " · " in line or " | " in line:  # "Larkspur Studio · 14 Hope Street, Bristol"
            first, _, rest = line.replace(" · ", " | ").partition(" | ")
            if (
                _NOT_SIGNATURE_LINE.search(rest)
                and not JOB_LINE.search(first)
                and _COMPANY_LINE.match(first)
            ):
                found.append(first)
        if not line or len(line) > 70 or _NOT_SIGNATURE_LINE.search(line):
            continue
        m = _TITLE_THEN_COMPANY.search(line)
        if m and JOB_LINE.search(line[: m.start()]):
            found.append(m.group("co"))
        elif not JOB_LINE.search(line) and _COMPANY_LINE.match(line):
            found.append(line)
    return found


def find_company(
    msg: Message, text: str, contact_name: str, sig_start: int = -1, lines: list[str] | None = None
) -> str:
    """Return the hiring company as people write it, or ''."""
    address = msg.reply_to or msg.from_addr
    key = domain_key(address)
    domain = address.partition("@")[2].lower()
    display = company_from_display(msg, contact_name)
    # an agency writes for a client: its own name is not the hiring company. An ATS's own domain
    # ("recruitee", "smartrecruiters") says nothing about who writes through it.
    ats = is_ats_domain(domain)
    agency = bool(
        (not ats and _AGENCY.search(domain))
        or _AGENCY.search(display.lower())
        or _AGENCY_DOMAIN.search(key)
    )
    if lines is None:
        lines = [line.strip() for line in text.split("\n")]
    scores: dict[str, float] = {}
    cleaned: dict[str, str] = {}  # the same name is often seen many times: clean it once
    forms: dict[str, tuple[float, str]] = {}

    def add(raw: str, weight: float) -> None:
        name = cleaned.get(raw)
        if name is None:
            name = cleaned[raw] = _clean_company(raw)
        if (
            len(name) < 2
            or "@" in name
            or _NOT_COMPANY.match(name)
            or _NOT_COMPANY.match(name.split()[0])
        ):
            return
        if contact_name and name.split()[0] == contact_name and not matches_domain(name, key):
            return  # the signer's own name, unless the domain spells it
        squashed = squash(name)
        if len(squashed) < 2 or squashed.startswith(_BOARD_NAMES) or squashed in _BOARD_WORDS:
            return
        scores[squashed] = scores.get(squashed, 0) + weight
        if weight >= forms.get(squashed, (0.0, ""))[0]:
            forms[squashed] = (weight, name)

    if display:
        add(display, 3)
    subject_line = msg.subject
    for found in (
        _PASSED_ON.search(subject_line),
        _PASSED_ON_DE.search(subject_line),
        _INVITES.match(subject_line),
    ):
        if found:  # above the display name and the domain's bonus (3 + 10): the line is explicit
            add(found.group("co"), 20)
    if sig_start >= 0:
        for co in _signature_companies(lines, sig_start):
            add(co, 2)
    for line in lines[-8:]:
        # short lines only: _TEAM_TAIL searched along a long run of spaces is quadratic
        team = _TEAM_TAIL.search(line) if len(line) < 70 and TEAM_HINT.search(line) else None
        if team:
            head = line[: team.start()]
            if _COMPANY_TAIL.fullmatch(head):
                add(head, 2)
    subject = _REPLY_PREFIX.sub("", msg.subject)
    for part in _SUBJECT_PARTS.split(subject):
        part = part.strip()
        if (
            _COMPANY_SPAN_RE.fullmatch(part)
            and not ROLE_HEAD.search(part)
            and not GENERIC.match(part)
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
    board = _JOB_BOARD.search(domain)
    if board:
        # a job board's own layout names the employer: "Cítrica Digital · Valencia",
        # "Farrow & Lyle Distribution - Warrington WA5", "Unternehmen: Mahler Versicherungen AG"
        for line in lines[:40]:
            if len(line) < 100 and (
                " · " in line or " – " in line or " - " in line or ": " in line
            ):
                layout = _BOARD_LINE.match(line) or _BOARD_FIELD.match(line)
                if layout:
                    add(layout.group("co"), 2.5)
    if key and len(key) >= 4 and not agency and not board and key not in scores:
        # the sender's domain (or ATS sub-domain) names the company: find how the text writes it
        for source in (subject, body, "\n".join(lines[-12:])):
            for match in _CAP_RUN.finditer(source):
                words = match.group(0).split()
                first = words[0]
                if (first[0].isascii() and first[0].lower() != key[0]) or not key.startswith(
                    squash(first)
                ):
                    continue  # the name must spell the key from its first word
                for n in range(len(words), 0, -1):
                    name = " ".join(words[:n])
                    squashed = squash(name)
                    if squashed == key:
                        add(name, 1)
                        break
    # merge "Atlas Green" into "Atlas Green Energy": the longer form wins when both are seen
    for short in list(scores):
        for long in scores:
            if long != short and long.startswith(short) and scores[long] >= 1:
                scores[long] += scores[short] * 0.5
    best, best_score = "", 0.0
    for squashed, score in scores.items():
        if key and matches_domain(forms[squashed][1], key):
            score += -5 if agency else 10
        if score > best_score:
            best, best_score = forms[squashed][1], score
    return best if best_score >= 2.5 else ""
