import pytest

from tinhso.directory.models import Organ, OrganIdentifier
from tinhso.directory.services import applicant_register
from tinhso.directory.tests.factories import OfficialFactory
from tinhso.directory.tests.samples import load_sample
from tinhso.procedures import catalogue_io
from tinhso.procedures.models import Procedure
from tinhso.procedures.seeding import DATA

LLTP = "2.000488.000.00.00.H33"  # judicial record extract, at the Department of Justice
FORM = {
    "ho_ten": "Lê Thị Hoa",
    "so_dinh_danh": "091185000123",
    "loai_phieu": "Phiếu số 1",
    "muc_dich": "Xin việc",
}


@pytest.fixture
def office(db, tmp_path):
    """The Department of Justice with its one-stop officer, specialist and leader."""
    load_sample(tmp_path)
    catalogue_io.import_catalogue(catalogue_io.loads(DATA.read_text(encoding="utf-8")))
    organ = OrganIdentifier.objects.get(value="000.00.03.H33").organ
    people = {
        role: OfficialFactory(organ=organ, roles=[(role, organ, False)])
        for role in ("one_stop_officer", "specialist", "leader", "clerk")
    }
    other = Organ.objects.get(name="Sở Xây dựng")
    return {
        "organ": organ,
        "other_organ": other,
        "outsider": OfficialFactory(organ=other, roles=[("one_stop_officer", other, False)]),
        "procedure": Procedure.objects.get(code=LLTP),
        "applicant": applicant_register(
            kind="citizen", identifier="091185000123", name="Lê Thị Hoa"
        ),
        **people,
    }
