"""What a route may ask for, as types: SettingsDep, StoreDep, IngestDep, SenderDep, AuthDep, ....

Each is an object create_app puts on app.state; settings, store, ingest and sender are those of
the session's account (service.web.scope), so a route sees that account's mail only. The
getters are async so that FastAPI calls them on the event loop: a plain-def dependency runs in
a worker thread, which cost more per request than the rest of the framework together.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from service.config import Settings
from service.dispatch import Dispatcher
from service.ingest import Ingest
from service.sender import Sender
from service.store import Store
from service.training import Trainer
from service.web.auth import Auth
from service.web.scope import Views
from service.web.throttle import LoginThrottle


def _from_state(name: str) -> Callable[[Request], Awaitable[Any]]:
    async def get(request: Request) -> Any:
        return getattr(request.app.state, name)

    get.__name__ = f"get_{name}"
    return get


def _from_view(name: str) -> Callable[[Request], Awaitable[Any]]:
    # the request's account's own (service.web.scope); the single user's without accounts
    async def get(request: Request) -> Any:
        views: Views = request.app.state.views
        try:
            view = views.of_request(request)
        except LookupError as exc:  # the account was removed since the session began
            raise HTTPException(401, "log in again") from exc
        return getattr(view, name)

    get.__name__ = f"get_{name}"
    return get


SettingsDep = Annotated[Settings, Depends(_from_view("settings"))]
StoreDep = Annotated[Store, Depends(_from_view("store"))]
IngestDep = Annotated[Ingest, Depends(_from_view("ingest"))]
SenderDep = Annotated[Sender, Depends(_from_view("sender"))]
AuthDep = Annotated[Auth, Depends(_from_state("auth"))]
TrainerDep = Annotated[Trainer, Depends(_from_state("trainer"))]
DispatcherDep = Annotated[Dispatcher, Depends(_from_state("dispatcher"))]
ThrottleDep = Annotated[LoginThrottle, Depends(_from_state("throttle"))]
