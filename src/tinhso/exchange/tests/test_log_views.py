"""The back office's message log: who may see it (and which entries), filters, pages, the CSV
export, and the read-only Django admin."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.utils import timezone

from tinhso.directory.tests.factories import OfficialFactory, UserFactory
from tinhso.exchange import messagelog
from tinhso.exchange.models import MessageLog

pytestmark = pytest.mark.django_db
PAGE = "/backoffice/lien-thong/nhat-ky/"
MESSAGE = uuid.UUID("6f1d3c2e-5b0a-4c8e-9d2f-1a7b3e5c9d41")


def ident(organ) -> str:
    return organ.identifier()


@pytest.fixture
def log(organ_tree):
    """Entries about the district (in scope of its administrator), the department (outside
    it) and one with no organ (a package that could not be read)."""
    district, department = ident(organ_tree["district"]), ident(organ_tree["department"])
    messagelog.append(
        direction="sent",
        message_id=MESSAGE,
        kind="document",
        sender_id=district,
        recipient_id="000.00.00.G10",
        peer="bo-noi-vu",
        document_id="000.00.00.H33,2020/11/03,12/UBND-VP",
        package_sha256="ab" * 32,
        size=1234,
        package_in="outbox",
    )
    messagelog.append(
        direction="received",
        kind="status",
        sender_id="000.00.00.G10",
        recipient_id=f"{department},{district}",
        document_id="000.00.00.H33,2020/11/03,12/UBND-VP",
        data=b"<status/>",
        detail='{"code": 0}',
        package_in="log",
    )
    messagelog.append(
        direction="refused",
        sender_id="000.00.00.G10",
        recipient_id=department,
        code=18,
        detail="no receiving organ",
        data=b"<x/>",
        package_in="log",
    )
    messagelog.append(direction="refused", code=10, detail="package too large", size=99)
    return organ_tree


def login(client, organ_tree, role: str | None, organ: str = "district"):
    if role == "operator":
        user = UserFactory(is_superuser=True, is_staff=True)
    elif role == "citizen":
        user = UserFactory()
    else:
        o = organ_tree[organ]
        user = OfficialFactory(organ=o, roles=[(role, o, True)] if role else []).user
    client.force_login(user)
    return user


def seqs(response) -> list[int]:
    return [e.seq for e in response.context["page"]]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("citizen", 403),
        (None, 403),
        ("clerk", 403),
        ("leader", 403),
        ("specialist", 403),
        ("one_stop_officer", 403),
        ("administrator", 200),
        ("operator", 200),
    ],
)
def test_only_administrators_see_the_log(client, log, role, status):
    login(client, log, role)
    assert client.get(PAGE).status_code == status
    assert client.get(PAGE + "?format=csv").status_code == status
    nav = client.get("/backoffice/")
    if nav.status_code == 200:
        assert (f'href="{PAGE}"' in nav.content.decode()) is (status == 200)


def test_anonymous_is_sent_to_the_login(client, log):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_administrator_sees_the_entries_of_the_organs_in_scope(client, log):
    login(client, log, "administrator")
    response = client.get(PAGE)
    # The sent entry names the district; the received one names two recipients (matched by
    # sender only), the refusals name the department or nobody.
    assert seqs(response) == [1]
    login(client, log, "operator")
    assert seqs(client.get(PAGE)) == [4, 3, 2, 1]
    login(client, log, "administrator", organ="province")  # the whole province, but not the
    assert seqs(client.get(PAGE)) == [3, 1]  # entries naming no organ or several


def test_filters(client, log):
    login(client, log, "operator")
    district = ident(log["district"])
    assert seqs(client.get(PAGE, {"direction": "refused"})) == [4, 3]
    assert seqs(client.get(PAGE, {"organ_id": district})) == [2, 1]
    assert seqs(client.get(PAGE, {"message_id": str(MESSAGE)})) == [1]
    assert seqs(client.get(PAGE, {"document_id": "12/UBND-VP"})) == [2, 1]
    today = timezone.localdate().isoformat()
    assert seqs(client.get(PAGE, {"date_from": today, "date_to": today})) == [4, 3, 2, 1]
    assert seqs(client.get(PAGE, {"date_from": "2020-01-01", "date_to": "2020-12-31"})) == []
    page = client.get(PAGE, {"direction": "sent"}).content.decode()
    assert "bo-noi-vu" in page and "Đã gửi" in page


def test_bad_filters_are_named_in_vietnamese(client, log):
    login(client, log, "operator")
    response = client.get(PAGE, {"message_id": "not-a-uuid", "date_from": "31/13/2026"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mã gói tin: không đúng dạng UUID." in page
    assert "Từ ngày: không đúng dạng ngày." in page
    assert seqs(response) == []
    backwards = client.get(PAGE, {"date_from": "2026-11-27", "date_to": "2026-11-01"})
    assert backwards.status_code == 400
    assert "Đến ngày: phải từ ngày 2026-11-27 trở đi." in backwards.content.decode()
    assert client.get(PAGE, {"message_id": "x", "format": "csv"}).status_code == 400


def test_pages_of_fifty(client, log):
    for n in range(60):
        messagelog.append(direction="refused", code=20, detail=f"n{n}")
    login(client, log, "operator")
    first = client.get(PAGE, {"direction": "refused"})
    assert len(seqs(first)) == 50
    assert "direction=refused&amp;page=2" in first.content.decode()
    second = client.get(PAGE, {"direction": "refused", "page": 2})
    assert seqs(second) == [*range(14, 4, -1), 4, 3]
    assert second.context["page"].paginator.count == 62


def test_the_csv_export_has_every_filtered_entry(client, log):
    login(client, log, "operator")
    response = client.get(PAGE, {"direction": "refused", "format": "csv", "page": "9"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="nhat-ky-goi-tin.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:])))
    assert table[0][:3] == ["Số thứ tự", "Thời điểm", "Chiều"]
    assert [row[0] for row in table[1:]] == ["4", "3"]
    assert table[2][2] == "Từ chối" and table[2][9] == "18"
    assert table[2][13] == MessageLog.objects.get(seq=3).chain_hash
    messagelog.append(direction="refused", code=22, detail='=HYPERLINK("http://x")')
    text = b"".join(client.get(PAGE, {"format": "csv"}).streaming_content).decode("utf-8")
    assert list(csv.reader(io.StringIO(text[1:])))[1][10] == '\'=HYPERLINK("http://x")'


def test_the_admin_shows_the_log_read_only(client, log):
    login(client, log, "operator")
    assert client.get("/admin/exchange/messagelog/").status_code == 200
    pk = MessageLog.objects.get(seq=1).pk
    detail = client.get(f"/admin/exchange/messagelog/{pk}/change/")
    assert detail.status_code == 200
    assert "ab" * 32 in detail.content.decode()
    assert client.get("/admin/exchange/messagelog/add/").status_code == 403
    assert client.post(f"/admin/exchange/messagelog/{pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/exchange/messagelog/{pk}/change/", {"detail": "x"}).status_code == 403
    )
    assert MessageLog.objects.get(pk=pk).detail == ""
    assert messagelog.verify(packages=False).ok
