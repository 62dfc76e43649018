"""The API docs page (Swagger UI) under a Content-Security-Policy of its own that lets it work.

FastAPI's own page starts Swagger UI with an inline script, which a strict policy blocks. This
one loads the same Swagger UI files and starts them from /static/docs.js, so the policy needs no
'unsafe-inline' for scripts: only the origin the Swagger UI files come from. By default those
files are the copy the fastapi-offline wheel ships, served from here: /docs works offline.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.security import HTTPBearer

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"
# the two Swagger UI files the page loads; nothing else of the package is served
ASSETS = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript"}
router = APIRouter(include_in_schema=False)
# Declared on the REST routes, this puts an "Authorize" button on /docs that takes the API
# token and sends it as "Authorization: Bearer"; the login middleware is what checks it.
BEARER = HTTPBearer(auto_error=False, description="The API token (gracemail serve shows it).")


def assets_folder() -> Path:
    """Return the folder of the Swagger UI files the fastapi-offline wheel ships."""
    return Path(str(files("fastapi_offline") / "static"))


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
    extra = "" if source == "'self'" else f" {source}"
    return (
        f"default-src 'none'; script-src 'self'{extra}; style-src 'self'{extra} "
        "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


@router.get(DOCS_PATH)
def docs(request: Request) -> HTMLResponse:
    """Show the interactive API docs."""
    assets = escape(request.app.state.settings.web_docs_assets.rstrip("/") or ASSETS_PATH)
    return HTMLResponse(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>gracemail API</title>"
        f'<link rel="stylesheet" href="{assets}/swagger-ui.css"></head>'
        '<body><div id="swagger-ui"></div>'
        f'<script src="{assets}/swagger-ui-bundle.js"></script>'
        '<script src="/static/docs.js"></script></body></html>'
    )


@router.get(ASSETS_PATH + "/{name}")
def docs_asset(name: str) -> FileResponse:
    """Serve one of Swagger UI's two files from the installed package; 404 for any other name."""
    if name not in ASSETS:
        raise HTTPException(404, "no such file")
    headers = {"Cache-Control": "public, max-age=86400"}
    return FileResponse(assets_folder() / name, media_type=ASSETS[name], headers=headers)
