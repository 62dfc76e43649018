"""Drafts: every label, language and slot combination reads as finished text and threads right."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from drafts.checkin import pick_checkin_date
from drafts.compose import compose_message
from drafts.profile import Profile, Referrer
from drafts.render import Incoming, render_drafts, reply_subject

TODAY = date(2026, 11, 22)
PROFILE = Profile(
    name="Sam Rivera",
    email="sam@example.org",
    referrals={"Acme Robotics": Referrer("Jo", "jo@example.net")},
)
SLOTS = list(itertools.product(["", "Dana"], ["", "Acme Robotics"], ["", "Data Engineer"]))


def incoming(
    label: str, language: str, contact: str, company: str, role: str, **extra: str
) -> Incoming:
    values = {
        "message_id": "<orig@acme.example>",
        "subject": "Your application",
        "from_name": "Dana",
        "from_addr": "dana@acme.example",
        "references": "<earlier@acme.example>",
        "text": "",
        "label": label,
        "language": language,
        "contact_name": contact,
        "company": company,
        "role": role,
    }
    values.update(extra)
    return Incoming(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("label", ["offer", "hard_no", "not_now"])
@pytest.mark.parametrize("language", ["en", "de", "fr", "es"])
@pytest.mark.parametrize(("contact", "company", "role"), SLOTS)
def test_no_placeholder_or_empty_slot_is_visible(
    label: str, language: str, contact: str, company: str, role: str
) -> None:
    drafts = render_drafts(incoming(label, language, contact, company, role), PROFILE, TODAY)
    assert drafts
    for d in drafts:
        assert "{" not in d.body and "}" not in d.body and "None" not in d.body
        # French typography puts a space before : ; ! ? — everywhere else a space there is a gap
        stray = r"\s[,.]" if d.language == "fr" else r"\s[,.;:!?]"
        assert not re.search(
            rf"  |{stray}|\(\s*\)|\bthe\s+(role|position)\b\s*(at)?\s*[,.]", d.body
        ), d.body
        assert not re.search(r"\b(at|to|for|bei|von|chez|de|en|para)\s*[,.]", d.body), d.body
        if contact and d.kind != "referrer_thanks":
            assert contact in d.body.splitlines()[0]
        if company and d.kind != "referrer_thanks":
            assert company in d.body
        assert "Sam Rivera" in d.body


def test_each_label_gets_its_drafts() -> None:
    kinds = {
        label: [
            d.kind
            for d in render_drafts(
                incoming(label, "en", "Dana", "Acme Robotics", "Data Engineer"), PROFILE, TODAY
            )
        ]
        for label in ("offer", "hard_no", "not_now", "other")
    }
    assert kinds == {
        "offer": ["offer_accept", "offer_decline", "referrer_thanks"],
        "hard_no": ["hard_no"],
        "not_now": ["not_now"],
        "other": [],
    }


def test_drafts_speak_the_message_language() -> None:
    hard_no = render_drafts(incoming("hard_no", "de", "Dana", "", ""), PROFILE, TODAY)[0]
    assert hard_no.language == "de" and hard_no.body.startswith("Hallo Dana,")
    fallback = render_drafts(incoming("hard_no", "sv", "Dana", "", ""), PROFILE, TODAY)[0]
    assert fallback.language == "en"


def test_hard_no_asks_specific_feedback_and_leaves_door_open() -> None:
    body = render_drafts(
        incoming("hard_no", "en", "Dana", "Acme Robotics", "Data Engineer"), PROFILE, TODAY
    )[0].body
    assert "Thank you" in body and "what would have made my application stronger" in body
    assert "future openings" in body and "another team" not in body
    leads = Profile(name="Sam", ask_for_leads=True)
    assert (
        "another team at Acme Robotics"
        in render_drafts(incoming("hard_no", "en", "", "Acme Robotics", ""), leads, TODAY)[0].body
    )


def test_not_now_proposes_a_checkin_date_it_records() -> None:
    d = render_drafts(
        incoming(
            "not_now", "en", "Dana", "Acme Robotics", "", text="We will reopen the role in Q2."
        ),
        PROFILE,
        TODAY,
    )[0]
    assert d.followup_date == date(2027, 4, 5)
    assert "you know where to find me" in d.body and "5 April 2027" in d.body


def test_offer_decline_reason_matches_the_referrer_note() -> None:
    profile = Profile(
        name="Sam",
        decline_reason="I have chosen a role closer to my family",
        referrals={"acme robotics": Referrer("Jo", "jo@x.example")},
    )
    drafts = {
        d.kind: d
        for d in render_drafts(
            incoming("offer", "en", "Dana", "Acme Robotics", "Data Engineer"), profile, TODAY
        )
    }
    assert "I have chosen a role closer to my family" in drafts["offer_decline"].body
    assert "I have chosen a role closer to my family" in drafts["referrer_thanks"].body
    assert drafts["referrer_thanks"].to == "jo@x.example"


def test_a_draft_is_a_threaded_reply() -> None:
    d = render_drafts(incoming("hard_no", "en", "Dana", "", ""), PROFILE, TODAY)[0]
    assert d.subject == "Re: Your application" and reply_subject("RE: x") == "RE: x"
    assert d.in_reply_to == "<orig@acme.example>"
    assert d.references == "<earlier@acme.example> <orig@acme.example>"
    msg = compose_message(d, PROFILE)
    assert msg["In-Reply-To"] == "<orig@acme.example>" and msg["To"] == "dana@acme.example"
    assert msg["Message-ID"].endswith("@example.org>") and "Sam Rivera" in msg["From"]


def test_reply_to_wins_and_no_reply_is_not_addressed() -> None:
    d = render_drafts(
        incoming("hard_no", "en", "", "", "", reply_to="jobs@acme.example"), PROFILE, TODAY
    )[0]
    assert d.to == "jobs@acme.example"
    d = render_drafts(
        incoming("hard_no", "en", "", "", "", from_addr="no-reply@acme.greenhouse.io"),
        PROFILE,
        TODAY,
    )[0]
    assert d.to == "" and "no-reply" in d.note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("let's reconnect in six months", date(2027, 5, 25)),
        ("we expect budget in Q3", date(2027, 7, 5)),
        ("the role reopens in March", date(2027, 3, 4)),
        ("no timing given", date(2027, 2, 22)),
        ("you may be a good fit", date(2027, 2, 22)),
    ],
)
def test_checkin_date_follows_the_message(text: str, expected: date) -> None:
    assert pick_checkin_date(text, "en", TODAY, 90) == expected
