"""The admin API: list, add, disable and enable accounts, behind GRACEMAIL_ADMIN_TOKEN.

Off (404) while no admin token is set. Passwords go in and never come out: an account is shown
with every setting but its passwords, encrypted at rest with GRACEMAIL_SECRET_KEY.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from service.config import ProfileSettings, Settings
from service.store.accounts import Account, Accounts, NewAccount, SecretKeyError
from service.web.auth import Auth

router = APIRouter(prefix="/admin", tags=["admin"])


def check_admin(request: Request) -> None:
    """Let the request through with the admin token; 404 while none is set, 401 otherwise."""
    settings: Settings = request.app.state.settings
    expected = settings.admin_token.get_secret_value()
    if not expected:
        raise HTTPException(404, "Not Found")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip(), expected):
        raise HTTPException(
            401,
            "send 'Authorization: Bearer <GRACEMAIL_ADMIN_TOKEN>'",
            {"WWW-Authenticate": "Bearer"},
        )


class AccountView(BaseModel):
    """An account as the admin API shows it: no password of any kind."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    imap_host: str
    imap_port: int
    imap_user: str
    imap_tls: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_tls: str
    profile: ProfileSettings
    enabled: bool


class AccountIn(BaseModel):
    """A new account: its mailbox, its sending server, its profile and its web login."""

    name: str = Field(min_length=1, max_length=255)
    imap_host: str = Field(min_length=1, max_length=255)
    imap_user: str = Field(min_length=1, max_length=255)
    imap_password: str = Field(repr=False)
    imap_port: int = Field(default=0, ge=0, le=65535)
    imap_tls: str = "ssl"
    smtp_host: str = Field(default="", max_length=255)
    smtp_port: int = Field(default=0, ge=0, le=65535)
    smtp_user: str = Field(default="", max_length=255)
    smtp_password: str = Field(default="", repr=False)
    smtp_tls: str = "starttls"
    profile: ProfileSettings = Field(default_factory=ProfileSettings)
    web_password: str = Field(default="", repr=False)  # empty: no web login yet


def _view(account: Account) -> AccountView:
    return AccountView.model_validate(
        {**account.__dict__, "profile": ProfileSettings.model_validate_json(account.profile)}
    )


def _accounts(request: Request) -> Accounts:
    settings: Settings = request.app.state.settings
    return Accounts(request.app.state.store.db, settings.secret_key.get_secret_value())


AccountsDep = Annotated[Accounts, Depends(_accounts)]
admin = [Depends(check_admin)]


@router.get("/accounts", dependencies=admin)
def list_accounts(accounts: AccountsDep) -> list[AccountView]:
    """List every account, never its passwords."""
    return [_view(a) for a in accounts.all()]


@router.post("/accounts", dependencies=admin, status_code=201)
def add_account(request: Request, accounts: AccountsDep, new: AccountIn) -> AccountView:
    """Add an account; 409 when the name is taken, 422 for a bad TLS mode or web password."""
    if accounts.find(new.name) is not None:
        raise HTTPException(409, f"an account named {new.name!r} exists already")
    if new.web_password and len(new.web_password) < 8:
        raise HTTPException(422, "the web password needs at least 8 characters")
    fields = new.model_dump(exclude={"web_password", "profile"})
    try:
        account = accounts.add(NewAccount(**fields, profile=new.profile.model_dump_json()))
    except SecretKeyError as exc:
        raise HTTPException(503, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    if new.web_password:
        auth: Auth = request.app.state.auth
        auth.set_account_password(account.id, new.web_password)
    return _view(account)


def _set_enabled(accounts: Accounts, account_id: int, enabled: bool) -> AccountView:
    if not accounts.set_enabled(account_id, enabled):
        raise HTTPException(404, "no such account")
    account = accounts.get(account_id)
    assert account is not None
    return _view(account)


@router.post("/accounts/{account_id}/disable", dependencies=admin)
def disable_account(accounts: AccountsDep, account_id: int) -> AccountView:
    """Stop serving an account: workers drop its lease, its web sessions stop working."""
    return _set_enabled(accounts, account_id, False)


@router.post("/accounts/{account_id}/enable", dependencies=admin)
def enable_account(accounts: AccountsDep, account_id: int) -> AccountView:
    """Serve a disabled account again."""
    return _set_enabled(accounts, account_id, True)
