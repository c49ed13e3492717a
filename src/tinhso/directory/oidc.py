"""Sign-in through the national identity provider (OpenID Connect), configured by settings.

The provider vouches for the person's identity, so an applicant signed in this way holds a
verified electronic identity. The claim that carries the personal identification number is a
setting (`OIDC_IDENTIFIER_CLAIM`), since the provider's claim names are its own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from tinhso.directory.models import Applicant, ApplicantKind, User
from tinhso.directory.services import applicant_identifier_check, applicant_verify_eid


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class NationalIdBackend(OIDCAuthenticationBackend):
    """Find or create the applicant's account by the identification number in the claims."""

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        # Only the callback of a configured provider signs in this way; a password sign-in
        # whose address happens to carry ?code=&state= must not start a token exchange.
        match = getattr(request, "resolver_match", None)
        if not oidc_enabled() or match is None or match.url_name != "oidc_callback":
            return None
        return super().authenticate(request, **kwargs)

    def _identifier(self, claims: dict[str, Any]) -> str:
        raw = str(claims.get(settings.OIDC_IDENTIFIER_CLAIM, "")).strip()
        try:
            return applicant_identifier_check(ApplicantKind.CITIZEN, raw)
        except ValidationError as error:
            raise SuspiciousOperation(
                "the identity provider sent no valid identification number"
            ) from error

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get(settings.OIDC_IDENTIFIER_CLAIM))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.filter(username=self._identifier(claims))

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User:
        identifier = self._identifier(claims)
        user = User.objects.create_user(
            username=identifier, email=claims.get("email", ""), full_name=claims.get("name", "")
        )
        self._link(user, claims)
        return user

    @transaction.atomic
    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        if claims.get("name") and user.full_name != claims["name"]:
            user.full_name = claims["name"]
            user.save(update_fields=["full_name"])
        self._link(user, claims)
        return user

    def _link(self, user: User, claims: dict[str, Any]) -> None:
        applicant = Applicant.objects.filter(identifier=user.username).first()
        if applicant is None:
            applicant = Applicant.objects.create(
                kind=ApplicantKind.CITIZEN,
                identifier=user.username,
                name=claims.get("name") or user.username,
                email=claims.get("email", ""),
            )
        if applicant.user_id not in (None, user.pk):
            raise SuspiciousOperation("the applicant is linked to another account")
        if applicant.user_id is None:
            applicant.user = user
            applicant.save(update_fields=["user"])
        applicant_verify_eid(applicant=applicant, actor=user)
