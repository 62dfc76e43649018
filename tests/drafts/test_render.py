"""Drafts: every label, language and slot combination reads as finished text and answers the mail."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime

import pytest

from drafts import blocks
from drafts.blocks import Context
from drafts.checkin import pick_checkin_date
from drafts.compose import compose_message
from drafts.facts import Facts
from drafts.phrases import LANGUAGES, Phrasebook, phrases
from drafts.profile import Profile, Referrer
from drafts.render import Incoming, render_drafts, reply_subject

TODAY = date(2026, 11, 22)
SENT = "Tue, 10 Mar 2026 16:30:00 +0000"  # every date in these mails is read against this
PROFILE = Profile(
    name="Sam Rivera",
    email="sam@example.org",
    referrals={"Acme Robotics": Referrer("Jo", "jo@example.net")},
)
SLOTS = list(itertools.product(["", "Dana"], ["", "Acme Robotics"], ["", "Data Engineer"]))
ALL = sorted(LANGUAGES)


def incoming(
    label: str,
    language: str,
    contact: str = "Dana",
    company: str = "",
    role: str = "",
    **extra: str,
) -> Incoming:
    values = {
        "message_id": "<orig@acme.example>",
        "subject": "Your application",
        "from_name": "Dana Smith",
        "from_addr": "dana@acme.example",
        "references": "<earlier@acme.example>",
        "text": "",
        "label": label,
        "language": language,
        "contact_name": contact,
        "company": company,
        "role": role,
        "date": SENT,
    }
    values.update(extra)
    return Incoming(**values)  # type: ignore[arg-type]


def drafts_of(msg: Incoming, profile: Profile = PROFILE) -> dict[str, str]:
    return {
        d.kind: d.body for d in render_drafts(msg, profile, TODAY) if d.kind != "referrer_thanks"
    }


def test_13_languages_have_every_phrase_english_has() -> None:
    assert set(ALL) == set("en de fr es nl it pt sv pl da no fi cs".split())
    english = {k for k in phrases("en") if not k.startswith("informal.")}
    for language in ALL:
        assert english <= set(phrases(language)), (language, english - set(phrases(language)))


@pytest.mark.parametrize("label", ["offer", "hard_no", "not_now"])
@pytest.mark.parametrize("language", ALL)
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
        assert not re.search(rf"  |{stray}|\(\s*\)", d.body), d.body
        assert not re.search(
            r"\b(at|to|for|bei|von|chez|de|en|para|na|ve|w|i|hos|på)\s*[,.]", d.body
        ), d.body
        if contact and d.kind != "referrer_thanks":
            assert contact in d.body.splitlines()[0]
        if company:
            assert company in d.body
        assert "Sam Rivera" in d.body and "Alex Example" not in d.body
        assert d.suggested_send_after is not None
        assert d.language == language or d.kind == "referrer_thanks"  # in the user's language


def test_each_label_gets_its_drafts() -> None:
    kinds = {
        label: [
            d.kind
            for d in render_drafts(incoming(label, "en", company="Acme Robotics"), PROFILE, TODAY)
        ]
        for label in ("offer", "hard_no", "not_now", "other")
    }
    assert kinds == {
        "offer": [
            "offer_accept",
            "offer_hold",
            "offer_decline",
            "referrer_thanks",
            "referrer_thanks",
        ],
        "hard_no": ["hard_no", "referrer_thanks"],
        "not_now": ["not_now"],
        "other": [],
    }


@pytest.mark.parametrize(
    ("language", "text", "first_line", "word", "absent"),
    [
        (
            "de",
            "Sehr geehrte Frau Smith, leider müssen wir Ihnen absagen.",
            "Guten Tag Dana Smith,",
            "Sie",
            " du ",
        ),
        (
            "de",
            "Hallo Dana, leider müssen wir dir absagen, danke für deine Zeit.",
            "Hallo Dana,",
            "du",
            " Sie ",
        ),
        (
            "fr",
            "Nous vous remercions pour votre candidature.",
            "Bonjour Dana Smith,",
            "votre",
            " ton ",
        ),
        (
            "fr",
            "Merci pour ta candidature, on te tient au courant.",
            "Bonjour Dana,",
            "ton",
            "Si vous",
        ),
        (
            "es",
            "Le agradecemos su candidatura.",
            "Buenos días, Dana Smith:",
            "su respuesta",
            " tu ",
        ),
        (
            "es",
            "Gracias por tu candidatura, te escribimos pronto.",
            "Hola, Dana:",
            "tu",
            " su ",
        ),
        (
            "nl",
            "Hartelijk dank voor uw sollicitatie; wij laten u weten.",
            "Beste Dana Smith,",
            " u ",
            " je ",
        ),
        ("nl", "Bedankt voor je sollicitatie, we laten je weten.", "Hoi Dana,", " je ", " uw "),
    ],
)
def test_the_reply_mirrors_the_register(
    language: str, text: str, first_line: str, word: str, absent: str
) -> None:
    body = drafts_of(incoming("hard_no", language, text=text))["hard_no"]
    assert body.splitlines()[0] == first_line
    assert word in body and absent not in body, body


@pytest.mark.parametrize(
    "word",
    ["ravi", "heureux", "intéressé", "prêt ", "informé", "encantado", "interesado", "agradecido",
     "obrigado", "obrigada", "grato", "lieto", "interessato", "zdecydowałem", "rád ", "ráda"],
)  # fmt: skip
def test_no_gendered_form_of_the_sender(word: str) -> None:
    for language in ("fr", "es", "pt", "it", "pl", "cs"):
        for label in ("hard_no", "not_now", "offer"):
            for body in drafts_of(incoming(label, language, company="Acme", role="Dev")).values():
                assert word not in body, (language, label, body)


@pytest.mark.parametrize("language", ALL)
def test_hard_no_asks_one_feedback_question_and_a_lead_and_leaves_the_door_open(
    language: str,
) -> None:
    body = drafts_of(incoming("hard_no", language, company="Acme Robotics"))["hard_no"]
    questions = [s for s in re.split(r"(?<=[?])\s", body) if s.rstrip().endswith("?")]
    assert len(questions) == 2, body  # one feedback question, one lead
    off = drafts_of(
        incoming("hard_no", language, company="Acme Robotics"),
        Profile(name="Sam", ask_for_leads=False),
    )
    assert off["hard_no"].count("?") == 1


def test_hard_no_answers_the_reason_and_takes_up_what_is_offered() -> None:
    text = (
        "Thank you for the interviews. We went with a candidate with more experience in payments. "
        "I'd be happy to introduce you to a colleague at Initech, and we would like to add you to our talent pool."
    )
    body = drafts_of(incoming("hard_no", "en", company="Acme", text=text))["hard_no"]
    assert "close that gap" in body and "where the gap was largest" not in body
    assert "accept the introduction" in body and "talent pool" in body
    assert "who else should I talk to" not in body  # the introduction is the lead
    assert "in the interviews" in body


def test_details_kept_on_file_are_thanked_for_not_consented_to() -> None:
    text = "Unfortunately we will not be moving forward. We'll keep your details on file."
    body = drafts_of(incoming("hard_no", "en", text=text))["hard_no"]
    assert "Thank you for keeping my CV on file." in body and "talent pool" not in body


def test_a_letter_that_lists_start_date_and_salary_states_neither() -> None:
    text = "The formal letter with salary, start date and benefits is attached; it's yours to review over the next week."
    d = drafts_of(incoming("offer", "en", text=text))
    assert "Start date:" not in d["offer_accept"] and "- The formal letter" not in d["offer_accept"]
    assert "my answer by 16 March 2026" in d["offer_hold"]


def test_a_question_in_the_mail_is_flagged_in_the_note() -> None:
    text = "We will not be moving forward. May I keep your details for future roles?"
    d = render_drafts(incoming("hard_no", "en", text=text), PROFILE, TODAY)[0]
    assert "May I keep your details for future roles?" in d.note


@pytest.mark.parametrize(
    ("text", "has", "lacks"),
    [
        ("The role is on hold until Q3.", ["you know where to find me", "6 July 2026"], ["how close the decision was"]),
        ("You were a very close second. If anything changes we'll know by 31 March.", ["how close the decision was", "shortly after 31 March 2026"], ["you know where to find me", "In the meantime"]),
        ("We have postponed the decision; we will let you know by 15 April.", ["hearing from you around 15 April 2026"], ["you know where to find me", "check in"]),
    ],
)  # fmt: skip
def test_not_now_subtypes(text: str, has: list[str], lacks: list[str]) -> None:
    body = drafts_of(incoming("not_now", "en", text=text))["not_now"]
    assert all(h in body for h in has) and not any(x in body for x in lacks), body


@pytest.mark.parametrize("language", ALL)
@pytest.mark.parametrize("kind", ["close_second", "deferred"])
@pytest.mark.parametrize("register", ["formal", "informal"])
def test_every_not_now_subtype_reads_finished_and_names_the_company(
    language: str, kind: str, register: str
) -> None:
    book = Phrasebook(language, register, {"name": "Dana", "company": "Acme Robotics", "role": ""})
    facts = Facts(not_now=kind, promised=date(2026, 4, 15), named=date(2026, 4, 15))  # type: ignore[arg-type]
    ctx = Context(greeting="Hi", signature="Sam", sent=date(2026, 3, 10), checkin=date(2026, 4, 17))
    body = blocks.not_now(book, facts, ctx)
    stray = r"\s[,.]" if language == "fr" else r"\s[,.;]"  # French puts a space before ;
    assert "{" not in body and "Acme Robotics" in body and not re.search(rf"  |{stray}", body), body


def test_a_promised_date_sets_the_followup_a_few_days_after() -> None:
    d = render_drafts(
        incoming("not_now", "en", text="We will let you know by 15 April."), PROFILE, TODAY
    )[0]
    assert d.followup_date == date(2026, 4, 17)


def test_not_now_checkin_date_in_the_reply_language() -> None:
    body = drafts_of(
        incoming("not_now", "es", text="El puesto está en pausa hasta el tercer trimestre.")
    )["not_now"]
    assert "6 de julio de 2026" in body


def test_offer_drafts_restate_the_terms_and_the_deadline() -> None:
    text = "We are pleased to offer you the role. The base salary is €65,000. The start date would be 1 May. Please let us know by 20 March."
    d = drafts_of(incoming("offer", "en", company="Acme", role="Data Engineer", text=text))
    assert (
        "Data Engineer role at Acme" in d["offer_accept"]
        and "The base salary is €65,000." in d["offer_accept"]
    )
    assert (
        "Start date: 1 May 2026." in d["offer_accept"]
        and "confirm the start date" not in d["offer_accept"]
    )
    assert "my answer by 20 March 2026" in d["offer_hold"]
    assert "decline" in d["offer_decline"]


def test_decline_never_invents_a_reason() -> None:
    drafts = {
        d.kind: d for d in render_drafts(incoming("offer", "de", company="Acme"), PROFILE, TODAY)
    }
    body = drafts["offer_decline"].body
    assert "angenommen" not in body and "anderen Stelle" not in body
    assert (
        "no decline reason" in drafts["offer_decline"].note
        and drafts["offer_decline"].decline_reason == ""
    )
    english_only = Profile(name="Sam", decline_reason="I have chosen a role closer to my family")
    de = {d.kind: d for d in render_drafts(incoming("offer", "de"), english_only, TODAY)}
    assert "closer to my family" not in de["offer_decline"].body  # no English inside German
    both = Profile(
        name="Sam",
        decline_reasons={"de": "ich habe mich für eine Stelle näher an meiner Familie entschieden"},
    )
    de = {d.kind: d for d in render_drafts(incoming("offer", "de"), both, TODAY)}
    assert "näher an meiner Familie" in de["offer_decline"].body
    assert de["offer_decline"].decline_reason.startswith("ich habe mich")


@pytest.mark.parametrize(
    ("company", "sender", "matched"),
    [
        ("Acme Analytics", "dana@acme-analytics.example", True),
        ("ACME Inc.", "dana@x.example", True),
        ("Acmeville", "dana@acmeville.example", False),
        ("", "hr@jobs.acme.example", True),
        ("Initech", "hr@initech.example", False),
    ],
)
def test_referral_matched_by_normalised_name_or_domain(
    company: str, sender: str, matched: bool
) -> None:
    profile = Profile(
        name="Sam", referrals={"Acme": Referrer("Jo", "jo@x.example", "acme.example")}
    )
    assert (profile.referrer_for(company, sender) is not None) is matched


def test_the_decline_names_the_referral_its_note_mentions() -> None:
    profile = Profile(
        name="Sam",
        decline_reason="I have chosen a role closer to my family",
        referrals={"acme": Referrer("Jo", "jo@x.example")},
    )
    drafts = render_drafts(incoming("offer", "en", company="Acme Robotics"), profile, TODAY)
    decline = next(d for d in drafts if d.kind == "offer_decline")
    notes = [d for d in drafts if d.kind == "referrer_thanks"]
    assert "Jo, who introduced me" in decline.body and "closer to my family" in decline.body
    assert {n.note for n in notes} == {
        "Send this one if you accept the offer.",
        "Send this one if you decline the offer.",
    }
    assert any("closer to my family" in n.body and "I told them" in n.body for n in notes)


@pytest.mark.parametrize(
    ("sender", "text", "to"),
    [
        ("no-reply@acme.greenhouse.io", "", ""),
        ("nao-responda@empresa.example", "", ""),
        ("acme@myworkday.com", "", ""),
        ("careers@acme.oraclecloud.com", "", ""),
        ("talent@acme.example", "Please do not reply to this email.", ""),
        ("talent@acme.example", "Bitte antworten Sie nicht auf diese E-Mail.", ""),
        ("talent@acme.example", "Merci de ne pas répondre à ce message.", ""),
        ("talent@acme.example", "Por favor, não responda a este e-mail.", ""),
        ("talent@acme.example", "Älä vastaa tähän viestiin.", ""),
        ("talent@acme.example", "Na tento e-mail neodpovídejte.", ""),
        (
            "no-reply@acme.greenhouse.io",
            "Questions? Write to dana.smith@acme.example.",
            "dana.smith@acme.example",
        ),
        ("dana@acme.example", "", "dana@acme.example"),
    ],
)
def test_no_reply_senders_are_not_addressed(sender: str, text: str, to: str) -> None:
    d = render_drafts(incoming("hard_no", "en", from_addr=sender, text=text), PROFILE, TODAY)[0]
    assert d.to == to
    assert bool(d.note) is (to != sender), d.note


def test_mail_from_the_user_gets_no_draft() -> None:
    assert (
        render_drafts(incoming("hard_no", "en", from_addr="Sam@Example.org"), PROFILE, TODAY) == []
    )


def test_hard_no_waits_for_the_next_working_morning_in_the_user_zone() -> None:
    friday = "Fri, 13 Mar 2026 17:00:00 +0000"
    berlin = Profile(name="Sam", timezone="Europe/Berlin")
    d = render_drafts(incoming("hard_no", "en", date=friday), berlin, TODAY)[0]
    assert d.suggested_send_after == datetime(2026, 3, 16, 8, 0)  # Monday 09:00 in Berlin
    offer = render_drafts(incoming("offer", "en", date=friday), berlin, TODAY)[0]
    assert offer.suggested_send_after == datetime(2026, 3, 13, 17, 0)


def test_the_signer_comes_from_the_profile_else_the_to_name() -> None:
    msg = incoming("hard_no", "en", to='"Robin Park" <robin@example.org>')
    assert render_drafts(msg, Profile(), TODAY)[0].body.rstrip().endswith("Robin Park")
    assert render_drafts(msg, Profile(name="Sam"), TODAY)[0].body.rstrip().endswith("Sam")
    nameless = render_drafts(incoming("hard_no", "en"), Profile(), TODAY)[0]
    assert "Add your name" in nameless.note and "Alex Example" not in nameless.body


def test_a_language_without_phrases_is_answered_in_english_with_a_note() -> None:
    d = render_drafts(incoming("hard_no", "ru"), PROFILE, TODAY)[0]
    assert d.language == "en" and "in English" in d.note


def test_a_draft_is_a_threaded_reply() -> None:
    d = render_drafts(incoming("hard_no", "en"), PROFILE, TODAY)[0]
    assert d.subject == "Re: Your application" and reply_subject("RE: x") == "RE: x"
    assert d.in_reply_to == "<orig@acme.example>"
    assert d.references == "<earlier@acme.example> <orig@acme.example>"
    msg = compose_message(d, PROFILE)
    assert msg["In-Reply-To"] == "<orig@acme.example>" and msg["To"] == "dana@acme.example"
    assert msg["Message-ID"].endswith("@example.org>") and "Sam Rivera" in msg["From"]


def test_reply_to_wins() -> None:
    d = render_drafts(incoming("hard_no", "en", reply_to="jobs@acme.example"), PROFILE, TODAY)[0]
    assert d.to == "jobs@acme.example"


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
