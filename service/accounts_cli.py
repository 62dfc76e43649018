"""`gracemail accounts add|list|disable|retrain|new-key` and `gracemail worker`: many mailboxes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from service.cli_settings import settings_or_exit

if TYPE_CHECKING:
    from service.config import Settings
    from service.store.accounts import Accounts

accounts = typer.Typer(no_args_is_help=True, help="The mailboxes one installation serves.")


def _accounts(settings: Settings) -> Accounts:
    from service.store.accounts import Accounts
    from service.store.db import Database

    return Accounts(
        Database(settings.resolved_database_url), settings.secret_key.get_secret_value()
    )


@accounts.command("new-key")
def new_key() -> None:
    """Print a fresh key for GRACEMAIL_SECRET_KEY; keep it safe: without it no password decrypts."""
    from service.store.accounts import new_key as make

    typer.echo(make())


@accounts.command("add")
def add(
    name: Annotated[str, typer.Argument(help="a name of your own for the mailbox, unique")],
    imap_host: Annotated[str, typer.Option()],
    imap_user: Annotated[str, typer.Option()],
    imap_password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    imap_port: Annotated[int, typer.Option(help="0: 993 for ssl, 143 otherwise")] = 0,
    imap_tls: Annotated[str, typer.Option(help="ssl, starttls or none")] = "ssl",
    smtp_host: Annotated[str, typer.Option()] = "",
    smtp_port: Annotated[int, typer.Option()] = 0,
    smtp_user: Annotated[str, typer.Option()] = "",
    smtp_password: Annotated[str, typer.Option(hide_input=True)] = "",
    smtp_tls: Annotated[str, typer.Option()] = "starttls",
    profile: Annotated[str, typer.Option(help='JSON, e.g. {"name": "Sam Rivera"}')] = "{}",
) -> None:
    """Add a mailbox; its passwords are stored encrypted with GRACEMAIL_SECRET_KEY."""
    from service.config import ProfileSettings
    from service.store.accounts import NewAccount

    try:
        ProfileSettings.model_validate(json.loads(profile))
    except ValueError as exc:
        typer.echo(f"gracemail: --profile is not a valid profile: {exc}", err=True)
        raise typer.Exit(2) from exc
    new = NewAccount(
        name=name,
        imap_host=imap_host,
        imap_user=imap_user,
        imap_password=imap_password,
        imap_port=imap_port,
        imap_tls=imap_tls,
        smtp_host=smtp_host,
        smtp_port=smtp_port,
        smtp_user=smtp_user,
        smtp_password=smtp_password,
        smtp_tls=smtp_tls,
        profile=profile,
    )
    store = _accounts(settings_or_exit())
    if store.find(name) is not None:
        typer.echo(f"gracemail: an account named {name!r} exists already", err=True)
        raise typer.Exit(1)
    try:
        account = store.add(new)
    except ValueError as exc:  # SecretKeyError, or a TLS mode that does not exist
        typer.echo(f"gracemail: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"added account {account.id} {account.name}")


@accounts.command("list")
def list_(
    format: Annotated[str, typer.Option(help="text or jsonl")] = "text",
) -> None:
    """List the accounts, never their passwords."""
    for a in _accounts(settings_or_exit()).all():
        if format == "jsonl":
            typer.echo(json.dumps(a.__dict__))
        else:
            state = "enabled" if a.enabled else "disabled"
            typer.echo(f"{a.id:>5} {state:<8} {a.name}  {a.imap_user}@{a.imap_host}")


@accounts.command("disable")
def disable(name: Annotated[str, typer.Argument()]) -> None:
    """Stop serving a mailbox: workers drop its lease at their next heartbeat."""
    store = _accounts(settings_or_exit())
    account = store.find(name)
    if account is None:
        typer.echo(f"gracemail: no account named {name!r}", err=True)
        raise typer.Exit(1)
    store.set_enabled(account.id, False)
    typer.echo(f"disabled account {account.id} {account.name}")


@accounts.command("retrain")
def retrain(
    name: Annotated[str, typer.Argument(help="the account's name or id; omit with --all")] = "",
    all_: Annotated[
        bool, typer.Option("--all", help="every enabled account whose corrections changed")
    ] = False,
    cv: Annotated[
        bool, typer.Option(help="choose the account's own rule in 5-fold CV (6x slower)")
    ] = False,
    force: Annotated[bool, typer.Option(help="train even when the model is fresh")] = False,
) -> None:
    """Train an account's own model on the corpus plus its corrections; workers switch to it.

    Run it on demand, or nightly with --all from cron. Only that account's mail is labelled
    with it; an account whose corrections are gone gets the shared model back.
    """
    from service.account_model import retrain_account
    from service.store import Store

    settings = settings_or_exit()
    if not settings.resolved_model_path.exists():
        typer.echo(
            f"gracemail: no model at {settings.resolved_model_path}: run `gracemail train`",
            err=True,
        )
        raise typer.Exit(2)
    store = _accounts(settings)
    if all_:
        chosen = [a for a in store.all() if a.enabled]
    else:
        account = store.find(name) or (store.get(int(name)) if name.isdigit() else None)
        if account is None:
            typer.echo(f"gracemail: no account named {name!r}", err=True)
            raise typer.Exit(1)
        chosen = [account]
    data = Store(settings.resolved_database_url)
    for account in chosen:
        result = retrain_account(settings, data, account.id, evaluate=cv, force=force)
        what = {
            "trained": f"trained with {result.corrections} corrections in {result.seconds} s",
            "unchanged": f"unchanged: its model has its {result.corrections} corrections",
            "removed": "no corrections: its model removed, the shared one labels it",
            "none": "no corrections: the shared model labels it",
        }[result.status]
        typer.echo(f"account {account.id} {account.name}: {what}")


def worker() -> None:
    """Serve the accounts' mailboxes with others alike: claim leases, sync, send approved drafts."""
    import signal
    import threading

    from classifier.persist import load_classifier
    from service.worker import Worker, configure_logging

    settings = settings_or_exit()
    configure_logging()
    path = settings.resolved_model_path
    if not path.exists():  # training takes minutes: a worker fleet shares one trained model
        typer.echo(f"gracemail: no model at {path}: run `gracemail train` once", err=True)
        raise typer.Exit(2)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())  # release the leases, then exit
    Worker(settings, load_classifier(path), stop=stop).run()
