"""Declines agree: a new one warns when it would give another reason than one already sent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from classifier.model import Classifier
from classifier.parse import parse_message
from drafts.profile import Profile, Referrer
from drafts.reasons import SentReason, reason_warning
from drafts.render import Incoming, render_drafts
from service.ingest import Ingest
from service.store import Store

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
STAY = "I have decided to stay in my current role"
MOVE = "I have accepted another offer"


def _profile(en: str = STAY, es: str = "he decidido quedarme en mi puesto actual") -> Profile:
    return Profile(
        name="Sam Rivera",
        email="sam@example.org",
        decline_reasons={"en": en, "es": es},
        referrals={"Acme": Referrer("Jo", "jo@example.net")},
    )


@pytest.mark.parametrize(
    ("language", "reason", "sent", "warns"),
    [
        ("en", STAY, [], False),
        ("en", STAY, [SentReason("en", STAY)], False),
        ("en", STAY, [SentReason("en", STAY.upper() + ".")], False),  # case and full stop
        ("en", MOVE, [SentReason("en", STAY)], True),
        ("en", "", [SentReason("en", STAY)], True),  # the reason given before, now none
        ("en", STAY, [SentReason("en", "")], False),  # an earlier neutral decline
        # in another language the profile's reason there now is what counts: a translation agrees
        ("es", "he decidido quedarme en mi puesto actual", [SentReason("en", STAY)], False),
        ("de", "ich bleibe", [SentReason("es", "otra razón")], True),
    ],
)
def test_reason_warning(language: str, reason: str, sent: list[SentReason], warns: bool) -> None:
    note = reason_warning(_profile(), language, reason, sent)
    assert bool(note) == warns, note
    if warns:
        assert f"“{sent[0].reason}”" in note


def test_the_decline_and_the_referrer_note_carry_the_warning() -> None:
    msg = Incoming(
        message_id="<o@acme.example>",
        subject="Offer",
        from_name="Dana",
        from_addr="dana@acme.example",
        label="offer",
        company="Acme",
        date="Tue, 10 Mar 2026 16:30:00 +0000",
    )
    drafts = render_drafts(msg, _profile(en=MOVE), date(2026, 3, 11), [SentReason("en", STAY)])
    warned = {d.kind for d in drafts if "An earlier decline you sent" in d.note}
    decline_notes = [d for d in drafts if d.decline_reason == MOVE]
    assert "offer_decline" in warned and len(decline_notes) == 2  # decline and referrer note
    assert not any("An earlier decline" in d.note for d in drafts if d.kind == "offer_accept")


def _send(store: Store, draft_id: int) -> None:
    assert store.drafts.move(draft_id, ("pending",), "approved")
    assert store.drafts.start_sending(draft_id, f"<sent-{draft_id}@example.org>")
    assert store.drafts.finish_sent(draft_id)


def _decline_note(ingest: Ingest, name: str) -> str:
    outcome = ingest.draft(parse_message((DEMO / name).read_bytes()))
    assert outcome.label == "offer"
    return next(d.note for d in outcome.drafts if d.kind == "offer_decline")


def test_a_sent_decline_records_its_reason_and_a_different_new_one_is_warned(
    classifier: Classifier, store: Store
) -> None:
    ingest = Ingest(classifier, _profile(), store)
    outcome = ingest.handle((DEMO / "01-offer.eml").read_bytes())
    assert outcome.label == "offer"
    row = store.messages.get(outcome.message_id)
    assert row is not None
    decline = next(d for d in row.drafts if d.kind == "offer_decline")
    assert decline.decline_reason == STAY
    assert store.drafts.sent_decline_reasons() == []  # pending is not sent
    _send(store, decline.id)

    assert store.drafts.sent_decline_reasons() == [SentReason("en", STAY)]
    # the same reason, and its Spanish version, agree; a changed reason is warned of
    assert "An earlier decline" not in _decline_note(ingest, "01-offer.eml")
    assert "An earlier decline" not in _decline_note(ingest, "10-offer-es.eml")
    changed = Ingest(classifier, _profile(en=MOVE), store)
    note = _decline_note(changed, "01-offer.eml")
    assert f"An earlier decline you sent gave the reason “{STAY}”; this one gives “{MOVE}”." in note
    assert "An earlier decline" in _decline_note(changed, "10-offer-es.eml")
