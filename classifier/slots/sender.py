"""What the sender's address and display name say about the hiring company."""

from __future__ import annotations

import re

from classifier.parse import Message
from classifier.slots.contact import name_words
from classifier.slots.words import COMPANY_WORDS, WordSet, squash

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
# One regex for "does the domain hold an ATS's name": several times faster than any() over the tuple
_ATS_DOMAIN = re.compile("|".join(re.escape(ats) for ats in ATS_DOMAINS))


def is_ats_domain(domain: str) -> bool:
    """Return True when a lowercased domain is an ATS's own (acme.greenhouse.io) or an ATS-style -mail. one."""
    return "-mail." in domain or _ATS_DOMAIN.search(domain) is not None


# Names of the systems that send on an employer's behalf, as their display names spell them.
_SYSTEM_NAMES = WordSet(
    "greenhouse lever workday smartrecruiters ashby icims personio teamtailor recruitee workable "
    "bamboohr taleo successfactors sap jobvite jazzhr softgarden breezy docusign hellosign dropbox "
    "adobe varbi indeed linkedin stepstone xing glassdoor dice monster join homerun pinpoint "
    "eightfold avature phenom cornerstone ukg adp oracle gupy zoho flatchr dvinci easycruit teamio "
    "jobylon recman talentech reachmee hireology neogov applitrack eploy harri"
)
_FREEMAIL = re.compile(
    r"@(?:gmail|googlemail|yahoo|hotmail|outlook|live|icloud|me|aol|gmx|web|t-online|orange"
    r"|free|laposte|libero|proton|protonmail|mail|yandex|hey)\."
)  # matched on the lowercased address
# Local parts of addresses that a system or a team reads, not one person.
_ROLE_LOCAL = re.compile(
    r"^(?:[\w.-]*no-?reply[\w.-]*|[\w.-]*do-?not-?reply[\w.-]*|nao-?responda|jobs?|careers?"
    r"|talents?|talento|recruit\w*|recrut\w*|reclut\w*|rekry\w*|rekrut\w*|hr|rh|rrhh|drh"
    r"|notifications?|hire|hiring|kariera|karriere|karriar|stellen|seleccion|selezione|personal"
    r"|personale|campus|bewerbung\w*|invite|team|info|inbound|candidates?|applications?|apply"
    r"|werving|emprego|empleo|jobb|ura|people|contratos?[\w.]*|dse\w*|post|kontakt|contact)$"
)
_GENERIC_SUB = frozenset(
    "hire jobs careers mail app www us eu emea apply candidates talent recruiting notifications".split()
)
# Department words an ATS local part adds to the company's name: "acme.careers", "acme-jobs".
_LOCAL_DEPARTMENT = frozenset(
    "careers career jobs job talent recruiting recruitment hr noreply no-reply notifications".split()
)
_LOCAL_SPLIT = re.compile(r"[._+-]")


def is_role_address(address: str) -> bool:
    """Return True when an address belongs to a system or a team: an ATS, no-reply, jobs@."""
    local, _, domain = address.lower().partition("@")
    return _ATS_DOMAIN.search(domain) is not None or bool(_ROLE_LOCAL.match(local))


def domain_key(address: str) -> str:
    """Return the squashed name a sender's domain spells: "acme" for jobs@acme.greenhouse.io."""
    local, _, domain = address.lower().partition("@")
    parts = domain.split(".")
    if is_ats_domain(domain):
        # ATS mail names the company in a subdomain or the local part: acme.greenhouse-mail.io
        sub = parts[0] if len(parts) > 2 and parts[0] not in _GENERIC_SUB else ""
        if sub or _ROLE_LOCAL.match(local):
            return squash(sub)
        words = [w for w in _LOCAL_SPLIT.split(local) if w not in _LOCAL_DEPARTMENT]
        return squash("".join(words))
    if _FREEMAIL.search(address.lower()) or len(parts) < 2:
        return ""
    label = parts[-3] if len(parts) >= 3 and len(parts[-2]) <= 3 else parts[-2]
    if "-" in label:  # "corvane-careers.com": the company is the rest
        label = "".join(w for w in label.split("-") if w not in _LOCAL_DEPARTMENT) or label
    return squash(label)


# First words of public bodies whose domain leaves them out: northmoor.ac.uk, lindeveen.nl.
_INSTITUTION = frozenset(
    "university universidad université università universität universitet universiteit "
    "hochschule college gemeente gemeinde stadt ville city county kommune kommun comune "
    "ayuntamiento município provincie provinz region hospital hotel ravintola instituto institut "
    "national museum".split()
)


def _common_prefix(a: str, b: str) -> int:
    """Return how many leading characters a and b share."""
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def matches_domain(name: str, key: str) -> bool:
    """Return True when name is spelt by the domain key: whole, as a prefix, or as initials."""
    if len(key) < 3:
        return False
    squashed = squash(name)
    if len(squashed) < 3:
        return False
    if squashed == key or squashed.replace("and", "") == key or key.replace("and", "") == squashed:
        return True  # "Brasa & Fig" for brasaandfig.com
    if len(key) >= 4 and (squashed.startswith(key) or key.startswith(squashed)):
        return True
    if len(key) >= 5 and squashed.endswith(key) and name.split()[0].lower() in _INSTITUTION:
        return True  # "University of Northmoor" for northmoor.ac.uk
    # a domain that shortens the name's last word: kingsbridgevets for "Kingsbridge Veterinary
    # Group", harbourviewgardens for "Harbourview Garden Centre"
    if len(key) >= 8 and squashed[:6] == key[:6]:
        common = _common_prefix(squashed, key)
        if common >= 0.7 * len(key) and common >= len(squash(name.split()[0])):
            return True
    # "uctajo" for "Universidad de Castilla del Tajo": same first letter, letters in order
    if len(key) >= 5 and squashed[0] == key[0] and len(squashed) <= 60:
        letters = iter(squashed)
        return all(ch in letters for ch in key)
    return False


# Words that name a department or a channel, never the company: "Acme – Talent Acquisition".
_DEPARTMENT = WordSet(
    "careers career karriere karriär karriar karriere jobs job jobb recruiting recruitment "
    "recruiter recruiters hiring hr rh rrhh drh team teams talent talents talento humano "
    "notifications notification recrutement recrutamento reclutamiento empleo emploi personal "
    "personale personalabteilung personalstelle personalservice people ops operations human "
    "resources ressources humaines recursos humanos risorse umane direction direção dirección "
    "direzione gestión gestion servicio noreply no-reply selezione selección "
    "seleccion werving selectie werken bij lavora con noi candidate experience employee relations "
    "acquisition kariéra kariera rekrytering rekrytointi rekruttering rekrutacja "
    "henkilöstöpalvelut henkilöstöhallinto einrichtungsleitung alternance stellenportal "
    "stellenangebote bewerbermanagement ausbildung onboarding early campus graduate "
    "office portal carreiras carrières carrieres ura stillinger oddělení personální "
    "dział kadr hr-service hr-afdelingen personalavdelingen del des de du of the and und & y e "
    "di da do der la le el berufungs- nábor ufficio afdeling personeelszaken recruiting-team",
)
_FILLER = frozenset("del des de du of the and und & y e di da do der la le el".split())
_DISPLAY_VIA = re.compile(r"\s+(?:via|through|über|par)\s+\S.*$", re.IGNORECASE)
_DISPLAY_AT = re.compile(r"^(?P<who>.+?)\s+(?:at|from|@|bei|chez|för|hos)\s+(?P<co>.+)$")
_DISPLAY_PARTS = re.compile(r"\s+[-|–—/]\s+|\s*[|–—]\s*|,\s+|\s*\((?P<paren>[^()]*)\)\s*")
_MAX_NAME = 200  # characters of a display name worth reading


def _strip_departments(name: str) -> str:
    """Return name without leading or trailing department words: "HR Acme Careers" -> "Acme"."""
    words = name.split()
    while words and _DEPARTMENT.search(words[-1]):
        words.pop()
    while words and _DEPARTMENT.search(words[0]):
        words.pop(0)
    return " ".join(words)


def _is_system(part: str) -> bool:
    return bool(_SYSTEM_NAMES.search(part)) and len(part.split()) <= 2


def company_from_display(msg: Message, contact: str) -> str:
    """Return the company a sender's display name gives, or '' when it names a person or a team."""
    name = msg.from_name.strip().strip("\"'")
    if not name or len(name) > _MAX_NAME:
        return ""
    address = msg.reply_to or msg.from_addr
    key = domain_key(address)
    role = is_role_address(address)
    name = _DISPLAY_VIA.sub("", name)
    at = _DISPLAY_AT.match(name)
    if at and (name_words(at.group("who")) or _is_system(at.group("who"))):
        # "Jane at Acme Robotics", "Workday @ Acme Notification": the part after "at" is the company
        parts = [at.group("co")]
        role = True
    else:
        parts = [p for p in _DISPLAY_PARTS.split(name) if p]
    candidates: list[str] = []
    for part in parts:
        part = _strip_departments(part.strip(" .,:;-"))
        if not part or _is_system(part) or all(w.lower() in _FILLER for w in part.split()):
            continue
        if key and matches_domain(part, key):
            return part  # the domain spells it: the company, whatever it looks like
        candidates.append(part)
    for part in candidates:
        if contact and part.split()[0] == contact:
            continue  # the signer's own name
        if COMPANY_WORDS.search(part) or role or not name_words(part):
            return part
    return ""
