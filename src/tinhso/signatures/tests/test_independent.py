"""Signed PDFs checked by independent validators: poppler's `pdfsig` (NSS) and pyHanko's own
command line (`pyhanko sign validate`, package pyhanko-cli).

The development CA is not in NSS's database, so pdfsig reports the issuer as not trusted:
expected here; what matters is its "Signature is Valid." for each signature. pyHanko's CLI is
given the development root as its only trust anchor and checks revocation on line: the
certificates used here name a CRL address on the loopback interface, served by a small HTTP
server in the test, so revocation is checked independently too, and nothing leaves the
machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.utils import timezone

from tinhso.signatures import devca
from tinhso.signatures.models import IdentityKind
from tinhso.signatures.services import identity_import, sign_pdf, verify_pdf
from tinhso.signatures.tests.conftest import PASSPHRASE, PRODUCER, DevCA, bare_sign

pytestmark = pytest.mark.django_db

PDFSIG = shutil.which("pdfsig") or "/usr/bin/pdfsig"
PYHANKO = str(Path(sys.executable).with_name("pyhanko"))
needs_pdfsig = pytest.mark.skipif(
    not Path(PDFSIG).exists(), reason="poppler's pdfsig is missing (apt-get install poppler-utils)"
)
needs_pyhanko_cli = pytest.mark.skipif(
    not Path(PYHANKO).exists(), reason="pyHanko's CLI is missing (pyhanko-cli, make install)"
)


@pytest.fixture
def crl_server():
    """An HTTP server on 127.0.0.1 answering every GET with the current CRL (DER)."""
    state = {"crl": b""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-crl")
            self.send_header("Content-Length", str(len(state["crl"])))
            self.end_headers()
            self.wfile.write(state["crl"])

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/dev-ca.crl"
    finally:
        server.shutdown()
        server.server_close()


def pdfsig(path: Path) -> list[str]:
    proc = subprocess.run(  # noqa: S603 (fixed tools, arguments made by the test)
        [PDFSIG, str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return [line.strip() for line in proc.stdout.splitlines()]


def pyhanko_validate(path: Path, root: Path) -> tuple[int, list[str]]:
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    proc = subprocess.run(  # noqa: S603 (fixed tools, arguments made by the test)
        [PYHANKO, "sign", "validate", "--trust", str(root), "--trust-replace", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=path.parent,
        env=env,
    )
    return proc.returncode, proc.stdout.splitlines()


def doubly_signed(people, ca: DevCA, crl_url: str, pdf: bytes):
    """The leader's signature then the department's seal, both visible, by our service."""
    leader = people["leader"]
    made = []
    for kind, name, owner in (
        (IdentityKind.PERSONAL, "Phạm Quốc Hùng", {"official": leader}),
        (IdentityKind.ORGAN, "Sở Tư pháp tỉnh Kiên Giang", {"organ": people["department"]}),
    ):
        issued = ca.issue(name, crl_url=crl_url)
        identity = identity_import(
            pkcs12_data=issued.p12, passphrase=PASSPHRASE, kind=kind, **owner
        )
        pdf = sign_pdf(
            pdf=pdf,
            identity=identity,
            passphrase=PASSPHRASE,
            actor=leader.user,
            reason="Ký ban hành văn bản",
            location="Kiên Giang",
            visible=True,
        )
        made.append((issued, identity))
    return pdf, made


@needs_pdfsig
def test_pdfsig_finds_both_signatures_valid(
    people, dev_ca_session, trusted_dev_ca, plain_pdf, tmp_path
):
    signed, _made = doubly_signed(people, dev_ca_session, dev_ca_session.crl_url, plain_pdf)
    path = tmp_path / "hai-chu-ky.pdf"
    path.write_bytes(signed)
    lines = pdfsig(path)
    picked = [
        line
        for line in lines
        if line.startswith(("Signature #", "- Signature Field Name", "- Signer Certificate Common"))
        or line.endswith(("document signed", "Valid."))
    ]
    assert picked == [
        "Signature #1:",
        "- Signature Field Name: Signature1",
        "- Signer Certificate Common Name: Phạm Quốc Hùng",
        "- Not total document signed",
        "- Signature Validation: Signature is Valid.",
        "Signature #2:",
        "- Signature Field Name: Signature2",
        "- Signer Certificate Common Name: Sở Tư pháp tỉnh Kiên Giang",
        "- Total document signed",
        "- Signature Validation: Signature is Valid.",
    ]
    # NSS does not know the development CA: reported, as expected in the demo.
    assert lines.count("- Certificate Validation: Certificate issuer isn't Trusted.") == 2


@needs_pdfsig
def test_pdfsig_sees_a_changed_byte(hung, plain_pdf, tmp_path):
    signed = bare_sign(plain_pdf, hung)
    path = tmp_path / "sua.pdf"
    path.write_bytes(signed.replace(PRODUCER.encode(), PRODUCER.upper().encode()))
    lines = pdfsig(path)
    assert "- Signature Validation: Digest Mismatch." in lines
    assert "- Signature Validation: Signature is Valid." not in lines


@needs_pyhanko_cli
def test_pyhanko_cli_trusts_then_sees_the_revocation(
    people, dev_ca_session, trusted_dev_ca, plain_pdf, tmp_path, crl_server
):
    state, url = crl_server
    authority = dev_ca_session.authority
    state["crl"] = devca.make_crl(ca=authority, revoked=[], number=1).public_bytes(Encoding.DER)
    signed, made = doubly_signed(people, dev_ca_session, url, plain_pdf)
    path, root = tmp_path / "van-ban.pdf", tmp_path / "root.pem"
    path.write_bytes(signed)
    root.write_text(dev_ca_session.pem)
    (_, personal), (seal_cert, seal) = made

    code, lines = pyhanko_validate(path, root)
    assert (code, lines) == (
        0,
        [
            f"Signature1:{personal.fingerprint}:INTACT:TRUSTED,EXTENDED_WITH_FORM_FILLING,"
            "ACCEPTABLE_MODIFICATIONS",
            f"Signature2:{seal.fingerprint}:INTACT:TRUSTED,UNTOUCHED",
        ],
    )

    crl = devca.make_crl(
        ca=authority, revoked=[(seal_cert.certificate.serial_number, timezone.now())], number=2
    )
    state["crl"] = crl.public_bytes(Encoding.DER)
    code, lines = pyhanko_validate(path, root)
    assert code == 1
    assert lines[1] == f"Signature2:{seal.fingerprint}:INTACT:REVOKED,UNTOUCHED"
    # Our verification, with the same list loaded instead of fetched, agrees.
    ours = verify_pdf(pdf=signed, store=dev_ca_session.store(crl))
    assert [s.status for s in ours.signatures] == ["valid", "revoked"]


@needs_pyhanko_cli
def test_pyhanko_cli_does_not_trust_an_unknown_ca(other_ca, dev_ca_session, plain_pdf, tmp_path):
    stranger = other_ca.issue("Nguyễn Văn Lạ", organization="Công ty Lạ")
    path, root = tmp_path / "la.pdf", tmp_path / "root.pem"
    path.write_bytes(bare_sign(plain_pdf, stranger))
    root.write_text(dev_ca_session.pem)
    code, lines = pyhanko_validate(path, root)
    assert code == 1
    assert lines[-1].endswith(":INTACT:UNTRUSTED,UNTOUCHED")
