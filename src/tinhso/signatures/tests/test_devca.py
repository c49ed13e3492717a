"""The development CA service, its command, and the demo seeding."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from tinhso.directory.models import Role
from tinhso.signatures import certs
from tinhso.signatures.models import IdentityKind, RevocationList, SigningIdentity, TrustAnchor
from tinhso.signatures.seeding import demo_signers, seed_signatures
from tinhso.signatures.services import (
    DEV_PASSPHRASE,
    dev_ca,
    dev_ca_revoke,
    dev_identity_issue,
    sign_pdf,
    verify_pdf,
)
from tinhso.signatures.services.development import CA_FILE

pytestmark = pytest.mark.django_db


def test_dev_ca_is_created_once_and_trusted():
    first = dev_ca()
    again = dev_ca()
    assert certs.facts(again.certificate) == certs.facts(first.certificate)
    assert default_storage.exists(CA_FILE)
    anchor = TrustAnchor.objects.get()
    assert (anchor.name, anchor.is_development, anchor.is_active) == (
        "Tỉnh Số DEV CA — không dùng thật",
        True,
        True,
    )
    assert anchor.fingerprint == certs.facts(first.certificate).fingerprint


def test_issued_keys_sign_and_verify_against_the_default_store(people, plain_pdf):
    leader = people["leader"]
    leader.position = "Giám đốc Sở Tư pháp"
    leader.save(update_fields=["position"])
    personal = dev_identity_issue(kind=IdentityKind.PERSONAL, official=leader)
    organ = dev_identity_issue(kind=IdentityKind.ORGAN, organ=people["department"])

    assert personal.subject == (
        f"CN=Phạm Quốc Hùng,OU=Giám đốc Sở Tư pháp,O={people['department'].name},C=VN"
    )
    assert organ.subject == (
        f"CN={people['department'].name},O={people['department'].parent.name},C=VN"
    )
    signed = plain_pdf
    for identity in (personal, organ):
        signed = sign_pdf(
            pdf=signed,
            identity=identity,
            passphrase=DEV_PASSPHRASE,
            actor=leader.user,
            reason="Ký ban hành",
            location="Rạch Giá",
        )
    report = verify_pdf(pdf=signed)
    assert [(s.status, s.signer_common_name) for s in report.signatures] == [
        ("valid", "Phạm Quốc Hùng"),
        ("valid", people["department"].name),
    ]


def test_revoking_publishes_a_crl_and_retires_the_key(people, plain_pdf):
    leader = people["leader"]
    identity = dev_identity_issue(kind=IdentityKind.PERSONAL, official=leader)
    other = dev_identity_issue(kind=IdentityKind.ORGAN, organ=people["department"])
    signed = sign_pdf(
        pdf=plain_pdf,
        identity=identity,
        passphrase=DEV_PASSPHRASE,
        actor=leader.user,
        reason="",
        location="",
    )
    assert verify_pdf(pdf=signed).status == "valid"

    first = dev_ca_revoke(identity=identity)
    identity.refresh_from_db()
    assert identity.is_active is False
    assert (first.number, first.revoked_count) == (1, 1)
    result = verify_pdf(pdf=signed).signatures[0]
    assert (result.status, result.reason) == ("revoked", "revoked")

    second = dev_ca_revoke(identity=other)
    serials = {
        certs.serial_hex(entry.serial_number)
        for entry in certs.load_crl(bytes(RevocationList.objects.get().crl_der))
    }
    assert (second.number, second.revoked_count) == (2, 2)
    assert serials == {identity.serial, other.serial}


def _demo_officials(official_factory, organ_tree):
    made = {}
    for username, role, organ in (
        ("lanhdao.tinh", Role.LEADER, organ_tree["province"]),
        ("lanhdao.stp", Role.LEADER, organ_tree["department"]),
        ("vanthu.vp", Role.CLERK, organ_tree["province"]),
    ):
        made[username] = official_factory(
            organ=organ, user__username=username, roles=[(role, organ, False)]
        )
    return made


def test_seeding_gives_demo_signers_and_their_organs_a_key_once(official_factory, organ_tree):
    made = _demo_officials(official_factory, organ_tree)
    assert [o.user.username for o in demo_signers()] == ["lanhdao.stp", "lanhdao.tinh"]

    lines = seed_signatures(scale="small", progress=lambda it, **_: it)
    assert lines[1] == "signing keys: 2 personal, 2 organ created (passphrase TinhSo@2020)"
    assert seed_signatures(scale="small", progress=lambda it, **_: it)[1] == (
        "signing keys: 0 personal, 0 organ created (passphrase TinhSo@2020)"
    )
    owners = sorted(
        (i.kind, i.official.user.username if i.official else i.organ.name)
        for i in SigningIdentity.objects.all()
    )
    assert owners == sorted(
        [
            (IdentityKind.PERSONAL, "lanhdao.stp"),
            (IdentityKind.PERSONAL, "lanhdao.tinh"),
            (IdentityKind.ORGAN, organ_tree["department"].name),
            (IdentityKind.ORGAN, organ_tree["province"].name),
        ]
    )
    assert not SigningIdentity.objects.filter(official=made["vanthu.vp"]).exists()


def test_command(official_factory, organ_tree, tmp_path):
    _demo_officials(official_factory, organ_tree)
    out = io.StringIO()
    call_command("signatures_dev_ca", "init", stdout=out)
    assert out.getvalue().startswith("CN=Tỉnh Số DEV CA — không dùng thật,O=Tỉnh Số (phát triển)")

    out = io.StringIO()
    call_command("signatures_dev_ca", "issue", "--official", "lanhdao.stp", stdout=out)
    identity = SigningIdentity.objects.get()
    assert out.getvalue() == f"#{identity.pk} {identity.subject} serial {identity.serial}\n"

    out = io.StringIO()
    call_command("signatures_dev_ca", "revoke", str(identity.pk), stdout=out)
    assert out.getvalue() == f"revoked serial {identity.serial}; CRL number 1 loaded\n"

    target = tmp_path / "root.pem"
    call_command("signatures_dev_ca", "root", "--out", str(target), stdout=io.StringIO())
    assert target.read_text() == TrustAnchor.objects.get().certificate_pem

    with pytest.raises(CommandError, match=r"No official with the account 'khong\.co'"):
        call_command("signatures_dev_ca", "issue", "--official", "khong.co")
