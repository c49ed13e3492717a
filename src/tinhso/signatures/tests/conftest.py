"""Fixtures of the signatures tests: one development CA for the whole session (built without
the database), test PDFs made with fpdf2 (Vietnamese text), officials with roles, a SoftHSM2
token directory for the whole session (skipped when SoftHSM2 is not installed)."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from cryptography import x509
from fontpkg_be_vietnam_pro import ROOT as FONT_ROOT
from fpdf import FPDF
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tinhso.directory.models import Role, RoleAssignment
from tinhso.signatures import certs, devca, hsm, softhsm
from tinhso.signatures.keys import load_pkcs12
from tinhso.signatures.models import IdentityKind, SigningIdentity
from tinhso.signatures.services import identity_import, trust_anchor_add
from tinhso.signatures.trust import TrustStore

PASSPHRASE = "Mật-khẩu-thử@2026"  # non-ASCII on purpose: encoded as UTF-8 everywhere
PRODUCER = "TinhSo test producer"


TEXT = "Quyết định về việc phê duyệt kế hoạch năm 2026"


def make_pdf(text: str = TEXT, *, pages: int = 1) -> bytes:
    """A small PDF with Vietnamese text, uncompressed so that tests can find its bytes."""
    pdf = FPDF(format="A4")
    pdf.set_compression(False)
    pdf.add_font("BeVietnamPro", "", str(FONT_ROOT / "files" / "BeVietnamPro-Regular.ttf"))
    pdf.set_producer(PRODUCER)
    for page in range(pages):
        pdf.add_page()
        pdf.set_font("BeVietnamPro", size=13)
        pdf.multi_cell(0, 8, f"{text}\nỦy ban nhân dân tỉnh Kiên Giang — trang {page + 1}")
    return bytes(pdf.output())


@dataclass
class Issued:
    key: object
    certificate: x509.Certificate
    p12: bytes


@dataclass
class DevCA:
    authority: devca.Authority
    crl_url: str

    @property
    def pem(self) -> str:
        return certs.to_pem(self.authority.certificate)

    def store(self, *crls: x509.CertificateRevocationList) -> TrustStore:
        return TrustStore.from_certificates([self.authority.certificate], crls=crls)

    def issue(
        self,
        common_name: str,
        *,
        organization: str = "Sở Tư pháp tỉnh Kiên Giang",
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        crl_url: str | None = None,
    ) -> Issued:
        key, cert = devca.issue(
            ca=self.authority,
            subject=devca.name(common_name, organization=organization),
            crl_url=self.crl_url if crl_url is None else crl_url,
            not_before=not_before,
            not_after=not_after,
        )
        p12 = devca.pkcs12_bytes(
            key=key, certificate=cert, chain=[self.authority.certificate], passphrase=PASSPHRASE
        )
        return Issued(key, cert, p12)


@pytest.fixture(scope="session")
def dev_ca_session() -> DevCA:
    """Built once: a root and no database. Its certificates name a CRL address on the
    loopback interface that nothing serves (tests load CRLs into the store instead)."""
    return DevCA(devca.create_root(), "http://127.0.0.1:9/tinhso-test.crl")


@pytest.fixture(scope="session")
def other_ca() -> DevCA:
    return DevCA(devca.create_root(common_name="CA lạ — không được tin cậy"), "")


@pytest.fixture(scope="session")
def hung(dev_ca_session: DevCA) -> Issued:
    """One personal certificate for the session (issuing and PKCS#12 cost ~30 ms each)."""
    return dev_ca_session.issue("Phạm Quốc Hùng")


@pytest.fixture(scope="session")
def seal(dev_ca_session: DevCA) -> Issued:
    return dev_ca_session.issue("Sở Tư pháp tỉnh Kiên Giang", organization="UBND tỉnh Kiên Giang")


@pytest.fixture(scope="session")
def plain_pdf() -> bytes:
    return make_pdf()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Keys and CA files go to a temporary storage, never the repository's var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def people(db, organ_tree, official_factory):
    """A department with its leader (SIGN_DOCUMENT), a specialist, and a leader elsewhere."""
    department = organ_tree["department"]
    leader = official_factory(organ=department, user__full_name="Phạm Quốc Hùng")
    RoleAssignment.objects.create(official=leader, role=Role.LEADER, organ=department)
    specialist = official_factory(organ=department, user__full_name="Lê Ngọc Lan")
    RoleAssignment.objects.create(official=specialist, role=Role.SPECIALIST, organ=department)
    outsider = official_factory(organ=organ_tree["district"], user__full_name="Võ Thị Mỹ Linh")
    RoleAssignment.objects.create(official=outsider, role=Role.LEADER, organ=organ_tree["district"])
    return {
        "department": department,
        "leader": leader,
        "specialist": specialist,
        "outsider": outsider,
    }


@pytest.fixture
def trusted_dev_ca(db, dev_ca_session):
    """The session's development CA as a trust anchor of the database."""
    return trust_anchor_add(certificate=dev_ca_session.pem)


@pytest.fixture
def identities(people, hung, seal, trusted_dev_ca) -> dict[str, SigningIdentity]:
    personal = identity_import(
        pkcs12_data=hung.p12,
        passphrase=PASSPHRASE,
        kind=IdentityKind.PERSONAL,
        official=people["leader"],
    )
    organ = identity_import(
        pkcs12_data=seal.p12,
        passphrase=PASSPHRASE,
        kind=IdentityKind.ORGAN,
        organ=people["department"],
    )
    return {"personal": personal, "organ": organ}


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def javascript_pdf() -> bytes:
    """A PDF whose catalogue opens with a script (written compressed by pypdf)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def bare_sign(pdf: bytes, issued: Issued, *, field_name: str = "Signature1") -> bytes:
    """Sign with pyHanko directly (no checks of ours): for certificates our service refuses."""
    signer = load_pkcs12(issued.p12, PASSPHRASE, label="test")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


HSM_TOKEN = "tinhso-kiem-thu"
HSM_PIN = "Mã-PIN-1234"  # non-ASCII on purpose: PKCS#11 PINs are UTF-8


@pytest.fixture(scope="session")
def softhsm_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SoftHSM2 token directory with one initialised token, SOFTHSM2_CONF set to it before
    the module is initialised in this process (or initialised again if it was)."""
    if not softhsm.available():
        pytest.skip(f"SoftHSM2 is not installed ({softhsm.LIBRARY}; apt-get install softhsm2)")
    directory = tmp_path_factory.mktemp("softhsm")
    conf = softhsm.write_config(directory)
    before = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    softhsm.init_token(conf, label=HSM_TOKEN, pin=HSM_PIN, so_pin="12345678")
    hsm.reload_module(softhsm.LIBRARY)
    try:
        yield directory
    finally:
        hsm.SOURCE.forget()
        if before is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = before


@pytest.fixture
def token(softhsm_dir, settings) -> Iterator[str]:
    """The session's token label, with SoftHSM2 listed in SIGNATURE_PKCS11_MODULES; every
    session on it is closed after the test."""
    settings.SIGNATURE_PKCS11_MODULES = [softhsm.LIBRARY]
    yield HSM_TOKEN
    hsm.SOURCE.forget()
