"""Build the FastAPI application from settings, a store and a loaded model."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from classifier.model import Classifier
from service.config import Settings
from service.ingest import Ingest
from service.sender import Sender
from service.store import Store
from service.training import Trainer
from service.web import api, login, pages
from service.web.auth import Auth, LoginRequired
from service.web.headers import SecurityHeaders
from service.web.render import HERE


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The loaded libraries and model are some 180,000 objects that live as long as the process;
    # a full garbage collection walking them took ~100 ms and stalled every request in flight.
    gc.collect()
    gc.freeze()
    yield


def create_app(settings: Settings, classifier: Classifier, store: Store | None = None) -> FastAPI:
    """Return the app; every path but /healthz, /login and /static needs a login."""
    app = FastAPI(
        title="gracemail",
        version="0.1.0",
        description="Label job-search mail and draft replies.",
        lifespan=_lifespan,
    )
    store = store or Store(settings.resolved_database_url)
    ingest = Ingest(classifier, settings.profile.to_profile(), store)
    auth = Auth(store.secrets, secure_cookie=settings.web_tls_cert is not None)
    app.state.settings = settings
    app.state.store = store
    app.state.ingest = ingest
    app.state.auth = auth
    app.state.sender = Sender(settings, store.drafts)
    app.state.trainer = Trainer(settings.resolved_model_path, store, ingest)
    app.include_router(api.router)
    app.include_router(login.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(LoginRequired, auth=auth)
    app.add_middleware(SecurityHeaders)
    return app
