"""Sign-up and e-mail verification of applicants' accounts (the public site)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tinhso.core.ratelimit import allow, client_ip
from tinhso.directory.accounts import applicant_sign_up, applicant_verify_email

SIGNUPS_PER_HOUR = 10


def signup(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"values": {}, "errors": {}}
    if request.method == "POST":
        context["values"] = request.POST
        if not allow("signup", client_ip(request), limit=SIGNUPS_PER_HOUR, window=3600):
            context["errors"] = {
                "": [_("Quá nhiều lần đăng ký từ địa chỉ này. Vui lòng thử lại sau.")]
            }
        else:
            try:
                applicant_sign_up(
                    kind=request.POST.get("kind", "citizen"),
                    identifier=request.POST.get("identifier", ""),
                    name=request.POST.get("name", ""),
                    email=request.POST.get("email", ""),
                    password=request.POST.get("password", ""),
                    verify_url=lambda token: request.build_absolute_uri(
                        reverse("web:verify_email", args=[token])
                    ),
                )
            except ValidationError as error:
                context["errors"] = error.message_dict
            else:
                return render(request, "web/signup_sent.html", {"email": request.POST.get("email")})
    return render(request, "web/signup.html", context)


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        applicant_verify_email(token=token)
    except ValidationError as error:
        return render(request, "web/verify_failed.html", {"errors": error.messages}, status=400)
    messages.success(request, _("Tài khoản đã được kích hoạt. Mời bạn đăng nhập."))
    return redirect("web:login")
