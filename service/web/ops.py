"""Operations: /readyz for load balancers and /metrics for Prometheus."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from service.store import Store
from service.store.db import HEAD
from service.store.fleet import ping, read_fleet

router = APIRouter(include_in_schema=False)


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Say 200 when the database answers and its schema is at this release's revision, else 503."""
    store: Store = request.app.state.store
    try:
        ping(store.db)
        revision = store.db.revision()
    except Exception as exc:  # any failure to reach the database means not ready
        return JSONResponse({"status": "database unreachable", "detail": type(exc).__name__}, 503)
    if revision != HEAD:
        return JSONResponse(
            {"status": "migrations pending", "revision": revision, "head": HEAD}, 503
        )
    return JSONResponse({"status": "ready", "revision": revision})


class FleetCollector(Collector):
    """Reads the installation's figures from the database at each scrape."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        """Yield one gauge per figure."""
        fleet = read_fleet(self.store.db)
        labelled = GaugeMetricFamily(
            "gracemail_messages_stored", "Messages stored and labelled, by label", labels=["label"]
        )
        for label, count in sorted(fleet.labelled.items()):
            labelled.add_metric([label], count)
        yield labelled
        plain = {
            "gracemail_drafts_waiting": (
                "Drafts the users still have to act on",
                fleet.drafts_waiting,
            ),
            "gracemail_drafts_sent": ("Drafts sent", fleet.drafts_sent),
            "gracemail_send_queue_lag_seconds": (
                "How long the oldest approved draft has waited to be sent",
                fleet.queue_lag,
            ),
            "gracemail_accounts_enabled": ("Accounts served", fleet.accounts_enabled),
            "gracemail_leases_held": ("Mailbox leases held by a live worker", fleet.leases_held),
            "gracemail_lease_takeovers": (
                "Leases claimed from a worker whose lease lapsed, ever",
                fleet.lease_takeovers,
            ),
        }
        for name, (doc, value) in plain.items():
            yield GaugeMetricFamily(name, doc, value=value)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Return the installation's figures in Prometheus' text format (needs the API token)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FleetCollector(request.app.state.store))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
