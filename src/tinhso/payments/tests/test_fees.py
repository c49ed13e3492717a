import pytest

from tinhso.payments.fees import FeeRule, assess, format_vnd, gross_amount, reduce
from tinhso.payments.selectors import fee_assessment
from tinhso.procedures import catalogue_io

COPY = FeeRule(
    name="Chứng thực",
    amount=2000,
    quantity_field="so_trang",
    unit="trang",
    tiers=({"from": 3, "amount": 1000},),
    maximum=200_000,
)


def test_format_vnd():
    assert format_vnd(1234567) == "1.234.567 đ"
    assert format_vnd(0) == "0 đ"


@pytest.mark.parametrize(
    ("pages", "due"), [(0, 0), (1, 2000), (2, 4000), (3, 5000), (10, 12000), (1000, 200_000)]
)
def test_tiers_and_maximum(pages, due):
    assert gross_amount(COPY, pages) == due


def test_fixed_line_ignores_quantity():
    assert gross_amount(FeeRule(name="x", amount=50_000), 7) == 50_000


def test_largest_reduction_wins_and_rounds_half_up():
    rule = FeeRule(
        name="x",
        amount=15_001,
        exemptions=({"category": "a", "reduction": 50}, {"category": "b", "reduction": 30}),
    )
    (line,) = assess([rule], {}, {"a", "b"}).lines
    assert (line.reduction, line.category, line.amount) == (50, "a", 7501)
    assert reduce(3, 50) == 2 and reduce(200_000, 100) == 0


def test_bad_quantity_names_the_field():
    with pytest.raises(ValueError, match="so_trang"):
        assess([COPY], {"so_trang": "-1"}, set())
    with pytest.raises(ValueError, match="so_trang"):
        assess([COPY], {"so_trang": "ba"}, set())


@pytest.mark.parametrize(
    ("form", "total", "amounts"),
    [
        ({}, 200_000, [200_000, 0]),
        ({"so_luong": 4}, 210_000, [200_000, 10_000]),
        ({"doi_tuong": "Sinh viên"}, 100_000, [100_000, 0]),
        ({"doi_tuong": "Trẻ em", "so_luong": 3}, 5_000, [0, 5_000]),
    ],
)
def test_assessment_of_the_demo_procedure(lltp, form, total, amounts):
    result = fee_assessment(
        procedure=lltp.procedure, form_data=form, applicant=lltp.applicant, online=True
    )
    assert result.total == total
    assert [line.amount for line in result.lines] == amounts
    assert result.legal_basis == "Thông tư 244/2016/TT-BTC của Bộ Tài chính"
    assert isinstance(result.total, int)


def test_catalogue_round_trip_keeps_the_schedule(lltp):
    exported = catalogue_io.export_catalogue([lltp.procedure])["procedures"][0]["fees"]
    assert exported[1]["tiers"] == [{"from": 3, "amount": 5000}]
    assert exported[0]["exemptions"][0] == {"category": "Sinh viên", "reduction": 50}
    bad = catalogue_io.export_catalogue([lltp.procedure])
    bad["procedures"][0]["fees"][0]["exemptions"][0]["reduction"] = 101
    with pytest.raises(catalogue_io.CatalogueError, match=r"fees\[0\]\.exemptions\[0\]\.reduction"):
        catalogue_io.import_catalogue(bad)


def test_request_is_idempotent_and_none_when_nothing_due(lltp, make_request):
    from tinhso.payments.services import payment_request_create

    first = make_request(so_luong=4)
    again = payment_request_create(
        source="test.order",
        source_id=first.source_id,
        source_ref="x",
        procedure=lltp.procedure,
        organ=lltp.organ,
        applicant=lltp.applicant,
        form_data={},
    )
    assert again.pk == first.pk and first.amount == 210_000
    assert make_request(doi_tuong="Người cao tuổi") is None
