"""Return of results and intake by the public postal service (Decision 45/2016/QĐ-TTg).

The shipment row is written in the transaction of the dossier action that calls for it; the
postal service is asked after the commit (a task) and again by the periodic job
`dossiers.postal` while it cannot be reached, under the shipment's own reference, which the
service answers idempotently: nothing is lost and nothing is sent twice. Status callbacks are
verified (HMAC), idempotent (by event id) and never move a shipment backwards.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.services import audit_record
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can
from tinhso.dossiers.models import Dossier, Shipment
from tinhso.dossiers.services.common import DossierError
from tinhso.exchange.postal import base as postal
from tinhso.exchange.postal.client import get_service

logger = logging.getLogger(__name__)

DELIVERY_FIELDS = ("name", "phone", "address", "ward", "province")
# Form fields of a declaration that name where the result goes, first match wins.
FORM_KEYS = {
    "name": ("ho_ten_nguoi_nhan", "ho_ten"),
    "phone": ("dien_thoai_nguoi_nhan", "dien_thoai", "so_dien_thoai"),
    "address": ("dia_chi_nhan_ket_qua", "dia_chi_nhan", "dia_chi", "noi_cu_tru"),
    "ward": ("xa_phuong_nhan", "xa_phuong", "phuong_xa"),
    "province": ("tinh_thanh_nhan", "tinh_thanh", "tinh"),
}
MAX_BACKOFF = timedelta(hours=1)
POLL_AFTER = timedelta(hours=6)  # ask for the status of an item silent for this long


class CallbackRefused(Exception):
    """A status callback that is not taken: HTTP status, problem slug, title, detail, field."""

    def __init__(self, status: int, slug: str, title: str, detail: str, field: str = "") -> None:
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail, self.field = (
            status,
            slug,
            title,
            detail,
            field,
        )


def _history(shipment: Shipment, state: str, note: str = "", **extra: str) -> None:
    entry = {"at": timezone.now().isoformat(timespec="seconds"), "state": state, "note": note}
    shipment.history = [*shipment.history, {**entry, **extra}]


def delivery_defaults(dossier: Dossier) -> dict[str, str]:
    """Where the result goes when the official says nothing else: the declaration's address
    fields when the procedure's form has them, else the applicant's own record."""
    form = dossier.form_data or {}
    values = {
        key: next((str(form[k]).strip() for k in keys if str(form.get(k) or "").strip()), "")
        for key, keys in FORM_KEYS.items()
    }
    applicant = dossier.applicant
    unit = applicant.unit
    fallback = {
        "name": applicant.name,
        "phone": applicant.phone,
        "address": applicant.address,
        "ward": unit.name if unit and unit.level == "commune" else "",
        "province": (unit.parent.name if unit.parent else "")
        if unit and unit.level == "commune"
        else (unit.name if unit and unit.level == "province" else ""),
    }
    if not values["address"]:  # an address is taken whole, never mixed from two sources
        values.update(address="", ward="", province="")
    return {k: values[k] or fallback[k] for k in DELIVERY_FIELDS}


def check_delivery(delivery: Mapping[str, str]) -> postal.Recipient:
    """The recipient to write on the item, or DossierError naming each bad field
    (`delivery.<field>`) in Vietnamese."""
    recipient = postal.Recipient(**{k: str(delivery.get(k) or "").strip() for k in DELIVERY_FIELDS})
    errors = postal.check_recipient(recipient)
    if errors:
        raise DossierError({f"delivery.{k}": [v] for k, v in errors.items()})
    phone = postal.normalize_phone(recipient.phone) or recipient.phone
    return postal.Recipient(**{**asdict(recipient), "phone": phone})


def _unpaid_fees(dossier: Dossier) -> int:
    from tinhso.dossiers.fees import payment_request_of  # payments are optional for postal

    request = payment_request_of(dossier)
    return int(request.amount) if request is not None and request.paid_at is None else 0


def result_shipment_create(
    *, dossier: Dossier, delivery: Mapping[str, str] | None, actor: Any
) -> Shipment:
    """In the return action's transaction: the outgoing shipment of the dossier's result, in
    state `to_request`, asked of the postal service after the commit. Unpaid fees are
    collected on delivery (COD). Raises DossierError by field for a bad recipient."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("result_shipment_create must run inside the return action")
    recipient = check_delivery(delivery if delivery is not None else delivery_defaults(dossier))
    shipment = Shipment(
        dossier=dossier,
        direction=Shipment.Direction.RESULT_OUT,
        reference=f"{dossier.code or dossier.pk}-{secrets.token_hex(3).upper()}",
        recipient_name=recipient.name,
        phone=recipient.phone,
        address=recipient.address,
        ward=recipient.ward,
        province=recipient.province,
        description=_("Kết quả giải quyết TTHC, hồ sơ %(code)s") % {"code": dossier.code},
        declared_value=settings.POSTAL_DECLARED_VALUE,
        cod_amount=_unpaid_fees(dossier),
        state=Shipment.State.TO_REQUEST,
    )
    _history(shipment, shipment.state)
    shipment.save()
    audit_record(
        action="dossier.shipment_create",
        obj=dossier,
        actor=actor,
        data={"reference": shipment.reference},
    )
    pk = shipment.pk
    transaction.on_commit(lambda: _enqueue(pk))
    return shipment


@transaction.atomic
def shipment_correct(*, shipment: Shipment, delivery: Mapping[str, str], actor: Any) -> Shipment:
    """An outgoing shipment the postal service refused, corrected by a one-stop officer of the
    dossier's organ: asked again (after the commit) under a new reference. Raises
    PermissionError, DossierError (`shipment`, or `delivery.<field>`)."""
    shipment = (
        Shipment.objects.select_for_update().select_related("dossier__organ").get(pk=shipment.pk)
    )
    if not can(actor, Permission.RECEIVE_DOSSIER, shipment.dossier.organ):
        raise PermissionError(_("Bạn không có quyền trả kết quả của cơ quan này."))
    if (
        shipment.direction != Shipment.Direction.RESULT_OUT
        or shipment.state != Shipment.State.FAILED
    ):
        raise DossierError({"shipment": _("Chỉ sửa được bưu gửi bị bưu chính từ chối.")})
    recipient = check_delivery(delivery)
    shipment.recipient_name, shipment.phone = recipient.name, recipient.phone
    shipment.address, shipment.ward, shipment.province = (
        recipient.address,
        recipient.ward,
        recipient.province,
    )
    shipment.reference = f"{shipment.dossier.code}-{secrets.token_hex(3).upper()}"
    shipment.state = Shipment.State.TO_REQUEST
    shipment.next_attempt_at, shipment.last_error = None, ""
    _history(shipment, shipment.state, _("Sửa địa chỉ, gửi lại yêu cầu."))
    shipment.save()
    audit_record(
        action="dossier.shipment_correct",
        obj=shipment.dossier,
        actor=actor,
        data={"reference": shipment.reference},
    )
    pk = shipment.pk
    transaction.on_commit(lambda: _enqueue(pk))
    return shipment


def _enqueue(pk: int) -> None:
    from tinhso.dossiers.tasks import request_shipment_task

    try:
        request_shipment_task.enqueue(pk)
    except Exception:  # the periodic job asks later; the shipment row is safe either way
        logger.exception("could not enqueue the postal request of shipment %s", pk)


def intake_shipment_record(*, dossier: Dossier, tracking_number: str) -> Shipment:
    """In the counter intake's transaction: the item a dossier came in, by its tracking
    number (any carrier's, so only its length and characters are checked)."""
    number = tracking_number.strip().upper()
    if not number or len(number) > 40 or not number.isalnum():
        raise DossierError(
            {"postal_tracking": [_("Ghi số hiệu bưu gửi trên phong bì (chữ và số, tối đa 40).")]}
        )
    shipment = Shipment(
        dossier=dossier,
        direction=Shipment.Direction.INTAKE_IN,
        reference=f"IN-{dossier.code}",
        tracking_number=number,
        state=Shipment.State.RECEIVED,
    )
    _history(shipment, shipment.state)
    shipment.save()
    return shipment


def _request(shipment: Shipment) -> postal.ShipmentRequest:
    organ = shipment.dossier.organ
    return postal.ShipmentRequest(
        reference=shipment.reference,
        sender_organ=organ.name,
        sender_address=organ.address,
        sender_phone=organ.phone,
        recipient=postal.Recipient(
            name=shipment.recipient_name,
            phone=shipment.phone,
            address=shipment.address,
            ward=shipment.ward,
            province=shipment.province,
        ),
        description=shipment.description,
        declared_value=shipment.declared_value,
        cod_amount=shipment.cod_amount,
        callback_url=settings.POSTAL_CALLBACK_URL,
    )


def shipment_request(*, shipment_id: int, service: postal.PostalService | None = None) -> str:
    """Ask the postal service to carry a `to_request` shipment; idempotent (a shipment in any
    other state is left alone, and the service knows our reference). Never raises for the
    service's faults: unreachable → retried later with backoff; refused → `failed` with the
    reason, for the official to correct. Returns a one-word outcome."""
    shipment = Shipment.objects.select_related("dossier__organ").get(pk=shipment_id)
    if shipment.state != Shipment.State.TO_REQUEST:
        return "skipped"
    try:
        answer = (service or get_service()).create_shipment(_request(shipment))
    except postal.PostalRefused as error:
        reasons = "; ".join(error.errors.values()) or str(error)
        with transaction.atomic():
            shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
            if shipment.state != Shipment.State.TO_REQUEST:
                return "skipped"
            shipment.state = Shipment.State.FAILED
            shipment.last_error = reasons
            shipment.attempts += 1
            _history(shipment, shipment.state, reasons)
            shipment.save()
        logger.warning("postal service refused shipment %s: %s", shipment.reference, reasons)
        return "refused"
    except postal.PostalError as error:  # unreachable, or an answer we cannot read
        with transaction.atomic():
            shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
            shipment.attempts += 1
            shipment.last_error = str(error)[:2000]
            delay = min(timedelta(seconds=30 * 2 ** min(shipment.attempts, 10)), MAX_BACKOFF)
            shipment.next_attempt_at = timezone.now() + delay
            shipment.save(update_fields=["attempts", "last_error", "next_attempt_at", "updated_at"])
        logger.warning("postal service not reached for %s: %s", shipment.reference, error)
        return "retry"
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
        if shipment.state != Shipment.State.TO_REQUEST:
            return "skipped"
        shipment.tracking_number = answer.tracking_number
        shipment.fee = answer.fee
        shipment.attempts += 1
        shipment.last_error = ""
        shipment.next_attempt_at = None
        _apply(shipment, answer.status, note=_("Bưu chính đã nhận yêu cầu."))
        shipment.save()
    return "requested"


_STATE_OF = {
    postal.PostalStatus.ACCEPTED: Shipment.State.ACCEPTED,
    postal.PostalStatus.IN_TRANSIT: Shipment.State.IN_TRANSIT,
    postal.PostalStatus.DELIVERED: Shipment.State.DELIVERED,
    postal.PostalStatus.RETURNED: Shipment.State.RETURNED,
    postal.PostalStatus.CANCELLED: Shipment.State.CANCELLED,
}


def _apply(
    shipment: Shipment, status: postal.PostalStatus, *, note: str = "", event: str = ""
) -> bool:
    """Move the shipment to `status` when it follows its current one; a status out of order
    is kept in the history only. True when the state changed."""
    current = shipment.state
    target = _STATE_OF[status]
    follows = current == Shipment.State.TO_REQUEST or (
        current in {s.value for s in postal.PostalStatus}
        and status in postal.NEXT[postal.PostalStatus(current)]
    )
    if target == current:  # already known (a status read by polling, then its callback)
        _history(shipment, current, note, event=event)
        return False
    if not follows:
        _history(
            shipment,
            current,
            _("Bỏ qua trạng thái %(s)s không theo thứ tự.") % {"s": status.value},
            event=event,
        )
        return False
    shipment.state = target
    _history(shipment, target, note, event=event)
    return True


def status_receive(*, body: bytes, signature: str, remote_addr: str = "") -> tuple[Shipment, bool]:
    """A status callback of the postal service: verified against POSTAL_WEBHOOK_SECRET,
    applied once per event id. Returns the shipment and whether this call changed it. Raises
    CallbackRefused (and logs it) for a bad signature, a malformed body or an unknown
    tracking number."""

    def refuse(status: int, slug: str, title: str, detail: str, field: str = "") -> CallbackRefused:
        logger.warning("postal callback refused (%s) from %s: %s", slug, remote_addr, detail)
        return CallbackRefused(status, slug, title, detail, field)

    if not postal.verify(body, signature, settings.POSTAL_WEBHOOK_SECRET):
        raise refuse(
            401,
            "bad-signature",
            _("Sai chữ ký"),
            _("Chữ ký %(h)s không khớp nội dung.") % {"h": postal.SIGNATURE_HEADER},
        )
    try:
        values = json.loads(body)
    except ValueError:
        values = None
    if not isinstance(values, dict):
        raise refuse(422, "validation", _("Dữ liệu không hợp lệ"), _("Nội dung không phải JSON."))
    for name in ("eventId", "itemCode", "status"):
        valid = isinstance(values.get(name), str) and values[name].strip()
        if name == "status" and valid:
            valid = values[name] in {s.value for s in postal.PostalStatus}
        if not valid:
            message = _("Trường «%(f)s» thiếu hoặc không hợp lệ.") % {"f": name}
            raise refuse(422, "validation", _("Dữ liệu không hợp lệ"), message, name)
    number, event = values["itemCode"].strip(), values["eventId"].strip()
    status = postal.PostalStatus(values["status"])
    note = str(values.get("note") or "")
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update()
            .filter(direction=Shipment.Direction.RESULT_OUT, tracking_number=number)
            .first()
        )
        if shipment is None:
            raise refuse(
                404,
                "unknown-tracking-number",
                _("Không tìm thấy bưu gửi"),
                _("Không có bưu gửi số hiệu %(n)s.") % {"n": number},
                "itemCode",
            )
        if any(e.get("event") == event for e in shipment.history):
            return shipment, False  # the same callback again
        changed = _apply(shipment, status, note=note, event=event)
        shipment.save()
    return shipment, changed


def shipments_send_due(
    *, now: datetime | None = None, service: postal.PostalService | None = None
) -> str:
    """The periodic job: ask for shipments still `to_request` whose retry time has come, and
    ask the status of items the service has been silent about (a lost callback). One line."""
    now = now or timezone.now()
    outcomes: dict[str, int] = {}
    due = Shipment.objects.filter(state=Shipment.State.TO_REQUEST).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    for pk in due.values_list("pk", flat=True)[:200]:
        outcome = shipment_request(shipment_id=pk, service=service)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    silent = Shipment.objects.filter(
        direction=Shipment.Direction.RESULT_OUT,
        state__in=[Shipment.State.ACCEPTED, Shipment.State.IN_TRANSIT],
        updated_at__lte=now - POLL_AFTER,
    )
    for shipment in silent[:200]:
        outcome = shipment_refresh(shipment=shipment, service=service)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())) or "nothing due"


def shipment_refresh(*, shipment: Shipment, service: postal.PostalService | None = None) -> str:
    """Ask the postal service for an item's status and apply what is new."""
    try:
        answer = (service or get_service()).get_status(shipment.tracking_number)
    except postal.PostalError as error:
        logger.warning("postal status of %s not read: %s", shipment.tracking_number, error)
        return "poll_failed"
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment.pk)
        _apply(shipment, answer.status, note=_("Tra cứu trạng thái từ bưu chính."))
        shipment.save()  # also marks it as asked (updated_at)
    return "polled"
