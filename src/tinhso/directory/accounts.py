"""Applicants' own accounts: sign-up by identity number and e-mail, verified by a signed link.

The username is the identity number (CCCD or tax code), the one electronic identifier every
service uses. An account stays inactive, and cannot sign in, until its e-mail is verified.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core.services import audit_record
from tinhso.directory.models import Applicant, User
from tinhso.directory.services import applicant_identifier_check

VERIFY_SALT = "tinhso.directory.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


@transaction.atomic
def applicant_sign_up(
    *, kind: str, identifier: str, name: str, email: str, password: str, verify_url: Any
) -> User:
    """Create an inactive account for an applicant (new or already known at the counter) and
    send the verification link (`verify_url(token)` builds its absolute address).

    Raises ValidationError naming each bad field; writes nothing then.
    """
    errors: dict[str, list[str]] = {}
    number = ""
    try:
        number = applicant_identifier_check(kind, identifier)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not name.strip():
        errors["name"] = [_("Họ tên / tên tổ chức không được để trống.")]
    email = email.strip().lower()
    if "@" not in email or "." not in email.rsplit("@", 1)[-1]:
        errors["email"] = [_("Địa chỉ thư điện tử không hợp lệ.")]
    elif User.objects.filter(email__iexact=email, is_active=True).exists():
        errors["email"] = [_("Địa chỉ thư điện tử này đã được dùng cho tài khoản khác.")]
    applicant = Applicant.objects.filter(identifier=number).first() if number else None
    if applicant is not None and applicant.user_id is not None:
        errors["identifier"] = [_("Mã định danh này đã có tài khoản. Hãy đăng nhập.")]
    try:
        validate_password(password, User(username=number, email=email, full_name=name))
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    User.objects.filter(username=number, is_active=False).delete()  # an earlier, unverified try
    user = User(username=number, email=email, full_name=name.strip(), is_active=False)
    user.set_password(password)
    user.save()
    if applicant is None:
        applicant = Applicant(kind=kind, identifier=number, name=name.strip())
    applicant.user = user
    applicant.email = email
    applicant.save()
    audit_record(action="applicant.sign_up", obj=applicant, actor=user)
    token = signing.dumps({"u": user.pk, "e": email}, salt=VERIFY_SALT)
    link = verify_url(token)
    transaction.on_commit(
        lambda: send_mail(
            _("Xác thực địa chỉ thư điện tử"),
            _(
                "Chào %(name)s,\n\nMở liên kết sau để kích hoạt tài khoản dịch vụ công:\n"
                "%(link)s\n\nLiên kết có hiệu lực trong 3 ngày."
            )
            % {"name": user.full_name, "link": link},
            None,
            [email],
        )
    )
    return user


@transaction.atomic
def applicant_verify_email(*, token: str) -> User:
    """Activate the account the token was issued for. Raises ValidationError("token")."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError({"token": _("Liên kết đã hết hạn. Hãy đăng ký lại.")}) from error
    except signing.BadSignature as error:
        raise ValidationError({"token": _("Liên kết không hợp lệ.")}) from error
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise ValidationError({"token": _("Liên kết không hợp lệ.")})
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(action="applicant.verify_email", obj=user, actor=user)
    return user
