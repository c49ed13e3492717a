"""Keys on a PKCS#11 token (the `pkcs11` key source), against a real SoftHSM2 token.

The token directory is made once per test session in a temporary folder, and SOFTHSM2_CONF
points at it before the module is initialised in this process. Each test generates its own
RSA key ON the token (the development CA certifies it) through the same services the
`signatures_hsm init` command uses, and signs through `sign_pdf`, the path documents use.
"""

from __future__ import annotations

import io
import threading

import pkcs11
import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from pkcs11 import Attribute, ObjectClass
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from tinhso.core.models import AuditEntry
from tinhso.signatures import certs, devca, hsm, softhsm
from tinhso.signatures.keys import key_source
from tinhso.signatures.models import CheckStatus, IdentityKind, KeyStorage, SigningIdentity
from tinhso.signatures.services import (
    SignatureError,
    dev_ca,
    dev_token_identity_issue,
    identity_import,
    identity_register_pkcs11,
    sign_pdf,
    verify_pdf,
)
from tinhso.signatures.tests.conftest import HSM_PIN as PIN
from tinhso.signatures.tests.conftest import HSM_TOKEN as TOKEN
from tinhso.signatures.tests.conftest import PASSPHRASE, make_pdf
from tinhso.signatures.tests.test_independent import (
    crl_server,  # noqa: F401 (a fixture used below)
    needs_pdfsig,
    needs_pyhanko_cli,
    pdfsig,
    pyhanko_validate,
)

MODULE = softhsm.LIBRARY

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not softhsm.available(),
        reason=f"SoftHSM2 is not installed ({softhsm.LIBRARY}; apt-get install softhsm2)",
    ),
]


@pytest.fixture
def seal_on_token(token, people) -> SigningIdentity:
    """The department's seal: a key generated on the token, certified by the dev CA."""
    return dev_token_identity_issue(
        module=MODULE, token=token, pin=PIN, kind=IdentityKind.ORGAN, organ=people["department"]
    )


def sign(pdf: bytes, identity: SigningIdentity, actor, *, pin: str | None = PIN, **extra) -> bytes:
    return sign_pdf(
        pdf=pdf,
        identity=identity,
        passphrase=pin,
        actor=actor,
        reason="Ký ban hành văn bản",
        location="Kiên Giang",
        **extra,
    )


def private_key_on_token(identity: SigningIdentity):
    session = hsm.library(MODULE).get_token(token_label=identity.pkcs11_token).open(user_pin=PIN)
    try:
        key = session.get_key(
            object_class=ObjectClass.PRIVATE_KEY, id=bytes.fromhex(identity.pkcs11_key_id)
        )
        return {a: key[a] for a in (Attribute.SENSITIVE, Attribute.EXTRACTABLE, Attribute.TOKEN)}
    finally:
        session.close()


def test_the_key_is_generated_on_the_token_and_never_leaves_it(seal_on_token, people):
    identity = seal_on_token
    assert identity.key_storage == KeyStorage.PKCS11
    assert (identity.pkcs11_module, identity.pkcs11_token) == (MODULE, TOKEN)
    assert len(identity.pkcs11_key_id) == 16 and identity.pkcs11_key_label.startswith("tinhso-")
    assert not identity.pkcs12_file and identity.pkcs12_sha256 == ""
    assert identity.issuer == dev_ca().name.rfc4514_string()
    assert identity.organ == people["department"] and identity.kind == IdentityKind.ORGAN
    hsm.SOURCE.forget()  # one login per token and process: the test opens its own
    assert private_key_on_token(identity) == {
        Attribute.SENSITIVE: True,
        Attribute.EXTRACTABLE: False,
        Attribute.TOKEN: True,
    }
    entry = AuditEntry.objects.get(action="signature.identity_register_pkcs11")
    assert entry.object_id == str(identity.pk)
    assert entry.data["token"] == TOKEN and entry.data["key_id"] == identity.pkcs11_key_id


def test_a_document_signed_by_a_person_then_sealed_on_the_token_verifies(
    seal_on_token, people, plain_pdf
):
    leader = people["leader"]
    personal_issued = devca.issue(
        ca=dev_ca(), subject=devca.name("Phạm Quốc Hùng", organization="Sở Tư pháp")
    )
    personal = identity_import(
        pkcs12_data=devca.pkcs12_bytes(
            key=personal_issued[0],
            certificate=personal_issued[1],
            chain=[dev_ca().certificate],
            passphrase=PASSPHRASE,
        ),
        passphrase=PASSPHRASE,
        kind=IdentityKind.PERSONAL,
        official=leader,
    )
    signed = sign(plain_pdf, personal, leader.user, pin=PASSPHRASE, visible=True)
    signed = sign(signed, seal_on_token, leader.user, visible=True, note="Số 12/QĐ-STP")

    report = verify_pdf(pdf=signed)
    assert report.status == CheckStatus.VALID
    assert [(s.status, s.signer_common_name, s.serial) for s in report.signatures] == [
        ("valid", "Phạm Quốc Hùng", personal.serial),
        ("valid", seal_on_token.common_name, seal_on_token.serial),
    ]
    assert report.signatures[1].whole_document
    entries = AuditEntry.objects.filter(action="signature.sign").order_by("pk")
    assert [e.object_id for e in entries] == [str(personal.pk), str(seal_on_token.pk)]


@needs_pdfsig
def test_pdfsig_finds_the_token_signature_valid(seal_on_token, people, plain_pdf, tmp_path):
    signed = sign(plain_pdf, seal_on_token, people["leader"].user, visible=True)
    path = tmp_path / "con-dau.pdf"
    path.write_bytes(signed)
    lines = pdfsig(path)
    assert f"- Signer Certificate Common Name: {seal_on_token.common_name}" in lines
    assert "- Signature Validation: Signature is Valid." in lines
    assert "- Total document signed" in lines
    assert "- Signature Type: ETSI.CAdES.detached" in lines


@needs_pyhanko_cli
def test_pyhanko_cli_trusts_the_token_signature(
    token,
    people,
    plain_pdf,
    tmp_path,
    settings,
    crl_server,  # noqa: F811 (the fixture)
):
    state, url = crl_server
    settings.SIGNATURE_DEV_CA_CRL_URL = url  # revocation is checked on line, on loopback
    authority = dev_ca()
    state["crl"] = devca.make_crl(ca=authority, revoked=[], number=1).public_bytes(Encoding.DER)
    seal = dev_token_identity_issue(
        module=MODULE, token=token, pin=PIN, kind=IdentityKind.ORGAN, organ=people["department"]
    )
    path, root = tmp_path / "van-ban.pdf", tmp_path / "root.pem"
    path.write_bytes(sign(plain_pdf, seal, people["leader"].user))
    root.write_text(certs.to_pem(authority.certificate))
    code, lines = pyhanko_validate(path, root)
    assert (code, lines) == (0, [f"Signature1:{seal.fingerprint}:INTACT:TRUSTED,UNTOUCHED"])


def test_a_wrong_pin_is_refused_on_the_field_in_vietnamese_and_never_cached(
    seal_on_token, people, plain_pdf
):
    actor = people["leader"].user
    with pytest.raises(SignatureError) as refused:
        sign(plain_pdf, seal_on_token, actor, pin="0000")
    assert refused.value.code == "wrong_passphrase"
    assert refused.value.field == "passphrase"
    assert refused.value.message == f"Mật khẩu của khóa ký «{seal_on_token.label}» không đúng."
    assert verify_pdf(pdf=sign(plain_pdf, seal_on_token, actor)).status == CheckStatus.VALID
    # A session is now logged in with the right PIN: a wrong one must still be refused by
    # the token, not served by the logged-in session.
    with pytest.raises(SignatureError) as again:
        sign(plain_pdf, seal_on_token, actor, pin=PIN + "x")
    assert again.value.code == "wrong_passphrase"
    with pytest.raises(SignatureError) as empty:
        sign(plain_pdf, seal_on_token, actor, pin="")
    assert empty.value.code == "wrong_passphrase"
    assert AuditEntry.objects.filter(action="signature.sign").count() == 1
    assert verify_pdf(pdf=sign(plain_pdf, seal_on_token, actor)).status == CheckStatus.VALID


def test_a_module_not_listed_is_never_loaded(seal_on_token, people, plain_pdf, settings, tmp_path):
    actor = people["leader"].user
    rogue = tmp_path / "evil.so"
    rogue.write_bytes(b"not a library")
    SigningIdentity.objects.filter(pk=seal_on_token.pk).update(pkcs11_module=str(rogue))
    seal_on_token.refresh_from_db()
    with pytest.raises(SignatureError) as refused:
        sign(plain_pdf, seal_on_token, actor)
    assert refused.value.code == "module_not_allowed"
    assert refused.value.field == "identity"
    assert refused.value.message == (
        f"Thư viện PKCS#11 «{rogue}» của khóa ký «{seal_on_token.label}» không nằm trong danh "
        "sách được phép nạp (SIGNATURE_PKCS11_MODULES)."
    )
    assert str(rogue) not in pkcs11._loaded  # type: ignore[attr-defined]
    # SoftHSM itself is refused once it is no longer listed, and so is a relative path.
    SigningIdentity.objects.filter(pk=seal_on_token.pk).update(pkcs11_module=MODULE)
    seal_on_token.refresh_from_db()
    settings.SIGNATURE_PKCS11_MODULES = []
    with pytest.raises(SignatureError, match="SIGNATURE_PKCS11_MODULES"):
        sign(plain_pdf, seal_on_token, actor)
    settings.SIGNATURE_PKCS11_MODULES = ["libsofthsm2.so"]
    with pytest.raises(SignatureError) as relative:
        hsm.check_module("libsofthsm2.so", identity="x")
    assert relative.value.code == "module_not_allowed"
    with pytest.raises(SignatureError) as registering:
        identity_register_pkcs11(
            module=str(rogue),
            token=TOKEN,
            pin=PIN,
            kind=IdentityKind.ORGAN,
            organ=people["department"],
            key_label="x",
        )
    assert registering.value.code == "module_not_allowed"
    assert not AuditEntry.objects.filter(action="signature.sign").exists()


def test_a_key_or_token_that_is_not_there_is_a_clear_error(seal_on_token, people, plain_pdf):
    actor = people["leader"].user
    SigningIdentity.objects.filter(pk=seal_on_token.pk).update(
        pkcs11_key_label="khong-co", pkcs11_key_id="00ff"
    )
    seal_on_token.refresh_from_db()
    with pytest.raises(SignatureError) as missing:
        sign(plain_pdf, seal_on_token, actor)
    assert missing.value.code == "key_unavailable"
    assert missing.value.message == (
        f"Không mở được khóa ký «{seal_on_token.label}»: không tìm thấy đúng một khóa "
        f"«khong-co» trên thiết bị ký «{TOKEN}»."
    )
    SigningIdentity.objects.filter(pk=seal_on_token.pk).update(pkcs11_token="the-khac")
    seal_on_token.refresh_from_db()
    with pytest.raises(SignatureError) as no_token:
        sign(plain_pdf, seal_on_token, actor)
    assert no_token.value.code == "key_unavailable"
    assert no_token.value.message == (
        f"Không mở được khóa ký «{seal_on_token.label}»: không tìm thấy thiết bị ký «the-khac»."
    )
    assert not AuditEntry.objects.filter(action="signature.sign").exists()


def test_registering_a_certificate_of_another_key_is_refused(seal_on_token, people, hung):
    # `hung` is a certificate from another CA for a key that is not on the token.
    with pytest.raises(SignatureError) as refused:
        identity_register_pkcs11(
            module=MODULE,
            token=TOKEN,
            pin=PIN,
            kind=IdentityKind.ORGAN,
            organ=people["department"],
            key_id=seal_on_token.pkcs11_key_id,
            certificate=certs.to_pem(hung.certificate),
        )
    assert refused.value.code == "key_unavailable"
    assert "không khớp với chứng thư số" in refused.value.message
    # The key's own certificate, read from the token, registers to the same identity.
    again = identity_register_pkcs11(
        module=MODULE,
        token=TOKEN,
        pin=PIN,
        kind=IdentityKind.ORGAN,
        organ=people["department"],
        key_id=seal_on_token.pkcs11_key_id,
    )
    assert again == seal_on_token
    assert SigningIdentity.objects.count() == 1


def test_signing_from_threads_is_serialised_on_the_token(seal_on_token, people):
    """Eight signatures from four threads through one cached session: PKCS#11 runs one
    operation at a time per session, so the key source holds the token's lock around each
    one. No database in the threads: the signer and pyHanko only."""
    signer = key_source("pkcs11").signer_for(seal_on_token, PIN)
    assert key_source("pkcs11").signer_for(seal_on_token, PIN) is signer  # cached
    entry = hsm.SOURCE._entry(MODULE, TOKEN)
    held: list[bool] = []

    class Watched:
        """The token's key handle, noting whether the token's lock is held at each call."""

        def __init__(self, handle) -> None:
            self.handle = handle

        def sign(self, data: bytes, **kwargs) -> bytes:
            held.append(entry.lock._is_owned())  # type: ignore[attr-defined]
            return self.handle.sign(data, **kwargs)

    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            for round_ in range(2):
                mine = key_source("pkcs11").signer_for(seal_on_token, PIN)
                writer = IncrementalPdfFileWriter(io.BytesIO(make_pdf(f"Văn bản số {number}")))
                meta = signers.PdfSignatureMetadata(
                    field_name="Signature1",
                    md_algorithm="sha256",
                    subfilter=fields.SigSeedSubFilter.PADES,
                )
                out = signers.sign_pdf(writer, meta, signer=mine).getvalue()
                results[number * 10 + round_] = out
        except BaseException as error:  # reported to the test thread
            errors.append(error)

    signer._key_handle._handle = Watched(signer._key_handle._handle)
    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(results) == 8
    assert held == [True] * 8  # every signature on the token, each under the lock
    # Each signature's reason and detail in the message: this check failed once (every
    # signature INVALID) in a full suite beside another, and never again alone.
    found = {
        (s.status, s.reason, s.detail)
        for pdf in results.values()
        for s in verify_pdf(pdf=pdf).signatures
    }
    assert {status for status, _reason, _detail in found} == {CheckStatus.VALID}, found


def test_sessions_close_cleanly_and_open_again(seal_on_token, people, plain_pdf):
    actor = people["leader"].user
    sign(plain_pdf, seal_on_token, actor)
    entry = hsm.SOURCE._entry(MODULE, TOKEN)
    session = entry.session
    assert session is not None
    hsm.SOURCE.forget()
    assert entry.session is None and entry.signers == {}
    with pytest.raises(pkcs11.exceptions.SessionHandleInvalid):
        session.close()  # closed already: the token no longer knows it
    # The module initialised again (as after a new token): the next signature logs in anew.
    hsm.reload_module(MODULE)
    assert verify_pdf(pdf=sign(plain_pdf, seal_on_token, actor)).status == CheckStatus.VALID
    assert entry.session is not None and entry.session is not session


def test_a_wrong_pin_typed_meanwhile_does_not_break_a_signature_in_progress(
    seal_on_token, people, plain_pdf, monkeypatch
):
    """Another user's wrong PIN on the same token closes the logged-in session while a
    signature holds a signer made on it: the signer refuses to sign on a closed session and
    sign_pdf logs in again with the PIN it holds, once."""
    actor = people["leader"].user
    original = hsm.SOURCE.signer_for
    interleaved: list[str] = []

    def signer_for(identity, pin):
        signer = original(identity, pin)
        if not interleaved:
            with pytest.raises(SignatureError) as other:
                original(identity, "sai-ma-pin")
            interleaved.append(other.value.code)
        return signer

    monkeypatch.setattr(hsm.SOURCE, "signer_for", signer_for)
    signed = sign(plain_pdf, seal_on_token, actor)
    assert interleaved == ["wrong_passphrase"]
    assert verify_pdf(pdf=signed).status == CheckStatus.VALID
    assert AuditEntry.objects.filter(action="signature.sign").count() == 1

    # A session that keeps failing is reported, after one new login, as sign_failed.
    def always_dropped(identity, pin):
        signer = original(identity, pin)
        hsm.SOURCE.forget()
        return signer

    monkeypatch.setattr(hsm.SOURCE, "signer_for", always_dropped)
    with pytest.raises(SignatureError) as failed:
        sign(plain_pdf, seal_on_token, actor)
    assert failed.value.code == "sign_failed"
    assert AuditEntry.objects.filter(action="signature.sign").count() == 1
