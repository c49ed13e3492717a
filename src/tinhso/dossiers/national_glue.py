"""The dossier's side of the national public-service portal (DVCQG, domain.md §10).

Every dossier action writes one history row through `services.common.record`, which calls the
listener registered in `DossiersConfig.ready` (`on_event`); it queues, in the action's own
transaction, the portal pushes the action calls for:

- a dossier push (`DongBoHoSoMC`) at intake, at a supplement request or supplement, at the
  result, the return and every end (refusal, withdrawal), and when the fee is paid, carrying
  the files, fees with the payment status, result files and supplement list as they are then;
- a progress push (`CapNhatTienDoHoSoMC`) for every action of a dossier that has a code.

A dossier gets its code at intake, so an online filing waiting for intake pushes nothing yet.
Indicator 1.4 counts a dossier as synchronised once the portal accepted a dossier push of it
(`statistics.definitions.synchronised`, also behind `synchronised_share`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation

from tinhso.core.reporting import Rate
from tinhso.dossiers.models import Attachment, Dossier, DossierEvent
from tinhso.dossiers.states import Action, State
from tinhso.dossiers.templatetags.dossier_tags import ACTION_LABELS
from tinhso.exchange.national import population, protocol, queue
from tinhso.exchange.national.models import NationalPush

logger = logging.getLogger(__name__)

# Actions after which the portal's copy of the dossier itself is refreshed.
DOSSIER_PUSH_ACTIONS = frozenset(
    {
        Action.RECEIVE,
        Action.REQUEST_SUPPLEMENT,
        Action.SUPPLEMENT,
        Action.REGISTER_RESULT,
        Action.RETURN_RESULT,
        Action.REFUSE,
        Action.REFUSE_INTAKE,
        Action.WITHDRAW,
    }
)
APPLICANT_KIND = {"citizen": 1, "business": 2}


def status_code(state: str) -> int:
    """The portal's status code (1–10) of a local state, from NATIONAL_PORTAL_STATUS_MAP."""
    try:
        code = int(settings.NATIONAL_PORTAL_STATUS_MAP[State(state).value])
    except (KeyError, ValueError, TypeError):
        raise ImproperlyConfigured(
            f"NATIONAL_PORTAL_STATUS_MAP has no valid status code for dossier state {state!r}"
        ) from None
    if code not in protocol.STATUS_CODES:
        raise ImproperlyConfigured(f"NATIONAL_PORTAL_STATUS_MAP: {code} for {state!r} is not 1–10")
    return code


def status_map_complete(app_configs: Any = None, **kwargs: Any) -> list[checks.Error]:
    """dossiers.E001 (a system check, registered in DossiersConfig.ready): every dossier state
    but the draft (never pushed) has a portal status code 1–10 in NATIONAL_PORTAL_STATUS_MAP,
    so a gap in the mapping stops `migrate` and `check` at deployment instead of an
    official's action later."""
    errors = []
    for state in State:
        if state == State.DRAFT:
            continue
        try:
            status_code(state.value)
        except ImproperlyConfigured as problem:
            errors.append(
                checks.Error(
                    str(problem),
                    hint="Map every dossier state to the portal's status code 1–10.",
                    id="dossiers.E001",
                )
            )
    return errors


def _files(dossier: Dossier, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {
            "TenTepDinhKem": a.original_name,
            "LoaiTep": a.content_type,
            "DungLuong": a.size,
            "MaBam": a.sha256,
            "MaThanhPhanHoSo": str(a.required_document_id or ""),
        }
        for a in dossier.attachments.filter(kind__in=kinds).order_by("pk")
    ]


def _fees(dossier: Dossier) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The fee lines and the payment status (payments' PaymentRequest of the dossier)."""
    from tinhso.dossiers.fees import payment_request_of

    request = payment_request_of(dossier)
    if request is None:
        lines = [
            {"TenPhiLePhi": f.name, "MucPhi": f.amount, "LoaiPhiLePhi": f.kind}
            for f in dossier.procedure.fees.order_by("pk")
        ]
        return lines, {"TrangThaiThanhToan": 0, "HinhThucThanhToan": "truc-tiep"}
    lines = [
        {"TenPhiLePhi": line["name"], "MucPhi": line["amount"], "CanCu": line["legal_basis"]}
        for line in request.lines
    ]
    paid = request.payments.filter(state="paid").first()
    payment = {
        "MaYeuCauThanhToan": request.reference,
        "TongTien": request.amount,
        "TrangThaiThanhToan": 1 if request.paid_at else 0,
        "NgayThanhToan": protocol.format_date(request.paid_at),
        "HinhThucThanhToan": "truc-tuyen",
        "KenhThanhToan": paid.gateway if paid else "",
        "MaGiaoDich": paid.gateway_txn_no if paid else "",
    }
    return lines, payment


def dossier_data(dossier: Dossier) -> dict[str, Any]:
    """The dossier push's fields (domain.md §10). Needs a dossier with a code."""
    fees, payment = _fees(dossier)
    supplements = [
        {
            "NgayYeuCauBoSung": protocol.format_date(e.at),
            "NoiDungBoSung": e.note,
            "NgayBoSung": "",
        }
        for e in dossier.events.filter(action=Action.REQUEST_SUPPLEMENT).order_by("at", "pk")
    ]
    done = dossier.events.filter(action=Action.SUPPLEMENT).order_by("at", "pk")
    for item, event in zip(supplements, done, strict=False):
        item["NgayBoSung"] = protocol.format_date(event.at)
    procedure = dossier.procedure
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": procedure.code,
        "TenTTHC": procedure.name,
        "MaLinhVuc": procedure.field.code,
        "TenLinhVuc": procedure.field.name,
        "ChuHoSo": dossier.applicant.name,
        "LoaiDoiTuong": APPLICANT_KIND.get(dossier.applicant.kind, 1),
        "MaDoiTuong": dossier.applicant.identifier,
        "NgayTiepNhan": protocol.format_date(dossier.received_at or dossier.submitted_at),
        "NgayHenTra": protocol.format_date(dossier.due_at),
        "TrangThaiHoSo": status_code(dossier.state),
        "NgayTra": protocol.format_date(dossier.finished_at),
        "HinhThuc": int(dossier.channel),
        "DonViXuLy": dossier.organ.identifier() or "",
        "TenDonViXuLy": dossier.organ.name,
        "TaiLieuNop": _files(dossier, (Attachment.Kind.SUBMITTED, Attachment.Kind.SUPPLEMENT)),
        "DanhSachGiayToKetQua": _files(dossier, (Attachment.Kind.RESULT,)),
        "DanhSachLePhi": fees,
        "ThanhToan": payment,
        "DanhSachHoSoBoSung": supplements,
    }


def progress_data(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    """The progress push's fields for one history row."""
    actor = event.actor
    official = getattr(actor, "official", None) if actor is not None else None
    with translation.override("vi"):
        label = str(ACTION_LABELS.get(event.action, event.action))
    organ = event.organ or dossier.organ
    return {
        "MaHoSo": dossier.code,
        "NguoiXuLy": (getattr(actor, "full_name", "") or str(actor)) if actor else "Hệ thống",
        "ChucDanh": official.position if official else "",
        "ThoiDiemXuLy": protocol.format_date(event.at),
        "PhongBanXuLy": organ.name,
        "NoiDungXuLy": f"{label}: {event.note}" if event.note else label,
        "TrangThai": status_code(event.to_state),
        "NgayBatDau": protocol.format_date(dossier.received_at),
        "NgayKetThucTheoQuyDinh": protocol.format_date(event.step_due_at or dossier.due_at),
    }


def push_dossier(dossier: Dossier, *, reason: str) -> NationalPush | None:
    """Queue a dossier push of `dossier` as it is now (in the caller's transaction)."""
    if not dossier.code:
        return None
    return queue.enqueue(
        kind=NationalPush.Kind.DOSSIER,
        message_id=protocol.message_id("dossier", dossier.code, reason),
        data=dossier_data(dossier),
        source_ref=f"dossier:{dossier.pk}",
    )


def on_event(dossier: Dossier, event: DossierEvent) -> None:
    """The listener `services.common.record` calls inside every dossier action."""
    if not dossier.code:  # filed online, not received yet: the portal knows no MaHoSo
        return
    if event.action in DOSSIER_PUSH_ACTIONS:
        push_dossier(dossier, reason=f"event:{event.pk}")
    queue.enqueue(
        kind=NationalPush.Kind.PROGRESS,
        message_id=protocol.message_id("progress", dossier.code, event.pk),
        data=progress_data(dossier, event),
        source_ref=f"dossier:{dossier.pk}",
    )


@transaction.atomic
def backfill(*, limit: int = 1000) -> int:
    """Queue the pushes of dossiers with a code that the portal was never told of (those
    loaded in bulk, or received before the adapter): for each, up to `limit`, the dossier as it
    is now, then one progress push per history row, with the message ids the live hooks use,
    so a second run, or a dossier already pushed, adds nothing. Returns the dossiers queued."""
    queued = NationalPush.objects.filter(kind=NationalPush.Kind.DOSSIER).values("dossier_code")
    dossiers = (
        Dossier.objects.exclude(code__isnull=True)
        .exclude(code__in=queued)
        .select_related("procedure__field", "applicant", "organ")
        .order_by("received_at", "pk")[:limit]
    )
    count = 0
    for dossier in dossiers:
        push_dossier(dossier, reason="backfill")
        for event in dossier.events.select_related("actor", "organ").order_by("at", "pk"):
            if event.action == Action.SUBMIT:
                continue  # before intake: no MaHoSo then
            queue.enqueue(
                kind=NationalPush.Kind.PROGRESS,
                message_id=protocol.message_id("progress", dossier.code, event.pk),
                data=progress_data(dossier, event),
                source_ref=f"dossier:{dossier.pk}",
            )
        count += 1
    return count


def also_push_when_paid(handler: Callable[[Any], None]) -> Callable[[Any], None]:
    """Wrap the dossiers' "paid" handler: the portal's copy gets the payment status too."""

    def paid(request: Any) -> None:
        handler(request)
        dossier = Dossier.objects.get(pk=request.source_id)
        push_dossier(dossier, reason=f"paid:{request.reference}")

    return paid


def synchronised_share(*, dossiers: QuerySet[Dossier]) -> Rate:
    """Indicator 1.4 over any set of dossiers: of `dossiers` (those with a code), how many
    the national portal accepted a dossier push of, with the one condition the statistics
    count (`statistics.definitions.synchronised`; the dashboard's figure is
    `i14_synchronised` over the dossiers received in the period)."""
    from tinhso.dossiers.statistics.definitions import synchronised

    with_code = dossiers.exclude(code__isnull=True)
    return Rate(
        numerator=with_code.filter(synchronised()).count(),
        denominator=with_code.count(),
    )


# Form fields the national population database can fill, by the catalogue's field names.
PREFILL_FIELDS = {
    "ho_ten": "name",
    "so_dinh_danh": "cccd",
    "ngay_sinh": "birth_date",
    "gioi_tinh": "sex",
    "dia_chi": "permanent_address",
    "dia_chi_thuong_tru": "permanent_address",
    "noi_thuong_tru": "permanent_address",
}
SEX_WORDS = {"male": "Nam", "female": "Nữ"}


def prefill_from_population(*, applicant: Any, fields: list[Any]) -> dict[str, str]:
    """Once-only: the values of the form's `fields` the national population database knows
    about the signed-in citizen `applicant`, looked up by their own CCCD (never a number
    typed in a request). {} for a business, an unknown or malformed number, or when the
    database cannot answer (the citizen then types as before)."""
    if applicant.kind != "citizen":
        return {}
    try:
        citizen = population.lookup_citizen(applicant.identifier)
    except population.PopulationError as error:
        logger.info("population prefill skipped for applicant %s: %s", applicant.pk, error)
        return {}
    values: dict[str, str] = {}
    for field in fields:
        attribute = PREFILL_FIELDS.get(field.name)
        value = getattr(citizen, attribute, None) if attribute else None
        if not value:
            continue
        if attribute == "birth_date":
            text = value.isoformat() if field.format == "date" else value.strftime("%d/%m/%Y")
        elif attribute == "sex":
            text = SEX_WORDS[value]
            if field.choices and text not in field.choices:
                continue
        else:
            text = str(value)
        values[field.name] = text
    return values
