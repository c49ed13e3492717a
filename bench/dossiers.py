"""Dossier benchmarks on PostgreSQL with a million generated dossiers (see bench/README.md, 3).

Run by `make bench` through bench/run.py, or alone:

    .venv/bin/python bench/dossiers.py                    # 1,000,000 dossiers (about 15 min)
    .venv/bin/python bench/dossiers.py --dossiers 50000   # a quick run
    .venv/bin/python bench/dossiers.py --keep-db          # keep tinhso_bench for the next run

The database `tinhso_bench` on 127.0.0.1:5432 (role tinhso) is made anew: migrate, `tinhso seed`
(full scale from 20,000 dossiers up, small below), then `tinhso.dossiers.demo.generate(N)`
(timed). Then:

a. the public status lookup by code: p95 latency in process (Django test client, 2,000
   lookups of random dossiers; baseline: the bare view in the same process), target < 20 ms;
   and its throughput under gunicorn (2 sync workers) against the bare view, target ≥ 0.5 ×;
b. the classic report (`statistics.report.build_report`, whole province, one year) against a
   hand-written SQL aggregate of the same figures (which must be identical), target < 2 s and
   ≤ 2 × the SQL;
c. online filing (POST /api/v1/applications, signed in with session and CSRF token) under
   gunicorn from several client processes, target ≥ 100 dossiers/s, every 201 checked in the
   database afterwards.

The database is dropped at the end unless --keep-db. Load goes to 127.0.0.1 only, bounded in
time and count. In-process measurements run in child processes (`--worker …`) that set up
Django on the bench database.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    PYTHON,
    Verdicts,
    _connect,
    _read_response,
    banner,
    base_env,
    fmt_s,
    free_port,
    media_root,
    tinhso,
)

PG = {"host": "127.0.0.1", "port": 5432, "user": "tinhso", "password": "tinhso"}
DB_NAME = os.environ.get("BENCH_DB_NAME", "tinhso_bench")  # never the application's own
DB_URL = "postgres://{user}:{password}@{host}:{port}/" + DB_NAME
LOOKUP_P95_MS = 20.0
LOOKUP_RATIO = 0.5
REPORT_SECONDS = 2.0
REPORT_RATIO = 2.0
FILING_RATE = 100.0
LLTP = "2.000488.000.00.00.H33"  # judicial record extract, Department of Justice
LLTP_ORGAN = "000.00.03.H33"
BENCH_PASSWORD = "Bench@Filing-2026"
MAX_REQUESTS = 200_000


# =============================================================================================
# Child processes: Django on the bench database
# =============================================================================================


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def worker_generate(count: int) -> dict[str, Any]:
    _django()
    from tinhso.dossiers import demo
    from tinhso.dossiers.models import Dossier, DossierCounter, DossierEvent

    before = Dossier.objects.count()
    started = time.perf_counter()
    added = demo.generate(count)
    seconds = time.perf_counter() - started
    return {
        "before": before,
        "added": added,
        "seconds": seconds,
        "dossiers": Dossier.objects.count(),
        "events": DossierEvent.objects.count(),
        "counters": DossierCounter.objects.count(),
    }


def worker_check(sample: int) -> dict[str, Any]:
    """Invariants on the whole table (SQL) and due dates of a random sample recomputed with
    WorkCalendar.due."""
    _django()
    from django.db import connection

    from tinhso.dossiers.models import Dossier
    from tinhso.procedures.models import TimeUnit
    from tinhso.workcalendar.core import VIETNAM
    from tinhso.workcalendar.selectors import calendar_for

    checks = {
        "codes not gapless per organ and day": """
            SELECT count(*) FROM (
              SELECT organ_id, substr(code, 15, 6) AS day, count(*) AS n,
                     max(substr(code, 22, 4)::int) AS top
              FROM dossiers_dossier WHERE code IS NOT NULL GROUP BY 1, 2) g
            WHERE n <> top""",
        "counters not equal to the last number": """
            SELECT count(*) FROM dossiers_dossiercounter c FULL JOIN (
              SELECT organ_id, to_date(substr(code, 15, 6), 'YYMMDD') AS day, count(*) AS n
              FROM dossiers_dossier WHERE code IS NOT NULL GROUP BY 1, 2) g
              ON g.organ_id = c.organ_id AND g.day = c.day
            WHERE g.n IS DISTINCT FROM c.last""",
        "resolved after finished, or withdrawn with a resolution": """
            SELECT count(*) FROM dossiers_dossier
            WHERE resolved_at > finished_at OR (state = 'withdrawn' AND resolved_at IS NOT NULL)""",
        "dossiers without history": """
            SELECT count(*) FROM dossiers_dossier d
            WHERE NOT EXISTS (SELECT 1 FROM dossiers_dossierevent e WHERE e.dossier_id = d.id)""",
        "terminal dossiers whose last event is not their state": """
            SELECT count(*) FROM dossiers_dossier d
            WHERE d.state IN ('returned', 'rejected', 'withdrawn') AND d.state <> (
              SELECT to_state FROM dossiers_dossierevent e WHERE e.dossier_id = d.id
              ORDER BY at DESC, id DESC LIMIT 1)""",
    }
    found = {}
    with connection.cursor() as cursor:
        for name, sql in checks.items():
            cursor.execute(sql)
            found[name] = cursor.fetchone()[0]
    wrong_due = 0
    dossiers = list(
        Dossier.objects.filter(received_at__isnull=False)
        .order_by("?")
        .select_related("procedure")
        .prefetch_related("events")[:sample]
    )
    for d in dossiers:
        pauses, asked = [], None
        for event in sorted(d.events.all(), key=lambda e: (e.at, e.pk)):
            if event.action == "request_supplement":
                asked = event.at
            elif event.action == "supplement":
                pauses.append((asked, event.at))
        unit = "working_days" if d.procedure.time_unit == TimeUnit.WORKING_DAYS else "working_hours"
        due = calendar_for(year=d.received_at.astimezone(VIETNAM).year).due(
            d.received_at,
            **{unit: d.procedure.time_limit},
            cutoff=d.procedure.cutoff,
            pauses=pauses,
        )
        wrong_due += due != d.due_at
    found[f"due_at different from WorkCalendar.due (sample of {len(dossiers)})"] = wrong_due
    return found


def worker_prepare(clients: int, lookups: int) -> dict[str, Any]:
    """Accounts for the filing clients (applicants without a user, given one) and a random
    sample of dossiers to look up."""
    _django()
    from django.db import connection

    from tinhso.directory.models import Applicant, User

    users = []
    for n in range(clients):
        username = f"bench.applicant.{n + 1}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, password=BENCH_PASSWORD, full_name=f"Bench {n + 1}"
            )
            applicant = (
                Applicant.objects.filter(kind="citizen", user__isnull=True).order_by("pk").first()
            )
            assert applicant is not None, "no citizen left to sign in as"
            applicant.user = user
            applicant.save(update_fields=["user"])
        users.append((username, user.applicant.identifier, user.applicant.name))
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")  # the same sample for the same database
        cursor.execute(
            "SELECT d.code, a.identifier FROM dossiers_dossier d "
            "JOIN directory_applicant a ON a.id = d.applicant_id "
            "WHERE d.code IS NOT NULL ORDER BY random() LIMIT %s",
            [lookups],
        )
        rows = cursor.fetchall()
    return {"users": users, "lookups": rows}


def worker_lookup(pairs: list[list[str]]) -> dict[str, Any]:
    """Latency of each lookup through the whole Django stack (test client, middleware,
    django-ninja, the database), and of the bare view in the same process."""
    _django()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for path in ("/bench/bare", f"/api/v1/applications/status?code={pairs[0][0]}&identifier=x"):
        client.get(path)  # warm up (imports, URL resolver, first connection)

    def timed(paths: list[tuple[str, str]]) -> tuple[list[float], int]:
        times, errors = [], 0
        for path, expected in paths:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or expected.encode() not in response.content:
                errors += 1
        return times, errors

    bare, bare_errors = timed([("/bench/bare", '"ok": true')] * len(pairs))
    lookups, errors = timed(
        [
            (f"/api/v1/applications/status?code={code}&identifier={ident}", f'"code": "{code}"')
            for code, ident in pairs
        ]
    )
    from django.db import connection

    # Experiment: the same lookups with the other connection policy than the configured one
    # (the application keeps connections 60 s with DEBUG off: DB_CONN_MAX_AGE), to show what
    # connecting costs.
    configured = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 0 if configured else 60
    persistent, _errors = timed(
        [
            (f"/api/v1/applications/status?code={code}&identifier={ident}", f'"code": "{code}"')
            for code, ident in pairs
        ]
    )
    connection.settings_dict["CONN_MAX_AGE"] = configured
    connection.close()
    from tinhso.dossiers.selectors import _status_sql

    with connection.cursor() as cursor:  # the plan of the lookup's query
        cursor.execute("EXPLAIN ANALYZE " + _status_sql(), pairs[0])
        plan = [r[0] for r in cursor.fetchall()]
    return {
        "bare": bare,
        "bare_errors": bare_errors,
        "lookups": lookups,
        "errors": errors,
        "persistent": persistent,
        "conn_max_age": configured,
        "plan": plan,
    }


# The classic report in hand-written SQL: one aggregate over the dossiers by organ and one
# over the offerings by organ and in total.
VN = "'Asia/Ho_Chi_Minh'"
OPEN_AT_END = (
    "d.received_at < %(end)s AND (d.resolved_at IS NULL OR d.resolved_at >= %(end)s) "
    "AND (d.finished_at IS NULL OR d.finished_at >= %(end)s)"
)
PAST_DUE_AT_END = (
    "d.due_at < %(end)s AND (d.paused_since IS NULL OR d.paused_since >= %(end)s "
    "OR d.due_at < d.paused_since)"
)
NOT_PAST_DUE_AT_END = (
    "(d.due_at IS NULL OR d.due_at >= %(end)s OR (d.paused_since < %(end)s "
    "AND d.due_at >= d.paused_since))"
)
# received_at is set in the whole universe (the WHERE clause), so RESOLVED need not say it.
RESOLVED = "d.resolved_at >= %(start)s AND d.resolved_at < %(end)s AND d.state <> 'withdrawn'"
EARLY = (
    f"(d.due_at IS NOT NULL AND (d.resolved_at AT TIME ZONE {VN})::date "
    f"< (d.due_at AT TIME ZONE {VN})::date)"
)
RECEIVED = "d.received_at >= %(start)s"  # and < end: the universe
SYNCHRONISED = (
    "EXISTS (SELECT 1 FROM exchange_nationalpush n WHERE n.dossier_code = d.code "
    "AND n.kind = 'dossier' AND n.state = 'sent')"
)
FEE_OBLIGATION = (
    "((NOT (d.channel = 2 AND d.service_level IN ('4', 'full')) "
    "AND d.procedure_id IN (SELECT f.procedure_id FROM procedures_fee f WHERE f.amount > 0)) "
    "OR EXISTS (SELECT 1 FROM payments_paymentrequest r "
    "WHERE r.source = 'dossiers.dossier' AND r.source_id = d.id))"
)
PAID_BY_END = (
    "EXISTS (SELECT 1 FROM payments_payment pay JOIN payments_paymentrequest r "
    "ON r.id = pay.request_id WHERE r.source = 'dossiers.dossier' AND r.source_id = d.id "
    "AND pay.state = 'paid' AND pay.settled_at < %(end)s)"
)
DOSSIER_SQL = {
    "received": RECEIVED,
    "received_online": f"{RECEIVED} AND d.channel = 2",
    "received_counter": f"{RECEIVED} AND d.channel = 1",
    "received_post": f"{RECEIVED} AND d.channel = 3",
    "carried_over": "d.received_at < %(start)s",
    "resolved": RESOLVED,
    "resolved_early": f"{RESOLVED} AND {EARLY}",
    "resolved_on_time": f"{RESOLVED} AND (d.due_at IS NULL OR d.resolved_at <= d.due_at) "
    f"AND NOT {EARLY}",
    "resolved_late": f"{RESOLVED} AND d.resolved_at > d.due_at",
    "in_progress": OPEN_AT_END,
    "in_progress_within": f"{OPEN_AT_END} AND {NOT_PAST_DUE_AT_END}",
    "in_progress_past": f"{OPEN_AT_END} AND {PAST_DUE_AT_END}",
    "waiting_supplement": f"{OPEN_AT_END} AND COALESCE((SELECT e.to_state "
    "FROM dossiers_dossierevent e WHERE e.dossier_id = d.id AND e.at < %(end)s "
    "ORDER BY e.at DESC, e.id DESC LIMIT 1), d.state) = 'waiting_supplement'",
    "refused": f"{RESOLVED} AND d.state = 'rejected'",
    "withdrawn": "d.state = 'withdrawn' AND d.resolved_at IS NULL "
    "AND d.finished_at >= %(start)s AND d.finished_at < %(end)s",
    "i21_on_time": f"{RESOLVED} AND (d.due_at IS NULL OR d.resolved_at <= d.due_at) "
    "AND d.supplement_requests <= 1",
    "i21_late_finished": f"{RESOLVED} AND (d.resolved_at > d.due_at OR d.supplement_requests > 1)",
    "i21_late_unfinished": f"{OPEN_AT_END} AND {PAST_DUE_AT_END}",
    "i21_counted": f"({RESOLVED}) OR ({OPEN_AT_END} AND {PAST_DUE_AT_END})",
    "i41_granted": f"{RESOLVED} AND d.state <> 'rejected'",
    "i41_result_electronic": f"{RESOLVED} AND d.state <> 'rejected' AND d.result_electronic",
    "i42_digitised": f"{RECEIVED} AND d.digitised",
    "i43_data_reused": f"{RECEIVED} AND d.data_reused",
    "i14_synchronised": f"{RECEIVED} AND {SYNCHRONISED}",
    "i33_online": f"{RECEIVED} AND d.channel = 2 "
    "AND (NOT pr.electronic_result_required OR d.result_electronic)",
    "i36_fee_dossiers": f"{RECEIVED} AND {FEE_OBLIGATION}",
    "i36_paid_online": f"{RECEIVED} AND {PAID_BY_END}",
}
DOSSIERS_SQL = (
    "SELECT d.organ_id, "
    + ", ".join(f"count(*) FILTER (WHERE {cond})" for cond in DOSSIER_SQL.values())
    + " FROM dossiers_dossier d JOIN procedures_procedure pr ON pr.id = d.procedure_id "
    "WHERE d.received_at IS NOT NULL AND d.received_at < %(end)s "
    "AND (d.resolved_at IS NULL OR d.resolved_at >= %(start)s) "
    "AND (d.finished_at IS NULL OR d.finished_at >= %(start)s) GROUP BY d.organ_id"
)
# The offerings' figures as a SQL author would write them: the procedures online on the day
# and the (procedure, organ) pairs with an online dossier in the period computed once each,
# joined to the offerings, by organ and in total in one pass (GROUPING SETS).
OFFERING_SQL = {
    "offered": "TRUE",
    "offered_online": "ol.procedure_id IS NOT NULL",
    "offered_online_used": "ol.procedure_id IS NOT NULL AND u.procedure_id IS NOT NULL",
    "i35_fee_procedures": "fp.procedure_id IS NOT NULL",
    "i35_paid_online": "fp.procedure_id IS NOT NULL AND pp.procedure_id IS NOT NULL",
}
OFFERINGS_SQL = (
    "WITH ol AS (SELECT DISTINCT s.procedure_id FROM procedures_servicelevel s "
    "WHERE (s.valid_from IS NULL OR s.valid_from <= %(on)s) "
    "AND (s.valid_to IS NULL OR s.valid_to >= %(on)s) "
    "AND s.kind IN ('3', '4', 'partial', 'full')), "
    "u AS (SELECT DISTINCT procedure_id, organ_id FROM dossiers_dossier "
    "WHERE channel = 2 AND received_at >= %(start)s AND received_at < %(end)s), "
    "fp AS (SELECT DISTINCT procedure_id FROM procedures_fee WHERE amount > 0), "
    "pp AS (SELECT DISTINCT r.procedure_id, r.organ_id FROM payments_payment pay "
    "JOIN payments_paymentrequest r ON r.id = pay.request_id "
    "WHERE r.source = 'dossiers.dossier' AND pay.state = 'paid' "
    "AND pay.settled_at >= %(start)s AND pay.settled_at < %(end)s) "
    "SELECT o.organ_id, "
    + ", ".join(f"count(DISTINCT o.procedure_id) FILTER (WHERE {c})" for c in OFFERING_SQL.values())
    + " FROM procedures_procedure_organs o JOIN procedures_procedure p ON p.id = o.procedure_id "
    "LEFT JOIN ol ON ol.procedure_id = o.procedure_id "
    "LEFT JOIN u ON u.procedure_id = o.procedure_id AND u.organ_id = o.organ_id "
    "LEFT JOIN fp ON fp.procedure_id = o.procedure_id "
    "LEFT JOIN pp ON pp.procedure_id = o.procedure_id AND pp.organ_id = o.organ_id "
    "WHERE p.is_active GROUP BY GROUPING SETS ((o.organ_id), ())"
)


def worker_report(year: int, runs: int) -> dict[str, Any]:
    _django()
    from datetime import date

    from django.db import connection

    from tinhso.directory.models import Organ
    from tinhso.dossiers.statistics.definitions import DOSSIER_KEYS, OFFERING_KEYS, Period
    from tinhso.dossiers.statistics.report import build_report

    assert set(DOSSIER_SQL) == set(DOSSIER_KEYS), set(DOSSIER_SQL) ^ set(DOSSIER_KEYS)
    assert set(OFFERING_SQL) == set(OFFERING_KEYS), set(OFFERING_SQL) ^ set(OFFERING_KEYS)
    period = Period(date(year, 1, 1), date(year, 12, 31))
    params = {"start": period.start, "end": period.end, "on": period.on}

    def orm() -> Any:
        return build_report(organs=Organ.objects.all(), period=period, grouping="organ")

    def sql() -> dict[str, dict[str, int]]:
        rows: dict[str, dict[str, int]] = {}
        with connection.cursor() as cursor:
            cursor.execute(DOSSIERS_SQL, params)
            for organ, *counts in cursor.fetchall():
                rows[f"organ:{organ}"] = dict(zip(DOSSIER_SQL, counts, strict=True))
            cursor.execute(OFFERINGS_SQL, params)
            totals: dict[str, int] = {}
            for organ, *counts in cursor.fetchall():
                if organ is None:  # the grand total of GROUPING SETS
                    totals = dict(zip(OFFERING_SQL, counts, strict=True))
                    continue
                row = rows.setdefault(f"organ:{organ}", dict.fromkeys(DOSSIER_SQL, 0))
                row.update(zip(OFFERING_SQL, counts, strict=True))
        for row in rows.values():
            for key in OFFERING_SQL:
                row.setdefault(key, 0)
        total = {k: sum(r[k] for r in rows.values()) for k in DOSSIER_SQL} | totals
        return {"": total, **rows}

    orm()
    sql()  # warm: plans, caches
    orm_times, sql_times = [], []
    for _ in range(runs):  # alternate, so that load that comes and goes hits both alike
        started = time.perf_counter()
        report = orm()
        orm_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        figures = sql()
        sql_times.append(time.perf_counter() - started)
    from_report = {row.group: row.counts for row in report.rows} | {"": report.total.counts}
    differences = []
    for group in sorted(set(from_report) | set(figures)):
        a, b = from_report.get(group, {}), figures.get(group, {})
        for key in sorted(set(a) | set(b)):
            if a.get(key, 0) != b.get(key, 0):
                differences.append(
                    f"{group or 'total'} {key}: report {a.get(key)} sql {b.get(key)}"
                )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + DOSSIERS_SQL, params)
        plan = [r[0] for r in cursor.fetchall()]
    return {
        "orm": orm_times,
        "sql": sql_times,
        "groups": len(report.rows),
        "total": report.total.counts,
        "on_time_rate": report.total.rate("on_time_rate").text,
        "differences": differences,
        "plan": plan,
    }


def worker_count_filed(usernames: list[str]) -> dict[str, Any]:
    _django()
    from tinhso.dossiers.models import Dossier

    filed = Dossier.objects.filter(applicant__user__username__in=usernames)
    return {
        "dossiers": filed.count(),
        "submitted": filed.filter(state="submitted", code__isnull=True).count(),
        "with_submit_event": filed.filter(events__action="submit").count(),
    }


WORKERS = {
    "generate": worker_generate,
    "check": worker_check,
    "prepare": worker_prepare,
    "lookup": worker_lookup,
    "report": worker_report,
    "count_filed": worker_count_filed,
}


def run_worker(
    name: str, env: dict[str, str], *args: Any, timeout: float = 3600, script: str = __file__
) -> Any:
    """Run `name` in a child process on the bench database (a worker of `script`, this file
    unless another benchmark's); its JSON answer."""
    proc = subprocess.run(
        [PYTHON, str(Path(script).resolve()), "--worker", name, json.dumps(args)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker {name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# =============================================================================================
# HTTP load (stdlib only): rotating GETs, or POSTs of a signed-in applicant
# =============================================================================================


def http_once(port: int, raw: bytes) -> tuple[int, bytes, dict[str, str], list[str]]:
    """One request; (status, body, headers, Set-Cookie values)."""
    sock = _connect(port)
    try:
        sock.sendall(raw)
        buf = bytearray()
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                break
            buf += chunk
        head = bytes(buf[: buf.find(b"\r\n\r\n")]).decode("latin-1")
        cookies = [
            line.split(":", 1)[1].strip()
            for line in head.split("\r\n")[1:]
            if line.lower().startswith("set-cookie:")
        ]
        status, body, _reusable = _read_response(sock, buf)
    finally:
        sock.close()
    headers = {
        k.strip().lower(): v.strip()
        for k, _s, v in (line.partition(":") for line in head.split("\r\n")[1:])
    }
    return status, body, headers, cookies


def sign_in(port: int, username: str) -> tuple[str, str]:
    """Sign in through the login form; (Cookie header value, CSRF token)."""
    host = f"127.0.0.1:{port}"
    get = f"GET /accounts/login/ HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    status, body, _h, cookies = http_once(port, get)
    jar = dict(c.split(";", 1)[0].split("=", 1) for c in cookies)
    token = jar.get("csrftoken", "")
    if status != 200 or not token:
        raise RuntimeError(f"login page: HTTP {status}, cookies {list(jar)}")
    form = f"csrfmiddlewaretoken={token}&username={username}&password={BENCH_PASSWORD}"
    post = (
        f"POST /accounts/login/ HTTP/1.1\r\nHost: {host}\r\nCookie: csrftoken={token}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(form)}\r\n\r\n{form}"
    ).encode()
    status, body, _h, cookies = http_once(port, post)
    jar.update(dict(c.split(";", 1)[0].split("=", 1) for c in cookies))
    if status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"login: HTTP {status} {body[:300]!r}")
    return "; ".join(f"{k}={v}" for k, v in jar.items()), jar["csrftoken"]


def load_client(args: tuple[int, list[bytes], list[bytes], int, float, float]) -> list[Any]:
    """Requests one after another, cycling through `requests`, from `start_at` to `stop_at`;
    a response counts when its status is `status` and its body holds the matching `expected`.
    Returns [good, errors, first error]."""
    port, requests, expected, status_ok, start_at, stop_at = args
    good = errors = sent = 0
    first_error = ""
    delay = start_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    while sent < MAX_REQUESTS and time.monotonic() < stop_at:
        raw, want = requests[sent % len(requests)], expected[sent % len(expected)]
        sent += 1
        sock = None
        try:
            sock = _connect(port)
            sock.sendall(raw)
            status, body, _reusable = _read_response(sock, bytearray())
        except OSError as error:
            errors += 1
            first_error = first_error or f"{type(error).__name__}: {error}"
            time.sleep(0.01)
            continue
        finally:
            if sock is not None:
                sock.close()
        if time.monotonic() > stop_at:
            break  # finished after the window: not counted either way
        if status == status_ok and want in body:
            good += 1
        else:
            errors += 1
            first_error = first_error or f"HTTP {status}: {body[:200]!r}"
    return [good, errors, first_error]


def run_phase(
    pool: Any, port: int, per_client: list[tuple[list[bytes], list[bytes], int]], seconds: float
) -> tuple[float, int, int, str]:
    start_at = time.monotonic() + 0.05
    stop_at = start_at + seconds
    results = pool.map(
        load_client,
        [(port, reqs, exp, status, start_at, stop_at) for reqs, exp, status in per_client],
    )
    good = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    first = next((r[2] for r in results if r[2]), "")
    return good / seconds, good, errors, first


def get_request(port: int, path: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: tinhso-bench\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()


# Sync workers of the gunicorn under test (`--workers`): 2 by default, one per core; gunicorn's
# documentation suggests 2 × cores + 1, which lets a worker waiting on PostgreSQL give its core
# to another. The baseline view is served by the same server in the same run either way.
SERVER = {"workers": 2}


def start_gunicorn(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = [
        PYTHON, "-m", "gunicorn", "bench.wsgi:application",
        "--workers", str(SERVER["workers"]), "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}",
        "--error-logfile", str(log), "--log-level", "warning",
        "--no-control-socket", "--chdir", str(ROOT),
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if http_once(port, get_request(port, "/bench/bare"))[0] == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.2)
    stop(server)
    raise RuntimeError(log.read_text()[-3000:] if log.exists() else "gunicorn did not start")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# =============================================================================================
# The benchmark
# =============================================================================================


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **PG) as conn:
        conn.execute(sql)


def pg_exists() -> bool:
    import psycopg

    with psycopg.connect(dbname="postgres", connect_timeout=5, **PG) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
            is not None
        )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_dossiers(
    verdicts: Verdicts,
    *,
    dossiers: int = 1_000_000,
    keep_db: bool = False,
    lookups: int = 2_000,
    duration: float = 3.0,
    rounds: int = 5,
    clients: int = 4,
    filing_seconds: float = 5.0,
    report_runs: int = 5,
    year: int = 2025,
    conn_max_age: int | None = None,
) -> None:
    banner(f"3. Dossiers on PostgreSQL ({DB_NAME}), {dossiers:,} generated dossiers")
    try:
        existed = pg_exists()
    except Exception as error:
        verdicts.add(False, f"PostgreSQL on 127.0.0.1:5432 not reachable: {error}")
        return
    workdir = tempfile.TemporaryDirectory(prefix="tinhso-bench-dossiers-")
    tmp = Path(workdir.name)
    (tmp / "static").mkdir()
    env = base_env(
        DATABASE_URL=DB_URL.format(**PG),
        DJANGO_SETTINGS_MODULE="bench.settings",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(media_root(DB_NAME, tmp, keep=keep_db, fresh=not existed or not keep_db)),
    )
    env.pop("DEBUG", None)
    env.pop("BENCH_CONN_MAX_AGE", None)
    if conn_max_age is not None:
        env["BENCH_CONN_MAX_AGE"] = str(conn_max_age)
        print(f"EXPERIMENT: CONN_MAX_AGE={conn_max_age} (not the application's setting)")
    try:
        if existed and not keep_db:
            pg_admin(f"DROP DATABASE {DB_NAME}")
        if not existed or not keep_db:
            pg_admin(f"CREATE DATABASE {DB_NAME}")
        _bench(
            verdicts,
            env,
            tmp,
            dossiers=dossiers,
            lookups=lookups,
            duration=duration,
            rounds=rounds,
            clients=clients,
            filing_seconds=filing_seconds,
            report_runs=report_runs,
            year=year,
        )
    except Exception as error:
        verdicts.add(False, f"dossier benchmark aborted: {type(error).__name__}: {error}")
    finally:
        workdir.cleanup()
        if not keep_db:
            try:
                pg_admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
                print(f"dropped {DB_NAME}")
            except Exception as error:
                print(f"could not drop {DB_NAME}: {error}")


def _bench(
    verdicts: Verdicts,
    env: dict[str, str],
    tmp: Path,
    *,
    dossiers: int,
    lookups: int,
    duration: float,
    rounds: int,
    clients: int,
    filing_seconds: float,
    report_runs: int,
    year: int,
) -> None:
    scale = "full" if dossiers >= 20_000 else "small"
    print(f"migrate, then `tinhso seed --scale {scale}` (with its dossiers) …", flush=True)
    tinhso(["migrate", "--noinput"], env)
    started = time.perf_counter()
    # The documents' year of 3,100,480 is bench/documents.py's; here the dossiers only.
    seed_env = env | {"DEBUG": "true", "DEMO_YEAR_DOCUMENTS": "0"}
    out = tinhso(["seed", "--scale", scale, "--no-progress"], seed_env)
    seeded = time.perf_counter() - started
    print("    " + "\n    ".join(line.strip() for line in out.splitlines() if "created" in line))
    print(f"  seed --scale {scale}: {fmt_s(seeded)}", flush=True)
    print(f"generating dossiers up to {dossiers:,} (demo.generate, timed) …", flush=True)
    gen = run_worker("generate", env, dossiers)
    rate = gen["added"] / gen["seconds"] if gen["seconds"] else 0
    print(
        f"  generated {gen['added']:,} dossiers in {fmt_s(gen['seconds'])} ({rate:,.0f}/s); "
        f"in the database: {gen['dossiers']:,} dossiers, {gen['events']:,} events, "
        f"{gen['counters']:,} counters",
        flush=True,
    )
    started = time.perf_counter()
    pg_vacuum = f"VACUUM (ANALYZE) {', '.join(TABLES)}"
    import psycopg

    with psycopg.connect(dbname=DB_NAME, autocommit=True, **PG) as conn:
        conn.execute(pg_vacuum)
        size = conn.execute(f"SELECT pg_size_pretty(pg_database_size('{DB_NAME}'))").fetchone()[0]
    print(f"  VACUUM ANALYZE after the bulk load: {fmt_s(time.perf_counter() - started)}; {size}")
    verdicts.add(
        gen["dossiers"] >= dossiers,
        f"generated {gen['dossiers']:,} dossiers (wanted {dossiers:,}) in "
        f"{fmt_s(gen['seconds'])}, {rate:,.0f}/s, after the seed ({fmt_s(seeded)})",
    )
    print("checking the generated data (SQL over every dossier, due dates of a sample) …")
    found = run_worker("check", env, 2_000)
    for name, n in found.items():
        print(f"    {name:<70} {n:>6}")
    verdicts.add(not any(found.values()), "generated dossiers keep the invariants")

    prepared = run_worker("prepare", env, clients, lookups)
    pairs = prepared["lookups"]
    bench_lookup(verdicts, env, tmp, pairs, duration=duration, rounds=rounds, clients=clients)
    bench_report(verdicts, env, year=year, runs=report_runs)
    bench_filing(verdicts, env, tmp, prepared["users"], seconds=filing_seconds, rounds=rounds)


TABLES = ("dossiers_dossier", "dossiers_dossierevent", "dossiers_dossiercounter")


def bench_lookup(
    verdicts: Verdicts,
    env: dict[str, str],
    tmp: Path,
    pairs: list[list[str]],
    *,
    duration: float,
    rounds: int,
    clients: int,
) -> None:
    banner(f"3a. Public status lookup by code: {len(pairs):,} random dossiers")
    result = run_worker("lookup", env, pairs)
    lat, bare = result["lookups"], result["bare"]
    p50, p95, p99 = (pct(lat, q) for q in (0.5, 0.95, 0.99))
    b50, b95 = pct(bare, 0.5), pct(bare, 0.95)
    print("  in process (Django test client through the whole middleware stack), ms:")
    print(f"    {'':<28} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'errors':>7}")
    print(
        f"    {'bare view (baseline)':<28} {b50:>7.2f} {b95:>7.2f} {pct(bare, 0.99):>7.2f} "
        f"{max(bare):>7.2f} {result['bare_errors']:>7}"
    )
    print(
        f"    {'status lookup':<28} {p50:>7.2f} {p95:>7.2f} {p99:>7.2f} {max(lat):>7.2f} "
        f"{result['errors']:>7}"
    )
    per = result["persistent"]
    other = f"lookup, CONN_MAX_AGE={0 if result['conn_max_age'] else 60} (exp.)"
    print(
        f"    {other:<28} {pct(per, 0.5):>7.2f} {pct(per, 0.95):>7.2f} "
        f"{pct(per, 0.99):>7.2f} {max(per):>7.2f}"
    )
    print(
        f"  (CONN_MAX_AGE as configured: {result['conn_max_age']}; with 0 every request opens "
        "a new PostgreSQL connection, SCRAM authentication included)"
    )
    print("  the lookup's query on PostgreSQL (EXPLAIN ANALYZE):")
    print("    " + "\n    ".join(result["plan"]))
    verdicts.add(
        p95 < LOOKUP_P95_MS and result["errors"] == 0,
        f"status lookup p95 {p95:.2f} ms in process (target < {LOOKUP_P95_MS:g} ms; bare view "
        f"p95 {b95:.2f} ms, ratio {p95 / b95:.1f}x), {result['errors']} errors",
    )

    log = tmp / "gunicorn-lookup.log"
    server, port = start_gunicorn(env, log)
    try:
        bare_req = ([get_request(port, "/bench/bare")], [b'"ok": true'], 200)
        paths = [f"/api/v1/applications/status?code={c}&identifier={i}" for c, i in pairs]
        expected = [f'"code": "{c}"'.encode() for c, _i in pairs]
        per_client = []
        for n in range(clients):  # each client its own slice of the dossiers
            mine = slice(n, None, clients)
            per_client.append(([get_request(port, p) for p in paths[mine]], expected[mine], 200))
        targets = {"bare": [bare_req] * clients, "lookup": per_client}
        rates: dict[str, list[float]] = {k: [] for k in targets}
        errors = dict.fromkeys(targets, 0)
        first: dict[str, str] = dict.fromkeys(targets, "")
        with multiprocessing.Pool(clients) as pool:
            for load in targets.values():
                run_phase(pool, port, load, 1.0)  # warm-up
            for r in range(rounds):
                order = list(targets) if r % 2 == 0 else list(reversed(targets))
                figures = []
                for name in order:
                    rate, _good, errs, first_error = run_phase(pool, port, targets[name], duration)
                    rates[name].append(rate)
                    errors[name] += errs
                    first[name] = first[name] or first_error
                    figures.append(f"{name}={rate:,.0f}")
                print(f"    round {r + 1}: " + "  ".join(figures) + "  (req/s)", flush=True)
    finally:
        stop(server)
    bare_median = statistics.median(rates["bare"])
    lookup_median = statistics.median(rates["lookup"])
    paired = statistics.median(a / b for a, b in zip(rates["lookup"], rates["bare"], strict=True))
    ratio = lookup_median / bare_median
    print(
        f"  gunicorn, {SERVER['workers']} sync workers, {clients} client processes, "
        f"median of {rounds} rounds of "
        f"{duration:g} s: bare {bare_median:,.0f} req/s, lookup {lookup_median:,.0f} req/s "
        f"({ratio:.2f}x, paired {paired:.2f}); errors: bare {errors['bare']}, "
        f"lookup {errors['lookup']}"
    )
    for name, text in first.items():
        if text:
            print(f"  first error ({name}): {text}")
    verdicts.add(
        ratio >= LOOKUP_RATIO and errors["lookup"] == 0,
        f"status lookup under gunicorn {lookup_median:,.0f} req/s = {ratio:.2f} x bare view "
        f"({bare_median:,.0f} req/s; target >= {LOOKUP_RATIO}), {errors['lookup']} errors",
    )


def bench_report(verdicts: Verdicts, env: dict[str, str], *, year: int, runs: int) -> None:
    banner(f"3b. Classic report, whole province, {year}, grouped by organ")
    result = run_worker("report", env, year, runs)
    orm, sql = statistics.median(result["orm"]), statistics.median(result["sql"])
    total = result["total"]
    print(
        f"  {result['groups']} organs; received {total['received']:,}, resolved "
        f"{total['resolved']:,} (on time or early {result['on_time_rate']}), in progress at "
        f"the end {total['in_progress']:,}, waiting for supplement {total['waiting_supplement']:,}"
    )
    print(f"  median of {runs} alternating runs (min–max):")
    print(
        f"    build_report (ORM)      {orm:7.3f} s  ({min(result['orm']):.3f}–"
        f"{max(result['orm']):.3f})"
    )
    print(
        f"    hand-written SQL        {sql:7.3f} s  ({min(result['sql']):.3f}–"
        f"{max(result['sql']):.3f})  (baseline)"
    )
    print(f"    ratio report / SQL      {orm / sql:7.2f}")
    if result["differences"]:
        print("  figures that differ:\n    " + "\n    ".join(result["differences"][:20]))
    print("  the SQL aggregate's plan (EXPLAIN ANALYZE, first lines):")
    print("    " + "\n    ".join(result["plan"][:12]))
    verdicts.add(
        not result["differences"],
        "the report's figures equal the hand-written SQL's"
        + (f" ({len(result['differences'])} differ)" if result["differences"] else ""),
    )
    verdicts.add(
        orm < REPORT_SECONDS and orm / sql <= REPORT_RATIO,
        f"classic report {orm:.3f} s (target < {REPORT_SECONDS:g} s), {orm / sql:.2f} x the "
        f"hand-written SQL's {sql:.3f} s (target <= {REPORT_RATIO:g})",
    )


def bench_filing(
    verdicts: Verdicts,
    env: dict[str, str],
    tmp: Path,
    users: list[list[str]],
    *,
    seconds: float,
    rounds: int,
) -> None:
    clients = len(users)
    banner(f"3c. Online filing: POST /api/v1/applications, {clients} signed-in applicants")
    log = tmp / "gunicorn-filing.log"
    before = run_worker("count_filed", env, [u[0] for u in users])
    server, port = start_gunicorn(env, log)
    filed = 0
    try:
        per_client = []
        for username, identifier, name in users:
            cookie, token = sign_in(port, username)
            body = json.dumps(
                {
                    "service": LLTP,
                    "organ": LLTP_ORGAN,
                    "form_data": {
                        "ho_ten": name[:100],
                        "so_dinh_danh": identifier,
                        "loai_phieu": "Phiếu số 1",
                        "muc_dich": "Bổ sung hồ sơ xin việc",
                    },
                },
                ensure_ascii=False,
            ).encode()
            raw = (
                f"POST /api/v1/applications HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Cookie: {cookie}\r\nX-CSRFToken: {token}\r\n"
                "Content-Type: application/json\r\nAccept: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            per_client.append(([raw], [b'"state": "submitted"'], 201))
        bare = [([get_request(port, "/bench/bare")], [b'"ok": true'], 200)] * clients
        rates: dict[str, list[float]] = {"bare": [], "filing": []}
        errors = {"bare": 0, "filing": 0}
        first = {"bare": "", "filing": ""}
        with multiprocessing.Pool(clients) as pool:
            _r, good, errs, first_error = run_phase(pool, port, per_client, 1.0)  # warm-up
            filed += good
            errors["filing"] += errs
            first["filing"] = first_error
            for r in range(rounds):
                order = ["bare", "filing"] if r % 2 == 0 else ["filing", "bare"]
                figures = []
                for name in order:
                    load, span = (bare, 1.0) if name == "bare" else (per_client, seconds)
                    rate, good, errs, first_error = run_phase(pool, port, load, span)
                    rates[name].append(rate)
                    errors[name] += errs
                    first[name] = first[name] or first_error
                    if name == "filing":
                        filed += good
                    figures.append(f"{name}={rate:,.0f}")
                print(f"    round {r + 1}: " + "  ".join(figures) + "  (per s)", flush=True)
    finally:
        stop(server)
    after = run_worker("count_filed", env, [u[0] for u in users])
    added = after["dossiers"] - before["dossiers"]
    median = statistics.median(rates["filing"])
    bare_median = statistics.median(rates["bare"])
    print(
        f"  gunicorn, {SERVER['workers']} sync workers, {clients} client processes, "
        f"median of {rounds} rounds of "
        f"{seconds:g} s: {median:,.1f} dossiers/s (min {min(rates['filing']):,.1f}, max "
        f"{max(rates['filing']):,.1f}); bare view {bare_median:,.0f} req/s "
        f"(ratio {median / bare_median:.3f}); errors {errors['filing']}"
    )
    print(
        f"  201 responses counted (warm-up included): {filed:,}; new dossiers of the bench "
        f"applicants in the database: {added:,} (all submitted, without code: "
        f"{after['submitted'] - before['submitted']:,}; with their submit event: "
        f"{after['with_submit_event'] - before['with_submit_event']:,})"
    )
    for name, text in first.items():
        if text:
            print(f"  first error ({name}): {text}")
    verdicts.add(
        median >= FILING_RATE and errors["filing"] == 0,
        f"online filing {median:,.1f} dossiers/s under gunicorn (target >= {FILING_RATE:g}; "
        f"{median / bare_median:.3f} x the bare view's {bare_median:,.0f} req/s), "
        f"{errors['filing']} errors",
    )
    # Responses that finished after a window are not counted but their dossiers exist.
    verdicts.add(
        added >= filed and after["with_submit_event"] - before["with_submit_event"] == added,
        f"every 201 left its dossier: {added:,} new dossiers for {filed:,} counted 201s",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dossiers",
        type=int,
        default=1_000_000,
        help="dossiers to generate for the dossier benchmark (default 1,000,000)",
    )
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help=f"keep {DB_NAME} afterwards, and reuse it when it is there",
    )
    parser.add_argument(
        "--filing-seconds", type=float, default=5.0, help="seconds per filing round (default 5)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gunicorn sync workers for 3a and 3c (default 2, one per core)",
    )


def parse_or_work(
    parser: argparse.ArgumentParser, workers: dict[str, Any], argv: Sequence[str] | None
) -> argparse.Namespace | None:
    """The benchmark's arguments; or, in a child process started by `run_worker`, run the
    named worker, print its result as JSON and return None."""
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.worker:
        print(json.dumps(workers[args.worker](*json.loads(rest[0])), default=str))
        return None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument(
        "--rounds",
        type=int,
        default=9,
        help="rounds of 3a and 3c (default 9: with 5 the lookup's median ratio moved by "
        "±0.06 from run to run on a shared 2-core machine)",
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--conn-max-age", type=int, default=None, help="experiment")
    args = parse_or_work(parser, WORKERS, argv)
    if args is None:
        return 0
    if not (
        0 < args.dossiers <= 2_000_000
        and 0 < args.duration <= 30
        and 0 < args.rounds <= 20
        and 0 < args.clients <= 16
        and 0 < args.filing_seconds <= 30
        and 0 < args.workers <= 16
    ):
        parser.error(
            "--dossiers 1–2,000,000, --duration 0–30, --rounds 1–20, --clients 1–16, --workers 1–16"
        )
    SERVER["workers"] = args.workers
    verdicts = Verdicts()
    bench_dossiers(
        verdicts,
        dossiers=args.dossiers,
        keep_db=args.keep_db,
        duration=args.duration,
        rounds=args.rounds,
        clients=args.clients,
        filing_seconds=args.filing_seconds,
        conn_max_age=args.conn_max_age,
    )
    return verdicts.summary()


if __name__ == "__main__":
    sys.exit(main())
