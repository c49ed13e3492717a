"""API clients and their keys: services, the `apiclient` command, the migration path."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tinhso.core.models import ApiClient, ApiKey, AuditEntry
from tinhso.core.services import (
    api_client_create,
    api_client_revoke,
    api_client_rotate,
    api_key_authenticate,
    api_key_create,
    hash_key,
)

pytestmark = pytest.mark.django_db


def test_client_keys_are_hashed_and_authenticate_with_their_client():
    client = api_client_create(organisation="Sở TT&TT", contact="a@b.vn", rate_limit_per_minute=5)
    key, raw = api_key_create(name="LGSP", scopes=["gateway:read"], client=client)
    assert ApiKey.objects.get().key_hash == hash_key(raw) != raw
    found = api_key_authenticate(raw)
    assert found == key and found.client == client
    assert [a.action for a in AuditEntry.objects.order_by("pk")] == [
        "api_client.create",
        "api_key.create",
    ]


@pytest.mark.parametrize(
    ("organisation", "limit", "reason"), [("  ", None, "organisation"), ("X", 0, "rate_limit")]
)
def test_client_creation_refuses_bad_input(organisation, limit, reason):
    with pytest.raises(ValueError, match=reason):
        api_client_create(organisation=organisation, rate_limit_per_minute=limit)
    assert not ApiClient.objects.exists()


def test_duplicate_organisation_is_refused():
    api_client_create(organisation="Bộ Nội vụ")
    with pytest.raises(ValueError, match="organisation"):
        api_client_create(organisation=" Bộ Nội vụ ")
    assert ApiClient.objects.count() == 1


def test_revoking_a_client_ends_every_key():
    client = api_client_create(organisation="A")
    _k1, raw1 = api_key_create(name="A", scopes=["gateway:read"], client=client)
    _k2, raw2 = api_key_create(name="A", scopes=["gateway:read"], client=client)
    assert api_client_revoke(client=client) == 2
    assert api_key_authenticate(raw1) is None and api_key_authenticate(raw2) is None
    client.refresh_from_db()
    assert client.active is False


def test_a_deactivated_client_authenticates_nothing_even_with_live_keys():
    client = api_client_create(organisation="A")
    _k, raw = api_key_create(name="A", scopes=["gateway:read"], client=client)
    ApiClient.objects.filter(pk=client.pk).update(active=False)
    assert api_key_authenticate(raw) is None
    ApiClient.objects.filter(pk=client.pk).update(active=True)
    assert api_key_authenticate(raw) is not None


def test_rotation_without_grace_revokes_the_old_key_and_keeps_its_scopes():
    client = api_client_create(organisation="A")
    old, old_raw = api_key_create(name="A", scopes=["applicants:read"], client=client)
    new, new_raw = api_client_rotate(client=client)
    assert api_key_authenticate(old_raw) is None
    assert api_key_authenticate(new_raw) == new
    assert new.scopes == ["applicants:read"] and new.client == client
    old.refresh_from_db()
    assert old.revoked_at is not None


def test_rotation_with_grace_lets_the_old_key_work_until_it_ends():
    client = api_client_create(organisation="A")
    old, old_raw = api_key_create(name="A", scopes=["gateway:read"], client=client)
    _new, new_raw = api_client_rotate(client=client, grace=timedelta(hours=2))
    old.refresh_from_db()
    assert old.revoked_at is None
    assert timedelta(hours=1, minutes=59) < old.expires_at - timezone.now() <= timedelta(hours=2)
    assert api_key_authenticate(old_raw) == old
    assert api_key_authenticate(new_raw) is not None


def test_rotation_refuses_a_deactivated_client_and_one_without_keys():
    client = api_client_create(organisation="A")
    with pytest.raises(ValueError, match="scopes"):
        api_client_rotate(client=client)
    api_client_revoke(client=client)
    with pytest.raises(ValueError, match="inactive"):
        api_client_rotate(client=client, scopes=["gateway:read"])
    assert not ApiKey.objects.exists()


def _run(*args):
    out = StringIO()
    call_command("apiclient", *args, stdout=out)
    return out.getvalue()


def test_command_creates_lists_rotates_and_revokes():
    out = _run(
        "create",
        "--organisation",
        "Cổng DVC tỉnh",
        "--contact",
        "ops@tinh.gov.vn",
        "--scope",
        "applicants:read",
        "--scope",
        "gateway:read",
        "--rate-limit",
        "30",
    )
    raw = out.split(": ", 1)[1].split()[0]
    key = api_key_authenticate(raw)
    assert key is not None and key.scopes == ["applicants:read", "gateway:read"]
    assert key.client.rate_limit_per_minute == 30
    listing = _run("list")
    assert "Cổng DVC tỉnh\tactive\t30/min\tops@tinh.gov.vn" in listing
    assert f"  {key.prefix}\tapplicants:read,gateway:read\tlive" in listing
    assert raw not in listing and key.key_hash not in listing
    rotated = _run("rotate", "Cổng DVC tỉnh", "--grace-hours", "1")
    new_raw = rotated.split(": ", 1)[1].split()[0]
    assert api_key_authenticate(new_raw) is not None and api_key_authenticate(raw) is not None
    assert "until " in _run("list")
    assert "2 key(s) revoked" in _run("revoke", "Cổng DVC tỉnh")
    assert api_key_authenticate(new_raw) is None and api_key_authenticate(raw) is None
    assert "deactivated" in _run("list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--organisation", "A", "--scope", "everything"], "unknown scope"),
        (
            ["create", "--organisation", "A", "--scope", "gateway:read", "--rate-limit", "0"],
            "at least 1",
        ),
        (
            ["create", "--organisation", "A", "--scope", "gateway:read", "--expires", "2001-01-01"],
            "future",
        ),
        (["rotate", "nobody"], "no client"),
        (["revoke", "nobody"], "no client"),
    ],
)
def test_command_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not ApiClient.objects.exists() and not ApiKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_migration_gives_every_existing_key_a_client_and_keeps_it_working():
    """Keys made before 0004 (no client) each join a client named after them; the raw key
    still authenticates with the same scopes."""
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0003_datastamp")])
    old_apps = executor.loader.project_state([("core", "0003_datastamp")]).apps
    OldKey = old_apps.get_model("core", "ApiKey")
    raw = "ts_abcd1234_" + "s" * 43
    OldKey.objects.create(
        name="LGSP cũ", prefix="abcd1234", key_hash=hash_key(raw), scopes=["applicants:read"]
    )
    OldKey.objects.create(name="LGSP cũ", prefix="abcd5678", key_hash="0" * 64, scopes=[])
    OldKey.objects.create(name="Khác", prefix="ef001122", key_hash="1" * 64, scopes=[])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    key = api_key_authenticate(raw)
    assert key is not None and key.scopes == ["applicants:read"]
    assert key.client.organisation == "LGSP cũ" and key.client.active
    assert sorted(ApiClient.objects.values_list("organisation", flat=True)) == ["Khác", "LGSP cũ"]
    assert not ApiKey.objects.filter(client__isnull=True).exists()
