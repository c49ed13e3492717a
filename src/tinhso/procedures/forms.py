"""Declaration forms described by JSON Schema: check the schema, list its fields for the
HTML renderer, and validate submitted data with Vietnamese messages naming each field.

The supported subset is a flat object whose properties are strings (optionally `enum`,
`format` date or email, `pattern`, `minLength`, `maxLength`), integers or numbers
(`minimum`, `maximum`) and booleans; each property carries a Vietnamese `title`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError

TYPES = frozenset({"string", "integer", "number", "boolean"})
FORMATS = frozenset({"date", "email"})


@dataclass(frozen=True)
class FormField:
    name: str
    title: str
    type: str
    required: bool
    description: str = ""
    choices: tuple[str, ...] = ()
    format: str = ""
    max_length: int | None = None
    pattern: str = ""

    @property
    def input_type(self) -> str:
        if self.type in ("integer", "number"):
            return "number"
        if self.type == "boolean":
            return "checkbox"
        return {"date": "date", "email": "email"}.get(self.format, "text")


def schema_problems(schema: dict[str, Any]) -> list[str]:
    """Why `schema` is not a usable form (empty when it is)."""
    if not schema:
        return []
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        return [_("Không phải JSON Schema hợp lệ: %(e)s") % {"e": error.message}]
    problems = []
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        return [_("Biểu mẫu phải là một đối tượng (type: object) có properties.")]
    for name, spec in schema["properties"].items():
        if spec.get("type") not in TYPES:
            problems.append(_("Trường «%(n)s»: kiểu dữ liệu không được hỗ trợ.") % {"n": name})
        if not spec.get("title"):
            problems.append(_("Trường «%(n)s»: thiếu tiêu đề (title).") % {"n": name})
        if spec.get("format") and spec["format"] not in FORMATS:
            problems.append(_("Trường «%(n)s»: định dạng không được hỗ trợ.") % {"n": name})
    for name in schema.get("required", []):
        if name not in schema["properties"]:
            problems.append(_("Trường bắt buộc «%(n)s» không có trong properties.") % {"n": name})
    return problems


def form_fields(schema: dict[str, Any]) -> list[FormField]:
    required = set(schema.get("required", []))
    return [
        FormField(
            name=name,
            title=spec.get("title", name),
            type=spec.get("type", "string"),
            required=name in required,
            description=spec.get("description", ""),
            choices=tuple(spec.get("enum", ())),
            format=spec.get("format", ""),
            max_length=spec.get("maxLength"),
            pattern=spec.get("pattern", ""),
        )
        for name, spec in schema.get("properties", {}).items()
    ]


def coerce(schema: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """Turn posted form strings into the schema's types; leave what cannot be converted as is
    so that validation names it."""
    data: dict[str, Any] = {}
    for field in form_fields(schema):
        value = raw.get(field.name)
        if field.type == "boolean":
            data[field.name] = value in (True, "on", "true", "1")
            continue
        if value is None or value == "":
            continue
        if isinstance(value, str):
            value = value.strip()
            if field.type == "integer" and value.lstrip("-").isdigit():
                value = int(value)
            elif field.type == "number":
                with contextlib.suppress(ValueError):  # left as text: validation names it
                    value = float(value.replace(",", "."))
        data[field.name] = value
    return data


def _message(error: ValidationError, titles: dict[str, str]) -> tuple[str, str]:
    if error.validator == "required":
        name = error.message.split("'")[1]
        return name, _("«%(t)s» là bắt buộc.") % {"t": titles.get(name, name)}
    name = str(error.path[0]) if error.path else ""
    title = titles.get(name, name)
    spec = error.schema if isinstance(error.schema, dict) else {}
    messages = {
        "type": _("«%(t)s» sai kiểu dữ liệu."),
        "enum": _("«%(t)s» phải là một trong các giá trị cho phép."),
        "maxLength": _("«%(t)s» dài quá %(n)s ký tự."),
        "minLength": _("«%(t)s» phải có ít nhất %(n)s ký tự."),
        "pattern": _("«%(t)s» không đúng định dạng."),
        "format": _("«%(t)s» không đúng định dạng."),
        "minimum": _("«%(t)s» phải từ %(n)s trở lên."),
        "maximum": _("«%(t)s» không được lớn hơn %(n)s."),
        "additionalProperties": _("Biểu mẫu có trường không được khai báo."),
    }
    template = messages.get(str(error.validator), _("«%(t)s» không hợp lệ."))
    return name, template % {"t": title, "n": spec.get(str(error.validator), "")}


def validate(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, list[str]]:
    """Errors of `data` against `schema`, by field name, in Vietnamese; empty when valid."""
    if not schema:
        return {}
    titles = {f.name: f.title for f in form_fields(schema)}
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors: dict[str, list[str]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.path)):
        name, message = _message(error, titles)
        errors.setdefault(name, []).append(message)
    return errors
