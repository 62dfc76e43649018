"""One account's settings: the installation's own with the account's mailbox and profile in place."""

from __future__ import annotations

from typing import get_args

from pydantic import SecretStr

from service.config import ProfileSettings, Settings, TlsMode
from service.store.accounts import Account


def account_settings(
    base: Settings, account: Account, imap_password: str, smtp_password: str
) -> Settings:
    """Return base with the account's IMAP/SMTP settings, passwords and profile in place.

    Raises ValueError for a TLS mode gracemail does not know: model_copy does not validate, and
    an unknown mode must never fall through to a connection in clear.
    """
    for mode in (account.imap_tls, account.smtp_tls):
        if mode not in get_args(TlsMode):
            raise ValueError(f"account {account.id}: unknown TLS mode {mode!r}")
    return base.model_copy(
        update={
            "imap_host": account.imap_host,
            "imap_port": account.imap_port,
            "imap_user": account.imap_user,
            "imap_password": SecretStr(imap_password),
            "imap_oauth2_token": SecretStr(""),
            "imap_tls": account.imap_tls,
            "smtp_host": account.smtp_host,
            "smtp_port": account.smtp_port,
            "smtp_user": account.smtp_user,
            "smtp_password": SecretStr(smtp_password),
            "smtp_oauth2_token": SecretStr(""),
            "smtp_tls": account.smtp_tls,
            "profile": ProfileSettings.model_validate_json(account.profile or "{}"),
        }
    )


def web_settings(base: Settings, account: Account) -> Settings:
    """Return base with the account's profile, and no mailbox: a web server never talks to it.

    Without IMAP and SMTP hosts a web server cannot send an account's mail through the
    installation's own servers by mistake; the worker holding the account's lease sends it.
    """
    scoped = account_settings(base, account, "", "")
    return scoped.model_copy(update={"imap_host": "", "smtp_host": ""})
