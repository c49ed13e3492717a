"""Saved approval chains: the services (checks by field, who may keep them), sending a draft
along one (its steps copied at submission) and the back-office pages (API: test_chains_api.py)."""

import pytest

from tinhso.core.models import AuditEntry
from tinhso.directory.tests.factories import OfficialFactory
from tinhso.documents import services
from tinhso.documents.models import ApprovalChain, ApprovalChainStep, ApprovalStep
from tinhso.documents.tests.conftest import draft

pytestmark = pytest.mark.django_db


def chain(org, **changes):
    fields = {
        "organ": org["province"],
        "actor": org["chairman"].user,
        "name": "Công văn qua Văn phòng",
        "reviewers": [org["office_head"]],
        "approver": org["chairman"],
    }
    fields.update(changes)
    return services.chain_create(**fields)


def steps(saved):
    return list(saved.steps.values_list("order", "official"))


# --- services -------------------------------------------------------------------------------


def test_create_update_deactivate(org):
    saved = chain(org, name="  Công văn qua Văn phòng  ")
    assert (saved.organ, saved.name, saved.active, saved.version) == (
        org["province"],
        "Công văn qua Văn phòng",
        True,
        1,
    )
    assert steps(saved) == [(1, org["office_head"].pk), (2, org["chairman"].pk)]
    assert saved.members() == [org["office_head"], org["chairman"]]
    updated = services.chain_update(
        chain=saved,
        actor=org["deputy"].user,
        name="Qua Văn phòng, Phó Chủ tịch",
        approver=org["deputy"],
        version=1,
    )
    assert (updated.name, updated.version) == ("Qua Văn phòng, Phó Chủ tịch", 2)
    assert steps(updated) == [(1, org["office_head"].pk), (2, org["deputy"].pk)]
    services.chain_update(chain=saved, actor=org["chairman"].user, reviewers=[])
    assert steps(saved) == [(1, org["deputy"].pk)]
    stopped = services.chain_deactivate(chain=saved, actor=org["chairman"].user, version=3)
    assert (stopped.active, stopped.version) == (False, 4)
    again = services.chain_update(chain=saved, actor=org["chairman"].user, active=True)
    assert (again.active, again.version) == (True, 5)
    assert list(
        AuditEntry.objects.filter(object_type="documents.approvalchain")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "approval_chain.create",
        "approval_chain.update",
        "approval_chain.update",
        "approval_chain.deactivate",
        "approval_chain.update",
    ]


def test_each_bad_input_names_its_field_and_nothing_is_written(org):
    chain(org)
    retired = OfficialFactory(organ=org["province"], roles=[("leader", org["province"], False)])
    retired.is_active = False
    retired.save()
    with pytest.raises(services.DocumentError) as error:
        chain(
            org,
            name="công văn qua văn phòng",
            reviewers=[org["office_head"], org["handler"], retired, org["office_head"]],
            approver=org["clerk"],
        )
    province = org["province"].name
    assert error.value.message_dict == {
        "name": ["Cơ quan đã có quy trình duyệt mang tên này."],
        "reviewers.1": [f"«{org['handler']}» không có quyền cho ý kiến, phê duyệt văn bản."],
        "reviewers.2": [f"«{retired}» không còn công tác."],
        "reviewers.3": [f"«{org['office_head']}» đã có ở một bước trước trong quy trình."],
        "approver": [f"«{org['clerk']}» không có thẩm quyền phê duyệt văn bản của {province}."],
    }
    with pytest.raises(services.DocumentError) as error:
        chain(
            org,
            organ=org["office"],
            actor=org["office_head"].user,
            reviewers=[org["justice_leader"]],
            approver=org["chairman"],
        )
    assert error.value.message_dict == {
        "reviewers.0": [
            f"«{org['justice_leader']}» không thuộc Văn phòng UBND tỉnh hoặc đơn vị trực thuộc."
        ],
        "approver": [
            f"«{org['chairman']}» không thuộc Văn phòng UBND tỉnh hoặc đơn vị trực thuộc."
        ],
    }
    with pytest.raises(services.DocumentError) as error:
        chain(org, name=" ", reviewers=[], approver=None)
    assert error.value.message_dict == {
        "name": ["Tên quy trình không được để trống."],
        "approver": ["Chọn người phê duyệt."],
    }
    with pytest.raises(services.DocumentError) as error:
        chain(org, name="x" * 201, approver=org["office_head"])
    assert error.value.message_dict == {
        "name": ["Tên quy trình dài quá 200 ký tự."],
        "approver": [f"«{org['office_head']}» đã có ở một bước trước trong quy trình."],
    }
    assert ApprovalChain.objects.count() == 1
    assert ApprovalChainStep.objects.count() == 2


def test_a_unit_leader_reviews_but_only_the_organs_approver_approves(org):
    with pytest.raises(services.DocumentError) as error:
        chain(org, reviewers=[], approver=org["office_head"])
    assert list(error.value.message_dict) == ["approver"]
    # the office's own chain: its head approves for the office
    office = chain(
        org,
        organ=org["office"],
        actor=org["office_head"].user,
        name="Văn phòng",
        reviewers=[],
        approver=org["office_head"],
    )
    assert office.members() == [org["office_head"]]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("chairman", True),
        ("deputy", True),
        ("office_head", False),  # leads the office, not the province
        ("drafter", False),
        ("clerk", False),
        ("admin", False),
        ("justice_leader", False),
    ],
)
def test_who_keeps_the_provinces_chains(org, who, allowed):
    if allowed:
        saved = chain(org, actor=org[who].user)
        services.chain_update(chain=saved, actor=org[who].user, name="Khác")
        services.chain_deactivate(chain=saved, actor=org[who].user)
        return
    with pytest.raises(PermissionError):
        chain(org, actor=org[who].user)
    saved = chain(org)
    with pytest.raises(PermissionError):
        services.chain_update(chain=saved, actor=org[who].user, name="Khác")
    with pytest.raises(PermissionError):
        services.chain_deactivate(chain=saved, actor=org[who].user)
    saved.refresh_from_db()
    assert (saved.name, saved.active, saved.version) == ("Công văn qua Văn phòng", True, 1)


def test_an_update_that_changes_nothing_writes_nothing(org):
    saved = chain(org)
    services.chain_update(
        chain=saved,
        actor=org["chairman"].user,
        name="Công văn qua Văn phòng",
        reviewers=[org["office_head"]],
        approver=org["chairman"],
        active=True,
        version=1,
    )
    saved.refresh_from_db()
    assert saved.version == 1
    assert AuditEntry.objects.filter(object_type="documents.approvalchain").count() == 1


def test_a_stale_version_is_refused(org):
    saved = chain(org)
    services.chain_update(chain=saved, actor=org["chairman"].user, name="Mới", version=1)
    with pytest.raises(services.ChainConflict, match="phiên bản 2, bạn đang xem 1"):
        services.chain_update(chain=saved, actor=org["deputy"].user, name="Cũ", version=1)
    with pytest.raises(services.ChainConflict):
        services.chain_deactivate(chain=saved, actor=org["deputy"].user, version=1)
    saved.refresh_from_db()
    assert (saved.name, saved.active) == ("Mới", True)


# --- sending a draft along a saved chain ----------------------------------------------------


def test_submission_copies_the_steps_and_a_later_edit_leaves_them(org):
    saved = chain(org)
    document = draft(org)
    services.submit_for_review(document=document, actor=org["drafter"].user, chain=saved)
    document.refresh_from_db()
    assert document.state == "in_review"
    assert list(document.approval_steps.values_list("round", "order", "official", "kind")) == [
        (1, 1, org["office_head"].pk, "review"),
        (1, 2, org["chairman"].pk, "approve"),
    ]
    event = document.events.get(action="submit")
    assert event.data == {
        "round": 1,
        "chain": [org["office_head"].pk, org["chairman"].pk],
        "approval_chain": saved.pk,
        "approval_chain_name": "Công văn qua Văn phòng",
    }
    services.chain_update(
        chain=saved, actor=org["chairman"].user, reviewers=[], approver=org["deputy"]
    )
    services.chain_deactivate(chain=saved, actor=org["chairman"].user)
    assert list(document.approval_steps.values_list("official", flat=True)) == [
        org["office_head"].pk,
        org["chairman"].pk,
    ]
    services.review(document=document, actor=org["office_head"].user, agree=True)
    services.review(document=document, actor=org["chairman"].user, agree=True)
    document.refresh_from_db()
    assert (document.state, document.signer) == ("approved", org["chairman"])


def test_a_unit_chain_serves_the_units_drafts(org):
    office = chain(
        org,
        organ=org["office"],
        actor=org["office_head"].user,
        name="Văn phòng",
        reviewers=[],
        approver=org["office_head"],
    )
    document = draft(org)
    services.submit_for_review(document=document, actor=org["drafter"].user, chain=office)
    assert services.current_step(document).official == org["office_head"]


def test_chain_refusals_name_the_chain_field(org):
    saved = chain(org)
    document = draft(org)
    with pytest.raises(services.DocumentError) as error:
        services.submit_for_review(
            document=document, actor=org["drafter"].user, chain=saved, approver=org["chairman"]
        )
    assert error.value.message_dict == {
        "chain": ["Chọn quy trình duyệt đã lưu hoặc tự chọn người duyệt, không chọn cả hai."]
    }
    justice = services.chain_create(
        organ=org["justice"],
        actor=org["justice_leader"].user,
        name="Sở Tư pháp",
        approver=org["justice_leader"],
    )
    with pytest.raises(services.DocumentError) as error:
        services.submit_for_review(document=document, actor=org["drafter"].user, chain=justice)
    assert error.value.message_dict == {
        "chain": ["Quy trình duyệt «Sở Tư pháp» không thuộc cơ quan ban hành."]
    }
    services.chain_deactivate(chain=saved, actor=org["chairman"].user)
    saved.refresh_from_db()
    with pytest.raises(services.DocumentError) as error:
        services.submit_for_review(document=document, actor=org["drafter"].user, chain=saved)
    assert error.value.message_dict == {
        "chain": ["Quy trình duyệt «Công văn qua Văn phòng» đã ngừng sử dụng."]
    }
    # a member who lost the right since the chain was saved is caught at submission
    services.chain_update(chain=saved, actor=org["chairman"].user, active=True)
    saved.refresh_from_db()
    org["office_head"].roles.all().delete()
    with pytest.raises(services.DocumentError) as error:
        services.submit_for_review(document=document, actor=org["drafter"].user, chain=saved)
    assert error.value.message_dict == {
        "chain": [f"«{org['office_head']}» không có quyền duyệt văn bản của cơ quan này."]
    }
    document.refresh_from_db()
    assert (document.state, document.version) == ("draft", 1)
    assert not ApprovalStep.objects.exists()


# --- back-office pages ----------------------------------------------------------------------

URL = "/backoffice/van-ban/quy-trinh-duyet/"


def test_chain_pages_only_for_those_who_keep_chains(client, org):
    for who in ("drafter", "clerk", "admin"):
        client.force_login(org[who].user)
        assert client.get(URL).status_code == 403
        assert client.post(URL + "moi/", {"name": "x"}).status_code == 403
    client.force_login(org["drafter"].user)
    assert (
        'href="/backoffice/van-ban/quy-trinh-duyet/"'
        not in client.get("/backoffice/van-ban/").content.decode()
    )
    client.force_login(org["chairman"].user)
    assert (
        'href="/backoffice/van-ban/quy-trinh-duyet/"'
        in client.get("/backoffice/van-ban/").content.decode()
    )
    # the office's head keeps the office's chains, not the province's
    saved = chain(org)
    client.force_login(org["office_head"].user)
    assert "Công văn qua Văn phòng" not in client.get(URL).content.decode()
    assert client.get(f"{URL}{saved.pk}/").status_code == 404
    assert client.post(URL + "moi/", {"organ": org["province"].pk, "name": "x"}).status_code == 404
    assert ApprovalChain.objects.count() == 1


def test_create_form_renders_posts_and_shows_errors_beside_rows(client, org):
    client.force_login(org["chairman"].user)
    page = client.get(URL + "moi/").content.decode()
    assert "Tạo quy trình duyệt" in page and 'name="reviewers"' in page
    assert str(org["office_head"]) in page and str(org["handler"]) not in page
    bad = client.post(
        URL + "moi/",
        {
            "organ": org["province"].pk,
            "name": "",
            "reviewers": ["", str(org["office_head"].pk), str(org["office_head"].pk)],
            "approver": "",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 200
    for text in (
        "Tên quy trình không được để trống.",
        "Chọn người phê duyệt.",
        "đã có ở một bước trước trong quy trình.",
    ):
        assert text in html
    # the duplicate's error sits beside the third row (index 2), not the second
    third = html.index('id="reviewer-2"')
    assert html.index("đã có ở một bước trước") > third
    assert not ApprovalChain.objects.exists()
    response = client.post(
        URL + "moi/",
        {
            "organ": org["province"].pk,
            "name": "Qua Văn phòng",
            "reviewers": ["", str(org["office_head"].pk), ""],
            "approver": str(org["chairman"].pk),
        },
    )
    assert response.status_code == 302 and response["Location"] == URL
    saved = ApprovalChain.objects.get()
    assert steps(saved) == [(1, org["office_head"].pk), (2, org["chairman"].pk)]
    listing = client.get(URL).content.decode()
    assert "Qua Văn phòng" in listing and "Đang sử dụng" in listing


def test_edit_form_saves_deactivates_and_refuses_a_stale_form(client, org):
    saved = chain(org)
    client.force_login(org["chairman"].user)
    page = client.get(f"{URL}{saved.pk}/").content.decode()
    assert 'value="Công văn qua Văn phòng"' in page and 'value="deactivate"' in page
    response = client.post(
        f"{URL}{saved.pk}/",
        {"name": "Đổi tên", "reviewers": [""], "approver": str(org["deputy"].pk), "version": "1"},
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.version, steps(saved)) == ("Đổi tên", 2, [(1, org["deputy"].pk)])
    stale = client.post(
        f"{URL}{saved.pk}/",
        {"name": "Cũ", "approver": str(org["chairman"].pk), "version": "1"},
    )
    assert "Quy trình duyệt vừa được người khác sửa" in stale.content.decode()
    no_approver = client.post(f"{URL}{saved.pk}/", {"name": "Cũ", "version": "2"})
    assert "Chọn người phê duyệt." in no_approver.content.decode()
    client.post(f"{URL}{saved.pk}/", {"action": "deactivate", "version": "2"})
    saved.refresh_from_db()
    assert (saved.name, saved.active) == ("Đổi tên", False)
    assert 'value="activate"' in client.get(f"{URL}{saved.pk}/").content.decode()


def test_the_submit_form_offers_the_active_chains(client, org):
    saved = chain(org)
    stopped = chain(org, name="Cũ", reviewers=[])
    services.chain_deactivate(chain=stopped, actor=org["chairman"].user)
    document = draft(org)
    client.force_login(org["drafter"].user)
    page = client.get(f"/backoffice/van-ban/di/{document.pk}/").content.decode()
    assert f'<option value="{saved.pk}">Công văn qua Văn phòng' in page
    assert f'<option value="{stopped.pk}">' not in page
    client.post(
        f"/backoffice/van-ban/di/{document.pk}/thao-tac/", {"action": "submit", "chain": saved.pk}
    )
    document.refresh_from_db()
    assert document.state == "in_review"
    assert services.current_step(document).official == org["office_head"]
