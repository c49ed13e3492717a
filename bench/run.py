"""Tỉnh Số benchmarks, run by `make bench` (see bench/README.md).

1. Seed at full scale: `tinhso seed --scale full` on a fresh SQLite database, against a raw
   `sqlite3` executemany of the very same rows into the same (migrated, empty) schema.
2. API lookup throughput: gunicorn (2 sync workers) on 127.0.0.1, three directory lookups
   against a bare Django JSON view (and a one-primary-key-read view) through the same stack.
3. Dossiers on PostgreSQL (bench/dossiers.py): a million generated dossiers; the public status
   lookup, the classic report against hand-written SQL, online filing under gunicorn.
4. Signatures (bench/signatures.py): PAdES signing and verification by our services against
   pyHanko's bare calls on the same file and key.
5. Official documents on PostgreSQL (bench/documents.py): 3,100,480 generated documents; full-
   text search against raw SQL, registering an incoming document against a bare INSERT,
   ingest (register, store, extract, index) against a bare insert loop.
8. Exchange throughput (bench/exchange_throughput.py, in its own process): signed edXML
   packages from one node's outbox to another node's inbox against a bare authenticated POST.

Every figure is printed with the baseline measured in the same run and the ratio between
them, since this 2-core machine is noisy: compare ratios and medians, not absolute times.
Only the Python standard library, Django's own packages and gunicorn are used (all in
requirements.lock). Load goes to 127.0.0.1 only and is bounded in time and count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import multiprocessing
import os
import re
import shutil
import socket
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository root
PYTHON = sys.executable

# --- what the seed must produce (the seed report's figures) ---------------------------------
SEED_TARGET_SECONDS = 300.0
EXPECTED_COUNTS = {
    "officials (directory_official)": ("SELECT count(*) FROM directory_official", 5_146),
    "citizens (directory_applicant kind='citizen')": (
        "SELECT count(*) FROM directory_applicant WHERE kind = 'citizen'",
        222_279,
    ),
    "applicants with eid_verified_at": (
        "SELECT count(*) FROM directory_applicant WHERE eid_verified_at IS NOT NULL",
        2_223,
    ),
}
# Shown for diagnosis only (not checked).
INFO_COUNTS = {
    "generated officials (user cb…)": "SELECT count(*) FROM directory_official o "
    "JOIN directory_user u ON u.id = o.user_id WHERE u.username LIKE 'cb%'",
    "businesses": "SELECT count(*) FROM directory_applicant WHERE kind = 'business'",
    "users": "SELECT count(*) FROM directory_user",
}

# --- API benchmark ---------------------------------------------------------------------------
API_TARGET_RATIO = 0.5


@dataclass(frozen=True)
class Target:
    label: str
    path: str
    expected: bytes  # must appear in every response body
    kind: str  # "baseline" or "api"


TARGETS = (
    Target("bare view (baseline)", "/bench/bare", b'"ok": true', "baseline"),
    Target("1 pk read (baseline 2)", "/bench/pk", b'"code": "', "baseline"),
    Target(
        "GET /api/v1/units/91?on=2020-11-03",
        "/api/v1/units/91?on=2020-11-03",
        b'"code": "91"',
        "api",
    ),
    Target(
        "GET /api/v1/units/30730?on=2020-11-03",
        "/api/v1/units/30730?on=2020-11-03",
        b'"code": "30730"',
        "api",
    ),
    Target(
        "GET /api/v1/organs/000.00.03.H33",
        "/api/v1/organs/000.00.03.H33",
        b'"qcvn102": "000.00.03.H33"',
        "api",
    ),
)
MAX_REQUESTS_PER_CLIENT_PHASE = 500_000  # a hard bound besides the time bound


@dataclass
class Verdicts:
    lines: list[tuple[bool, str]] = field(default_factory=list)

    def add(self, ok: bool, text: str) -> None:
        self.lines.append((ok, text))
        print(f"  {'PASS' if ok else 'FAIL'}: {text}")

    def summary(self) -> int:
        """Print every verdict again and the closing count; the exit code (1 if any failed)."""
        banner("Summary")
        for ok, text in self.lines:
            print(f"  {'PASS' if ok else 'FAIL'}: {text}")
        failed = sum(1 for ok, _ in self.lines if not ok)
        print(f"\n{len(self.lines) - failed} passed, {failed} failed")
        return 1 if failed else 0


def banner(title: str) -> None:
    print()
    print("=" * 78)
    print(title)
    print("=" * 78, flush=True)


def tinhso(args: Sequence[str], env: dict[str, str], *, log: Path | None = None) -> str:
    """Run the `tinhso` management command line; return its output (raise on failure)."""
    proc = subprocess.run(
        [PYTHON, "-m", "tinhso.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if log is not None:
        log.write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        print(proc.stdout[-4000:])
        print(proc.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"tinhso {' '.join(args)} failed with exit code {proc.returncode}")
    return proc.stdout


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    pythonpath = [str(ROOT), str(ROOT / "src")]
    if env.get("PYTHONPATH"):
        pythonpath.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(pythonpath)
    env.update(extra)
    return env


def media_root(db_name: str, tmp: Path, *, keep: bool, fresh: bool) -> Path:
    """Where a benchmark database's files live (stored documents, the development CA's signing
    keys): beside the database when it is kept (`var/bench/<db>/media`, emptied whenever the
    database is made anew), else in the run's temporary directory."""
    if not keep:
        return tmp / "media"
    media = ROOT / "var" / "bench" / db_name / "media"
    if fresh and media.exists():
        shutil.rmtree(media)
    media.mkdir(parents=True, exist_ok=True)
    return media


def fmt_s(seconds: float) -> str:
    return f"{seconds:,.1f} s"


# =============================================================================================
# 1. Seed at full scale
# =============================================================================================


def sql_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        counts = {
            name: conn.execute(sql).fetchone()[0] for name, (sql, _) in EXPECTED_COUNTS.items()
        }
        counts.update({name: conn.execute(sql).fetchone()[0] for name, sql in INFO_COUNTS.items()})
    conn.close()
    return counts


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        counts = {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    conn.close()
    return counts


def _tables_in_fk_order(conn: sqlite3.Connection) -> list[str]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    deps = {
        name: {r[2] for r in conn.execute(f'PRAGMA foreign_key_list("{name}")') if r[2] != name}
        for name in names
    }
    ordered: list[str] = []
    while deps:
        ready = sorted(n for n, d in deps.items() if not (d & deps.keys()))
        if not ready:  # a cycle: take the rest as they come (constraints are deferred)
            ready = sorted(deps)
        ordered.extend(ready)
        for n in ready:
            del deps[n]
    return ordered


def raw_insert_baseline(seeded: Path, empty: Path) -> tuple[float, dict[str, int]]:
    """Insert, with plain sqlite3 executemany, the rows that the seed added to each table
    into a copy of the same migrated, empty schema (same indexes, constraints and PRAGMAs as
    Django's SQLite connection: WAL, synchronous=NORMAL, foreign keys on). Rows are read
    before the clock starts; one transaction per table."""
    src = sqlite3.connect(seeded)
    dst = sqlite3.connect(empty, isolation_level=None)
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA synchronous=NORMAL")
    dst.execute("PRAGMA foreign_keys=ON")
    work: list[tuple[str, str, list[tuple[object, ...]]]] = []
    for table in _tables_in_fk_order(src):
        (max_before,) = dst.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()
        rows = src.execute(f'SELECT * FROM "{table}" WHERE rowid > ?', (max_before,)).fetchall()
        if not rows:
            continue
        marks = ", ".join("?" * len(rows[0]))
        work.append((table, f'INSERT INTO "{table}" VALUES ({marks})', rows))
    src.close()
    started = time.perf_counter()
    for _table, sql, rows in work:
        dst.execute("BEGIN IMMEDIATE")
        dst.executemany(sql, rows)
        dst.execute("COMMIT")
    elapsed = time.perf_counter() - started
    dst.close()
    return elapsed, {table: len(rows) for table, _sql, rows in work}


def seed_summary(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if "created" in line or "verified" in line]


def bench_seed(verdicts: Verdicts) -> None:
    banner("1. Seed at full scale: `tinhso seed --scale full --no-progress` (SQLite, fresh DB)")
    with tempfile.TemporaryDirectory(prefix="tinhso-bench-seed-") as tmp:
        tmpdir = Path(tmp)
        db = tmpdir / "bench.sqlite3"
        empty = tmpdir / "baseline.sqlite3"
        env = base_env(
            DATABASE_URL=f"sqlite:///{db}",
            DEBUG="true",
            DJANGO_SETTINGS_MODULE="tinhso.config.base",
            STATIC_ROOT=str(tmpdir / "static"),
            MEDIA_ROOT=str(tmpdir / "media"),
            # The year of 3,100,480 documents is measured on PostgreSQL (5); the raw baseline
            # here is the directory's rows.
            DEMO_YEAR_DOCUMENTS="0",
        )
        tinhso(["migrate", "--noinput"], env)  # not timed
        with sqlite3.connect(db) as s, sqlite3.connect(empty) as d:
            s.backup(d)  # the migrated, empty schema, for the raw-insert baseline
        s.close()
        d.close()

        print("seeding (first run, timed; this takes about a minute) …", flush=True)
        started = time.perf_counter()
        out = tinhso(["seed", "--scale", "full", "--no-progress"], env, log=tmpdir / "seed1.log")
        first = time.perf_counter() - started
        for line in seed_summary(out):
            print(f"    {line}")
        inner = re.search(r"loaded in ([0-9.]+) s", out)

        counts = sql_counts(db)
        tables = table_counts(db)
        print("rows in the database after the first run:")
        all_match = True
        for name, (_sql, expected) in EXPECTED_COUNTS.items():
            match = counts[name] == expected
            all_match &= match
            mark = "ok" if match else f"EXPECTED {expected:,}"
            print(f"    {name:<48} {counts[name]:>9,}  {mark}")
        for name in INFO_COUNTS:
            print(f"    {name:<48} {counts[name]:>9,}  (info)")

        print("seeding again (second run, must be idempotent) …", flush=True)
        started = time.perf_counter()
        out2 = tinhso(["seed", "--scale", "full", "--no-progress"], env, log=tmpdir / "seed2.log")
        second = time.perf_counter() - started
        for line in seed_summary(out2):
            print(f"    {line}")
        changed = {
            name: (tables.get(name, 0), n)
            for name, n in table_counts(db).items()
            if n != tables.get(name, 0)
        }
        for name, (before, after) in changed.items():
            print(f"    changed by the second run: {name} {before:,} -> {after:,} rows")
        idempotent = not changed and not re.search(r": [1-9][0-9]* (created|verified)", out2)

        print("baseline: raw sqlite3 executemany of the same rows into the same schema …")
        raw, per_table = raw_insert_baseline(db, empty)
        total_rows = sum(per_table.values())
        for table, n in sorted(per_table.items(), key=lambda kv: -kv[1]):
            print(f"    {table:<48} {n:>9,} rows")

        print()
        print(f"  machine: {os.cpu_count()} cores; wall-clock times of a noisy machine")
        print(
            f"  seed, first run (process wall time): {fmt_s(first)}"
            + (f"  (command's own figure: {inner.group(1)} s)" if inner else "")
        )
        print(f"  seed, second run (idempotent):       {fmt_s(second)}")
        print(
            f"  baseline, raw executemany of {total_rows:,} rows: {fmt_s(raw)}"
            f"  ({total_rows / raw:,.0f} rows/s)"
        )
        print(f"  ratio seed / raw insert: {first / raw:,.1f}x")
        print(f"  ratio second run / first run: {second / first:.2f}")
        verdicts.add(
            first < SEED_TARGET_SECONDS,
            f"full seed in {fmt_s(first)} (target < {SEED_TARGET_SECONDS:.0f} s; "
            f"{first / raw:,.1f}x the raw insert)",
        )
        differ = [
            f"{name.split(' (')[0]} {counts[name]:,} != {expected:,}"
            for name, (_sql, expected) in EXPECTED_COUNTS.items()
            if counts[name] != expected
        ]
        verdicts.add(
            all_match,
            "row counts equal the seed report's figures"
            + (f" ({'; '.join(differ)})" if differ else ""),
        )
        verdicts.add(idempotent, "second seed run created nothing and left the counts unchanged")


# =============================================================================================
# 2. API lookup throughput
# =============================================================================================


def _read_response(sock: socket.socket, buf: bytearray) -> tuple[int, bytes, bool]:
    """Read one HTTP/1.1 response; return (status, body, connection_reusable). `buf` keeps
    bytes received beyond this response."""
    while True:
        end = buf.find(b"\r\n\r\n")
        if end >= 0:
            break
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed before the headers")
        buf += chunk
    head = bytes(buf[:end]).decode("latin-1")
    del buf[: end + 4]
    lines = head.split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    reusable = headers.get("connection") != "close" and lines[0].startswith("HTTP/1.1")
    if "content-length" in headers:
        length = int(headers["content-length"])
        while len(buf) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed inside the body")
            buf += chunk
        body = bytes(buf[:length])
        del buf[:length]
    else:  # no length: the body runs to the end of the connection
        while chunk := sock.recv(65536):
            buf += chunk
        body, reusable = bytes(buf), False
        buf.clear()
    return status, body, reusable


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # Reset on close: no TIME_WAIT pile-up from one new connection per request.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return sock


def load_client(args: tuple[int, str, bytes, float, float, int]) -> tuple[int, int, str]:
    """One client process: HTTP/1.1 requests one after another (keep-alive when the server
    allows it, else one connection per request) from `start_at` to `stop_at`
    (time.monotonic, shared by processes). Returns (good responses, errors, first error)."""
    port, path, expected, start_at, stop_at, max_requests = args
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: tinhso-bench\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()
    good = errors = 0
    first_error = ""
    sock: socket.socket | None = None
    buf = bytearray()
    delay = start_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    sent = 0
    while sent < max_requests:
        if time.monotonic() >= stop_at:
            break
        sent += 1
        try:
            if sock is None:
                sock = _connect(port)
                buf.clear()
            sock.sendall(request)
            status, body, reusable = _read_response(sock, buf)
            if not reusable:
                sock.close()
                sock = None
        except OSError as error:  # includes ConnectionError, timeouts
            if sock is not None:
                sock.close()
                sock = None
            errors += 1
            first_error = first_error or f"{type(error).__name__}: {error}"
            time.sleep(0.01)
            continue
        if time.monotonic() > stop_at:
            break  # finished after the window: not counted either way
        if status == 200 and expected in body:
            good += 1
        else:
            errors += 1
            first_error = first_error or f"HTTP {status}: {body[:200]!r}"
    if sock is not None:
        sock.close()
    return good, errors, first_error


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def check_once(port: int, target: Target) -> tuple[bool, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", target.path)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200:
        return False, f"HTTP {response.status}: {body[:300]!r}"
    try:
        json.loads(body)
    except ValueError:
        return False, f"not JSON: {body[:300]!r}"
    if target.expected not in body:
        return False, f"{target.expected!r} not in {body[:300]!r}"
    return True, f"200, {len(body):,} bytes, {response.getheader('Connection') or '-'}"


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            if check_once(port, TARGETS[0])[0]:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def run_phase(
    pool: multiprocessing.pool.Pool, clients: int, port: int, target: Target, seconds: float
) -> tuple[float, int, str]:
    start_at = time.monotonic() + 0.05
    stop_at = start_at + seconds
    args = (port, target.path, target.expected, start_at, stop_at, MAX_REQUESTS_PER_CLIENT_PHASE)
    results = pool.map(load_client, [args] * clients)
    good = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    first_error = next((r[2] for r in results if r[2]), "")
    return good / seconds, errors, first_error


def bench_api(
    verdicts: Verdicts,
    *,
    duration: float,
    rounds: int,
    clients: int,
    warmup: float,
    profile: bool,
    conn_max_age: int | None,
) -> None:
    banner("2. API lookup throughput: gunicorn, 2 sync workers, 127.0.0.1")
    with tempfile.TemporaryDirectory(prefix="tinhso-bench-api-") as tmp:
        tmpdir = Path(tmp)
        (tmpdir / "static").mkdir()
        env = base_env(
            DATABASE_URL=f"sqlite:///{tmpdir / 'api.sqlite3'}",
            DJANGO_SETTINGS_MODULE="bench.settings",
            STATIC_ROOT=str(tmpdir / "static"),
            MEDIA_ROOT=str(tmpdir / "media"),
        )
        env.pop("DEBUG", None)  # bench.settings: DEBUG off, like production
        env.pop("BENCH_CONN_MAX_AGE", None)
        if conn_max_age is not None:
            env["BENCH_CONN_MAX_AGE"] = str(conn_max_age)
            print(f"EXPERIMENT: CONN_MAX_AGE={conn_max_age} (not the application's setting)")
        print("preparing a small-scale database (migrate + seed --scale small, not timed) …")
        tinhso(["migrate", "--noinput"], env)
        tinhso(["seed", "--scale", "small", "--no-progress"], env)

        port = free_port()
        log = tmpdir / "gunicorn.log"
        command = [
            PYTHON, "-m", "gunicorn", "bench.wsgi:application",
            "--workers", "2", "--worker-class", "sync",
            "--bind", f"127.0.0.1:{port}",
            "--error-logfile", str(log), "--log-level", "warning",
            "--no-control-socket", "--chdir", str(ROOT),
        ]  # fmt: skip
        server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        try:
            if not wait_ready(port, server):
                print(log.read_text() if log.exists() else "(no gunicorn log)")
                verdicts.add(False, "gunicorn did not start")
                return
            print(f"gunicorn pid {server.pid} on 127.0.0.1:{port}; checking every target once:")
            all_ok = True
            for target in TARGETS:
                ok, detail = check_once(port, target)
                all_ok &= ok
                print(f"    {target.label:<40} {'ok' if ok else 'WRONG'}: {detail}")
            if not all_ok:
                verdicts.add(False, "every target answers 200 with the expected body")
                return
            results = _measure(
                port, clients=clients, duration=duration, rounds=rounds, warmup=warmup
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            errors_logged = log.read_text().strip() if log.exists() else ""
        before = len(verdicts.lines)
        _report_api(verdicts, results, duration=duration, rounds=rounds, clients=clients)
        if errors_logged:
            print("gunicorn error log (last lines):")
            print("\n".join(errors_logged.splitlines()[-15:]))
        failed = any(not ok for ok, _text in verdicts.lines[before:])
        if profile or failed:
            _profile(env)


def _measure(
    port: int, *, clients: int, duration: float, rounds: int, warmup: float
) -> dict[Target, tuple[list[float], int, str]]:
    results: dict[Target, tuple[list[float], int, str]] = {t: ([], 0, "") for t in TARGETS}
    with multiprocessing.Pool(clients) as pool:
        print(f"warm-up: {warmup:g} s per target …", flush=True)
        for target in TARGETS:
            run_phase(pool, clients, port, target, warmup)
        print(
            f"measuring: {rounds} rounds x {len(TARGETS)} targets x {duration:g} s, "
            f"{clients} client processes, order rotated every round",
            flush=True,
        )
        for r in range(rounds):
            order = TARGETS[r % len(TARGETS) :] + TARGETS[: r % len(TARGETS)]
            figures = []
            for target in order:
                rate, errors, first_error = run_phase(pool, clients, port, target, duration)
                rates, errs, first = results[target]
                rates.append(rate)
                results[target] = (rates, errs + errors, first or first_error)
                figures.append(f"{target.path.split('?')[0].rsplit('/', 1)[-1]}={rate:,.0f}")
            print(f"    round {r + 1}: " + "  ".join(figures) + "  (req/s)", flush=True)
    return results


def _report_api(
    verdicts: Verdicts,
    results: dict[Target, tuple[list[float], int, str]],
    *,
    duration: float,
    rounds: int,
    clients: int,
) -> None:
    bare = statistics.median(results[TARGETS[0]][0])
    print()
    print(
        f"  machine: {os.cpu_count()} cores shared by gunicorn (master + 2 sync workers) and "
        f"the load generator ({clients} Python client processes): absolute req/s are lower "
        "than with a separate load machine; compare the ratios."
    )
    print(
        "  gunicorn's sync workers close the connection after each response, so every "
        "request (baseline and API alike) opens a new TCP connection."
    )
    print(f"  median of {rounds} rounds of {duration:g} s; min–max in brackets")
    print("  x bare: ratio of the medians (the verdict); paired: median over rounds of the")
    print("  ratio within each round (less sensitive to load that comes and goes)")
    print(
        f"  {'target':<40} {'req/s':>8} {'[min – max]':>17} {'x bare':>7} {'paired':>7}"
        f" {'errors':>7}"
    )
    bare_rates = results[TARGETS[0]][0]
    for target in TARGETS:
        rates, errors, _ = results[target]
        median = statistics.median(rates)
        paired = statistics.median(r / b for r, b in zip(rates, bare_rates, strict=True))
        print(
            f"  {target.label:<40} {median:>8,.0f} [{min(rates):>6,.0f} – {max(rates):>6,.0f}]"
            f" {median / bare:>7.2f} {paired:>7.2f} {errors:>7,}"
        )
    for target in TARGETS:
        rates, errors, first_error = results[target]
        if errors:
            print(f"  first error for {target.path}: {first_error}")
        ratio = statistics.median(rates) / bare
        if target.kind == "api":
            verdicts.add(
                ratio >= API_TARGET_RATIO and errors == 0,
                f"{target.label}: {ratio:.2f} x bare view (target >= {API_TARGET_RATIO}), "
                f"{errors} errors",
            )
        elif errors:
            verdicts.add(False, f"{target.label}: {errors} errors")


def _profile(env: dict[str, str]) -> None:
    banner("Profile of the API views (Django test client, in-process, cProfile)")
    subprocess.run(
        [PYTHON, str(ROOT / "bench" / "profile_views.py")], env=env, cwd=ROOT, check=False
    )


# =============================================================================================


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-seed", action="store_true", help="skip the full-scale seed")
    parser.add_argument("--skip-api", action="store_true", help="skip the API throughput")
    parser.add_argument(
        "--skip-dossiers", action="store_true", help="skip the dossier benchmark (PostgreSQL)"
    )
    parser.add_argument("--skip-signatures", action="store_true", help="skip the signing benchmark")
    parser.add_argument(
        "--skip-documents", action="store_true", help="skip the documents benchmark (PostgreSQL)"
    )
    parser.add_argument(
        "--skip-payments", action="store_true", help="skip the payments benchmark (PostgreSQL)"
    )
    parser.add_argument(
        "--reconcile", type=int, default=100_000, help="stale payments to reconcile (7b)"
    )
    parser.add_argument(
        "--skip-exchange",
        action="store_true",
        help="skip the exchange throughput, node to node (PostgreSQL)",
    )
    parser.add_argument(
        "--exchange-packages", type=int, default=1_000, help="packages node to node (8)"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=3.0,
        help="seconds per target per round (default 3, at most 30)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5, at most 20)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per target")
    parser.add_argument(
        "--clients", type=int, default=4, help="load-generator processes (default 4, at most 16)"
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="experiment: run gunicorn with this CONN_MAX_AGE instead of the application's",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the API views even when they meet the target",
    )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench import documents as documents_bench
    from bench import dossiers

    dossiers.add_arguments(parser)
    documents_bench.add_arguments(parser)
    args = parser.parse_args(argv)
    if not (
        0 < args.duration <= 30
        and 0 < args.rounds <= 20
        and 0 < args.clients <= 16
        and 0 <= args.warmup <= 10
    ):
        parser.error("--duration 0–30, --rounds 1–20, --clients 1–16, --warmup 0–10")

    print(
        f"Tỉnh Số benchmarks, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    verdicts = Verdicts()
    if not args.skip_seed:
        bench_seed(verdicts)
    if not args.skip_api:
        bench_api(
            verdicts,
            duration=args.duration,
            rounds=args.rounds,
            clients=args.clients,
            warmup=args.warmup,
            profile=args.profile,
            conn_max_age=args.conn_max_age,
        )
    if not args.skip_dossiers:
        dossiers.SERVER["workers"] = args.workers
        dossiers.bench_dossiers(
            verdicts,
            dossiers=args.dossiers,
            keep_db=args.keep_db,
            duration=args.duration,
            rounds=args.rounds,
            clients=args.clients,
            filing_seconds=args.filing_seconds,
            conn_max_age=args.conn_max_age,
        )
    if not args.skip_documents:
        documents_bench.bench_documents(
            verdicts,
            documents=args.documents,
            keep_db=args.keep_db,
            rounds=args.rounds,
            ingest_seconds=args.ingest_seconds,
            ingest_workers=args.ingest_workers,
        )
    if not args.skip_payments:
        from bench import payments

        payments.bench_payments(
            verdicts,
            rounds=args.rounds,
            duration=args.duration,
            reconcile=args.reconcile,
            keep_db=args.keep_db,
        )
    if not args.skip_exchange:  # its own process: it sets Django up as node 1
        banner("8. Exchange throughput, node to node (bench/exchange_throughput.py)")
        done = subprocess.run(
            [
                PYTHON,
                str(ROOT / "bench" / "exchange_throughput.py"),
                "--packages",
                str(args.exchange_packages),
            ],
            cwd=ROOT,
            check=False,
        )
        verdicts.add(
            done.returncode == 0,
            f"exchange throughput, {args.exchange_packages} packages node to node "
            "(figures and checks printed above)",
        )
    if not args.skip_signatures:  # last: it sets Django up in this process
        from bench import signatures

        signatures.bench_signatures(verdicts)
    return verdicts.summary()


if __name__ == "__main__":
    sys.exit(main())
