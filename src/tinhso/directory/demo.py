"""The demo province: deterministic people for `tinhso seed` (pure generation, no writes).

Person number i is generated from its own random stream, so the small scale is a prefix of
the full one and a second run generates exactly the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from tinhso.core.codes import tax_check_digit

# Seed report (Kiên Giang, 03/11/2020) figures reproduced at full scale.
SCALES: dict[str, dict[str, int]] = {
    "small": {"officials": 300, "citizens": 2_000, "with_eid": 20, "businesses": 40},
    "full": {"officials": 5_146, "citizens": 222_279, "with_eid": 2_223, "businesses": 3_000},
}

FAMILY_NAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Huỳnh", 5),
    ("Võ", 4),
    ("Phan", 4),
    ("Trương", 2),
    ("Bùi", 2),
    ("Đặng", 2),
    ("Đỗ", 2),
    ("Ngô", 2),
    ("Hồ", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Danh", 2),
    ("Thạch", 1),
    ("Lâm", 1),
    ("Tô", 1),
    ("Châu", 1),
)
MIDDLE_MALE = ("Văn", "Hữu", "Minh", "Thanh", "Quốc", "Công", "Hoàng", "Đức", "Tấn")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thanh", "Kim", "Thu", "Mỹ", "Bích", "Hồng", "Phương")
GIVEN_MALE = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khang",
    "Lộc",
    "Minh",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
)
GIVEN_FEMALE = (
    "Anh",
    "Châu",
    "Diễm",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "My",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phượng",
    "Thảo",
    "Trang",
    "Vy",
)
BUSINESS_FORMS = ("Công ty TNHH", "Công ty cổ phần", "Doanh nghiệp tư nhân", "Hợp tác xã")
BUSINESS_WORDS = (
    "Thủy sản",
    "Nông nghiệp",
    "Xây dựng",
    "Du lịch",
    "Vận tải",
    "Thương mại",
    "Lúa gạo",
    "Hải sản",
    "Nước mắm",
    "Dịch vụ",
    "Cơ khí",
    "Điện tử",
    "Tiêu",
    "Ngọc trai",
)
BUSINESS_PLACES = ("Rạch Giá", "Hà Tiên", "Phú Quốc", "Kiên Giang", "Châu Thành", "Tân Hiệp")

_FAMILY, _FAMILY_WEIGHTS = zip(*FAMILY_NAMES, strict=True)


@dataclass(frozen=True)
class Person:
    full_name: str
    sex: str
    birth_date: date


def person(i: int, *, stream: str, min_age: int = 18, max_age: int = 80) -> Person:
    """The i-th person of `stream` (officials and citizens use different streams)."""
    rng = random.Random(f"{stream}:{i}")
    sex = rng.choice(("male", "female"))
    family = rng.choices(_FAMILY, weights=_FAMILY_WEIGHTS)[0]
    middle = rng.choice(MIDDLE_MALE if sex == "male" else MIDDLE_FEMALE)
    given = rng.choice(GIVEN_MALE if sex == "male" else GIVEN_FEMALE)
    year = 2020 - rng.randint(min_age, max_age)
    born = date(year, rng.randint(1, 12), rng.randint(1, 28))
    return Person(f"{family} {middle} {given}", sex, born)


def cccd_for(i: int, who: Person, *, province_codes: tuple[str, ...]) -> str:
    """A well-formed, unique CCCD for citizen i: most born in Kiên Giang (091).

    The last six digits are i itself, so numbers never collide below a million citizens.
    """
    rng = random.Random(f"cccd:{i}")
    province = "91" if rng.random() < 0.85 else rng.choice(province_codes)
    century = 0 if who.birth_date.year < 2000 else 2
    digit = century + (0 if who.sex == "male" else 1)
    return f"0{province}{digit}{who.birth_date.year % 100:02d}{i:06d}"


def tax_code_for(i: int) -> str:
    """A unique tax code with a valid check digit for business i (Kiên Giang prefix 17)."""
    for prefix in ("17", "18", "19"):
        first_nine = f"{prefix}{i:07d}"
        check = tax_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"
    raise ValueError(i)  # three prefixes with no valid check digit cannot happen for one i


def business_name(i: int) -> str:
    rng = random.Random(f"business:{i}")
    return (
        f"{rng.choice(BUSINESS_FORMS)} {rng.choice(BUSINESS_WORDS)} "
        f"{rng.choice(BUSINESS_PLACES)} {i + 1}"
    )
