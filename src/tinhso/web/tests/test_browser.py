"""The site as a person sees it: real Chromium, real HTTP, the live server's database.

Run alone with `pytest -m browser`. Fixtures are in this folder's conftest.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tinhso.directory.models import UnitLevel
from tinhso.directory.tests.factories import OfficialFactory, OrganFactory, UnitFactory

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-thu-1"  # what UserFactory sets
# Django's own Vietnamese catalog, with the label of the username field filled in.
WRONG_LOGIN_VI = (
    "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác. "
    "Chú ý rằng cả hai khung thông tin đều phân biệt chữ hoa và chữ thường."
)


def _province():  # type: ignore[no-untyped-def]
    unit = UnitFactory(code="91", name="Tỉnh Kiên Giang", level=UnitLevel.PROVINCE)
    return OrganFactory(
        name="Ủy ban nhân dân tỉnh Kiên Giang",
        short_name="UBND",
        kind="province_committee",
        level=1,
        parent=None,
        unit=unit,
    )


def _official(organ):  # type: ignore[no-untyped-def]
    return OfficialFactory(
        organ=organ,
        user__username="thuha",
        user__full_name="Trần Thị Thu Hà",
        roles=[("leader", organ, False)],
    )


def _sign_in(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def test_official_signs_in_and_reaches_the_back_office(page, screenshot, live_server):  # type: ignore[no-untyped-def]
    province = _province()
    department = OrganFactory(name="Sở Tư pháp tỉnh Kiên Giang", short_name="STP", parent=province)
    _official(department)

    _sign_in(page, "thuha", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/backoffice/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Trần Thị Thu Hà")
    main = page.locator("main")
    expect(main.get_by_text("Sở Tư pháp tỉnh Kiên Giang").first).to_be_visible()
    # The granted role is listed against the official's own organ, not the province's.
    expect(main.locator("tbody tr")).to_have_count(1)
    expect(main.locator("tbody tr td")).to_have_text(
        ["Lãnh đạo", "Sở Tư pháp tỉnh Kiên Giang", "Không"]
    )
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    screenshot(page, "backoffice")


def test_wrong_password_stays_on_the_login_page(page, live_server):  # type: ignore[no-untyped-def]
    _official(OrganFactory(name="Sở Tư pháp tỉnh Kiên Giang"))

    _sign_in(page, "thuha", "mat-khau-sai")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("alert")).to_have_text(WRONG_LOGIN_VI)
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("thuha")
    expect(page.get_by_label("Mật khẩu")).to_have_value("")
    # No session was opened: the back office still sends the visitor to sign in.
    page.goto("/backoffice/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/backoffice/$"))
    expect(page.get_by_text("Xin chào")).to_have_count(0)


@pytest.mark.parametrize(
    "path",
    ["/", "/accounts/login/", "/thu-tuc/?q=khai+sinh", "/tra-cuu-ho-so/?ma=x&so=y"],
    ids=["home", "login", "procedures", "status"],
)
def test_public_page_has_no_axe_violations(page, path):  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    _province()
    page.goto(path)
    page.wait_for_load_state()

    results = Axe().run(page)

    violations = results.response["violations"]
    details = "\n".join(
        f"- {v['id']} ({v.get('impact')}): {v['help']} [{v['helpUrl']}]\n"
        + "\n".join(
            f"    {node['target']}: {node['html']}\n      {node.get('failureSummary', '')}"
            for node in v["nodes"]
        )
        for v in violations
    )
    assert results.violations_count == 0, f"axe-core violations on {path}:\n{details}"
    # The check did run rules against the page (an empty result would also be "no violations").
    assert len(results.response["passes"]) > 0


def test_home_page_is_vietnamese_and_switches_to_english(page, screenshot):  # type: ignore[no-untyped-def]
    _province()

    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page).to_have_title("Cổng dịch vụ công Tỉnh Kiên Giang")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cổng dịch vụ công Tỉnh Kiên Giang")
    language = page.get_by_label("Ngôn ngữ")
    expect(language).to_have_value("vi")
    screenshot(page, "home")

    language.select_option("en")
    page.get_by_role("button", name="Đổi").click()
    page.wait_for_load_state()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_label("Language")).to_have_value("en")
    # The English catalog is compiled and used, not only the lang attribute.
    expect(page).to_have_title("Tỉnh Kiên Giang Public Service Portal")
    expect(page.get_by_role("button", name="Change")).to_be_visible()
