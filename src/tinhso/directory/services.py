"""Writes on officials and applicants. Imports of units and organs are in `imports`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import codes
from tinhso.core.services import audit_record
from tinhso.directory import validators
from tinhso.directory.models import (
    Applicant,
    ApplicantKind,
    Official,
    Organ,
    Role,
    RoleAssignment,
    User,
)


@transaction.atomic
def official_create(
    *,
    username: str,
    full_name: str,
    organ: Organ,
    position: str = "",
    email: str = "",
    roles: Iterable[str] = (Role.SPECIALIST,),
    password: str | None = None,
    actor: Any = None,
) -> Official:
    """Create an official with an account and roles over their own organ.

    Raises ValidationError naming the field (username taken, empty name, unknown role).
    """
    errors: dict[str, str] = {}
    if not full_name.strip():
        errors["full_name"] = _("Họ và tên không được để trống.")
    if not username.strip():
        errors["username"] = _("Tên đăng nhập không được để trống.")
    elif User.objects.filter(username=username).exists():
        errors["username"] = _("Tên đăng nhập «%(u)s» đã có người dùng.") % {"u": username}
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        errors["roles"] = _("Vai trò không có trong danh mục: %(r)s.") % {"r": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)
    user = User(username=username, full_name=full_name.strip(), email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    official = Official.objects.create(user=user, organ=organ, position=position)
    RoleAssignment.objects.bulk_create(
        RoleAssignment(official=official, role=role, organ=organ) for role in roles
    )
    audit_record(action="official.create", obj=official, actor=actor, data={"roles": roles})
    return official


@transaction.atomic
def role_grant(
    *, official: Official, role: str, organ: Organ, include_subtree: bool = False, actor: Any = None
) -> RoleAssignment:
    """Grant `role` over `organ` (and its subtree). Idempotent for the same triple."""
    if role not in Role.values:
        raise ValidationError({"role": _("Vai trò «%(r)s» không có trong danh mục.") % {"r": role}})
    assignment, _created = RoleAssignment.objects.update_or_create(
        official=official, role=role, organ=organ, defaults={"include_subtree": include_subtree}
    )
    audit_record(
        action="official.grant",
        obj=official,
        actor=actor,
        data={"role": role, "organ": organ.pk, "include_subtree": include_subtree},
    )
    return assignment


def applicant_identifier_check(kind: str, identifier: str) -> str:
    """The normalised identifier of an applicant of `kind`, or ValidationError on `identifier`."""
    if kind == ApplicantKind.CITIZEN:
        return validators.validate_cccd(identifier, field="identifier")
    if kind == ApplicantKind.BUSINESS:
        return validators.validate_tax_code(identifier, field="identifier")
    raise ValidationError({"kind": _("Loại người nộp phải là công dân hoặc tổ chức.")})


@transaction.atomic
def applicant_register(
    *,
    kind: str,
    identifier: str,
    name: str,
    birth_date: date | None = None,
    email: str = "",
    phone: str = "",
    address: str = "",
    actor: Any = None,
) -> Applicant:
    """Register a citizen (by CCCD) or a business (by tax code).

    For a citizen the birth year and sex come from the CCCD; a given birth date must agree.
    Raises ValidationError naming the field: malformed or taken identifier, empty name.
    """
    errors: dict[str, list[str]] = {}
    number = ""
    try:
        number = applicant_identifier_check(kind, identifier)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not name.strip():
        errors.setdefault("name", []).append(_("Họ tên / tên tổ chức không được để trống."))
    if number and Applicant.objects.filter(identifier=number).exists():
        errors.setdefault("identifier", []).append(
            _("Mã định danh «%(i)s» đã được đăng ký.") % {"i": number}
        )
    sex = ""
    if number and kind == ApplicantKind.CITIZEN:
        parsed = codes.validate_cccd(number)
        sex = parsed.sex
        if birth_date and birth_date.year != parsed.birth_year:
            errors.setdefault("birth_date", []).append(
                _("Năm sinh không khớp với số CCCD (%(y)s).") % {"y": parsed.birth_year}
            )
    if errors:
        raise ValidationError(errors)
    applicant = Applicant.objects.create(
        kind=kind,
        identifier=number,
        name=name.strip(),
        birth_date=birth_date,
        sex=sex,
        email=email,
        phone=phone,
        address=address,
    )
    audit_record(action="applicant.register", obj=applicant, actor=actor)
    return applicant


@transaction.atomic
def applicant_verify_eid(*, applicant: Applicant, actor: Any = None) -> Applicant:
    """Record that the applicant's electronic identity was verified (idempotent)."""
    if applicant.eid_verified_at is None:
        applicant.eid_verified_at = timezone.now()
        applicant.save(update_fields=["eid_verified_at"])
        audit_record(action="applicant.verify_eid", obj=applicant, actor=actor)
    return applicant
