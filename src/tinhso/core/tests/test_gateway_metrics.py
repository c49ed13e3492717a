"""/metrics: access, the text exposition format (parsed here), shared request counters and
the gauges of the exchange and payments apps."""

import re
import time
from collections import defaultdict

import pytest
from django.test.utils import override_settings

from tinhso.core.gateway import metrics
from tinhso.core.models import RequestMetric

pytestmark = pytest.mark.django_db

SAMPLE = re.compile(
    r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)"
    r'(?:\{(?P<labels>(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})?'
    r" (?P<value>[-+]?(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|Inf|NaN))$"
)
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text: str) -> dict[str, dict]:
    """A strict reader of the text format 0.0.4: every line is a HELP, a TYPE or a sample of a
    family declared just before; returns {family: {"type", "samples": [(name, labels, v)]}}."""
    assert text.endswith("\n")
    families: dict[str, dict] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name = line.split(" ", 3)[2]
            assert name not in families, f"{name} declared twice"
            families[name] = {"type": None, "samples": []}
            current = name
        elif line.startswith("# TYPE "):
            _hash, _type, name, kind = line.split(" ")
            assert name == current and kind in {"counter", "gauge", "histogram"}
            families[name]["type"] = kind
        else:
            match = SAMPLE.match(line)
            assert match, f"not a sample: {line!r}"
            name = match["name"]
            assert current and name in {
                current,
                current + "_bucket",
                current + "_sum",
                current + "_count",
            }, line
            labels = dict(LABEL.findall(match["labels"] or ""))
            families[current]["samples"].append((name, labels, float(match["value"])))
    return families


def test_metrics_are_refused_to_other_addresses_and_wrong_tokens(client):
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    with override_settings(METRICS_TOKEN="s3cret", METRICS_ALLOWED_ADDRESSES=[]):
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
        wrong = {"Authorization": "Bearer nope"}
        assert client.get("/metrics", headers=wrong, REMOTE_ADDR="10.0.0.9").status_code == 403
        good = {"Authorization": "Bearer s3cret"}
        response = client.get("/metrics", headers=good, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"


def test_request_counters_and_histograms_parse_and_agree(client):
    metrics.flush()
    RequestMetric.objects.all().delete()
    for _ in range(3):
        assert client.get("/api/v1/units/99").status_code == 404  # a route with an identifier
    client.get("/khong-co-trang-nay/")
    families = parse(client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode())
    assert families["tinhso_http_requests_total"]["type"] == "counter"
    assert families["tinhso_http_request_duration_seconds"]["type"] == "histogram"
    totals = {
        (lab["method"], lab["route"], lab["status"]): v
        for _n, lab, v in families["tinhso_http_requests_total"]["samples"]
    }
    assert totals[("GET", "/api/v1/units/{code}", "404")] == 3
    assert totals[("GET", "(unmatched)", "404")] == 1
    buckets = defaultdict(list)
    counts = {}
    for name, labels, value in families["tinhso_http_request_duration_seconds"]["samples"]:
        series = (labels["method"], labels["route"], labels["status"])
        if name.endswith("_bucket"):
            buckets[series].append((labels["le"], value))
        elif name.endswith("_count"):
            counts[series] = value
    for series, values in buckets.items():
        assert values[-1][0] == "+Inf" and values[-1][1] == counts[series] == totals[series]
        assert [v for _le, v in values] == sorted(v for _le, v in values)  # cumulative
        bounds = [float(le) for le, _v in values[:-1]]
        assert bounds == sorted(bounds)


def test_counts_of_several_processes_add_up():
    """Each process flushes its own counts into the shared rows (an upsert adds them)."""
    RequestMetric.objects.all().delete()
    metrics.flush()
    metrics.observe("GET", "/api/v1/x", 200, 0.003)
    metrics.observe("GET", "/api/v1/x", 200, 0.2)
    assert metrics.flush() == 2
    metrics.observe("GET", "/api/v1/x", 200, 0.004)  # "another worker", later
    assert metrics.flush() == 1
    assert metrics.flush() == 0
    rows = dict(RequestMetric.objects.filter(route="/api/v1/x").values_list("le", "count"))
    assert rows == {"0.005": 2, "0.25": 1}
    text = metrics.render()
    assert 'tinhso_http_requests_total{method="GET",route="/api/v1/x",status="200"} 3' in text
    assert (
        'tinhso_http_request_duration_seconds_bucket{method="GET",route="/api/v1/x",'
        'status="200",le="0.1"} 2'
    ) in text


def test_gauges_of_queues_and_payments(client):
    from tinhso.exchange.national.models import NationalPush

    NationalPush.objects.create(
        message_id="6f1c0a9e-4b7e-4a8e-9a55-0b8d1f0e2a11",
        kind="dossier",
        dossier_code="X",
        body={},
        state="failed",
    )
    families = parse(client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode())
    national = {
        lab["state"]: v for _n, lab, v in families["tinhso_national_push_messages"]["samples"]
    }
    assert national == {"pending": 0, "sent": 0, "failed": 1, "dead": 0}
    outbox = {
        lab["state"] for _n, lab, _v in families["tinhso_exchange_outbox_messages"]["samples"]
    }
    assert {"pending", "sent", "failed", "dead"} <= outbox
    payments = {lab["state"] for _n, lab, _v in families["tinhso_payments"]["samples"]}
    assert payments == {"pending", "paid", "failed", "expired", "refunded"}
    assert all(f["type"] == "gauge" for n, f in families.items() if not n.startswith("tinhso_http"))


def test_a_failing_gauge_leaves_the_others(client):
    metrics.register_gauge(name="tinhso_test_broken", help="x", collect=lambda: 1 / 0)
    try:
        families = parse(client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode())
    finally:
        metrics._gauges.pop("tinhso_test_broken")
    assert "tinhso_test_broken" not in families and "tinhso_payments" in families


def test_label_values_are_escaped():
    metrics.register_gauge(
        name="tinhso_test_escape", help="x", collect=lambda: [({"v": 'a"b\\c\nd'}, 1.5)]
    )
    try:
        families = parse(metrics.render())
    finally:
        metrics._gauges.pop("tinhso_test_escape")
    assert families["tinhso_test_escape"]["samples"] == [
        ("tinhso_test_escape", {"v": 'a\\"b\\\\c\\nd'}, 1.5)
    ]


@pytest.mark.django_db(transaction=True)
def test_the_flusher_thread_shares_a_process_counts_without_a_scrape():
    """In production each worker's thread adds its counts every few seconds on its own
    connection; no request waits for it."""
    RequestMetric.objects.all().delete()
    try:
        with override_settings(GATEWAY_METRICS_FLUSH_SECONDS=0.05):
            metrics.observe("GET", "/api/v1/thread", 200, 0.01)
            for _ in range(100):
                if RequestMetric.objects.filter(route="/api/v1/thread").exists():
                    break
                time.sleep(0.05)
    finally:
        metrics.stop_flusher()
    row = RequestMetric.objects.get(route="/api/v1/thread")
    assert (row.le, row.count) == ("0.01", 1)
