"""Prometheus metrics in the text exposition format (version 0.0.4), written by hand:
`prometheus_client` is not installed and the format is small.

Request counters: each process adds its requests to an in-memory table (`observe`, no I/O in
the request) and a daemon thread adds them to the `RequestMetric` rows with one upsert every
GATEWAY_METRICS_FLUSH_SECONDS, so the counters are shared by every gunicorn worker and never go
down (a worker killed loses at most that interval). `/metrics` flushes its own process first.
Gauges (queue depths, payment states) are read when scraped, from collectors the apps' shell
registers (`register_gauge`).
"""

from __future__ import annotations

import logging
import math
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from tinhso.core.models import RequestMetric

logger = logging.getLogger(__name__)

BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
INF = "+Inf"

Series = tuple[str, str, int, str]  # method, route, status, le
_pending: dict[Series, list[float]] = defaultdict(lambda: [0, 0.0])
_lock = threading.Lock()
_flusher: threading.Thread | None = None
_stop = threading.Event()


def le_of(seconds: float) -> str:
    for bound in BUCKETS:
        if seconds <= bound:
            return format_number(bound)
    return INF


def observe(method: str, route: str, status: int, seconds: float) -> None:
    """Count one request (in memory; the flusher writes it)."""
    with _lock:
        cell = _pending[(method, route, status, le_of(seconds))]
        cell[0] += 1
        cell[1] += seconds
    _ensure_flusher()


def flush() -> int:
    """Add this process's pending counts to the shared rows; returns the series written. On a
    database error the counts are kept for the next flush."""
    global _pending
    with _lock:
        pending, _pending = _pending, defaultdict(lambda: [0, 0.0])
    if not pending:
        return 0
    table = connection.ops.quote_name(RequestMetric._meta.db_table)
    rows = list(pending.items())
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list[object] = []
    for (method, route, status, le), (count, seconds) in rows:
        params += [method, route, status, le, int(count), seconds]
    sql = (
        f"INSERT INTO {table} (method, route, status, le, count, seconds) "  # noqa: S608
        f"VALUES {values} ON CONFLICT (method, route, status, le) DO UPDATE SET "
        f"count = {table}.count + excluded.count, seconds = {table}.seconds + excluded.seconds"
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except Exception:
        with _lock:
            for series, (count, seconds) in rows:
                _pending[series][0] += count
                _pending[series][1] += seconds
        raise
    return len(rows)


def _flush_forever(interval: float, stop: threading.Event) -> None:
    try:
        while not stop.wait(interval):
            try:
                close_old_connections()
                flush()
            except Exception:  # the next round tries again; requests never see it
                logger.exception("flushing request metrics failed")
    finally:
        connection.close()  # this thread's own connection


def stop_flusher() -> None:
    """Stop this process's flusher thread (tests); the next observation starts a new one."""
    global _flusher
    thread = _flusher
    if thread is not None:
        _stop.set()
        thread.join()
    _flusher = None
    _stop.clear()


def _ensure_flusher() -> None:
    global _flusher
    interval = float(settings.GATEWAY_METRICS_FLUSH_SECONDS)
    if interval <= 0 or (_flusher is not None and _flusher.is_alive()):
        return
    with _lock:
        if _flusher is None or not _flusher.is_alive():
            _flusher = threading.Thread(
                target=_flush_forever, args=(interval, _stop), name="metrics-flush", daemon=True
            )
            _flusher.start()


# --- Gauges --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gauge:
    name: str
    help: str
    collect: Callable[[], Iterable[tuple[dict[str, str], float]]]


_gauges: dict[str, Gauge] = {}


def register_gauge(
    *, name: str, help: str, collect: Callable[[], Iterable[tuple[dict[str, str], float]]]
) -> None:
    """A gauge read at each scrape: `collect()` yields (labels, value) pairs."""
    _gauges[name] = Gauge(name, help, collect)


# --- Exposition ----------------------------------------------------------------------------


def format_number(value: float) -> str:
    if math.isinf(value):
        return INF if value > 0 else "-Inf"
    if float(value).is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(float(value))
    return repr(float(value))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(str(v))}"' for k, v in labels.items()) + "}"


def _requests_text() -> list[str]:
    series: dict[tuple[str, str, int], dict[str, tuple[int, float]]] = defaultdict(dict)
    for method, route, status, le, count, seconds in RequestMetric.objects.values_list(
        "method", "route", "status", "le", "count", "seconds"
    ):
        series[(method, route, status)][le] = (count, seconds)
    total = [
        "# HELP tinhso_http_requests_total Requests answered, by method, route and status.",
        "# TYPE tinhso_http_requests_total counter",
    ]
    hist = [
        "# HELP tinhso_http_request_duration_seconds Time to answer a request, in seconds.",
        "# TYPE tinhso_http_request_duration_seconds histogram",
    ]
    bounds = [format_number(b) for b in BUCKETS] + [INF]
    for (method, route, status), cells in sorted(series.items()):
        labels = {"method": method, "route": route, "status": str(status)}
        count = sum(c for c, _s in cells.values())
        seconds = sum(s for _c, s in cells.values())
        total.append(f"tinhso_http_requests_total{_labels(labels)} {count}")
        cumulative = 0
        for bound in bounds:
            cumulative += cells.get(bound, (0, 0.0))[0]
            le_labels = {**labels, "le": bound}
            hist.append(
                f"tinhso_http_request_duration_seconds_bucket{_labels(le_labels)} {cumulative}"
            )
        hist.append(
            f"tinhso_http_request_duration_seconds_sum{_labels(labels)} {format_number(seconds)}"
        )
        hist.append(f"tinhso_http_request_duration_seconds_count{_labels(labels)} {count}")
    return total + hist


def render() -> str:
    """Every metric in the text exposition format. A failing gauge is left out (and logged),
    the others are still answered."""
    lines = _requests_text()
    for gauge in sorted(_gauges.values(), key=lambda g: g.name):
        try:
            samples = list(gauge.collect())
        except Exception:
            logger.exception("collecting gauge %s failed", gauge.name)
            continue
        lines.append(f"# HELP {gauge.name} {gauge.help}")
        lines.append(f"# TYPE {gauge.name} gauge")
        for labels, value in samples:
            lines.append(f"{gauge.name}{_labels(labels)} {format_number(value)}")
    return "\n".join(lines) + "\n"
