"""API plumbing shared by every router: RFC 9457 problem details and API-key auth.

Domain code never imports this module (the API layer sits above the services).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyHeader

from tinhso.core.gateway import ratelimit
from tinhso.core.models import ApiKey
from tinhso.core.services import api_key_authenticate

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "urn:tinhso:problem:"


class Utf8JSONRenderer(JSONRenderer):
    """JSON with Vietnamese letters as they are, not as \\u escapes."""

    media_type = "application/json; charset=utf-8"
    json_dumps_params = {"ensure_ascii": False}


class FieldError(Schema):
    field: str
    message: str


class ProblemOut(Schema):
    """RFC 9457 problem details, as every error of this API is answered."""

    type: str
    title: str
    status: int
    instance: str
    detail: str | None = None
    errors: list[FieldError] | None = None


# Problem responses to declare on a read endpoint, for the OpenAPI document.
READ_PROBLEMS: dict[int, type[Schema]] = {404: ProblemOut, 422: ProblemOut}
AUTH_PROBLEMS: dict[int, type[Schema]] = {401: ProblemOut, 403: ProblemOut}


class Problem(Exception):
    """An API error answered as problem details: raise it from a router."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str = "",
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.slug, self.title = status, slug, title
        self.detail, self.errors = detail, errors
        self.headers = headers or {}


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str = "",
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "instance": request.get_full_path(),
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return JsonResponse(
        body,
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def _validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        field = location[-1] if location else ""
        errors.append(
            {
                "field": field,
                "in": location[0] if len(location) > 1 else "",
                "message": _("Giá trị của trường «%(field)s» không hợp lệ: %(reason)s")
                % {"field": field, "reason": error.get("msg", "")},
            }
        )
    return errors


def install_problem_handlers(api: NinjaAPI) -> None:
    """Answer every error of `api` as problem details with a Vietnamese title."""

    @api.exception_handler(Problem)
    def on_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
        response = problem_response(
            request,
            status=exc.status,
            slug=exc.slug,
            title=exc.title,
            detail=exc.detail,
            errors=exc.errors,
        )
        for name, value in exc.headers.items():
            response[name] = value
        return response

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = _validation_errors(exc)
        return problem_response(
            request,
            status=422,
            slug="validation",
            title=_("Dữ liệu không hợp lệ"),
            detail="; ".join(e["message"] for e in errors),
            errors=errors,
        )

    @api.exception_handler(DjangoValidationError)
    def on_domain_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": field, "message": str(message)}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "", "message": str(m)} for m in exc.messages]
        return problem_response(
            request,
            status=422,
            slug="validation",
            title=_("Dữ liệu không hợp lệ"),
            detail="; ".join(e["message"] for e in errors),
            errors=errors,
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(
            request, status=404, slug="not-found", title=_("Không tìm thấy"), detail=str(exc)
        )

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem_response(
            request,
            status=401,
            slug="unauthenticated",
            title=_("Chưa xác thực"),
            detail=_("Cần khóa API hợp lệ trong tiêu đề X-API-Key."),
        )
        response["WWW-Authenticate"] = 'ApiKey header="X-API-Key"'
        return response

    @api.exception_handler(AuthorizationError)
    def on_forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return problem_response(
            request, status=403, slug="forbidden", title=_("Không có quyền"), detail=str(exc)
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem_response(
            request,
            status=exc.status_code,
            slug="http-error",
            title=_("Yêu cầu không hợp lệ"),
            detail=str(exc),
        )

    @api.exception_handler(Exception)
    def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled API error", exc_info=exc)
        return problem_response(request, status=500, slug="server-error", title=_("Lỗi hệ thống"))


class ApiKeyAuth(APIKeyHeader):
    """Authenticates an integration client by its key, counts the request against its client's
    rate limit (429 with Retry-After past it) and demands the route's scope (403 naming it).
    The key is kept on the request for the request log (core.gateway.middleware)."""

    param_name = "X-API-Key"

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        if not key:
            return None
        api_key = api_key_authenticate(key)
        if api_key is None:
            return None
        request.api_key = api_key  # type: ignore[attr-defined]
        verdict = ratelimit.consume(api_key)
        if not verdict.allowed:
            raise Problem(
                429,
                "rate-limited",
                _("Vượt giới hạn yêu cầu"),
                detail=_(
                    "Ứng dụng đã gửi quá %(limit)s yêu cầu trong một phút; "
                    "hãy thử lại sau %(seconds)s giây."
                )
                % {"limit": verdict.limit, "seconds": verdict.retry_after},
                headers={"Retry-After": str(verdict.retry_after)},
            )
        if self.scope not in api_key.scopes:
            message = _("Khóa API không có phạm vi «%(scope)s».") % {"scope": self.scope}
            raise Problem(
                403,
                "missing-scope",
                _("Không có quyền"),
                detail=message,
                errors=[{"field": "scope", "message": message}],
            )
        return api_key
