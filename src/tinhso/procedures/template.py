"""Checks of a process template as a graph (pure: no Django imports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

ACTIONS = frozenset(
    {
        "assign",
        "forward",
        "send_back",
        "approve",
        "refuse",
        "request_supplement",
        "suspend",
        "hand_over",
        "register_result",
        "return_result",
    }
)
ROLES = frozenset({"clerk", "specialist", "leader", "one_stop_officer", "administrator"})
# Actions that must lead somewhere: a step that forwards or sends back needs a target.
NEEDS_TARGET = frozenset({"forward", "send_back", "hand_over", "approve", "assign"})
# Actions that end a dossier's path.
TERMINAL = frozenset({"refuse", "return_result"})


@dataclass(frozen=True)
class Step:
    key: str
    role: str
    duration_hours: int
    actions: tuple[str, ...]
    transitions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TemplateProblem:
    step: str  # the step's key, "" for the whole template
    field: str
    code: str


def check_template(steps: Sequence[Step]) -> list[TemplateProblem]:
    """Every problem of a template: unknown roles or actions, transitions to missing steps,
    actions that need a target without one, unreachable steps, no way to a result."""
    problems: list[TemplateProblem] = []
    if not steps:
        return [TemplateProblem("", "steps", "empty")]
    keys = [s.key for s in steps]
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            problems.append(TemplateProblem(key, "key", "duplicate"))
        seen.add(key)
    for step in steps:
        if step.role not in ROLES:
            problems.append(TemplateProblem(step.key, "role", "unknown"))
        for action in step.actions:
            if action not in ACTIONS:
                problems.append(TemplateProblem(step.key, "actions", "unknown"))
            elif action in NEEDS_TARGET and action not in step.transitions:
                problems.append(TemplateProblem(step.key, "transitions", "missing_target"))
        for action, target in step.transitions.items():
            if action not in step.actions:
                problems.append(TemplateProblem(step.key, "transitions", "action_not_allowed"))
            if target not in seen:
                problems.append(TemplateProblem(step.key, "transitions", "unknown_step"))
    if problems:
        return problems
    by_key = {s.key: s for s in steps}
    reachable, frontier = set(), [steps[0].key]
    while frontier:
        key = frontier.pop()
        if key in reachable:
            continue
        reachable.add(key)
        frontier.extend(by_key[key].transitions.values())
    problems += [TemplateProblem(k, "key", "unreachable") for k in keys if k not in reachable]
    if not any("return_result" in by_key[k].actions for k in reachable):
        problems.append(TemplateProblem("", "steps", "no_result"))
    return problems


def main_path_hours(steps: Sequence[Step]) -> int:
    """Working hours along the path that follows `forward`/`approve`/`assign`/`hand_over`
    from the first step until a step returns the result (the nominal processing time)."""
    by_key = {s.key: s for s in steps}
    total, key, visited = 0, steps[0].key, set()
    while key and key not in visited:
        visited.add(key)
        step = by_key[key]
        total += step.duration_hours
        if "return_result" in step.actions:
            break
        key = next(
            (
                step.transitions[a]
                for a in ("forward", "approve", "assign", "hand_over", "register_result")
                if a in step.transitions
            ),
            "",
        )
    return total
