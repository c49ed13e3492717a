"""The back office of payments (issue 6, item 3): the payment requests and payments of the
organs in the official's scope with their history, the receipts, and the daily
reconciliation per organ (HTML and Excel). Thin: `selectors` and `reconciliation` decide.

Who sees what: anonymous users are sent to sign in; a signed-in user without
`Action.VIEW_PAYMENTS` anywhere is refused (403); a request, receipt or organ outside the
official's scope is not found (404), so nobody learns it exists.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from tinhso.directory.models import Organ
from tinhso.payments import selectors
from tinhso.payments.gateways import gateway_names, get_gateway
from tinhso.payments.models import STATE_LABELS
from tinhso.payments.reconciliation import daily_report, day_bounds, request_state
from tinhso.payments.reconciliation_excel import report_workbook
from tinhso.payments.states import PaymentState
from tinhso.payments.views import pdf_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATES = (
    ("paid", gettext_lazy("Đã thanh toán")),
    ("unpaid", gettext_lazy("Chờ thanh toán")),
    ("expired", gettext_lazy("Hết hạn")),
)


def _parse_day(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {name: _("Ngày không hợp lệ: «%(value)s» (cần dạng YYYY-MM-DD).") % {"value": value}}
        ) from None


def _require(request: HttpRequest) -> None:
    if not selectors.may_see_payments(request.user):
        raise PermissionDenied(_("Bạn không có quyền xem thông tin thanh toán."))


def _organ(request: HttpRequest, value: str) -> Organ | None:
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError({"organ": _("Cơ quan không hợp lệ.")})
    organ = selectors.payment_organs(request.user).filter(pk=int(value)).first()
    if organ is None:
        raise ValidationError({"organ": _("Cơ quan không có trong phạm vi của bạn.")})
    return organ


@never_cache
@login_required
def payment_list(request: HttpRequest) -> HttpResponse:
    _require(request)
    get = request.GET
    errors: dict[str, list[str]] = {}
    filters: dict[str, object] = {}
    for name, parse in (
        ("organ", lambda v: _organ(request, v)),
        ("first", lambda v: _parse_day(v, "from")),
        ("last", lambda v: _parse_day(v, "to")),
    ):
        key = {"first": "from", "last": "to"}.get(name, name)
        try:
            filters[name] = parse(get.get(key, ""))
        except ValidationError as error:
            errors.update(error.message_dict)
    state = get.get("state", "")
    if state and state not in dict(STATES):
        errors["state"] = [_("Trạng thái không hợp lệ.")]
        state = ""
    gateway = get.get("gateway", "")
    if gateway and gateway not in gateway_names():
        errors["gateway"] = [_("Cổng thanh toán không hợp lệ.")]
        gateway = ""
    found = selectors.requests_for_official(
        request.user,
        state=state,
        gateway=gateway,
        text=get.get("q", "").strip()[:60],
        **filters,  # type: ignore[arg-type]
    )
    page = Paginator(found, 50).get_page(get.get("page"))
    query = get.copy()
    query.pop("page", None)
    return render(
        request,
        "payments/backoffice/list.html",
        {
            "page": page,
            "errors": errors,
            "organs": selectors.payment_organs(request.user).order_by("tree_path"),
            "states": STATES,
            "gateways": [(name, get_gateway(name).label) for name in gateway_names()],
            "chosen": filters.get("organ"),
            "state": state,
            "gateway": gateway,
            "page_query": query.urlencode(),
            "now": timezone.now(),
        },
    )


@never_cache
@login_required
def payment_detail(request: HttpRequest, reference: str) -> HttpResponse:
    _require(request)
    payment_request = selectors.request_for_official(request.user, reference)
    if payment_request is None:
        raise Http404(_("Không có yêu cầu thanh toán này."))
    return render(
        request,
        "payments/backoffice/detail.html",
        {
            "req": payment_request,
            "payments": selectors.payments_with_history(payment_request),
            "state": request_state(payment_request, timezone.now()),
        },
    )


@never_cache
@login_required
def receipt_download(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    receipt = selectors.receipt_for_official(request.user, pk)
    if receipt is None:
        raise Http404(_("Không có biên lai này."))
    return pdf_response(receipt)


def _report_args(request: HttpRequest, organ_value: str) -> tuple[Organ, date, bool]:
    """The organ (in scope) and day asked for; ValidationError by field."""
    organ = _organ(request, organ_value)
    if organ is None:
        raise ValidationError({"organ": _("Chọn cơ quan.")})
    day = _parse_day(request.GET.get("date", ""), "date") or timezone.localdate()
    return organ, day, request.GET.get("check", "1") != "0"


@never_cache
@login_required
def report(request: HttpRequest) -> HttpResponse:
    _require(request)
    organs = selectors.payment_organs(request.user).order_by("tree_path")
    context: dict[str, object] = {"organs": organs, "errors": {}, "report": None}
    organ_value = request.GET.get("organ", "")
    if not organ_value and organs.count() == 1:
        organ_value = str(organs.get().pk)  # one organ in scope: its report at once
    if organ_value:
        try:
            organ, day, check = _report_args(request, organ_value)
        except ValidationError as error:
            context["errors"] = error.message_dict
        else:
            result = daily_report(organ=organ, day=day, check_gateway=check)
            day_end = day_bounds(day)[1]
            context.update(
                report=result,
                day=day,
                chosen=organ,
                check=check,
                requests=[(r, request_state(r, day_end)) for r in result.requests],
                totals=[
                    (gateway, STATE_LABELS[PaymentState(state)], total)
                    for (gateway, state), total in result.by_gateway_state.items()
                ],
                excel_query=f"organ={organ.pk}&date={day.isoformat()}&check={int(check)}",
            )
    return render(request, "payments/backoffice/report.html", context)


@never_cache
@login_required
def report_excel(request: HttpRequest) -> HttpResponse:
    _require(request)
    try:
        organ, day, check = _report_args(request, request.GET.get("organ", ""))
    except ValidationError as error:
        return HttpResponse(
            " ".join(error.messages), status=400, content_type="text/plain; charset=utf-8"
        )
    result = daily_report(organ=organ, day=day, check_gateway=check)
    response = HttpResponse(report_workbook(result), content_type=XLSX)
    name = f"doi-soat-thanh-toan-{organ.pk}-{day:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
