"""Reads: records stay within their organ; the retention and archive lists; what may be
filed; the actions a page offers."""

from datetime import date

import pytest
from django.http import Http404

from tinhso.directory.tests.factories import UserFactory
from tinhso.records import selectors, services
from tinhso.records.tests.conftest import draft, issued_pdf, received

pytestmark = pytest.mark.django_db


def _closed(org, clock, *, title, retention, on):
    handler = org["handler"].user
    clock.at(on.year, on.month, on.day, 9, 0)
    record = services.record_open_outside_plan(
        organ=org["province"],
        year=on.year,
        actor=handler,
        title=title,
        retention=retention,
        reason="Phát sinh",
    )
    services.record_add_note(record=record, actor=handler, title="Ghi chú", item_date=on)
    return services.record_close(record=record, actor=handler)


def test_records_are_seen_only_within_their_organ(org, record, plan):
    inside = ("handler", "clerk", "chairman", "deputy", "handler2")
    outside = ("justice_clerk", "justice_leader", "justice_specialist", "outsider", "one_stop")
    for who in inside:
        assert list(selectors.records_for(user=org[who].user)) == [record], who
        assert selectors.record_for(user=org[who].user, pk=record.pk) == record
        assert list(selectors.plans_for(user=org[who].user)) == [plan]
    for who in (*outside, "admin"):
        assert not selectors.records_for(user=org[who].user).exists(), who
        assert not selectors.plans_for(user=org[who].user).exists()
        with pytest.raises(Http404):
            selectors.record_for(user=org[who].user, pk=record.pk)
        with pytest.raises(Http404):
            selectors.plan_for(user=org[who].user, pk=plan.pk)
    operator = UserFactory(is_superuser=True)
    assert selectors.record_for(user=operator, pk=record.pk) == record


def test_retention_expired_for_the_appraisal_board(org, clock):
    old = _closed(org, clock, title="Cũ", retention=5, on=date(2010, 6, 1))  # ends 31/12/2015
    young = _closed(org, clock, title="Mới", retention=10, on=date(2015, 6, 1))  # ends 2025
    _closed(org, clock, title="Vĩnh viễn", retention="Vĩnh viễn", on=date(2005, 1, 1))
    still_open = services.record_open_outside_plan(
        organ=org["province"],
        year=2005,
        actor=org["handler"].user,
        title="Mở",
        retention=1,
        reason="x",
    )
    chairman = org["chairman"].user
    assert old.retention_ends_on == date(2015, 12, 31)
    assert list(selectors.retention_expired(user=chairman, on=date(2015, 12, 31))) == []
    assert list(selectors.retention_expired(user=chairman, on=date(2016, 1, 1))) == [old]
    assert list(selectors.retention_expired(user=chairman, on=date(2026, 1, 1))) == [old, young]
    assert still_open not in selectors.retention_expired(user=chairman, on=date(2099, 1, 1))
    assert not selectors.retention_expired(user=org["justice_leader"].user, on=date(2099, 1, 1))


def test_records_not_handed_to_the_archive_within_a_year(org, clock):
    late = _closed(org, clock, title="Trễ", retention=5, on=date(2020, 3, 2))
    on_time = _closed(org, clock, title="Kịp", retention=5, on=date(2020, 9, 1))
    chairman = org["chairman"].user
    assert late.archive_due_on == date(2021, 3, 2)
    assert list(selectors.archive_overdue(user=chairman, on=date(2021, 3, 2))) == []
    assert list(selectors.archive_overdue(user=chairman, on=date(2021, 3, 3))) == [late]
    assert selectors.is_overdue_for_archive(late, date(2021, 3, 3))
    assert not selectors.is_overdue_for_archive(on_time, date(2021, 3, 3))
    services.record_archive(record=late, actor=org["clerk"].user)
    assert list(selectors.archive_overdue(user=chairman, on=date(2021, 3, 3))) == []


def test_fileable_documents(org, record, clock):
    handler = org["handler"].user
    issued = issued_pdf(org)
    draft(org)  # not issued: never offered
    registered = received(org)
    received(org, register=False)  # not registered: never offered
    outgoing, incoming = selectors.fileable(user=handler, record=record)
    assert (outgoing, incoming) == ([issued], [registered])
    services.record_file_document(record=record, actor=handler, document=issued)
    assert selectors.fileable(user=handler, record=record) == ([], [registered])
    assert selectors.fileable(user=org["justice_clerk"].user, record=record) == ([], [])


def test_actions_offered(org, plan, record, clock):
    assert selectors.record_actions(user=org["handler"].user, record=record) == [
        "update",
        "file",
        "note",
        "attach",
        "reorder",
        "remove",
        "close",
    ]
    assert selectors.record_actions(user=org["chairman"].user, record=record) == []
    services.record_add_note(record=record, actor=org["handler"].user, title="A")
    record = services.record_close(record=record, actor=org["handler"].user)
    assert selectors.record_actions(user=org["chairman"].user, record=record) == [
        "reopen",
        "export",
    ]
    assert selectors.record_actions(user=org["clerk"].user, record=record) == [
        "archive",
        "export",
    ]
    assert selectors.plan_actions(user=org["clerk"].user, plan=plan) == [
        "add",
        "revise",
        "open_record",
    ]
    assert selectors.plan_actions(user=org["chairman"].user, plan=plan) == ["add", "revise"]
    assert selectors.plan_actions(user=org["handler"].user, plan=plan) == ["open_record"]
    assert [k.user.full_name for k in selectors.keepers_of(org["province"])] == [
        "Huỳnh Chuyên Viên",
        "Trần Thị Văn Thư",
        "Đặng Chuyên Viên",
    ]
