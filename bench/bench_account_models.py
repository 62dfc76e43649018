"""Memory of per-account models in one worker: load N of them and label a batch with each.

Each retrained account has a model of its own (issue 13: per-account corrections). Copies of
the shared model's scoring files stand in for N retrained models: a retrain writes the same
arrays, of the same size. Prints the worker-like process's RSS and private memory after the
shared model and after each step of N, and the disk each account's model takes.

    .venv/bin/python bench/bench_account_models.py --accounts 20
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.corpus import corpus_dir  # noqa: E402
from classifier.parse import parse_message  # noqa: E402
from classifier.persist import load_classifier  # noqa: E402
from classifier.train import ensure_classifier  # noqa: E402
from service.account_model import AccountModels, account_model_path  # noqa: E402
from service.config import Settings  # noqa: E402

MODEL = ROOT / ".gracemail-test" / "model.skops"


def _memory_mb() -> tuple[float, float]:
    """Return (RSS, private) in MB; private leaves out pages shared with other processes."""
    fields: dict[str, int] = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return fields["Rss"] / 1024, private / 1024


def main() -> None:
    """Load the models one account at a time and print the memory at each step."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--batch", type=int, default=200, help="messages labelled per account")
    args = parser.parse_args()
    ensure_classifier(MODEL)
    folder = Path(tempfile.mkdtemp(prefix="gm-models-"))
    try:
        for part in MODEL.parent.glob(f"{MODEL.stem}.*"):
            (folder / part.name).symlink_to(part)
        settings = Settings(data_dir=folder, model_path=folder / MODEL.name)
        scoring = [MODEL.with_suffix(".npz"), MODEL.with_suffix(".json")]
        for account in range(1, args.accounts + 1):
            target = account_model_path(settings, account)
            target.parent.mkdir(parents=True)
            for part in scoring:  # the .skops files are read for retraining only, never here
                shutil.copy(part, target.parent / part.name)
        disk = sum(p.stat().st_size for p in MODEL.parent.glob(f"{MODEL.stem}.*"))
        paths = sorted((corpus_dir() / "messages").glob("*.eml"))[: args.batch]
        batch = [parse_message(p.read_bytes()) for p in paths]
        base = load_classifier(settings.resolved_model_path)
        base.predict_many(batch)
        rss0, private0 = _memory_mb()
        print(f"shared model loaded, {len(batch)} messages labelled: RSS {rss0:.0f} MB, "
              f"private {private0:.0f} MB")  # fmt: skip
        models = AccountModels(settings, base)
        marks = {1, 2, 5, 10, 20, 50, 100, args.accounts}
        for account in range(1, args.accounts + 1):
            model = models.for_account(account)
            assert model is not base
            model.predict_many(batch)
            if account in marks:
                rss, private = _memory_mb()
                print(
                    f"{account:>4} account models: RSS {rss:.0f} MB (+{(rss - rss0) / account:.1f}"
                    f" MB each), private {private:.0f} MB (+{(private - private0) / account:.1f}"
                    " MB each)"
                )
        npz = MODEL.with_suffix(".npz").stat().st_size
        print(f"disk per retrained account: {disk / 1e6:.0f} MB, of which {npz / 1e6:.0f} MB "
              "is the scored .npz (the .skops files are read by retraining only)")  # fmt: skip
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
