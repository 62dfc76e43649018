"""Build the FastAPI application: settings, store, model and routes in one place."""

from __future__ import annotations

from fastapi import FastAPI

from classifier.model import Classifier, ensure_classifier
from service.api import router
from service.config import Settings
from service.ingest import Ingest
from service.store import Store


def create_app(settings: Settings, classifier: Classifier | None = None) -> FastAPI:
    """Return the app with its model loaded (trained first if missing) and its store open."""
    app = FastAPI(
        title="gracemail", version="0.1.0", description="Label job-search mail and draft replies."
    )
    store = Store(settings.resolved_database_url)
    model = classifier or ensure_classifier(settings.resolved_model_path)
    app.state.settings = settings
    app.state.store = store
    app.state.ingest = Ingest(model, settings.profile.to_profile(), store)
    app.include_router(router)
    return app
