"""Score a classifier on a held-out folder of .eml files listed in its labels.csv."""

from __future__ import annotations

import csv
from pathlib import Path

from classifier.evaluate import EvalReport, report
from classifier.labels import Label, is_label
from classifier.model import Classifier
from classifier.parse import parse_message


def score_holdout(classifier: Classifier, folder: Path) -> EvalReport:
    """Return the figures of classifier on folder/labels.csv (columns file, label, lang, kind)."""
    truth: list[Label] = []
    langs: list[str] = []
    kinds: list[str] = []
    messages = []
    with (folder / "labels.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            label = row["label"]
            if not is_label(label):
                raise ValueError(f"{folder / 'labels.csv'}: {row['file']}: unknown label {label!r}")
            messages.append(parse_message((folder / row["file"]).read_bytes()))
            truth.append(label)
            langs.append(row.get("lang", ""))
            kinds.append(row.get("kind", "") if label == "other" else "outcome")
    predictions = classifier.predict_many(messages)
    return report(
        truth,
        [p.label for p in predictions],
        classifier.threshold,
        classifier.outcome_gate,
        langs,
        kinds,
        [p.kind for p in predictions] if classifier.kind_pipeline is not None else [],
    )
