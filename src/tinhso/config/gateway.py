"""The shell's wiring of the service gateway (core.gateway): which services the API offers,
which outside services the apps consume, and the gauges of the exchange and payments apps.
Core imports no app; the shell may import every one (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.security import SessionAuth

from tinhso.core.api import ApiKeyAuth
from tinhso.core.gateway import catalogue, metrics

API_PREFIX = "/api/v1"

TITLES = {
    "directory": gettext_lazy("Danh mục đơn vị hành chính, cơ quan, người nộp"),
    "calendar": gettext_lazy("Lịch làm việc, tính hạn xử lý"),
    "services": gettext_lazy("Danh mục thủ tục hành chính"),
    "applications": gettext_lazy("Hồ sơ một cửa điện tử"),
    "statistics": gettext_lazy("Thống kê, chỉ số"),
    "documents": gettext_lazy("Văn bản đi, đến"),
    "records": gettext_lazy("Hồ sơ công việc"),
    "payments": gettext_lazy("Thanh toán trực tuyến (thông báo của cổng thanh toán)"),
    "exchange": gettext_lazy("Liên thông văn bản (hộp thư đến edXML)"),
    "postal": gettext_lazy("Bưu chính công ích (thông báo trạng thái)"),
    "gateway": gettext_lazy("Cổng kết nối (danh mục dịch vụ)"),
}


def _access(auth_callbacks: Iterable[object]) -> tuple[str, str]:
    for auth in auth_callbacks:
        if isinstance(auth, ApiKeyAuth):
            return "key", auth.scope
        if isinstance(auth, SessionAuth):
            return "session", ""
        return "peer", ""
    return "public", ""


def offered_by(api: NinjaAPI) -> list[catalogue.OfferedService]:
    """One service per OpenAPI tag, with each operation's access read from its auth."""
    access: dict[tuple[str, str], tuple[str, str]] = {}
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    access[(method.lower(), API_PREFIX + path)] = _access(operation.auth_callbacks)
    by_tag: dict[str, list[catalogue.Operation]] = {}
    schema = api.get_openapi_schema(path_prefix=API_PREFIX)["paths"]
    for path, operations in schema.items():
        for method, spec in operations.items():
            kind, scope = access.get((method, path), ("public", ""))
            op = catalogue.Operation(method.upper(), path, kind, scope)
            for tag in spec.get("tags", []):
                by_tag.setdefault(tag, []).append(op)
    return [
        catalogue.OfferedService(
            code=tag,
            title=str(TITLES.get(tag, tag)),
            operations=tuple(sorted(ops, key=lambda o: (o.path, o.method))),
        )
        for tag, ops in by_tag.items()
    ]


def consumed() -> list[catalogue.ConsumedService]:
    """The outside services the apps call, as their settings and the peer registry say."""
    from tinhso.exchange.models import Peer

    def simulated(url: str, flag: bool) -> bool:
        return flag and "/simulators/" in url

    services = [
        catalogue.ConsumedService(
            "dvcqg",
            _("Cổng Dịch vụ công quốc gia"),
            "national",
            settings.NATIONAL_PORTAL_URL,
            simulated(settings.NATIONAL_PORTAL_URL, settings.NATIONAL_SIMULATORS),
        ),
        catalogue.ConsumedService(
            "csdlqgdc",
            _("Cơ sở dữ liệu quốc gia về dân cư"),
            "national",
            settings.NATIONAL_POPULATION_URL,
            simulated(settings.NATIONAL_POPULATION_URL, settings.NATIONAL_SIMULATORS),
        ),
        catalogue.ConsumedService(
            "buu-chinh",
            _("Bưu chính công ích"),
            "postal",
            settings.POSTAL_API_URL,
            simulated(settings.POSTAL_API_URL, settings.POSTAL_SIMULATOR),
        ),
    ]
    for code, options in sorted(settings.PAYMENT_GATEWAYS.items()):
        url = str(options.get("API_URL", ""))
        services.append(
            catalogue.ConsumedService(
                f"payment-{code}",
                _("Cổng thanh toán «%(code)s»") % {"code": code},
                "payment",
                url,
                settings.PAYMENT_SIMULATORS and "/simulators/" in url,
            )
        )
    for peer in Peer.objects.order_by("name"):
        services.append(
            catalogue.ConsumedService(
                f"peer-{peer.name}",
                _("Nút liên thông «%(name)s»") % {"name": peer.title or peer.name},
                "peer",
                peer.base_url,
                active=peer.active,
            )
        )
    return services


def _by_state(model: object, **filters: object) -> list[tuple[dict[str, str], float]]:
    rows = model.objects.filter(**filters).values("state").annotate(n=Count("pk"))  # type: ignore[attr-defined]
    counts = {row["state"]: row["n"] for row in rows}
    states = [value for value, _label in model._meta.get_field("state").choices]  # type: ignore[attr-defined]
    return [({"state": state}, float(counts.get(state, 0))) for state in states]


def _outbox() -> list[tuple[dict[str, str], float]]:
    from tinhso.exchange.models import OutboxMessage

    return _by_state(OutboxMessage)


def _national() -> list[tuple[dict[str, str], float]]:
    from tinhso.exchange.national.models import NationalPush

    return _by_state(NationalPush)


def _payments() -> list[tuple[dict[str, str], float]]:
    from tinhso.payments.models import Payment

    return _by_state(Payment)


def install(api: NinjaAPI) -> None:
    catalogue.register_offered(lambda: offered_by(api))
    catalogue.register_consumed(consumed)
    metrics.register_gauge(
        name="tinhso_exchange_outbox_messages",
        help="Exchange outbox messages by state (pending and failed wait to be sent).",
        collect=_outbox,
    )
    metrics.register_gauge(
        name="tinhso_national_push_messages",
        help="Pushes to the national public-service portal by state.",
        collect=_national,
    )
    metrics.register_gauge(
        name="tinhso_payments", help="Payments (gateway attempts) by state.", collect=_payments
    )
