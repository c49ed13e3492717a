"""Background work of the node: the outbox worker, run by `tinhso periodic` every 10 s and
by `tinhso exchange send`. Idempotent: a message is locked while its outcome is recorded, and
a message already sent or dead is left alone, so two workers never record twice."""

from __future__ import annotations

from tinhso.exchange.outbox import send_due


def send_due_summary() -> str:
    counts = send_due()
    return ", ".join(f"{n} {state}" for state, n in counts.items())
