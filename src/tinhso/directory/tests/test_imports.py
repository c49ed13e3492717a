from datetime import date

import pytest

from tinhso.directory import imports
from tinhso.directory.models import AdministrativeUnit, Organ, OrganIdentifier, UnitSuccession
from tinhso.directory.tests.samples import AFTER, BEFORE, ORGANS, write

pytestmark = pytest.mark.django_db


def test_units_import_is_complete_and_idempotent(tmp_path):
    result = imports.import_units(write(tmp_path, "a.csv", BEFORE))
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    commune = AdministrativeUnit.objects.get(code="30730")
    assert commune.parent.code == "899"
    assert commune.parent.parent.code == "91"
    assert commune.valid_to == date(2025, 6, 30)
    again = imports.import_units(write(tmp_path, "a.csv", BEFORE))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    renamed = BEFORE.replace("Phường Vĩnh Thanh,", "Phường Vĩnh Thanh Mới,")
    changed = imports.import_units(write(tmp_path, "a.csv", renamed))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 4)
    assert AdministrativeUnit.objects.get(code="30733").name == "Phường Vĩnh Thanh Mới"


def test_a_code_can_be_reused_by_a_later_version(tmp_path):
    imports.import_units(write(tmp_path, "a.csv", BEFORE))
    imports.import_units(write(tmp_path, "b.csv", AFTER))
    versions = AdministrativeUnit.objects.filter(code="91")  # Meta.ordering: open start first
    assert [v.name for v in versions] == ["Tỉnh Kiên Giang", "An Giang"]
    assert AdministrativeUnit.objects.valid_on(date(2025, 6, 30)).get(code="91").name == (
        "Tỉnh Kiên Giang"
    )
    assert AdministrativeUnit.objects.valid_on(date(2025, 7, 1)).get(code="91").name == "An Giang"


def test_province_filter_takes_one_province_and_its_units(tmp_path):
    result = imports.import_units(write(tmp_path, "a.csv", BEFORE), province="89")
    assert result.created == 1
    assert list(AdministrativeUnit.objects.values_list("code", flat=True)) == ["89"]


@pytest.mark.parametrize(
    ("bad_line", "line_no", "column"),
    [
        ("30999,Xã Lỗi,commune,,,2025-06-30", 8, "parent_code"),
        ("3099,Xã Lỗi,commune,899,,2025-06-30", 8, "code"),
        ("30999,Xã Lỗi,village,899,,2025-06-30", 8, "level"),
        ("30999,,commune,899,,2025-06-30", 8, "name"),
        ("30999,Xã Lỗi,commune,899,30/06/2025,", 8, "valid_from"),
        ("30999,Xã Lỗi,commune,899,2025-07-01,2025-06-30", 8, "valid_to"),
        ("30999,Xã Lỗi,commune,777,,2025-06-30", 8, "parent_code"),
        ("30730,Trùng,commune,899,,2025-06-30", 8, "code"),
    ],
)
def test_a_bad_line_writes_nothing_and_is_named(tmp_path, bad_line, line_no, column):
    path = write(tmp_path, "bad.csv", BEFORE + bad_line + "\n")
    with pytest.raises(imports.DataImportError) as error:
        imports.import_units(path)
    assert (error.value.source, error.value.line, error.value.column) == (
        "bad.csv",
        line_no,
        column,
    )
    assert f"bad.csv, dòng {line_no}, cột «{column}»" in str(error.value)
    assert AdministrativeUnit.objects.count() == 0


def test_missing_column_is_named(tmp_path):
    path = write(tmp_path, "bad.csv", "code,name,level\n91,X,province\n")
    with pytest.raises(imports.DataImportError) as error:
        imports.import_units(path)
    assert error.value.column == "parent_code"


def test_successions_link_versions_across_the_change(tmp_path):
    imports.import_units(write(tmp_path, "a.csv", BEFORE))
    imports.import_units(write(tmp_path, "b.csv", AFTER))
    links = (
        "predecessor_code,successor_code,effective,share\n"
        "91,91,2025-07-01,whole\n89,91,2025-07-01,whole\n"
        "30730,30742,2025-07-01,whole\n30733,30742,2025-07-01,whole\n"
    )
    result = imports.import_successions(write(tmp_path, "s.csv", links))
    assert result.created == 4
    new_province = AdministrativeUnit.objects.get(code="91", valid_from=date(2025, 7, 1))
    assert sorted(p.name for p in new_province.predecessors.all()) == [
        "Tỉnh An Giang",
        "Tỉnh Kiên Giang",
    ]
    assert imports.import_successions(write(tmp_path, "s.csv", links)).unchanged == 4


def test_a_bad_succession_line_writes_nothing(tmp_path):
    imports.import_units(write(tmp_path, "a.csv", BEFORE))
    imports.import_units(write(tmp_path, "b.csv", AFTER))
    links = (
        "predecessor_code,successor_code,effective,share\n91,91,2025-07-01,whole\n"
        "30730,30999,2025-07-01,whole\n"
    )
    with pytest.raises(imports.DataImportError) as error:
        imports.import_successions(write(tmp_path, "s.csv", links))
    assert (error.value.line, error.value.column) == (3, "successor_code")
    assert UnitSuccession.objects.count() == 0


def test_organs_import_builds_the_tree_with_both_identifiers(tmp_path):
    imports.import_units(write(tmp_path, "a.csv", BEFORE))
    result = imports.import_organs(write(tmp_path, "o.csv", ORGANS), units_on=date(2020, 11, 3))
    assert result.created == 5
    province = Organ.objects.get(kind="province_committee")
    commune = Organ.objects.get(kind="commune_committee")
    assert commune.tree_path.startswith(province.tree_path)
    assert commune.unit.code == "30730"
    assert list(Organ.objects.subtree_of(province).order_by("pk")) == list(
        Organ.objects.order_by("pk")
    )
    assert sorted(
        OrganIdentifier.objects.filter(scheme="decision20").values_list("value", flat=True)
    ) == [
        "H33",
        "H33.03",
    ]
    again = imports.import_organs(write(tmp_path, "o.csv", ORGANS), units_on=date(2020, 11, 3))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert OrganIdentifier.objects.count() == 7


@pytest.mark.parametrize(
    ("replace", "by", "column"),
    [
        ("000.01.24.H33,UBND", "000.01.00.H33,UBND", "qcvn102"),
        (",30730,", ",39999,", "unit_code"),
        ("commune_committee,3", "hamlet,3", "kind"),
        ("commune_committee,3", "commune_committee,7", "level"),
        ("H33.03", "h33-03", "decision20"),
        ("000.00.24.H33,commune", "000.00.99.H33,commune", "parent_qcvn102"),
    ],
)
def test_a_bad_organ_line_writes_nothing(tmp_path, replace, by, column):
    imports.import_units(write(tmp_path, "a.csv", BEFORE))
    text = ORGANS.replace(replace, by)
    assert text != ORGANS
    with pytest.raises(imports.DataImportError) as error:
        imports.import_organs(write(tmp_path, "o.csv", text), units_on=date(2020, 11, 3))
    assert error.value.column == column
    assert Organ.objects.count() == 0
    assert OrganIdentifier.objects.count() == 0
