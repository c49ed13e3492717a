from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core import codes

TODAY = date(2026, 11, 26)


class TestCccd:
    def test_parses_province_century_sex_and_year(self):
        parsed = codes.validate_cccd("091185000123", today=TODAY)
        assert parsed == codes.CitizenId("091185000123", "91", 1985, "female")

    def test_21st_century_male(self):
        assert codes.validate_cccd("001205000001", today=TODAY).birth_year == 2005
        assert codes.validate_cccd("001205000001", today=TODAY).sex == "male"

    @pytest.mark.parametrize(
        ("value", "rule"),
        [
            ("09118500012", "length"),
            ("0911850001234", "length"),
            ("09118500012a", "digits"),
            ("０９１１８５０００１２３", "digits"),  # full-width digits are not ASCII digits
            ("", "digits"),
            ("191185000123", "province"),
            ("003185000123", "province"),  # 03 is not a province code
            ("091299000123", "birth_year"),  # born 2099
        ],
    )
    def test_refuses(self, value, rule):
        with pytest.raises(codes.CodeError) as error:
            codes.validate_cccd(value, today=TODAY)
        assert error.value.code == rule

    @given(
        province=st.sampled_from(sorted(codes.PROVINCE_CODES_2020)),
        digit=st.sampled_from([0, 1, 2]),
        year=st.integers(0, 25),
        tail=st.integers(0, 999_999),
    )
    def test_every_well_formed_number_parses_back(self, province, digit, year, tail):
        number = f"0{province}{digit}{year:02d}{tail:06d}"
        parsed = codes.validate_cccd(number, today=TODAY)
        assert parsed.number == number
        assert parsed.province_code == province
        assert parsed.birth_year == (1900 if digit < 2 else 2000) + year
        assert parsed.sex == ("male" if digit % 2 == 0 else "female")


class TestTaxCode:
    @pytest.mark.parametrize("value", ["0300588569", "0101248141", "0101248141-001"])
    def test_real_codes_pass(self, value):
        assert codes.validate_tax_code(value) == value

    @pytest.mark.parametrize(
        ("value", "rule"),
        [
            ("0300588568", "check_digit"),
            ("030058856", "format"),
            ("03005885691", "format"),
            ("0101248141-01", "format"),
            ("0101248141-", "format"),
            ("0101248141-000", "branch"),
            ("010124814X", "format"),
        ],
    )
    def test_refuses(self, value, rule):
        with pytest.raises(codes.CodeError) as error:
            codes.validate_tax_code(value)
        assert error.value.code == rule

    @given(st.text(alphabet="0123456789", min_size=9, max_size=9))
    def test_check_digit_round_trip(self, first_nine):
        check = codes.tax_check_digit(first_nine)
        if check is None:
            for digit in range(10):
                with pytest.raises(codes.CodeError):
                    codes.validate_tax_code(f"{first_nine}{digit}")
        else:
            assert codes.validate_tax_code(f"{first_nine}{check}") == f"{first_nine}{check}"
            wrong = (check + 1) % 10
            with pytest.raises(codes.CodeError):
                codes.validate_tax_code(f"{first_nine}{wrong}")


class TestQcvn102:
    def test_levels_read_right_to_left(self):
        assert codes.validate_qcvn102("000.00.00.H49").depth == 1
        assert codes.validate_qcvn102("000.00.53.H48").depth == 2
        assert codes.validate_qcvn102("000.01.24.H33").depth == 3
        parsed = codes.validate_qcvn102("001.02.03.G22")
        assert (parsed.level1, parsed.level2, parsed.level3, parsed.level4, parsed.depth) == (
            "G22",
            "03",
            "02",
            "001",
            4,
        )

    @pytest.mark.parametrize(
        ("value", "rule"),
        [
            ("000.00.00.h49", "format"),
            ("00.00.00.H49", "format"),
            ("000.00.00.H4", "format"),
            ("000.00.00.H00", "format"),
            ("000-00-00-H49", "format"),
            ("000.01.00.H49", "gap"),
            ("001.00.05.H49", "gap"),
        ],
    )
    def test_refuses(self, value, rule):
        with pytest.raises(codes.CodeError) as error:
            codes.validate_qcvn102(value)
        assert error.value.code == rule


class TestDecision20:
    @pytest.mark.parametrize("value", ["H37.02.02", "G22", "H33", "A" * 35])
    def test_valid(self, value):
        assert codes.validate_decision20(value) == value

    @pytest.mark.parametrize(
        ("value", "rule"),
        [
            ("h37.02", "format"),
            ("H37..02", "format"),
            (".H37", "format"),
            ("H37.", "format"),
            ("A" * 36, "length"),
            ("H37 02", "format"),
            ("", "format"),
        ],
    )
    def test_refuses(self, value, rule):
        with pytest.raises(codes.CodeError) as error:
            codes.validate_decision20(value)
        assert error.value.code == rule


@pytest.mark.parametrize(
    ("value", "level"), [("91", "province"), ("899", "district"), ("30730", "commune")]
)
def test_unit_code_levels(value, level):
    assert codes.validate_unit_code(value) == level


@pytest.mark.parametrize("value", ["9", "9100", "307300", "9a", "", "３０７３０"])
def test_unit_code_refused(value):
    with pytest.raises(codes.CodeError):
        codes.validate_unit_code(value)
