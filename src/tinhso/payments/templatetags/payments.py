from django import template

from tinhso.payments.fees import format_vnd

register = template.Library()


@register.filter
def vnd(value: int | None) -> str:
    """`1234567` → `1.234.567 đ`."""
    return "" if value is None else format_vnd(int(value))
