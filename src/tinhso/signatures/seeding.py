"""Signing keys for the demo province: the development CA, and a key for every demo account
that may sign documents (`Action.SIGN_DOCUMENT`) and for each of their organs.

Idempotent: an official or organ that already has an active identity gets nothing new. The
keys are protected by the demo passphrase (`DEV_PASSPHRASE`, the demo password). A handful
of EC keys and PKCS#12 files: well under a second, at either scale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tinhso.directory.models import Official
from tinhso.directory.permissions import ROLE_ACTIONS, Action
from tinhso.directory.seeding import DEMO_ACCOUNTS
from tinhso.signatures.models import IdentityKind, SigningIdentity
from tinhso.signatures.services import DEV_PASSPHRASE, dev_ca, dev_identity_issue

Progress = Callable[..., Any]


def demo_signers() -> list[Official]:
    """The demo accounts' officials holding a role that grants SIGN_DOCUMENT."""
    usernames = [
        username
        for username, _name, _position, _organ, roles, _subtree in DEMO_ACCOUNTS
        if any(Action.SIGN_DOCUMENT in ROLE_ACTIONS[role] for role in roles)
    ]
    return list(
        Official.objects.filter(user__username__in=usernames)
        .select_related("user", "organ__parent")
        .order_by("user__username")
    )


def seed_signatures(*, scale: str, progress: Progress) -> list[str]:
    authority = dev_ca()
    personal = organs = 0
    for official in demo_signers():
        active = SigningIdentity.objects.filter(is_active=True)
        if not active.filter(kind=IdentityKind.PERSONAL, official=official).exists():
            dev_identity_issue(kind=IdentityKind.PERSONAL, official=official)
            personal += 1
        if not active.filter(kind=IdentityKind.ORGAN, organ=official.organ).exists():
            dev_identity_issue(kind=IdentityKind.ORGAN, organ=official.organ)
            organs += 1
    return [
        f"development CA: {authority.certificate.subject.rfc4514_string()}",
        f"signing keys: {personal} personal, {organs} organ created (passphrase {DEV_PASSPHRASE})",
    ]
