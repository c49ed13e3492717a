"""Small sample files of the demo province, for import and API tests."""

from datetime import date
from pathlib import Path

HEADER = "code,name,level,parent_code,valid_from,valid_to\n"
BEFORE = (
    "# a comment line\n" + HEADER + "91,Tỉnh Kiên Giang,province,,,2025-06-30\n"
    "899,Thành phố Rạch Giá,district,91,,2025-06-30\n"
    "30730,Phường Vĩnh Thanh Vân,commune,899,,2025-06-30\n"
    "30733,Phường Vĩnh Thanh,commune,899,,2025-06-30\n"
    "89,Tỉnh An Giang,province,,,2025-06-30\n"
)
AFTER = HEADER + (
    "91,An Giang,province,,2025-07-01,\n30742,Phường Rạch Giá,commune,91,2025-07-01,\n"
)


ORGANS = (
    "qcvn102,name,short_name,parent_qcvn102,kind,level,unit_code,decision20\n"
    "000.00.00.H33,Ủy ban nhân dân tỉnh Kiên Giang,UBND,,province_committee,1,91,H33\n"
    "000.00.03.H33,Sở Tư pháp,STP,000.00.00.H33,department,2,91,H33.03\n"
    "000.00.09.H33,Sở Xây dựng,SXD,000.00.00.H33,department,2,91,\n"
    "000.00.24.H33,Ủy ban nhân dân thành phố Rạch Giá,UBND,000.00.00.H33,"
    "district_committee,2,899,\n"
    "000.01.24.H33,UBND phường Vĩnh Thanh Vân,UBND,000.00.24.H33,commune_committee,3,30730,\n"
)


LINKS = (
    "predecessor_code,successor_code,effective,share\n"
    "91,91,2025-07-01,whole\n89,91,2025-07-01,whole\n"
    "30730,30742,2025-07-01,whole\n30733,30742,2025-07-01,whole\n"
    "899,30742,2025-07-01,whole\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_sample(tmp_path: Path) -> None:
    """Kiên Giang before and An Giang after 01/07/2025, with successions and four organs."""
    from tinhso.directory import imports

    imports.import_units(write(tmp_path, "before.csv", BEFORE))
    imports.import_units(write(tmp_path, "after.csv", AFTER))
    imports.import_successions(write(tmp_path, "links.csv", LINKS))
    imports.import_organs(write(tmp_path, "organs.csv", ORGANS), units_on=date(2020, 11, 3))
