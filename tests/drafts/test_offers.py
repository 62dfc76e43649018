"""Offers: the acceptance restates the role offered and asks only for what the mail does not give."""

from __future__ import annotations

from datetime import date

import pytest

from drafts.phrases import phrases
from drafts.profile import Profile
from drafts.render import Incoming, render_drafts

SENT = "Tue, 10 Mar 2026 16:30:00 +0000"
PROFILE = Profile(name="Sam Rivera", email="sam@example.org")


def _drafts(language: str, text: str, role: str = "") -> dict[str, str]:
    msg = Incoming(
        message_id="<offer@acme.example>",
        subject="Offer",
        from_name="Dana Smith",
        from_addr="dana@acme.example",
        text=text,
        label="offer",
        language=language,
        contact_name="Dana",
        role=role,
        date=SENT,
    )
    return {d.kind: d.body for d in render_drafts(msg, PROFILE, date(2026, 11, 22))}


def _said(language: str, key: str) -> set[str]:
    # a phrase in either register: the mail's own decides which one the draft uses
    return {v for k, v in phrases(language).items() if k.removeprefix("informal.") == key}


# One sentence per language that sends the written offer (attached, linked or on its way).
LETTERS = {
    "en": "Please find the contract attached; you can also sign it via the DocuSign link.",
    "de": "Den Arbeitsvertrag finden Sie im Anhang.",
    "fr": "Vous trouverez le contrat en pièce jointe.",
    "es": "Te adjunto la carta de oferta.",
    "nl": "Het contract vindt u in de bijlage.",
    "it": "In allegato trova il contratto.",
    "pt": "Segue em anexo o contrato.",
    "sv": "Avtalet är bifogat i detta mejl.",
    "pl": "Umowę przesyłamy w załączniku.",
    "da": "Kontrakten er vedhæftet.",
    "no": "Kontrakten ligger vedlagt.",
    "fi": "Työsopimus on liitteenä.",
    "cs": "Smlouvu najdete v příloze.",
}


@pytest.mark.parametrize("language", sorted(LETTERS))
def test_the_acceptance_does_not_ask_for_a_letter_the_mail_attaches(language: str) -> None:
    ask = _said(language, "offer.ask_contract")
    sent = _drafts(language, LETTERS[language])
    assert not any(a in sent["offer_accept"] for a in ask), sent["offer_accept"]
    assert not any(a in sent["offer_hold"] for a in _said(language, "offer.hold_missing_terms"))
    bare = _drafts(language, "")
    assert any(a in bare["offer_accept"] for a in ask), bare["offer_accept"]
    assert any(a in bare["offer_hold"] for a in _said(language, "offer.hold_missing_terms"))


def test_a_letter_that_states_the_start_date_is_not_asked_for_it() -> None:
    text = "The formal letter with salary, start date and benefits is attached."
    d = _drafts("en", text)
    assert "confirm the start date" not in d["offer_accept"] and "sign" not in d["offer_accept"]
    assert "What start date" not in d["offer_hold"]


def test_a_question_about_the_contract_is_no_letter_sent() -> None:
    d = _drafts("en", "Shall we send the contract by post or by email?")
    assert "send the contract or written offer" in d["offer_accept"]


@pytest.mark.parametrize(
    ("language", "text", "role"),
    [
        ("en", "The Senior role went to someone else, but we would like to offer you the position of Data Analyst.", "Data Analyst"),
        ("de", "Wir möchten Ihnen gern die Stelle als Datenanalyst anbieten.", "Datenanalyst"),
        ("fr", "Nous souhaitons vous proposer le poste de Data Analyst chez Acme.", "Data Analyst"),
        ("es", "Queremos ofrecerte el puesto de Analista de Datos.", "Analista de Datos"),
        ("nl", "Wij willen u graag de functie van Data-analist aanbieden.", "Data-analist"),
        ("it", "Vorremmo offrirti il ruolo di Analista Dati presso Acme.", "Analista Dati"),
        ("pt", "Gostaríamos de oferecer-lhe a função de Analista de Dados na Acme.", "Analista de Dados"),
        ("sv", "Vi vill gärna erbjuda dig tjänsten som dataanalytiker på Acme.", "dataanalytiker"),
        ("pl", "Chcielibyśmy zaproponować Pani stanowisko Analityka Danych w naszej firmie.", "Analityka Danych"),
        ("da", "Vi vil gerne tilbyde dig stillingen som dataanalytiker hos Acme.", "dataanalytiker"),
        ("no", "Vi vil gjerne tilby deg stillingen som dataanalytiker i Acme.", "dataanalytiker"),
        ("fi", "Haluamme tarjota sinulle Data Analyst -tehtävää.", "Data Analyst"),
        ("cs", "Rádi bychom Vám nabídli pozici Datový analytik ve společnosti Acme.", "Datový analytik"),
    ],
)  # fmt: skip
def test_the_acceptance_restates_the_role_offered(language: str, text: str, role: str) -> None:
    body = _drafts(language, text, role="Senior Engineer")["offer_accept"]
    assert role in body and "Senior Engineer" not in body, body
