"""Word lists and text helpers that the slot finders share."""

from __future__ import annotations

import re
import unicodedata


class WordSet:
    """A word list tested by set lookup: far faster than a regex of many alternatives."""

    def __init__(
        self, words: str, prefixes: tuple[str, ...] = (), suffixes: tuple[str, ...] = ()
    ) -> None:
        self.words = frozenset(words.split())
        self.prefixes = prefixes
        self.suffixes = suffixes
        # a word's last three letters say whether any suffix can match: a set lookup first
        self.suffix_ends = frozenset(suffix[-3:] for suffix in suffixes)

    def search(self, line: str) -> bool:
        """Return True when a word of line is in the set or starts or ends as listed."""
        known, prefixes, ends = self.words, self.prefixes, self.suffix_ends
        for word in WORD.findall(line.lower()):
            if word in known or (prefixes and word.startswith(prefixes)):
                return True
            if ends and word[-3:] in ends and word.endswith(self.suffixes):
                return True
        return False


WORD = re.compile(r"[^\W_][\w'’/-]*")


# Signature lines that say what the signer does; they confirm the line above is a name.
JOB_LINE = WordSet(
    "manager director recruiter recruitment talent coordinator officer lead head partner "
    "consultant specialist founder co-founder ceo cto coo cfo owner vp president principal "
    "associate advisor adviser administrator supervisor engineer hr people chef editor "
    "professor dean teacher assistant sourcer generalist business executive responsable chargé "
    "chargée directeur directrice gérant gérante gerente responsabile director directora jefe "
    "jefa diretor diretora chefe ansvarig managing dispatcher superintendent foreman secretary",
    prefixes=(
        "leiter",
        "referent",
        "personal",
        "geschäftsführ",
        "inhaber",
        "hr-",
        "rekryter",
        "chef",
    ),
)


# Words that make a capitalised line a business, not a person: "Hollow Oak Farms".
COMPANY_WORDS = WordSet(
    "food foods analytics lab labs systems bank health healthcare farm farms group holdings "
    "partners consulting solutions technologies tech software studio studios industries "
    "logistics freight energy insurance aerospace pharma capital ventures media digital retail "
    "hotel hotels hospitality restaurant restaurants kitchen bakery brewing brewery cafe café "
    "clinic dental medical university college academy school institute council services agency "
    "search executive talent ag gmbh ltd inc llc llp plc co sa sas bv ab spa srl oy as a/s pvt "
    "outdoor marine motors cycles bikes wines furniture construction engineering manufacturing "
    "electric networks cloud data security finance financial credit union trust foundation "
    "verlag stadtwerke werke bau haustechnik groupe cabinet maison studio gruppo grupo hoteles "
    "transportes laboratórios laboratorios construtora zorggroep waterschap kommun",
    prefixes=("versicherung",),
)


_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "ß": "ss", "đ": "d", "þ": "th"})


# Every ASCII character but a-z and 0-9, deleted by str.translate: several times faster than re.sub.
_NOT_ALNUM_ASCII = {c: None for c in range(128) if not chr(c).isalnum() or chr(c).isupper()}
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def squash(text: str) -> str:
    """Return text as a domain spells it: "Bøkeskog Barnehager" -> "bokeskogbarnehager"."""
    text = text.lower()
    if text.isascii():  # most names and domains are: skip folding them
        return text.translate(_NOT_ALNUM_ASCII)
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", text.translate(_FOLD)))


_FULL_STOP = re.compile(r"\.\s+")
_ABBREVIATIONS = frozenset("co inc ltd corp bros st mt dr no vs".split())


def cut_at_sentence_end(name: str) -> str:
    """Return name up to a full stop that ends a sentence: "Acme. We've" -> "Acme"."""
    if "." not in name:  # most names have no full stop: skip the regex
        return name
    for match in _FULL_STOP.finditer(name):
        word = name[: match.start()].rsplit(None, 1)[-1].lower() if name[: match.start()] else ""
        if word not in _ABBREVIATIONS and len(word) > 1:
            return name[: match.start()]
    return name
