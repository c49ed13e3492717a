"""The dossier state machine (pure: no Django imports): states, actions, and the one table of
allowed transitions. Every transition is written as a history row by the services."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"  # mới tạo, chưa nộp
    SUBMITTED = "submitted"  # đã nộp trực tuyến, chờ tiếp nhận
    RECEIVED = "received"  # đã tiếp nhận
    PROCESSING = "processing"  # đang xử lý
    WAITING_SUPPLEMENT = "waiting_supplement"  # chờ bổ sung (đồng hồ dừng)
    PAUSED = "paused"  # tạm dừng
    INTER_AGENCY = "inter_agency"  # đang liên thông
    WAITING_PAYMENT = "waiting_payment"  # chờ thanh toán
    RESULT_READY = "result_ready"  # có kết quả, chờ trả
    RETURNED = "returned"  # đã trả kết quả
    REJECTED = "rejected"  # từ chối
    WITHDRAWN = "withdrawn"  # rút hồ sơ
    CANCELLED = "cancelled"  # hủy


class Action(StrEnum):
    SUBMIT = "submit"
    CANCEL = "cancel"
    RECEIVE = "receive"
    REFUSE_INTAKE = "refuse_intake"
    ASSIGN = "assign"
    FORWARD = "forward"
    SEND_BACK = "send_back"
    APPROVE = "approve"
    REFUSE = "refuse"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT = "supplement"
    SUSPEND = "suspend"
    RESUME = "resume"
    HAND_OVER = "hand_over"
    HAND_BACK = "hand_back"
    REGISTER_RESULT = "register_result"
    RETURN_RESULT = "return_result"
    WITHDRAW = "withdraw"


S, A = State, Action
ACTIVE = (S.RECEIVED, S.PROCESSING)

# action → (states it may start from, the state it leads to); None keeps the state.
TRANSITIONS: dict[Action, tuple[frozenset[State], State | None]] = {
    A.SUBMIT: (frozenset({S.DRAFT}), S.SUBMITTED),
    A.CANCEL: (frozenset({S.DRAFT}), S.CANCELLED),
    A.RECEIVE: (frozenset({S.SUBMITTED}), S.RECEIVED),
    A.REFUSE_INTAKE: (frozenset({S.SUBMITTED}), S.REJECTED),
    A.ASSIGN: (frozenset(ACTIVE), S.PROCESSING),
    A.FORWARD: (frozenset(ACTIVE), S.PROCESSING),
    A.SEND_BACK: (frozenset({S.PROCESSING}), S.PROCESSING),
    A.APPROVE: (frozenset({S.PROCESSING}), S.PROCESSING),
    A.REFUSE: (frozenset(ACTIVE), S.REJECTED),
    A.REQUEST_SUPPLEMENT: (frozenset(ACTIVE), S.WAITING_SUPPLEMENT),
    A.SUPPLEMENT: (frozenset({S.WAITING_SUPPLEMENT}), S.PROCESSING),
    A.SUSPEND: (frozenset({S.PROCESSING}), S.PAUSED),
    A.RESUME: (frozenset({S.PAUSED}), S.PROCESSING),
    A.HAND_OVER: (frozenset({S.PROCESSING}), S.INTER_AGENCY),
    A.HAND_BACK: (frozenset({S.INTER_AGENCY}), S.PROCESSING),
    A.REGISTER_RESULT: (frozenset(ACTIVE), S.RESULT_READY),
    A.RETURN_RESULT: (frozenset({S.RESULT_READY}), S.RETURNED),
    A.WITHDRAW: (
        frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.WAITING_SUPPLEMENT, S.PAUSED}),
        S.WITHDRAWN,
    ),
}
TERMINAL = frozenset({S.RETURNED, S.REJECTED, S.WITHDRAWN, S.CANCELLED})
# States in which the legal clock does not run.
CLOCK_STOPPED = frozenset({S.WAITING_SUPPLEMENT, S.PAUSED}) | TERMINAL | {S.DRAFT, S.SUBMITTED}
# Actions taken by the applicant rather than an official.
APPLICANT_ACTIONS = frozenset({A.SUBMIT, A.CANCEL, A.SUPPLEMENT, A.WITHDRAW})
# Actions whose note (the reason) is required.
NEEDS_NOTE = frozenset({A.REFUSE, A.REFUSE_INTAKE, A.REQUEST_SUPPLEMENT, A.SUSPEND, A.SEND_BACK})


class IllegalTransition(Exception):
    """`action` is not allowed in `state`; `allowed` are the actions that are."""

    def __init__(self, state: State, action: str, allowed: list[str]) -> None:
        self.state, self.action, self.allowed = state, action, allowed
        super().__init__(f"{action} is not allowed in state {state}; allowed: {', '.join(allowed)}")


def allowed_actions(state: State) -> list[str]:
    return sorted(a.value for a, (sources, _target) in TRANSITIONS.items() if state in sources)


def next_state(state: State, action: str) -> State:
    """The state after `action` in `state`. Raises IllegalTransition naming the allowed ones."""
    try:
        sources, target = TRANSITIONS[Action(action)]
    except ValueError:
        raise IllegalTransition(state, action, allowed_actions(state)) from None
    if state not in sources:
        raise IllegalTransition(state, action, allowed_actions(state))
    return target if target is not None else state
