from django.conf import settings
from django.http import HttpRequest

from tinhso.directory.oidc import oidc_enabled


def site(request: HttpRequest) -> dict[str, object]:
    return {"SITE_NAME": settings.SITE_NAME, "OIDC_ENABLED": oidc_enabled()}
