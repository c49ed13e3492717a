#!/usr/bin/env python3
"""Regenerate the data files of the ``directory`` app (one-off build script).

This script is NOT a runtime dependency of Tỉnh Số. It transcribes facts from the
``vietnam-provinces`` package (used only as a source of facts) and from a small
curated mapping written below, and writes:

  src/tinhso/directory/data/units/vn-before-2025-07-01.csv   (from package 0.2)
  src/tinhso/directory/data/units/vn-from-2025-07-01.csv     (from package 2025.10.1)
  src/tinhso/directory/data/units/succession-91.csv          (curated, see SUCCESSION_91)
  src/tinhso/directory/data/organs/organs-91.csv             (curated demo organ tree)

Usage:
  python scripts/build_unit_data.py \
      --v02 /tmp/vp/v02/vietnam_provinces/data/nested-divisions.json \
      --v2025 /tmp/vp/v2025/vietnam_provinces/data/nested-divisions.json

The two JSON files are the ``data/nested-divisions.json`` of the unpacked wheels
``vietnam_provinces-0.2`` and ``vietnam_provinces-2025.10.1``.
See src/tinhso/directory/data/SOURCES.md for the provenance of every fact.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "tinhso" / "directory" / "data"

UNIT_COLUMNS = ["code", "name", "level", "parent_code", "valid_from", "valid_to"]
SUCC_COLUMNS = ["predecessor_code", "successor_code", "effective", "share"]
ORGAN_COLUMNS = [
    "qcvn102",
    "name",
    "short_name",
    "parent_qcvn102",
    "kind",
    "level",
    "unit_code",
    "decision20",
]

EFFECTIVE = "2025-07-01"
DEMO_PROVINCE = 91  # Kiên Giang in the 0.2 snapshot, new An Giang in 2025
OLD_AN_GIANG = 89

# Level-1 organ code of the Kiên Giang provincial People's Committee (QCVN 102:2016).
# See SOURCES.md: derived from the official sequence, not read in a Kiên Giang document.
LEVEL1 = "H33"


# --------------------------------------------------------------------------- helpers


def p2(code: int) -> str:
    return f"{int(code):02d}"


def d3(code: int) -> str:
    return f"{int(code):03d}"


def c5(code: int) -> str:
    return f"{int(code):05d}"


def write_csv(path: Path, columns: list[str], rows: list[dict], comments: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    for line in comments:
        buf.write(f"# {line}\n")
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    path.write_text(buf.getvalue(), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}: {len(rows)} rows")


# --------------------------------------------------------------------------- units


def build_before(v02: list[dict]) -> list[dict]:
    provinces, districts, communes = [], [], []
    for p in v02:
        provinces.append(
            dict(
                code=p2(p["code"]),
                name=p["name"],
                level="province",
                parent_code="",
                valid_from="",
                valid_to="2025-06-30",
            )
        )
        for d in p["districts"]:
            districts.append(
                dict(
                    code=d3(d["code"]),
                    name=d["name"],
                    level="district",
                    parent_code=p2(p["code"]),
                    valid_from="",
                    valid_to="2025-06-30",
                )
            )
            for w in d["wards"]:
                communes.append(
                    dict(
                        code=c5(w["code"]),
                        name=w["name"],
                        level="commune",
                        parent_code=d3(d["code"]),
                        valid_from="",
                        valid_to="2025-06-30",
                    )
                )
    return provinces + districts + communes


def build_after(v2025: list[dict]) -> list[dict]:
    provinces, communes = [], []
    for p in v2025:
        provinces.append(
            dict(
                code=p2(p["code"]),
                name=p["name"],
                level="province",
                parent_code="",
                valid_from=EFFECTIVE,
                valid_to="",
            )
        )
        for w in p["wards"]:
            communes.append(
                dict(
                    code=c5(w["code"]),
                    name=w["name"],
                    level="commune",
                    parent_code=p2(p["code"]),
                    valid_from=EFFECTIVE,
                    valid_to="",
                )
            )
    return provinces + communes


# --------------------------------------------------------------------------- succession

# New commune-level unit (2025 code, as in Decision 19/2025/QĐ-TTg / package 2025.10.1)
# -> 2020 commune codes (package 0.2) whose WHOLE area went to it, per Resolution
# 1654/NQ-UBTVQH15 (16/06/2025). Where the resolution names a unit created after 2020,
# the 2020 unit(s) it came from are used (see notes). No Kiên Giang commune was split.
SUCCESSION_91: dict[int, list[int]] = {
    # Rạch Giá city (899)
    30742: [
        30736,
        30733,
        30730,
        30745,
        30748,
        30739,
        30751,
        30754,
        30757,
        30742,
    ],  # Phường Rạch Giá; 30742 Vĩnh Bảo merged earlier (uncertain step)
    30760: [30760, 30763, 30844],  # Phường Vĩnh Thông (+ Mỹ Lâm of Hòn Đất)
    # Hà Tiên city (900)
    30769: [30775, 30772, 30778, 30769],  # Phường Hà Tiên
    30766: [30766, 30784, 30805],  # Phường Tô Châu (+ Dương Hòa of Kiên Lương)
    30781: [30781],  # Xã Tiên Hải (not arranged)
    # Kiên Lương (902)
    30787: [30787, 30808, 30809],  # Xã Kiên Lương
    30790: [30790, 30802],  # Xã Hòa Điền
    30811: [30811],  # Xã Sơn Hải (not arranged)
    30814: [30814],  # Xã Hòn Nghệ (not arranged)
    # Hòn Đất (903)
    30817: [30817, 30840, 30841, 30829],  # Xã Hòn Đất
    30835: [30836, 30828, 30835],  # Xã Sơn Kiên
    30838: [30820, 30832, 30847, 30838],  # Xã Mỹ Thuận
    30823: [30823],  # Xã Bình Sơn (not arranged)
    30826: [30826],  # Xã Bình Giang (not arranged)
    # Tân Hiệp (904)
    30856: [30860, 30871, 30856, 30853],  # Xã Tân Hội
    30850: [30850, 30859, 30862, 30865],  # Xã Tân Hiệp
    30874: [30868, 30877, 30874],  # Xã Thạnh Đông
    # Châu Thành (905)
    30886: [30901, 30887, 30883, 30886],  # Xã Thạnh Lộc
    30880: [30880, 30895, 30889],  # Xã Châu Thành
    30898: [30898, 30892, 30893],  # Xã Bình An
    # Giồng Riềng (906)
    30904: [30904, 30922, 30916, 30919, 30917],  # Xã Giồng Riềng
    30910: [30913, 30910, 30907],  # Xã Thạnh Hưng
    30943: [30947, 30946, 30943],  # Xã Long Thạnh
    30934: [30940, 30937, 30934],  # Xã Hòa Hưng
    30928: [30931, 30925, 30928],  # Xã Ngọc Chúc
    30949: [30950, 30949],  # Xã Hòa Thuận
    # Gò Quao (907)
    30958: [30961, 30967, 30958],  # Xã Định Hòa
    30952: [30952, 30976, 30964],  # Xã Gò Quao
    30970: [30955, 30970],  # Xã Vĩnh Hòa Hưng
    30982: [30982, 30973, 30979],  # Xã Vĩnh Tuy
    # An Biên (908)
    30988: [30991, 30994, 30988],  # Xã Tây Yên
    31006: [31000, 31003, 31006],  # Xã Đông Thái
    30985: [30985, 31009, 30997],  # Xã An Biên
    # An Minh (909)
    31024: [31030, 31024],  # Xã Đông Hòa
    31031: [31031, 31021],  # Xã Tân Thạnh
    31036: [31045, 31036],  # Xã Đông Hưng
    31018: [31018, 31033, 31039],  # Xã An Minh
    31042: [31048, 31042],  # Xã Vân Khánh
    # Vĩnh Thuận (910)
    31064: [31060, 31063, 31064],  # Xã Vĩnh Bình
    31069: [31072, 31069],  # Xã Vĩnh Thuận
    31051: [31051, 31074, 31075],  # Xã Vĩnh Phong
    # U Minh Thượng (913)
    31012: [31054, 31015, 31057, 31012],  # Xã Vĩnh Hòa
    31027: [31027, 31066],  # Xã U Minh Thượng
    # Giang Thành (914)
    30796: [30796, 30797, 30799],  # Xã Giang Thành
    30793: [30791, 30793],  # Xã Vĩnh Điều
    # Special zones
    31108: [31108, 31111, 31114, 31115],  # Đặc khu Kiên Hải (whole Kiên Hải district)
    31078: [31078, 31081, 31099, 31096, 31093, 31090, 31102, 31087, 31084],
    # ^ Đặc khu Phú Quốc; 31099 Hòn Thơm was merged into An Thới (31081) when Phú Quốc
    #   city was created (2020 resolution, effective 2021), see SOURCES.md
    31105: [31105],  # Đặc khu Thổ Châu (xã Thổ Châu unchanged)
}


def build_succession(v02: list[dict], v2025: list[dict]) -> list[dict]:
    kg = next(p for p in v02 if p["code"] == DEMO_PROVINCE)
    new_codes = {w["code"] for p in v2025 for w in p["wards"]}
    old_to_new: dict[int, list[int]] = {}
    for new, olds in SUCCESSION_91.items():
        assert new in new_codes, f"successor {new} not in 2025 data"
        for old in olds:
            old_to_new.setdefault(old, []).append(new)

    rows = [
        dict(
            predecessor_code=p2(DEMO_PROVINCE),
            successor_code=p2(DEMO_PROVINCE),
            effective=EFFECTIVE,
            share="whole",
        ),
        dict(
            predecessor_code=p2(OLD_AN_GIANG),
            successor_code=p2(DEMO_PROVINCE),
            effective=EFFECTIVE,
            share="whole",
        ),
    ]
    district_rows, commune_rows = [], []
    for d in kg["districts"]:
        succ: list[int] = []
        for w in d["wards"]:
            targets = old_to_new.get(w["code"])
            assert targets, f"commune {w['code']} {w['name']} has no successor"
            share = "whole" if len(targets) == 1 else "part"
            for t in targets:
                commune_rows.append(
                    dict(
                        predecessor_code=c5(w["code"]),
                        successor_code=c5(t),
                        effective=EFFECTIVE,
                        share=share,
                    )
                )
                if t not in succ:
                    succ.append(t)
        share = "whole" if len(succ) == 1 else "part"
        for t in succ:
            district_rows.append(
                dict(
                    predecessor_code=d3(d["code"]),
                    successor_code=c5(t),
                    effective=EFFECTIVE,
                    share=share,
                )
            )
    return rows + district_rows + commune_rows


# --------------------------------------------------------------------------- organs

# The 22 provincial departments and boards of Kiên Giang (2020), see SOURCES.md.
DEPARTMENTS = [
    ("Sở Nội vụ", "SNV"),
    ("Sở Tư pháp", "STP"),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT"),
    ("Sở Tài chính", "STC"),
    ("Sở Công Thương", "SCT"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "SNNPTNT"),
    ("Sở Giao thông vận tải", "SGTVT"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Tài nguyên và Môi trường", "STNMT"),
    ("Sở Thông tin và Truyền thông", "STTTT"),
    ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
    ("Sở Văn hóa và Thể thao", "SVHTT"),
    ("Sở Du lịch", "SDL"),
    ("Sở Khoa học và Công nghệ", "SKHCN"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Y tế", "SYT"),
    ("Sở Ngoại vụ", "SNgV"),
    ("Thanh tra tỉnh", "TTr"),
    ("Ban Dân tộc", "BDT"),
    ("Ban Quản lý Khu kinh tế tỉnh Kiên Giang", "BQLKKT"),
    ("Ban Quản lý Khu kinh tế Phú Quốc", "BQLKKTPQ"),
    ("Đài Phát thanh và Truyền hình Kiên Giang", "ĐPTTH"),
]

CITIES = {899, 900}  # thành phố: urban offices instead of rural ones
ETHNIC_OFFICE = {902, 903, 905, 906, 907, 908, 910, 913}  # demo: Phòng Dân tộc
NON_RURAL = {899, 900}  # no agricultural service centre
PORT_BOARD = {899, 900, 902, 903, 908, 909, 911, 912}  # demo: bến xe, bến tàu
TOURISM_BOARD = {900, 902, 903, 911, 912}  # demo: khu du lịch
URBAN_ORDER = {899, 900, 911}  # demo: đội quản lý trật tự đô thị
PUBLIC_WORKS = {899, 900, 911}  # demo: công trình công cộng
COMPENSATION = {899, 911}  # demo: ban bồi thường, giải phóng mặt bằng


def district_offices(dcode: int, dname: str) -> list[tuple[str, str]]:
    """(name, short) of the offices and public service units of one district committee."""
    suffix = " " + dname[0].lower() + dname[1:]  # "thành phố Rạch Giá", "huyện Hòn Đất"
    offices = [
        ("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "VP"),
        ("Phòng Nội vụ", "PNV"),
        ("Phòng Tư pháp", "PTP"),
        ("Phòng Tài chính - Kế hoạch", "PTCKH"),
        ("Phòng Tài nguyên và Môi trường", "PTNMT"),
        ("Phòng Lao động - Thương binh và Xã hội", "PLĐTBXH"),
        ("Phòng Văn hóa và Thông tin", "PVHTT"),
        ("Phòng Giáo dục và Đào tạo", "PGDĐT"),
        ("Phòng Y tế", "PYT"),
        ("Thanh tra", "TTr"),
    ]
    if dcode in CITIES:
        offices += [("Phòng Quản lý đô thị", "PQLĐT"), ("Phòng Kinh tế", "PKT")]
    else:
        offices += [
            ("Phòng Kinh tế và Hạ tầng", "PKTHT"),
            ("Phòng Nông nghiệp và Phát triển nông thôn", "PNNPTNT"),
        ]
    if dcode in ETHNIC_OFFICE:
        offices.append(("Phòng Dân tộc", "PDT"))
    units = [
        ("Bộ phận Tiếp nhận và Trả kết quả", "BPMC"),
        ("Trung tâm Văn hóa - Thể thao", "TTVHTT"),
        ("Đài Truyền thanh", "ĐTT"),
        ("Ban Quản lý dự án đầu tư xây dựng", "BQLDA"),
        ("Trung tâm Phát triển quỹ đất", "TTPTQĐ"),
        ("Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên", "TTGDNNGDTX"),
        ("Ban Quản lý chợ", "BQLC"),
    ]
    if dcode not in NON_RURAL:
        units.append(("Trung tâm Dịch vụ nông nghiệp", "TTDVNN"))
    if dcode in PORT_BOARD:
        units.append(("Ban Quản lý bến xe, bến tàu", "BQLBXBT"))
    if dcode in TOURISM_BOARD:
        units.append(("Ban Quản lý khu du lịch", "BQLKDL"))
    if dcode in URBAN_ORDER:
        units.append(("Đội Quản lý trật tự đô thị", "ĐQLTTĐT"))
    if dcode in PUBLIC_WORKS:
        units.append(("Ban Quản lý công trình công cộng", "BQLCTCC"))
    if dcode in COMPENSATION:
        units.append(("Ban Bồi thường, giải phóng mặt bằng", "BBTGPMB"))
    return [(n + suffix, s) for n, s in offices + units]


def commune_committee_name(ward: dict) -> str:
    dtype = ward["division_type"]  # "xã", "phường", "thị trấn"
    words = ward["name"].split()
    rest = " ".join(words[len(dtype.split()) :])
    return f"Ủy ban nhân dân {dtype} {rest}"


def build_organs(v02: list[dict]) -> list[dict]:
    kg = next(p for p in v02 if p["code"] == DEMO_PROVINCE)
    root = f"000.00.00.{LEVEL1}"
    rows = [
        dict(
            qcvn102=root,
            name="Ủy ban nhân dân tỉnh Kiên Giang",
            short_name="UBND",
            parent_qcvn102="",
            kind="province_committee",
            level=1,
            unit_code=p2(DEMO_PROVINCE),
            decision20=LEVEL1,
        )
    ]
    rows.append(
        dict(
            qcvn102=f"000.00.01.{LEVEL1}",
            name="Văn phòng Ủy ban nhân dân tỉnh",
            short_name="VP",
            parent_qcvn102=root,
            kind="committee_office",
            level=2,
            unit_code=p2(DEMO_PROVINCE),
            decision20=f"{LEVEL1}.01",
        )
    )
    y = 1
    for name, short in DEPARTMENTS:
        y += 1
        rows.append(
            dict(
                qcvn102=f"000.00.{y:02d}.{LEVEL1}",
                name=name,
                short_name=short,
                parent_qcvn102=root,
                kind="department",
                level=2,
                unit_code=p2(DEMO_PROVINCE),
                decision20=f"{LEVEL1}.{y:02d}",
            )
        )
    for d in kg["districts"]:
        y += 1
        dq = f"000.00.{y:02d}.{LEVEL1}"
        dd20 = f"{LEVEL1}.{y:02d}"
        dname = d["name"]
        rows.append(
            dict(
                qcvn102=dq,
                name="Ủy ban nhân dân " + dname[0].lower() + dname[1:],
                short_name="UBND",
                parent_qcvn102=root,
                kind="district_committee",
                level=2,
                unit_code=d3(d["code"]),
                decision20=dd20,
            )
        )
        z = 0
        for oname, oshort in district_offices(d["code"], dname):
            z += 1
            rows.append(
                dict(
                    qcvn102=f"000.{z:02d}.{y:02d}.{LEVEL1}",
                    name=oname,
                    short_name=oshort,
                    parent_qcvn102=dq,
                    kind="district_office",
                    level=3,
                    unit_code=d3(d["code"]),
                    decision20=f"{dd20}.{z:02d}",
                )
            )
        for w in d["wards"]:
            z += 1
            rows.append(
                dict(
                    qcvn102=f"000.{z:02d}.{y:02d}.{LEVEL1}",
                    name=commune_committee_name(w),
                    short_name="UBND",
                    parent_qcvn102=dq,
                    kind="commune_committee",
                    level=3,
                    unit_code=c5(w["code"]),
                    decision20=f"{dd20}.{z:02d}",
                )
            )
    return rows


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--v02", default="/tmp/vp/v02/vietnam_provinces/data/nested-divisions.json")
    ap.add_argument("--v2025", default="/tmp/vp/v2025/vietnam_provinces/data/nested-divisions.json")
    args = ap.parse_args()
    v02 = json.loads(Path(args.v02).read_text(encoding="utf-8"))
    v2025 = json.loads(Path(args.v2025).read_text(encoding="utf-8"))

    write_csv(
        DATA / "units" / "vn-before-2025-07-01.csv",
        UNIT_COLUMNS,
        build_before(v02),
        [
            "Administrative units of Viet Nam until 2025-06-30 "
            "(63 provinces, districts, communes).",
            "Codes: Decision 124/2004/QD-TTg, statistics office list; transcribed from pip package "
            "vietnam-provinces 0.2 (2020 snapshot). Generated by scripts/build_unit_data.py; "
            "see ../SOURCES.md.",
        ],
    )
    write_csv(
        DATA / "units" / "vn-from-2025-07-01.csv",
        UNIT_COLUMNS,
        build_after(v2025),
        [
            "Administrative units of Viet Nam from 2025-07-01 "
            "(34 provinces, communes; no districts).",
            "Resolution 202/2025/QH15 and the commune resolutions; codes Decision 19/2025/QD-TTg; "
            "transcribed from pip package vietnam-provinces 2025.10.1. Generated by "
            "scripts/build_unit_data.py; see ../SOURCES.md.",
        ],
    )
    write_csv(
        DATA / "units" / "succession-91.csv",
        SUCC_COLUMNS,
        build_succession(v02, v2025),
        [
            "Successors on 2025-07-01 of every unit of the demo province Kien Giang (91) of the "
            "2020 snapshot.",
            "Resolution 202/2025/QH15 (provinces) and Resolution 1654/NQ-UBTVQH15 (communes of "
            "An Giang). Curated; see ../SOURCES.md, section 'Uncertain rows'.",
        ],
    )
    write_csv(
        DATA / "organs" / "organs-91.csv",
        ORGAN_COLUMNS,
        build_organs(v02),
        [
            "Demo organ tree of Kien Giang as in 2020 (1 + 1 + 22 + 15 + 327 + 145 organs).",
            "qcvn102: QCVN 102:2016 (Circular 10/2016/TT-BTTTT); decision20: Decision "
            "20/2020/QD-TTg. Level-1 code official-sequence; lower levels DEMO allocations. "
            "See ../SOURCES.md.",
        ],
    )


if __name__ == "__main__":
    main()
