"""Bulk generator of realistic official documents for bench/documents.py (PostgreSQL, COPY).

Runs inside Django on the bench database (a worker of bench/documents.py). For `count`
documents of the year ending on the day of the run (as in a register in use, the newest dated
today), spread over the demo province's organs (the provincial committee and its office, the
departments, district committees and offices, communes, weighted by kind), it writes the
registers, the outgoing documents (40 %: issued and numbered gapless per register and year in
date order, the last weeks partly still in draft or review; 0.4 % classified, in their own
series, metadata only), the incoming ones (60 %: 95 % through the exchange, 5 % paper scans;
numbered in order of arrival; most completed, recent ones registered, assigned or being
handled) and one search entry per document, exactly as `search.indexing` writes it for the
metadata. The "text of the files" of an electronic document is generated (a preamble and
paragraphs on the document's topic, already folded, as extraction would give it); a paper
scan's entry carries the OCR notice. The history, audit and file tables are not filled: no
measured operation reads them.

Summaries come from templates per type ("V/v triển khai …", "Quyết định phê duyệt …", "Báo
cáo tình hình … tháng …", "Giấy mời dự …") filled with topics, places (the province's real
districts and communes) and departments, so words are shared the way real registers share
them. Everything comes from one seeded random stream: the same count gives the same data.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bench.documents_text import (
    BODY_SENTENCES,
    INCOMING_SENDERS,
    MEETINGS,
    OUTGOING_TYPES,
    PREAMBLE,
    PROJECTS,
    SUMMARIES,
    TOPICS,
    UNITS,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SEED = 2020
DAYS = 365  # the year of documents ending on the day of the run
OUT_SHARE = 0.40
ELECTRONIC = 0.95
CLASSIFIED = 0.004
KIND_WEIGHTS = {
    "province_committee": 120,
    "committee_office": 60,
    "department": 40,
    "district_committee": 30,
    "district_office": 4,
    "commune_committee": 6,
}


def working_days(end: date) -> list[date]:
    """Monday to Friday of the DAYS days ending on `end`."""
    days = (end - timedelta(days=d) for d in range(DAYS))
    return sorted(d for d in days if d.weekday() < 5)


OCR_NOTICE = "OCR skipped: Tesseract with Vietnamese not installed"
Progress = Callable[[str], None]


def _folded(fold: Callable[[str], str], values: list[str]) -> list[tuple[str, str]]:
    return [(v, fold(v)) for v in values]


class Texts:
    """Every text pool, with each entry folded once (the generator composes folded text from
    folded pieces instead of folding a whole body per document)."""

    def __init__(self, fold: Callable[[str], str], places: list[str]) -> None:
        self.fold = fold
        self.topics = _folded(fold, TOPICS)
        self.places = _folded(fold, places)
        self.units = _folded(fold, UNITS)
        self.projects = _folded(fold, PROJECTS)
        self.meetings = _folded(fold, MEETINGS)
        self.preamble = [fold(p) for p in PREAMBLE]
        self.sentences = [fold(s) for s in BODY_SENTENCES]
        self.summaries = {k: _folded(fold, v) for k, v in SUMMARIES.items()}

    def slots(self, rng: random.Random, day: date) -> tuple[dict[str, str], dict[str, str]]:
        picks = {
            "topic": rng.choice(self.topics),
            "topic2": rng.choice(self.topics),
            "place": rng.choice(self.places),
            "unit": rng.choice(self.units),
            "project": rng.choice(self.projects),
            "meeting": rng.choice(self.meetings),
        }
        numbers = {
            "month": str(day.month),
            "quarter": str((day.month - 1) // 3 + 1),
            "year": str(day.year),
            "next": str(day.year + 1),
            "n": str(rng.randint(2, 60)),
        }
        # Projects and meetings carry number slots themselves ("dự toán ngân sách năm {next}").
        original = {k: v[0].format(**numbers) for k, v in picks.items()}
        folded = {k: v[1].format(**numbers) for k, v in picks.items()}
        return original | numbers, folded | numbers

    def summary(
        self, rng: random.Random, kind: str, slots: dict[str, str], folded: dict[str, str]
    ) -> tuple[str, str]:
        """A summary of a document of `kind`, and its folded text (fold(summary))."""
        templates = self.summaries.get(kind) or self.summaries["official_letter"]
        template, template_folded = rng.choice(templates)
        return template.format(**slots), template_folded.format(**folded)

    def body(self, rng: random.Random, folded_slots: dict[str, str]) -> str:
        """The folded text of the document's file: a preamble and 3–7 paragraphs."""
        parts = rng.sample(self.preamble, 2)
        parts += [s.format(**folded_slots) for s in rng.sample(self.sentences, rng.randint(3, 7))]
        return "\n".join(parts)


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _w in table], weights=[w for _k, w in table])[0]


def _moment(rng: random.Random, day: date) -> datetime:
    minutes = rng.randint(7 * 60 + 30, 16 * 60 + 45)
    return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=VN)


def shares(count: int, organs: list[Any]) -> list[int]:
    """Documents per organ, by the weight of its kind, summing exactly to `count`."""
    weights = [KIND_WEIGHTS.get(o.kind, 2) for o in organs]
    total = sum(weights)
    sizes = [count * w // total for w in weights]
    for i in range(count - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes


class Writer:
    """Rows for one table, in its column order, streamed to COPY."""

    def __init__(self, model: Any, defaults: dict[str, Any] | None = None) -> None:
        fields = model._meta.concrete_fields
        self.table = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.defaults = {f.column: f.get_default() for f in fields} | (defaults or {})
        for column, value in self.defaults.items():
            if isinstance(value, list | dict):
                self.defaults[column] = json.dumps(value)
        self.rows: list[tuple[Any, ...]] = []

    def add(self, **values: Any) -> None:
        row = self.defaults | values
        self.rows.append(tuple(row[c] for c in self.columns))

    def flush(self, cursor: Any) -> int:
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
            for row in self.rows:
                copy.write_row(row)
        written, self.rows = len(self.rows), []
        return written


def generate(
    count: int, *, end: date | None = None, seed: int = SEED, progress: Progress = print
) -> dict[str, Any]:
    """Write `count` documents of the year ending on `end` (today by default) with their
    registers (one per organ, year, kind and secrecy) and search entries; figures of the run."""
    from django.db import connection, transaction
    from django.utils import timezone

    from tinhso.core.textfold import fold
    from tinhso.directory.demo import person
    from tinhso.directory.models import Organ, RoleAssignment
    from tinhso.documents.models import Document, IncomingDocument, Register, SearchEntry
    from tinhso.documents.search.text import notation_text
    from tinhso.documents.types import BY_KEY

    rng = random.Random(seed)
    started = time.perf_counter()
    end = end or timezone.localdate()
    calendar = working_days(end)
    organs = list(Organ.objects.select_related("unit").order_by("tree_path"))
    places = sorted(
        {o.unit.name for o in organs if o.unit and o.unit.level in ("district", "commune")}
    ) or ["tỉnh Kiên Giang"]
    texts = Texts(fold, places)
    staff: dict[tuple[int, str], list[tuple[int, int, str, str]]] = {}
    for grant in RoleAssignment.objects.select_related("official__user").order_by("pk"):
        official = grant.official
        name = official.user.full_name or official.user.username
        staff.setdefault((grant.organ_id, grant.role), []).append(
            (official.pk, official.user_id, name, fold(name))
        )
    signers = _folded(fold, [person(i, stream="signer").full_name for i in range(3000)])
    senders = [(name, ident, abbr, fold(name)) for name, ident, abbr in INCOMING_SENDERS]
    type_names = {key: (t.name, fold(t.name)) for key, t in BY_KEY.items()}
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(max(id), 0) FROM documents_document UNION ALL "
            "SELECT coalesce(max(id), 0) FROM documents_incomingdocument UNION ALL "
            "SELECT coalesce(max(id), 0) FROM documents_searchentry"
        )
        next_out, next_in, next_entry = (row[0] + 1 for row in cursor.fetchall())
    documents = Writer(Document, {"created_at": now, "updated_at": now})
    incoming = Writer(IncomingDocument)
    entries = Writer(SearchEntry, {"indexed_at": now, "notices": "[]"})
    written = {"outgoing": 0, "incoming": 0, "classified": 0, "registers": 0}
    sizes = shares(count, organs)
    for organ, size in zip(organs, sizes, strict=True):
        organ_fold = [fold(organ.name), fold(organ.short_name)]
        leaders = staff.get((organ.pk, "leader"), [])
        clerks = staff.get((organ.pk, "clerk"), [])
        handlers = staff.get((organ.pk, "specialist"), []) or leaders
        n_out = round(size * OUT_SHARE)
        # Numbers go on from what the register holds already (the seed's demo documents).
        numbers: dict[tuple[int, str, bool], int] = {
            (r.year, r.kind, r.classified): r.last for r in Register.objects.filter(organ=organ)
        }
        # Each series in date order, so that numbers follow the days.
        out_days = sorted(rng.choice(calendar) for _ in range(n_out))
        in_days = sorted(rng.choice(calendar) for _ in range(size - n_out))
        for day in out_days:
            kind = _weighted(rng, OUTGOING_TYPES)
            classified = rng.random() < CLASSIFIED
            legal = kind in ("decision", "resolution") and organ.kind.endswith("committee")
            legal = legal and rng.random() < 0.1 and not classified
            slots, folded_slots = texts.slots(rng, day)
            summary, summary_folded = texts.summary(
                rng, "classified" if classified else kind, slots, folded_slots
            )
            at = _moment(rng, day)
            recent = (end - day).days < 21
            state = "issued"
            if recent and rng.random() < 0.3:
                state = rng.choice(["draft", "in_review", "approved", "signed"])
            signer = rng.choice(leaders) if leaders else None
            doc_id, next_out = next_out, next_out + 1
            values: dict[str, Any] = {
                "id": doc_id,
                "organ_id": organ.pk,
                "doc_type": kind,
                "legal_normative": legal,
                "summary": summary,
                "place": "Kiên Giang",
                "urgency": _weighted(rng, URGENCIES),
                "confidentiality": "confidential" if classified else "none",
                "signer_id": signer[0] if signer else None,
                "state": state,
                "version": 6 if state == "issued" else 2,
                "created_at": at - timedelta(days=rng.randint(1, 6)),
                "updated_at": at,
            }
            notation = ""
            if state == "issued":
                series = (day.year, "legal" if legal else "outgoing", classified)
                numbers[series] = number = numbers.get(series, 0) + 1
                abbr = BY_KEY[kind].abbreviation
                if not abbr:
                    notation = f"{number:02d}/{organ.short_name}-{rng.choice(('VP', 'TH', 'KT'))}"
                elif legal:
                    notation = f"{number:02d}/{day.year}/{abbr}-{organ.short_name}"
                else:
                    notation = f"{number:02d}/{abbr}-{organ.short_name}"
                values |= {
                    "register_id": (organ.pk, *series),
                    "number": number,
                    "notation": notation,
                    "issued_on": day,
                    "issued_at": at,
                    "issued_by_id": clerks[0][1] if clerks else None,
                    "signed_by_id": signer[1] if signer else None,
                    "signed_at": at - timedelta(hours=2),
                    "signature_kind": "pades",
                    "copies": rng.randint(2, 12),
                    "distributed_at": at + timedelta(minutes=5),
                }
            documents.add(**values)
            electronic = not classified and rng.random() < ELECTRONIC
            name, name_folded = type_names[kind]
            meta = "\n".join(p for p in [name_folded, summary_folded, *organ_fold] if p)
            entries.add(
                id=next_entry,
                direction="out",
                document_id=doc_id,
                incoming_id=None,
                organ_id=organ.pk,
                drafting_unit_id=None,
                assignee_id=None,
                doc_type=kind,
                type_name=name,
                dated=day if state == "issued" else values["created_at"].date(),
                notation=notation,
                number=values.get("number"),
                summary=summary,
                sender_name="",
                state=state,
                urgency=values["urgency"],
                confidentiality=values["confidentiality"],
                meta="\n".join([notation_text(notation), meta]).strip(),
                signer=signer[3] if signer else "",
                content=texts.body(rng, folded_slots) if electronic else "",
            )
            next_entry += 1
            written["outgoing"] += 1
            written["classified"] += classified
        for day in in_days:
            sender, identifier, abbr, sender_folded = rng.choice(senders)
            kind = _weighted(rng, OUTGOING_TYPES)
            classified = rng.random() < CLASSIFIED
            slots, folded_slots = texts.slots(rng, day)
            summary, summary_folded = texts.summary(
                rng, "classified" if classified else kind, slots, folded_slots
            )
            arrived = _moment(rng, day)
            scan = rng.random() > ELECTRONIC
            age = (end - day).days
            state = "completed"
            if age < 25:
                state = rng.choice(
                    ["arrived", "registered", "assigned", "in_handling", "completed"]
                )
            elif rng.random() < 0.005:
                state = "refused"
            signer_name, signer_folded = rng.choice(signers)
            sender_number = rng.randint(1, 4000)
            type_abbr = BY_KEY[kind].abbreviation
            sender_notation = (
                f"{sender_number}/{type_abbr}-{abbr}" if type_abbr else f"{sender_number}/{abbr}"
            )
            sender_date = day - timedelta(days=rng.randint(0, 4))
            in_id, next_in = next_in, next_in + 1
            handler = rng.choice(handlers) if handlers else None
            values = {
                "id": in_id,
                "organ_id": organ.pk,
                "source": "scan" if scan else "exchange",
                "exchange_ref": "" if scan else f"bench-{in_id}",
                "sender_name": sender,
                "sender_identifier": identifier,
                "sender_notation": sender_notation,
                "sender_date": sender_date,
                "type_name": type_names[kind][0],
                "summary": summary,
                "signer_name": signer_name,
                "urgency": _weighted(rng, URGENCIES),
                "confidentiality": "confidential" if classified else "none",
                "arrived_at": arrived,
                "state": state,
                "version": {"arrived": 1, "refused": 2, "registered": 2}.get(state, 5),
            }
            if state == "refused":
                values["refusal_reason"] = (
                    "Gửi nhầm cơ quan, đề nghị gửi đúng cơ quan có thẩm quyền."
                )
            elif state != "arrived":
                series = (day.year, "incoming", classified)
                numbers[series] = number = numbers.get(series, 0) + 1
                values |= {
                    "register_id": (organ.pk, *series),
                    "number": number,
                    "registered_at": arrived + timedelta(minutes=20),
                    "registered_by_id": clerks[0][1] if clerks else None,
                }
                if state in ("assigned", "in_handling", "completed") and handler:
                    values |= {
                        "assignee_id": handler[0],
                        "assigned_by_id": leaders[0][1] if leaders else None,
                        "assigned_at": arrived + timedelta(hours=2),
                        "deadline_days": 5,
                        "handling_deadline": arrived + timedelta(days=7),
                    }
                if state == "completed":
                    values["completed_at"] = arrived + timedelta(days=rng.randint(1, 9))
                    values["result_note"] = "Đã xử lý, báo cáo lãnh đạo."
            incoming.add(**values)
            type_name, type_folded = type_names[kind]
            meta = "\n".join(
                p for p in [type_folded, summary_folded, sender_folded, *organ_fold] if p
            )
            notices = "[]"
            if scan and not classified:
                notices = json.dumps(
                    [{"file": "ban-quet.pdf", "code": "ocr_unavailable", "text": OCR_NOTICE}]
                )
            entries.add(
                id=next_entry,
                direction="in",
                document_id=None,
                incoming_id=in_id,
                organ_id=organ.pk,
                drafting_unit_id=None,
                assignee_id=values.get("assignee_id"),
                doc_type=kind,
                type_name=type_name,
                dated=sender_date,
                notation=sender_notation,
                number=values.get("number"),
                summary=summary,
                sender_name=sender,
                state=state,
                urgency=values["urgency"],
                confidentiality=values["confidentiality"],
                meta="\n".join([notation_text(sender_notation), meta]).strip(),
                signer=signer_folded,
                content="" if scan or classified else texts.body(rng, folded_slots),
                notices=notices,
            )
            next_entry += 1
            written["incoming"] += 1
            written["classified"] += classified
        with transaction.atomic():
            registers = {}
            for (year, kind, classified), last in numbers.items():
                register, _created = Register.objects.update_or_create(
                    organ=organ,
                    year=year,
                    kind=kind,
                    classified=classified,
                    defaults={"last": last},
                )
                registers[(organ.pk, year, kind, classified)] = register.pk
                written["registers"] += 1
            for writer, key in ((documents, "register_id"), (incoming, "register_id")):
                index = writer.columns.index(key)
                writer.rows = [
                    (*r[:index], registers[r[index]] if r[index] else None, *r[index + 1 :])
                    for r in writer.rows
                ]
            with connection.cursor() as cursor:
                documents.flush(cursor.cursor)
                incoming.flush(cursor.cursor)
                entries.flush(cursor.cursor)
        done = written["outgoing"] + written["incoming"]
        if done and (done // 100_000) != ((done - size) // 100_000):
            rate = done / (time.perf_counter() - started)
            progress(f"  {done:,} documents written ({rate:,.0f}/s)")
    with connection.cursor() as cursor:
        for table in ("documents_document", "documents_incomingdocument", "documents_searchentry"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
    written["seconds"] = time.perf_counter() - started
    return written


URGENCIES = [("normal", 88), ("urgent", 8), ("very_urgent", 3), ("express", 1)]
