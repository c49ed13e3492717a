"""The two state machines as tables: every action from every state."""

import pytest

from tinhso.documents.states import (
    INCOMING_TRANSITIONS,
    OUTGOING_TRANSITIONS,
    IllegalTransition,
    IncomingState,
    OutgoingState,
    incoming_allowed,
    incoming_next,
    outgoing_allowed,
    outgoing_next,
    status_code,
)

OS, IS = OutgoingState, IncomingState

OUTGOING_PATH = [
    (OS.DRAFT, "submit", OS.IN_REVIEW),
    (OS.IN_REVIEW, "endorse", OS.IN_REVIEW),
    (OS.IN_REVIEW, "approve", OS.APPROVED),
    (OS.APPROVED, "sign", OS.SIGNED),
    (OS.SIGNED, "issue", OS.ISSUED),
    (OS.ISSUED, "distribute", OS.ISSUED),
]


@pytest.mark.parametrize(("state", "action", "target"), OUTGOING_PATH)
def test_outgoing_path(state, action, target):
    assert outgoing_next(state, action) is target


def test_outgoing_allowed_sets():
    assert outgoing_allowed(OS.DRAFT) == ["cancel", "submit"]
    assert outgoing_allowed(OS.IN_REVIEW) == ["approve", "cancel", "endorse", "send_back"]
    assert outgoing_allowed(OS.APPROVED) == ["cancel", "send_back", "sign"]
    assert outgoing_allowed(OS.SIGNED) == ["issue", "send_back"]
    assert outgoing_allowed(OS.ISSUED) == ["distribute"]
    assert outgoing_allowed(OS.CANCELLED) == []


@pytest.mark.parametrize("state", list(OutgoingState))
@pytest.mark.parametrize("action", [*(a.value for a in OUTGOING_TRANSITIONS), "fly"])
def test_outgoing_every_pair(state, action):
    if action in outgoing_allowed(state):
        outgoing_next(state, action)
        return
    with pytest.raises(IllegalTransition) as error:
        outgoing_next(state, action)
    assert error.value.allowed == outgoing_allowed(state)
    assert error.value.state == state and error.value.action == action


def test_issued_document_cannot_be_issued_again_or_sent_back():
    for action in ("issue", "send_back", "cancel", "sign", "submit"):
        with pytest.raises(IllegalTransition, match="allowed: distribute"):
            outgoing_next(OS.ISSUED, action)


INCOMING_PATH = [
    (IS.ARRIVED, "register", IS.REGISTERED, "03"),
    (IS.REGISTERED, "assign", IS.ASSIGNED, "04"),
    (IS.ASSIGNED, "assign", IS.ASSIGNED, "04"),
    (IS.ASSIGNED, "start", IS.IN_HANDLING, "05"),
    (IS.ASSIGNED, "reply", IS.IN_HANDLING, "05"),
    (IS.IN_HANDLING, "complete", IS.COMPLETED, "06"),
    (IS.ARRIVED, "refuse", IS.REFUSED, "02"),
    (IS.REGISTERED, "refuse", IS.REFUSED, "02"),
]


@pytest.mark.parametrize(("state", "action", "target", "code"), INCOMING_PATH)
def test_incoming_path_and_codes(state, action, target, code):
    assert incoming_next(state, action) is target
    assert status_code(target) == code


def test_status_codes_of_every_state():
    assert {s.value: status_code(s) for s in IncomingState} == {
        "arrived": "01",
        "refused": "02",
        "registered": "03",
        "assigned": "04",
        "in_handling": "05",
        "completed": "06",
    }


@pytest.mark.parametrize("state", list(IncomingState))
@pytest.mark.parametrize("action", [a.value for a in INCOMING_TRANSITIONS])
def test_incoming_every_pair(state, action):
    if action in incoming_allowed(state):
        incoming_next(state, action)
        return
    with pytest.raises(IllegalTransition) as error:
        incoming_next(state, action)
    assert error.value.allowed == incoming_allowed(state)


def test_out_of_order_incoming_actions_are_refused():
    with pytest.raises(IllegalTransition, match="allowed: refuse, register"):
        incoming_next(IS.ARRIVED, "assign")
    with pytest.raises(IllegalTransition, match="allowed: assign, refuse"):
        incoming_next(IS.REGISTERED, "complete")
    assert incoming_allowed(IS.COMPLETED) == incoming_allowed(IS.REFUSED) == []
