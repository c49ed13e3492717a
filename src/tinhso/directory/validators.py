"""Django validators over the pure code checks, with Vietnamese messages naming the field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import codes


def _messages() -> dict[tuple[str, str], str]:
    # Built per call so that the active language is used.
    return {
        ("cccd", "digits"): _("Số CCCD chỉ được gồm chữ số."),
        ("cccd", "length"): _("Số CCCD phải có đúng 12 chữ số."),
        ("cccd", "province"): _(
            "Ba chữ số đầu của số CCCD phải là mã tỉnh nơi đăng ký khai sinh (001–096)."
        ),
        ("cccd", "birth_year"): _("Năm sinh ghi trong số CCCD chưa đến."),
        ("tax_code", "format"): _(
            "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số "
            "của đơn vị phụ thuộc."
        ),
        ("tax_code", "check_digit"): _("Mã số thuế sai chữ số kiểm tra (chữ số thứ 10)."),
        ("tax_code", "branch"): _("Mã đơn vị phụ thuộc của mã số thuế không được là 000."),
        ("qcvn102", "format"): _(
            "Mã định danh QCVN 102 phải có dạng 000.00.00.H00 (ví dụ 000.00.00.H49)."
        ),
        ("qcvn102", "gap"): _(
            "Mã định danh QCVN 102 không được có cấp dưới khi cấp trên còn để trống."
        ),
        ("decision20", "format"): _(
            "Mã định danh theo Quyết định 20/2020 chỉ gồm chữ in hoa, chữ số và dấu chấm "
            "giữa các nhóm (ví dụ H37.02.02)."
        ),
        ("decision20", "length"): _("Mã định danh theo Quyết định 20/2020 dài tối đa 35 ký tự."),
        ("unit_code", "format"): _(
            "Mã đơn vị hành chính phải gồm 2 (tỉnh), 3 (huyện) hoặc 5 (xã) chữ số."
        ),
    }


def _raise(scheme: str, error: codes.CodeError, field: str | None) -> None:
    message = _messages()[(scheme, error.code)]
    if field:
        raise ValidationError({field: message}, code=f"{scheme}_{error.code}")
    raise ValidationError(message, code=f"{scheme}_{error.code}")


def validate_cccd(value: str, field: str | None = None) -> str:
    try:
        return codes.validate_cccd(value, today=timezone.localdate()).number
    except codes.CodeError as error:
        _raise("cccd", error, field)
        raise


def validate_tax_code(value: str, field: str | None = None) -> str:
    try:
        return codes.validate_tax_code(value)
    except codes.CodeError as error:
        _raise("tax_code", error, field)
        raise


def validate_qcvn102(value: str, field: str | None = None) -> str:
    try:
        return codes.validate_qcvn102(value).value
    except codes.CodeError as error:
        _raise("qcvn102", error, field)
        raise


def validate_decision20(value: str, field: str | None = None) -> str:
    try:
        return codes.validate_decision20(value)
    except codes.CodeError as error:
        _raise("decision20", error, field)
        raise


def validate_unit_code(value: str, field: str | None = None) -> str:
    try:
        return codes.validate_unit_code(value)
    except codes.CodeError as error:
        _raise("unit_code", error, field)
        raise


def validate_organ_identifier(value: str, field: str | None = None) -> str:
    """Either scheme: QCVN 102 when it looks like one, Decision 20 otherwise."""
    if value.count(".") == 3 and value.strip()[:3].isdigit():
        return validate_qcvn102(value, field)
    return validate_decision20(value, field)
