"""The "why" words come from the label model's own weights and add up to its decision."""

from __future__ import annotations

import pytest

from classifier.model import Classifier
from classifier.why import shares, why

OFFER = (
    "Offer of employment\nDear Sam, we are pleased to offer you the position of Claims Analyst. "
    "The salary is 50,000. Please let us know if you accept by Friday."
)
NO = "Your application\nUnfortunately we will not be moving forward with your application."


def test_an_offer_is_explained_by_offer_words(classifier: Classifier) -> None:
    runtime = classifier.runtime
    assert runtime is not None
    words = [r.words for r in why(runtime, OFFER, "offer")]
    assert "offer" in words and len(words) == 5
    weights = [r.weight for r in why(runtime, OFFER, "offer")]
    assert weights == sorted(weights, reverse=True) and weights[-1] > 0


def test_a_negated_word_reads_as_said(classifier: Classifier) -> None:
    assert classifier.runtime is not None
    words = [r.words for r in why(classifier.runtime, NO, "hard_no", top=10)]
    assert not any("neg_" in w for w in words)
    assert "unfortunately" in words


@pytest.mark.parametrize("label", ["offer", "hard_no", "not_now", "other"])
def test_the_shares_add_up_to_the_decision(classifier: Classifier, label: str) -> None:
    runtime = classifier.runtime
    assert runtime is not None
    model = runtime.label
    column = model.classes.index(label)
    decision = model.decisions(runtime.count([OFFER]))[0, column] - model.intercept[column]
    assert sum(shares(runtime, OFFER, label).values()) == pytest.approx(decision, abs=1e-9)


def test_an_unknown_label_or_an_empty_text_has_no_reasons(classifier: Classifier) -> None:
    assert classifier.runtime is not None
    assert why(classifier.runtime, OFFER, "no_such_label") == []
    assert why(classifier.runtime, "", "offer") == []
