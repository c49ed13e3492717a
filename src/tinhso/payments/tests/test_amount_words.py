"""Amounts in Vietnamese words, as receipts print them."""

import pytest

from tinhso.payments.amount_words import amount_in_words, number_in_words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (1_000, "một nghìn"),
        (1_005, "một nghìn không trăm linh năm"),
        (1_050, "một nghìn không trăm năm mươi"),
        (10_000, "mười nghìn"),
        (200_000, "hai trăm nghìn"),
        (1_000_001, "một triệu không trăm linh một"),
        (1_234_567, "một triệu hai trăm ba mươi tư nghìn năm trăm sáu mươi bảy"),
        (2_000_000_000, "hai tỷ"),
        (1_000_000_000_000, "một nghìn tỷ"),
    ],
)
def test_number_in_words(number, words):
    assert number_in_words(number) == words


def test_amount_in_words():
    assert amount_in_words(200_000) == "Hai trăm nghìn đồng"
    assert amount_in_words(1_500) == "Một nghìn năm trăm đồng"


@pytest.mark.parametrize("number", [-1, 10**18])
def test_out_of_range(number):
    with pytest.raises(ValueError, match="out of range"):
        number_in_words(number)
