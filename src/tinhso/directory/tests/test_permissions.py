"""The permission matrix: each role × each action × where the organ lies."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tinhso.directory.permissions import (
    ROLE_ACTIONS,
    Action,
    allowed_actions,
    can,
    organs_in_scope,
    scope_grants,
)
from tinhso.directory.tests.factories import OfficialFactory, UserFactory

A = Action
EXPECTED = {
    "clerk": {
        A.USE_BACKOFFICE,
        A.VIEW_DIRECTORY,
        A.VIEW_DOCUMENTS,
        A.REGISTER_DOCUMENT,
        A.SEAL_DOCUMENT,
        A.VIEW_RECORDS,
        A.KEEP_RECORDS,
        A.MANAGE_FILE_PLAN,
        A.ARCHIVE_RECORDS,
    },
    "specialist": {
        A.USE_BACKOFFICE,
        A.VIEW_DIRECTORY,
        A.PROCESS_DOSSIER,
        A.VIEW_DOCUMENTS,
        A.DRAFT_DOCUMENT,
        A.HANDLE_DOCUMENT,
        A.VIEW_APPLICANTS,
        A.VIEW_RECORDS,
        A.KEEP_RECORDS,
    },
    "leader": {
        A.USE_BACKOFFICE,
        A.VIEW_DIRECTORY,
        A.PROCESS_DOSSIER,
        A.APPROVE_DOSSIER,
        A.VIEW_DOCUMENTS,
        A.APPROVE_DOCUMENT,
        A.SIGN_DOCUMENT,
        A.ASSIGN_DOCUMENT,
        A.MANAGE_APPROVAL_CHAINS,
        A.VIEW_REPORTS,
        A.VIEW_APPLICANTS,
        A.VIEW_RECORDS,
        A.MANAGE_FILE_PLAN,
        A.APPROVE_FILE_PLAN,
        A.REOPEN_RECORD,
        A.VIEW_PAYMENTS,
    },
    "one_stop_officer": {
        A.USE_BACKOFFICE,
        A.VIEW_DIRECTORY,
        A.RECEIVE_DOSSIER,
        A.RETURN_RESULT,
        A.VIEW_APPLICANTS,
        A.VIEW_PAYMENTS,
    },
    "administrator": {
        A.USE_BACKOFFICE,
        A.VIEW_DIRECTORY,
        A.MANAGE_ORGANS,
        A.MANAGE_OFFICIALS,
        A.VIEW_REPORTS,
        A.MANAGE_CATALOGUE,
        A.VIEW_EXCHANGE_LOG,
    },
}


def test_the_table_is_the_expected_one():
    assert {role: set(actions) for role, actions in ROLE_ACTIONS.items()} == EXPECTED


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("subtree", [False, True])
def test_matrix(organ_tree, role, action, subtree):
    """A role over the district committee: its own organ always; the commune and office under
    it only with the subtree; the province above it and a sibling department never."""
    district = organ_tree["district"]
    official = OfficialFactory(organ=district, roles=[(role, district, subtree)])
    granted = action in EXPECTED[role]
    assert can(official.user, action, district) is granted
    assert can(official.user, action, organ_tree["commune"]) is (granted and subtree)
    assert can(official.user, action, organ_tree["office"]) is (granted and subtree)
    assert can(official.user, action, organ_tree["province"]) is False
    assert can(official.user, action, organ_tree["department"]) is False
    assert can(official.user, action) is granted


@pytest.mark.django_db
def test_granted_organ_adds_to_scope(organ_tree):
    official = OfficialFactory(
        organ=organ_tree["department"],
        roles=[
            ("specialist", organ_tree["department"], False),
            ("one_stop_officer", organ_tree["commune"], False),
        ],
    )
    user = official.user
    assert can(user, A.RECEIVE_DOSSIER, organ_tree["commune"])
    assert not can(user, A.RECEIVE_DOSSIER, organ_tree["department"])
    assert can(user, A.PROCESS_DOSSIER, organ_tree["department"])
    assert not can(user, A.PROCESS_DOSSIER, organ_tree["commune"])
    assert set(organs_in_scope(user)) == {organ_tree["department"], organ_tree["commune"]}
    assert set(organs_in_scope(user, A.RECEIVE_DOSSIER)) == {organ_tree["commune"]}
    assert allowed_actions(user, organ_tree["province"]) == frozenset()


@pytest.mark.django_db
def test_subtree_scope_query(organ_tree):
    official = OfficialFactory(
        organ=organ_tree["district"], roles=[("leader", organ_tree["district"], True)]
    )
    assert set(organs_in_scope(official.user)) == {
        organ_tree["district"],
        organ_tree["commune"],
        organ_tree["office"],
    }


@pytest.mark.django_db
def test_nobody_else_may_do_anything(organ_tree):
    plain = UserFactory()
    inactive = OfficialFactory(
        organ=organ_tree["district"], roles=[("leader", organ_tree["district"], True)]
    )
    inactive.is_active = False
    inactive.save()
    inactive.user._tinhso_grants = None
    for user in (AnonymousUser(), plain, inactive.user):
        assert not can(user, A.USE_BACKOFFICE)
        assert not organs_in_scope(user).exists()


@pytest.mark.django_db
def test_operators_may_do_everything(organ_tree):
    operator = UserFactory(is_superuser=True)
    assert all(can(operator, action, organ_tree["commune"]) for action in Action)
    assert organs_in_scope(operator).count() == 5


@pytest.mark.django_db
def test_scope_grants_name_the_subtrees_and_the_organs_outside_them(organ_tree):
    t = organ_tree
    official = OfficialFactory(
        organ=t["district"],
        roles=[
            ("leader", t["district"], True),
            ("leader", t["office"], True),  # under the district's subtree: left out
            ("specialist", t["commune"], False),  # within it too
            ("clerk", t["department"], False),  # alone
            ("one_stop_officer", t["province"], True),  # views no documents
        ],
    )
    user = official.user
    assert scope_grants(user, A.VIEW_DOCUMENTS) == ([t["district"].pk], [t["department"].pk])
    assert scope_grants(user, A.RECEIVE_DOSSIER) == ([t["province"].pk], [])
    assert scope_grants(user, A.MANAGE_ORGANS) == ([], [])
    assert scope_grants(UserFactory(is_superuser=True), A.VIEW_DOCUMENTS) is None
    # The same organs as the scope's query.
    subtrees, singles = scope_grants(user, A.VIEW_DOCUMENTS)
    named = {o.pk for r in subtrees for o in organs_in_scope(user) if f"/{r}/" in o.tree_path}
    assert named | set(singles) == set(
        organs_in_scope(user, A.VIEW_DOCUMENTS).values_list("pk", flat=True)
    )
