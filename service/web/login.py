"""The login form, logging in and out, and the CSRF check every other form goes through."""

from __future__ import annotations

import secrets
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from service.web.auth import COOKIE, safe_next
from service.web.deps import AuthDep
from service.web.render import templates

LOGIN_COOKIE = "gracemail_login"
FAILED_LOGIN_DELAY = 0.5

router = APIRouter(include_in_schema=False)


def check_csrf(request: Request, auth: AuthDep, csrf: Annotated[str, Form()] = "") -> None:
    """Refuse a form whose CSRF token does not belong to the session; raises 403."""
    if not auth.check_csrf(request.cookies.get(COOKIE, ""), csrf):
        raise HTTPException(403, "the form is stale or not from this page; reload and try again")


CsrfDep = Depends(check_csrf)


def _login_page(request: Request, next: str, error: str = "", status: int = 200) -> Response:
    # reuse the token a parallel request (a favicon, another tab) may have just set
    token = (not error and request.cookies.get(LOGIN_COOKIE)) or secrets.token_urlsafe(16)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {"csrf": token, "next": safe_next(next), "error": error},
        status_code=status,
    )
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """Show the login form."""
    return _login_page(request, next)


@router.post("/login")
def login(
    request: Request,
    auth: AuthDep,
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Open a session when the password is right."""
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if (
        not expected
        or not secrets.compare_digest(expected, csrf)
        or not auth.check_password(password)
    ):
        time.sleep(FAILED_LOGIN_DELAY)  # slows password guessing without locking the user out
        return _login_page(request, next, "Wrong password, or the form expired.", 401)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(COOKIE, auth.start_session(), **auth.cookie_options())
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout", dependencies=[CsrfDep])
def logout(request: Request, auth: AuthDep) -> Response:
    """Close the session."""
    auth.end_session(request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
