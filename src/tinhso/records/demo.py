"""Demo work records, made by the real services over the demo documents (`documents.demo`):

- a file plan of the year for each demo organ with a demo clerk (the provincial People's
  Committee and its Office, the Department of Justice, Rạch Giá city, Phường Vĩnh Thanh
  Vân), prepared by the clerk in the morning of the first working day of January
  and approved by the leader in the afternoon;
- at the province, record 01.VP on the digital transformation plan is being filled (the plan,
  the directive, the department's report, a meeting note); record 02.VP on the report to
  the Ministry of Home Affairs (the ministry's letter, the answer, a note) was closed with
  its 10-year retention, exported as an archive package (verified as it is written) and
  handed to the archive;
- the Department of Justice closed its record of the province's plan (10 years), waiting
  for its clerk to take it into the archive; Rạch Giá and the ward keep theirs open.

Each paper is filed half an hour after it was issued or registered (`services.common.
acting_at`), so the history reads as the work went. The same at either scale, deterministic
for the demo documents; idempotent: played once, in one transaction, and skipped when the
province has a plan for the year of the story, when the story of documents is not there, or
when the directory's demo accounts are missing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.core.clock import acting_at
from tinhso.directory.models import Official, Organ
from tinhso.documents.demo import MARKER
from tinhso.documents.demo_context import load_cast
from tinhso.documents.models import Document, IncomingDocument
from tinhso.documents.states import OutgoingState
from tinhso.records import services
from tinhso.records.models import FilePlan, PlanEntry, WorkRecord
from tinhso.records.verify import verify_package

Paper = Document | IncomingDocument
FILE_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class PlanSpec:
    """The plan of organ `organ` (a key of `demo_context.ORGANS`): one heading and its
    planned records (title with `{year}`, retention, keeper's username)."""

    organ: str
    clerk: str
    leader: str
    heading: str
    code: str
    entries: tuple[tuple[str, str, str], ...]


PLANS = (
    PlanSpec(
        "province",
        "vanthu.tinh",
        "lanhdao.tinh",
        "Văn phòng",
        "VP",
        (
            (
                "Hồ sơ triển khai chuyển đổi số, gửi, nhận văn bản điện tử năm {year}",
                "Vĩnh viễn",
                "chuyenvien.tinh",
            ),
            ("Hồ sơ báo cáo Bộ Nội vụ về công tác văn thư năm {year}", "10", "chuyenvien.tinh"),
            ("Tập lưu văn bản đi của Ủy ban nhân dân tỉnh năm {year}", "50", "vanthu.tinh"),
        ),
    ),
    PlanSpec(
        "office",
        "vanthu.vp",
        "lanhdao.tinh",
        "Hành chính - Tổng hợp",
        "HC",
        (
            ("Tập lưu văn bản đi của Văn phòng năm {year}", "50", "vanthu.vp"),
            ("Hồ sơ tổ chức các cuộc họp của Ủy ban nhân dân tỉnh năm {year}", "10", "vanthu.vp"),
        ),
    ),
    PlanSpec(
        "justice",
        "vanthu.stp",
        "lanhdao.stp",
        "Văn phòng Sở",
        "VP",
        (
            (
                "Hồ sơ thực hiện Kế hoạch chuyển đổi số năm {year} của Ủy ban nhân dân tỉnh",
                "10",
                "chuyenvien.stp",
            ),
            ("Hồ sơ hướng dẫn nghiệp vụ chứng thực năm {year}", "20", "chuyenvien.stp"),
        ),
    ),
    PlanSpec(
        "city",
        "vanthu.rachgia",
        "lanhdao.rachgia",
        "Văn phòng HĐND và UBND thành phố",
        "VP",
        (
            (
                "Hồ sơ triển khai gửi, nhận văn bản điện tử trên địa bàn thành phố năm {year}",
                "10",
                "chuyenvien.rachgia",
            ),
            (
                "Hồ sơ tập huấn sử dụng hệ thống quản lý văn bản năm {year}",
                "5",
                "chuyenvien.rachgia",
            ),
        ),
    ),
    PlanSpec(
        "ward",
        "vanthu.vinhthanhvan",
        "lanhdao.vinhthanhvan",
        "Văn phòng - Thống kê",
        "VP",
        (
            (
                "Hồ sơ gửi, nhận văn bản điện tử trên địa bàn phường năm {year}",
                "10",
                "congchuc.vinhthanhvan",
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Note:
    title: str
    text: str
    at: datetime


@dataclass
class Made:
    """What the story created, for the seeder's line."""

    plans: int = 0
    records: dict[int, WorkRecord] = field(default_factory=dict)
    items: int = 0
    exported: int = 0

    def summary(self) -> str:
        closed = sum(1 for r in self.records.values() if r.state != "open")
        archived = sum(1 for r in self.records.values() if r.state == "archived")
        return (
            f"{self.plans} file plans, {len(self.records)} records ({closed} closed, "
            f"{archived} archived, {self.exported} exported), {self.items} items"
        )


def generate(*, now: datetime | None = None) -> Made | None:
    """Play the story once; None when it was played before (the province has a plan for the
    story's year), or the demo documents or the directory's demo accounts are missing."""
    cast = load_cast()
    if cast is None:
        return None
    organs, people = cast
    extra = Official.objects.filter(user__username="vanthu.vp", is_active=True).first()
    if extra is not None:
        people = {**people, "vanthu.vp": extra}
    # The story's first document (the newest of that summary: it is played last).
    first = (
        Document.objects.filter(
            organ=organs["province"], summary=MARKER, state=OutgoingState.ISSUED
        )
        .order_by("-pk")
        .first()
    )
    if first is None or first.issued_at is None:
        return None
    year = timezone.localtime(first.issued_at).year
    if FilePlan.objects.filter(organ=organs["province"], year=year).exists():
        return None
    story = Story(now or timezone.now(), year, organs, people)
    with transaction.atomic():
        tell(story, first)
    return story.made


class Story:
    """The cast, the year of the plans and a clock that never passes `now`."""

    def __init__(
        self, now: datetime, year: int, organs: dict[str, Organ], people: dict[str, Official]
    ):
        self.now, self.year = now, year
        self.organs, self.people = organs, people
        self.made = Made()
        self.last: dict[int, datetime] = {}  # the time of each record's last step

    def user(self, name: str) -> Any:
        return self.people[name].user

    def do(self, when: datetime, action: Callable[..., Any], **kwargs: Any) -> Any:
        with acting_at(min(when, self.now - timedelta(minutes=1))):
            return action(**kwargs)

    def plan(self, spec: PlanSpec, start: datetime, approve: datetime) -> dict[str, PlanEntry]:
        """The organ's plan, approved; its entries by notation (none if the organ already has
        a plan for the year or its clerk or leader is not a demo account)."""
        organ = self.organs[spec.organ]
        if spec.clerk not in self.people or spec.leader not in self.people:
            return {}
        if FilePlan.objects.filter(organ=organ, year=self.year).exists():
            return {}
        clerk = self.user(spec.clerk)
        plan = self.do(start, services.plan_create, organ=organ, year=self.year, actor=clerk)
        heading = self.do(
            start + timedelta(minutes=10),
            services.plan_add_heading,
            plan=plan,
            actor=clerk,
            title=spec.heading,
            code=spec.code,
        )
        entries = {}
        for i, (title, retention, keeper) in enumerate(spec.entries, start=2):
            entry = self.do(
                start + timedelta(minutes=5 * i),
                services.plan_add_entry,
                plan=plan,
                actor=clerk,
                heading=heading,
                title=title.format(year=self.year),
                retention=retention,
                keeper=self.people.get(keeper),
            )
            entries[entry.notation] = entry
        self.do(approve, services.plan_approve, plan=plan, actor=self.user(spec.leader))
        self.made.plans += 1
        return entries

    def fill(
        self,
        entry: PlanEntry | None,
        keeper: str,
        papers: list[Paper | None],
        notes: tuple[Note, ...] = (),
    ) -> WorkRecord | None:
        """Open the record of `entry` when its first paper came, then file each paper half
        an hour after it was issued or registered and each note at its time, in time order."""
        found = [p for p in papers if p is not None]
        if entry is None or not found:
            return None
        steps: list[tuple[datetime, int, Paper | Note]] = [
            (_moment(p) + FILE_AFTER, i, p) for i, p in enumerate(found)
        ]
        steps += [(n.at, len(found) + i, n) for i, n in enumerate(notes)]
        steps.sort(key=lambda step: (step[0], step[1]))
        actor = self.user(keeper)
        record: WorkRecord = self.do(
            steps[0][0] - timedelta(minutes=5), services.record_open, entry=entry, actor=actor
        )
        for when, _i, step in steps:
            if isinstance(step, Note):
                self.do(
                    when,
                    services.record_add_note,
                    record=record,
                    actor=actor,
                    title=step.title,
                    text_=step.text,
                )
            elif isinstance(step, Document):
                self.do(
                    when, services.record_file_document, record=record, actor=actor, document=step
                )
            else:
                self.do(
                    when, services.record_file_document, record=record, actor=actor, incoming=step
                )
            self.made.items += 1
        self._keep(record, steps[-1][0])
        return record

    def _keep(self, record: WorkRecord, when: datetime) -> None:
        self.made.records[record.pk] = record
        self.last[record.pk] = when

    def close(self, record: WorkRecord | None, keeper: str, note: str) -> WorkRecord | None:
        if record is None:
            return None
        when = self.last[record.pk] + timedelta(hours=1)
        closed: WorkRecord = self.do(
            when, services.record_close, record=record, actor=self.user(keeper), closing_note=note
        )
        self._keep(closed, when)
        return closed

    def hand_over(self, record: WorkRecord | None, clerk: str) -> None:
        """The clerk exports the closed record's archive package (checked as the archive
        would check it) and takes the record into the archive."""
        if record is None:
            return
        when = self.last[record.pk]
        actor = self.user(clerk)
        with tempfile.TemporaryFile() as target:
            self.do(
                when + timedelta(minutes=30),
                services.record_export,
                record=record,
                actor=actor,
                target=target,
            )
            target.seek(0)
            check = verify_package(target)
        if not check.ok:
            raise RuntimeError(f"the demo package of {record.code} is not intact: {check.findings}")
        self.made.exported += 1
        when += timedelta(hours=1)
        self._keep(self.do(when, services.record_archive, record=record, actor=actor), when)


def _moment(paper: Paper) -> datetime:
    if isinstance(paper, Document):
        assert paper.issued_at is not None
        return paper.issued_at
    return paper.registered_at or paper.arrived_at


def _plan_start(year: int, first_paper: datetime) -> datetime:
    """08:00 on the first weekday from 2 January (1 January is a holiday), or a day before
    the story's first paper when that comes earlier."""
    day = date(year, 1, 2)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime.combine(day, time(8, 0), timezone.get_current_timezone())
    return min(start, first_paper - timedelta(days=1))


class Papers:
    """The story's papers (`documents.demo`): issued outgoing documents from its first one on
    (a year of documents loaded at full scale comes before it), and the registered incoming
    documents they became or answered."""

    def __init__(self, first: Document):
        self.first = first
        self.moment = _moment(first)

    def issued(self, organ: Organ, **conditions: Any) -> Document | None:
        found = Document.objects.filter(
            pk__gte=self.first.pk, organ=organ, state=OutgoingState.ISSUED, **conditions
        )
        return found.order_by("issued_at", "pk").first()

    def arrived(self, organ: Organ, origin: Document | None) -> IncomingDocument | None:
        """`origin` as `organ` registered it."""
        if origin is None:
            return None
        return _registered(IncomingDocument.objects.filter(organ=organ, origin=origin).first())

    @staticmethod
    def answered(document: Document | None) -> IncomingDocument | None:
        """The incoming document `document` replies to."""
        return _registered(document.in_reply_to if document is not None else None)


def _registered(incoming: IncomingDocument | None) -> IncomingDocument | None:
    return incoming if incoming is not None and incoming.registered_at else None


def _after(paper: Paper | None, default: datetime, delay: timedelta) -> datetime:
    return (_moment(paper) if paper is not None else default) + delay


def tell(s: Story, first: Document) -> None:
    o, p = s.organs, Papers(first)
    # The clerks prepare the plans in the morning, the leaders approve them in the afternoon.
    start = _plan_start(s.year, p.moment)
    plans = {
        spec.organ: s.plan(
            spec, start + timedelta(minutes=30 * i), start + timedelta(hours=6, minutes=10 * i)
        )
        for i, spec in enumerate(PLANS)
    }

    # The province: the plan being filled, the report to the ministry handed to the archive.
    directive = p.issued(o["province"], doc_type="directive")
    answer = p.issued(o["province"], doc_type="report")
    reply = p.issued(o["justice"], doc_type="report")
    s.fill(
        plans["province"].get("01.VP"),
        "chuyenvien.tinh",
        [first, directive, p.arrived(o["province"], reply)],
        (
            Note(
                "Ghi chép cuộc họp giao ban về chuyển đổi số",
                "Chủ tịch Ủy ban nhân dân tỉnh giao Văn phòng theo dõi, tổng hợp kết quả gửi, "
                "nhận văn bản điện tử của các sở, ngành; báo cáo trước ngày 25 hằng tháng.",
                _after(directive, p.moment, timedelta(hours=3)),
            ),
        ),
    )
    report = s.fill(
        plans["province"].get("02.VP"),
        "chuyenvien.tinh",
        [p.answered(answer), answer],
        (
            Note(
                "Xác nhận gửi báo cáo qua Trục liên thông văn bản quốc gia",
                f"Báo cáo {answer.notation if answer else ''} đã gửi Bộ Nội vụ qua Trục liên "
                "thông văn bản quốc gia; Bộ đã nhận.",
                _after(answer, p.moment, timedelta(hours=1)),
            ),
        ),
    )
    report = s.close(
        report,
        "chuyenvien.tinh",
        "Hồ sơ gồm công văn của Bộ Nội vụ, báo cáo của Ủy ban nhân dân tỉnh và xác nhận "
        "gửi; văn bản đầy đủ, đúng thứ tự thời gian.",
    )
    s.hand_over(report, "vanthu.tinh")

    # The Department of Justice: its record of the province's plan, closed, for the archive.
    justice = s.fill(
        plans["justice"].get("01.VP"),
        "chuyenvien.stp",
        [p.answered(reply), reply],
        (
            Note(
                "Trao đổi với Văn phòng Ủy ban nhân dân tỉnh",
                "Văn phòng Ủy ban nhân dân tỉnh xác nhận đã nhận báo cáo của Sở qua hệ thống.",
                _after(reply, p.moment, timedelta(hours=2)),
            ),
        ),
    )
    s.close(
        justice,
        "chuyenvien.stp",
        "Hồ sơ gồm Kế hoạch của Ủy ban nhân dân tỉnh, báo cáo của Sở và ghi chú trao đổi.",
    )

    # Rạch Giá and the ward keep theirs open.
    forward = p.issued(o["city"])
    ward_report = p.issued(o["ward"])
    s.fill(
        plans["city"].get("01.VP"),
        "chuyenvien.rachgia",
        [
            p.arrived(o["city"], first),
            p.arrived(o["city"], directive),
            forward,
            p.arrived(o["city"], ward_report),
        ],
    )
    s.fill(
        plans["ward"].get("01.VP"),
        "congchuc.vinhthanhvan",
        [p.answered(ward_report), ward_report],
    )
