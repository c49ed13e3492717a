"""File plans: create, headings and planned records, approval freezes, additions, versions,
copying last year's plan, permissions and bad input."""

import pytest

from tinhso.core.models import AuditEntry
from tinhso.directory.tests.factories import OrganFactory
from tinhso.records import services
from tinhso.records.models import FilePlan, PlanEntry, RecordEvent
from tinhso.records.retention import Retention
from tinhso.records.states import IllegalTransition

pytestmark = pytest.mark.django_db


def _draft(org, year=2020):
    clerk = org["clerk"].user
    plan = services.plan_create(organ=org["province"], year=year, actor=clerk)
    office = services.plan_add_heading(plan=plan, actor=clerk, title="Văn phòng", code="VP")
    general = services.plan_add_heading(plan=plan, actor=clerk, title="Tổng hợp", level=2)
    finance = services.plan_add_heading(plan=plan, actor=clerk, title="Tài chính", code="TC")
    return plan, office, general, finance


def test_headings_are_labelled_and_entries_numbered(org, clock):
    plan, office, general, finance = _draft(org)
    clerk = org["clerk"].user
    assert [(h.label, h.level, h.order) for h in (office, general, finance)] == [
        ("I", 1, 1),
        ("1", 2, 2),
        ("II", 1, 3),
    ]
    first = services.plan_add_entry(
        plan=plan, actor=clerk, heading=office, title="Chuyển đổi số", retention="10"
    )
    second = services.plan_add_entry(
        plan=plan, actor=clerk, heading=office, title="Quy chế", retention="Vĩnh viễn"
    )
    budget = services.plan_add_entry(
        plan=plan, actor=clerk, heading=finance, title="Dự toán", retention=Retention(20)
    )
    plain = services.plan_add_entry(
        plan=plan, actor=clerk, heading=general, title="Báo cáo", retention=5
    )
    assert [(e.notation, e.retention_label) for e in (first, second, budget, plain)] == [
        ("01.VP", "10 năm"),
        ("02.VP", "Vĩnh viễn"),
        ("01.TC", "20 năm"),
        ("04", "5 năm"),
    ]
    assert (second.retention_permanent, second.retention_years) == (True, None)
    assert not any(e.added_after_approval for e in (first, second, budget, plain))


def test_approval_freezes_the_plan_and_additions_are_recorded(org, clock):
    plan, office, _general, _finance = _draft(org)
    clerk, chairman = org["clerk"].user, org["chairman"].user
    entry = services.plan_add_entry(
        plan=plan, actor=clerk, heading=office, title="Chuyển đổi số", retention="10"
    )
    approved = services.plan_approve(plan=plan, actor=chairman)
    assert (approved.state, approved.approved_by) == ("approved", chairman)
    assert approved.approved_at == clock.moment
    with pytest.raises(IllegalTransition) as raised:
        services.plan_update_entry(entry=entry, actor=clerk, title="Sửa sau khi ban hành")
    assert raised.value.allowed == ["add", "open_record", "revise", "supersede"]
    with pytest.raises(IllegalTransition):
        services.plan_remove_entry(entry=entry, actor=clerk)
    assert PlanEntry.objects.get(pk=entry.pk).title == "Chuyển đổi số"
    addition = services.plan_add_entry(
        plan=approved, actor=clerk, heading=office, title="Hồ sơ bổ sung", retention="5"
    )
    assert (addition.notation, addition.added_after_approval) == ("02.VP", True)
    last = RecordEvent.objects.filter(plan=plan).last()
    assert (last.action, last.data["after_approval"], last.data["notation"]) == (
        "add_entry",
        True,
        "02.VP",
    )
    assert list(RecordEvent.objects.filter(plan=plan).values_list("action", flat=True)) == [
        "create",
        "add_heading",
        "add_heading",
        "add_heading",
        "add_entry",
        "approve",
        "add_entry",
    ]
    assert (
        AuditEntry.objects.filter(action="file_plan.approve", object_id=str(plan.pk)).count() == 1
    )


def test_a_revised_version_supersedes_the_approved_one_when_approved(org, clock):
    plan, office, _g, _f = _draft(org)
    clerk, chairman = org["clerk"].user, org["chairman"].user
    services.plan_add_entry(plan=plan, actor=clerk, heading=office, title="A", retention="10")
    services.plan_approve(plan=plan, actor=chairman)
    revised = services.plan_revise(plan=plan, actor=clerk, note="Sáp nhập phòng")
    assert (revised.version, revised.state, revised.based_on) == (2, "draft", plan)
    assert revised.entries.get().notation == "01.VP" and revised.headings.count() == 3
    with pytest.raises(services.RecordError) as raised:
        services.plan_revise(plan=plan, actor=clerk)
    assert "version" in raised.value.message_dict
    entry = revised.entries.get()
    services.plan_update_entry(entry=entry, actor=clerk, title="A (sửa)", retention="20")
    services.plan_approve(plan=revised, actor=chairman)
    plan.refresh_from_db()
    assert plan.state == "superseded"
    assert FilePlan.objects.get(pk=revised.pk).state == "approved"
    assert plan.entries.get().title == "A"  # the old version is kept as it was
    assert RecordEvent.objects.filter(plan=plan, action="supersede").get().data == {
        "by": revised.pk,
        "version": 2,
    }
    with pytest.raises(IllegalTransition) as raised:
        services.plan_add_entry(plan=plan, actor=clerk, heading=office, title="B", retention=5)
    assert raised.value.allowed == []


def test_copy_last_years_plan(org, clock):
    plan, office, _g, _f = _draft(org, year=2020)
    clerk = org["clerk"].user
    services.plan_add_entry(
        plan=plan, actor=clerk, heading=office, title="A", retention="10", keeper=org["handler"]
    )
    services.plan_approve(plan=plan, actor=org["chairman"].user)
    copied = services.plan_copy_previous(organ=org["province"], year=2021, actor=clerk)
    assert (copied.year, copied.version, copied.state, copied.based_on) == (2021, 1, "draft", plan)
    assert [(h.label, h.title, h.code) for h in copied.headings.all()] == [
        ("I", "Văn phòng", "VP"),
        ("1", "Tổng hợp", ""),
        ("II", "Tài chính", "TC"),
    ]
    entry = copied.entries.get()
    assert (entry.notation, entry.title, entry.retention_years, entry.keeper) == (
        "01.VP",
        "A",
        10,
        org["handler"],
    )
    assert entry.heading.plan == copied
    with pytest.raises(services.RecordError, match="2021"):
        services.plan_copy_previous(organ=org["province"], year=2021, actor=clerk)
    with pytest.raises(services.RecordError, match="2018"):
        services.plan_copy_previous(organ=org["province"], year=2019, actor=clerk)


def test_permissions(org, clock):
    province = org["province"]
    for who in ("handler", "one_stop", "admin", "outsider", "justice_clerk"):
        with pytest.raises(PermissionError):
            services.plan_create(organ=province, year=2020, actor=org[who].user)
    assert not FilePlan.objects.exists()
    plan, office, _g, _f = _draft(org)
    services.plan_add_entry(
        plan=plan, actor=org["chairman"].user, heading=office, title="A", retention=10
    )
    for who in ("clerk", "handler", "outsider"):
        with pytest.raises(PermissionError):
            services.plan_approve(plan=plan, actor=org[who].user)
    assert FilePlan.objects.get().state == "draft"


def test_bad_input_names_the_field(org, clock):
    clerk = org["clerk"].user
    with pytest.raises(services.RecordError) as raised:
        services.plan_create(organ=org["province"], year=1999, actor=clerk)
    assert list(raised.value.message_dict) == ["year"]
    plan, office, _g, _f = _draft(org)
    with pytest.raises(services.RecordError, match="2020"):
        services.plan_create(organ=org["province"], year=2020, actor=clerk)
    cases = [
        ({"title": " ", "retention": "10"}, "title"),
        ({"title": "A", "retention": "mười"}, "retention"),
        ({"title": "A", "retention": "0"}, "retention"),
        ({"title": "A", "retention": "10", "notation": "01 VP"}, "notation"),
        ({"title": "A", "retention": "10", "keeper": org["one_stop"]}, "keeper"),
        ({"title": "A", "retention": "10", "unit": OrganFactory(parent=None)}, "unit"),
    ]
    for kwargs, field in cases:
        with pytest.raises(services.RecordError) as raised:
            services.plan_add_entry(plan=plan, actor=clerk, heading=office, **kwargs)
        assert list(raised.value.message_dict) == [field], kwargs
    services.plan_add_entry(plan=plan, actor=clerk, heading=office, title="A", retention=10)
    with pytest.raises(services.RecordError) as raised:
        services.plan_add_entry(
            plan=plan, actor=clerk, heading=office, title="B", retention=10, notation="01.VP"
        )
    assert "01.VP" in raised.value.message_dict["notation"][0]
    with pytest.raises(services.RecordError) as raised:
        services.plan_add_heading(plan=plan, actor=clerk, title="X", level=3)
    assert list(raised.value.message_dict) == ["level"]
    empty = services.plan_create(organ=org["province"], year=2021, actor=clerk)
    with pytest.raises(services.RecordError) as raised:
        services.plan_approve(plan=empty, actor=org["chairman"].user)
    assert list(raised.value.message_dict) == ["entries"]
    assert PlanEntry.objects.filter(plan=plan).count() == 1


def test_draft_entries_can_change_and_go(org, clock):
    plan, office, _g, _f = _draft(org)
    clerk = org["clerk"].user
    entry = services.plan_add_entry(plan=plan, actor=clerk, heading=office, title="A", retention=10)
    changed = services.plan_update_entry(
        entry=entry, actor=clerk, title="A mới", retention="Vĩnh viễn", notation="05.VP"
    )
    assert (changed.title, changed.retention.permanent, changed.notation) == (
        "A mới",
        True,
        "05.VP",
    )
    services.plan_remove_entry(entry=changed, actor=clerk)
    assert not PlanEntry.objects.exists()
    removed = RecordEvent.objects.filter(plan=plan, action="remove_entry").get()
    assert removed.data == {"entry": entry.pk, "notation": "05.VP", "title": "A mới"}
