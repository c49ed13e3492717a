"""The measurements of bench/documents.py, each run in a child process with Django set up on
the bench database: search (API, selector and raw SQL), registration, ingest."""

from __future__ import annotations

import os
import random
import statistics
import time
from typing import Any
from urllib.parse import urlencode

SEARCH_USERS = ("lanhdao.tinh", "lanhdao.rachgia", "chuyenvien.stp", "vanthu.vp")
# What officials type, with and without diacritics; filters as the page offers them.
QUERIES: list[dict[str, str]] = [
    {"q": "kế hoạch chuyển đổi số"},
    {"q": "ke hoach chuyen doi so"},
    {"q": "phòng chống dịch covid"},
    {"q": "giải phóng mặt bằng Phú Quốc"},
    {"q": "giai phong mat bang phu quoc"},
    {"q": "báo cáo tình hình kinh tế xã hội tháng 10"},
    {"q": '"thu ngân sách nhà nước"'},
    {"q": "nghị định 30/2020/NĐ-CP công tác văn thư"},
    {"q": "tuyển dụng viên chức", "doc_type": "decision"},
    {"q": "dịch vụ công trực tuyến", "date_from": "-180", "date_to": "-90"},  # days ago
    {"q": "sạt lở bờ biển", "direction": "in"},
    {"q": "giấy mời hội nghị tổng kết"},
    {"q": "khen thưởng", "direction": "out", "state": "issued"},
    {"q": "an toàn giao thông -dự án"},
    {"q": "Bộ Tài chính thu ngân sách"},
    {"q": "UBND tỉnh An Giang hạn mặn"},
    {"q": "đăng ký đất đai or quyền sử dụng đất"},
    {"q": "phong chay chua chay", "urgency": "urgent"},
    {"q": "thực hiện"},
    {"q": "", "direction": "in", "state": "in_handling"},
]


# The columns a bare INSERT of an incoming row gives (the baselines of 5b and 5c): every
# NOT NULL column without a default.
BARE_COLUMNS = (
    "organ_id, source, exchange_ref, sender_name, sender_identifier, sender_notation, "
    "type_name, summary, signer_name, urgency, confidentiality, arrived_at, state, "
    "result_note, refusal_reason, revocation_reason, version"
)


def resolve(params: dict[str, str]) -> dict[str, str]:
    """Dates given as "-N" (N days before today) written as ISO dates."""
    from datetime import date, timedelta

    resolved = dict(params)
    for key in ("date_from", "date_to"):
        if resolved.get(key, "").startswith("-"):
            days = int(resolved[key][1:])
            resolved[key] = (date.today() - timedelta(days=days)).isoformat()
    return resolved


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def _samples(rng: random.Random) -> list[dict[str, str]]:
    """Searches built on the data: a real notation, a real signer, an organ's filter."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.7)")
        cursor.execute(
            "SELECT notation FROM documents_searchentry TABLESAMPLE SYSTEM (0.5) "
            "WHERE direction = 'out' AND notation <> '' ORDER BY random() LIMIT 3"
        )
        notations = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT u.full_name FROM directory_roleassignment r "
            "JOIN directory_official o ON o.id = r.official_id "
            "JOIN directory_user u ON u.id = o.user_id WHERE r.role = 'leader' "
            "ORDER BY r.id LIMIT 40"
        )
        leaders = [r[0] for r in cursor.fetchall()]
    found = [{"q": n} for n in notations]
    if leaders:
        found.append({"q": "quyết định", "signer": rng.choice(leaders)})
    found.append({"q": "", "organ": "000.00.03.H33", "date_from": "-30"})
    return found


def _raw_search(params: dict[str, str], scope: dict[str, list[int]]) -> tuple[list[int], int]:
    """The same search as hand-written SQL: the visibility as id arrays, the same filters,
    the same order, a page of 20 and the count capped at 1,001."""
    from django.db import connection

    from tinhso.documents.search.text import parse, tsquery_phrase

    parsed = parse(params.get("q", ""))
    where = [
        "((e.direction = 'out' AND (e.organ_id = ANY(%(scope)s) "
        "OR e.drafting_unit_id = ANY(%(scope)s)) "
        "AND (e.confidentiality = 'none' OR e.organ_id = ANY(%(secret_out)s))) "
        "OR (e.direction = 'in' AND ((e.organ_id = ANY(%(scope)s) "
        "AND (e.confidentiality = 'none' OR e.organ_id = ANY(%(secret_in)s))) "
        "OR e.assignee_id = ANY(%(me)s))))"
    ]
    values: dict[str, Any] = dict(scope) | {"q": parsed.text}
    if not parsed.empty:
        where.append("e.vector @@ websearch_to_tsquery('simple', %(q)s)")
    for key, column in (
        ("direction", "direction"),
        ("doc_type", "doc_type"),
        ("state", "state"),
        ("urgency", "urgency"),
    ):
        if params.get(key):
            where.append(f"e.{column} = %({key})s")
            values[key] = params[key]
    if params.get("date_from"):
        where.append("e.dated >= %(date_from)s")
        values["date_from"] = params["date_from"]
    if params.get("date_to"):
        where.append("e.dated <= %(date_to)s")
        values["date_to"] = params["date_to"]
    if params.get("organ"):
        where.append(
            "e.organ_id = (SELECT organ_id FROM directory_organidentifier "
            "WHERE value = %(organ)s LIMIT 1)"
        )
        values["organ"] = params["organ"]
    if params.get("signer"):
        where.append("e.vector @@ to_tsquery('simple', %(signer)s)")
        values["signer"] = tsquery_phrase(params["signer"], weight="C")
    condition = " AND ".join(where)
    rank = "0" if parsed.empty else "ts_rank_cd(e.vector, websearch_to_tsquery('simple', %(q)s))"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH hits AS (SELECT e.id FROM documents_searchentry e WHERE {condition} "
            f"ORDER BY e.dated DESC, e.id DESC LIMIT 1001) "
            f"SELECT e.id, e.direction, e.notation, e.summary, e.dated, e.state, o.short_name, "
            f"{rank} AS rank, count(*) OVER () FROM hits "
            f"JOIN documents_searchentry e ON e.id = hits.id "
            f"JOIN directory_organ o ON o.id = e.organ_id "
            f"ORDER BY rank DESC, e.dated DESC, e.id DESC LIMIT 20",
            values,
        )
        rows = cursor.fetchall()
    return [r[0] for r in rows], rows[0][-1] if rows else 0


def _scope(user: Any) -> dict[str, list[int]]:
    from tinhso.directory.models import Official
    from tinhso.directory.permissions import Action, organs_in_scope

    def ids(action: Action) -> list[int]:
        return list(organs_in_scope(user, action).values_list("pk", flat=True))

    view = ids(Action.VIEW_DOCUMENTS)
    return {
        "scope": view,
        "secret_out": sorted(set(ids(Action.REGISTER_DOCUMENT)) | set(ids(Action.SIGN_DOCUMENT))),
        "secret_in": sorted(set(ids(Action.REGISTER_DOCUMENT)) | set(ids(Action.ASSIGN_DOCUMENT))),
        "me": list(Official.objects.filter(user=user).values_list("pk", flat=True)),
    }


def _selector_kwargs(params: dict[str, str]) -> dict[str, Any]:
    from datetime import date

    from tinhso.directory.models import Organ

    kwargs: dict[str, Any] = {"query": params.get("q", "")}
    for key in ("direction", "doc_type", "state", "urgency", "signer"):
        if params.get(key):
            kwargs[key] = params[key]
    for key in ("date_from", "date_to"):
        if params.get(key):
            kwargs[key] = date.fromisoformat(params[key])
    if params.get("organ"):
        kwargs["organ"] = Organ.objects.get(identifiers__value=params["organ"])
    return kwargs


def _replay(statements: list[str]) -> None:
    """The SQL statements a search issued, sent again as they were, in one transaction."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description:
                cursor.fetchall()


def worker_search(rounds: int) -> dict[str, Any]:
    """Every query for every official, `rounds` times, three ways interleaved (the order
    rotated each round): the API through the whole stack, `search_documents`, and the SQL
    statements `search_documents` sent, replayed raw (the floor). In round 0 (warming the
    caches, not counted) the results are compared with a naive hand-written SQL of the same
    search, which round 1 also times for information."""
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tinhso.directory.models import User
    from tinhso.documents.search.query import search_documents

    rng = random.Random(7)
    queries = [resolve(q) for q in QUERIES + _samples(rng)]
    users = list(User.objects.filter(username__in=SEARCH_USERS).order_by("username"))
    scopes = {u.pk: _scope(u) for u in users}
    client = Client(HTTP_HOST="127.0.0.1")
    times: dict[str, list[float]] = {"api": [], "selector": [], "raw": [], "naive": []}
    per_query: dict[str, list[float]] = {}
    statements: dict[tuple[int, str], list[str]] = {}
    errors = mismatches = 0
    names = ", ".join(u.username for u in users)
    lines = [f"  {len(queries)} queries × {len(users)} officials ({names}) × {rounds} rounds"]
    totals: dict[str, int] = {}
    for round_number in range(rounds + 1):  # round 0 warms plans and caches, not counted
        for user in users:
            client.force_login(user)
            for params in queries:
                url = "/api/v1/documents/search?" + urlencode(params)
                key = (user.pk, url)
                kwargs = _selector_kwargs(params)
                if round_number == 0:
                    with CaptureQueriesContext(connection) as captured:
                        results = search_documents(user=User.objects.get(pk=user.pk), **kwargs)
                    statements[key] = [q["sql"] for q in captured.captured_queries]
                    totals[f"{user.username} {url}"] = results.total
                    expected = _raw_search(params, scopes[user.pk])
                    found = ([h.entry.pk for h in results.hits], min(results.total, 1001))
                    if found != expected:
                        mismatches += 1
                        if mismatches <= 5:
                            lines.append(f"  differs from the naive SQL: {user.username} {url}")
                if round_number == 1:
                    started = time.perf_counter()
                    _raw_search(params, scopes[user.pk])
                    times["naive"].append((time.perf_counter() - started) * 1000)
                fresh = User.objects.get(pk=user.pk)  # grants are read per request
                ways = ["api", "selector", "raw"]
                for way in ways[round_number % 3 :] + ways[: round_number % 3]:
                    started = time.perf_counter()
                    if way == "api":
                        response = client.get(url)
                        if response.status_code != 200:
                            errors += 1
                            lines.append(f"  error {response.status_code} on {url}")
                    elif way == "selector":
                        search_documents(user=fresh, **kwargs)
                    else:
                        _replay(statements[key])
                    elapsed = (time.perf_counter() - started) * 1000
                    if round_number:
                        times[way].append(elapsed)
                        if way == "api":
                            per_query.setdefault(url, []).append(elapsed)
    slowest = sorted(per_query.items(), key=lambda kv: -statistics.median(kv[1]))[:5]
    lines.append("  slowest searches through the API (median ms over officials and rounds):")
    lines += [f"    {statistics.median(v):7.1f}  {url}" for url, v in slowest]
    broad = max(totals.items(), key=lambda kv: kv[1])
    lines.append(f"  largest count: {broad[1]:,} ({broad[0]})")
    counts = sorted(len(v) for v in statements.values())
    lines.append(
        f"  SQL statements per search: {counts[0]}–{counts[-1]} (median "
        f"{statistics.median(counts):g}), the organs in scope, the newest date and the "
        "windows included"
    )
    return times | {"errors": errors, "mismatches": mismatches, "lines": lines}


def worker_register(count: int) -> dict[str, Any]:
    """`count` documents arrive through the exchange (not timed); then the clerk registers
    them one by one, each next to a bare INSERT of an incoming row."""
    _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tinhso.directory.models import User
    from tinhso.documents import services
    from tinhso.documents.models import IncomingDocument

    clerk = User.objects.get(username="vanthu.vp")
    organ = clerk.official.organ
    stamp = int(time.time())
    arrived = []
    for i in range(count + 1):
        incoming, _new = services.receive_from_exchange(
            organ=organ,
            exchange_ref=f"bench-register-{stamp}-{i}",
            sender_name="Bộ Nội vụ",
            sender_identifier="000.00.00.G10",
            sender_notation=f"{4000 + i}/BNV-VP",
            type_name="Công văn",
            summary=f"V/v báo cáo công tác cải cách hành chính năm 2020 (lần {i})",
            signer_name="Nguyễn Duy Thăng",
        )
        arrived.append(incoming)
    bare_sql = (
        f"INSERT INTO documents_incomingdocument ({BARE_COLUMNS}) VALUES "
        "(%s, 'exchange', %s, 'Bộ Nội vụ', '000.00.00.G10', %s, 'Công văn', %s, "
        "'Nguyễn Duy Thăng', 'normal', 'none', %s, 'arrived', '', '', '', 0) RETURNING id"
    )
    ours, bare, bare_ids = [], [], []
    with CaptureQueriesContext(connection) as queries:
        services.register_incoming(incoming=arrived[0], actor=User.objects.get(pk=clerk.pk))
    for i, incoming in enumerate(arrived[1:]):
        actor = User.objects.get(pk=clerk.pk)  # a request's fresh user
        for way in ("ours", "bare") if i % 2 == 0 else ("bare", "ours"):
            started = time.perf_counter()
            if way == "ours":
                services.register_incoming(incoming=incoming, actor=actor)
                ours.append((time.perf_counter() - started) * 1000)
            else:
                with connection.cursor() as cursor:
                    cursor.execute(
                        bare_sql,
                        [organ.pk, f"bench-bare-{stamp}-{i}", f"{i}/BNV-VP", "V/v", timezone.now()],
                    )
                    bare_ids.append(cursor.fetchone()[0])
                bare.append((time.perf_counter() - started) * 1000)
    IncomingDocument.objects.filter(pk__in=bare_ids).delete()  # rows without an entry
    numbers = sorted(
        IncomingDocument.objects.filter(pk__in=[a.pk for a in arrived]).values_list(
            "number", flat=True
        )
    )
    numbers_ok = numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    return {"ours": ours, "bare": bare, "queries": len(queries), "numbers_ok": numbers_ok}


def _pdf_template() -> bytes:
    """A one-page A4 PDF as documents arrive: Vietnamese text in an embedded font, streams
    compressed; plus a small uncompressed content stream with a reference line in a core
    font, so that copies differ by the reference alone (same length, same layout)."""
    import io

    from fontpkg_be_vietnam_pro import ROOT as FONT_ROOT
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("BeVietnamPro", "", str(FONT_ROOT / "files" / "BeVietnamPro-Regular.ttf"))
    pdf.set_font("BeVietnamPro", size=12)
    pdf.multi_cell(
        0,
        6,
        "ỦY BAN NHÂN DÂN TỈNH AN GIANG\nSố: 1234/UBND-KT\nV/v phối hợp phòng, chống hạn hán, "
        "xâm nhập mặn mùa khô 2020-2021\nKính gửi: Ủy ban nhân dân tỉnh Kiên Giang.\n"
        "Thực hiện Chỉ thị của Thủ tướng Chính phủ về phòng, chống hạn hán, thiếu nước, xâm "
        "nhập mặn, Ủy ban nhân dân tỉnh An Giang đề nghị phối hợp vận hành các công trình "
        "thủy lợi liên tỉnh, chia sẻ số liệu quan trắc độ mặn hằng ngày và thông tin kịp thời "
        "cho người dân chủ động lấy nước ngọt phục vụ sản xuất và sinh hoạt.",
    )
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    page = writer.pages[0]
    line = DecodedStreamObject()
    line.set_data(b"BT /FRef 9 Tf 56 40 Td (Ma luu tru KG000000) Tj ET")
    contents = page.raw_get("/Contents")
    page[NameObject("/Contents")] = ArrayObject([contents, writer._add_object(line)])
    page["/Resources"]["/Font"][NameObject("/FRef")] = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


INGEST_BATCH = 50
BARE_INSERT = (
    f"INSERT INTO documents_incomingdocument ({BARE_COLUMNS}) VALUES "
    "(%s, 'scan', '', 'UBND tỉnh An Giang', '', %s, 'Công văn', 'V/v', '', 'normal', 'none', "
    "now(), 'arrived', '', '', '', 0)"
)


def worker_ingest_loop(way: str, seconds: float, start_at: float, tag: str) -> dict[str, Any]:
    """One loader process of 5c, from `start_at` (wall clock) for `seconds`: "batch"
    (`ingest_incoming`, INGEST_BATCH documents with a distinct one-page PDF each), "one"
    (`receive_paper`, one document at a time) or "bare" (an INSERT per row). `tag` (two
    characters) keeps its PDFs' references apart from the other loaders'."""
    _django()
    from django.db import connection

    from tinhso.directory.models import User
    from tinhso.documents import services

    clerk = User.objects.get(username="vanthu.vp")
    organ = clerk.official.organ
    template = _pdf_template()
    assert template.count(b"KG000000") == 1
    made = 0
    references: list[tuple[str, int]] = []

    def item() -> tuple[services.IncomingItem, str]:
        nonlocal made
        made += 1
        reference = f"K{tag}{made % 100_000:05d}"  # as long as KG000000: the same layout
        return services.IncomingItem(
            sender_name="Ủy ban nhân dân tỉnh An Giang",
            sender_notation=f"{made}/UBND-KT",
            type_name="Công văn",
            summary="V/v phối hợp phòng, chống hạn hán, xâm nhập mặn mùa khô",
            signer_name="Nguyễn Thanh Bình",
            files=[("van-ban-den.pdf", template.replace(b"KG000000", reference.encode()))],
        ), reference

    User.objects.get(pk=clerk.pk)  # connected before the clock starts
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    done = 0
    began = time.perf_counter()
    while time.perf_counter() < began + seconds:
        actor = User.objects.get(pk=clerk.pk)  # a task's (or a request's) fresh user
        if way == "batch":
            batch = [item() for _ in range(INGEST_BATCH)]
            documents = services.ingest_incoming(
                organ=organ, actor=actor, items=[b for b, _r in batch]
            )
            references += [(ref, d.pk) for (_b, ref), d in zip(batch, documents, strict=True)]
            done += len(documents)
        elif way == "one":
            one, reference = item()
            incoming = services.receive_paper(
                organ=organ,
                actor=actor,
                sender_name=one.sender_name,
                sender_notation=one.sender_notation,
                type_name=one.type_name,
                summary=one.summary,
                signer_name=one.signer_name,
                files=one.files,
            )
            references.append((reference, incoming.pk))
            done += 1
        else:
            with connection.cursor() as cursor:
                cursor.execute(BARE_INSERT, [organ.pk, f"{made}/UBND-KT"])
            done += 1
    elapsed = time.perf_counter() - began
    sample = random.Random(tag).sample(references, min(10, len(references)))
    return {"done": done, "seconds": elapsed, "sample": sample}


def worker_ingest_check(sample: list[list[Any]]) -> dict[str, Any]:
    """Delete the bare loop's rows (no history, no entry); search the PDFs' reference words,
    which are in the files' text only; time the extraction of the PDF alone."""
    _django()
    from django.db import connection

    from tinhso.directory.models import User
    from tinhso.documents import textextract
    from tinhso.documents.search.query import search_documents

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM documents_incomingdocument WHERE source = 'scan' AND summary = 'V/v' "
            "AND sender_name = 'UBND tỉnh An Giang'"
        )
    clerk = User.objects.get(username="vanthu.vp")
    found = 0
    for reference, pk in sample:
        results = search_documents(user=User.objects.get(pk=clerk.pk), query=reference)
        found += pk in [h.entry.incoming_id for h in results.hits]
    template = _pdf_template()
    textextract.extract_text(template)
    started = time.perf_counter()
    for _ in range(20):
        extracted = textextract.extract_text(template)
    return {
        "found": found,
        "sampled": len(sample),
        "pdf_bytes": len(template),
        "extract_ms": (time.perf_counter() - started) / 20 * 1000,
        "chars": len(extracted.text),
    }
