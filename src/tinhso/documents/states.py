"""The two state machines of official documents (pure: no Django imports).

Outgoing (văn bản đi): draft → in_review (along the approval chain) → approved → signed (by
the signer) → issued (number, notation and date given by the clerk); sent back to draft from
review or before issue; cancelled while not issued. An issued document never changes: it is
corrected by a new document that updates, replaces or revokes it.

Incoming (văn bản đến), with the status codes of QCVN 102 (edXML `MessageStatus`) that the
exchange reports back to the sender: arrived 01 → registered 03 → assigned 04 → in handling 05
→ completed 06; refused 02 (with a reason).

Each table maps an action to the states it may start from and the state it leads to (None
keeps the state). An illegal action raises IllegalTransition naming the allowed ones.
"""

from __future__ import annotations

from enum import StrEnum


class OutgoingState(StrEnum):
    DRAFT = "draft"  # dự thảo
    IN_REVIEW = "in_review"  # đang trình duyệt
    APPROVED = "approved"  # đã duyệt, chờ ký
    SIGNED = "signed"  # đã ký, chờ phát hành
    ISSUED = "issued"  # đã ban hành
    CANCELLED = "cancelled"  # đã hủy


class OutgoingAction(StrEnum):
    SUBMIT = "submit"  # trình duyệt
    ENDORSE = "endorse"  # a reviewer agrees: on to the next step of the chain
    APPROVE = "approve"  # the last step (the approver) agrees
    SEND_BACK = "send_back"  # trả lại để sửa
    SIGN = "sign"  # the signer signs
    ISSUE = "issue"  # the clerk gives number and date: phát hành
    DISTRIBUTE = "distribute"  # gửi đến nơi nhận
    CANCEL = "cancel"


class IncomingState(StrEnum):
    ARRIVED = "arrived"
    REFUSED = "refused"
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    IN_HANDLING = "in_handling"
    COMPLETED = "completed"


class IncomingAction(StrEnum):
    REGISTER = "register"  # vào sổ văn bản đến
    REFUSE = "refuse"  # từ chối nhận (trả lại)
    ASSIGN = "assign"  # lãnh đạo phân công xử lý
    START = "start"  # chuyên viên bắt đầu xử lý
    REPLY = "reply"  # soạn văn bản trả lời (bắt đầu xử lý nếu chưa)
    COMPLETE = "complete"  # hoàn thành xử lý


# QCVN 102 status codes (edXML MessageStatus/StatusCode) of each incoming state.
STATUS_CODES: dict[IncomingState, str] = {
    IncomingState.ARRIVED: "01",
    IncomingState.REFUSED: "02",
    IncomingState.REGISTERED: "03",
    IncomingState.ASSIGNED: "04",
    IncomingState.IN_HANDLING: "05",
    IncomingState.COMPLETED: "06",
}

_O, _OA = OutgoingState, OutgoingAction
_OutgoingRule = tuple[frozenset[OutgoingState], OutgoingState | None]
_IncomingRule = tuple[frozenset[IncomingState], IncomingState | None]
OUTGOING_TRANSITIONS: dict[OutgoingAction, _OutgoingRule] = {
    _OA.SUBMIT: (frozenset({_O.DRAFT}), _O.IN_REVIEW),
    _OA.ENDORSE: (frozenset({_O.IN_REVIEW}), None),
    _OA.APPROVE: (frozenset({_O.IN_REVIEW}), _O.APPROVED),
    _OA.SEND_BACK: (frozenset({_O.IN_REVIEW, _O.APPROVED, _O.SIGNED}), _O.DRAFT),
    _OA.SIGN: (frozenset({_O.APPROVED}), _O.SIGNED),
    _OA.ISSUE: (frozenset({_O.SIGNED}), _O.ISSUED),
    _OA.DISTRIBUTE: (frozenset({_O.ISSUED}), None),
    _OA.CANCEL: (frozenset({_O.DRAFT, _O.IN_REVIEW, _O.APPROVED}), _O.CANCELLED),
}

_I, _IA = IncomingState, IncomingAction
INCOMING_TRANSITIONS: dict[IncomingAction, _IncomingRule] = {
    _IA.REGISTER: (frozenset({_I.ARRIVED}), _I.REGISTERED),
    _IA.REFUSE: (frozenset({_I.ARRIVED, _I.REGISTERED}), _I.REFUSED),
    _IA.ASSIGN: (frozenset({_I.REGISTERED, _I.ASSIGNED}), _I.ASSIGNED),
    _IA.START: (frozenset({_I.ASSIGNED}), _I.IN_HANDLING),
    _IA.REPLY: (frozenset({_I.ASSIGNED, _I.IN_HANDLING}), _I.IN_HANDLING),
    _IA.COMPLETE: (frozenset({_I.IN_HANDLING}), _I.COMPLETED),
}

OUTGOING_FINAL = frozenset({_O.ISSUED, _O.CANCELLED})
INCOMING_FINAL = frozenset({_I.REFUSED, _I.COMPLETED})
# Incoming states whose handling deadline runs.
INCOMING_RUNNING = frozenset({_I.ASSIGNED, _I.IN_HANDLING})
# Actions whose note (the reason) is required.
NEEDS_NOTE = frozenset({_OA.SEND_BACK.value, _OA.CANCEL.value, _IA.REFUSE.value})


class IllegalTransition(Exception):
    """`action` is not allowed in `state`; `allowed` are the actions that are."""

    def __init__(self, state: str, action: str, allowed: list[str]) -> None:
        self.state, self.action, self.allowed = state, action, allowed
        super().__init__(f"{action} is not allowed in state {state}; allowed: {', '.join(allowed)}")


def outgoing_allowed(state: OutgoingState) -> list[str]:
    return sorted(a.value for a, (src, _t) in OUTGOING_TRANSITIONS.items() if state in src)


def incoming_allowed(state: IncomingState) -> list[str]:
    return sorted(a.value for a, (src, _t) in INCOMING_TRANSITIONS.items() if state in src)


def outgoing_next(state: OutgoingState, action: str) -> OutgoingState:
    """The outgoing state after `action`. Raises IllegalTransition naming the allowed ones."""
    try:
        sources, target = OUTGOING_TRANSITIONS[OutgoingAction(action)]
    except ValueError:
        raise IllegalTransition(state, action, outgoing_allowed(state)) from None
    if state not in sources:
        raise IllegalTransition(state, action, outgoing_allowed(state))
    return target if target is not None else state


def incoming_next(state: IncomingState, action: str) -> IncomingState:
    """The incoming state after `action`. Raises IllegalTransition naming the allowed ones."""
    try:
        sources, target = INCOMING_TRANSITIONS[IncomingAction(action)]
    except ValueError:
        raise IllegalTransition(state, action, incoming_allowed(state)) from None
    if state not in sources:
        raise IllegalTransition(state, action, incoming_allowed(state))
    return target if target is not None else state


def status_code(state: IncomingState) -> str:
    """The QCVN 102 status code of an incoming state: registered → "03"."""
    return STATUS_CODES[state]
