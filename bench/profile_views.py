"""Where the time of an API lookup goes: each target through Django's test client, in
process (no HTTP server), with the number of SQL queries, the median time per request
against the bare view, and a cProfile of the API views. Run by bench/run.py (--profile, or
when an API figure misses its target) with the environment of the API benchmark."""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PATHS = (
    "/bench/bare",
    "/bench/pk",
    "/bench/ninja/units/30730?on=2020-11-03",
    "/api/v1/units/91?on=2020-11-03",
    "/api/v1/units/30730?on=2020-11-03",
    "/api/v1/organs/000.00.03.H33",
)
REQUESTS = 300
# Own time (tottime) of each function, summed by where the function lives.
GROUPS = (
    ("SQLite itself (cursor.execute, fetch)", ("sqlite3", "SQLiteCursorWrapper", "fetchmany")),
    (
        "Django ORM: building and compiling SQL",
        (
            "django/db/models/sql",
            "django/db/models/expr",
            "django/db/models/lookups",
            "django/db/models/q",
        ),
    ),
    ("Django ORM: rows to model instances, prefetch", ("django/db/models",)),
    ("Django DB backend (connection, cursor wrappers)", ("django/db",)),
    ("django-ninja", ("/ninja/",)),
    ("pydantic (validation, serialisation)", ("pydantic",)),
    (
        "Django request, middleware, URL resolving",
        (
            "django/core",
            "django/middleware",
            "django/contrib",
            "django/urls",
            "django/http",
            "django/utils",
        ),
    ),
    ("Django test client", ("django/test",)),
    ("application code (tinhso)", ("tinhso/",)),
    ("inspect (signature binding)", ("inspect.py",)),
    ("json", ("json/",)),
)


def grouped(stats: pstats.Stats) -> list[tuple[str, float]]:
    totals: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{filename}:{name}"
        group = next(
            (label for label, needles in GROUPS if any(n in where for n in needles)),
            "other (builtins, stdlib)",
        )
        totals[group] = totals.get(group, 0.0) + tottime
    return sorted(totals.items(), key=lambda kv: -kv[1])


def per_request_ms(client: Client, path: str) -> float:
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(REQUESTS // 5):
            client.get(path)
        samples.append((time.perf_counter() - started) / (REQUESTS // 5) * 1000)
    return statistics.median(samples)


def main() -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    for path in PATHS:  # warm up: imports, URL resolver, translations, connection
        for _ in range(20):
            assert client.get(path).status_code == 200, path
    rows = []
    for path in PATHS:
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        count = len(queries.captured_queries)  # before the next request resets the log
        rows.append((path, count, per_request_ms(client, path)))
    bare = rows[0][2]
    print(f"{'path':<40} {'queries':>7} {'ms/request':>10} {'x bare time':>11}")
    for path, count, ms in rows:
        print(f"{path:<40} {count:>7} {ms:>10.3f} {ms / bare:>11.2f}")
    for path in PATHS[3:]:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(REQUESTS):
            client.get(path)
        profile.disable()
        stats = pstats.Stats(profile)
        total = sum(t for _g, t in grouped(stats))
        print(f"\n--- {path}: {REQUESTS} requests, own time by component ---")
        for group, seconds in grouped(stats):
            print(f"    {group:<50} {seconds / total:>6.1%}")
        print(f"--- {path}: top functions by own time ---")
        stats.strip_dirs().sort_stats("tottime").print_stats(12)
        print(f"--- {path}: top by cumulative time ---")
        pstats.Stats(profile).strip_dirs().sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
