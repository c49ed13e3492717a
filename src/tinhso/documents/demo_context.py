"""The cast and the clock of the demo documents (`documents.demo`): the organs and demo
officials who act, and each step run through the real services at its hour of a working day
before `now` (`core.clock.acting_at`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from tinhso.core.clock import acting_at
from tinhso.directory.models import Official, Organ, OrganIdentifier
from tinhso.documents import compose, services
from tinhso.documents.models import Document, IncomingDocument
from tinhso.documents.selectors import due_soon_horizon
from tinhso.documents.services.common import calendar
from tinhso.documents.services.composing import layout_for
from tinhso.documents.signing import NoSigningKey, organ_identity, personal_identity
from tinhso.signatures.services import DEV_PASSPHRASE
from tinhso.workcalendar.core import VIETNAM
from tinhso.workcalendar.selectors import calendar_for

MINISTRY = ("Bộ Nội vụ", "000.00.00.G10")  # a demo identifier, the one the tests use
ORGANS = {
    "province": "000.00.00.H33",
    "office": "000.00.01.H33",
    "home_affairs": "000.00.02.H33",
    "justice": "000.00.03.H33",
    "ict": "000.00.11.H33",
    "city": "000.00.24.H33",
    "city_office": "000.01.24.H33",
    "ha_tien": "000.00.25.H33",
    "ward": "000.24.24.H33",
    "ward2": "000.25.24.H33",
    "ward3": "000.26.24.H33",
}
PEOPLE = (
    "lanhdao.tinh",
    "vanthu.tinh",
    "chuyenvien.tinh",
    "lanhdao.stp",
    "vanthu.stp",
    "chuyenvien.stp",
    "lanhdao.rachgia",
    "vanthu.rachgia",
    "chuyenvien.rachgia",
    "lanhdao.vinhthanhvan",
    "vanthu.vinhthanhvan",
    "congchuc.vinhthanhvan",
)
DAYS_BACK = 25  # working days of history the story may use


@dataclass(frozen=True)
class Authority:
    """The signing block of a draft: marker, on behalf of whom, the signer's title."""

    marker: str = "TM."
    on_behalf_of: str = "Ủy ban nhân dân"
    title: str = "Chủ tịch"


COMMITTEE = Authority()
HEAD = Authority(marker="", on_behalf_of="", title="Giám đốc")


def load_cast() -> tuple[dict[str, Organ], dict[str, Official]] | None:
    """The organs (by the keys of ORGANS) and demo officials (by username), or None when the
    directory's demo data is not there."""
    found = OrganIdentifier.objects.filter(value__in=ORGANS.values()).select_related("organ")
    by_value = {i.value: i.organ for i in found}
    people = {
        o.user.username: o
        for o in Official.objects.filter(user__username__in=PEOPLE, is_active=True).select_related(
            "user"
        )
    }
    if len(people) < len(PEOPLE) or len(by_value) < len(ORGANS):
        return None
    return {key: by_value[value] for key, value in ORGANS.items()}, people


class Story:
    """The cast and a clock over the working days before `now` (`day` 1 is the last working
    day before today, so every step lies in the past)."""

    def __init__(self, now: datetime, organs: dict[str, Organ], people: dict[str, Official]):
        self.now = now.astimezone(VIETNAM)
        self.organs, self.people = organs, people
        working = calendar_for(year=self.now.year)
        self.days: list[date] = []
        day = self.now.date()
        while len(self.days) < DAYS_BACK:
            day -= timedelta(days=1)
            if working.is_working_day(day):
                self.days.append(day)

    def at(self, day: int, clock: str) -> datetime:
        hour, minute = (int(part) for part in clock.split(":"))
        return datetime.combine(self.days[day - 1], time(hour, minute), VIETNAM)

    def do(self, when: datetime, action: Any, **kwargs: Any) -> Any:
        with acting_at(when):
            return action(**kwargs)

    def user(self, name: str) -> Any:
        return self.people[name].user

    # --- outgoing ----------------------------------------------------------------------------

    def signs_for_real(self, signer: str, organ: Organ) -> bool:
        """Whether `signer` has a personal key and `organ` a key (its clerk seals with it)."""
        try:
            personal_identity(self.user(signer))
            organ_identity(self.user(signer), organ)
        except NoSigningKey:
            return False
        return True

    def draft(
        self,
        when: datetime,
        *,
        author: str,
        organ: str,
        signer: str,
        recipients: list[services.RecipientSpec] | None = None,
        authority: Authority = COMMITTEE,
        in_word: bool = False,
        reply_to: IncomingDocument | None = None,
        **fields: Any,
    ) -> Document:
        """A draft by `author` for `organ`, or the reply to `reply_to` (addressed to its
        sender): composed from the template when it will be signed for real, else drafted in
        Word and uploaded (the signature is then only recorded)."""
        actor, person = self.user(author), self.people[signer]
        block = {
            "signer": person,
            "signing_marker": authority.marker,
            "on_behalf_of": authority.on_behalf_of,
            "signer_title": authority.title,
        }
        if reply_to is not None:
            document = self.do(when, services.reply, incoming=reply_to, actor=actor, **fields)
            document = self.do(
                when, services.draft_update, document=document, actor=actor, changes=block
            )
        else:
            document = self.do(
                when,
                services.draft_create,
                organ=self.organs[organ],
                actor=actor,
                recipients=recipients or [],
                **block,
                **fields,
            )
        if not in_word and self.signs_for_real(signer, document.organ):
            self.do(when, services.compose_from_template, document=document, actor=actor)
        else:
            word = compose.compose_docx(layout_for(document))
            self.do(
                when,
                services.attach_file,
                document=document,
                actor=actor,
                name="du-thao.docx",
                data=word,
            )
        return document

    def submit(self, when: datetime, document: Document, author: str, approver: str) -> None:
        self.do(
            when,
            services.submit_for_review,
            document=document,
            actor=self.user(author),
            approver=self.people[approver],
        )

    def save_chain(self, when: datetime, organ: str, name: str, approver: str) -> Any:
        """The organ's leader saves an approval chain ending with `approver` (a leader too)."""
        return self.do(
            when,
            services.chain_create,
            organ=self.organs[organ],
            actor=self.user(approver),
            name=name,
            approver=self.people[approver],
        )

    def submit_along(self, when: datetime, document: Document, author: str, chain: Any) -> None:
        """The drafter sends `document` along a saved chain."""
        self.do(
            when,
            services.submit_for_review,
            document=document,
            actor=self.user(author),
            chain=chain,
        )

    def approve(self, when: datetime, document: Document, approver: str) -> None:
        self.do(when, services.review, document=document, actor=self.user(approver), agree=True)

    def sign(self, when: datetime, document: Document, signer: str) -> None:
        self.do(
            when,
            services.sign,
            document=document,
            actor=self.user(signer),
            passphrase=DEV_PASSPHRASE,
        )

    def issue(self, when: datetime, document: Document, clerk: str) -> Document:
        """Issued by the clerk (the organ's signature when the PDF was signed), then sent to
        its recipients five minutes later."""
        issued = self.do(
            when,
            services.issue,
            document=document,
            actor=self.user(clerk),
            passphrase=DEV_PASSPHRASE,
        )
        self.do(
            when + timedelta(minutes=5),
            services.distribute,
            document=issued,
            actor=self.user(clerk),
        )
        document.refresh_from_db()  # the caller's copy, with its number and notation
        return document

    # --- incoming ----------------------------------------------------------------------------

    def arrived(self, document: Document, organ: str) -> IncomingDocument:
        return IncomingDocument.objects.get(origin=document, organ=self.organs[organ])

    def register(self, when: datetime, incoming: IncomingDocument, clerk: str) -> None:
        self.do(when, services.register_incoming, incoming=incoming, actor=self.user(clerk))

    def assign(
        self, when: datetime, incoming: IncomingDocument, leader: str, handler: str, days: int
    ) -> None:
        self.do(
            when,
            services.assign,
            incoming=incoming,
            actor=self.user(leader),
            assignee=self.people[handler],
            deadline_days=days,
        )

    def start(self, when: datetime, incoming: IncomingDocument, handler: str) -> None:
        self.do(when, services.start_handling, incoming=incoming, actor=self.user(handler))

    def complete(self, when: datetime, incoming: IncomingDocument, handler: str, note: str) -> None:
        self.do(when, services.complete, incoming=incoming, actor=self.user(handler), note=note)

    @staticmethod
    def letter(
        when: datetime, sender: str, place: str, notation: str, summary: str, signer: str
    ) -> bytes:
        """The PDF of a letter from outside the platform (as received, or as scanned)."""
        local = when.astimezone(VIETNAM)
        layout = compose.Layout(
            organ=sender.upper(),
            number_line=f"Số: {notation}",
            place_date_line=f"{place}, ngày {local:%d} tháng {local:%m} năm {local:%Y}",
            summary=summary.removeprefix("V/v "),
            body=[f"{sender} đề nghị Ủy ban nhân dân tỉnh quan tâm, phối hợp thực hiện."],
            authority=["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"] if sender == MINISTRY[0] else ["GIÁM ĐỐC"],
            signer_name=signer,
            recipients=["Như trên"],
        )
        return compose.compose_pdf(layout)

    def from_ministry(
        self, when: datetime, organ: str, summary: str, notation: str, urgency: str = "normal"
    ) -> IncomingDocument:
        """An edXML package of the Ministry of Home Affairs arrives, with its PDF."""
        name, identifier = MINISTRY
        signer = "Nguyễn Văn Hải"
        pdf = self.letter(when, name, "Hà Nội", notation, summary, signer)
        incoming, _new = self.do(
            when,
            services.receive_from_exchange,
            organ=self.organs[organ],
            exchange_ref=f"DEMO-{identifier}-{notation}",
            sender_name=name,
            sender_identifier=identifier,
            sender_notation=notation,
            sender_date=when.astimezone(VIETNAM).date(),
            type_name="Công văn",
            summary=summary,
            signer_name=signer,
            urgency=urgency,
            files=[("cong-van.pdf", pdf)],
        )
        return incoming  # type: ignore[no-any-return]

    def due_soon_moment(self, organ: str, days: int, earliest: datetime) -> datetime:
        """An assignment moment from `earliest` on whose deadline of `days` working days falls
        within the last working day before `now`'s horizon (the queue marks it "due soon"),
        as near as may be to half a working day after `now`."""
        working = calendar(self.organs[organ], self.now)
        horizon, target = due_soon_horizon(self.now), working.add(self.now, 4 * 60)
        candidates = []
        moment = earliest
        while moment < self.now:
            due = working.due(moment, working_days=days)
            if self.now < due <= horizon:
                candidates.append((abs(due - target), moment))
            moment = working.add(moment, 30)
        return min(candidates)[1] if candidates else earliest
