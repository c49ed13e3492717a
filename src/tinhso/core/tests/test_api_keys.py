from datetime import timedelta

import pytest
from django.utils import timezone

from tinhso.core.models import ApiKey, AuditEntry
from tinhso.core.services import api_key_authenticate, api_key_create, api_key_revoke, hash_key

pytestmark = pytest.mark.django_db


def test_key_is_stored_hashed_and_authenticates():
    key, raw = api_key_create(name="LGSP tỉnh", scopes=["applicants:read", "applicants:read"])
    stored = ApiKey.objects.get()
    assert stored.scopes == ["applicants:read"]
    assert raw not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == hash_key(raw)
    assert api_key_authenticate(raw) == key
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["api_key.create"]


@pytest.mark.parametrize(
    "mangle", [lambda r: r + "x", lambda r: r[:-1], lambda r: "xx" + r, str.upper]
)
def test_wrong_keys_do_not_authenticate(mangle):
    _key, raw = api_key_create(name="c", scopes=[])
    assert api_key_authenticate(mangle(raw)) is None


def test_revoked_and_expired_keys_do_not_authenticate():
    key, raw = api_key_create(name="c", scopes=[])
    api_key_revoke(key=key)
    assert api_key_authenticate(raw) is None
    _key2, raw2 = api_key_create(name="d", scopes=[], expires_at=timezone.now() - timedelta(1))
    assert api_key_authenticate(raw2) is None


def test_audit_entries_are_append_only():
    key, _raw = api_key_create(name="c", scopes=[])
    entry = AuditEntry.objects.get()
    entry.action = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    assert AuditEntry.objects.get().action == "api_key.create"
    assert key.pk
