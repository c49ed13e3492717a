"""The admin pages of the signatures app, and that their writes go through the services."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.core.models import AuditEntry
from tinhso.directory.tests.factories import UserFactory
from tinhso.signatures import certs
from tinhso.signatures.models import SigningIdentity, TrustAnchor
from tinhso.signatures.tests.conftest import PASSPHRASE

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/signatures/trustanchor/",
        "/admin/signatures/trustanchor/add/",
        "/admin/signatures/signingidentity/",
        "/admin/signatures/signingidentity/add/",
        "/admin/signatures/revocationlist/",
        "/admin/signatures/revocationlist/add/",
        "/admin/signatures/signaturecheck/",
    ],
)
def test_pages_open(operator_client, path):
    assert operator_client.get(path).status_code == 200


def test_adding_an_anchor_goes_through_the_service(operator_client, dev_ca_session, hung):
    response = operator_client.post(
        "/admin/signatures/trustanchor/add/",
        {"name": "CA thử", "certificate_pem": certs.to_pem(hung.certificate), "source": "x"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "không phải chứng thư của tổ chức cung cấp dịch vụ (CA)" in response.content.decode()
    assert TrustAnchor.objects.count() == 0

    response = operator_client.post(
        "/admin/signatures/trustanchor/add/",
        {"name": "CA thử", "certificate_pem": dev_ca_session.pem, "source": "tải từ trang CA"},
    )
    assert response.status_code == 302
    anchor = TrustAnchor.objects.get()
    assert (anchor.name, anchor.source, anchor.is_active) == ("CA thử", "tải từ trang CA", True)
    assert AuditEntry.objects.get().action == "signature.anchor_add"


def test_uploading_a_pkcs12_file_registers_an_identity(
    operator_client, people, hung, trusted_dev_ca
):
    response = operator_client.post(
        "/admin/signatures/signingidentity/add/",
        {
            "kind": "personal",
            "official": people["leader"].pk,
            "organ": "",
            "label": "Giám đốc Sở",
            "pkcs12": SimpleUploadedFile("hung.p12", hung.p12),
            "passphrase": PASSPHRASE,
        },
    )
    assert response.status_code == 302
    identity = SigningIdentity.objects.get()
    assert (identity.label, identity.common_name, identity.official) == (
        "Giám đốc Sở",
        "Phạm Quốc Hùng",
        people["leader"],
    )
    assert (
        operator_client.get(f"/admin/signatures/signingidentity/{identity.pk}/change/").status_code
        == 200
    )
