from datetime import date

import pytest

from tinhso.dossiers.codes import format_code, parse_code
from tinhso.dossiers.states import (
    TRANSITIONS,
    Action,
    IllegalTransition,
    State,
    allowed_actions,
    next_state,
)


def test_every_action_has_one_row_and_every_state_is_reachable():
    assert set(TRANSITIONS) == set(Action)
    reached = {State.DRAFT} | {target for _sources, target in TRANSITIONS.values()}
    assert reached == set(State) - {State.WAITING_PAYMENT}  # payments come with their own app


def test_happy_path():
    state = State.DRAFT
    for action in (
        "submit",
        "receive",
        "forward",
        "forward",
        "approve",
        "register_result",
        "return_result",
    ):
        state = next_state(state, action)
    assert state == State.RETURNED


def test_illegal_transition_names_the_allowed_actions():
    with pytest.raises(IllegalTransition) as error:
        next_state(State.RETURNED, "forward")
    assert error.value.allowed == []
    with pytest.raises(IllegalTransition) as error:
        next_state(State.WAITING_SUPPLEMENT, "approve")
    assert error.value.allowed == ["supplement", "withdraw"]
    with pytest.raises(IllegalTransition):
        next_state(State.RECEIVED, "teleport")


def test_allowed_actions_of_a_received_dossier():
    assert allowed_actions(State.RECEIVED) == sorted(
        ["assign", "forward", "refuse", "request_supplement", "register_result", "withdraw"]
    )


def test_dossier_codes():
    assert format_code("000.00.53.H48", date(2022, 9, 21), 99) == "000.00.53.H48-220921-0099"
    assert parse_code("000.00.53.H48-220921-0099") == ("000.00.53.H48", date(2022, 9, 21), 99)
    for bad in ("000.00.53.H48-220921-99", "H48-220921-0099", "000.00.53.H48-221321-0001"):
        with pytest.raises(ValueError):
            parse_code(bad)
    with pytest.raises(ValueError):
        format_code("000.00.53.H48", date(2022, 9, 21), 10_000)
