"""Electronic results: the result PDF signed at "register result" and delivered to the
applicant's account, and the online return when the applicant takes it.

- `result_register_signed`: the official (the one who may register the result at the
  current step) uploads the result PDF and signs it, with their personal key or with the
  receiving organ's key (`as_organ`, a leader's or clerk's action, `signatures.may_use`),
  unlocked by the passphrase typed in the form. One transaction: the signature (PAdES,
  `signatures.sign_pdf`, visible box), the file as an attachment of kind result, its
  `ElectronicResult` row (a new version each time), the flag `result_electronic`, the
  `register_result` history row (the national push lists the file), and the e-mail with a
  link to the dossier page (never the file). Any refusal is a DossierError naming the form
  field (`result_file`, `passphrase`, `signed_as`) and nothing is written.
- `result_downloaded`: the applicant downloads the signed result from their account. The
  first download is recorded on the row; a dossier waiting in "result ready" whose newest
  electronic result this is, and that is not being returned by post, is returned online
  (return channel 2) at that moment, the applicant being the actor. The official may
  still return it at the counter or by post before that, as for any result.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tinhso.directory.models import Applicant
from tinhso.directory.permissions import Action as Permission
from tinhso.directory.permissions import can
from tinhso.dossiers import notify
from tinhso.dossiers.models import Attachment, Channel, Dossier, ElectronicResult
from tinhso.dossiers.services import processing
from tinhso.dossiers.services.common import DossierError, lock, now, record, transition
from tinhso.dossiers.states import Action, State
from tinhso.signatures import services as signatures
from tinhso.signatures.errors import SignatureError
from tinhso.signatures.models import IdentityKind, SigningIdentity
from tinhso.signatures.selectors import identities_usable_by

# Where each refusal of `signatures.sign_pdf` is shown on the form.
KEY_FIELD = {
    "wrong_passphrase": "passphrase",
    "key_unavailable": "passphrase",
    "forbidden": "signed_as",
    "identity_inactive": "signed_as",
    "identity_expired": "signed_as",
    "identity_not_yet_valid": "signed_as",
    "unknown_key_storage": "signed_as",
}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def _identity(officer: Any, dossier: Dossier, as_organ: bool) -> SigningIdentity:
    usable = identities_usable_by(officer)
    if as_organ:
        organ = dossier.organ
        identity = usable.filter(kind=IdentityKind.ORGAN, organ_id=organ.pk).first()
        if identity is None:
            raise DossierError(
                {
                    "signed_as": _("Cơ quan «%(organ)s» chưa có khóa ký số mà bạn được dùng.")
                    % {"organ": organ.name}
                }
            )
        return identity
    identity = usable.filter(kind=IdentityKind.PERSONAL).first()
    if identity is None:
        raise DossierError(
            {
                "signed_as": _(
                    "Bạn chưa có khóa ký số cá nhân; hãy nhờ quản trị đăng ký khóa (tệp PKCS#12)."
                )
            }
        )
    return identity


def _check_may_register(dossier: Dossier, officer: Any, as_organ: bool) -> None:
    """Refuse before signing anything: the action must be open to this official now (who
    holds the step's role; for a result in the organ's name, a leader of the organ too)."""
    transition(dossier, Action.REGISTER_RESULT)  # IllegalTransition
    step = processing._step(dossier)
    organ = dossier.step_organ or dossier.organ
    leader = as_organ and can(officer, Permission.APPROVE_DOSSIER, organ)
    if not (leader or processing._may_act(officer, Action.REGISTER_RESULT, step, organ)):
        raise PermissionError(_("Bạn không có quyền thực hiện thao tác này ở bước hiện tại."))


@transaction.atomic
def result_register_signed(
    *,
    dossier: Dossier,
    officer: Any,
    pdf: bytes,
    filename: str,
    passphrase: str,
    as_organ: bool = False,
    note: str = "",
    version: int | None = None,
    link: str = "",
) -> ElectronicResult:
    """Sign `pdf` and register it as the dossier's result (see the module docstring).
    `link` is the address of the applicant's dossier page, put in the e-mail.

    Raises DossierError (result_file, passphrase, signed_as), IllegalTransition,
    PermissionError, Conflict (stale `version`); nothing is written then.
    """
    limit = getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)
    if not pdf:
        raise DossierError({"result_file": _("Chọn tệp PDF kết quả để ký.")})
    if len(pdf) > limit:
        raise DossierError(
            {"result_file": _("Tệp kết quả vượt quá %(mb)s MB.") % {"mb": limit // (1024 * 1024)}}
        )
    if not passphrase:
        raise DossierError({"passphrase": _("Nhập mật khẩu khóa ký số.")})
    _check_may_register(dossier, officer, as_organ)
    identity = _identity(officer, dossier, as_organ)
    label = dossier.code or f"#{dossier.pk}"
    try:
        signed = signatures.sign_pdf(
            pdf=pdf,
            identity=identity,
            passphrase=passphrase,
            actor=officer,
            reason=_("Kết quả giải quyết hồ sơ %(code)s") % {"code": label},
            location=dossier.organ.name,
            visible=True,
            note=_("Hồ sơ %(code)s") % {"code": label},
        )
    except SignatureError as error:
        raise DossierError({KEY_FIELD.get(error.code, "result_file"): [error.message]}) from error
    at = now()
    digest = hashlib.sha256(signed).hexdigest()
    number = (
        ElectronicResult.objects.filter(dossier=dossier).aggregate(n=Max("version"))["n"] or 0
    ) + 1
    stem = (filename.rsplit(".", 1)[0] or "ket-qua")[:200]
    attachment = Attachment(
        dossier=dossier,
        kind=Attachment.Kind.RESULT,
        original_name=f"{stem}-da-ky.pdf",
        content_type="application/pdf",
        size=len(signed),
        sha256=digest,
        uploaded_by=officer if getattr(officer, "pk", None) else None,
    )
    attachment.file.save(digest, ContentFile(signed), save=False)
    attachment.save()
    result = ElectronicResult.objects.create(
        dossier=dossier,
        version=number,
        attachment=attachment,
        signed_as=identity.kind,
        signer=f"{identity.label} ({identity.serial})"[:400],
        signed_by=officer,
        signed_at=at,
    )
    # Set before the history row, so that the action's save and push carry it.
    Dossier.objects.filter(pk=dossier.pk).update(result_electronic=True)
    dossier = processing.dossier_act(
        dossier=dossier,
        officer=officer,
        action=Action.REGISTER_RESULT,
        note=note,
        version=version,
        announce_result=False,
        leader_may_register=as_organ,
    )
    notify.result_issued(dossier, link=link)
    return result


def latest_result(dossier: Dossier) -> ElectronicResult | None:
    return (
        ElectronicResult.objects.filter(dossier=dossier)
        .select_related("attachment")
        .order_by("-version")
        .first()
    )


@transaction.atomic
def result_downloaded(
    *, result: ElectronicResult, applicant: Applicant, actor: Any = None
) -> Dossier:
    """The applicant took `result` from their account (see the module docstring).
    Raises PermissionError for another applicant's dossier."""
    dossier = lock(result.dossier, None)
    if dossier.applicant_id != applicant.pk:
        raise PermissionError(_("Hồ sơ này không phải của bạn."))
    at = now()
    ElectronicResult.objects.filter(pk=result.pk, first_downloaded_at__isnull=True).update(
        first_downloaded_at=at
    )
    newest = latest_result(dossier)
    if (
        dossier.state == State.RESULT_READY
        and newest is not None
        and newest.pk == result.pk
        and not dossier.shipments.exists()
    ):
        from_state = dossier.state
        dossier.state = transition(dossier, Action.RETURN_RESULT)
        dossier.finished_at = at
        record(
            dossier,
            action=Action.RETURN_RESULT,
            from_state=from_state,
            actor=actor,
            at=at,
            note=_("Người nộp đã tải kết quả điện tử."),
            data={"return_channel": Channel.ONLINE, "result_version": result.version},
        )
    return dossier
