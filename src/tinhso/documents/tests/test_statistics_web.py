"""The statistics dashboard of documents, its lists, the Excel export and the API, on the
hand-counted month of test_statistics."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tinhso.directory.tests.factories import OfficialFactory
from tinhso.documents.tests import test_statistics as cases

pytestmark = pytest.mark.django_db
month = cases.month
NOV = "from=2020-11-01&to=2020-11-30"
STATS = "/backoffice/van-ban/thong-ke/"


@pytest.fixture
def governor(month):
    """A leader of the provincial committee over its whole subtree: sees every organ."""
    province = month["province"]
    return OfficialFactory(organ=province, roles=[("leader", province, True)]).user


def test_dashboard_has_a_chart_and_a_table_for_each_figure(client, month, governor):
    client.force_login(governor)
    response = client.get(f"{STATS}?{NOV}&group=organ")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<svg role="img"') == 4
    assert page.count("<caption>") == 4 and 'scope="col"' in page and 'scope="row"' in page
    for chart in ("outgoing", "incoming", "completed", "in_progress"):
        assert f'aria-labelledby="chart-{chart}-svg-title chart-{chart}-svg-desc"' in page
    province = month["province"].pk
    nov = NOV.replace("&", "&amp;")
    link = f"{STATS}danh-sach/?figure=in_arrived&amp;group=organ%3A{province}&amp;{nov}"
    assert re.search(rf'href="{re.escape(link)}"[^>]*>12</a>', page)
    assert "87,5%" in page and "20,0%" in page  # the committee's shares in and out
    assert "81,8%" in page and "44,4%" in page and "65,0%" in page  # the totals
    assert f"{STATS}excel/?{nov}&amp;group=organ" in page


def test_dashboard_filters_by_organ_subtree_and_level(client, month, governor):
    client.force_login(governor)
    city = month["city"].pk
    page = client.get(f"{STATS}?{NOV}&group=level&organ={city}").content.decode()
    assert "Cấp huyện" in page and "Cấp xã" in page and "Cấp tỉnh</th>" not in page
    nov = NOV.replace("&", "&amp;")
    link = f"figure=in_arrived&amp;group=level%3Acommune&amp;{nov}&amp;organ={city}"
    assert re.search(rf'href="[^"]*{re.escape(link)}"[^>]*>2</a>', page)
    assert f'href="?preset=year&amp;organ={city}&amp;group=level"' in page  # filters kept
    page = client.get(f"{STATS}?{NOV}&level=commune").content.decode()
    assert "UBND phường Vĩnh Thanh Vân</th>" in page
    assert "Sở Tư pháp</th>" not in page


def test_dashboard_defaults_and_errors(client, month, governor):
    client.force_login(governor)
    assert client.get(STATS).status_code == 200
    for preset in ("month", "quarter", "year"):
        assert client.get(f"{STATS}?preset={preset}&group=unit").status_code == 200
    page = client.get(f"{STATS}?from=2020-11-30&to=2020-11-01").content.decode()
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in page
    page = client.get(f"{STATS}?{NOV}&organ=999999&level=planet&group=x").content.decode()
    assert "Không có cơ quan «999999» trong phạm vi của bạn." in page
    assert "Cấp phải là một trong: province, department, district, commune, other." in page
    assert "Cách nhóm không hợp lệ." in page


def test_dashboard_is_for_those_who_may_view_reports(client, month):
    assert client.get(STATS).status_code == 302  # to sign-in
    client.force_login(month["clerk"].user)
    assert client.get(STATS).status_code == 403
    assert client.get(f"{STATS}excel/?{NOV}").status_code == 403
    assert client.get(f"{STATS}danh-sach/?figure=in_arrived&{NOV}").status_code == 403


def test_an_official_sees_the_organs_in_scope_only(client, month):
    justice = month["justice"]
    leader = OfficialFactory(organ=justice, roles=[("leader", justice, False)]).user
    client.force_login(leader)
    page = client.get(f"{STATS}?{NOV}").content.decode()
    assert "Sở Tư pháp</th>" in page and "Ủy ban nhân dân tỉnh Kiên Giang</th>" not in page
    assert "Văn phòng UBND tỉnh" not in page


def test_list_page_shows_exactly_the_counted_documents(client, month, governor):
    client.force_login(governor)
    province = month["province"].pk
    url = f"{STATS}danh-sach/?figure=out_not_electronic&group=organ:{province}&{NOV}"
    page = client.get(url).content.decode()
    assert re.findall(r"<td>(O[A-Z])(?:-[a-z]+)?</td>", page) == ["OB", "OC", "OD", "OH"]
    assert "4 văn bản" in page
    url = f"{STATS}danh-sach/?figure=h_late&{NOV}"
    page = client.get(url).content.decode()
    assert re.findall(r"<td>(I[A-Z])(?:-[a-z]+)?</td>", page) == ["IK", "IB"]  # by arrival
    assert client.get(f"{STATS}danh-sach/?figure=nope&{NOV}").status_code == 400
    assert client.get(f"{STATS}danh-sach/?figure=in_arrived&from=x").status_code == 400
    assert client.get(f"{STATS}danh-sach/?figure=in_arrived&{NOV}&level=x").status_code == 400


def test_list_hides_what_the_official_may_not_read(client, month):
    """An administrator sees the figures of their organ, but not the documents themselves:
    the list names them (number, dates) without their summary or a link."""
    province = month["province"]
    admin = month["admin"].user  # administrator of the provincial committee: VIEW_REPORTS only
    client.force_login(admin)
    page = client.get(f"{STATS}danh-sach/?figure=out_issued&{NOV}").content.decode()
    assert page.count("(ngoài phạm vi xem văn bản của bạn)") == 6
    assert "/backoffice/van-ban/di/" not in page
    client.force_login(month["chairman"].user)  # a leader of the same organ reads them
    page = client.get(f"{STATS}danh-sach/?figure=out_issued&{NOV}").content.decode()
    assert "(ngoài phạm vi xem văn bản của bạn)" not in page
    assert page.count('href="/backoffice/van-ban/di/') == 6
    assert province.name in page


def test_excel_holds_the_same_numbers(client, month, governor):
    client.force_login(governor)
    response = client.get(f"{STATS}excel/?{NOV}&group=level")
    assert response.status_code == 200
    name = "thong-ke-van-ban-20201101-20201130.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    outgoing, incoming, handling = load_workbook(BytesIO(response.content)).worksheets
    assert [s.title for s in (outgoing, incoming, handling)] == [
        "Văn bản đi",
        "Văn bản đến",
        "Xử lý văn bản đến",
    ]
    header = [c.value for c in outgoing[4]]
    assert header[:3] == ["Cấp", "Văn bản đi đã ban hành", "Văn bản đi mật"]
    province = dict(zip(header, [c.value for c in outgoing[5]], strict=True))
    assert province["Cấp"] == "Cấp tỉnh"
    assert province["Văn bản đi gửi điện tử, có chữ ký số"] == 2
    assert province["Tỷ lệ văn bản đi gửi điện tử"] == pytest.approx(2 / 6)
    assert outgoing.cell(5, len(header)).number_format == "0.0%"
    assert [c.value for c in outgoing[9]][:3] == ["Tổng cộng", 10, 1]
    header = [c.value for c in incoming[4]]
    total = dict(zip(header, [c.value for c in incoming[9]], strict=True))
    assert (total["Văn bản đến"], total["Văn bản đến nhận điện tử"]) == (15, 9)
    assert total["Tỷ lệ văn bản đi, đến điện tử"] == pytest.approx(13 / 20)
    header = [c.value for c in handling[4]]
    total = dict(zip(header, [c.value for c in handling[9]], strict=True))
    assert (total["Hoàn thành đúng hạn"], total["Hoàn thành quá hạn"]) == (3, 2)
    assert (total["Đang xử lý, trong hạn"], total["Đang xử lý, quá hạn"]) == (2, 2)
    assert client.get(f"{STATS}excel/?{NOV}&group=x").status_code == 400


def test_api_documents_statistics(client, month, governor):
    client.force_login(governor)
    body = client.get(f"/api/v1/statistics/documents?{NOV}&group=level").json()
    assert body["period"] == {"first": "2020-11-01", "last": "2020-11-30"}
    assert (body["group"], body["organ"], body["level"]) == ("level", None, "")
    assert [r["group"] for r in body["rows"]] == [
        "level:province",
        "level:department",
        "level:district",
        "level:commune",
    ]
    total = body["total"]
    assert (total["out_issued"], total["out_electronic"], total["in_arrived"]) == (10, 4, 15)
    assert total["out_share"] == {"numerator": 4, "denominator": 9, "value": 4 / 9, "text": "44,4%"}
    assert total["share"]["text"] == "65,0%" and total["on_time_rate"]["text"] == "60,0%"
    body = client.get(
        f"/api/v1/statistics/documents?{NOV}&organ=000.00.24.H33&level=commune&group=unit"
    ).json()
    assert (body["organ"], body["level"]) == ("000.00.24.H33", "commune")
    assert [r["label"] for r in body["rows"]] == ["UBND phường Vĩnh Thanh Vân"]
    assert body["total"]["in_scan"] == 1 and body["total"]["out_not_electronic"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2020-11-31&to=2020-12-01", "from"),
        ("from=2020-11-01&to=hôm-nay", "to"),
        ("from=2020-11-30&to=2020-11-01", "to"),
        (f"{NOV}&group=district", "group"),
        (f"{NOV}&level=planet", "level"),
        (f"{NOV}&organ=000.00.99.H33", "organ"),
    ],
)
def test_api_refuses_bad_filters(client, month, governor, query, field):
    client.force_login(governor)
    response = client.get(f"/api/v1/statistics/documents?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_api_refuses_an_organ_outside_the_scope_and_those_without_reports(client, month):
    justice = month["justice"]
    client.force_login(OfficialFactory(organ=justice, roles=[("leader", justice, False)]).user)
    response = client.get(f"/api/v1/statistics/documents?{NOV}&organ=000.00.00.H33")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["organ"]
    client.force_login(month["clerk"].user)
    response = client.get(f"/api/v1/statistics/documents?{NOV}")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
