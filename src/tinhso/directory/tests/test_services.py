from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tinhso.core.models import AuditEntry
from tinhso.directory.models import Applicant, Official, RoleAssignment, User
from tinhso.directory.services import (
    applicant_register,
    applicant_verify_eid,
    official_create,
    role_grant,
)

pytestmark = pytest.mark.django_db


def test_register_citizen_takes_sex_from_cccd():
    applicant = applicant_register(
        kind="citizen", identifier=" 091185000123 ", name="Lê Thị Hoa", birth_date=date(1985, 4, 2)
    )
    assert (applicant.identifier, applicant.sex) == ("091185000123", "female")
    assert AuditEntry.objects.filter(action="applicant.register").count() == 1


@pytest.mark.parametrize(
    ("kind", "identifier", "field", "message"),
    [
        ("citizen", "09118500012", "identifier", "Số CCCD phải có đúng 12 chữ số."),
        ("citizen", "0911850001ab", "identifier", "Số CCCD chỉ được gồm chữ số."),
        ("citizen", "991185000123", "identifier", "Ba chữ số đầu của số CCCD"),
        ("business", "0300588568", "identifier", "Mã số thuế sai chữ số kiểm tra"),
        ("business", "12345", "identifier", "Mã số thuế phải gồm 10 chữ số"),
        ("alien", "091185000123", "kind", "Loại người nộp"),
    ],
)
def test_bad_identifiers_are_refused_in_vietnamese_naming_the_field(
    kind, identifier, field, message
):
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        applicant_register(kind=kind, identifier=identifier, name="Ai đó")
    assert list(error.value.message_dict) == [field]
    assert error.value.message_dict[field][0].startswith(message)
    assert Applicant.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_all_field_errors_are_reported_together():
    with pytest.raises(ValidationError) as error:
        applicant_register(kind="citizen", identifier="123", name=" ")
    assert sorted(error.value.message_dict) == ["identifier", "name"]


def test_birth_year_must_agree_with_cccd_and_duplicates_are_refused():
    with pytest.raises(ValidationError) as error:
        applicant_register(
            kind="citizen", identifier="091185000123", name="A", birth_date=date(1990, 1, 1)
        )
    assert "birth_date" in error.value.message_dict
    applicant_register(kind="business", identifier="0300588569", name="Công ty A")
    with pytest.raises(ValidationError) as error:
        applicant_register(kind="business", identifier="0300588569", name="Công ty B")
    assert error.value.message_dict["identifier"] == ["Mã định danh «0300588569» đã được đăng ký."]
    assert Applicant.objects.count() == 1


def test_verify_eid_is_idempotent():
    applicant = applicant_register(kind="citizen", identifier="091185000123", name="A")
    first = applicant_verify_eid(applicant=applicant).eid_verified_at
    assert first is not None
    assert applicant_verify_eid(applicant=applicant).eid_verified_at == first
    assert AuditEntry.objects.filter(action="applicant.verify_eid").count() == 1


def test_official_create_and_grant(organ_tree):
    official = official_create(
        username="cv1",
        full_name="Nguyễn Văn A",
        organ=organ_tree["department"],
        roles=["specialist", "leader"],
        password="mat-khau-rat-dai-1",
    )
    assert sorted(official.roles.values_list("role", flat=True)) == ["leader", "specialist"]
    assert official.user.check_password("mat-khau-rat-dai-1")
    role_grant(official=official, role="clerk", organ=organ_tree["commune"], include_subtree=False)
    role_grant(official=official, role="clerk", organ=organ_tree["commune"], include_subtree=True)
    assert RoleAssignment.objects.filter(official=official).count() == 3
    assert RoleAssignment.objects.get(role="clerk").include_subtree is True


def test_official_create_refuses_bad_input_and_writes_nothing(organ_tree):
    official_create(username="cv1", full_name="A", organ=organ_tree["department"])
    with pytest.raises(ValidationError) as error:
        official_create(
            username="cv1", full_name="", organ=organ_tree["department"], roles=["boss"]
        )
    assert sorted(error.value.message_dict) == ["full_name", "roles", "username"]
    assert User.objects.count() == 1
    assert Official.objects.count() == 1
