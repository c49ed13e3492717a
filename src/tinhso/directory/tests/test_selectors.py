"""The directory's fixed-SQL reads for the exchange's hot paths: which identifiers are in force,
which organ holds an identifier, an organ's name and identifier, the same answers as the ORM's
`Organ.identifier` and `OrganIdentifier.is_valid_on`."""

from datetime import date

import pytest

from tinhso.directory.models import OrganIdentifier, OrganScheme
from tinhso.directory.selectors import identifiers_in_force, organ_label, organ_with_identifier
from tinhso.directory.tests.factories import OrganFactory

pytestmark = pytest.mark.django_db

ON = date(2025, 8, 1)
Q = OrganScheme.QCVN102


def identify(organ, value, *, scheme=Q, valid_from=None, valid_to=None):
    return OrganIdentifier.objects.create(
        organ=organ, scheme=scheme, value=value, valid_from=valid_from, valid_to=valid_to
    )


def test_identifiers_in_force_keeps_valid_identifiers_of_working_organs_only():
    working, abolished = OrganFactory(), OrganFactory(valid_to=date(2025, 6, 30))
    identify(working, "000.00.10.H30")
    identify(working, "000.00.11.H30", valid_to=date(2025, 6, 30))  # ended
    identify(working, "000.00.12.H30", valid_from=date(2025, 9, 1))  # not yet
    identify(working, "000.00.13.H30", valid_from=ON, valid_to=ON)  # the day itself
    identify(abolished, "000.00.14.H30")
    identify(working, "000.00.15.H30", scheme=OrganScheme.DECISION20)  # another scheme
    asked = [f"000.00.{n}.H30" for n in range(10, 17)]
    assert identifiers_in_force(scheme=Q, values=asked, on=ON) == {
        "000.00.10.H30",
        "000.00.13.H30",
    }
    assert identifiers_in_force(scheme=Q, values=[], on=ON) == set()
    # The ORM's own rule agrees, identifier by identifier.
    for ident in OrganIdentifier.objects.filter(scheme=Q, value__in=asked):
        organ_works = ident.organ.valid_to is None or ident.organ.valid_to >= ON
        expected = ident.is_valid_on(ON) and organ_works
        assert (ident.value in identifiers_in_force(scheme=Q, values=[ident.value], on=ON)) is (
            expected
        )


def test_organ_with_identifier_whatever_its_dates_the_first_recorded():
    first, later = OrganFactory(), OrganFactory()
    identify(first, "000.00.20.H30", valid_to=date(2025, 6, 30))
    identify(later, "000.00.20.H30", valid_from=date(2025, 7, 1))
    found = organ_with_identifier(scheme=Q, value="000.00.20.H30")
    assert found is not None and found.pk == first.pk and found.name == first.name
    assert organ_with_identifier(scheme=Q, value="000.00.21.H30") is None
    assert organ_with_identifier(scheme=OrganScheme.DECISION20, value="000.00.20.H30") is None


def test_organ_label_is_the_name_and_the_identifier_in_force_as_the_model_says():
    organ = OrganFactory()  # the factory gives it an identifier with no dates
    old = identify(OrganFactory(), "000.00.30.H30", valid_to=date(2025, 6, 30))
    assert organ_label(organ_id=organ.pk, scheme=Q, on=ON) == (organ.name, organ.identifier(on=ON))
    assert organ_label(organ_id=old.organ_id, scheme=Q, on=ON) == (
        old.organ.name,
        old.organ.identifier(on=ON),
    )
    # Only an ended identifier: none today, as Organ.identifier says ("").
    OrganIdentifier.objects.filter(organ=old.organ).exclude(pk=old.pk).delete()
    assert organ_label(organ_id=old.organ_id, scheme=Q, on=ON) == (old.organ.name, "")
    assert organ_label(organ_id=old.organ_id, scheme=Q, on=date(2025, 1, 1)) == (
        old.organ.name,
        "000.00.30.H30",
    )
    assert organ_label(organ_id=10**9, scheme=Q, on=ON) is None
