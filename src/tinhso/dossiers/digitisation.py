"""The digitisation flags of a dossier (Decision 766/QĐ-TTg, indicators 4.1–4.3), defined once.

- `result_electronic` (4.1): a signed electronic result was stored for the dossier
  (`services.results.result_register_signed`); set in that transaction, never unset.
- `digitised` (4.2), decided at intake (the receive action, online or at the counter): every
  mandatory required document of the procedure is held by the dossier as an electronic
  attachment of kind "submitted" linked to that document, and the dossier holds at least one
  such attachment unless the procedure requires no document at all. Papers handed in at the
  counter are not electronic attachments, so a counter intake of a procedure that needs
  documents is not digitised. Supplements after intake do not change the flag.
- `data_reused` (4.3): the applicant's form was filled from the national population database
  and the filed form kept at least one of the values it supplied (`prefill_kept`, at online
  filing), or, at intake, a submitted file is the same file (SHA-256) as one the province
  already holds for the same applicant: an attachment or an electronic result of an earlier
  dossier (`reuses_documents`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tinhso.dossiers.models import Attachment, Dossier


def prefill_kept(prefilled: Mapping[str, Any], submitted: Mapping[str, Any]) -> bool:
    """Whether the filed form kept a non-empty value the population database supplied."""
    return any(
        value not in (None, "") and str(submitted.get(name, "")).strip() == str(value).strip()
        for name, value in prefilled.items()
    )


def _submitted(dossier: Dossier) -> Any:
    return Attachment.objects.filter(dossier=dossier, kind=Attachment.Kind.SUBMITTED)


def is_digitised(dossier: Dossier) -> bool:
    """See the module docstring (4.2)."""
    documents = dossier.procedure.required_documents.all()
    attached = set(
        _submitted(dossier)
        .exclude(required_document__isnull=True)
        .values_list("required_document_id", flat=True)
    )
    mandatory = {d.pk for d in documents if not d.optional}
    if not mandatory <= attached:
        return False
    return bool(attached) or not documents


def reuses_documents(dossier: Dossier) -> bool:
    """A submitted file already held for the same applicant in an earlier dossier (4.3)."""
    digests = set(_submitted(dossier).values_list("sha256", flat=True))
    if not digests:
        return False
    return (
        Attachment.objects.filter(
            dossier__applicant_id=dossier.applicant_id,
            dossier__pk__lt=dossier.pk,
            sha256__in=digests,
        )
        .exclude(dossier=dossier)
        .exists()
    )


def flags_at_intake(dossier: Dossier) -> None:
    """Set `digitised` and (never unset) `data_reused` on `dossier`, not saved: the intake
    service saves it with its history row."""
    dossier.digitised = is_digitised(dossier)
    dossier.data_reused = dossier.data_reused or reuses_documents(dossier)
