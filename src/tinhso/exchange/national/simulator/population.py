"""PopulationSimulator: a fake national population database answering the lookup protocol of
`national/population.py` from the platform's own citizens (the demo's applicants), for the
demo and the tests. Enabled by NATIONAL_SIMULATORS.

It reads `directory.Applicant` through the app registry (exchange imports no app above core).
"""

from __future__ import annotations

import hmac
import json

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tinhso.exchange.national.population import (
    KEY_HEADER,
    MALFORMED,
    NOT_FOUND,
    OK,
    PopulationError,
    check_cccd,
)
from tinhso.exchange.national.simulator import require_enabled


def _error(status: int, code: int, message: str) -> JsonResponse:
    return JsonResponse({"error_code": code, "message": message}, status=status)


@csrf_exempt
@require_POST
def lookup(request: HttpRequest) -> JsonResponse:
    require_enabled()
    key = request.headers.get(KEY_HEADER, "")
    if not key or not hmac.compare_digest(key, settings.NATIONAL_POPULATION_KEY):
        return _error(401, 401, "Khóa truy cập không hợp lệ.")
    try:
        number = check_cccd(str(json.loads(request.body).get("SoDinhDanh", "")))
    except PopulationError as error:
        return _error(400, MALFORMED, str(error))
    except (ValueError, AttributeError):
        return _error(400, MALFORMED, 'Cần {"SoDinhDanh": "<12 chữ số>"}.')
    applicant = (
        apps.get_model("directory", "Applicant")
        .objects.filter(kind="citizen", identifier=number)
        .first()
    )
    if applicant is None:
        return _error(404, NOT_FOUND, "Không tìm thấy công dân.")
    return JsonResponse(
        {
            "error_code": OK,
            "data": {
                "SoDinhDanh": number,
                "HoVaTen": applicant.name,
                "NgaySinh": applicant.birth_date.strftime("%Y%m%d") if applicant.birth_date else "",
                "GioiTinh": {"male": "1", "female": "2"}.get(applicant.sex, ""),
                "NoiThuongTru": applicant.address,
            },
        }
    )
