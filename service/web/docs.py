"""The API docs page (Swagger UI) under a Content-Security-Policy of its own that lets it work.

FastAPI's own page starts Swagger UI with an inline script, which a strict policy blocks. This
one loads the same Swagger UI files and starts them from /static/docs.js, so the policy needs no
'unsafe-inline' for scripts: only the origin the Swagger UI files come from.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

DOCS_PATH = "/docs"
router = APIRouter(include_in_schema=False)


def assets_source(assets: str) -> str:
    """Return the CSP source that covers the Swagger UI files: their origin, or 'self'."""
    parts = urlsplit(assets)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "'self'"


def docs_policy(assets: str) -> str:
    """Return the docs page's policy: scripts and styles only from here and the assets' origin.

    Swagger UI sets element styles from its scripts and shows data: images, so styles allow
    'unsafe-inline' on this page alone; no script runs but the two files named here.
    """
    source = assets_source(assets)
    return (
        f"default-src 'none'; script-src 'self' {source}; style-src 'self' {source} "
        "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


@router.get(DOCS_PATH)
def docs(request: Request) -> HTMLResponse:
    """Show the interactive API docs."""
    assets = escape(request.app.state.settings.web_docs_assets.rstrip("/"))
    return HTMLResponse(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>gracemail API</title>"
        f'<link rel="stylesheet" href="{assets}/swagger-ui.css"></head>'
        '<body><div id="swagger-ui"></div>'
        f'<script src="{assets}/swagger-ui-bundle.js"></script>'
        '<script src="/static/docs.js"></script></body></html>'
    )
