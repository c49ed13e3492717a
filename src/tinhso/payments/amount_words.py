"""An amount of đồng in Vietnamese words, as receipts and invoices write it (pure).

`amount_in_words(1_234_505)` → "Một triệu hai trăm ba mươi tư nghìn năm trăm linh năm đồng".
Conventions of invoices in service: groups of three digits named nghìn, triệu, tỷ (then
nghìn tỷ, triệu tỷ); a group after the first is read in full ("không trăm", "linh");
"mốt" for a final 1 and "tư" for a final 4 after twenty, "lăm" for a final 5 after ten; a
group of zeros is left out.
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ")


def _group(number: int, *, full: bool) -> list[str]:
    """The words of 0 < number < 1000; `full` reads the hundreds and "linh" even when the
    group starts with zeros (a group after the first)."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and (hundreds or full):
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 4 and tens >= 2:
            words.append("tư")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(DIGITS[units])
    return words


def number_in_words(number: int) -> str:
    """`number` (0 ≤ number < 10^18) in lower-case Vietnamese words."""
    if number < 0 or number >= 1000 ** len(GROUPS):
        raise ValueError(f"out of range: {number}")
    if number == 0:
        return DIGITS[0]
    groups: list[int] = []
    while number:
        groups.append(number % 1000)
        number //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words += _group(value, full=index != len(groups) - 1)
        if GROUPS[index]:
            words.append(GROUPS[index])
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """An amount of đồng as a receipt writes it: capitalised, ending in "đồng"."""
    text = number_in_words(amount)
    return f"{text[0].upper()}{text[1:]} đồng"
