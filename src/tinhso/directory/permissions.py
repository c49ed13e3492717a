"""The one place that decides what an official may see and do.

An official holds roles (`RoleAssignment`), each over an organ and optionally its subtree.
A role grants a fixed set of actions (`ROLE_ACTIONS`); an action on an organ is allowed when
some assignment grants it and covers that organ. Superusers (the platform's operators) may do
everything; anyone else without an `Official` record may do nothing here.

Later apps name their actions in `Action` and grant them in `ROLE_ACTIONS`, never elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Q

from tinhso.directory.models import Organ, Role, RoleAssignment


class Action(StrEnum):
    USE_BACKOFFICE = "backoffice.use"
    VIEW_DIRECTORY = "directory.view"
    MANAGE_ORGANS = "directory.manage_organs"
    MANAGE_OFFICIALS = "directory.manage_officials"
    VIEW_APPLICANTS = "directory.view_applicants"
    RECEIVE_DOSSIER = "dossiers.receive"
    PROCESS_DOSSIER = "dossiers.process"
    APPROVE_DOSSIER = "dossiers.approve"
    RETURN_RESULT = "dossiers.return_result"
    VIEW_DOCUMENTS = "documents.view"
    REGISTER_DOCUMENT = "documents.register"
    DRAFT_DOCUMENT = "documents.draft"
    APPROVE_DOCUMENT = "documents.approve"
    SIGN_DOCUMENT = "documents.sign"
    # Put the organ's digital signature (its seal) on an issued document: the clerk's part
    # at issue under Decree 30, as the paper seal is in the clerk's keeping.
    SEAL_DOCUMENT = "documents.seal"
    ASSIGN_DOCUMENT = "documents.assign"
    # Keep the organ's saved approval chains (quy trình duyệt): who reviews a draft, in which
    # order, and who approves it last. The organ's leaders, who approve and sign for it.
    MANAGE_APPROVAL_CHAINS = "documents.manage_chains"
    HANDLE_DOCUMENT = "documents.handle"
    # Work records (hồ sơ công việc, Decree 30/2020 ch. IV): see them; keep them (open, file,
    # close); prepare the yearly file plan; approve it; reopen a closed record (leaders, with
    # a reason); receive closed records into the organ's archive.
    VIEW_RECORDS = "records.view"
    KEEP_RECORDS = "records.keep"
    MANAGE_FILE_PLAN = "records.manage_plan"
    APPROVE_FILE_PLAN = "records.approve_plan"
    REOPEN_RECORD = "records.reopen"
    ARCHIVE_RECORDS = "records.archive"
    # See the organ's payment requests, payments, receipts and daily reconciliation (issue 6):
    # the one-stop officers who collect fees and the leaders who answer for them.
    VIEW_PAYMENTS = "payments.view"
    VIEW_REPORTS = "reports.view"
    MANAGE_CATALOGUE = "procedures.manage"
    # The exchange node's message log (packages sent, received, refused) of the organs in
    # scope, with its CSV export: the administrators who run the node.
    VIEW_EXCHANGE_LOG = "exchange.view_log"


_EVERY_OFFICIAL = {Action.USE_BACKOFFICE, Action.VIEW_DIRECTORY}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    # The clerk (văn thư) registers incoming documents, issues and distributes outgoing ones.
    # As the organ's archive keeper in most organs, they also receive closed work records.
    Role.CLERK: frozenset(
        _EVERY_OFFICIAL
        | {Action.VIEW_DOCUMENTS, Action.REGISTER_DOCUMENT, Action.SEAL_DOCUMENT}
        | {
            Action.VIEW_RECORDS,
            Action.KEEP_RECORDS,
            Action.MANAGE_FILE_PLAN,
            Action.ARCHIVE_RECORDS,
        }
    ),
    Role.SPECIALIST: frozenset(
        _EVERY_OFFICIAL
        | {
            Action.PROCESS_DOSSIER,
            Action.VIEW_DOCUMENTS,
            Action.DRAFT_DOCUMENT,
            Action.HANDLE_DOCUMENT,
            Action.VIEW_APPLICANTS,
            Action.VIEW_RECORDS,
            Action.KEEP_RECORDS,
        }
    ),
    Role.LEADER: frozenset(
        _EVERY_OFFICIAL
        | {
            Action.PROCESS_DOSSIER,
            Action.APPROVE_DOSSIER,
            Action.VIEW_DOCUMENTS,
            Action.APPROVE_DOCUMENT,
            Action.SIGN_DOCUMENT,
            Action.ASSIGN_DOCUMENT,
            Action.MANAGE_APPROVAL_CHAINS,
            Action.VIEW_REPORTS,
            Action.VIEW_APPLICANTS,
            Action.VIEW_RECORDS,
            Action.MANAGE_FILE_PLAN,
            Action.APPROVE_FILE_PLAN,
            Action.REOPEN_RECORD,
            Action.VIEW_PAYMENTS,
        }
    ),
    Role.ONE_STOP_OFFICER: frozenset(
        _EVERY_OFFICIAL
        | {
            Action.RECEIVE_DOSSIER,
            Action.RETURN_RESULT,
            Action.VIEW_APPLICANTS,
            Action.VIEW_PAYMENTS,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        _EVERY_OFFICIAL
        | {
            Action.MANAGE_ORGANS,
            Action.MANAGE_OFFICIALS,
            Action.VIEW_REPORTS,
            Action.MANAGE_CATALOGUE,
            Action.VIEW_EXCHANGE_LOG,
        }
    ),
}


@dataclass(frozen=True)
class Grant:
    role: str
    organ_id: int
    tree_path: str
    include_subtree: bool

    def covers(self, organ: Organ) -> bool:
        if organ.pk == self.organ_id:
            return True
        return self.include_subtree and organ.tree_path.startswith(self.tree_path)


def grants_of(user: Any) -> tuple[Grant, ...]:
    """The user's role grants, read once per user object (i.e. once per request)."""
    cached = getattr(user, "_tinhso_grants", None)
    if cached is not None:
        return cached
    grants: tuple[Grant, ...] = ()
    if getattr(user, "is_authenticated", False) and user.is_active:
        rows = (
            RoleAssignment.objects.filter(official__user=user, official__is_active=True)
            .select_related("organ")
            .order_by("pk")
        )
        grants = tuple(
            Grant(r.role, r.organ_id, r.organ.tree_path, r.include_subtree) for r in rows
        )
    user._tinhso_grants = grants
    return grants


def _is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def can(user: Any, action: Action | str, organ: Organ | None = None) -> bool:
    """Whether `user` may do `action` on `organ` (on any organ in scope when None)."""
    if _is_operator(user):
        return True
    action = Action(action)
    for grant in grants_of(user):
        if action in ROLE_ACTIONS[grant.role] and (organ is None or grant.covers(organ)):
            return True
    return False


def holds_role(user: Any, role: str, organ: Organ) -> bool:
    """Whether `user` holds `role` over `organ` (a process step names the role that does it)."""
    if _is_operator(user):
        return True
    return any(g.role == role and g.covers(organ) for g in grants_of(user))


def allowed_actions(user: Any, organ: Organ) -> frozenset[Action]:
    """Every action `user` may do on `organ`."""
    if _is_operator(user):
        return frozenset(Action)
    actions: set[Action] = set()
    for grant in grants_of(user):
        if grant.covers(organ):
            actions |= ROLE_ACTIONS[grant.role]
    return frozenset(actions)


def organs_in_scope(user: Any, action: Action | str = Action.VIEW_DIRECTORY) -> Any:
    """The organs on which `user` may do `action`, as a queryset."""
    if _is_operator(user):
        return Organ.objects.all()
    action = Action(action)
    condition = Q(pk__in=[])
    for grant in grants_of(user):
        if action not in ROLE_ACTIONS[grant.role]:
            continue
        condition |= Q(pk=grant.organ_id)
        if grant.include_subtree:
            condition |= Q(tree_path__startswith=grant.tree_path)
    return Organ.objects.filter(condition)


def scope_grants(
    user: Any, action: Action | str = Action.VIEW_DIRECTORY
) -> tuple[list[int], list[int]] | None:
    """The organs on which `user` may do `action` as their grants name them: the roots of
    the subtrees granted (none under another) and the single organs granted outside them.
    None when they cannot be named so: for an operator (every organ), or when a granted
    organ has no place in the tree yet (no `tree_path`)."""
    if _is_operator(user):
        return None
    action = Action(action)
    granted = [g for g in grants_of(user) if action in ROLE_ACTIONS[g.role]]
    if any(not g.tree_path for g in granted):
        return None
    paths = {g.tree_path: g.organ_id for g in granted if g.include_subtree}

    def under_root(path: str, *, strictly: bool = False) -> bool:
        return any(path.startswith(p) and not (strictly and p == path) for p in paths)

    subtrees = {organ for path, organ in paths.items() if not under_root(path, strictly=True)}
    singles = {g.organ_id for g in granted if not under_root(g.tree_path)}
    return sorted(subtrees), sorted(singles)


def roles_granting(action: Action | str) -> Iterable[str]:
    """The roles whose grant includes `action` (for help texts and the admin)."""
    return [role for role, actions in ROLE_ACTIONS.items() if Action(action) in actions]
