"""The applicant's payment pages: see a request, start paying, the return from the gateway."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.core.ratelimit import client_ip
from tinhso.directory.models import Applicant
from tinhso.payments import selectors, services
from tinhso.payments.gateways import gateway_names, get_gateway
from tinhso.payments.models import PaymentRequest, Receipt
from tinhso.payments.receipts import receipt_content


def _own(request: HttpRequest, reference: str) -> PaymentRequest:
    applicant = Applicant.objects.filter(user=request.user).first()
    if applicant is None:
        raise PermissionDenied(_("Tài khoản này không gắn với người nộp hồ sơ."))
    found = selectors.requests_of_applicant(applicant=applicant).filter(reference=reference)
    payment_request = found.first()
    if payment_request is None:
        raise Http404(_("Không có yêu cầu thanh toán này."))
    return payment_request


def pdf_response(receipt: Receipt) -> HttpResponse:
    response = HttpResponse(receipt_content(receipt), content_type="application/pdf")
    name = f"bien-lai-{receipt.series}-{receipt.number:07d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    payment_request = _own(request, reference)
    return render(
        request,
        "payments/request.html",
        {
            "req": payment_request,
            "payments": payment_request.payments.order_by("-created_at"),
            "gateways": [(name, get_gateway(name).label) for name in gateway_names()],
            "expired": payment_request.expires_at <= timezone.now(),
            "receipt": selectors.receipt_for_applicant(payment_request.applicant, reference),
        },
    )


@require_POST
@login_required
def start(request: HttpRequest, reference: str) -> HttpResponse:
    payment_request = _own(request, reference)
    gateway = request.POST.get("gateway", "")
    try:
        _payment, url = services.payment_start(
            request=payment_request,
            gateway=gateway,
            client_ip=client_ip(request),
            return_url=request.build_absolute_uri(
                reverse("payments:return", kwargs={"gateway": gateway or "card"})
            ),
            notify_url=request.build_absolute_uri(reverse("api-v1:payment_notify_paygov")),
            actor=request.user,
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("payments:request", reference=reference)
    return redirect(url)


def gateway_return(request: HttpRequest, gateway: str) -> HttpResponse:
    """Where the gateway sends the browser back. Signed parameters are checked, and the
    state shown is the platform's own (settled by notification or by query)."""
    if gateway not in gateway_names():
        raise Http404
    payment = services.payment_return(gateway=gateway, params=request.GET.dict())
    return render(request, "payments/return.html", {"payment": payment}, status=200)


@login_required
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """The applicant's receipt of their paid request (PDF; signed, or printed as unsigned)."""
    payment_request = _own(request, reference)
    found = selectors.receipt_for_applicant(payment_request.applicant, reference)
    if found is None:
        raise Http404(
            _("Yêu cầu này chưa có biên lai (chưa thanh toán, hoặc biên lai đang được lập).")
        )
    return pdf_response(found)
