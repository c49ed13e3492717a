"""The documents' signing backend on the `signatures` app: PAdES signatures with the keys it
keeps (PKCS#12 files today, an HSM through its key sources).

Registered in `DocumentsConfig.ready()`, so `services.sign` and `services.issue` put real
digital signatures on every PDF they handle:

- at `sign`, the signer's personal key, unlocked by the passphrase they type, draws a visible
  box "Người ký … / Thời gian ký …" at the foot of the last page;
- at `issue`, the organ's key, unlocked by the passphrase the clerk types (the organ's seal is
  in the clerk's keeping, as the paper seal is), adds a second box with the number and date
  the issue gives, as Decree 30 has the clerk write them under the organ's signature;
- a PDF the signer signed elsewhere (a USB token) is accepted only when it carries a valid
  signature, trusted by the province's trust store, made with one of the signer's own
  certificates.

Every refusal is a `SignatureError` (a ValueError with a Vietnamese message naming the key or
the file), which the services turn into an error on the passphrase or the file field.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tinhso.documents.hooks import IssueFacts
from tinhso.signatures import services as signatures
from tinhso.signatures.models import CheckStatus, IdentityKind, SigningIdentity
from tinhso.signatures.selectors import identities_usable_by


class NoSigningKey(ValueError):
    """The person or organ has no usable signing key registered."""


def personal_identity(user: Any) -> SigningIdentity:
    """The newest active personal key of `user`; NoSigningKey if there is none."""
    identity = identities_usable_by(user).filter(kind=IdentityKind.PERSONAL).first()
    if identity is None:
        raise NoSigningKey(
            _("Bạn chưa có khóa ký số cá nhân; hãy nhờ quản trị đăng ký khóa (tệp PKCS#12).")
        )
    return identity


def organ_identity(user: Any, organ: Any) -> SigningIdentity:
    """The newest active key of `organ` that `user` may sign with; NoSigningKey if none."""
    identity = identities_usable_by(user).filter(kind=IdentityKind.ORGAN, organ_id=organ.pk).first()
    if identity is None:
        raise NoSigningKey(
            _("Cơ quan «%(organ)s» chưa có khóa ký số mà bạn được dùng.") % {"organ": organ.name}
        )
    return identity


class PadesBackend:
    """`hooks.SigningBackend` made with `signatures.sign_pdf` and `signatures.verify_pdf`."""

    def sign_as_signer(
        self, *, document: Any, pdf: bytes, user: Any, passphrase: str | None
    ) -> bytes:
        return signatures.sign_pdf(
            pdf=pdf,
            identity=personal_identity(user),
            passphrase=passphrase,
            actor=user,
            reason=_("Ký văn bản: %(summary)s") % {"summary": document.summary[:200]},
            location=document.place,
            visible=True,
        )

    def verify_signer(self, *, document: Any, pdf: bytes, user: Any) -> None:
        serials = {
            identity.serial.lower()
            for identity in identities_usable_by(user).filter(kind=IdentityKind.PERSONAL)
        }
        report = signatures.verify_pdf(pdf=pdf)
        if not report.signatures:
            raise ValueError(_("Tệp không có chữ ký số."))
        mine = [result for result in report.signatures if result.serial.lower() in serials]
        if not mine:
            raise ValueError(_("Tệp không có chữ ký số của bạn (không khớp khóa đã đăng ký)."))
        bad = [result for result in mine if result.status != CheckStatus.VALID]
        if bad:
            raise ValueError(bad[0].message)

    def sign_as_organ(
        self, *, document: Any, pdf: bytes, facts: IssueFacts, actor: Any, passphrase: str | None
    ) -> bytes:
        return signatures.sign_pdf(
            pdf=pdf,
            identity=organ_identity(actor, document.organ),
            passphrase=passphrase,
            actor=actor,
            reason=_("Phát hành văn bản số %(notation)s") % {"notation": facts.notation},
            location=document.place,
            visible=True,
            note=f"Số: {facts.notation}, ngày {facts.issued_on:%d/%m/%Y}",
        )
