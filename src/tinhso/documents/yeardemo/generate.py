"""The year of documents: `count` documents in the books of the demo province's organs (issued
outgoing ones and registered incoming ones), of which exactly `electronic` moved electronically
as `statistics.definitions` counts it, plus the documents still in flight at the end (drafts in
review, arrivals not yet registered, refusals), which the statistics do not count.

For each organ, by the weight of its kind: 40 % outgoing, numbered gapless per register and
year in date order (notation per Decree 30: `12/QĐ-UBND`, `45/UBND-VP` for a công văn,
`07/2026/QĐ-UBND` for a legal normative one), each with its "Nơi nhận": electronic ones signed
with PAdES and sent through the exchange to outside organs (status `sent`, the receiver's last
status 03–06), the others signed on paper (`recorded`) and sent on paper; 60 % incoming,
numbered in order of arrival, electronic ones through the exchange, the others paper scans
whose search entry carries the OCR notice; most completed, recent ones registered, assigned or
being handled. About 0.4 % are classified (Mật) in their own series with their metadata only:
they are among the documents that did not move electronically, as the law wants them on paper.
Each electronic document has about 600 characters of file text on its topic in its search
entry, which is written as `search.indexing` writes it.

History, audit and file rows are not written: the year is the registers' and the statistics'
and the search's, not the story's (`documents.demo`), which plays every action for real.
Deterministic: one seeded random stream, the same `count` and `end` give the same rows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.core.textfold import fold
from tinhso.directory.demo import person
from tinhso.directory.models import Organ, RoleAssignment
from tinhso.documents.models import Document, IncomingDocument, Recipient, SearchEntry
from tinhso.documents.types import BY_KEY
from tinhso.documents.yeardemo import pools
from tinhso.documents.yeardemo.organ import EXCHANGE_REF, OrganYear
from tinhso.documents.yeardemo.texts import INCOMING_SENDERS
from tinhso.documents.yeardemo.writer import Writer, indexes_rebuilt, set_sequences

# The seed report: "tỷ lệ văn bản được gửi/nhận ở 3 cấp là 95% (2.946.000/3.100.480)".
REPORT_DOCUMENTS, REPORT_ELECTRONIC = 3_100_480, 2_946_000
SEED = 2020
TABLES = (
    "documents_document",
    "documents_incomingdocument",
    "documents_recipient",
    "documents_searchentry",
)
Progress = Callable[..., Any]  # a wrapper of iterables, as `tinhso seed` gives (tqdm)


def loaded() -> bool:
    """Whether a year of demo documents is in the database."""
    return IncomingDocument.objects.filter(exchange_ref__startswith=EXCHANGE_REF).exists()


def electronic_share(count: int) -> int:
    """The documents of `count` that moved electronically, in the seed report's proportion."""
    return round(count * REPORT_ELECTRONIC / REPORT_DOCUMENTS)


class Year:
    """The shared state of one load: texts, people, writers, next ids, registers' numbers."""

    def __init__(self, end: date, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (demo data, reproducible)
        self.end = end
        self.calendar = pools.working_days(end)
        self.now = timezone.now()
        organs = Organ.objects.select_related("unit").order_by("tree_path")
        self.organs = list(organs)
        places = sorted(
            {o.unit.name for o in self.organs if o.unit and o.unit.level in ("district", "commune")}
        ) or ["tỉnh Kiên Giang"]
        self.texts = pools.Texts(fold, places)
        self.staff: dict[tuple[int, str], list[tuple[int, int, str, str]]] = {}
        for grant in RoleAssignment.objects.select_related("official__user").order_by("pk"):
            official = grant.official
            name = official.user.full_name or official.user.username
            self.staff.setdefault((grant.organ_id, grant.role), []).append(
                (official.pk, official.user_id, name, fold(name))
            )
        self.signers = [
            (n, fold(n)) for n in (person(i, stream="signer").full_name for i in range(3000))
        ]
        self.senders = [(name, ident, abbr, fold(name)) for name, ident, abbr in INCOMING_SENDERS]
        self.outside = [
            (name, ident) for name, ident, _a in INCOMING_SENDERS if not ident.endswith("H33")
        ]
        self.type_names = {key: (t.name, fold(t.name)) for key, t in BY_KEY.items()}
        self.documents = Writer(Document, {"created_at": self.now, "updated_at": self.now})
        self.incoming = Writer(IncomingDocument)
        self.recipients = Writer(Recipient)
        self.entries = Writer(SearchEntry, {"indexed_at": self.now, "notices": []})
        self.next_id = {
            model: (model.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
            for model in (Document, IncomingDocument, Recipient, SearchEntry)
        }

    def take_id(self, model: type) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value


def generate(
    count: int = REPORT_DOCUMENTS,
    *,
    end: date | None = None,
    seed: int = SEED,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write a year of `count` documents in the books ending on `end` (yesterday by default,
    so that nothing is dated in the future), with their registers, recipient lines and search
    entries, written organ by organ in one transaction (an interrupted or failed load leaves
    nothing behind, the indexes dropped for it included); the figures of the load."""
    started = time.perf_counter()
    figures: dict[str, Any] = {"count": count, "electronic": electronic_share(count)}
    totals = dict.fromkeys(("outgoing", "incoming", "classified", "in_flight", "registers"), 0)
    with transaction.atomic(), indexes_rebuilt(TABLES, figures):
        year = Year(end or timezone.localdate() - timedelta(days=1), seed)
        weights = pools.organ_weights(year.organs)
        sizes = pools.split(count, weights)
        paper = pools.split(count - figures["electronic"], weights)
        plan = list(zip(year.organs, sizes, paper, strict=True))
        steps = progress(plan, total=len(plan), desc="year of documents") if progress else plan
        for organ, size, not_electronic in steps:
            if size:
                written = OrganYear(year, organ, size, min(not_electronic, size)).write()
                for key, value in written.items():
                    totals[key] += value
        set_sequences(TABLES)
    figures |= totals
    figures["seconds"] = time.perf_counter() - started
    return figures
