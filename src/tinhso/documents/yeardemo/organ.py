"""One organ's year of documents (`yeardemo.generate`): its outgoing and incoming documents in
the books, those still in flight, its registers, and their search entries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tinhso.directory.models import Organ
from tinhso.documents.models import Document, IncomingDocument, Recipient, Register, SearchEntry
from tinhso.documents.search.text import notation_text
from tinhso.documents.types import BY_KEY
from tinhso.documents.yeardemo import pools
from tinhso.documents.yeardemo.texts import OUTGOING_TYPES

if TYPE_CHECKING:
    from tinhso.documents.yeardemo.generate import Year

EXCHANGE_REF = "demo-year-"
OCR_NOTICE = "OCR skipped: Tesseract with Vietnamese not installed"
CLASSIFIED_AMONG_PAPER = 0.08
IN_FLIGHT = 0.01
OUT_SHARE = 0.40
RECENT_DAYS = 21
Series = tuple[int, str, bool]


class OrganYear:
    """`size` documents in `organ`'s books, `paper` of them not moved electronically."""

    def __init__(self, year: Year, organ: Organ, size: int, paper: int) -> None:
        self.y, self.organ = year, organ
        rng = year.rng
        self.n_out = round(size * OUT_SHARE)
        self.n_in = size - self.n_out
        self.paper = set(rng.sample(range(size), paper))
        self.organ_fold = [year.texts.fold(organ.name), year.texts.fold(organ.short_name)]
        self.leaders = year.staff.get((organ.pk, "leader"), [])
        self.clerks = year.staff.get((organ.pk, "clerk"), [])
        self.handlers = year.staff.get((organ.pk, "specialist"), []) or self.leaders
        # Numbers go on from what the registers hold already.
        self.numbers: dict[Series, int] = {
            (r.year, r.kind, r.classified): r.last for r in Register.objects.filter(organ=organ)
        }
        self.written = dict.fromkeys(("outgoing", "incoming", "classified", "in_flight"), 0)

    # --- helpers -------------------------------------------------------------------------

    def _number(self, series: Series) -> int:
        self.numbers[series] = number = self.numbers.get(series, 0) + 1
        return number

    def _texts(self, day: date, kind: str) -> tuple[str, str, dict[str, str]]:
        slots, folded_slots = self.y.texts.slots(self.y.rng, day)
        summary, folded = self.y.texts.summary(self.y.rng, kind, slots, folded_slots)
        return summary, folded, folded_slots

    def _entry(self, **values: Any) -> None:
        self.y.entries.add(
            id=self.y.take_id(SearchEntry),
            drafting_unit_id=None,
            organ_path=self.organ.tree_path,
            **values,
        )

    # --- outgoing ------------------------------------------------------------------------

    def _outgoing(self, at: datetime, *, electronic: bool, in_books: bool) -> None:
        y, rng = self.y, self.y.rng
        day = at.date()
        kind = pools.weighted(rng, OUTGOING_TYPES)
        classified = not electronic and rng.random() < CLASSIFIED_AMONG_PAPER
        legal = kind in ("decision", "resolution") and self.organ.kind.endswith("committee")
        legal = legal and not classified and rng.random() < 0.1
        summary, summary_folded, folded_slots = self._texts(
            day, "classified" if classified else kind
        )
        signer = rng.choice(self.leaders) if self.leaders else None
        doc_id = y.take_id(Document)
        state = "issued" if in_books else rng.choice(["draft", "in_review", "approved", "signed"])
        values: dict[str, Any] = {
            "id": doc_id,
            "organ_id": self.organ.pk,
            "doc_type": kind,
            "legal_normative": legal,
            "summary": summary,
            "place": "Kiên Giang",
            "urgency": pools.weighted(rng, pools.URGENCIES),
            "confidentiality": "confidential" if classified else "none",
            "signer_id": signer[0] if signer else None,
            "state": state,
            "version": 6 if in_books else 2,
            "created_at": at - timedelta(days=rng.randint(1, 6)),
            "updated_at": at,
        }
        notation = ""
        if in_books:
            series = (day.year, "legal" if legal else "outgoing", classified)
            number = self._number(series)
            abbr = BY_KEY[kind].abbreviation
            if not abbr:
                suffix = rng.choice(("VP", "TH", "KT"))
                notation = f"{number:02d}/{self.organ.short_name}-{suffix}"
            elif legal:
                notation = f"{number:02d}/{day.year}/{abbr}-{self.organ.short_name}"
            else:
                notation = f"{number:02d}/{abbr}-{self.organ.short_name}"
            values |= {
                "register_id": (self.organ.pk, *series),
                "number": number,
                "notation": notation,
                "issued_on": day,
                "issued_at": at,
                "issued_by_id": self.clerks[0][1] if self.clerks else None,
                "signed_by_id": signer[1] if signer else None,
                "signed_at": at - timedelta(hours=2),
                "signature_kind": "pades" if electronic else "recorded",
                "copies": rng.randint(2, 12),
                "distributed_at": at + timedelta(minutes=5),
            }
            self._recipients(doc_id, at, electronic=electronic)
        y.documents.add(**values)
        name, name_folded = y.type_names[kind]
        meta = "\n".join(p for p in [name_folded, summary_folded, *self.organ_fold] if p)
        self._entry(
            direction="out",
            document_id=doc_id,
            incoming_id=None,
            organ_id=self.organ.pk,
            assignee_id=None,
            doc_type=kind,
            type_name=name,
            dated=day if in_books else values["created_at"].date(),
            notation=notation,
            number=values.get("number"),
            summary=summary,
            sender_name="",
            state=state,
            urgency=values["urgency"],
            confidentiality=values["confidentiality"],
            meta="\n".join([notation_text(notation), meta]).strip(),
            signer=signer[3] if signer else "",
            content=y.texts.body(rng, folded_slots) if electronic else "",
        )
        self.written["outgoing" if in_books else "in_flight"] += 1
        self.written["classified"] += classified

    def _recipients(self, doc_id: int, at: datetime, *, electronic: bool) -> None:
        y, rng = self.y, self.y.rng
        age = (y.end - at.date()).days
        for order, (name, identifier) in enumerate(rng.sample(y.outside, rng.randint(1, 3))):
            line = y.take_id(Recipient)
            values: dict[str, Any] = {"id": line, "document_id": doc_id, "order": order}
            values |= {"name": name, "identifier": identifier if electronic else ""}
            if electronic:
                code = "06" if age > 20 else rng.choice(["03", "04", "05", "06"])
                values |= {
                    "channel": Recipient.Channel.EXCHANGE,
                    "status": Recipient.Status.SENT,
                    "status_code": code,
                    "status_at": at + timedelta(hours=rng.randint(1, 72)),
                    "exchange_ref": f"{EXCHANGE_REF}out-{line}",
                }
            else:
                values |= {"channel": Recipient.Channel.PAPER, "status": Recipient.Status.PAPER}
            y.recipients.add(**values)

    # --- incoming ------------------------------------------------------------------------

    def _incoming(self, arrived: datetime, *, electronic: bool, in_books: bool) -> None:
        y, rng = self.y, self.y.rng
        day = arrived.date()
        sender, identifier, abbr, sender_folded = rng.choice(y.senders)
        kind = pools.weighted(rng, OUTGOING_TYPES)
        classified = not electronic and rng.random() < CLASSIFIED_AMONG_PAPER
        summary, summary_folded, folded_slots = self._texts(
            day, "classified" if classified else kind
        )
        age = (y.end - day).days
        if not in_books:
            state = "arrived" if age < RECENT_DAYS and rng.random() < 0.7 else "refused"
        elif age < RECENT_DAYS + 4:
            state = rng.choice(["registered", "assigned", "in_handling", "completed"])
        else:
            state = "completed"
        signer_name, signer_folded = rng.choice(y.signers)
        type_abbr = BY_KEY[kind].abbreviation
        sender_number = rng.randint(1, 4000)
        sender_notation = (
            f"{sender_number}/{type_abbr}-{abbr}" if type_abbr else f"{sender_number}/{abbr}"
        )
        sender_date = day - timedelta(days=rng.randint(0, 4))
        in_id = y.take_id(IncomingDocument)
        values: dict[str, Any] = {
            "id": in_id,
            "organ_id": self.organ.pk,
            "source": "exchange" if electronic else "scan",
            "exchange_ref": f"{EXCHANGE_REF}{in_id}" if electronic else "",
            "sender_name": sender,
            "sender_identifier": identifier,
            "sender_notation": sender_notation,
            "sender_date": sender_date,
            "type_name": y.type_names[kind][0],
            "summary": summary,
            "signer_name": signer_name,
            "urgency": pools.weighted(rng, pools.URGENCIES),
            "confidentiality": "confidential" if classified else "none",
            "arrived_at": arrived,
            "state": state,
            "version": {"arrived": 1, "refused": 2, "registered": 2}.get(state, 5),
        }
        if state == "refused":
            values["refusal_reason"] = "Gửi nhầm cơ quan, đề nghị gửi đúng cơ quan có thẩm quyền."
        elif in_books:
            self._handled(values, day, arrived, classified)
        y.incoming.add(**values)
        type_name, type_folded = y.type_names[kind]
        meta = "\n".join(
            p for p in [type_folded, summary_folded, sender_folded, *self.organ_fold] if p
        )
        notices: list[dict[str, str]] = []
        if not electronic and not classified:
            notices = [{"file": "ban-quet.pdf", "code": "ocr_unavailable", "text": OCR_NOTICE}]
        self._entry(
            direction="in",
            document_id=None,
            incoming_id=in_id,
            organ_id=self.organ.pk,
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
            content=y.texts.body(rng, folded_slots) if electronic else "",
            notices=notices,
        )
        self.written["incoming" if in_books else "in_flight"] += 1
        self.written["classified"] += classified

    def _handled(
        self, values: dict[str, Any], day: date, arrived: datetime, classified: bool
    ) -> None:
        rng = self.y.rng
        series = (day.year, "incoming", classified)
        values |= {
            "register_id": (self.organ.pk, *series),
            "number": self._number(series),
            "registered_at": arrived + timedelta(minutes=20),
            "registered_by_id": self.clerks[0][1] if self.clerks else None,
        }
        handler = rng.choice(self.handlers) if self.handlers else None
        if values["state"] in ("assigned", "in_handling", "completed") and handler:
            values |= {
                "assignee_id": handler[0],
                "assigned_by_id": self.leaders[0][1] if self.leaders else None,
                "assigned_at": arrived + timedelta(hours=2),
                "deadline_days": 5,
                "handling_deadline": arrived + timedelta(days=7),
            }
        if values["state"] == "completed":
            values["completed_at"] = arrived + timedelta(days=rng.randint(1, 9))
            values["result_note"] = "Đã xử lý, báo cáo lãnh đạo."

    # --- the organ's year ----------------------------------------------------------------

    def _moments(self, days: list[date], n: int) -> list[datetime]:
        rng = self.y.rng
        return sorted(pools.moment(rng, rng.choice(days)) for _ in range(n))

    def write(self) -> dict[str, int]:
        """Generate and write the organ's year (inside the caller's transaction)."""
        y = self.y
        recent = [d for d in y.calendar if (y.end - d).days < RECENT_DAYS] or y.calendar
        # Each series in order of time, so that numbers follow the days and hours.
        for i, at in enumerate(self._moments(y.calendar, self.n_out)):
            self._outgoing(at, electronic=i not in self.paper, in_books=True)
        for i, at in enumerate(self._moments(y.calendar, self.n_in), start=self.n_out):
            self._incoming(at, electronic=i not in self.paper, in_books=True)
        for at in self._moments(recent, round(self.n_out * IN_FLIGHT)):
            self._outgoing(at, electronic=True, in_books=False)
        # Arrivals not registered yet (recent) and refusals (any day).
        late = round(self.n_in * IN_FLIGHT)
        pending = self._moments(recent, late // 2)
        for at in pending + self._moments(y.calendar, late - late // 2):
            self._incoming(at, electronic=True, in_books=False)
        registers = {}
        for (year, kind, classified), last in self.numbers.items():
            register, _created = Register.objects.update_or_create(
                organ=self.organ,
                year=year,
                kind=kind,
                classified=classified,
                defaults={"last": last},
            )
            registers[(self.organ.pk, year, kind, classified)] = register.pk
        for writer in (y.documents, y.incoming):
            index = writer.columns.index("register_id")
            writer.rows = [
                (*r[:index], registers[r[index]] if r[index] else None, *r[index + 1 :])
                for r in writer.rows
            ]
        # Recipient lines first: once their document is issued they are frozen (a trigger of
        # migration 0002); the foreign key is checked at commit.
        for writer in (y.recipients, y.documents, y.incoming, y.entries):
            writer.flush()
        return self.written | {"registers": len(registers)}
