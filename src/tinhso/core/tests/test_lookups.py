"""`field__any_of`: the same rows as `field__in`, as one array parameter on PostgreSQL."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from tinhso.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    users = [get_user_model().objects.create_user(f"any-of-{n}", password="x") for n in range(3)]
    entries = [
        AuditEntry.objects.create(action="t", object_type="t", object_id=str(n), actor=user)
        for n, user in enumerate([*users, None])
    ]
    return users, entries


def test_any_of_finds_what_in_finds(rows):
    users, entries = rows
    wanted = [entries[0].pk, entries[2].pk, 10**9]
    assert (
        set(AuditEntry.objects.filter(pk__any_of=wanted))
        == set(AuditEntry.objects.filter(pk__in=wanted))
        == {entries[0], entries[2]}
    )
    by_actor = AuditEntry.objects.filter(actor__any_of=[users[1].pk, users[2]])  # ids or rows
    assert set(by_actor) == {entries[1], entries[2]}


def test_any_of_an_empty_list_finds_nothing(rows):
    assert list(AuditEntry.objects.filter(pk__any_of=[])) == []
    assert AuditEntry.objects.exclude(pk__any_of=[]).count() == 4


def test_any_of_is_one_array_parameter_on_postgresql(rows):
    ids = [entry.pk for entry in rows[1]]
    sql, params = AuditEntry.objects.filter(pk__any_of=ids).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s)" in sql and params == (ids,)
    else:
        assert f"IN ({', '.join(['%s'] * len(ids))})" in sql and params == tuple(ids)
