"""Official documents on PostgreSQL: full-text search, registration and ingest over the seed
report's 3,100,480 documents (see bench/README.md, 5).

    .venv/bin/python bench/documents.py                        # 3,100,480 documents
    .venv/bin/python bench/documents.py --documents 200000     # a quicker run
    .venv/bin/python bench/documents.py --keep-db              # keep the database, reuse it
    .venv/bin/python bench/documents.py --keep-db --only search   # 5a alone on the kept database

The database (`tinhso_bench_docs` on 127.0.0.1:5432, role tinhso; BENCH_DOCS_DB_NAME to name
another) is made anew: migrate, `tinhso seed --scale full`
with its year of documents (`documents.yeardemo`, `DEMO_YEAR_DOCUMENTS` set to --documents:
COPY, the secondary indexes built after the load; timed by the seed), then the entries put in
order of date on disk (CLUSTER, as a register written day after day has them) and VACUUM
ANALYZE.
Checks of the data, then:

a. search: `search_documents` and `GET /api/v1/documents/search` (Django test client, whole
   stack) over realistic queries (with and without diacritics, notations, phrases,
   exclusions, filters) for officials of four scopes, against the same searches written as
   raw SQL; target p95 < 150 ms through the API;
b. registering an arrived incoming document (`services.register_incoming`), median, against
   a bare INSERT of an incoming row; target < 50 ms;
c. ingest (`services.receive_paper` with a one-page PDF: register, store the file, extract
   and index its text, no OCR) in documents/s, against a bare insert loop; target >= 100/s.

Every figure is printed with its baseline from the same run; the database is dropped at the
end unless --keep-db.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    PYTHON,
    Verdicts,
    banner,
    base_env,
    fmt_s,
    media_root,
    tinhso,
)

PG = {"host": "127.0.0.1", "port": 5432, "user": "tinhso", "password": "tinhso"}
DB_NAME = os.environ.get("BENCH_DOCS_DB_NAME", "tinhso_bench_docs")
DOCUMENTS = 3_100_480  # documents sent and received, the seed report (to 11/2020)
SEARCH_P95_MS = 150.0
REGISTER_MEDIAN_MS = 50.0
INGEST_RATE = 100.0
TABLES = (
    "documents_document",
    "documents_incomingdocument",
    "documents_recipient",
    "documents_searchentry",
)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def worker_vacuum() -> dict[str, Any]:
    """VACUUM ANALYZE the loaded tables (as an operator does after a bulk load); the sizes."""
    _django()
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:  # autocommit, outside any transaction
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(TABLES)}, documents_register")
        cursor.execute(f"SELECT pg_size_pretty(pg_database_size('{DB_NAME}'))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('documents_searchentry'))")
        index_size = cursor.fetchone()[0]
    return {"seconds": time.perf_counter() - started, "size": size, "index_size": index_size}


def worker_cluster() -> dict[str, Any]:
    """Put the search entries in order of date on disk, as a register filled day after day
    holds them (the year's generator writes them organ by organ): CLUSTER on the date index,
    which rewrites the table and rebuilds its indexes."""
    _django()
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("CLUSTER documents_searchentry USING documents_search_dated")
    return {"seconds": time.perf_counter() - started}


def worker_books() -> dict[str, int]:
    """The documents in the books of the year's organs, and those moved electronically, as
    the statistics count them (the year the seed loaded: the last 365 days)."""
    _django()
    from django.utils import timezone

    from tinhso.core.reporting import Period
    from tinhso.directory.models import Organ
    from tinhso.documents.statistics.report import counts_by_organ

    last = timezone.localdate()
    period = Period(first=last - timedelta(days=365), last=last)
    counts = list(counts_by_organ(organs=Organ.objects.all(), period=period).values())
    total = {k: sum(c[k] for c in counts) for k in counts[0]} if counts else {}
    return {
        "books": total.get("out_issued", 0) + total.get("in_registered", 0),
        "electronic": total.get("out_electronic", 0) + total.get("in_electronic", 0),
        "classified": total.get("out_classified", 0) + total.get("in_classified", 0),
    }


def worker_count() -> int:
    _django()
    from tinhso.documents.models import SearchEntry

    return SearchEntry.objects.count()


def worker_check(sample: int) -> dict[str, Any]:
    """Invariants in SQL over every document, and the entries of a random sample compared
    with what the application's indexing writes for them."""
    _django()
    from django.db import connection

    from tinhso.documents.models import Document, IncomingDocument, SearchEntry
    from tinhso.documents.search import indexing

    checks = {
        "documents without their one search entry": """
            SELECT (SELECT count(*) FROM documents_document d WHERE NOT EXISTS (
                      SELECT 1 FROM documents_searchentry e WHERE e.document_id = d.id))
                 + (SELECT count(*) FROM documents_incomingdocument i WHERE NOT EXISTS (
                      SELECT 1 FROM documents_searchentry e WHERE e.incoming_id = i.id))""",
        "registers whose last number is not the count of their documents": """
            SELECT count(*) FROM documents_register r WHERE r.last <> (
              SELECT count(*) FROM documents_document d WHERE d.register_id = r.id)
              + (SELECT count(*) FROM documents_incomingdocument i WHERE i.register_id = r.id)""",
        "numbers not gapless in their register": """
            SELECT count(*) FROM (SELECT register_id, count(*) n, max(number) top
              FROM (SELECT register_id, number FROM documents_document WHERE number IS NOT NULL
                    UNION ALL SELECT register_id, number FROM documents_incomingdocument
                    WHERE number IS NOT NULL) x GROUP BY register_id) g WHERE n <> top""",
        "classified entries with text beyond their metadata": """
            SELECT count(*) FROM documents_searchentry
            WHERE confidentiality <> 'none' AND content <> ''""",
    }
    found: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for name, sql in checks.items():
            cursor.execute(sql)
            found[name] = cursor.fetchone()[0]
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            "SELECT id FROM documents_searchentry TABLESAMPLE SYSTEM (1) ORDER BY random() "
            "LIMIT %s",
            [sample],
        )
        ids = [r[0] for r in cursor.fetchall()]
    wrong = 0
    entries = SearchEntry.objects.filter(pk__in=ids)
    for entry in entries.select_related("document__organ", "incoming__organ"):
        if entry.document_id:
            document = Document.objects.select_related("organ", "signer__user").get(
                pk=entry.document_id
            )
            expected = indexing.outgoing_values(document)
        else:
            incoming = IncomingDocument.objects.select_related("organ", "assignee").get(
                pk=entry.incoming_id
            )
            expected = indexing.incoming_values(incoming)
        fields = ("meta", "signer", "dated", "state", "organ", "doc_type", "notation")
        fields = (*fields, "organ_path", "unit_path")
        wrong += any(
            (entry.organ_id if f == "organ" else getattr(entry, f))
            != (expected[f].pk if f == "organ" else expected[f])
            for f in fields
        )
    found[f"entries unlike the application's indexing (sample of {len(ids)})"] = wrong
    return found


def worker_counts() -> dict[str, Any]:
    _django()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT direction, count(*), count(*) FILTER (WHERE content <> ''), "
            "count(*) FILTER (WHERE confidentiality <> 'none'), "
            "count(*) FILTER (WHERE notices::text <> '[]'), avg(length(content))::int, "
            "min(dated), max(dated) FROM documents_searchentry GROUP BY direction ORDER BY 1"
        )
        return {
            row[0]: {
                "entries": row[1],
                "with_text": row[2],
                "classified": row[3],
                "with_notice": row[4],
                "avg_text_chars": row[5],
                "from": str(row[6]),
                "to": str(row[7]),
            }
            for row in cursor.fetchall()
        }


from bench.documents_measure import (  # noqa: E402
    worker_ingest_check,
    worker_ingest_loop,
    worker_register,
    worker_search,
)

WORKERS = {
    "cluster": worker_cluster,
    "vacuum": worker_vacuum,
    "books": worker_books,
    "count": worker_count,
    "check": worker_check,
    "counts": worker_counts,
    "search": worker_search,
    "register": worker_register,
    "ingest_loop": worker_ingest_loop,
    "ingest_check": worker_ingest_check,
}


def run_worker(name: str, env: dict[str, str], *args: Any, timeout: float = 6 * 3600) -> Any:
    """Run `name` in a child process on the bench database; its JSON answer (its stderr,
    progress lines, goes through to ours)."""
    proc = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--worker", name, json.dumps(args)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"worker {name} failed:\n{proc.stdout[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **PG) as conn:
        conn.execute(sql)


def pg_exists() -> bool:
    import psycopg

    with psycopg.connect(dbname="postgres", connect_timeout=5, **PG) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        return found.fetchone() is not None


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_documents(
    verdicts: Verdicts,
    *,
    documents: int = DOCUMENTS,
    keep_db: bool = False,
    rounds: int = 5,
    ingest_seconds: float = 10.0,
    ingest_workers: int = 2,
    only: str = "",
) -> None:
    banner(f"5. Official documents on PostgreSQL ({DB_NAME}), {documents:,} documents")
    try:
        existed = pg_exists()
    except Exception as error:
        verdicts.add(False, f"PostgreSQL on 127.0.0.1:5432 not reachable: {error}")
        return
    workdir = tempfile.TemporaryDirectory(prefix="tinhso-bench-documents-")
    tmp = Path(workdir.name)
    (tmp / "static").mkdir()
    env = base_env(
        DATABASE_URL=f"postgres://{PG['user']}:{PG['password']}@{PG['host']}:{PG['port']}/"
        f"{DB_NAME}",
        DJANGO_SETTINGS_MODULE="bench.settings",
        STATIC_ROOT=str(tmp / "static"),
        TASK_BACKEND="immediate",
    )
    env.pop("DEBUG", None)
    try:
        env["MEDIA_ROOT"] = str(media_root(DB_NAME, tmp, keep=keep_db, fresh=False))
        reuse = existed and keep_db and run_worker("count", env) >= documents
        if not reuse:
            env["MEDIA_ROOT"] = str(media_root(DB_NAME, tmp, keep=keep_db, fresh=True))
        if existed and not reuse:
            pg_admin(f"DROP DATABASE {DB_NAME} WITH (FORCE)")
        if not reuse:
            pg_admin(f"CREATE DATABASE {DB_NAME}")
            _load(verdicts, env, documents)
        else:
            print(f"reusing {DB_NAME} with its {documents:,} documents (--keep-db)")
        _measure(
            verdicts,
            env,
            rounds=rounds,
            ingest_seconds=ingest_seconds,
            ingest_workers=ingest_workers,
            only=only,
        )
    except Exception as error:
        verdicts.add(False, f"documents benchmark aborted: {type(error).__name__}: {error}")
    finally:
        workdir.cleanup()
        if not keep_db:
            try:
                pg_admin(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
                print(f"dropped {DB_NAME}")
            except Exception as error:
                print(f"could not drop {DB_NAME}: {error}")


def _load(verdicts: Verdicts, env: dict[str, str], documents: int) -> None:
    print(f"migrate, then `tinhso seed --scale full` with a year of {documents:,} …", flush=True)
    tinhso(["migrate", "--noinput"], env)
    started = time.perf_counter()
    out = tinhso(
        ["seed", "--scale", "full", "--no-progress"],
        env | {"DEBUG": "true", "DEMO_YEAR_DOCUMENTS": str(documents)},
    )
    print(f"  seed --scale full: {fmt_s(time.perf_counter() - started)}", flush=True)
    year = [line.strip() for line in out.splitlines() if "year of documents" in line]
    print("  " + (year[0] if year else "no year of documents in the seed's output"), flush=True)
    clustered = run_worker("cluster", env)
    print(f"  CLUSTER by date {fmt_s(clustered['seconds'])}", flush=True)
    vacuum = run_worker("vacuum", env)
    print(
        f"  VACUUM ANALYZE {fmt_s(vacuum['seconds'])}; database {vacuum['size']}, of which the "
        f"search entries with their indexes {vacuum['index_size']}",
        flush=True,
    )
    books = run_worker("books", env)
    electronic = round(documents * 2_946_000 / 3_100_480)
    verdicts.add(
        books["books"] >= documents and books["electronic"] >= electronic and bool(year),
        f"the year's statistics count {books['books']:,} documents in the books (wanted "
        f"{documents:,} and the story's), {books['electronic']:,} moved electronically (wanted "
        f"{electronic:,} and the story's), {books['classified']:,} classified; {year[:1]}",
    )
    for direction, figures in run_worker("counts", env).items():
        print(f"    {direction}: {figures}")
    print("checking the generated data …", flush=True)
    for name, n in (found := run_worker("check", env, 2_000)).items():
        print(f"    {name:<75} {n:>6}")
    verdicts.add(not any(found.values()), "generated documents keep the invariants")


def _measure(
    verdicts: Verdicts,
    env: dict[str, str],
    *,
    rounds: int,
    ingest_seconds: float,
    ingest_workers: int,
    only: str = "",
) -> None:
    if only in ("", "search"):
        _measure_search(verdicts, env, rounds=rounds)
    if only in ("", "register"):
        _measure_register(verdicts, env)
    if only in ("", "ingest"):
        _measure_ingest(
            verdicts,
            env,
            rounds=rounds,
            ingest_seconds=ingest_seconds,
            ingest_workers=ingest_workers,
        )


def _measure_search(verdicts: Verdicts, env: dict[str, str], *, rounds: int) -> None:
    banner("5a. Full-text search")
    result = run_worker("search", env, rounds)
    for line in result["lines"]:
        print(line)
    api, selector, raw, naive = (result[k] for k in ("api", "selector", "raw", "naive"))
    p95, s95, r95 = pct(api, 0.95), pct(selector, 0.95), pct(raw, 0.95)
    print(
        f"  {len(api)} searches each way (naive: {len(naive)}); ms      p50     p95     p99     max"
    )
    for label, values in (
        ("API (whole stack)", api),
        ("search_documents", selector),
        ("its SQL replayed raw (baseline)", raw),
        ("naive hand-written SQL (info)", naive),
    ):
        print(
            f"    {label:<34} {pct(values, 0.5):7.1f} {pct(values, 0.95):7.1f} "
            f"{pct(values, 0.99):7.1f} {max(values):7.1f}"
        )
    verdicts.add(
        p95 < SEARCH_P95_MS and not result["errors"],
        f"search p95 {p95:.1f} ms through the API (target < {SEARCH_P95_MS:g} ms; "
        f"search_documents {s95:.1f} ms; its SQL replayed raw {r95:.1f} ms, ratio "
        f"{p95 / r95:.1f}x; naive hand-written SQL p95 {pct(naive, 0.95):.1f} ms), "
        f"{result['errors']} errors",
    )
    verdicts.add(
        not result["mismatches"],
        f"search_documents finds what the naive SQL finds, page and count "
        f"({result['mismatches']} searches differ)",
    )


def _measure_register(verdicts: Verdicts, env: dict[str, str]) -> None:
    banner("5b. Registering an incoming document")
    result = run_worker("register", env, 300)
    ours, bare = statistics.median(result["ours"]), statistics.median(result["bare"])
    print(
        f"  {len(result['ours'])} arrived documents registered one by one, interleaved with "
        f"bare INSERTs; ms: ours median {ours:.1f} (p95 {pct(result['ours'], 0.95):.1f}), "
        f"bare INSERT median {bare:.2f} (p95 {pct(result['bare'], 0.95):.2f}); queries per "
        f"registration: {result['queries']}"
    )
    verdicts.add(
        ours < REGISTER_MEDIAN_MS and result["numbers_ok"],
        f"register_incoming median {ours:.1f} ms (target < {REGISTER_MEDIAN_MS:g} ms; bare "
        f"INSERT {bare:.2f} ms, ratio {ours / bare:.0f}x); numbers gapless: "
        f"{'yes' if result['numbers_ok'] else 'NO'}",
    )


def _measure_ingest(
    verdicts: Verdicts,
    env: dict[str, str],
    *,
    rounds: int,
    ingest_seconds: float,
    ingest_workers: int,
) -> None:
    banner("5c. Ingest: register, store a PDF, extract and index its text")
    rates: dict[str, list[float]] = {"batch": [], "one": [], "bare": []}
    sample: list[Any] = []
    for r in range(rounds):
        ways = ["batch", "one", "bare"]
        for way in ways[r % 3 :] + ways[: r % 3]:
            processes = ingest_workers if way == "batch" else 1
            start_at = time.time() + 10  # the loaders start Django first, then wait
            loaders = [
                spawn_worker("ingest_loop", env, way, ingest_seconds, start_at, f"{r}{n}")
                for n in range(processes)
            ]
            results = [collect(loader) for loader in loaders]
            rates[way].append(sum(x["done"] for x in results) / ingest_seconds)
            sample += [s for x in results for s in x["sample"]]
        print(
            f"  round {r + 1}: in batches of 50 ({ingest_workers} processes) "
            f"{rates['batch'][-1]:,.1f}/s, one by one {rates['one'][-1]:,.1f}/s, bare insert "
            f"loop {rates['bare'][-1]:,.0f}/s",
            flush=True,
        )
    check = run_worker("ingest_check", env, sample[:40])
    rate, bare = statistics.median(rates["batch"]), statistics.median(rates["bare"])
    one = statistics.median(rates["one"])
    print(
        f"  a one-page PDF of {check['pdf_bytes']:,} bytes ({check['chars']} characters of "
        f"text), extracted alone (pypdf) in {check['extract_ms']:.1f} ms; median of {rounds} "
        f"rounds of {ingest_seconds:g} s"
    )
    verdicts.add(
        rate >= INGEST_RATE and check["found"] == check["sampled"],
        f"ingest {rate:,.0f} documents/s in batches of 50, {ingest_workers} processes (target "
        f">= {INGEST_RATE:g}; bare insert loop {bare:,.0f}/s, ratio {rate / bare:.2f}; one by "
        f"one through receive_paper {one:,.1f}/s); the PDFs' own words found by search for "
        f"{check['found']} of {check['sampled']} sampled",
    )


def spawn_worker(name: str, env: dict[str, str], *args: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PYTHON, str(Path(__file__).resolve()), "--worker", name, json.dumps(args)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def collect(process: subprocess.Popen[str]) -> Any:
    out, _err = process.communicate(timeout=3600)
    if process.returncode != 0:
        raise RuntimeError(f"worker failed:\n{out[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--documents",
        type=int,
        default=DOCUMENTS,
        help=f"documents to generate for the documents benchmark (default {DOCUMENTS:,})",
    )
    parser.add_argument(
        "--ingest-seconds", type=float, default=10.0, help="seconds per ingest round (default 10)"
    )
    parser.add_argument(
        "--ingest-workers",
        type=int,
        default=2,
        help="processes ingesting batches at once (default 2, one per core)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    add_arguments(parser)
    parser.add_argument("--keep-db", action="store_true", help=f"keep {DB_NAME}, reuse it")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--only",
        choices=("search", "register", "ingest"),
        default="",
        help="measure only 5a (search), 5b (register) or 5c (ingest)",
    )
    args, rest = parser.parse_known_args(argv)
    if args.worker:
        print(json.dumps(WORKERS[args.worker](*json.loads(rest[0])), default=str))
        return 0
    if not (1_000 <= args.documents <= 5_000_000 and 0 < args.rounds <= 20):
        parser.error("--documents 1,000–5,000,000, --rounds 1–20")
    verdicts = Verdicts()
    bench_documents(
        verdicts,
        documents=args.documents,
        keep_db=args.keep_db,
        rounds=args.rounds,
        ingest_seconds=args.ingest_seconds,
        ingest_workers=args.ingest_workers,
        only=args.only,
    )
    return verdicts.summary()


if __name__ == "__main__":
    sys.exit(main())
