"""Loads the directory part of the demo province: units of the whole country, the organs of
Kiên Giang (2020), demo accounts, generated officials, citizens and businesses.

Idempotent: everything is keyed by natural keys (unit code and date, organ identifier,
username, applicant identifier) and only what is missing is created.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from tinhso.core.codes import PROVINCE_CODES_2020
from tinhso.directory import demo, imports
from tinhso.directory.models import (
    AdministrativeUnit,
    Applicant,
    ApplicantKind,
    Official,
    Organ,
    OrganIdentifier,
    OrganKind,
    OrganScheme,
    Role,
    RoleAssignment,
    UnitLevel,
    User,
)
from tinhso.directory.services import (
    applicant_register,
    applicant_verify_eid,
    official_create,
    role_grant,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
UNIT_FILES = ("units/vn-before-2025-07-01.csv", "units/vn-from-2025-07-01.csv")
SUCCESSION_FILE = "units/succession-91.csv"
ORGAN_FILE = "organs/organs-91.csv"
ORGANS_ON = date(2020, 11, 3)  # the date of the seed report: organs as they were then
DEMO_PASSWORD = "TinhSo@2020"  # noqa: S105 (printed demo credentials, never production)
VN = ZoneInfo("Asia/Ho_Chi_Minh")

# (username, full name, position, organ identifier, roles, subtree)
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str, tuple[str, ...], bool], ...] = (
    ("lanhdao.tinh", "Lâm Minh Thành", "Chủ tịch UBND tỉnh", "000.00.00.H33", (Role.LEADER,), True),
    ("vanthu.vp", "Nguyễn Thị Thu Hà", "Văn thư", "000.00.01.H33", (Role.CLERK,), False),
    (
        "motcua.stp",
        "Trần Văn Bình",
        "Cán bộ một cửa",
        "000.00.03.H33",
        (Role.ONE_STOP_OFFICER,),
        False,
    ),
    ("chuyenvien.stp", "Lê Ngọc Lan", "Chuyên viên", "000.00.03.H33", (Role.SPECIALIST,), False),
    (
        "lanhdao.stp",
        "Phạm Quốc Hùng",
        "Giám đốc Sở Tư pháp",
        "000.00.03.H33",
        (Role.LEADER,),
        False,
    ),
    (
        "quantri.stttt",
        "Huỳnh Công Sơn",
        "Quản trị hệ thống",
        "000.00.11.H33",
        (Role.ADMINISTRATOR,),
        False,
    ),
    (
        "lanhdao.rachgia",
        "Võ Thị Mỹ Linh",
        "Chủ tịch UBND thành phố Rạch Giá",
        "000.00.24.H33",
        (Role.LEADER,),
        True,
    ),
    # Official documents at the four levels (the demo documents of `documents.demo`): the
    # clerks who register, issue and send them, the officials who draft and handle them.
    ("vanthu.tinh", "Trần Thị Mai", "Văn thư UBND tỉnh", "000.00.00.H33", (Role.CLERK,), False),
    (
        "chuyenvien.tinh",
        "Đỗ Minh Tuấn",
        "Chuyên viên Văn phòng UBND tỉnh",
        "000.00.00.H33",
        (Role.SPECIALIST,),
        False,
    ),
    ("vanthu.stp", "Nguyễn Thị Kim Oanh", "Văn thư", "000.00.03.H33", (Role.CLERK,), False),
    (
        "vanthu.rachgia",
        "Lý Thị Thanh Tâm",
        "Văn thư UBND thành phố Rạch Giá",
        "000.00.24.H33",
        (Role.CLERK,),
        False,
    ),
    (
        "chuyenvien.rachgia",
        "Phan Văn Lộc",
        "Chuyên viên Văn phòng HĐND và UBND thành phố Rạch Giá",
        "000.00.24.H33",
        (Role.SPECIALIST,),
        False,
    ),
    (
        "lanhdao.vinhthanhvan",
        "Trương Văn Hậu",
        "Chủ tịch UBND phường Vĩnh Thanh Vân",
        "000.24.24.H33",
        (Role.LEADER,),
        False,
    ),
    (
        "vanthu.vinhthanhvan",
        "Huỳnh Thị Ngọc Trâm",
        "Văn thư UBND phường Vĩnh Thanh Vân",
        "000.24.24.H33",
        (Role.CLERK,),
        False,
    ),
    (
        "congchuc.vinhthanhvan",
        "Lê Hoàng Phúc",
        "Công chức Văn phòng - Thống kê phường Vĩnh Thanh Vân",
        "000.24.24.H33",
        (Role.SPECIALIST,),
        False,
    ),
)
OPERATOR = ("quantri", "Quản trị nền tảng")
# A demo citizen who signs in with the identity number; its last six digits (999999) are
# beyond any generated citizen's, so it never collides with them.
DEMO_CITIZEN = ("091190999999", "Nguyễn Thị Hồng", "congdan@example.vn")

# How many generated officials an organ of each kind gets per round of distribution.
STAFF_WEIGHTS = {
    OrganKind.PROVINCE_COMMITTEE: 4,
    OrganKind.COMMITTEE_OFFICE: 20,
    OrganKind.DEPARTMENT: 25,
    OrganKind.DISTRICT_COMMITTEE: 8,
    OrganKind.DISTRICT_OFFICE: 6,
    OrganKind.COMMUNE_COMMITTEE: 14,
}
BATCH = 5_000

Progress = Callable[..., Any]


def seed_directory(*, scale: str, progress: Progress) -> list[str]:
    sizes = demo.SCALES[scale]
    lines = []
    for name in UNIT_FILES:
        result = imports.import_units(DATA_DIR / name)
        lines.append(f"{name}: {result}")
    result = imports.import_successions(DATA_DIR / SUCCESSION_FILE)
    lines.append(f"{SUCCESSION_FILE}: {result}")
    result = imports.import_organs(DATA_DIR / ORGAN_FILE, units_on=ORGANS_ON)
    lines.append(f"{ORGAN_FILE}: {result}")
    lines.append(f"demo accounts: {seed_demo_accounts()} created")
    # The seed report's officials include the demo accounts.
    generated = sizes["officials"] - len(DEMO_ACCOUNTS)
    lines.append(f"officials: {seed_officials(generated, progress)} created")
    # The demo citizen counts towards the seed report's citizens (and electronic identities).
    lines.append(f"citizens: {seed_citizens(sizes['citizens'] - 1, progress)} created")
    lines.append(f"businesses: {seed_businesses(sizes['businesses'], progress)} created")
    lines.append(f"electronic identities: {seed_eid(sizes['with_eid'])} verified")
    return lines


def _organ(identifier: str) -> Organ:
    return OrganIdentifier.objects.get(scheme=OrganScheme.QCVN102, value=identifier).organ


@transaction.atomic
def seed_demo_accounts() -> int:
    created = 0
    if not User.objects.filter(username=OPERATOR[0]).exists():
        User.objects.create_superuser(
            username=OPERATOR[0], email="", password=DEMO_PASSWORD, full_name=OPERATOR[1]
        )
        created += 1
    created += _seed_demo_citizen()
    for username, full_name, position, ident, roles, subtree in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        organ = _organ(ident)
        official = official_create(
            username=username,
            full_name=full_name,
            organ=organ,
            position=position,
            roles=roles,
            password=DEMO_PASSWORD,
        )
        if subtree:
            for role in roles:
                role_grant(official=official, role=role, organ=organ, include_subtree=True)
        created += 1
    return created


def _seed_demo_citizen() -> int:
    identifier, name, email = DEMO_CITIZEN
    if User.objects.filter(username=identifier).exists():
        return 0
    user = User.objects.create_user(
        username=identifier, email=email, password=DEMO_PASSWORD, full_name=name
    )
    applicant = Applicant.objects.filter(identifier=identifier).first() or applicant_register(
        kind=ApplicantKind.CITIZEN, identifier=identifier, name=name, email=email
    )
    applicant.user = user
    applicant.address = "Phường Vĩnh Thanh Vân, thành phố Rạch Giá"
    applicant.save(update_fields=["user", "address"])
    applicant_verify_eid(applicant=applicant)
    return 1


def _staffing_plan() -> list[Organ]:
    organs = list(Organ.objects.order_by("tree_path"))
    plan: list[Organ] = []
    for organ in organs:
        plan.extend([organ] * STAFF_WEIGHTS.get(organ.kind, 1))
    return plan


def seed_officials(count: int, progress: Progress) -> int:
    """Officials cb00001…: leader, clerk, one-stop officer, then specialists in each organ."""
    plan = _staffing_plan()
    organ_seats: dict[int, int] = {}
    wanted = []
    for i in range(count):
        organ = plan[i % len(plan)]
        seat = organ_seats.get(organ.pk, 0)
        organ_seats[organ.pk] = seat + 1
        role = (
            (Role.LEADER, Role.CLERK, Role.ONE_STOP_OFFICER)[seat]
            if seat < 3
            else (Role.SPECIALIST)
        )
        wanted.append((f"cb{i + 1:05d}", organ, role))
    existing = set(
        User.objects.filter(username__startswith="cb").values_list("username", flat=True)
    )
    missing = [w for w in wanted if w[0] not in existing]
    positions = {
        Role.LEADER: "Lãnh đạo",
        Role.CLERK: "Văn thư",
        Role.ONE_STOP_OFFICER: "Cán bộ một cửa",
        Role.SPECIALIST: "Chuyên viên",
    }
    for start in progress(range(0, len(missing), BATCH), desc="officials"):
        chunk = missing[start : start + BATCH]
        with transaction.atomic():
            users = [
                User(
                    username=username,
                    full_name=demo.person(int(username[2:]), stream="official").full_name,
                    password="!",  # noqa: S106 (unusable: generated officials cannot sign in)
                )
                for username, _o, _r in chunk
            ]
            User.objects.bulk_create(users, batch_size=1000)
            users_by_name = {
                u.username: u for u in User.objects.filter(username__in=[c[0] for c in chunk])
            }
            officials = [
                Official(user=users_by_name[username], organ=organ, position=positions[role])
                for username, organ, role in chunk
            ]
            Official.objects.bulk_create(officials, batch_size=1000)
            by_user = {
                o.user_id: o for o in Official.objects.filter(user__in=users_by_name.values())
            }
            RoleAssignment.objects.bulk_create(
                [
                    RoleAssignment(
                        official=by_user[users_by_name[username].pk], role=role, organ=organ
                    )
                    for username, organ, role in chunk
                ],
                batch_size=1000,
            )
    return len(missing)


def _communes_of_demo_province() -> list[AdministrativeUnit]:
    return list(
        AdministrativeUnit.objects.valid_on(ORGANS_ON)
        .filter(level=UnitLevel.COMMUNE, parent__parent__code="91")
        .order_by("code")
    )


def _bulk_applicants(wanted: list[Applicant], progress: Progress, desc: str) -> int:
    existing = set(
        Applicant.objects.filter(kind=wanted[0].kind if wanted else "").values_list(
            "identifier", flat=True
        )
    )
    missing = [a for a in wanted if a.identifier not in existing]
    for start in progress(range(0, len(missing), BATCH), desc=desc):
        with transaction.atomic():
            Applicant.objects.bulk_create(missing[start : start + BATCH], batch_size=1000)
    return len(missing)


def seed_citizens(count: int, progress: Progress) -> int:
    communes = _communes_of_demo_province()
    provinces = tuple(sorted(PROVINCE_CODES_2020))
    wanted = []
    for i in range(count):
        who = demo.person(i, stream="citizen", min_age=14, max_age=90)
        unit = communes[i % len(communes)] if communes else None
        wanted.append(
            Applicant(
                kind=ApplicantKind.CITIZEN,
                identifier=demo.cccd_for(i, who, province_codes=provinces),
                name=who.full_name,
                birth_date=who.birth_date,
                sex=who.sex,
                unit=unit,
                address=unit.name if unit else "",
            )
        )
    return _bulk_applicants(wanted, progress, "citizens")


def seed_businesses(count: int, progress: Progress) -> int:
    communes = _communes_of_demo_province()
    wanted = [
        Applicant(
            kind=ApplicantKind.BUSINESS,
            identifier=demo.tax_code_for(i),
            name=demo.business_name(i),
            unit=communes[(i * 7) % len(communes)] if communes else None,
        )
        for i in range(count)
    ]
    return _bulk_applicants(wanted, progress, "businesses")


@transaction.atomic
def seed_eid(count: int) -> int:
    """Verify the electronic identity of the first `count` citizens (by identifier order)."""
    verified = Applicant.objects.filter(
        kind=ApplicantKind.CITIZEN, eid_verified_at__isnull=False
    ).count()
    if verified >= count:
        return 0
    ids = list(
        Applicant.objects.filter(kind=ApplicantKind.CITIZEN, eid_verified_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[: count - verified]
    )
    at = datetime.combine(ORGANS_ON, time(8, 0), tzinfo=VN)
    return Applicant.objects.filter(pk__in=ids).update(eid_verified_at=at)
