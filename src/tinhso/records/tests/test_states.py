"""The state machines of records and plans, exhaustively (pure: no database)."""

import pytest

from tinhso.records.states import (
    PLAN_TRANSITIONS,
    RECORD_TRANSITIONS,
    IllegalTransition,
    PlanAction,
    PlanState,
    RecordAction,
    RecordState,
    plan_allowed,
    plan_next,
    record_allowed,
    record_next,
)

R, RA, P, PA = RecordState, RecordAction, PlanState, PlanAction


def test_record_allowed_actions_per_state():
    assert record_allowed(R.OPEN) == [
        "attach",
        "close",
        "file",
        "note",
        "remove",
        "reorder",
        "update",
    ]
    assert record_allowed(R.CLOSED) == ["archive", "export", "reopen"]
    assert record_allowed(R.ARCHIVED) == ["export"]


def test_plan_allowed_actions_per_state():
    assert plan_allowed(P.DRAFT) == ["add", "approve", "change"]
    assert plan_allowed(P.APPROVED) == ["add", "open_record", "revise", "supersede"]
    assert plan_allowed(P.SUPERSEDED) == []


@pytest.mark.parametrize("state", list(R))
@pytest.mark.parametrize("action", list(RA))
def test_every_record_state_and_action(state, action):
    sources, target = RECORD_TRANSITIONS[action]
    if state in sources:
        assert record_next(state, action) == (target or state)
    else:
        with pytest.raises(IllegalTransition) as raised:
            record_next(state, action)
        assert raised.value.allowed == record_allowed(state)
        assert (raised.value.state, raised.value.action) == (state, action)


@pytest.mark.parametrize("state", list(P))
@pytest.mark.parametrize("action", list(PA))
def test_every_plan_state_and_action(state, action):
    sources, target = PLAN_TRANSITIONS[action]
    if state in sources:
        assert plan_next(state, action) == (target or state)
    else:
        with pytest.raises(IllegalTransition) as raised:
            plan_next(state, action)
        assert raised.value.allowed == plan_allowed(state)


def test_the_lifecycle_and_its_one_way_back():
    state = R.OPEN
    for action in ("file", "note", "close", "reopen", "attach", "close", "archive", "export"):
        state = record_next(state, action)
    assert state == R.ARCHIVED
    with pytest.raises(IllegalTransition, match="allowed: export"):
        record_next(state, "reopen")


def test_unknown_action_names_the_allowed_ones():
    with pytest.raises(IllegalTransition) as raised:
        record_next(R.CLOSED, "delete")
    assert raised.value.allowed == ["archive", "export", "reopen"]
    assert "archive, export, reopen" in str(raised.value)
    with pytest.raises(IllegalTransition):
        plan_next(P.DRAFT, "open_record")
