"""No-reply senders, table by table: body text in each of the 13 languages, and address forms."""

from __future__ import annotations

import pytest

from drafts.safety import asks_no_reply, is_noreply

# language -> sentences that ask not to be answered, or say no one reads the answers
NO_REPLY = {
    "en": [
        "Please do not reply to this email.",
        "This mailbox is not monitored.",
        "Replies to this address are not read.",
        "This is an automated message, please don't reply.",
    ],
    "de": [
        "Bitte antworten Sie nicht auf diese E-Mail.",
        "Diese E-Mail wurde automatisch erstellt.",
        "Antworten auf diese E-Mail werden nicht gelesen.",
    ],
    "fr": [
        "Merci de ne pas répondre à ce message.",
        "Ce message est envoyé automatiquement, merci de ne pas y répondre.",
        "Cette adresse n'est pas consultée.",
    ],
    "es": [
        "Por favor, no responda a este correo.",
        "Por favor no contestes a este correo electrónico.",
        "Este buzón no se supervisa.",
    ],
    "nl": [
        "Dit is een automatisch gegenereerd bericht; je kunt hier niet op reageren.",
        "Gelieve niet te antwoorden op deze e-mail.",
        "Reageer niet op deze e-mail.",
        "Beantwoord deze e-mail niet.",
    ],
    "it": [
        "Si prega di non rispondere a questa email.",
        "Questa è una email generata automaticamente.",
        "Ti preghiamo di non rispondere a questa e-mail.",
    ],
    "pt": [
        "Por favor, não responda a este e-mail.",
        "Esta mensagem foi gerada automaticamente.",
        "Não respondas a este email.",
    ],
    "sv": [
        "Svara inte på detta mejl.",
        "Det här mejlet går inte att svara på.",
        "Detta är ett automatiskt meddelande.",
    ],
    "pl": [
        "Prosimy nie odpowiadać na tę wiadomość.",
        "Wiadomość wygenerowana automatycznie, prosimy na nią nie odpowiadać.",
        "Ta wiadomość została wysłana automatycznie.",
    ],
    "da": [
        "Du kan ikke svare på denne mail.",
        "Svar venligst ikke på denne e-mail.",
        "Dette er en automatisk genereret e-mail.",
    ],
    "no": [
        "Ikke svar på denne e-posten.",
        "Vennligst ikke svar på denne meldingen.",
        "Dette er en automatisk generert e-post.",
    ],
    "fi": [
        "Älä vastaa tähän viestiin.",
        "Tämä on automaattinen viesti, älä vastaa siihen.",
        "Tämä viesti on lähetetty automaattisesti.",
    ],
    "cs": [
        "Na tento e-mail neodpovídejte.",
        "Tento e-mail byl vygenerován automaticky.",
        "Na tuto zprávu prosím neodpovídej.",
    ],
}
# Mail that invites an answer, or says something was done automatically that is no message
ANSWERABLE = [
    "Feel free to reply to this email with any questions.",
    "Reply to this email if you'd like a call.",
    "Your CV was automatically forwarded to the hiring manager.",
    "Antworten Sie gern direkt auf diese E-Mail.",
    "N'hésitez pas à répondre à ce message.",
    "Puedes responder a este correo si tienes dudas.",
    "Je kunt gewoon op deze e-mail reageren.",
    "Svara gärna på det här mejlet.",
    "Svar gerne på denne mail.",
    "Voit vastata tähän viestiin.",
    "Klidně na tento e-mail odpovězte.",
]


@pytest.mark.parametrize(
    ("language", "sentence"), [(lang, s) for lang, ss in NO_REPLY.items() for s in ss]
)
def test_the_body_asks_not_to_be_answered(language: str, sentence: str) -> None:
    assert asks_no_reply(f"Dear Dana,\n\nThank you.\n\n{sentence}\n"), language


@pytest.mark.parametrize("sentence", ANSWERABLE)
def test_mail_that_may_be_answered_is_not_flagged(sentence: str) -> None:
    assert not asks_no_reply(sentence)


@pytest.mark.parametrize(
    ("address", "machine"),
    [
        ("no_reply@acme.example", True),
        ("do_not_reply@acme.example", True),
        ("no.reply@acme.example", True),
        ("nieodpowiadac@firma.example", True),
        ("ne-odpovidat@firma.example", True),
        ("jobs@acme.teamtailor.com", True),
        ("powiadomienia@pracuj.example", True),
        ("notificaciones@empresa.example", True),
        ("dana.reply@acme.example", False),
        ("dana_smith@acme.example", False),
    ],
)
def test_no_reply_addresses(address: str, machine: bool) -> None:
    assert is_noreply(address) is machine
