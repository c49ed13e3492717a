"""The state machines of work records and file plans (pure: no Django imports).

Work record (hồ sơ công việc, Decree 30/2020 art. 28–31): open (đang lập: documents, notes
and attachments are filed, reordered, removed) → closed (kết thúc: counts, dates and the
contents list are fixed) → archived (nộp lưu: handed to the organ's archive). A leader may
reopen a closed record, with a reason; an archived one belongs to the archive and never
reopens. A closed or archived record can be exported as an archive package.

File plan (danh mục hồ sơ): draft (headings and planned records are added, changed,
removed) → approved (frozen: only additions, each recorded) → superseded (when a revised
version of the same year is approved). Records are opened from an approved plan only.

Each table maps an action to the states it may start from and the state it leads to (None
keeps the state). An illegal action raises IllegalTransition naming the allowed ones.
"""

from __future__ import annotations

from enum import StrEnum


class RecordState(StrEnum):
    OPEN = "open"  # đang lập hồ sơ
    CLOSED = "closed"  # đã kết thúc
    ARCHIVED = "archived"  # đã nộp lưu


class RecordAction(StrEnum):
    UPDATE = "update"  # sửa thông tin hồ sơ
    FILE = "file"  # đưa văn bản vào hồ sơ
    NOTE = "note"  # thêm ghi chú
    ATTACH = "attach"  # thêm tài liệu đính kèm
    REORDER = "reorder"  # sắp xếp lại thứ tự
    REMOVE = "remove"  # rút văn bản, tài liệu khỏi hồ sơ
    CLOSE = "close"  # kết thúc hồ sơ
    REOPEN = "reopen"  # mở lại (lãnh đạo, có lý do)
    ARCHIVE = "archive"  # nộp lưu vào Lưu trữ cơ quan
    EXPORT = "export"  # xuất gói lưu trữ


class PlanState(StrEnum):
    DRAFT = "draft"  # dự thảo danh mục
    APPROVED = "approved"  # đã ban hành
    SUPERSEDED = "superseded"  # đã được thay bằng phiên bản mới


class PlanAction(StrEnum):
    ADD = "add"  # thêm đề mục, hồ sơ (after approval: bổ sung, recorded as such)
    CHANGE = "change"  # sửa, bỏ hồ sơ dự kiến
    APPROVE = "approve"  # phê duyệt, ban hành
    REVISE = "revise"  # lập phiên bản mới từ danh mục đã ban hành
    SUPERSEDE = "supersede"  # thay bằng phiên bản mới (when that one is approved)
    OPEN_RECORD = "open_record"  # mở hồ sơ theo danh mục


_R, _RA = RecordState, RecordAction
_P, _PA = PlanState, PlanAction
_RecordRule = tuple[frozenset[RecordState], RecordState | None]
_PlanRule = tuple[frozenset[PlanState], PlanState | None]

RECORD_TRANSITIONS: dict[RecordAction, _RecordRule] = {
    _RA.UPDATE: (frozenset({_R.OPEN}), None),
    _RA.FILE: (frozenset({_R.OPEN}), None),
    _RA.NOTE: (frozenset({_R.OPEN}), None),
    _RA.ATTACH: (frozenset({_R.OPEN}), None),
    _RA.REORDER: (frozenset({_R.OPEN}), None),
    _RA.REMOVE: (frozenset({_R.OPEN}), None),
    _RA.CLOSE: (frozenset({_R.OPEN}), _R.CLOSED),
    _RA.REOPEN: (frozenset({_R.CLOSED}), _R.OPEN),
    _RA.ARCHIVE: (frozenset({_R.CLOSED}), _R.ARCHIVED),
    _RA.EXPORT: (frozenset({_R.CLOSED, _R.ARCHIVED}), None),
}

PLAN_TRANSITIONS: dict[PlanAction, _PlanRule] = {
    _PA.ADD: (frozenset({_P.DRAFT, _P.APPROVED}), None),
    _PA.CHANGE: (frozenset({_P.DRAFT}), None),
    _PA.APPROVE: (frozenset({_P.DRAFT}), _P.APPROVED),
    _PA.REVISE: (frozenset({_P.APPROVED}), None),
    _PA.SUPERSEDE: (frozenset({_P.APPROVED}), _P.SUPERSEDED),
    _PA.OPEN_RECORD: (frozenset({_P.APPROVED}), None),
}

# Actions whose note (the reason) is required.
NEEDS_NOTE = frozenset({_RA.REOPEN.value})
# Record states whose contents no longer change.
RECORD_FINAL = frozenset({_R.CLOSED, _R.ARCHIVED})


class IllegalTransition(Exception):
    """`action` is not allowed in `state`; `allowed` are the actions that are."""

    def __init__(self, state: str, action: str, allowed: list[str]) -> None:
        self.state, self.action, self.allowed = state, action, allowed
        super().__init__(f"{action} is not allowed in state {state}; allowed: {', '.join(allowed)}")


def record_allowed(state: RecordState) -> list[str]:
    return sorted(a.value for a, (src, _t) in RECORD_TRANSITIONS.items() if state in src)


def plan_allowed(state: PlanState) -> list[str]:
    return sorted(a.value for a, (src, _t) in PLAN_TRANSITIONS.items() if state in src)


def record_next(state: RecordState, action: str) -> RecordState:
    """The record state after `action`. Raises IllegalTransition naming the allowed ones."""
    try:
        sources, target = RECORD_TRANSITIONS[RecordAction(action)]
    except ValueError:
        raise IllegalTransition(state, action, record_allowed(state)) from None
    if state not in sources:
        raise IllegalTransition(state, action, record_allowed(state))
    return target if target is not None else state


def plan_next(state: PlanState, action: str) -> PlanState:
    """The plan state after `action`. Raises IllegalTransition naming the allowed ones."""
    try:
        sources, target = PLAN_TRANSITIONS[PlanAction(action)]
    except ValueError:
        raise IllegalTransition(state, action, plan_allowed(state)) from None
    if state not in sources:
        raise IllegalTransition(state, action, plan_allowed(state))
    return target if target is not None else state
