from types import SimpleNamespace

import pytest

from tinhso.directory.models import OrganIdentifier
from tinhso.directory.services import applicant_register
from tinhso.directory.tests.samples import load_sample
from tinhso.payments import hooks
from tinhso.payments.services import payment_request_create
from tinhso.procedures import catalogue_io
from tinhso.procedures.models import Procedure
from tinhso.procedures.seeding import DATA

LLTP = "2.000488.000.00.00.H33"


@pytest.fixture
def lltp(db, tmp_path):
    load_sample(tmp_path)
    catalogue_io.import_catalogue(catalogue_io.loads(DATA.read_text(encoding="utf-8")))
    return SimpleNamespace(
        organ=OrganIdentifier.objects.get(value="000.00.03.H33").organ,
        procedure=Procedure.objects.get(code=LLTP),
        applicant=applicant_register(kind="citizen", identifier="091185000123", name="Lê Thị Hoa"),
    )


@pytest.fixture
def paid_calls():
    calls = []
    hooks.register_paid_handler("test.order", calls.append)
    yield calls
    hooks._PAID.pop("test.order", None)


@pytest.fixture
def make_request(lltp, paid_calls):
    counter = iter(range(1, 1000))

    def make(**form):
        return payment_request_create(
            source="test.order",
            source_id=next(counter),
            source_ref="HS-1",
            procedure=lltp.procedure,
            organ=lltp.organ,
            applicant=lltp.applicant,
            form_data=form,
        )

    return make
