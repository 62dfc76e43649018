"""The `gracemail` command: classify, draft, train, eval, serve and poll."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from classifier.parse import ParseError, parse_message
from service.cli_settings import settings_or_exit
from service.runonce import classify_files, filter_stdin, model_at

# A run per message (a mail filter, a script) pays for every import: the heavy ones (scikit-learn
# to train, SQLAlchemy to store, FastAPI to serve) are imported by the commands that need them.
if TYPE_CHECKING:
    from fastapi import FastAPI

    from classifier.model import Classifier
    from service.config import Settings
    from service.mail.poller import Poller
    from service.sender import Sender

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def _classifier(settings: Settings) -> Classifier:
    return model_at(settings.resolved_model_path, lambda: settings)


@app.command()
def classify(
    # str, not Path: typer checks each Path argument through a new pydantic adapter, about a
    # millisecond a file, more than labelling it
    paths: Annotated[list[str], typer.Argument(help=".eml files or folders of them")],
    format: Annotated[
        Literal["text", "jsonl"], typer.Option(help="jsonl: one JSON object a message")
    ] = "text",
) -> None:
    """Label messages; errors go to stderr and the run goes on (exit 1 if any file failed)."""
    raise typer.Exit(classify_files(paths, format))


@app.command()
def draft(
    path: Annotated[Path, typer.Argument(help="one .eml file")],
    format: Annotated[Literal["text", "json"], typer.Option(help="json: one JSON object")] = "text",
) -> None:
    """Label one message and print its reply drafts."""
    from service.ingest import Ingest
    from service.schemas import Drafts

    settings = settings_or_exit()
    try:
        msg = parse_message(path.read_bytes())
    except (OSError, ParseError) as exc:
        typer.echo(f"gracemail: {path}: {exc}", err=True)
        raise typer.Exit(1) from exc
    ingest = Ingest(_classifier(settings), settings.profile.to_profile())
    result = ingest.draft(msg)
    if format == "json":
        out = Drafts.model_validate(result).model_dump(mode="json")
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    typer.echo(f"label: {result.label} ({result.confidence:.2f}), kind: {result.kind}")
    for d in result.drafts:
        typer.echo(f"\n--- {d.kind} ---\nTo: {d.to or '(none)'}\nSubject: {d.subject}")
        if d.note:
            typer.echo(f"Note: {d.note}")
        if d.followup_date:
            typer.echo(f"Follow-up: {d.followup_date.isoformat()}")
        typer.echo(f"\n{d.body}")


@app.command(name="filter")
def filter_(
    store: Annotated[
        bool, typer.Option(help="also record the message and its drafts in the database")
    ] = False,
) -> None:
    """Read one message on stdin and write it to stdout with X-Gracemail-* headers added.

    For Sieve (vnd.dovecot.filter), procmail and maildrop. On any error the message comes out
    unchanged and the exit status is 0, so that delivery goes on; the error goes to stderr.
    """
    raise typer.Exit(filter_stdin(store))


@app.command()
def train() -> None:
    """Train the model on the corpus (and stored corrections), save it, print the CV figures."""
    from classifier.train import train_classifier
    from service.store import Store

    settings = settings_or_exit()
    corrections = Store(settings.resolved_database_url).messages.corrections()
    _, report = train_classifier(settings.resolved_model_path, extra=corrections)
    if report:
        typer.echo(report.format())
    typer.echo(f"model saved to {settings.resolved_model_path}")


@app.command(name="eval")
def evaluate(
    holdout: Annotated[
        Path | None, typer.Option(help="also score a folder with labels.csv")
    ] = None,
) -> None:
    """Print 5-fold cross-validated figures (by template family), and held-out ones when asked."""
    from classifier.corpus import load_corpus
    from classifier.train import cross_validate

    typer.echo("5-fold cross-validation on the corpus, a template family in one fold:")
    typer.echo(cross_validate(load_corpus()).format())
    if holdout:
        from classifier.holdout import score_holdout

        typer.echo(f"\nheld-out set {holdout}:")
        typer.echo(score_holdout(_classifier(settings_or_exit()), holdout).format())


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to bind (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port (default 8000)")] = None,
    demo: Annotated[
        bool, typer.Option(help="load the demo inbox even with IMAP configured")
    ] = False,
    allow_remote: Annotated[
        bool, typer.Option(help="bind a non-local address without TLS (behind your own proxy)")
    ] = False,
    new_token: Annotated[bool, typer.Option(help="replace the REST API's bearer token")] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="uvicorn worker processes; each loads the model")
    ] = 1,
) -> None:
    """Run the web page and API; with no mailbox configured, on the demo inbox from data/."""
    import sys

    import uvicorn

    from service.demo import load_demo
    from service.web.app import create_app

    settings = settings_or_exit()
    bind = host or settings.web_host
    tls = settings.web_tls_cert is not None and settings.web_tls_key is not None
    if bind not in LOCAL_HOSTS and not tls and not (allow_remote or settings.web_allow_remote):
        typer.echo(
            f"gracemail: refusing to serve on {bind} without TLS: set GRACEMAIL_WEB_TLS_CERT and "
            "GRACEMAIL_WEB_TLS_KEY, or pass --allow-remote",
            err=True,
        )
        raise typer.Exit(2)
    app_ = create_app(settings, _classifier(settings))
    auth = app_.state.auth
    if settings.web_password.get_secret_value():
        try:
            auth.adopt_password(settings.web_password.get_secret_value())
        except ValueError as exc:
            typer.echo(f"gracemail: GRACEMAIL_WEB_PASSWORD: {exc}", err=True)
            raise typer.Exit(2) from exc
    if not auth.has_password():
        if not sys.stdin.isatty():  # no one to ask: say which setting answers instead
            typer.echo("gracemail: set GRACEMAIL_WEB_PASSWORD to choose the web password", err=True)
            raise typer.Exit(2)
        while True:
            password = typer.prompt(
                "Choose a password for the web page", hide_input=True, confirmation_prompt=True
            )
            try:
                auth.set_password(password)
                break
            except ValueError as exc:
                typer.echo(f"gracemail: {exc}", err=True)
    if new_token or not auth.has_api_token():
        _announce_token(auth.new_api_token(), settings)
    _settle_interrupted(app_.state.sender)
    if demo or not settings.imap_host:
        count = load_demo(app_.state.ingest)
        typer.echo(
            f"gracemail: no mailbox configured; demo inbox loaded ({count} messages)", err=True
        )
    if settings.imap_host:
        import threading

        from service.mail.poller import Poller

        # the poller runs beside the web service; it stops with the process (daemon thread)
        poller = Poller(settings, app_.state.ingest, app_.state.store)
        threading.Thread(target=_run_poller, args=(poller,), daemon=True).start()
    scheme = "https" if tls else "http"
    typer.echo(
        f"gracemail: serving on {scheme}://{bind}:{port or settings.web_port}/ (API docs at /docs)",
        err=True,
    )
    uvicorn.run(
        # several workers each build their app from the environment; setup and the poller above
        # ran once, here
        "service.cli:worker_app" if workers > 1 else app_,
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        host=bind,
        port=port or settings.web_port,
        log_level="warning",
        ssl_certfile=str(settings.web_tls_cert) if tls else None,
        ssl_keyfile=str(settings.web_tls_key) if tls else None,
        # the app believes forwarded headers from GRACEMAIL_WEB_TRUSTED_PROXIES only; uvicorn's
        # own default would trust any local process
        proxy_headers=False,
        server_header=False,
    )


def worker_app() -> FastAPI:
    """Return the app one of `serve --workers N`'s processes serves, its model loaded from disk."""
    from service.config import load_settings
    from service.web.app import create_app

    settings = load_settings()
    return create_app(settings, _classifier(settings))


def _announce_token(token: str, settings: Settings) -> None:
    """Show a new API token on the terminal, else write it to a 0600 file and print its path.

    stderr is often a service log: the token goes there only when a person is looking at it.
    """
    import os
    import sys

    if sys.stderr.isatty():
        typer.echo(f"gracemail: REST API token (shown once): {token}", err=True)
        return
    path = settings.token_file
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        os.fchmod(fd, 0o600)  # an older file keeps its mode through O_CREAT: set it again
        out.write(token + "\n")
    typer.echo(f"gracemail: new REST API token written to {path} (mode 0600)", err=True)


def _settle_interrupted(sender: Sender) -> None:
    """Settle the sends a crash left in doubt, before anything else runs, and say what came of them."""
    for result in sender.settle_interrupted():
        typer.echo(
            f"gracemail: draft {result.draft_id}: {result.status} ({result.detail})", err=True
        )


def _run_poller(poller: Poller) -> None:
    from service.mail.imap import CredentialsError

    try:
        poller.run()
    except CredentialsError as exc:
        typer.echo(f"gracemail: mailbox not watched: {exc}", err=True)


@app.command()
def poll(
    once: Annotated[bool, typer.Option(help="process what is in the mailbox now and exit")] = False,
) -> None:
    """Watch the IMAP mailbox: label every job reply once and queue its drafts."""
    import logging
    import signal
    import threading

    from service.dispatch import Dispatcher
    from service.ingest import Ingest
    from service.mail.poller import CredentialsError, Poller, print_progress
    from service.mailview import release_due
    from service.sender import Sender
    from service.store import Store

    settings = settings_or_exit()
    if not settings.imap_host:
        typer.echo(
            "gracemail: set GRACEMAIL_IMAP_HOST (and _USER, _PASSWORD) to poll a mailbox", err=True
        )
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    store = Store(settings.resolved_database_url)
    sender = Sender(settings, store.drafts)
    _settle_interrupted(sender)
    ingest = Ingest(_classifier(settings), settings.profile.to_profile(), store)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())  # finish the batch in hand, then exit cleanly
    # approved drafts whose undo window has ended go out from here too, with no serve running
    if not once:
        watch = Dispatcher(store, settings, sender).watch
        threading.Thread(target=watch, args=(stop,), daemon=True).start()
    poller = Poller(settings, ingest, store, stop=stop, progress=print_progress)
    try:
        poller.run(once=once)
    except CredentialsError as exc:
        typer.echo(f"gracemail: {exc}", err=True)
        raise typer.Exit(3) from exc
    if once:
        for result in release_due(store, settings, sender):
            typer.echo(f"gracemail: draft {result.draft_id}: {result.status}", err=True)


@app.command()
def applications(
    format: Annotated[
        Literal["text", "jsonl", "csv"], typer.Option(help="jsonl or csv: one record a line")
    ] = "text",
) -> None:
    """List one record per application (company and role), rebuilt from the stored mail."""
    import csv
    import sys

    from service.store import Store
    from service.tracker import rebuild

    settings = settings_or_exit()
    records = rebuild(Store(settings.resolved_database_url))
    fields = ["id", "company", "role", "stage", "applied_at", "last_contact_at", "message_ids"]
    fields += ["next_action", "deadline", "conflict"]
    rows = [
        {
            **{k: getattr(a, k) for k in fields},
            "applied_at": a.applied_at.isoformat() if a.applied_at else "",
            "last_contact_at": a.last_contact_at.isoformat() if a.last_contact_at else "",
            "deadline": a.deadline.isoformat() if a.deadline else "",
        }
        for a in records
    ]
    if format == "jsonl":
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
    elif format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=fields)
        writer.writeheader()
        writer.writerows({**r, "message_ids": " ".join(r["message_ids"])} for r in rows)
    else:
        for a in records:
            last = a.last_contact_at.date().isoformat() if a.last_contact_at else "-"
            typer.echo(f"{a.stage:<10} {last}  {a.company} / {a.role or '?'}  {a.next_action}")


db = typer.Typer(no_args_is_help=True, help="The database: its schema revision and upgrades.")
app.add_typer(db, name="db")


@db.command("upgrade")
def db_upgrade() -> None:
    """Bring the database's schema to the newest revision; serve and poll do this on start too."""
    from service.store.db import HEAD, Database

    settings = settings_or_exit()
    database = Database(settings.resolved_database_url, upgrade=False)
    before = database.revision()
    if before != HEAD:
        database.upgrade()
    typer.echo(f"database {settings.resolved_database_url}: revision {before or 'none'} -> {HEAD}")


from service.accounts_cli import accounts, worker  # noqa: E402  (many mailboxes, issue 13)

app.add_typer(accounts, name="accounts")
app.command()(worker)


def main() -> None:
    """Run the command line through typer, every command."""
    app(prog_name="gracemail")
