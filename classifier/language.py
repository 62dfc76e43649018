"""Guess the language of a message from its most common short words."""

from __future__ import annotations

import re

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and you your we for to of with this that have are our will be is not thank thanks".split()
    ),
    "de": frozenset(
        "der die das und sie ihre wir für mit ist nicht uns ihnen eine einen vielen dank bei zu auf".split()
    ),
    "fr": frozenset(
        "le la les et vous votre nous pour avec est pas une des du dans merci sur au que".split()
    ),
    "es": frozenset(
        "el la los las y usted su nosotros para con es una del en gracias por que muy le".split()
    ),
    "nl": frozenset(
        "de het een en je jij u uw wij we voor met is niet van dank bedankt op te".split()
    ),
    "it": frozenset(
        "il lo la gli le e lei suo noi per con è non una della di grazie che siamo".split()
    ),
    "pt": frozenset(
        "o a os as e você seu sua nós para com é não uma da do obrigado em que".split()
    ),
    "sv": frozenset("och du din vi för med är inte en ett av tack att på som till har".split()),
    "pl": frozenset(
        "na nie że się do jest dla jak pan pani dziękujemy niestety przez od po pana oraz".split()
    ),
    "da": frozenset(
        "og at det til er som på med for ikke vi har jeg tak desværre af din jer".split()
    ),
    "no": frozenset(
        "og at det til er som på med for ikke vi har jeg takk dessverre av deg dere".split()
    ),
    "fi": frozenset(
        "ja ei että kiitos valitettavasti hakemus hakemuksesi sinun teidän meidän tämä kanssa olemme"
        " haluamme".split()
    ),
    "cs": frozenset(
        "na se je že do to pro jako vás děkujeme bohužel váš vaše jsme byl ale".split()
    ),
}
# each common word and the languages it belongs to, so text is read once, not once a language
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPWORDS.items():
    for _word in _words:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _lang)
# Latin letters with the accents of European languages
_WORD = re.compile(r"[a-zà-ÿ\u0100-\u017f]+")


def detect_language(text: str, default: str = "en") -> str:
    """Return the ISO 639-1 code of the language whose common words text uses most."""
    words = _WORD.findall(text[:2000].lower())
    if not words:
        return default
    scores = dict.fromkeys(_STOPWORDS, 0)
    for word in words:
        for lang in _LANGUAGES_OF.get(word, ()):
            scores[lang] += 1
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= 2 and scores[best] > scores.get(default, 0) else default
