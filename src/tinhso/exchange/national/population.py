"""The national population database adapter: look a citizen up by CCCD (once-only: the
applicant does not type again what the State already knows).

`lookup_citizen(cccd)` → `Citizen` (name, date of birth, sex, permanent address). The client
POSTs `{"SoDinhDanh": …}` to `<base>/api/TraCuuCongDan` with the platform's key in `X-API-Key`;
the database answers `{"error_code": 0, "data": {"SoDinhDanh", "HoVaTen", "NgaySinh"
(yyyyMMdd), "GioiTinh" (1 male, 2 female), "NoiThuongTru"}}`, or a non-zero `error_code`
(1 malformed number, 3 not found, 401 bad key) with a `message`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from django.conf import settings

from tinhso.core.codes import CodeError, validate_cccd

KEY_HEADER = "X-API-Key"
OK, MALFORMED, NOT_FOUND = 0, 1, 3
SEX = {"1": "male", "2": "female"}


@dataclass(frozen=True)
class Citizen:
    cccd: str
    name: str
    birth_date: date | None
    sex: str  # "male" | "female" | ""
    permanent_address: str


class PopulationError(Exception):
    """The lookup gave no citizen; `code` says why (malformed, not_found, unavailable)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def check_cccd(cccd: str) -> str:
    """The CCCD as 12 digits (domain.md §4), or PopulationError("malformed")."""
    try:
        return validate_cccd(cccd).number
    except CodeError as error:
        raise PopulationError(
            "malformed", f"Số định danh cá nhân không hợp lệ ({error.code}): cần 12 chữ số."
        ) from None


class PopulationDatabase(Protocol):
    def lookup_citizen(self, cccd: str) -> Citizen: ...


class HttpPopulationDatabase:
    def __init__(self, *, base_url: str, key: str, timeout: float = 5.0) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise ValueError(f"bad population database URL {base_url!r}")
        self.base_url, self.key, self.timeout = base_url.rstrip("/"), key, timeout

    def lookup_citizen(self, cccd: str) -> Citizen:
        number = check_cccd(cccd)
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            f"{self.base_url}/api/TraCuuCongDan",
            data=json.dumps({"SoDinhDanh": number}).encode(),
            headers={"Content-Type": "application/json", KEY_HEADER: self.key},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            try:
                answer = json.loads(error.read() or b"{}")
            except ValueError:
                answer = {}
            code = {MALFORMED: "malformed", NOT_FOUND: "not_found"}.get(
                answer.get("error_code"), "unavailable"
            )
            raise PopulationError(code, str(answer.get("message") or error)) from None
        except (OSError, ValueError) as error:
            raise PopulationError("unavailable", f"{type(error).__name__}: {error}") from None
        data = answer.get("data") or {}
        if answer.get("error_code") != OK or data.get("SoDinhDanh") != number:
            raise PopulationError("unavailable", str(answer.get("message", "bad answer")))
        birth = str(data.get("NgaySinh") or "")
        return Citizen(
            cccd=number,
            name=str(data.get("HoVaTen") or ""),
            birth_date=datetime.strptime(birth, "%Y%m%d").date() if birth else None,
            sex=SEX.get(str(data.get("GioiTinh") or ""), ""),
            permanent_address=str(data.get("NoiThuongTru") or ""),
        )


def database() -> PopulationDatabase | None:
    """The client from settings, or None when `NATIONAL_POPULATION_URL` is empty."""
    if not settings.NATIONAL_POPULATION_URL:
        return None
    return HttpPopulationDatabase(
        base_url=settings.NATIONAL_POPULATION_URL,
        key=settings.NATIONAL_POPULATION_KEY,
        timeout=settings.NATIONAL_POPULATION_TIMEOUT,
    )


def lookup_citizen(cccd: str) -> Citizen:
    """The citizen with this CCCD in the national population database.

    Raises PopulationError: "malformed" (not 12 digits of a valid CCCD, checked before any
    call), "not_found", "unavailable" (no database configured, network, unexpected answer)."""
    client = database()
    if client is None:
        check_cccd(cccd)
        raise PopulationError("unavailable", "NATIONAL_POPULATION_URL is not set")
    return client.lookup_citizen(cccd)
