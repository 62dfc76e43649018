"""Job titles after the phrases that introduce them in the 13 languages: "na pozici X", "stillingen som X".

Titles in most of these languages run on in lowercase ("tjänsten som driftingenjör vid ..."), so a
title is read word by word after its anchor and ends at punctuation, a dash, or a word that
starts the rest of the sentence (a preposition, an article, a pronoun or a verb).
"""

from __future__ import annotations

import re

# Anchors that name the title right after them; matched on the lowercased text. The generic
# ones ("som", "como", "jako") come last and need a title that looks like one.
_ANCHORS = (
    # nl
    "de functie van ",
    "de functie als ",
    "de functie ",
    "functie van ",
    "functie als ",
    "de vacature ",
    "sollicitatie als ",
    "gesolliciteerd als ",
    "werken als ",
    "aannemen als ",
    "de rol van ",
    "positie van ",
    "de procedure voor ",
    "procedure voor ",
    "sollicitatieprocedure voor ",
    # de
    "stelle als ",
    "position als ",
    "bewerbung als ",
    "bewerbung „",
    "bewerbung \u201e",
    "ausbildung zum ",
    "ausbildung zur ",
    "die stelle ",
    "der stelle ",
    "die position ",
    "der position ",
    "auswahlverfahren für ",
    # fr
    "au poste de ",
    "au poste d'",
    "au poste d’",
    "pour le poste de ",
    "le poste de ",
    "le poste d'",
    "au poste ",
    "en tant que ",
    # es
    "puesto de ",
    "plaza de ",
    "vacante de ",
    "la oferta «",
    "la oferta de ",
    "oferta de ",
    "candidatura para ",
    "posición de ",
    "selección para ",
    "proceso para ",
    # it
    "posizione di ",
    "ruolo di ",
    "l'offerta «",
    "l’offerta «",
    "annuncio di ",
    "posti di ",
    "candidata come ",
    "candidato come ",
    "figura di ",
    # pt
    "vaga de ",
    "a vaga ",
    "função de ",
    "cargo de ",
    "posição de ",
    # sv
    "tjänsten som ",
    "tjänsten ",
    "rollen som ",
    "jobbet som ",
    "rekryteringen av ",
    "anställning som ",
    "tillsvidareanställning som ",
    "ansökan till ",
    "processen för ",
    "rekryteringen till ",
    "rekryteringsprocessen för ",
    "rekryteringen för ",
    # da, no
    "stillingen som ",
    "stilling som ",
    "stillingen «",
    "ansøgning som ",
    "søkte som ",
    "jobben som ",
    # pl
    "na stanowisko: ",
    "na stanowisko ",
    "na stanowisku ",
    "stanowisko ",
    "stanowisku ",
    "stanowisko: ",
    "stanowiskiem ",
    "ogłoszenia „",
    # cs
    "na pozici ",
    "na pozice ",
    "o pozici ",
    "k pozici ",
    "nabízí pozici ",
    "nabídnout vám pozici ",
    "služební místo ",
    "inzerát ",
    # fi
    "tehtävä: ",
    "tehtävässä ",
    # en, field-style lines
    "job: ",
)
# The generic ones: a title after "come", "como", "comme" or "als" is written capitalised.
_GENERIC_ANCHORS = ("como ", "come ", "comme ", "als ", "som ", "jako ")
_CAPITALISED_AFTER = frozenset(
    {
        "como ",
        "come ",
        "comme ",
        "als ",
        # "für die Stelle kommen Sie", "selección para la cobertura de una plaza": not titles
        "die stelle ",
        "der stelle ",
        "die position ",
        "der position ",
        "selección para ",
        "proceso para ",
    }
)
# Polish puts a title after "na stanowisku" in the genitive ("Inżyniera", "Specjalisty"), not the
# form a reply names; a title written in English ("Senior Java Developer") is taken as it stands.
_INFLECTING = frozenset({"na stanowisku ", "stanowisku "})
_INFLECTED_END = ("a", "y", "i", "ego", "ej")
# German and Dutch write every noun capitalised: their titles end at the first lowercase word.
_CAPS_ONLY = frozenset(
    {
        "stelle als ",
        "position als ",
        "bewerbung als ",
        "ausbildung zum ",
        "ausbildung zur ",
        "die stelle ",
        "der stelle ",
        "die position ",
        "der position ",
        "auswahlverfahren für ",
        "als ",
        "de functie ",
        "de functie als ",
        "de functie van ",
        "functie van ",
        "functie als ",
        "de rol van ",
        "positie van ",
        "de procedure voor ",
        "procedure voor ",
        "sollicitatieprocedure voor ",
        "de vacature ",
        "sollicitatie als ",
        "gesolliciteerd als ",
        "werken als ",
        "aannemen als ",
    }
)
# Words that follow an anchor without being a title: "proceso de selección", "oferta de empleo".
_NOT_TITLE = frozenset(
    "selección selezione sélection empleo trabajo lavoro emprego trabalho contratación contrato "
    "tjänsten stillingen stilling rekrytering rekryteringen pozice stanowisko functie vacature "
    "position stelle poste puesto plaza vaga candidatura ansökan søknad ansøgning posición cargo "
    "oferta función função posizione ruolo".split()
)
# Articles and particles that can stand between an anchor and its title: "de vaga de Analista".
_LEAD = frozenset("de d' d’ the a an la le el een het den det".split())


def _key_word(anchor: str) -> str:
    """Return the anchor's longest word: the one a text must contain for the anchor to be there."""
    return max((word.strip("«„") for word in anchor.split()), key=len)


# Anchors by their key word: a text's set of words says which anchors are worth looking for,
# far cheaper than one regex of a hundred alternatives tried at every position.
_BY_KEY: dict[str, list[str]] = {}
for _anchor in (*_ANCHORS, *_GENERIC_ANCHORS):
    _BY_KEY.setdefault(_key_word(_anchor), []).append(_anchor)


def _anchor_matches(lowered: str) -> list[tuple[int, str]]:
    """Return (start, anchor) of every anchor in lowered text, leftmost first, longest first."""
    found: list[tuple[int, str]] = []
    for key in _BY_KEY.keys() & set(lowered.split()):
        for anchor in _BY_KEY[key]:
            start = lowered.find(anchor)
            while start >= 0:
                found.append((start, anchor))
                start = lowered.find(anchor, start + 1)
    found.sort(key=lambda hit: (hit[0], -len(hit[1])))
    return found


# Words that end a title: what follows it in the sentence, in any of the languages.
_STOP = frozenset(
    """
    at with for in on from to and is was has have who which that we you i our your their this
    bei im am zum zur für und ist wurde hat mit von an unserem unserer unseren ihr ihre ihrer sie
    als som como come comme jako wir ich du dich dir uns eine einen ein der die das den dem des zu auf aus nicht gerne gern
    bij op voor en met van is zijn hebben heeft we wij je jij u jouw uw ons onze een het dat die
    chez à au aux dans et est pour avec que qui nous vous tu ton ta votre notre un une le la les
    sur ne n'a
    en para con y que es ha se le nos te tu su sus un una el la los las al
    presso per con e che al alla allo nel nella il lo gli è ha ti ci noi voi un una
    no na em para com que do da é tem nos te se um uma o os as ao através
    não vai foi será
    vid hos i på inom och för med till som har är vi du dig din ditt er en ett den det
    ved og for med til har er vi dig din jer et
    w we oraz i na dla z ze do jest został została zostało pan pani nas twoja twoje
    v ve a na do pro u se je jsme vám vás jsou ve firmě společnosti
    ja on ei että
    está están estaba fue han será queda quedó hasta sigue foi fica ficou até continua sera reste
    n'est jusqu'en jusqu'à jusqu’en jusqu’à è sarà resta fino all'interno all’interno non bylo
    byla byl bude zůstává není zostało została został było będzie nie blev kommer inte ble vil
    ikke bliver wordt werd komt blijft niet inmiddels wird bleibt leider
    """.split()
)
_KEEP_DOT = frozenset({"ds.", "sr.", "jr.", "st.", "dr."})
_TITLE_END = ".,;:!?»«“”„\"')"
_GENDER = re.compile(r"^\((?:[mwfdhkžvx]|all|gn)[^)]{0,12}\)$", re.IGNORECASE)
_MAX_WORDS = 6
# Small words inside a capitalised title: "Chef de Partie", "Data & Analytics".
_JOINERS = frozenset("& de du des der van of und".split())


def _title_from(text: str, pos: int, caps_only: bool) -> str:
    """Return the title that starts at pos: words up to punctuation, a dash or a stop word."""
    chunk = text[pos : pos + 120]
    first, _, rest = chunk.partition("\n")
    if not first.strip():  # "na stanowisko:\n\nSpecjalista ds. kadr": the title on the next line
        first = rest.strip().partition("\n")[0]
    words: list[str] = []
    for token in first.strip(" \t«„“\"'").split():
        lowered = token.lower()
        if not words and lowered in _LEAD:
            continue
        if token in ("-", "–", "—", "|", "/") or (words and lowered in _STOP):
            break
        if token.startswith("("):
            tag = token.rstrip(_TITLE_END[:-1])
            if not (_GENDER.match(tag) and words):
                break
            words.append(tag)
            if not caps_only or tag != token:
                break  # "Werkstudent (m/w/d) Controlling": a German title runs on after the tag
            continue
        if lowered in _KEEP_DOT:
            words.append(token)
            continue
        lowercase = not (token[0].isupper() or token[0].isdigit())
        if caps_only and words and lowercase and lowered not in _JOINERS:
            break
        # "Chargé(e)" keeps its closing bracket; "(Tampere)" and "Analyst," end the title
        core = token if "(" in token and token.endswith(")") else token.rstrip(_TITLE_END)
        if core:
            words.append(core)
        if core != token or len(words) >= _MAX_WORDS:
            break
    while words and words[-1].lower() in _JOINERS:
        words.pop()
    return " ".join(words)


def find_anchored_title(text: str) -> str:
    """Return the first title that a multilingual anchor introduces in text, or ''."""
    lowered = text.lower()
    if len(lowered) != len(text):  # lowercasing changed the length: offsets would not line up
        return ""
    for start, anchor in _anchor_matches(lowered):
        if start and lowered[start - 1].isalnum():
            continue  # the end of a longer word
        # an anchor inside one that found nothing is still tried: "die Stelle als Hilfskraft"
        title = _title_from(text, start + len(anchor), anchor in _CAPS_ONLY)
        if not title or title.split()[0].lower() in _STOP or title.split()[0].lower() in _NOT_TITLE:
            continue
        if anchor in _GENERIC_ANCHORS and not _looks_like_title(title):
            continue
        if anchor in _CAPITALISED_AFTER and not title[0].isupper():
            continue
        if anchor in _INFLECTING and title.split()[0].lower().endswith(_INFLECTED_END):
            continue
        return title
    return ""


def _looks_like_title(title: str) -> bool:
    """Return True for a short run that can be a job title: one to four words, a letter first."""
    words = title.split()
    return 1 <= len(words) <= 4 and words[0][0].isalpha() and len(title) >= 4
