"""Applications: one record per company and role, built from its mails, with a forward-only stage.

Pure: it takes plain `Mail` records (from stored rows or parsed files) and returns plain
`Application` records, so the whole of it is tested table by table.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from classifier.slots.company import ATS_DOMAINS

Stage = Literal["applied", "in_process", "on_hold", "offer", "rejected", "withdrawn"]
# How far along each stage is: a mail never moves an application back.
_RANK: dict[Stage, int] = {
    "applied": 0,
    "in_process": 1,
    "on_hold": 2,
    "offer": 3,
    "rejected": 3,
    "withdrawn": 3,
}
SILENCE_DAYS = 10  # no word this long after an interview: a polite follow-up is due

_LEGAL = re.compile(
    r"\b(?:a/s|inc|llc|ltd|limited|plc|gmbh|ag|se|sa|sas|sarl|bv|nv|ab|as|asa|oy|oyj|aps|spa|srl"
    r"|sp\. ?z ?o\.? ?o|s\.?r\.?o|a\.?s|co|corp|corporation|company|group|holding|kg)\b\.?",
    re.IGNORECASE,
)
_SUFFIX = re.compile(
    r"\b(?:careers?|jobs?|recruiting|recruitment|talent(?: acquisition| team)?|hiring(?: team)?"
    r"|people(?: team)?|hr|human resources|team|notifications?|no-?reply|via \w+|karriere"
    r"|recrutement|empleo)\b",
    re.IGNORECASE,
)
_VENDOR_DISPLAY = re.compile(r"^(?:workday|greenhouse|lever|smartrecruiters)\s*@\s*", re.IGNORECASE)
_WITHDRAW = re.compile(
    r"\bwithdraw|zurückziehen|zurückzuziehen|retirer ma candidature|retirar mi candidatura",
    re.IGNORECASE,
)
_FREEMAIL = frozenset(
    "gmail googlemail yahoo hotmail outlook live icloud me aol gmx web proton mail".split()
)


@dataclass(frozen=True)
class Mail:
    """What grouping needs from one message, in or out."""

    message_id: str
    date: datetime
    subject: str = ""
    from_addr: str = ""
    from_name: str = ""
    to_addr: str = ""
    references: tuple[str, ...] = ()
    label: str = "other"
    kind: str = ""
    company: str = ""
    role: str = ""
    from_user: bool = False
    text: str = ""
    pk: int = 0  # the stored row, 0 when not stored
    language: str = "en"


@dataclass
class Application:
    """One application: its company and role, its stage, its mails and what to do next."""

    id: str
    company: str
    role: str
    stage: Stage = "applied"
    applied_at: datetime | None = None
    last_contact_at: datetime | None = None
    message_ids: list[str] = field(default_factory=list)
    conflict: str = ""  # e.g. a rejection that came after the offer, for the user to settle
    keys: set[str] = field(default_factory=set)  # every name its mails give the company
    next_action: str = ""
    interviewed_at: datetime | None = None
    deadline: date | None = None  # the offer's decision deadline, as its mail states it
    interviews: list[datetime | date] = field(default_factory=list)  # days (and times) named
    checkin: date | None = None  # when to check in after a not-now
    stage_dates: dict[str, datetime] = field(default_factory=dict)  # when each stage was reached
    company_name: str = ""  # as the mail writes it, for showing ("Acme GmbH", not "acme")
    role_name: str = ""
    seq: int = 0  # the order it was opened in: of two candidates the later one wins


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def normalize_company(name: str) -> str:
    """Return a company name reduced to what identifies it: no legal form, suffix or case."""
    name = _VENDOR_DISPLAY.sub("", name)
    name = name.split(" Notification")[0]
    name = _SUFFIX.sub(" ", _LEGAL.sub(" ", name))
    return " ".join(re.findall(r"\w+", _fold(name)))


def normalize_role(role: str) -> str:
    """Return a job title reduced for comparison: no gender tags, references or case."""
    role = re.sub(
        r"\((?:m/w/d|w/m/d|m/f/d|f/m/d|h/f|f/h|m/f|f/m|all genders?)\)", " ", role, flags=re.I
    )
    role = re.sub(r"\b(?:ref|req|id)\b[\s.:#-]*\w+", " ", role, flags=re.I)
    return " ".join(re.findall(r"\w+", _fold(role)))


_PERSON = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ'’-]+(?: [A-ZÀ-Ý][a-zà-ÿ'’-]+){1,2}$")
_GENERIC_SUB = re.compile(
    r"^(?:no-?reply|notifications?|jobs?|careers?|talent|hire|apply|recruiting|us|eu|mail|app|www)$"
)


def company_keys(mail: Mail) -> list[str]:
    """Return the normalised names a mail gives its company, the most telling first.

    ATS mail puts the company in the slot, the display name ("Acme Careers"), the sub-domain
    (acme.greenhouse.io) or the user part (acme@myworkday.com); a person writes from the
    company's own domain under their own name, which is no company.
    """
    keys: list[str] = []
    if mail.company:
        keys.append(normalize_company(mail.company))
    address = mail.to_addr if mail.from_user else mail.from_addr
    local, _, domain = address.lower().rpartition("<")[2].strip(">").partition("@")
    parts = domain.split(".")
    is_ats = any(vendor in domain for vendor in ATS_DOMAINS)
    if not mail.from_user and mail.from_name and not _PERSON.match(mail.from_name.strip()):
        name = normalize_company(mail.from_name)
        # a board or vendor passing the mail on ("LinkLane": "your application was sent to
        # Acme") names itself, not the employer: its name is a key only beside a like one
        named = not keys or name in keys[0] or keys[0] in name
        if (
            name
            and named
            and not any(vendor.split(".")[0] in name.replace(" ", "") for vendor in ATS_DOMAINS)
        ):
            keys.append(name)
    if is_ats:
        for candidate in (*parts[:-2], local):
            if candidate and not _GENERIC_SUB.match(candidate):
                keys.append(normalize_company(candidate.replace("-", " ")))
                break
    elif len(parts) >= 2 and parts[-2] not in _FREEMAIL and not (mail.company and keys):
        # the sender's own domain names the company, unless the mail names one itself: a job
        # board's domain is the same on every application sent through it
        label = parts[-2] if parts[-2] not in ("co", "com") or len(parts) < 3 else parts[-3]
        keys.append(normalize_company(label.replace("-", " ")))
    return [k for k in dict.fromkeys(keys) if k]


def company_of(mail: Mail) -> str:
    """Return the most telling normalised company name of a mail, or '' when it names none."""
    keys = company_keys(mail)
    return keys[0] if keys else ""


def _same_company(a: str, b: str) -> bool:
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return a == b or (min(len(a), len(b)) >= 5 and (a in b or b in a))


def stage_of(mail: Mail) -> Stage | None:
    """Return the stage a mail moves its application to, or None when it moves nothing."""
    if mail.from_user:
        return "withdrawn" if _WITHDRAW.search(f"{mail.subject}\n{mail.text}") else None
    if mail.label == "offer":
        return "offer"
    if mail.label == "hard_no":
        return "rejected"
    if mail.label == "not_now":
        return "on_hold"
    if mail.kind in ("interview", "assessment"):
        return "in_process"
    if mail.kind in ("acknowledgement", "outcome"):
        return "applied"
    return None


def advance(app: Application, stage: Stage, mail: Mail) -> None:
    """Move app to stage if that is forward; a rejection after an offer is kept as a conflict."""
    if app.stage == "offer" and stage == "rejected":
        app.conflict = f"a rejection ({mail.subject or mail.message_id}) came after the offer"
        return
    if app.stage == "rejected" and stage == "offer":
        app.conflict = "an offer came after a rejection"
        app.stage = "offer"
        app.stage_dates.setdefault("offer", mail.date)
        return
    if _RANK[stage] > _RANK[app.stage] or (app.stage == "on_hold" and stage == "in_process"):
        app.stage = stage
        app.stage_dates.setdefault(stage, mail.date)


def _similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    words_a, words_b = set(a.split()), set(b.split())
    return a in b or b in a or len(words_a & words_b) / len(words_a | words_b) >= 0.5


def group(mails: Iterable[Mail]) -> list[Application]:
    """Return the applications of mails, oldest first; mails about no application are left out."""
    ordered = sorted(mails, key=lambda m: m.date)
    apps: list[Application] = []
    by_message: dict[str, Application] = {}
    by_prefix: dict[
        str, list[Application]
    ] = {}  # company keys by their first letters: few to compare
    for mail in ordered:
        app = _find(mail, apps, by_message, by_prefix)
        stage = stage_of(mail)
        if app is None:
            if stage is None and mail.kind not in ("interview", "assessment"):
                continue  # an alert or outreach starts no application
            company = company_of(mail)
            if not company:
                continue
            app = Application(
                id=app_id(mail.message_id),
                company=company,
                role=normalize_role(mail.role),
                seq=len(apps),
            )
            apps.append(app)
        by_message[mail.message_id] = app
        _absorb(app, mail, by_prefix)
    return apps


def app_id(message_id: str) -> str:
    """Return the id of the application a message opened: the same in every rebuild."""
    return "app-" + hashlib.sha1(message_id.encode(), usedforsecurity=False).hexdigest()[:10]


def _absorb(app: Application, mail: Mail, by_prefix: dict[str, list[Application]]) -> None:
    """Add mail to app: its keys, role, dates and the stage it moves the application to."""
    app.message_ids.append(mail.message_id)
    for key in company_keys(mail):
        if key not in app.keys:
            app.keys.add(key)
            by_prefix.setdefault(_prefix(key), []).append(app)
    if not app.role and mail.role:
        app.role = normalize_role(mail.role)
    if not app.company_name and mail.company:
        app.company_name = mail.company
    if not app.role_name and mail.role:
        app.role_name = mail.role
    if app.applied_at is None:
        app.applied_at = mail.date
        app.stage_dates.setdefault("applied", mail.date)
    if not mail.from_user:
        app.last_contact_at = mail.date
    if mail.kind == "interview":
        app.interviewed_at = mail.date
    stage = stage_of(mail)
    if stage is not None:
        advance(app, stage, mail)


def apply_moves(
    apps: list[Application], mails: Iterable[Mail], moves: dict[str, str]
) -> list[Application]:
    """Return apps with each moved message in the application of its anchor, rebuilt from its mails.

    A move whose anchor is the message itself gives it an application of its own; a move whose
    message or anchor is not in any record is ignored (e.g. the mail was deleted).
    """
    by_id = {m.message_id: m for m in mails}
    owner = {mid: a for a in apps for mid in a.message_ids}
    members: dict[str, list[str]] = {a.id: list(a.message_ids) for a in apps}
    heads = {a.id: a for a in apps}
    for mid, anchor in moves.items():
        if mid not in by_id or anchor not in by_id:
            continue
        source = owner.get(mid)
        if anchor == mid:
            target = Application(id=app_id(f"moved:{mid}"), company=company_of(by_id[mid]), role="")
            heads[target.id] = target
            members[target.id] = []
        elif anchor in owner:
            target = owner[anchor]
        else:
            continue
        if source is target:
            continue
        if source is not None:
            members[source.id].remove(mid)
        members[target.id].append(mid)
        owner[mid] = target
    rebuilt: list[Application] = []
    for key, head in heads.items():
        chosen = sorted((by_id[m] for m in members[key]), key=lambda m: m.date)
        if not chosen:
            continue
        if chosen == [by_id[m] for m in head.message_ids]:
            rebuilt.append(head)
            continue
        app = Application(id=head.id, company=head.company, role="")
        for mail in chosen:
            _absorb(app, mail, {})
        app.role = app.role or head.role
        rebuilt.append(app)
    return sorted(rebuilt, key=lambda a: a.applied_at or datetime.min)


def _prefix(key: str) -> str:
    return key.replace(" ", "")[:5]


def _find(
    mail: Mail,
    apps: Sequence[Application],
    by_message: dict[str, Application],
    by_prefix: dict[str, list[Application]],
) -> Application | None:
    for ref in reversed(mail.references):  # a reply belongs with the mail it answers
        if ref in by_message:
            return by_message[ref]
    if mail.kind in ("job_alert", "outreach") and not mail.from_user:
        return None  # a board's alerts or a recruiter's pitch, outside a thread: no application's
    keys = company_keys(mail)
    if not keys:
        return None
    role = normalize_role(mail.role)
    nearby = {id(a): a for k in keys for a in by_prefix.get(_prefix(k), ())}
    same = sorted(
        (a for a in nearby.values() if any(_same_company(k, j) for k in keys for j in a.keys)),
        key=lambda a: a.seq,
    )
    if not same:
        return None
    if role:
        named = [a for a in same if _similar(a.role, role)]
        if named:
            return named[-1]
        unnamed = [a for a in same if not a.role]
        if unnamed:
            return unnamed[-1]
        if mail.kind == "acknowledgement" and not mail.from_user:
            return None  # a new acknowledgement for another role: another application
    # a later mail whose role reads differently (a slot misread, a shortened title) stays
    return same[-1]


def next_actions(
    apps: Sequence[Application], now: datetime, silence_days: int = SILENCE_DAYS
) -> None:
    """Set each application's next action: a follow-up after silence, an answer to an offer."""
    for app in apps:
        if app.conflict:
            app.next_action = f"settle: {app.conflict}"
        elif app.stage == "offer" and app.deadline is not None:
            left = (app.deadline - now.date()).days
            app.next_action = f"answer the offer by {app.deadline.isoformat()} ({countdown(left)})"
        elif app.stage == "offer":
            app.next_action = "answer the offer"
        elif (
            app.stage == "in_process"
            and app.interviewed_at is not None
            and app.last_contact_at is not None
            and now - app.last_contact_at >= timedelta(days=silence_days)
        ):
            app.next_action = f"follow up: no word for {(now - app.last_contact_at).days} days"
        elif app.stage == "on_hold" and app.checkin is not None:
            app.next_action = f"check in on {app.checkin.isoformat()}"
        elif app.stage == "on_hold":
            app.next_action = "check in when the agreed time comes"
        else:
            app.next_action = ""


def countdown(days: int) -> str:
    """Return days left as people say it: "3 days left", "due today", "2 days late"."""
    if days == 0:
        return "due today"
    if days < 0:
        return f"{-days} day{'s' if days < -1 else ''} late"
    return f"{days} day{'s' if days > 1 else ''} left"
