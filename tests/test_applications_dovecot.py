"""The poller over a job-search inbox in a real Dovecot: the records and the offer-deadline notes."""

from __future__ import annotations

from drafts.profile import Profile
from service.appnotes import OFFER_NOTE, draft_offer_notes
from service.ingest import Ingest
from service.mail.poller import Poller
from service.store import Store
from service.tracker import build
from tests.mail.test_poller import append_all, settings_for
from tests.servers import Dovecot
from tests.web.test_applications import DEADLINE, INBOX


def test_poller_inbox_gives_records_and_offer_notes(
    mailbox_user: tuple[Dovecot, str], ingest: Ingest, store: Store
) -> None:
    server, user = mailbox_user
    append_all(server, user, INBOX)
    Poller(settings_for(server, user), ingest, store).run(once=True)
    records = build(store)
    stages = {a.company_name or a.company: a.stage for a in records.apps}
    assert stages["Acme Robotics"] == "in_process"
    assert stages["Cobalt Freight"] == "applied"
    offer = next(a for a in records.apps if a.stage == "offer")
    assert offer.deadline == DEADLINE
    profile = Profile(name="Sam Rivera", email="sam@example.org")
    (note,) = draft_offer_notes(store, records, profile)
    assert note.kind == OFFER_NOTE and note.status == "pending"
    assert note.in_reply_to == "<w2@apps.example>"
    assert f"{DEADLINE.day} {DEADLINE:%B %Y}" in note.body
    assert draft_offer_notes(store, build(store), profile) == []  # once per open application
