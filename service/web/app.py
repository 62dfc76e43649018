"""Build the FastAPI application from settings, a store and a loaded model."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from classifier.model import Classifier
from service.config import Settings
from service.dispatch import Dispatcher
from service.ingest import Ingest
from service.sender import Sender
from service.store import Store
from service.training import Trainer
from service.web import api, api_applications, api_mail, docs, login, pages, pages_applications
from service.web.admin import router as admin_router
from service.web.auth import Auth, LoginRequired
from service.web.headers import SecurityHeaders
from service.web.ops import router as ops_router
from service.web.render import HERE
from service.web.scope import View, Views
from service.web.throttle import LoginThrottle


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The loaded libraries and model are some 180,000 objects that live as long as the process;
    # a full garbage collection walking them took ~100 ms and stalled every request in flight.
    gc.collect()
    gc.freeze()
    app.state.dispatcher.wake()  # drafts scheduled before a restart still go out
    yield


def create_app(settings: Settings, classifier: Classifier, store: Store | None = None) -> FastAPI:
    """Return the app; every path but /healthz, /login and /static needs a login.

    Outermost first, a request meets the security headers (so even a refusal carries them),
    the proxy headers of trusted proxies only, the Host check, and the login check.
    """
    app = FastAPI(
        title="gracemail",
        version="0.1.0",
        description="Label job-search mail and draft replies.",
        lifespan=_lifespan,
        docs_url=None,  # served by service.web.docs under a policy that lets it run
        redoc_url=None,
    )
    store = store or Store(settings.resolved_database_url)
    ingest = Ingest(classifier, settings.profile.to_profile(), store)
    auth = Auth(store.secrets)
    app.state.settings = settings
    app.state.store = store
    app.state.ingest = ingest
    app.state.auth = auth
    app.state.sender = Sender(settings, store.drafts)
    app.state.dispatcher = Dispatcher(store, settings, app.state.sender)
    app.state.trainer = Trainer(settings.resolved_model_path, store, ingest)
    app.state.views = Views(View(store, settings, ingest, app.state.sender))
    app.state.throttle = LoginThrottle(
        settings.web_login_rate,
        settings.web_login_lockout_after,
        settings.web_login_lockout_seconds,
    )
    app.include_router(api.router)
    app.include_router(api_mail.router)
    app.include_router(api_applications.router)
    app.include_router(docs.router)
    app.include_router(ops_router)  # /readyz and /metrics (issue 13)
    app.include_router(admin_router)  # /admin/accounts, behind the admin token (issue 13)
    app.include_router(login.router)
    app.include_router(pages.router)
    app.include_router(pages_applications.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(LoginRequired, auth=auth)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.add_middleware(
        SecurityHeaders,
        docs_path=docs.DOCS_PATH,
        docs_csp=docs.docs_policy(settings.web_docs_assets),
    )
    return app
