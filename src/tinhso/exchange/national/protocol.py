"""The DVCQG push protocol, pure (no Django): field names of domain.md §10, the
`yyyyMMddHHmmss` dates, the status codes 1–10, and the checks both the platform (before it
queues a push) and the simulator (when it receives one) apply.

A push is POSTed as JSON `{"MaThongDiep": <uuid>, "service": <name>, "data": {...}}`; the
portal answers `{"error_code": 0, "message": ..., "MaThongDiep": ..., "duplicate": bool}` or,
when it refuses, `{"error_code": <non-zero>, "message": ..., "errors": [{"field", "message"}]}`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
DATE_RE = re.compile(r"^\d{14}$")

DOSSIER_SERVICE = "DongBoHoSoMC"
PROGRESS_SERVICE = "CapNhatTienDoHoSoMC"
SERVICES = (DOSSIER_SERVICE, PROGRESS_SERVICE)

# TrangThaiHoSo / TrangThai as the portal numbers them.
STATUS_CODES: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

# Error codes of the portal's answers (0 is success).
OK = 0
INVALID = 1  # a field is missing or malformed
UNKNOWN_DOSSIER = 2  # a progress push for a MaHoSo the portal does not hold
UNAUTHORISED = 401
SYSTEM_ERROR = 500

DOSSIER_REQUIRED = (
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "ChuHoSo",
    "LoaiDoiTuong",
    "NgayTiepNhan",
    "TrangThaiHoSo",
    "HinhThuc",
    "DonViXuLy",
)
DOSSIER_DATES = ("NgayTiepNhan", "NgayHenTra", "NgayTra")
DOSSIER_LISTS = ("TaiLieuNop", "DanhSachGiayToKetQua", "DanhSachLePhi", "DanhSachHoSoBoSung")
PROGRESS_REQUIRED = (
    "MaHoSo",
    "NguoiXuLy",
    "PhongBanXuLy",
    "NoiDungXuLy",
    "TrangThai",
    "ThoiDiemXuLy",
)
PROGRESS_DATES = ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh")
DOSSIER_CODE_RE = re.compile(r"^[0-9A-Z.]{5,35}-\d{6}-\d{4}$")


def format_date(moment: datetime | None) -> str:
    """`yyyyMMddHHmmss` in Vietnam time; "" for no date."""
    return moment.astimezone(VN).strftime(DATE_FORMAT) if moment else ""


def parse_date(text: str) -> datetime:
    """The moment a portal date names (Vietnam time). Raises ValueError when malformed."""
    if not DATE_RE.match(text or ""):
        raise ValueError(f"not yyyyMMddHHmmss: {text!r}")
    return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=VN)


def message_id(kind: str, *parts: object) -> uuid.UUID:
    """A stable message id for one push, so that queueing it again finds the same row."""
    namespace = uuid.UUID("0b6f7a9e-3c1d-4e52-8a4b-2d9c5e7f1a30")
    return uuid.uuid5(namespace, "|".join([kind, *map(str, parts)]))


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def _check_date(data: Mapping[str, Any], name: str, problems: list[Problem]) -> None:
    value = data.get(name)
    if value in (None, ""):
        return
    try:
        parse_date(str(value))
    except ValueError:
        problems.append(Problem(name, "Ngày phải có dạng yyyyMMddHHmmss."))


def _check_status(data: Mapping[str, Any], name: str, problems: list[Problem]) -> None:
    value = data.get(name)
    if value in (None, ""):
        return
    try:
        code = int(value)
    except (TypeError, ValueError):
        code = 0
    if code not in STATUS_CODES:
        problems.append(Problem(name, "Mã trạng thái không hợp lệ (1–10)."))


def validate(service: str, data: Mapping[str, Any]) -> list[Problem]:
    """Every problem of a push's `data` for `service`, by field (empty when it is valid)."""
    if service not in SERVICES:
        return [Problem("service", f"Dịch vụ không hỗ trợ: {service}.")]
    if not isinstance(data, Mapping):
        return [Problem("data", "Dữ liệu phải là một đối tượng JSON.")]
    dossier = service == DOSSIER_SERVICE
    problems = [
        Problem(name, "Thiếu trường bắt buộc.")
        for name in (DOSSIER_REQUIRED if dossier else PROGRESS_REQUIRED)
        if data.get(name) in (None, "")
    ]
    code = str(data.get("MaHoSo") or "")
    if code and not DOSSIER_CODE_RE.match(code):
        problems.append(Problem("MaHoSo", "Mã hồ sơ không đúng dạng <mã cơ quan>-yyMMdd-NNNN."))
    for name in DOSSIER_DATES if dossier else PROGRESS_DATES:
        _check_date(data, name, problems)
    _check_status(data, "TrangThaiHoSo" if dossier else "TrangThai", problems)
    if dossier:
        if data.get("LoaiDoiTuong") not in (None, "", 1, 2, "1", "2"):
            problems.append(Problem("LoaiDoiTuong", "Loại đối tượng là 1 (công dân) hoặc 2."))
        if data.get("HinhThuc") not in (None, "", 1, 2, 3, "1", "2", "3"):
            problems.append(Problem("HinhThuc", "Hình thức là 1, 2 hoặc 3."))
        for name in DOSSIER_LISTS:
            if not isinstance(data.get(name, []), list):
                problems.append(Problem(name, "Phải là một danh sách."))
    return problems


def envelope(service: str, message: uuid.UUID, data: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body of one push."""
    return {"MaThongDiep": str(message), "service": service, "data": dict(data)}
