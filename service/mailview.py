"""What the page and the REST API both do to mail: find, relabel, check and send drafts.

Each rule lives here once, so the page cannot allow what the API refuses: one reply per offer,
no send to a malformed address, no send before the profile names its sender.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import HeaderRegistry
from typing import Literal

from classifier.labels import is_label
from classifier.runtime import Runtime
from classifier.why import Reason, why
from drafts.kinds import REPLY_KINDS
from drafts.render import format_date, render_drafts
from service.config import Settings
from service.sender import Sender, SendResult
from service.store import DraftRow, MessageRow, Store, utcnow
from service.store.drafts import EDITABLE, Text
from service.store.history import Correction, History
from service.store.rows import draft_row, incoming_of

log = logging.getLogger("gracemail.mailview")

RelabelOutcome = Literal["relabelled", "closed"]
_HEADERS = HeaderRegistry()


class Refused(Exception):
    """An action the rules do not allow; status is the HTTP status the API answers with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def find_messages(
    store: Store, label: str = "", kind: str = "", query: str = "", limit: int = 200
) -> list[MessageRow]:
    """Return every stored message of a label and kind matching query, newest first."""
    return store.messages.find(label if is_label(label) else "", kind, query, limit)


def set_by_user(store: Store, rows: list[MessageRow]) -> set[int]:
    """Return the ids of the messages whose label the user gave (shown "you set this")."""
    return History(store.db, store.account_id).set_by_user(m.id for m in rows)


def reasons_for(runtime: Runtime | None, msg: MessageRow) -> list[Reason]:
    """Return the words that weighed most toward the message's label, [] without a runtime."""
    if runtime is None:
        return []
    # the text the classifier read: the subject and the new part of the body (Message.features_text)
    return why(runtime, f"{msg.subject}\n{msg.new_text or msg.text}", msg.label)


@dataclass(frozen=True)
class Event:
    """One thing that happened to the mail: a reply sent or discarded, or a label corrected."""

    at: datetime  # naive UTC
    what: Literal["sent", "discarded", "relabelled"]
    draft: DraftRow | None = None
    correction: Correction | None = None


def history_events(store: Store, limit: int = 300) -> list[Event]:
    """Return what was sent, discarded and relabelled, newest first."""
    past = History(store.db, store.account_id)
    events = [Event(d.sent_at or d.updated_at, "sent", draft=d) for d in store.drafts.list_sent()]
    events += [Event(d.updated_at, "discarded", draft=d) for d in past.discarded()]
    events += [Event(c.at, "relabelled", correction=c) for c in past.corrections()]
    events.sort(key=lambda e: e.at, reverse=True)
    return events[:limit]


def address_problem(value: str) -> str:
    """Return why a To: value cannot be sent to, or '' when every address in it is well formed."""
    if not value.strip():
        return "Add a recipient address before sending."
    try:
        header = _HEADERS("to", value)
    except (HeaderParseError, IndexError, ValueError):
        return f"“{value}” is not an email address."
    addresses = getattr(header, "addresses", ())
    if header.defects or not addresses:
        return f"“{value}” is not an email address: write it as name@example.com."
    for address in addresses:
        domain = address.domain
        if not address.username or "." not in domain.strip(".") or " " in address.addr_spec:
            return f"“{address.addr_spec or value}” is not an email address: write it as name@example.com."
    return ""


def profile_problem(settings: Settings) -> str:
    """Return what the profile lacks before mail can go out in the user's name, or ''."""
    profile = settings.sender_profile()
    missing = [
        what for what, have in (("name", profile.name), ("address", profile.email)) if not have
    ]
    if not missing:
        return ""
    if address_problem(profile.email) and profile.email:
        return f"Your profile address “{profile.email}” is not an email address."
    return (
        f"Set your {' and '.join(missing)} before the first send: GRACEMAIL_PROFILE__NAME and "
        "GRACEMAIL_PROFILE__EMAIL, or name and email under [profile] in the settings file."
    )


def relabel(store: Store, settings: Settings, pk: int, label: str) -> RelabelOutcome:
    """Store the user's label and re-draft the message for it; raises Refused (404) when unknown.

    Once a reply is sent or on its way the choice is made: the label is still stored as a
    correction, but no new reply is drafted (`closed`).
    """
    msg = store.messages.get_by_pk(pk)
    if msg is None or not is_label(label):
        raise Refused(404, "not_found", "no such message or label")
    if label != msg.label:
        History(store.db, store.account_id).label_set_by_user(pk)
    if store.drafts.reply_taken(pk) is not None:
        store.drafts.relabel(pk, label, [])
        return "closed"
    incoming = incoming_of(msg, label)
    sent = store.drafts.sent_decline_reasons()
    drafts = render_drafts(incoming, settings.sender_profile(), date.today(), sent)
    store.drafts.relabel(pk, incoming.label, [draft_row(d) for d in drafts])
    return "relabelled"


def relabel_many(
    store: Store, settings: Settings, pks: list[int], label: str
) -> dict[int, RelabelOutcome]:
    """Relabel each message as relabel does; return what came of each, skipping unknown ones."""
    done: dict[int, RelabelOutcome] = {}
    for pk in dict.fromkeys(pks):
        try:
            done[pk] = relabel(store, settings, pk, label)
        except Refused:
            continue
    return done


def discard_drafts(store: Store, draft_ids: list[int]) -> list[int]:
    """Discard each draft not yet on its way; return the ids that were discarded."""
    return [i for i in dict.fromkeys(draft_ids) if store.drafts.discard(i)]


def discard_replies(store: Store, pks: list[int]) -> list[int]:
    """Discard the waiting replies (follow-ups aside) of these messages; return the draft ids."""
    ids: list[int] = []
    for pk in dict.fromkeys(pks):
        msg = store.messages.get_by_pk(pk)
        if msg is not None:
            ids += [d.id for d in msg.drafts if d.status in EDITABLE and d.kind != "followup"]
    return discard_drafts(store, ids)


def move_checkin_date(draft: DraftRow, text: Text) -> tuple[Text, str]:
    """Return the text with its check-in sentence moved to a changed date, and a warning or ''.

    The not-now reply names its check-in date ("around 8 March 2026"). When the user changes
    the date, the sentence that still names the old one follows it; when no sentence does (the
    user rewrote it), the warning asks the user to check the text.
    """
    old, new = draft.followup_date, text.followup_date
    if draft.kind != "not_now" or old is None or new is None or old == new:
        return text, ""
    was, now = format_date(old, draft.language), format_date(new, draft.language)
    if was in text.body:
        return text._replace(body=text.body.replace(was, now)), ""
    return text, f"The check-in date is now {now}: check that the text says the same."


def check_sendable(
    store: Store, settings: Settings, draft_id: int, statuses: tuple[str, ...] = EDITABLE
) -> DraftRow:
    """Return the draft when it may be sent now; raises Refused with the reason otherwise.

    404 for no such draft, 409 when it is no longer pending or another reply to its message
    (the other offer choice) was sent, 422 for a malformed address or an incomplete profile.
    """
    draft = store.drafts.get(draft_id)
    if draft is None:
        raise Refused(404, "not_found", "no such draft")
    if draft.status not in statuses:
        raise Refused(409, "not_pending", f"this draft is {draft.status}, not waiting to be sent")
    if draft.kind in REPLY_KINDS:
        taken = store.drafts.reply_taken(draft.message_pk)
        if taken is not None and taken.id != draft.id:
            what = taken.kind.replace("_", " ")
            raise Refused(409, "choice_made", f"another reply ({what}) was sent or is about to be")
    problem = address_problem(draft.to)
    if problem:
        raise Refused(422, "bad_address", problem)
    problem = profile_problem(settings)
    if problem:
        raise Refused(422, "no_profile", problem)
    return draft


@dataclass(frozen=True)
class Approved:
    """What an approval did: the draft's status now, a sentence, and when it goes out if later."""

    draft_id: int
    status: str
    detail: str
    send_at: datetime | None  # naive UTC; None when handled at once


def approve(
    store: Store,
    settings: Settings,
    sender: Sender,
    draft_id: int,
    at: datetime | None = None,
) -> Approved:
    """Approve one draft: it goes out after the undo window, or at `at` when that is later.

    With send_undo_seconds 0 and no later time it is sent at once. Raises Refused when the
    rules say no (check_sendable), or 409 when it stopped being pending meanwhile.
    """
    check_sendable(store, settings, draft_id)
    send_at = utcnow() + timedelta(seconds=settings.send_undo_seconds)
    if at is not None and at > send_at:
        send_at = at
    if send_at <= utcnow():
        result = sender.send(draft_id)
        return Approved(draft_id, result.status, result.detail, None)
    if not store.drafts.schedule(draft_id, send_at):
        raise Refused(409, "not_pending", "this draft is no longer waiting to be sent")
    return Approved(draft_id, "scheduled", "goes out unless you undo it", send_at)


def undo(store: Store, draft_id: int) -> None:
    """Take a scheduled draft back before it goes out; raises Refused (404, 409) when too late."""
    if store.drafts.get(draft_id) is None:
        raise Refused(404, "not_found", "no such draft")
    if not store.drafts.unschedule(draft_id):
        raise Refused(409, "not_pending", "too late to undo: it is not waiting to go out")


def queue_due(store: Store, settings: Settings) -> list[int]:
    """Move the scheduled drafts whose time has come to approved, each once; return their ids.

    For workers, whose queue of sends is the approved drafts: the move scheduled→approved is
    the claim, so a worker killed right after it leaves the draft to the next one (release_due's
    move to pending would leave it unapproved). One the rules now refuse is failed with the reason.
    """
    queued: list[int] = []
    for draft_id in store.drafts.due_scheduled(utcnow()):
        if not store.drafts.move(draft_id, ("scheduled",), "approved"):
            continue
        try:
            check_sendable(store, settings, draft_id, statuses=("approved",))
        except Refused as refused:
            store.drafts.finish_failed(draft_id, f"not sent: {refused.message}")
            continue
        queued.append(draft_id)
    return queued


def release_due(store: Store, settings: Settings, sender: Sender) -> list[SendResult]:
    """Send the scheduled drafts whose time has come, each once; return what came of each.

    The move scheduled→pending is the claim: of two dispatchers only one wins it. A draft the
    rules now refuse (say its profile was emptied) stays pending with the reason as its error.
    """
    results: list[SendResult] = []
    for draft_id in store.drafts.due_scheduled(utcnow()):
        if not store.drafts.move(draft_id, ("scheduled",), "pending"):
            continue
        try:
            check_sendable(store, settings, draft_id)
        except Refused as refused:
            store.drafts.set_note(draft_id, f"not sent: {refused.message}")
            continue
        results.append(sender.send(draft_id))
        log.info("draft %s: %s", draft_id, results[-1].status)
    return results
