"""`tinhso signatures_hsm init|register` against SoftHSM2 (the token directory of test_hsm)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tinhso.core.models import AuditEntry
from tinhso.signatures import softhsm
from tinhso.signatures.models import CheckStatus, IdentityKind, KeyStorage, SigningIdentity
from tinhso.signatures.services import sign_pdf, verify_pdf
from tinhso.signatures.tests.conftest import HSM_PIN as PIN
from tinhso.signatures.tests.conftest import HSM_TOKEN as TOKEN

MODULE = softhsm.LIBRARY

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not softhsm.available(),
        reason=f"SoftHSM2 is not installed ({softhsm.LIBRARY}; apt-get install softhsm2)",
    ),
]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("signatures_hsm", *args, stdout=out)
    return out.getvalue()


def test_init_makes_a_token_and_a_key_that_signs(softhsm_dir, token, people, plain_pdf):
    department = people["department"]
    qcvn = department.identifiers.get(scheme="qcvn102").value
    out = run(
        "init", "--dir", str(softhsm_dir), "--token", "lenh-init", "--pin", PIN,
        "--organ", qcvn, "--key-label", "con-dau-stp",
    )  # fmt: skip
    identity = SigningIdentity.objects.get()
    assert (identity.key_storage, identity.kind, identity.organ) == (
        KeyStorage.PKCS11,
        IdentityKind.ORGAN,
        department,
    )
    assert (identity.pkcs11_token, identity.pkcs11_key_label) == ("lenh-init", "con-dau-stp")
    assert "token 'lenh-init' initialised" in out
    assert f"SOFTHSM2_CONF={softhsm_dir / softhsm.CONF_NAME}" in out
    assert "lenh-init" in softhsm.token_labels(softhsm_dir / softhsm.CONF_NAME)
    signed = sign_pdf(
        pdf=plain_pdf,
        identity=identity,
        passphrase=PIN,
        actor=people["leader"].user,
        reason="Ký ban hành",
        location="Kiên Giang",
    )
    assert verify_pdf(pdf=signed).status == CheckStatus.VALID

    # Again on the same token: no new token, a second key; then the same key registered.
    out = run(
        "init", "--dir", str(softhsm_dir), "--token", "lenh-init", "--pin", PIN,
        "--official", people["leader"].user.username,
    )  # fmt: skip
    assert "initialised" not in out
    personal = SigningIdentity.objects.get(kind=IdentityKind.PERSONAL)
    assert personal.pkcs11_token == "lenh-init" and personal.pkcs11_key_id != identity.pkcs11_key_id
    run(
        "register", "--module", MODULE, "--token", "lenh-init", "--pin", PIN,
        "--key-id", identity.pkcs11_key_id, "--organ", qcvn,
    )  # fmt: skip
    assert SigningIdentity.objects.count() == 2
    assert AuditEntry.objects.filter(action="signature.identity_register_pkcs11").count() == 2


def test_init_refuses_a_module_not_listed_and_a_wrong_pin(
    softhsm_dir, token, people, settings, tmp_path
):
    qcvn = people["department"].identifiers.get(scheme="qcvn102").value
    settings.SIGNATURE_PKCS11_MODULES = []
    with pytest.raises(CommandError, match="SIGNATURE_PKCS11_MODULES"):
        run("init", "--dir", str(softhsm_dir), "--token", TOKEN, "--pin", PIN, "--organ", qcvn)
    settings.SIGNATURE_PKCS11_MODULES = [MODULE]
    with pytest.raises(CommandError, match="không đúng"):
        run("init", "--dir", str(softhsm_dir), "--token", TOKEN, "--pin", "sai", "--organ", qcvn)
    with pytest.raises(CommandError, match="SOFTHSM2_CONF"):
        run("init", "--dir", str(tmp_path), "--token", TOKEN, "--pin", PIN, "--organ", qcvn)
    assert not SigningIdentity.objects.exists()
