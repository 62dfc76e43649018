"""Build the FastAPI application: settings, store, model and routes in one place."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from classifier.model import Classifier, ensure_classifier
from service import web
from service.api import router
from service.auth import Auth, LoginRequired
from service.config import Settings
from service.ingest import Ingest
from service.sender import Sender
from service.store import SendStore, Store


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The loaded libraries and model are some 180,000 objects that live as long as the process;
    # a full garbage collection walking them took ~100 ms and stalled every request in flight.
    gc.collect()
    gc.freeze()
    yield


def create_app(settings: Settings, classifier: Classifier | None = None) -> FastAPI:
    """Return the app with its model loaded (trained first if missing) and its store open."""
    app = FastAPI(
        title="gracemail",
        version="0.1.0",
        description="Label job-search mail and draft replies.",
        lifespan=_lifespan,
    )
    store = Store(settings.resolved_database_url)
    model = classifier or ensure_classifier(settings.resolved_model_path)
    app.state.settings = settings
    app.state.store = store
    app.state.ingest = Ingest(model, settings.profile.to_profile(), store)
    app.include_router(router)
    # the approve-and-send pages; every path but /healthz, /login and /static needs a login
    sends = SendStore(store)
    app.state.sends = sends
    app.state.auth = Auth(sends, secure_cookie=settings.web_tls_cert is not None)
    app.state.sender = Sender(settings, sends)
    password = settings.web_password.get_secret_value()
    if password and not app.state.auth.check_password(password):
        app.state.auth.set_password(password)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=web.HERE / "static"), name="static")
    app.add_middleware(LoginRequired, auth=app.state.auth)
    app.add_middleware(web.SecurityHeaders)
    return app
