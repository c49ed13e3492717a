"""Reads of the signatures app: who may use which signing key, stored verification results."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tinhso.directory.permissions import Action, can, organs_in_scope
from tinhso.signatures.models import IdentityKind, SignatureCheck, SigningIdentity
from tinhso.signatures.verify import SignatureResult, VerificationReport

ORGAN_KEY_ACTIONS = (Action.SEAL_DOCUMENT, Action.SIGN_DOCUMENT)


def may_use(user: Any, identity: SigningIdentity) -> bool:
    """Whether `user` may sign with `identity`: a personal key only by the official it
    belongs to (platform operators included: nobody signs in another person's name); an
    organ's key by whoever may seal documents for that organ (`Action.SEAL_DOCUMENT`, the
    clerk) or sign them (`Action.SIGN_DOCUMENT`, its leaders)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if identity.kind == IdentityKind.PERSONAL:
        official = identity.official
        return official is not None and official.is_active and official.user_id == user.pk
    return identity.organ is not None and any(
        can(user, action, identity.organ) for action in ORGAN_KEY_ACTIONS
    )


def identities_usable_by(user: Any) -> QuerySet[SigningIdentity]:
    """The active identities `user` may sign with (see `may_use`), newest first."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return SigningIdentity.objects.none()
    organ_keys = Q(pk__in=[])
    for action in ORGAN_KEY_ACTIONS:
        organ_keys |= Q(organ__in=organs_in_scope(user, action))
    return (
        SigningIdentity.objects.filter(is_active=True)
        .filter(
            Q(kind=IdentityKind.PERSONAL, official__user=user, official__is_active=True)
            | (Q(kind=IdentityKind.ORGAN) & organ_keys)
        )
        .select_related("official__user", "organ")
        .order_by("kind", "-not_after")
    )


def check_for(sha256: str) -> SignatureCheck | None:
    """The stored verification of the file with this SHA-256, if any."""
    return SignatureCheck.objects.filter(sha256=sha256.lower()).first()


def report_of(check: SignatureCheck) -> VerificationReport:
    """The stored verification as a report, messages in the active language."""
    return VerificationReport(
        sha256=check.sha256,
        size=check.size,
        signatures=tuple(SignatureResult.from_json(item) for item in check.results),
    )
