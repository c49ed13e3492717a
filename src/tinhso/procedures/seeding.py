"""Loads the demo catalogue: the detailed subset, and at full scale generated procedures up to
the seed report's figures (2,132 procedures; 373 at level 3 and 274 at level 4 in 2020)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from tinhso.core.stamps import bump
from tinhso.directory.models import Organ, OrganKind
from tinhso.procedures import catalogue_io
from tinhso.procedures.models import Procedure
from tinhso.procedures.selectors import CATALOGUE_STAMP

DATA = Path(__file__).resolve().parent / "data" / "procedures-demo.json"
FULL = {"procedures": 2_132, "level_3": 373, "level_4": 274}
ORGAN_KINDS = {
    "province": (OrganKind.DEPARTMENT,),
    "district": (OrganKind.DISTRICT_COMMITTEE,),
    "commune": (OrganKind.COMMUNE_COMMITTEE,),
}
# (field code, field name, procedure name stems) for generated procedures.
GENERATED_FIELDS = (
    (
        "DATDAI",
        "Đất đai",
        (
            "Đăng ký biến động quyền sử dụng đất",
            "Cấp đổi giấy chứng nhận quyền sử dụng đất",
            "Tách thửa, hợp thửa đất",
        ),
    ),
    (
        "GIAOTHONG",
        "Đường bộ",
        ("Cấp giấy phép lái xe", "Đổi giấy phép lái xe", "Cấp phép thi công công trình đường bộ"),
    ),
    (
        "GIAODUC",
        "Giáo dục và Đào tạo",
        (
            "Công nhận trường đạt chuẩn quốc gia",
            "Cấp bản sao văn bằng, chứng chỉ",
            "Chuyển trường cho học sinh",
        ),
    ),
    (
        "YTE",
        "Khám bệnh, chữa bệnh",
        (
            "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh",
            "Cấp giấy phép hoạt động phòng khám",
            "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược",
        ),
    ),
    (
        "LAODONG",
        "Lao động, tiền lương",
        (
            "Đăng ký nội quy lao động",
            "Cấp giấy phép lao động cho người nước ngoài",
            "Giải quyết hưởng trợ cấp thất nghiệp",
        ),
    ),
    (
        "NONGNGHIEP",
        "Nông nghiệp",
        (
            "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            "Cấp giấy phép khai thác thủy sản",
            "Đăng ký tàu cá",
        ),
    ),
    (
        "TAINGUYEN",
        "Môi trường",
        (
            "Cấp giấy phép môi trường",
            "Đăng ký khai thác nước dưới đất",
            "Xác nhận kế hoạch bảo vệ môi trường",
        ),
    ),
    (
        "VANHOA",
        "Văn hóa cơ sở",
        (
            "Cấp giấy phép tổ chức lễ hội",
            "Cấp giấy phép kinh doanh karaoke",
            "Công nhận gia đình văn hóa",
        ),
    ),
    (
        "DULICH",
        "Lữ hành",
        (
            "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa",
            "Công nhận hạng cơ sở lưu trú du lịch",
            "Cấp thẻ hướng dẫn viên du lịch",
        ),
    ),
    (
        "THUONGMAI",
        "Lưu thông hàng hóa trong nước",
        (
            "Cấp giấy phép bán lẻ rượu",
            "Cấp giấy phép bán lẻ sản phẩm thuốc lá",
            "Đăng ký hoạt động khuyến mại",
        ),
    ),
    (
        "BTXH",
        "Bảo trợ xã hội",
        (
            "Trợ cấp xã hội hằng tháng",
            "Hỗ trợ chi phí mai táng",
            "Tiếp nhận đối tượng vào cơ sở trợ giúp xã hội",
        ),
    ),
    (
        "NOIVU",
        "Thi đua, khen thưởng",
        (
            "Tặng Giấy khen của Chủ tịch UBND",
            "Tặng danh hiệu Lao động tiên tiến",
            "Tặng Bằng khen của Chủ tịch UBND tỉnh",
        ),
    ),
)
Progress = Callable[..., Any]


def seed_procedures(*, scale: str, progress: Progress) -> list[str]:
    document = catalogue_io.loads(DATA.read_text(encoding="utf-8"))
    lines = []
    existing = set(Procedure.objects.values_list("code", flat=True))
    demo_codes = {p["code"] for p in document["procedures"]}
    if not demo_codes <= existing:
        result = catalogue_io.import_catalogue(document)
        lines.append(f"{DATA.name}: {result['created']} created")
    if scale == "full":
        generated = generated_document(demo=document)
        missing = [p for p in generated["procedures"] if p["code"] not in existing]
        if missing:
            for start in progress(range(0, len(missing), 500), desc="procedures"):
                chunk = {**generated, "procedures": missing[start : start + 500]}
                catalogue_io.import_catalogue(chunk)
        lines.append(f"generated procedures: {len(missing)} created")
    lines.append(f"procedures offered by organs: {link_organs()} links")
    return lines


@transaction.atomic
def link_organs() -> int:
    """A procedure that names no organ is offered by every organ of its competent level."""
    through = Procedure.organs.through
    linked = set(through.objects.values_list("procedure_id", flat=True).distinct())
    organs = {
        level: list(Organ.objects.filter(kind__in=kinds).values_list("pk", flat=True))
        for level, kinds in ORGAN_KINDS.items()
    }
    rows = [
        through(procedure_id=pk, organ_id=organ_id)
        for pk, level in Procedure.objects.exclude(pk__in=linked).values_list(
            "pk", "competent_level"
        )
        for organ_id in organs.get(level, [])
    ]
    through.objects.bulk_create(rows, batch_size=5000)
    bump(CATALOGUE_STAMP)
    return len(rows)


def generated_document(*, demo: dict[str, Any]) -> dict[str, Any]:
    """Deterministic procedures that complete the demo subset to the full-scale figures."""
    demo_levels = [p["service_levels"][0]["kind"] for p in demo["procedures"]]
    count = FULL["procedures"] - len(demo_levels)
    level_3 = FULL["level_3"] - demo_levels.count("3")
    level_4 = FULL["level_4"] - demo_levels.count("4")
    kinds = ["4"] * level_4 + ["3"] * level_3
    kinds += ["2" if i % 3 else "1" for i in range(count - len(kinds))]
    random.Random("procedures").shuffle(kinds)
    after = {"1": "none", "2": "none", "3": "partial", "4": "full"}
    levels = ("province", "district", "commune")
    person = {
        "ho_ten": {"type": "string", "title": "Họ và tên người nộp", "maxLength": 100},
        "so_dinh_danh": {
            "type": "string",
            "title": "Số định danh cá nhân",
            "pattern": "^[0-9]{12}$",
        },
        "noi_dung": {"type": "string", "title": "Nội dung đề nghị", "maxLength": 1000},
    }
    procedures = []
    for i, kind in enumerate(kinds):
        field_code, _name, stems = GENERATED_FIELDS[i % len(GENERATED_FIELDS)]
        level = levels[(i // len(GENERATED_FIELDS)) % 3]
        days = (1, 3, 5, 7, 10, 15, 20)[i % 7]
        online = kind in ("3", "4")
        procedures.append(
            {
                "code": f"{1 + i % 2}.{900000 + i:06d}.000.00.00.H33",
                "name": f"{stems[i % len(stems)]} (thủ tục {i + 1:04d})",
                "field": field_code,
                "competent_level": level,
                "organs": [],
                "legal_basis": "",
                "time_limit": days,
                "time_unit": "working_days",
                "result_type": "Văn bản trả lời của cơ quan có thẩm quyền",
                "applicant_kinds": ["citizen", "business"],
                "form_schema": {
                    "type": "object",
                    "required": ["ho_ten", "noi_dung"],
                    "properties": person,
                }
                if online
                else {},
                "service_levels": [
                    {"kind": kind, "valid_from": None, "valid_to": "2022-08-14"},
                    {"kind": after[kind], "valid_from": "2022-08-15", "valid_to": None},
                ],
                "required_documents": [
                    {"name": "Đơn đề nghị theo mẫu", "originals": 1, "copies": 0}
                ],
                "fees": [],
                "steps": _generic_steps(days * 8),
            }
        )
    return {
        "format": catalogue_io.FORMAT,
        "fields": [{"code": c, "name": n} for c, n, _s in GENERATED_FIELDS],
        "procedures": procedures,
    }


def _generic_steps(hours: int) -> list[dict[str, Any]]:
    receive, approve, result = 2, max(1, hours // 8), 2
    process = max(1, hours - receive - approve - result)
    return [
        {
            "key": "tiep-nhan",
            "name": "Tiếp nhận hồ sơ",
            "role": "one_stop_officer",
            "duration_hours": receive,
            "actions": ["forward", "request_supplement", "refuse"],
            "transitions": {"forward": "xu-ly"},
        },
        {
            "key": "xu-ly",
            "name": "Thẩm định hồ sơ",
            "role": "specialist",
            "duration_hours": process,
            "actions": ["forward", "send_back", "request_supplement", "refuse"],
            "transitions": {"forward": "phe-duyet", "send_back": "tiep-nhan"},
        },
        {
            "key": "phe-duyet",
            "name": "Phê duyệt",
            "role": "leader",
            "duration_hours": approve,
            "actions": ["approve", "send_back", "refuse"],
            "transitions": {"approve": "tra", "send_back": "xu-ly"},
        },
        {
            "key": "tra",
            "name": "Trả kết quả",
            "role": "one_stop_officer",
            "duration_hours": result,
            "actions": ["register_result", "return_result"],
            "transitions": {},
        },
    ]
