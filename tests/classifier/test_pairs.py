"""The near pairs of the corpus: one vendor's acknowledgement and its rejection, told apart.

Each pair shares its vendor's boilerplate and differs in the sentence that carries the decision,
so a model that learned the polite frame instead of the decision gets one of them wrong.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from classifier.corpus import corpus_dir
from classifier.model import Classifier
from classifier.parse import parse_message


def _pairs() -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = defaultdict(list)
    with (corpus_dir() / "labels.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("pair"):
                found[row["pair"]].append(row)
    return dict(found)


PAIRS = _pairs()
FAMILIES = sorted({rows[0]["family"] for rows in PAIRS.values()})


def test_the_corpus_has_near_pairs_in_at_least_ten_families() -> None:
    assert len(FAMILIES) >= 10
    for key, rows in PAIRS.items():
        labels = sorted(r["label"] for r in rows)
        assert len(rows) == 2 and labels[-1] == "other" and labels[0] != "other", key


@pytest.mark.parametrize("family", FAMILIES)
def test_each_near_pair_of_a_family_is_told_apart(classifier: Classifier, family: str) -> None:
    rows = [r for key, pair in PAIRS.items() for r in pair if pair[0]["family"] == family]
    messages = [parse_message((corpus_dir() / "messages" / r["file"]).read_bytes()) for r in rows]
    got = {r["id"]: p.label for r, p in zip(rows, classifier.predict_many(messages), strict=True)}
    wrong = {r["id"]: (r["label"], got[r["id"]]) for r in rows if got[r["id"]] != r["label"]}
    assert not wrong, f"{family}: (truth, predicted) {wrong}"
