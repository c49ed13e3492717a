"""PAdES signing and verification: our services against pyHanko's bare calls on the same file
(see bench/README.md, "Signatures").

    .venv/bin/python bench/signatures.py                # 7 rounds of 15 operations per side
    .venv/bin/python bench/signatures.py --rounds 11 --ops 25

Ours: `tinhso.signatures.services.sign_pdf` (checks of the file, the signer's permission and
the identity, the key from its PKCS#12 file through the per-process cache, the signature, an
audit row in the database) and `verify_pdf` (checks of the file, the province's trust store
from the database, every signature judged). Bare: pyHanko's `signers.sign_pdf` with the same
key loaded once, and `validation.validate_pdf_signature` of every embedded signature with a
`ValidationContext` on the same root made for each verification (as ours does). Same input
file (three A4 pages of Vietnamese text made with fpdf2), same key (EC P-256 from the
development CA), same metadata (SHA-256, PAdES, reason and location).

Each round runs `--ops` operations of each side interleaved one by one (ours then bare, then
bare then ours, …), so that a burst of load on this shared machine hits both; the figure is
the median over the rounds of the mean time per operation, and the ratio is ours / bare of
those medians (the median of the per-round ratios is shown too). Target: ours within
1.5 × bare for signing and for verifying. Visible signatures and a doubly signed file are
measured as well, for information.

Runs in process on a throw-away SQLite database and media directory (removed at the end);
nothing is sent anywhere.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for entry in (ROOT, ROOT / "src"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from bench.run import Verdicts, banner  # noqa: E402

TARGET_RATIO = 1.5
REASON, LOCATION = "Ký ban hành văn bản", "Kiên Giang"


def _setup(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASK_BACKEND"] = "immediate"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _document() -> bytes:
    from fontpkg_be_vietnam_pro import ROOT as FONT_ROOT
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("BeVietnamPro", "", str(FONT_ROOT / "files" / "BeVietnamPro-Regular.ttf"))
    paragraph = (
        "Căn cứ Luật Tổ chức chính quyền địa phương; căn cứ Nghị định số 30/2020/NĐ-CP về công "
        "tác văn thư; xét đề nghị của Giám đốc Sở Tư pháp, Ủy ban nhân dân tỉnh Kiên Giang "
        "quyết định phê duyệt kế hoạch chuyển đổi số năm 2026. "
    )
    for page in range(3):
        pdf.add_page()
        pdf.set_font("BeVietnamPro", size=13)
        pdf.multi_cell(0, 7, f"Trang {page + 1}\n" + paragraph * 8)
    return bytes(pdf.output())


def _fixture() -> dict[str, Any]:
    """An organ, its leader (who may sign for it) and a key from the development CA."""
    from tinhso.directory.models import Official, Organ, Role, RoleAssignment, User
    from tinhso.signatures.models import IdentityKind
    from tinhso.signatures.services import DEV_PASSPHRASE, dev_identity_issue

    organ = Organ.objects.create(
        name="Sở Tư pháp tỉnh Kiên Giang", short_name="STP", kind="department", level=2
    )
    organ.tree_path = f"/{organ.pk}/"
    organ.save(update_fields=["tree_path"])
    user = User.objects.create_user(username="lanhdao.bench", full_name="Phạm Quốc Hùng")
    official = Official.objects.create(user=user, organ=organ, position="Giám đốc")
    RoleAssignment.objects.create(official=official, role=Role.LEADER, organ=organ)
    identity = dev_identity_issue(kind=IdentityKind.PERSONAL, official=official)
    return {"user": user, "identity": identity, "passphrase": DEV_PASSPHRASE}


def _bare(fixture: dict[str, Any]) -> dict[str, Any]:
    """pyHanko without us: the same key and root, loaded once."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from tinhso.signatures import appearance
    from tinhso.signatures.services import dev_ca

    identity = fixture["identity"]
    with identity.pkcs12_file.open("rb") as handle:
        signer = signers.SimpleSigner.load_pkcs12_data(
            handle.read(), other_certs=[], passphrase=fixture["passphrase"].encode()
        )
    root = asn1_x509.Certificate.load(dev_ca().certificate.public_bytes(Encoding.DER))

    def sign(pdf: bytes, *, visible: bool = False, field: str = "Signature1") -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=field,
            reason=REASON,
            location=LOCATION,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        spec, style = None, None
        if visible:
            page, box = appearance.box_for(writer.prev, index=0)
            spec = fields.SigFieldSpec(sig_field_name=field, on_page=page, box=box)
            style = appearance.stamp_style(identity.kind)
        pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec)
        return pdf_signer.sign_pdf(writer).getvalue()

    def verify(pdf: bytes) -> list[bool]:
        reader = PdfFileReader(io.BytesIO(pdf))
        return [
            validate_pdf_signature(
                embedded, ValidationContext(trust_roots=[root], allow_fetching=False)
            ).bottom_line
            for embedded in reader.embedded_signatures
        ]

    return {"sign": sign, "verify": verify}


def _ours(fixture: dict[str, Any]) -> dict[str, Any]:
    from tinhso.signatures.services import sign_pdf, verify_pdf

    def sign(pdf: bytes, *, visible: bool = False) -> bytes:
        return sign_pdf(
            pdf=pdf,
            identity=fixture["identity"],
            passphrase=fixture["passphrase"],
            actor=fixture["user"],
            reason=REASON,
            location=LOCATION,
            visible=visible,
        )

    def verify(pdf: bytes) -> list[str]:
        return [result.status for result in verify_pdf(pdf=pdf).signatures]

    return {"sign": sign, "verify": verify}


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def compare(
    label: str,
    ours: Callable[[], object],
    bare: Callable[[], object],
    *,
    rounds: int,
    ops: int,
    verdicts: Verdicts | None,
) -> float:
    """Time both sides alternately; print medians, min–max and the ratio; return the ratio."""
    ours(), bare()  # warm-up: key cache, font, trust store, imports
    mine: list[float] = []
    theirs: list[float] = []
    for _round in range(rounds):
        spent = {"ours": 0.0, "bare": 0.0}
        for index in range(ops):  # interleaved one by one, so load bursts hit both sides
            order = (("ours", ours), ("bare", bare))
            for side, action in order if index % 2 == 0 else reversed(order):
                spent[side] += _timed(action)
        mine.append(spent["ours"] / ops)
        theirs.append(spent["bare"] / ops)
    ratio = statistics.median(mine) / statistics.median(theirs)
    paired = statistics.median(m / t for m, t in zip(mine, theirs, strict=True))
    print(
        f"  {label:<34} ours {statistics.median(mine) * 1000:7.1f} ms "
        f"({min(mine) * 1000:.1f}–{max(mine) * 1000:.1f})   "
        f"bare {statistics.median(theirs) * 1000:7.1f} ms "
        f"({min(theirs) * 1000:.1f}–{max(theirs) * 1000:.1f})   "
        f"ratio {ratio:.2f} (paired {paired:.2f})"
    )
    if verdicts is not None:
        verdicts.add(
            ratio <= TARGET_RATIO,
            f"signatures: {label}: ours / bare pyHanko = {ratio:.2f} (target ≤ {TARGET_RATIO})",
        )
    return ratio


def bench_signatures(verdicts: Verdicts, *, rounds: int = 7, ops: int = 15) -> None:
    banner("Signatures: PAdES signing and verification against bare pyHanko")
    with tempfile.TemporaryDirectory(prefix="tinhso-bench-sig-") as workdir:
        _setup(Path(workdir))
        fixture = _fixture()
        document = _document()
        ours, bare = _ours(fixture), _bare(fixture)
        signed_ours, signed_bare = ours["sign"](document), bare["sign"](document)
        print(
            f"  document: {len(document):,} bytes, 3 pages; signed: {len(signed_ours):,} bytes; "
            f"{rounds} rounds × {ops} operations per side"
        )
        checks = (
            ours["verify"](signed_ours) == ["valid"]
            and ours["verify"](signed_bare) == ["valid"]
            and bare["verify"](signed_ours) == [True]
        )
        verdicts.add(checks, "signatures: each side's signature verifies valid with the other")
        compare(
            "sign (invisible)",
            lambda: ours["sign"](document),
            lambda: bare["sign"](document),
            rounds=rounds,
            ops=ops,
            verdicts=verdicts,
        )
        compare(
            "verify (1 signature)",
            lambda: ours["verify"](signed_ours),
            lambda: bare["verify"](signed_ours),
            rounds=rounds,
            ops=ops,
            verdicts=verdicts,
        )
        print("  for information:")
        compare(
            "sign (visible, Vietnamese stamp)",
            lambda: ours["sign"](document, visible=True),
            lambda: bare["sign"](document, visible=True),
            rounds=max(3, rounds // 2),
            ops=max(3, ops // 3),
            verdicts=None,
        )
        doubly = ours["sign"](signed_ours)
        compare(
            "verify (2 signatures)",
            lambda: ours["verify"](doubly),
            lambda: bare["verify"](doubly),
            rounds=max(3, rounds // 2),
            ops=max(3, ops // 3),
            verdicts=None,
        )
        from django.db import connections

        connections.close_all()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds (default 7, at most 25)")
    parser.add_argument("--ops", type=int, default=15, help="operations per round and side")
    args = parser.parse_args(argv)
    if not (0 < args.rounds <= 25 and 0 < args.ops <= 200):
        parser.error("--rounds 1–25, --ops 1–200")
    verdicts = Verdicts()
    bench_signatures(verdicts, rounds=args.rounds, ops=args.ops)
    return verdicts.summary()


if __name__ == "__main__":
    sys.exit(main())
