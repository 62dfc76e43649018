"""`gracemail classify` and `gracemail filter`, run without typer or pydantic.

A mail server runs the filter once per delivered message, and scripts run classify per file;
typer alone (which builds pydantic adapters for every option) costs more than labelling the
message. `service.__main__` sends these two commands here, and `service.cli` declares them for
--help and calls the same functions.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from classifier.parse import Message, ParseError, parse_message
from service.cli_settings import locations_or_exit, settings_or_exit

if TYPE_CHECKING:
    from classifier.model import Classifier
    from service.config import Settings
    from service.filter import Verdict

BATCH = 256  # messages scored in one call: the first batch of one file is the lean path
COMMANDS = ("classify", "filter")


def main(argv: list[str]) -> int:
    """Run `classify` or `filter` with argv (the command first); return the exit status."""
    parser = argparse.ArgumentParser(prog="gracemail")
    commands = parser.add_subparsers(dest="command", required=True)
    classify = commands.add_parser("classify")
    classify.add_argument("paths", nargs="+")
    classify.add_argument("--format", choices=("text", "jsonl"), default="text")
    filter_ = commands.add_parser("filter")
    filter_.add_argument("--store", action=argparse.BooleanOptionalAction, default=False)
    args = parser.parse_args(argv)
    if args.command == "classify":
        return classify_files(args.paths, args.format)
    return filter_stdin(args.store)


def classify_files(paths: list[str], format: str) -> int:
    """Print the label of each message; errors go to stderr and the run goes on (1 if any failed)."""
    classifier = model_at(locations_or_exit().model_path, settings_or_exit)
    failed = 0
    batch: list[tuple[Path, Message]] = []
    out = sys.stdout

    def flush() -> None:
        messages = [m for _, m in batch]
        for (path, msg), p in zip(batch, classifier.predict_many(messages), strict=True):
            if format == "jsonl":
                row = {"path": str(path), "message_id": msg.message_id, **p.fields()}
                del row["language"]
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                out.write(
                    f"{p.label:<8} {p.kind:<16} {p.confidence:.2f}  {path}  "
                    f"{p.slots.company} {p.slots.role}".rstrip()
                    + "\n"
                )
        batch.clear()

    for path in expand_paths([Path(p) for p in paths]):
        try:
            batch.append((path, parse_message(path.read_bytes())))
        except (OSError, ParseError) as exc:
            failed += 1
            print(f"gracemail: {path}: {exc}", file=sys.stderr)
            continue
        if len(batch) >= BATCH:
            flush()
    flush()
    out.flush()
    return 1 if failed else 0


def expand_paths(paths: list[Path]) -> Iterator[Path]:
    """Yield the .eml files named by paths, folders searched recursively, in sorted order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.eml") if p.is_file())
        else:
            yield path


def model_at(path: Path, settings_of: Callable[[], Settings]) -> Classifier:
    """Return the model at path; when stale, train it (with the stored corrections) first."""
    from classifier.persist import is_fresh_for_corpus, load_classifier

    if is_fresh_for_corpus(path):
        return load_classifier(path)  # the standard library only: numpy comes with batches
    from classifier.train import ensure_classifier
    from service.modelfile import needs_training, stored_corrections

    corrections = stored_corrections(
        settings_of()
    )  # a model retrained with them is the one to keep
    if needs_training(path, corrections):
        print(f"gracemail: training the model into {path} (once) ...", file=sys.stderr)
    return ensure_classifier(path, extra=corrections)


def filter_stdin(store: bool) -> int:
    """Copy one message from stdin to stdout with X-Gracemail-* headers added; always 0.

    For Sieve (vnd.dovecot.filter), procmail and maildrop. On any error the message comes out
    unchanged and the exit status is 0, so that delivery goes on; the error goes to stderr.
    """
    raw = sys.stdin.buffer.read()
    out = raw
    try:
        from service.filter import filter_message

        out = filter_message(raw, lambda r: _verdict(r, store), _log)
    except Exception as exc:  # even an import gone wrong must not lose the message
        _log(f"gracemail filter: message passed through unlabelled: {exc}")
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()
    return 0


def _log(line: str) -> None:
    print(line, file=sys.stderr)


def _verdict(raw: bytes, store: bool) -> Verdict | None:
    """Return the filter's verdict on raw, or None to pass it through as it is."""
    from classifier.persist import load_classifier
    from service.filter import Verdict
    from service.locations import read_locations

    where = read_locations()
    if len(raw) > where.max_message_bytes:
        return None
    path = where.model_path
    if not path.exists():  # training takes minutes: never at delivery time
        raise FileNotFoundError(f"no model at {path}: run `gracemail train` once")
    classifier = load_classifier(path)  # a stale model still labels; `gracemail train` renews it
    if not store:
        prediction = classifier.predict(parse_message(raw))
        return Verdict(prediction.label, prediction.kind, prediction.confidence)
    from service.config import load_settings
    from service.ingest import Ingest
    from service.store import Store

    settings = load_settings()
    ingest = Ingest(
        classifier, settings.profile.to_profile(), Store(settings.resolved_database_url)
    )
    outcome = ingest.handle(raw, source="filter")
    if outcome.error:
        raise ParseError(outcome.error)
    if outcome.kind is None:  # stored before: its label is known, not how sure the model was
        return Verdict(outcome.label)
    return Verdict(outcome.label, outcome.kind, outcome.confidence)
