"""Score application grouping on a held-out inbox with a gold labels.csv (file, application, stage).

Run: PYTHONPATH=. python scripts/eval_applications.py data/holdout_apps
Prints pairwise precision and recall of the grouping (over pairs of messages) and the accuracy
of each gold application's final stage, taken from the predicted record holding most of its mail.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from email.utils import parseaddr
from itertools import combinations
from pathlib import Path

from classifier.parse import parse_message
from classifier.slots import extract_slots
from classifier.train import ensure_classifier
from service.applications import Mail, group
from service.config import Settings
from service.tracker import EPOCH, mail_date


def main(folder: Path) -> int:
    """Print the figures for one folder."""
    rows = list(csv.DictReader((folder / "labels.csv").open(encoding="utf-8", newline="")))
    messages = [parse_message((folder / r["file"]).read_bytes()) for r in rows]
    # the inbox's owner: the address most mail is sent to
    user = Counter(parseaddr(m.to)[1].lower() for m in messages).most_common(1)[0][0]
    classifier = ensure_classifier(Settings().resolved_model_path)
    started = time.perf_counter()
    predictions = classifier.predict_many(messages)
    mails = []
    for msg, p in zip(messages, predictions, strict=True):
        slots = extract_slots(msg)
        mails.append(
            Mail(
                message_id=msg.message_id,
                date=mail_date(msg.date, EPOCH),
                subject=msg.subject,
                from_addr=msg.from_addr,
                from_name=msg.from_name,
                to_addr=msg.to,
                references=tuple(msg.references.split()),
                label=p.label,
                kind=p.kind,
                company=slots.company,
                role=slots.role,
                from_user=msg.from_addr.lower() == user,
                text=msg.new_text,
            )
        )
    apps = group(mails)
    seconds = time.perf_counter() - started
    predicted = {mid: a.id for a in apps for mid in a.message_ids}
    gold = {m.message_id: r["application"] for m, r in zip(messages, rows, strict=True)}
    ids = list(gold)
    tp = fp = fn = 0
    for a, b in combinations(ids, 2):
        same_gold = bool(gold[a]) and gold[a] == gold[b]
        same_pred = a in predicted and predicted.get(a) == predicted.get(b)
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    final: dict[str, str] = {}
    for r in rows:
        if r["application"]:
            final[r["application"]] = r["stage"]  # rows are in arrival order: the last stage stands
    stages = {a.id: a.stage for a in apps}
    right = 0
    for app_id, stage in final.items():
        mids = [m for m in ids if gold[m] == app_id]
        votes = Counter(predicted[m] for m in mids if m in predicted)
        if votes and stages[votes.most_common(1)[0][0]] == stage:
            right += 1
    print(f"{len(rows)} messages, {len(final)} gold applications, {len(apps)} predicted")
    print(f"pairwise precision {tp / max(tp + fp, 1):.3f}  recall {tp / max(tp + fn, 1):.3f}")
    print(f"stage accuracy {right / max(len(final), 1):.3f}")
    print(f"grouping took {seconds:.2f} s (with classification and slots)")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
