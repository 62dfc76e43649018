"""Does "a message from a company with no application" help the classifier? 5-fold CV of one threshold.

Run: PYTHONPATH=. python scripts/eval_app_prior.py data/holdout_apps
The prior (service.applications-style, pure): an actionable prediction below confidence t about a
company with no earlier application becomes `other`. t is chosen on 4 folds (macro-F1), scored on
the fifth; t = 0 is the classifier alone. Held-out inboxes only: the model was trained on the
corpus, so its corpus predictions are in-sample and would flatter any prior.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from sklearn.metrics import f1_score

from classifier.parse import parse_message
from classifier.train import ensure_classifier
from service.applications import Mail, company_keys, group
from service.config import Settings
from service.tracker import EPOCH, mail_date

THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def with_prior(label: str, confidence: float, has_application: bool, t: float) -> str:
    """Return the label after the prior: a doubtful outcome from an unknown company is `other`."""
    if label != "other" and not has_application and confidence < t:
        return "other"
    return label


def main(folder: Path) -> int:
    """Print the CV macro-F1 with and without the prior."""
    rows = list(csv.DictReader((folder / "labels.csv").open(encoding="utf-8", newline="")))
    msgs = [parse_message((folder / r["file"]).read_bytes()) for r in rows]
    preds = ensure_classifier(Settings().resolved_model_path).predict_many(msgs)
    mails = [
        Mail(
            message_id=m.message_id,
            date=mail_date(m.date, EPOCH),
            subject=m.subject,
            from_addr=m.from_addr,
            from_name=m.from_name,
            references=tuple(m.references.split()),
            label=p.label,
            kind=p.kind,
            company=p.slots.company,
            role=p.slots.role,
        )
        for m, p in zip(msgs, preds, strict=True)
    ]
    known: list[bool] = []
    for mail in mails:  # an application opened by an earlier mail of the inbox
        earlier = [m for m in mails if m.date < mail.date and m.kind != "job_alert"]
        keys = set(company_keys(mail))
        known.append(any(keys & a.keys for a in group(earlier)) if keys else False)
    gold = [r["label"] for r in rows]
    folds = [list(range(k, len(rows), 5)) for k in range(5)]
    base, tuned, chosen = [], [], []
    for k, test in enumerate(folds):
        train = [i for f, idx in enumerate(folds) if f != k for i in idx]

        def score(idx: list[int], t: float) -> float:
            got = [with_prior(preds[i].label, preds[i].confidence, known[i], t) for i in idx]
            return float(f1_score([gold[i] for i in idx], got, average="macro"))

        t = max(THRESHOLDS, key=lambda t: (score(train, t), -t))
        chosen.append(t)
        base.append(score(test, 0.0))
        tuned.append(score(test, t))
    print(f"{len(rows)} messages; {sum(not k for k in known)} from a company with no application")
    print(f"CV macro-F1 without the prior {sum(base) / 5:.3f}, with it {sum(tuned) / 5:.3f}")
    print(f"thresholds chosen per fold: {chosen}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
