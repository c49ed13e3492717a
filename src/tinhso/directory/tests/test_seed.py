"""The demo province from the shipped data files (small scale) and the seed report's figures."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command

from tinhso.directory import demo
from tinhso.directory.models import (
    AdministrativeUnit,
    Applicant,
    Official,
    Organ,
    User,
)
from tinhso.directory.seeding import DEMO_ACCOUNTS

BEFORE, AFTER = date(2025, 6, 30), date(2025, 7, 1)


def test_full_scale_reproduces_the_seed_report():
    assert demo.SCALES["full"]["officials"] == 5_146
    assert demo.SCALES["full"]["citizens"] == 222_279
    assert demo.SCALES["full"]["with_eid"] == 2_223


def check_units_of_the_whole_country_in_both_periods():
    before = AdministrativeUnit.objects.valid_on(BEFORE)
    after = AdministrativeUnit.objects.valid_on(AFTER)
    assert before.filter(level="province").count() == 63
    assert after.filter(level="province").count() == 34
    assert after.filter(level="district").count() == 0
    assert after.filter(level="commune").count() == 3_321
    kien_giang = before.get(code="91")
    assert kien_giang.name == "Tỉnh Kiên Giang"
    assert kien_giang.children.count() == 15
    assert before.filter(level="commune", parent__parent=kien_giang).count() == 145
    assert after.get(code="91").name == "An Giang"
    assert after.filter(parent__code="91").count() == 102


def check_every_unit_of_the_demo_province_has_a_successor():
    units = (
        AdministrativeUnit.objects.valid_on(BEFORE).filter(code="91")
        | (AdministrativeUnit.objects.valid_on(BEFORE).filter(parent__code="91"))
        | AdministrativeUnit.objects.valid_on(BEFORE).filter(parent__parent__code="91")
    )
    assert units.count() == 161
    for unit in units:
        successors = list(unit.successors.all())
        assert successors, unit
        assert all(s.valid_from == AFTER for s in successors)
    ward = AdministrativeUnit.objects.valid_on(BEFORE).get(code="30730")
    assert [s.name for s in ward.successors.all()] == ["Phường Rạch Giá"]


def check_organs_of_the_demo_province():
    assert Counter(Organ.objects.values_list("kind", flat=True)) == {
        "province_committee": 1,
        "committee_office": 1,
        "department": 22,
        "district_committee": 15,
        "district_office": 327,
        "commune_committee": 145,
    }
    root = Organ.objects.get(kind="province_committee")
    assert Organ.objects.subtree_of(root).count() == 511
    assert root.identifier() == "000.00.00.H33"


def check_people_at_small_scale():
    size = demo.SCALES["small"]
    assert Official.objects.count() == size["officials"]
    # the demo citizen is one of them
    assert Applicant.objects.filter(kind="citizen").count() == size["citizens"]
    assert User.objects.get(username="091190999999").applicant.eid_verified_at is not None
    assert Applicant.objects.filter(kind="business").count() == size["businesses"]
    assert Applicant.objects.filter(eid_verified_at__isnull=False).count() == size["with_eid"]
    assert User.objects.get(username="quantri").is_superuser
    assert User.objects.get(username="lanhdao.stp").check_password("TinhSo@2020")
    assert not User.objects.get(username="cb00001").has_usable_password()


def check_seed_is_idempotent(capsys):
    counts = (AdministrativeUnit.objects.count(), Organ.objects.count(), Applicant.objects.count())
    call_command("seed", "--scale", "small", "--no-progress")
    out = capsys.readouterr().out
    assert "0 mới, 0 cập nhật" in out
    assert "officials: 0 created" in out
    assert (
        AdministrativeUnit.objects.count(),
        Organ.objects.count(),
        Applicant.objects.count(),
    ) == counts


def check_demo_accounts_command(capsys):
    call_command("demo_accounts")
    out = capsys.readouterr().out
    assert "TinhSo@2020" in out
    for username, *_rest in DEMO_ACCOUNTS:
        assert username in out


@pytest.mark.django_db
def test_seed_small_scale(capsys):
    """One seeding (a few seconds), then every check of the loaded province."""
    call_command("seed", "--scale", "small", "--no-progress")
    capsys.readouterr()
    check_units_of_the_whole_country_in_both_periods()
    check_every_unit_of_the_demo_province_has_a_successor()
    check_organs_of_the_demo_province()
    check_people_at_small_scale()
    check_seed_is_idempotent(capsys)
    check_demo_accounts_command(capsys)
