"""What a route may ask for, as types: SettingsDep, StoreDep, IngestDep, SenderDep, AuthDep, ....

Each is an object create_app puts on app.state. The getters are async so that FastAPI calls
them on the event loop: a plain-def dependency runs in a worker thread, which cost more per
request than the rest of the framework together.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from service.config import Settings
from service.dispatch import Dispatcher
from service.ingest import Ingest
from service.sender import Sender
from service.store import Store
from service.training import Trainer
from service.web.auth import Auth
from service.web.throttle import LoginThrottle


def _from_state(name: str) -> Callable[[Request], Awaitable[Any]]:
    async def get(request: Request) -> Any:
        return getattr(request.app.state, name)

    get.__name__ = f"get_{name}"
    return get


SettingsDep = Annotated[Settings, Depends(_from_state("settings"))]
StoreDep = Annotated[Store, Depends(_from_state("store"))]
IngestDep = Annotated[Ingest, Depends(_from_state("ingest"))]
SenderDep = Annotated[Sender, Depends(_from_state("sender"))]
AuthDep = Annotated[Auth, Depends(_from_state("auth"))]
TrainerDep = Annotated[Trainer, Depends(_from_state("trainer"))]
DispatcherDep = Annotated[Dispatcher, Depends(_from_state("dispatcher"))]
ThrottleDep = Annotated[LoginThrottle, Depends(_from_state("throttle"))]
