from datetime import date

import pytest

from tinhso.workcalendar.models import CalendarDay, WorkingHours
from tinhso.workcalendar.selectors import calendar_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/calendar/due-date"


@pytest.mark.parametrize(
    ("query", "due"),
    [
        ("start=2020-01-20T08:00:00%2B07:00&working_days=5", "2020-02-03T08:00:00+07:00"),
        ("start=2020-01-20T08:00&working_days=5", "2020-02-03T08:00:00+07:00"),
        ("start=2020-01-20T01:00:00Z&working_days=5", "2020-02-03T08:00:00+07:00"),
        ("start=2021-02-09T09:00&working_days=1", "2021-02-17T09:00:00+07:00"),  # Tết 2021
        ("start=2025-04-25T09:00&working_days=1", "2025-04-26T09:00:00+07:00"),  # make-up Sat.
        ("start=2021-09-01T09:00&working_days=1", "2021-09-06T09:00:00+07:00"),  # 2/9 and 3/9
        ("start=2020-11-03T16:30&working_hours=4", "2020-11-04T11:00:00+07:00"),
        ("start=2020-11-03T16:30&working_hours=4&cutoff=15:00", "2020-11-04T11:30:00+07:00"),
    ],
)
def test_due_date_contract(client, query, due):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.content
    assert response.json()["due"] == due


def test_admin_days_override_the_defaults(client):
    CalendarDay.objects.create(day=date(2020, 11, 4), kind="off", name="Nghỉ bù")
    CalendarDay.objects.create(day=date(2020, 11, 7), kind="work", name="Làm bù")
    assert client.get(f"{URL}?start=2020-11-03T08:00&working_days=1").json()["due"] == (
        "2020-11-05T08:00:00+07:00"
    )
    assert client.get(f"{URL}?start=2020-11-06T08:00&working_days=1").json()["due"] == (
        "2020-11-07T08:00:00+07:00"
    )


def test_organ_working_hours(client, organ_tree):
    organ = organ_tree["department"]
    WorkingHours.objects.create(
        organ=organ, blocks=[["07:00", "11:00"], ["13:30", "17:30"]], weekdays=[0, 1, 2, 3, 4, 5]
    )
    code = organ.identifier()
    body = client.get(f"{URL}?start=2020-11-06T16:00&working_hours=3&organ={code}").json()
    assert body["due"] == "2020-11-07T08:30:00+07:00"  # Saturday is a working day there
    default = client.get(f"{URL}?start=2020-11-06T16:00&working_hours=3").json()
    assert default["due"] == "2020-11-09T09:30:00+07:00"


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("start=2020-11-03T08:00", 422, "working_days"),
        ("start=2020-11-03T08:00&working_days=1&working_hours=1", 422, "working_days"),
        ("start=2020-11-03T08:00&working_days=-1", 422, "working_days"),
        ("start=2020-11-03T08:00&working_days=9999", 422, "working_days"),
        ("start=03/11/2020&working_days=1", 422, "start"),
        ("working_days=1", 422, "start"),
        ("start=2020-11-03T08:00&working_days=1&cutoff=25:00", 422, "cutoff"),
        ("start=2020-11-03T08:00&working_days=1&organ=000.00.99.H99", 404, None),
    ],
)
def test_bad_requests(client, query, status, field):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    if field:
        assert [e["field"] for e in response.json()["errors"]] == [field]


def test_calendar_is_recomputed_after_an_admin_change():
    before = calendar_for(year=2020)
    assert before.is_working_day(date(2020, 11, 4))
    CalendarDay.objects.create(day=date(2020, 11, 4), kind="off", name="Nghỉ")
    assert not calendar_for(year=2020).is_working_day(date(2020, 11, 4))
