"""The classifier: the must-nevers, the safe `other`, model files and the held-out set."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.corpus import corpus_digest, corpus_dir
from classifier.holdout import score_holdout
from classifier.model import Classifier
from classifier.parse import message_from_fields
from classifier.persist import is_fresh, load_classifier, read_meta

HOLDOUT = corpus_dir().parent / "holdout"


@pytest.mark.parametrize(
    "body",
    [
        "Hi Sam,\n\nThank you for interviewing with us. Unfortunately we are unable to offer you the role.\n\nBest,\nDana",
        "Dear candidate, after careful review we will not be extending an offer for the Data Analyst position.",
        "Hello, we regret that we are not in a position to make you an offer at this time. Kind regards, HR",
        "Thanks for your patience. We've decided not to offer you the Senior Engineer job; we went with another candidate.",
        "Sadly the offer we made you has been withdrawn because the role was eliminated.",
        "Dear Gary, as explained in the attached letter, the conditional offer of employment made to"
        " you on 29 April is therefore withdrawn. Regards, HR",
    ],
)
def test_a_rejection_mentioning_an_offer_is_never_an_offer(
    classifier: Classifier, body: str
) -> None:
    msg = message_from_fields("Dana <dana@acme.example>", "Your application", body)
    assert classifier.predict(msg).label != "offer"


def test_an_offer_withdrawn_in_the_subject_is_not_an_offer(classifier: Classifier) -> None:
    msg = message_from_fields(
        "Imogen Clarke <hr@redfern.example>",
        "Withdrawal of conditional offer - Site Manager",
        "Dear Gary, please see the attached letter regarding your conditional offer of employment"
        " for the position of Site Manager. Regards, Imogen",
    )
    assert classifier.predict(msg).label != "offer"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Special offer: 40% off this weekend",
            "Our biggest special offer of the year: 40% off all plans. Unsubscribe any time.",
        ),
        (
            "How to handle rejection",
            "This week's newsletter: five ways to answer a rejection email, and why asking for feedback works.",
        ),
        (
            "Interview invitation",
            "We'd like to invite you to a first interview for the Product Manager role. Please pick a slot.",
        ),
        (
            "Application received",
            "Thanks for applying! We have received your application and will review it shortly.",
        ),
    ],
)
def test_look_alikes_get_no_draft(classifier: Classifier, subject: str, body: str) -> None:
    msg = message_from_fields("News <news@example.com>", subject, body)
    assert classifier.predict(msg).label == "other"


def test_slots_only_for_actionable_mail(classifier: Classifier) -> None:
    msg = message_from_fields(
        "Shop <deals@shop.example>", "Sale", "Special offer at Shopco: 20% off."
    )
    prediction = classifier.predict(msg)
    assert prediction.label == "other" and prediction.slots.company == ""


def test_model_file_is_skops_with_version_and_corpus_hash(
    classifier: Classifier, tmp_path: Path
) -> None:
    path = Path(__import__("os").environ["GRACEMAIL_MODEL_PATH"])
    meta = read_meta(path)
    assert meta["corpus_hash"] == corpus_digest()
    assert is_fresh(path, corpus_digest())
    assert not is_fresh(path, "another-corpus")
    older = tmp_path / "older.skops"  # a model of an earlier pipeline version is stale too
    older.write_bytes(path.read_bytes())
    older.with_suffix(".json").write_text(
        __import__("json").dumps({**meta, "pipeline_version": 1}), encoding="utf-8"
    )
    assert not is_fresh(older, corpus_digest())
    assert path.read_bytes()[:2] == b"PK"  # a skops zip, not a pickle
    loaded = load_classifier(path)
    msg = message_from_fields(
        "a@b.example", "Offer", "We are delighted to offer you the position of Analyst."
    )
    assert loaded.predict(msg) == classifier.predict(msg)


def test_model_that_names_untrusted_code_is_refused(tmp_path: Path) -> None:
    import skops.io as sio

    bad = tmp_path / "bad.skops"
    sio.dump({"f": Path}, bad)  # names pathlib.Path, which a model never needs
    with pytest.raises(ValueError, match="untrusted"):
        load_classifier(bad)


@pytest.mark.parametrize(("folder", "count"), [(HOLDOUT, 180), (HOLDOUT.parent / "holdout2", 160)])
def test_held_out_mail_is_classified_well(classifier: Classifier, folder: Path, count: int) -> None:
    """Mail written separately from the corpus, never trained on: a floor, not a tuned target."""
    report = score_holdout(classifier, folder)
    print("\n" + report.format())
    assert report.n_messages == count
    assert sum(n for n, _ in report.by_language.values()) == count
    assert "en" in report.by_language and "accuracy by language: en" in report.format()
    assert report.actionable_precision >= 0.95
    assert report.macro_f1 >= 0.85


@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        (
            "Your application has been received",
            "Thank you for applying for the Data Analyst role at Acme. We have received your "
            "application and our team will review it. If your skills match, we will be in touch.",
            "acknowledgement",
        ),
        (
            "Interview invitation - Data Analyst",
            "We would like to invite you to a first interview for the Data Analyst role. Please "
            "pick a time slot that suits you using the link below.",
            "interview",
        ),
        (
            "Your online assessment",
            "As the next step, please complete the online coding assessment within 5 days. "
            "The test takes about 60 minutes.",
            "assessment",
        ),
    ],
)
def test_other_mail_gets_its_kind(
    classifier: Classifier, subject: str, body: str, kind: str
) -> None:
    prediction = classifier.predict(message_from_fields("careers@acme.example", subject, body))
    assert (prediction.label, prediction.kind) == ("other", kind)
