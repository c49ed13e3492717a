"""The statistics dashboard, its lists, the Excel export and the API, on the hand-counted
month of test_statistics."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tinhso.dossiers.tests import test_statistics as cases

pytestmark = pytest.mark.django_db
month = cases.month
NOV = "from=2020-11-01&to=2020-11-30"


def test_dashboard_has_a_chart_and_a_table_for_each_figure(client, month):
    client.force_login(month["leader"].user)
    response = client.get(f"/backoffice/thong-ke/?{NOV}&group=organ")
    assert response.status_code == 200
    page = response.content.decode()
    charts = (
        "received",
        "synchronised",
        "resolved",
        "in_progress",
        "i21",
        "online",
        "payment",
        "digitisation",
    )
    assert page.count('<svg role="img"') == len(charts)
    assert page.count("<caption>") == len(charts)
    assert 'scope="col"' in page and 'scope="row"' in page
    for chart in charts:
        assert f'aria-labelledby="chart-{chart}-svg-title chart-{chart}-svg-desc"' in page
        assert f'<title id="chart-{chart}-svg-title">' in page
    organ = month["organ"].pk
    nov = NOV.replace("&", "&amp;")
    link = f"/backoffice/thong-ke/ho-so/?indicator=received&amp;group=organ%3A{organ}&amp;{nov}"
    assert f'<a href="{link}"' in page
    assert re.search(rf'href="{re.escape(link)}"[^>]*>11</a>', page)
    assert "Sở Xây dựng" not in page  # outside the leader's scope
    assert "75,0%" in page and "55,6%" in page
    assert f"/backoffice/thong-ke/excel/?{nov}&amp;group=organ" in page
    assert "Số liệu không khớp" not in page


def test_dashboard_defaults_and_errors(client, month):
    client.force_login(month["leader"].user)
    assert client.get("/backoffice/thong-ke/").status_code == 200
    for preset in ("month", "quarter", "year"):
        assert client.get(f"/backoffice/thong-ke/?preset={preset}").status_code == 200
    page = client.get("/backoffice/thong-ke/?from=2020-11-30&to=2020-11-01").content.decode()
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in page


def test_dashboard_is_for_those_who_may_view_reports(client, month):
    assert client.get("/backoffice/thong-ke/").status_code == 302  # to sign-in
    client.force_login(month["one_stop_officer"].user)
    assert client.get("/backoffice/thong-ke/").status_code == 403
    assert client.get(f"/backoffice/thong-ke/excel/?{NOV}").status_code == 403
    assert client.get(f"/backoffice/thong-ke/ho-so/?indicator=received&{NOV}").status_code == 403


def test_list_page_shows_exactly_the_counted_dossiers(client, month):
    client.force_login(month["leader"].user)
    organ = month["organ"].pk
    url = f"/backoffice/thong-ke/ho-so/?indicator=resolved_late&group=organ:{organ}&{NOV}"
    page = client.get(url).content.decode()
    codes = set(re.findall(r">([A-R]-[a-z0-9-]+)</a>", page))
    assert codes == {"C-late-1-minute", "G-carried-late"}
    page = client.get(f"/backoffice/thong-ke/ho-so/?indicator=offered&{NOV}").content.decode()
    assert "2.000488.000.00.00.H33" in page and "2.000815.000.00.00.H33" in page
    assert "1.001193.000.00.00.H33" not in page  # offered by Sở Xây dựng only
    assert client.get(f"/backoffice/thong-ke/ho-so/?indicator=nope&{NOV}").status_code == 400
    assert client.get("/backoffice/thong-ke/ho-so/?indicator=received&from=x").status_code == 400


def test_excel_holds_the_same_numbers(client, month):
    client.force_login(month["leader"].user)
    response = client.get(f"/backoffice/thong-ke/excel/?{NOV}&group=organ")
    assert response.status_code == 200
    name = "thong-ke-20201101-20201130.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    book = load_workbook(BytesIO(response.content))
    classic, indicators = book.worksheets
    header = [c.value for c in classic[4]]
    assert header[:3] == ["Cơ quan", "Kỳ trước chuyển qua", "Tiếp nhận trong kỳ"]
    doj = dict(zip(header, [c.value for c in classic[5]], strict=True))
    assert doj["Cơ quan"] == "Sở Tư pháp"
    assert (doj["Kỳ trước chuyển qua"], doj["Tiếp nhận trong kỳ"]) == (2, 11)
    assert (doj["Đã giải quyết"], doj["Tiếp nhận trực tuyến"]) == (8, 5)
    assert (doj["Giải quyết trước hạn"], doj["Giải quyết quá hạn"], doj["Rút hồ sơ"]) == (3, 2, 1)
    assert doj["Tỷ lệ giải quyết đúng hạn"] == pytest.approx(0.75)
    assert classic.cell(5, len(header)).number_format == "0.0%"
    assert [c.value for c in classic[6]][:3] == ["Tổng cộng", 2, 11]
    header = [c.value for c in indicators[4]]
    doj = dict(zip(header, [c.value for c in indicators[5]], strict=True))
    assert (doj["2.1 Hồ sơ được tính"], doj["2.1 Đúng hạn"]) == (9, 5)
    assert doj["2.1 Tỷ lệ hồ sơ xử lý đúng hạn"] == pytest.approx(5 / 9)
    assert doj["3.1 Tỷ lệ thủ tục cung cấp trực tuyến"] == pytest.approx(0.5)
    assert doj["3.3 Tỷ lệ hồ sơ trực tuyến"] == pytest.approx(1 / 11)
    assert (doj["Tiếp nhận trực tuyến"], doj["3.3 Hồ sơ trực tuyến được tính"]) == (5, 1)
    assert doj["1.4 Tỷ lệ hồ sơ đồng bộ lên Cổng DVC quốc gia"] == 0
    assert doj["3.5 Thủ tục có nghĩa vụ tài chính"] == 2
    assert (doj["3.6 Hồ sơ có nghĩa vụ tài chính"], doj["3.6 Hồ sơ đã thanh toán trực tuyến"]) == (
        11,
        0,
    )


def test_api_one_stop_and_indicators(client, month):
    client.force_login(month["leader"].user)
    body = client.get(f"/api/v1/statistics/one-stop?{NOV}&group=field").json()
    assert body["period"] == {"first": "2020-11-01", "last": "2020-11-30"}
    assert body["group"] == "field"
    rows = {r["label"]: r for r in body["rows"]}
    assert sorted(rows) == ["Chứng thực", "Lý lịch tư pháp"]
    assert body["total"]["received"] == 11 and body["total"]["carried_over"] == 2
    assert body["total"]["on_time_rate"] == {
        "numerator": 6,
        "denominator": 8,
        "value": 0.75,
        "text": "75,0%",
    }
    body = client.get(f"/api/v1/statistics/indicators?{NOV}&group=organ").json()
    total = body["total"]
    assert (total["i21"]["numerator"], total["i21"]["denominator"]) == (5, 9)
    assert (total["i31"]["text"], total["i32"]["text"], total["i33"]["text"]) == (
        "50,0%",
        "100,0%",
        "9,1%",
    )
    assert total["received_online"] == 5 and total["i33_online"] == 1
    assert total["i14"] == {"numerator": 0, "denominator": 11, "value": 0.0, "text": "0,0%"}
    assert (total["i35_fee_procedures"], total["i36_fee_dossiers"]) == (2, 11)
    assert total["i36"]["denominator"] == 11 and "resolved" not in total


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2020-11-31&to=2020-12-01", "from"),
        ("from=2020-11-01&to=hôm-nay", "to"),
        ("from=2020-11-30&to=2020-11-01", "to"),
        ("from=2020-11-01&to=2020-11-30&group=district", "group"),
    ],
)
def test_api_refuses_bad_periods_and_groups(client, month, query, field):
    client.force_login(month["leader"].user)
    for endpoint in ("one-stop", "indicators"):
        response = client.get(f"/api/v1/statistics/{endpoint}?{query}")
        assert response.status_code == 422
        assert response["Content-Type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == [field]


def test_api_refuses_officials_without_reports(client, month):
    client.force_login(month["one_stop_officer"].user)
    response = client.get(f"/api/v1/statistics/one-stop?{NOV}")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
