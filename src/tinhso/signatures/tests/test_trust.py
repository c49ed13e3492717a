"""The trust store: anchors, configured root files, revocation lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.core.exceptions import ImproperlyConfigured

from tinhso.core.models import AuditEntry
from tinhso.signatures import certs, devca
from tinhso.signatures.models import RevocationList, TrustAnchor
from tinhso.signatures.services import (
    SignatureError,
    revocation_list_load,
    trust_anchor_add,
    verify_pdf,
)
from tinhso.signatures.tests.conftest import bare_sign
from tinhso.signatures.trust import default_store

pytestmark = pytest.mark.django_db


def test_anchor_added_once_with_its_facts(dev_ca_session):
    anchor = trust_anchor_add(certificate=dev_ca_session.pem, source="Bộ TT&TT, 01/2026")
    again = trust_anchor_add(certificate=dev_ca_session.pem.encode())
    facts = certs.facts(dev_ca_session.authority.certificate)

    assert again.pk == anchor.pk
    assert TrustAnchor.objects.count() == 1
    assert (anchor.name, anchor.subject, anchor.fingerprint, anchor.source) == (
        "Tỉnh Số DEV CA — không dùng thật",
        "CN=Tỉnh Số DEV CA — không dùng thật,O=Tỉnh Số (phát triển),C=VN",
        facts.fingerprint,
        "Bộ TT&TT, 01/2026",
    )
    assert default_store().fingerprints == {facts.fingerprint}
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["signature.anchor_add"]


def test_an_end_entity_certificate_is_not_an_anchor(hung):
    with pytest.raises(SignatureError) as error:
        trust_anchor_add(certificate=certs.to_pem(hung.certificate))
    assert error.value.code == "not_a_ca"
    assert error.value.message == (
        "Chứng thư «CN=Phạm Quốc Hùng,O=Sở Tư pháp tỉnh Kiên Giang,C=VN» không phải "
        "chứng thư của tổ chức cung cấp dịch vụ (CA)."
    )
    with pytest.raises(SignatureError) as error:
        trust_anchor_add(certificate="-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")
    assert error.value.code == "bad_certificate"
    assert TrustAnchor.objects.count() == 0


def test_roots_from_configured_files(settings, tmp_path, dev_ca_session, other_ca, hung, plain_pdf):
    bundle = tmp_path / "roots.pem"
    bundle.write_text(dev_ca_session.pem + other_ca.pem)
    settings.SIGNATURE_TRUST_ROOTS = [str(bundle)]
    expected = {
        certs.facts(dev_ca_session.authority.certificate).fingerprint,
        certs.facts(other_ca.authority.certificate).fingerprint,
    }
    assert default_store().fingerprints == expected
    assert verify_pdf(pdf=bare_sign(plain_pdf, hung)).status == "valid"

    settings.SIGNATURE_TRUST_ROOTS = [str(tmp_path / "missing.pem")]
    with pytest.raises(ImproperlyConfigured, match="SIGNATURE_TRUST_ROOTS: cannot read"):
        default_store()


def test_a_newer_crl_replaces_the_older(dev_ca_session, hung):
    trust_anchor_add(certificate=dev_ca_session.pem)
    authority = dev_ca_session.authority
    first = devca.make_crl(ca=authority, revoked=[], number=1)
    newer = devca.make_crl(
        ca=authority,
        revoked=[(hung.certificate.serial_number, first.last_update_utc)],
        number=2,
        this_update=first.last_update_utc + timedelta(seconds=1),
    )
    loaded = revocation_list_load(crl=first.public_bytes(Encoding.PEM))
    assert revocation_list_load(crl=first.public_bytes(Encoding.DER)).pk == loaded.pk
    replaced = revocation_list_load(crl=newer.public_bytes(Encoding.DER), source="tải tay")
    assert list(RevocationList.objects.values_list("pk", "number", "revoked_count")) == [
        (replaced.pk, 2, 1)
    ]
    assert replaced.issuer == "CN=Tỉnh Số DEV CA — không dùng thật,O=Tỉnh Số (phát triển),C=VN"
    assert len(default_store().crls) == 1


def test_a_crl_not_signed_by_the_anchor_is_refused(dev_ca_session):
    trust_anchor_add(certificate=dev_ca_session.pem)
    impostor = devca.create_root()  # same name, another key
    forged = devca.make_crl(
        ca=impostor, revoked=[(1, impostor.certificate.not_valid_before_utc)], number=9
    )
    with pytest.raises(SignatureError) as error:
        revocation_list_load(crl=forged.public_bytes(Encoding.DER))
    assert error.value.code == "crl_signature"
    with pytest.raises(SignatureError) as error:
        revocation_list_load(crl=b"not a crl")
    assert error.value.code == "bad_crl"
    assert RevocationList.objects.count() == 0
