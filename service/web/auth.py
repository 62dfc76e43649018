"""Login for the page and the REST API: a hashed password, session cookies, CSRF, a bearer token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import timedelta
from typing import Any

from starlette.datastructures import URL
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from service.store import Secrets, utcnow
from service.store.accounts import Accounts

COOKIE = "gracemail_session"
SESSION_DAYS = 14
TOKEN_RECHECK_SECONDS = 2.0
# probes need no login; the admin API checks its own token (service.web.admin)
OPEN_PATHS = ("/healthz", "/readyz", "/login", "/static/", "/admin/")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of password as 'scrypt$n$r$p$salt$hash'."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Return True when password matches a hash from hash_password."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _account_secret(account_id: int) -> str:
    return f"web_password:account:{account_id}"


class Auth:
    """The password, API token and sessions of one gracemail, kept in its store.

    With many accounts, each account has a web password of its own, and its sessions carry its
    id: the cookie is `<id>.<random>`, and only its hash is stored, so an edited id is no session.
    """

    def __init__(self, secrets: Secrets) -> None:
        self.secrets = secrets
        self.accounts = Accounts(secrets.db, "")  # names and the enabled flag; no key needed
        self._token_hash: tuple[float, str | None] = (-TOKEN_RECHECK_SECONDS, None)
        self._enabled: dict[int, tuple[float, bool]] = {}

    def _api_token_hash(self) -> str | None:
        # every REST call checks the token: read the store at most every few seconds, so a token
        # replaced by another process stops working soon, without a query per request
        read_at, stored = self._token_hash
        now = time.monotonic()
        if now - read_at >= TOKEN_RECHECK_SECONDS:
            stored = self.secrets.get("api_token")
            self._token_hash = (now, stored)
        return stored

    def has_password(self) -> bool:
        """Return True once a password is set."""
        return self.secrets.get("web_password") is not None

    def set_password(self, password: str) -> None:
        """Store the hash of a new password; raises ValueError when it is too short."""
        if len(password) < 8:
            raise ValueError("the web password needs at least 8 characters")
        self.secrets.set("web_password", hash_password(password))

    def adopt_password(self, password: str) -> None:
        """Make password the one set, unless it is already; raises ValueError when too short."""
        if not self.check_password(password):
            self.set_password(password)

    def check_password(self, password: str) -> bool:
        """Return True when password is the one set."""
        stored = self.secrets.get("web_password")
        return stored is not None and verify_password(password, stored)

    def new_api_token(self) -> str:
        """Make a new bearer token for the REST API, store its hash and return it (shown once)."""
        token = "gm_" + secrets.token_urlsafe(32)
        self.secrets.set("api_token", _sha256(token))
        self._token_hash = (time.monotonic(), _sha256(token))
        return token

    def has_api_token(self) -> bool:
        """Return True once an API token exists."""
        return self._api_token_hash() is not None

    def check_api_token(self, token: str) -> bool:
        """Return True when token is the REST API's bearer token."""
        stored = self._api_token_hash()
        return stored is not None and hmac.compare_digest(_sha256(token), stored)

    def set_account_password(self, account_id: int, password: str) -> None:
        """Store the hash of an account's web password; raises ValueError when too short."""
        if len(password) < 8:
            raise ValueError("the web password needs at least 8 characters")
        self.secrets.set(_account_secret(account_id), hash_password(password))

    def check_account_password(self, name: str, password: str) -> int | None:
        """Return the id of the enabled account of this name when password is its own, else None."""
        account = self.accounts.find(name)
        stored = self.secrets.get(_account_secret(account.id)) if account else None
        if account is None or stored is None or not account.enabled:
            hash_password(password)  # as slow as a real check: timing tells no names
            return None
        return account.id if verify_password(password, stored) else None

    def has_accounts(self) -> bool:
        """Return True when the installation serves accounts (the login form asks for one)."""
        return bool(self.accounts.all())

    def account_enabled(self, account_id: int) -> bool:
        """Return whether an account exists and is enabled, re-read every few seconds."""
        read_at, enabled = self._enabled.get(account_id, (-TOKEN_RECHECK_SECONDS, False))
        now = time.monotonic()
        if now - read_at >= TOKEN_RECHECK_SECONDS:
            account = self.accounts.get(account_id)
            enabled = account is not None and account.enabled
            self._enabled[account_id] = (now, enabled)
        return enabled

    def start_session(self, account_id: int | None = None) -> str:
        """Open a session, of an account when given one, and return its cookie value."""
        token = secrets.token_urlsafe(32)  # never holds a '.': that marks an account's session
        if account_id is not None:
            token = f"{account_id}.{token}"
        self.secrets.add_session(_sha256(token), utcnow() + timedelta(days=SESSION_DAYS))
        return token

    def session_account(self, token: str) -> int | None:
        """Return the account a valid session cookie is for; None for the single user's."""
        prefix, dot, _ = token.partition(".")
        return int(prefix) if dot and prefix.isdigit() else None

    def end_session(self, token: str) -> None:
        """Close a session."""
        self.secrets.drop_session(_sha256(token))

    def session_valid(self, token: str) -> bool:
        """Return True when the cookie value belongs to an open session."""
        return bool(token) and self.secrets.has_session(_sha256(token))

    def csrf_token(self, session_token: str) -> str:
        """Return the CSRF token of a session: a hash only the holder of the cookie can know."""
        return _sha256("csrf:" + session_token)

    def check_csrf(self, session_token: str, given: str) -> bool:
        """Return True when a form's CSRF token belongs to this session."""
        return bool(session_token) and hmac.compare_digest(self.csrf_token(session_token), given)

    def cookie_options(self, request: HTTPConnection) -> dict[str, Any]:
        """Return how the session cookie is set: HttpOnly, SameSite=Strict, Secure over HTTPS."""
        return {
            "httponly": True,
            "samesite": "strict",
            "secure": is_https(request),
            "max_age": SESSION_DAYS * 86400,
            "path": "/",
        }


def is_https(request: HTTPConnection) -> bool:
    """Return True when the page was reached over HTTPS, directly or through a trusted proxy.

    The scheme is uvicorn's over TLS, or X-Forwarded-Proto once the proxy headers middleware has
    found the request to come from a proxy the settings trust; any other client's header is
    ignored.
    """
    return request.url.scheme in ("https", "wss")


class LoginRequired:
    """ASGI middleware: every path but /healthz, /login and /static needs a session or the token."""

    def __init__(self, app: ASGIApp, auth: Auth) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass allowed requests on; answer others with a redirect to /login or a 401."""
        if scope["type"] != "http" or scope["path"].startswith(OPEN_PATHS):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        scheme, _, token = conn.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token and self.auth.check_api_token(token.strip()):
            await self.app(scope, receive, send)
            return
        session = conn.cookies.get(COOKIE, "")
        if self.auth.session_valid(session):
            account_id = self.auth.session_account(session)
            if account_id is None or self.auth.account_enabled(account_id):
                # the routes read it to see this account's mail only (service.web.deps)
                scope.setdefault("state", {})["account_id"] = account_id
                await self.app(scope, receive, send)
                return
        response: JSONResponse | RedirectResponse
        if scope["path"].startswith("/v1/") or scope["method"] != "GET":
            response = JSONResponse(
                {"detail": "log in, or send 'Authorization: Bearer <token>'"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        else:
            target = URL(scope=scope)
            next_path = target.path + (f"?{target.query}" if target.query else "")
            response = RedirectResponse(f"/login?next={_quote(next_path)}", status_code=303)
        await response(scope, receive, send)


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def safe_next(path: str) -> str:
    """Return path if it is a local page, else '/': a login never redirects off-site."""
    if path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/"
