"""Background work of the node: the apply worker (every 2 s) and the outbox worker (every
10 s), run by `tinhso periodic` and by `tinhso exchange send` (`apply`). Idempotent: a message
or an inbox row is locked while its outcome is recorded, and
a message already sent or dead is left alone, so two workers never record twice. The message
log's retention, daily: idempotent too (a second run finds nothing older to delete)."""

from __future__ import annotations

from tinhso.exchange.applying import apply_due
from tinhso.exchange.messagelog import prune
from tinhso.exchange.outbox import send_due


def apply_due_summary() -> str:
    counts = apply_due()
    return ", ".join(f"{n} {state}" for state, n in counts.items())


def send_due_summary() -> str:
    counts = send_due()
    return ", ".join(f"{n} {state}" for state, n in counts.items())


def prune_log_summary() -> str:
    """Delete the log entries past `EXCHANGE_LOG_RETENTION_DAYS`; a broken chain stops it."""
    pruned = prune()
    if pruned.refused:
        raise RuntimeError(f"message log not pruned, its chain is broken at {pruned.refused}")
    return f"{pruned.deleted} deleted, oldest kept after #{pruned.anchor_seq}"
