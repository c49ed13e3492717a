"""The DVCQG push protocol (pure): dates, status codes, field checks."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tinhso.exchange.national import protocol

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def dossier_body(**changes):
    body = {
        "MaHoSo": "000.00.03.H33-201102-0001",
        "MaTTHC": "2.000488.000.00.00.H33",
        "TenTTHC": "Cấp Phiếu lý lịch tư pháp",
        "MaLinhVuc": "LLTP",
        "ChuHoSo": "Lê Thị Hoa",
        "LoaiDoiTuong": 1,
        "NgayTiepNhan": "20201102080000",
        "NgayHenTra": "20201116080000",
        "TrangThaiHoSo": 2,
        "NgayTra": "",
        "HinhThuc": 1,
        "DonViXuLy": "000.00.03.H33",
        "TaiLieuNop": [],
        "DanhSachGiayToKetQua": [],
        "DanhSachLePhi": [],
        "DanhSachHoSoBoSung": [],
    }
    body.update(changes)
    return body


def progress_body(**changes):
    body = {
        "MaHoSo": "000.00.03.H33-201102-0001",
        "NguoiXuLy": "Nguyễn Văn An",
        "PhongBanXuLy": "Sở Tư pháp",
        "NoiDungXuLy": "Tiếp nhận",
        "TrangThai": 2,
        "ThoiDiemXuLy": "20201102080000",
        "NgayKetThucTheoQuyDinh": "20201116080000",
    }
    body.update(changes)
    return body


def test_dates_are_yyyymmddhhmmss_in_vietnam_time():
    moment = datetime(2020, 11, 2, 1, 0, tzinfo=ZoneInfo("UTC"))
    assert protocol.format_date(moment) == "20201102080000"
    assert protocol.parse_date("20201102080000") == datetime(2020, 11, 2, 8, 0, tzinfo=VN)
    assert protocol.format_date(None) == ""
    for bad in ("2020-11-02", "202011020800", "2020110208000x", "20201302080000"):
        with pytest.raises(ValueError):
            protocol.parse_date(bad)


def test_valid_pushes_have_no_problems():
    assert protocol.validate(protocol.DOSSIER_SERVICE, dossier_body()) == []
    assert protocol.validate(protocol.PROGRESS_SERVICE, progress_body()) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"NgayTiepNhan": "02/11/2020"}, "NgayTiepNhan"),
        ({"NgayHenTra": "2020-11-16T08:00"}, "NgayHenTra"),
        ({"TrangThaiHoSo": 11}, "TrangThaiHoSo"),
        ({"TrangThaiHoSo": "x"}, "TrangThaiHoSo"),
        ({"MaTTHC": ""}, "MaTTHC"),
        ({"MaHoSo": "HS-1"}, "MaHoSo"),
        ({"LoaiDoiTuong": 9}, "LoaiDoiTuong"),
        ({"HinhThuc": 4}, "HinhThuc"),
        ({"TaiLieuNop": "a.pdf"}, "TaiLieuNop"),
    ],
)
def test_a_bad_dossier_field_is_named(changes, field):
    problems = protocol.validate(protocol.DOSSIER_SERVICE, dossier_body(**changes))
    assert [p.field for p in problems] == [field]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"TrangThai": 0}, "TrangThai"),
        ({"ThoiDiemXuLy": "20201102"}, "ThoiDiemXuLy"),
        ({"NgayKetThucTheoQuyDinh": "tomorrow"}, "NgayKetThucTheoQuyDinh"),
        ({"NguoiXuLy": None}, "NguoiXuLy"),
    ],
)
def test_a_bad_progress_field_is_named(changes, field):
    problems = protocol.validate(protocol.PROGRESS_SERVICE, progress_body(**changes))
    assert [p.field for p in problems] == [field]


def test_unknown_service_and_message_ids():
    assert [p.field for p in protocol.validate("XoaHoSo", {})] == ["service"]
    assert protocol.message_id("dossier", "A", 1) == protocol.message_id("dossier", "A", 1)
    assert protocol.message_id("dossier", "A", 1) != protocol.message_id("progress", "A", 1)
