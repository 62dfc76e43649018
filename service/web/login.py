"""The login form, logging in and out, and the CSRF check every other form goes through."""

from __future__ import annotations

import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from service.web.auth import COOKIE, Auth, is_https, safe_next
from service.web.deps import AuthDep, ThrottleDep
from service.web.render import templates

LOGIN_COOKIE = "gracemail_login"

router = APIRouter(include_in_schema=False)


def check_csrf(request: Request, auth: AuthDep, csrf: Annotated[str, Form()] = "") -> None:
    """Refuse a form whose CSRF token does not belong to the session; raises 403."""
    if not auth.check_csrf(request.cookies.get(COOKIE, ""), csrf):
        raise HTTPException(403, "the form is stale or not from this page; reload and try again")


CsrfDep = Depends(check_csrf)


def _login_page(
    request: Request, next: str, error: str = "", status: int = 200, account: str = ""
) -> Response:
    # reuse the token a parallel request (a favicon, another tab) may have just set
    token = (not error and request.cookies.get(LOGIN_COOKIE)) or secrets.token_urlsafe(16)
    auth: Auth = request.app.state.auth
    context: dict[str, object] = {
        "csrf": token,
        "next": safe_next(next),
        "error": error,
        "account": account,
    }
    # an installation of many accounts asks whose login it is; a single user sees no such field
    context["accounts"] = bool(account) or auth.has_accounts()
    response = templates.TemplateResponse(request, "login.html", context, status_code=status)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        path="/login",
        secure=is_https(request),
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """Show the login form."""
    return _login_page(request, next)


@router.post("/login")
async def login(
    request: Request,
    auth: AuthDep,
    throttle: ThrottleDep,
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    account: Annotated[str, Form(max_length=255)] = "",
) -> Response:
    """Open a session when the password is right; too many failures are refused unchecked (429).

    Async, so that a refusal is answered on the event loop and never holds a worker thread; the
    password check itself (scrypt) runs in the thread pool. With an account name, the password
    is that account's, and the session sees that account's mail only.
    """
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf):
        return _login_page(request, next, "The form expired; try again.", 401)
    client = request.client.host if request.client else ""
    wait = throttle.check(client)
    if wait > 0:
        seconds = math.ceil(wait)
        response = _login_page(
            request, next, f"Too many failed logins: try again in {seconds} s.", 429
        )
        response.headers["Retry-After"] = str(seconds)
        return response
    account_id: int | None = None
    if account.strip():
        account_id = await run_in_threadpool(auth.check_account_password, account.strip(), password)
        right = account_id is not None
    else:
        right = await run_in_threadpool(auth.check_password, password)
    if not right:
        throttle.failed(client)
        error = "Wrong account or password." if account.strip() else "Wrong password."
        return _login_page(request, next, error, 401, account)
    throttle.succeeded(client)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(COOKIE, auth.start_session(account_id), **auth.cookie_options(request))
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout", dependencies=[CsrfDep])
def logout(request: Request, auth: AuthDep) -> Response:
    """Close the session."""
    auth.end_session(request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
