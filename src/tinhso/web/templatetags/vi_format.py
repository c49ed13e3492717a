"""Template filters for Vietnamese figures: `{{ 986|percent_of:1000 }}` → 98,6%."""

from django import template

from tinhso.core.formats import format_number, format_percent

register = template.Library()


@register.filter
def percent_of(numerator: int, denominator: int) -> str:
    try:
        return format_percent(int(numerator), int(denominator))
    except ZeroDivisionError:
        return "—"


@register.filter
def number_vi(value: int) -> str:
    return format_number(int(value))


@register.filter
def get_item(mapping: object, key: str) -> object:
    """`{{ values|get_item:name }}`: a dictionary lookup by a variable key."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def doc_errors(errors: object, document_pk: int) -> object:
    """The errors of the file input of one required document (`document_<pk>`)."""
    return errors.get(f"document_{document_pk}", []) if isinstance(errors, dict) else []


@register.filter
def getlist(query: object, key: str) -> list[str]:
    """`{{ request.POST|getlist:"documents" }}`: every value of a multi-valued form field."""
    return query.getlist(key) if hasattr(query, "getlist") else []
