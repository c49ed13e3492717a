"""Background work of dossiers (Django Tasks)."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from tinhso.dossiers.deadlines import watch_deadlines


@task()
def watch_deadlines_task(at: str | None = None) -> dict[str, int]:
    """Run the deadline watch (see `deadlines.watch_deadlines`) as of `at`, an ISO 8601
    moment with its offset, or now. Idempotent: alerts already given are not given again."""
    return watch_deadlines(datetime.fromisoformat(at) if at else None).as_dict()


@task()
def request_shipment_task(shipment_id: int) -> str:
    """Ask the postal service to carry one shipment (see `services.postal.shipment_request`).
    Idempotent: a shipment already requested is left alone."""
    from tinhso.dossiers.services.postal import shipment_request

    return shipment_request(shipment_id=shipment_id)
