"""What dossiers tell applicants and officials, through the notifications app.

Each function builds the message context of one event and calls `notifications.services.notify`
inside the caller's transaction: the log rows are written with the dossier action and the
sending is enqueued on commit. Keys name each occurrence ("dossier:12:received"), so announcing
it twice sends once. The notifications app never imports dossiers; it gets the dossier as the
plain reference "dossier:<pk>".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tinhso.directory.models import Official
from tinhso.dossiers.models import Dossier
from tinhso.notifications.models import Notification
from tinhso.notifications.services import Recipient, notify


def ref(dossier: Dossier) -> str:
    return f"dossier:{dossier.pk}"


def _context(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "organ": dossier.organ.name,
        "applicant": dossier.applicant.name,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "resolved_at": dossier.resolved_at,
    }


def _applicant(dossier: Dossier) -> list[Recipient]:
    applicant = dossier.applicant
    return [Recipient(name=applicant.name, email=applicant.email, phone=applicant.phone)]


def _official(official: Official) -> Recipient:
    return Recipient(name=str(official.user), email=official.user.email)


def dossier_received(dossier: Dossier) -> list[Notification]:
    """The receipt (giấy tiếp nhận và hẹn trả kết quả): code and promised date."""
    return notify(
        event="dossier_received",
        key=f"{ref(dossier)}:received",
        recipients=_applicant(dossier),
        context=_context(dossier),
        ref=ref(dossier),
    )


def supplement_requested(dossier: Dossier, note: str) -> list[Notification]:
    """The request to supplement (phiếu yêu cầu bổ sung) with its reason; one per request."""
    return notify(
        event="supplement_requested",
        key=f"{ref(dossier)}:supplement:{dossier.supplement_requests}",
        recipients=_applicant(dossier),
        context={**_context(dossier), "reason": note, "requested_at": dossier.paused_since},
        ref=ref(dossier),
    )


def result_ready(dossier: Dossier) -> list[Notification]:
    """The result is ready to be collected."""
    return notify(
        event="result_ready",
        key=f"{ref(dossier)}:result_ready",
        recipients=_applicant(dossier),
        context=_context(dossier),
        ref=ref(dossier),
    )


def dossier_late(
    dossier: Dossier, *, new_due_at: datetime | None = None, reason: str = ""
) -> list[Notification]:
    """The apology letter (phiếu xin lỗi và hẹn lại ngày trả kết quả) when the dossier went
    past its due date; it names the new promised date when one is known."""
    return notify(
        event="dossier_late",
        key=f"{ref(dossier)}:late",
        recipients=_applicant(dossier),
        context={**_context(dossier), "new_due_at": new_due_at, "reason": reason},
        ref=ref(dossier),
    )


def deadline_alert(
    dossier: Dossier,
    *,
    kind: str,
    step_key: str,
    step_name: str,
    due: datetime,
    officials: Iterable[Official],
) -> list[Notification]:
    """Tell `officials` that the step `step_key` (or the whole dossier when empty) is due soon
    or overdue (`kind`: "due_soon" or "overdue")."""
    assignee = dossier.assignee
    return notify(
        event=f"deadline_{kind}",
        key=f"{ref(dossier)}:alert:{step_key or '*'}:{kind}",
        recipients=[_official(o) for o in officials],
        context={
            **_context(dossier),
            "step_name": step_name,
            "step_organ": (dossier.step_organ or dossier.organ).name,
            "due": due,
            "assignee": str(assignee.user) if assignee else "",
        },
        ref=ref(dossier),
    )


def result_issued(dossier: Dossier, *, link: str = "") -> list[Notification]:
    """The signed electronic result is in the applicant's account: a link to the dossier
    page, never the file (one message per dossier however often it is signed again)."""
    return notify(
        event="result_issued",
        key=f"{ref(dossier)}:result_issued",
        recipients=_applicant(dossier),
        context={**_context(dossier), "link": link},
        ref=ref(dossier),
    )
