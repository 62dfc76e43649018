"""Register: the reply addresses its reader as the mail did (Sie/du, Lei/tu, Pan/ty, vy/ty, te/sinä)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from drafts.phrases import Phrasebook, phrases, register_of
from drafts.profile import Profile
from drafts.render import Incoming, render_drafts

PROFILE = Profile(name="Sam Rivera", email="sam@example.org")
SLOTS = {"name": "Dana", "company": "Acme", "role": "Analyst"}
EXTRA = {
    "full_name": "Dana Smith",
    "date": "1 May",
    "other_role": "Tester",
    "help": "x",
    "reason": "y",
    "referrer": "Jo",
}


def _hard_no(language: str, text: str) -> str:
    msg = Incoming(
        message_id="<r@acme.example>",
        subject="Application",
        from_name="Dana Smith",
        from_addr="dana@acme.example",
        text=text,
        label="hard_no",
        language=language,
        contact_name="Dana",
        date="Tue, 10 Mar 2026 16:30:00 +0000",
    )
    return render_drafts(msg, PROFILE, date(2026, 3, 11))[0].body


@pytest.mark.parametrize(
    ("language", "text", "register", "first_line"),
    [
        ("it", "La ringraziamo per la Sua candidatura. Gentile Dana, purtroppo abbiamo scelto un altro profilo.", "formal", "Gentile Dana Smith,"),
        ("it", "Ciao Dana, grazie per la tua candidatura: purtroppo ti dobbiamo dire di no.", "informal", "Ciao Dana,"),
        ("pt", "Agradecemos o seu interesse; infelizmente a sua candidatura não avançou.", "formal", "Bom dia, Dana Smith,"),
        ("pt", "Você fez um ótimo trabalho, mas o senhor não foi selecionado.", "formal", "Bom dia, Dana Smith,"),
        ("pt", "Obrigado pela tua candidatura; infelizmente não te podemos dar boas notícias.", "informal", "Olá, Dana,"),
        ("pl", "Dziękujemy Pani za udział w rekrutacji. Niestety Pani kandydatura nie przeszła dalej.", "formal", "Dzień dobry, Dana Smith,"),
        ("pl", "Dzięki za Twoją aplikację! Niestety musimy Ci odmówić.", "informal", "Cześć Dana,"),
        ("cs", "Děkujeme Vám za Váš zájem, bohužel jsme vybrali jiného kandidáta.", "formal", "Dobrý den, Dana Smith,"),
        ("cs", "Díky za tvůj zájem, bohužel ti musíme dát vědět, že jsme vybrali někoho jiného.", "informal", "Ahoj Dana,"),
        ("fi", "Kiitos hakemuksestasi. Valitettavasti valitsimme toisen hakijan.", "informal", "Hei Dana,"),
        ("fi", "Kiitos hakemuksestanne ja kiinnostuksestanne. Ilmoitamme Teille, että valinta on tehty.", "formal", "Hyvä Dana Smith,"),
        ("fi", "Valinta on tehty.", "informal", "Hei Dana,"),  # neither shows: sinä, as Finnish mail does
        # Swedish, Danish and Norwegian answer du even to a mail written with Ni or De
        ("sv", "Tack för Er ansökan. Vi har tyvärr valt en annan kandidat.", "informal", "Hej Dana,"),
        ("da", "Tak for Deres ansøgning. Vi har desværre valgt en anden.", "informal", "Hej Dana"),
        ("no", "Takk for Deres søknad. Vi har dessverre valgt en annen.", "informal", "Hei Dana,"),
    ],
)  # fmt: skip
def test_the_register_of_the_mail_is_mirrored(
    language: str, text: str, register: str, first_line: str
) -> None:
    assert register_of(text, language) == register
    body = _hard_no(language, text)
    assert body.splitlines()[0] == first_line, body
    assert not re.search(OTHER[language][register], body), body


# Forms that show the other register: none may appear in a reply written in this one.
OTHER: dict[str, dict[str, str]] = {
    "it": {
        "formal": r"\b(?:ti|tu|tuo|tua|tue|tuoi|hai|sai|potresti|fammi)\b",
        "informal": r"\bLei\b|La ringrazio|\bSu[aoe]\b|[a-z]Le\b|\bLe (?:andrebbe|darò|serve|è)\b|\bPotrebbe\b",
    },
    "pt": {
        "formal": r"\b(?:tu|teu|tua|teus|tuas|contigo|podes|tiveres|sabes|tens)\b|-te\b",
        "informal": r"\b(?:consigo|Poderia|tiver|propõe|menciona|sabe)\b|\bo seu\b|\ba sua\b",
    },
    "pl": {
        "formal": r"\b(?:Ty|Ci|Cię|Ciebie|Twoj\w*|Tobie|znajdziesz|wiesz|możesz|Daj)\b",
        "informal": r"Państw",
    },
    "cs": {
        "formal": r"\b(?:ti|tě|tebe|tvůj|tvoje|tvá|tvé|tvou|tvé|najdeš|víš|můžeš|Dej)\b",
        "informal": r"\b(?:Vám|Vás|Váš|Vaše|Vaší|Vy|Mohli byste)\b",
    },
    "fi": {
        "formal": r"\b(?:sinulla|sinusta|sinua|Voisitko|kerroit|tiedät|jätit|tarvitset)\b",
        "informal": r"\b(?:Teillä|Teistä|Teille|Voisitteko|kerroitte|tiedätte|jätitte)\b",
    },
    "sv": {"informal": r"\b(?:Ni|Er|Ert|Era)\b"},
    "da": {"informal": r"\b(?:De|Dem|Deres)\b"},
    "no": {"informal": r"\b(?:De|Dem|Deres)\b"},
}


@pytest.mark.parametrize(
    ("language", "register"),
    [(lang, reg) for lang, regs in OTHER.items() for reg in regs],
)
def test_every_phrase_keeps_to_its_register(language: str, register: str) -> None:
    book = Phrasebook(language, register, SLOTS)
    wrong = OTHER[language][register]
    for key in phrases(language):
        plain = key.removeprefix("informal.").removeprefix("formal.")
        if key != plain or plain.startswith(("referrer.", "fragment.")):
            continue  # the referrer is a friend: always informal; fragments hold no address
        text = book.get(plain, **EXTRA)
        assert not re.search(wrong, text), (key, text)
