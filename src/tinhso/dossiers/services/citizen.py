"""What the applicant does with their own dossiers besides filing: rating the service."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.directory.models import Applicant
from tinhso.dossiers.models import Dossier, Rating
from tinhso.dossiers.services.common import DossierError
from tinhso.dossiers.states import State


@transaction.atomic
def dossier_rate(
    *, dossier: Dossier, applicant: Applicant, score: int, comment: str = ""
) -> Rating:
    """Rate a dossier whose result was returned, once. Raises DossierError by field,
    PermissionError for another applicant's dossier."""
    if dossier.applicant_id != applicant.pk:
        raise PermissionError(_("Hồ sơ này không phải của bạn."))
    errors: dict[str, list[str]] = {}
    if dossier.state != State.RETURNED:
        errors["dossier"] = [_("Chỉ đánh giá được hồ sơ đã trả kết quả.")]
    elif Rating.objects.filter(dossier=dossier).exists():
        errors["dossier"] = [_("Hồ sơ này đã được đánh giá.")]
    if score not in (1, 2, 3, 4, 5):
        errors["score"] = [_("Chọn mức độ hài lòng từ 1 đến 5.")]
    if len(comment) > 2000:
        errors["comment"] = [_("Góp ý dài tối đa 2.000 ký tự.")]
    if errors:
        raise DossierError(errors)
    return Rating.objects.create(dossier=dossier, score=score, comment=comment.strip())
