"""The payment state machine (pure: no Django imports): one table of allowed transitions.

A payment is one attempt to pay a request through one gateway. Every transition is written
as a `PaymentEvent` row by the services.
"""

from __future__ import annotations

from enum import StrEnum


class PaymentState(StrEnum):
    PENDING = "pending"  # sent to the gateway, no answer yet
    PAID = "paid"  # the gateway confirmed the money
    FAILED = "failed"  # the gateway said no (cancelled, declined)
    EXPIRED = "expired"  # no payment within the attempt's time
    REFUNDED = "refunded"  # money taken and given back (e.g. a request paid twice)


class PaymentAction(StrEnum):
    CONFIRM = "confirm"
    FAIL = "fail"
    EXPIRE = "expire"
    REFUND = "refund"  # a confirmed payment given back
    REFUND_DUPLICATE = "refund_duplicate"  # money for a request another payment settled


P, A = PaymentState, PaymentAction
TRANSITIONS: dict[PaymentAction, tuple[frozenset[PaymentState], PaymentState]] = {
    A.CONFIRM: (frozenset({P.PENDING}), P.PAID),
    A.FAIL: (frozenset({P.PENDING}), P.FAILED),
    A.EXPIRE: (frozenset({P.PENDING}), P.EXPIRED),
    A.REFUND: (frozenset({P.PAID}), P.REFUNDED),
    A.REFUND_DUPLICATE: (frozenset({P.PENDING}), P.REFUNDED),
}
FINAL = frozenset({P.PAID, P.FAILED, P.EXPIRED, P.REFUNDED})


class IllegalPaymentTransition(Exception):
    def __init__(self, state: PaymentState, action: str, allowed: list[str]) -> None:
        self.state, self.action, self.allowed = state, action, allowed
        super().__init__(f"{action} is not allowed in state {state}; allowed: {', '.join(allowed)}")


def allowed_actions(state: PaymentState) -> list[str]:
    return sorted(a.value for a, (sources, _t) in TRANSITIONS.items() if state in sources)


def next_state(state: PaymentState, action: str) -> PaymentState:
    """The state after `action`; raises IllegalPaymentTransition naming the allowed ones."""
    try:
        sources, target = TRANSITIONS[PaymentAction(action)]
    except ValueError:
        raise IllegalPaymentTransition(state, action, allowed_actions(state)) from None
    if state not in sources:
        raise IllegalPaymentTransition(state, action, allowed_actions(state))
    return target
