"""Find and read the labelled training corpus: .eml files and their labels.csv."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from classifier.labels import Label, is_label
from classifier.parse import ParseError, parse_message


@dataclass(frozen=True)
class Corpus:
    """Texts to learn from, their labels, and a hash that changes when any of them changes."""

    texts: list[str]
    labels: list[Label]
    langs: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # MailKind, or '' where not known
    digest: str = ""
    # the template family a message follows (ATS, job board, employer), else its near pair, else
    # itself: cross-validation keeps a group in one fold, as held-out mail comes from templates
    # the model never saw
    groups: list[str] = field(default_factory=list)


def data_dir() -> Path:
    """Return the data folder: the installed gracemail_data package, or data/ in a checkout."""
    spec = importlib.util.find_spec("gracemail_data")
    if spec and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parent.parent / "data"


def corpus_dir() -> Path:
    """Return the folder holding labels.csv and messages/."""
    return data_dir() / "corpus"


def load_corpus(root: Path | None = None, extra: Iterable[tuple[bytes, Label]] = ()) -> Corpus:
    """Read every labelled message under root plus extra (raw, label) pairs, e.g. corrections.

    Raises FileNotFoundError when root has no labels.csv and ValueError on an unknown label.
    """
    root = root or corpus_dir()
    digest = hashlib.sha256()
    texts: list[str] = []
    labels: list[Label] = []
    langs: list[str] = []
    kinds: list[str] = []
    groups: list[str] = []

    def add(raw: bytes, label: str, lang: str, name: str, kind: str = "", group: str = "") -> None:
        if not is_label(label):
            raise ValueError(f"{name}: unknown label {label!r}")
        digest.update(label.encode() + b"\0" + raw + b"\0")
        try:
            msg = parse_message(raw)
        except ParseError:
            return  # the corpus is ours; an unreadable file teaches nothing
        texts.append(msg.features_text)
        labels.append(label)  # checked by is_label above
        langs.append(lang)
        kinds.append(kind if label == "other" else "outcome")
        groups.append(group or name)

    with (root / "labels.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            add(
                (root / "messages" / row["file"]).read_bytes(),
                row["label"],
                row["lang"],
                row["file"],
                row.get("kind", ""),
                row.get("family") or row.get("pair") or "",
            )
    for i, (raw, label) in enumerate(extra):
        add(raw, label, "", f"correction {i}")
    return Corpus(
        texts=texts,
        labels=labels,
        langs=langs,
        kinds=kinds,
        digest=digest.hexdigest(),
        groups=groups,
    )


def corpus_digest(root: Path | None = None, extra: Iterable[tuple[bytes, Label]] = ()) -> str:
    """Return the corpus hash without parsing: what the saved model is checked against."""
    root = root or corpus_dir()
    digest = hashlib.sha256()
    with (root / "labels.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            raw = (root / "messages" / row["file"]).read_bytes()
            digest.update(row["label"].encode() + b"\0" + raw + b"\0")
    for raw, label in extra:
        digest.update(label.encode() + b"\0" + raw + b"\0")
    return digest.hexdigest()
