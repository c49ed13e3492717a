"""Full-text search of documents (`search.query.search_documents`) and the index kept by the
services: Vietnamese with and without diacritics, the text of PDF and DOCX files, filters,
visibility, bad files, classified entries. Runs on SQLite (FTS5) and PostgreSQL (tsvector)."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tinhso.directory.models import Official
from tinhso.directory.tests.factories import OfficialFactory, OrganFactory
from tinhso.documents import services, textextract
from tinhso.documents.models import ExtractedText, SearchEntry
from tinhso.documents.search import indexing, postgres, text
from tinhso.documents.search import query as query_module
from tinhso.documents.search.query import search_documents
from tinhso.documents.tests.conftest import PDF, draft, issued
from tinhso.documents.tests.samples import docx_with, pdf_scan, pdf_with

pytestmark = pytest.mark.django_db


def found(user, query="", **filters):
    """The summaries found, best first."""
    return [h.entry.summary for h in search_documents(user=user, query=query, **filters).hits]


def receive(org, summary, *, files=(), **fields):
    """A paper document received and registered by the committee's clerk."""
    return services.receive_paper(
        organ=org["province"],
        actor=org["clerk"].user,
        sender_name=fields.pop("sender_name", "Bộ Nội vụ"),
        summary=summary,
        files=list(files),
        **fields,
    )


def test_with_and_without_diacritics(org, clock):
    draft(org, summary="Đăng ký nghị định về tổ chức chính quyền đô thị")
    receive(org, "Kế hoạch chuyển đổi số năm 2021")
    chairman = org["chairman"].user
    wanted = ["Đăng ký nghị định về tổ chức chính quyền đô thị"]
    assert found(chairman, "nghi dinh") == wanted
    assert found(chairman, "Nghị định") == wanted
    assert found(chairman, "NGHỊ ĐỊNH") == wanted
    assert found(chairman, "dang") == wanted  # "Đăng" by "dang": đ is d
    assert found(chairman, "ĐĂNG KÝ") == wanted
    assert found(chairman, "ke hoach chuyen doi so") == ["Kế hoạch chuyển đổi số năm 2021"]
    assert found(chairman, "chuyển đổi") == ["Kế hoạch chuyển đổi số năm 2021"]
    assert found(chairman, "nghi dinh chuyen doi") == []  # every word must occur


def test_phrases_alternatives_and_exclusions(org, clock):
    receive(org, "Kế hoạch phòng chống thiên tai")
    receive(org, "Báo cáo thiên tai và phòng chống dịch")
    user = org["chairman"].user
    assert found(user, '"phong chong thien tai"') == ["Kế hoạch phòng chống thiên tai"]
    assert found(user, "thien tai -ke") == ["Báo cáo thiên tai và phòng chống dịch"]
    assert sorted(found(user, "ke hoach or bao cao")) == [
        "Báo cáo thiên tai và phòng chống dịch",
        "Kế hoạch phòng chống thiên tai",
    ]


def test_the_text_of_a_pdf_and_of_a_docx_is_found(org, clock):
    receive(
        org,
        "Công văn của Bộ Nội vụ",
        files=[("cv.pdf", pdf_with("Đề nghị rà soát biên chế công chức cấp xã năm 2021."))],
    )
    receive(
        org,
        "Tờ trình của Sở Tư pháp",
        files=[("tt.docx", docx_with("Phổ biến giáo dục pháp luật", table="Hòa giải ở cơ sở"))],
    )
    user = org["clerk"].user
    assert found(user, "bien che cong chuc cap xa") == ["Công văn của Bộ Nội vụ"]
    assert found(user, "giáo dục pháp luật") == ["Tờ trình của Sở Tư pháp"]
    assert found(user, "hoa giai o co so") == ["Tờ trình của Sở Tư pháp"]  # a table cell
    texts = {e.text for e in ExtractedText.objects.all()}
    assert any("biên chế công chức" in t for t in texts)  # kept as written, folded at index


def test_a_drafts_file_and_body_then_the_issued_notation(org, clock):
    document = draft(
        org,
        summary="V/v tổ chức hội nghị",
        upload=("du-thao.docx", docx_with("Hội nghị trực tuyến về an toàn giao thông")),
    )
    drafter = org["drafter"].user
    assert found(drafter, "an toan giao thong") == ["V/v tổ chức hội nghị"]
    services.draft_update(document=document, actor=drafter, changes={"summary": "V/v họp báo"})
    assert found(drafter, "hop bao") == ["V/v họp báo"]
    assert found(drafter, "hoi nghi to chuc") == []  # the old summary is gone from the index
    issued_doc = issued(org, summary="V/v phòng chống bão")
    clerk = org["clerk"].user
    assert issued_doc.notation == "01/UBND-VP"
    for query in ("01/UBND-VP", "01/ubnd-vp", "UBND-VP"):
        assert found(clerk, query, state="issued") == ["V/v phòng chống bão"], query


def test_filters(org, clock):
    receive(org, "Kế hoạch A", type_name="Kế hoạch", urgency="urgent", signer_name="Trần Văn Hùng")
    clock.at(2020, 12, 20, 9, 0)
    receive(org, "Kế hoạch B", type_name="Công văn", signer_name="Lê Thị Mai")
    document = issued(org, summary="Kế hoạch C", doc_type="plan", signing_marker="")
    user = org["chairman"].user
    assert sorted(found(user, "ke hoach")) == ["Kế hoạch A", "Kế hoạch B", "Kế hoạch C"]
    assert found(user, "ke hoach", direction="out") == ["Kế hoạch C"]
    assert sorted(found(user, "ke hoach", direction="in")) == ["Kế hoạch A", "Kế hoạch B"]
    assert found(user, "ke hoach", doc_type="plan", direction="in") == ["Kế hoạch A"]
    assert found(user, "ke hoach", urgency="urgent") == ["Kế hoạch A"]
    assert found(user, "ke hoach", signer="tran van hung") == ["Kế hoạch A"]
    assert found(user, "ke hoach", signer="Hùng Văn Trần") == []  # the name's words in order
    assert found(user, "", signer="nguyễn chủ tịch") == ["Kế hoạch C"]  # the outgoing signer
    assert found(user, "ke hoach", state="issued") == ["Kế hoạch C"]
    assert sorted(found(user, "ke hoach", state="registered")) == ["Kế hoạch A", "Kế hoạch B"]
    assert found(user, "", date_from=date(2020, 12, 1)) == ["Kế hoạch C", "Kế hoạch B"]
    assert found(user, "ke hoach", date_to=date(2020, 11, 30)) == ["Kế hoạch A"]
    assert found(user, "ke hoach", organ=org["justice"]) == []
    assert document.issued_on == date(2020, 12, 20)
    with pytest.raises(services.DocumentError) as error:
        search_documents(user=user, date_from=date(2021, 1, 1), date_to=date(2020, 1, 1))
    assert error.value.message_dict.keys() == {"date_to"}
    with pytest.raises(services.DocumentError) as error:
        search_documents(user=user, state="lost", urgency="soon", doc_type="poem", direction="up")
    assert error.value.message_dict.keys() == {"state", "urgency", "doc_type", "direction"}


def test_another_organs_official_does_not_see_it(org, clock):
    document = issued(org, summary="V/v quy hoạch đô thị Rạch Giá")
    assert found(org["chairman"].user, "quy hoach do thi") == ["V/v quy hoạch đô thị Rạch Giá"]
    assert found(org["outsider"].user, "quy hoach do thi") == []  # another department
    assert found(org["justice_clerk"].user, "quy hoach do thi") == []  # not sent yet
    services.distribute(document=document, actor=org["clerk"].user)
    hits = search_documents(user=org["justice_clerk"].user, query="quy hoach do thi").hits
    assert [(h.entry.direction, h.entry.organ_id) for h in hits] == [("in", org["justice"].pk)]
    assert found(org["outsider"].user, "quy hoach do thi") == []


def test_the_index_follows_every_action_in_its_transaction(org, clock):
    incoming = receive(org, "Giấy mời dự hội nghị", register=False)
    entry = SearchEntry.objects.get(incoming=incoming)
    assert (entry.state, entry.number, entry.assignee_id) == ("arrived", None, None)
    services.register_incoming(incoming=incoming, actor=org["clerk"].user)
    services.assign(incoming=incoming, actor=org["chairman"].user, assignee=org["handler"])
    entry.refresh_from_db()
    assert (entry.state, entry.number, entry.assignee_id) == ("assigned", 1, org["handler"].pk)
    with pytest.raises(services.DocumentError), transaction.atomic():
        services.assign(
            incoming=incoming,
            actor=org["chairman"].user,
            assignee=org["handler"],
            deadline_days=999,
        )
    entry.refresh_from_db()
    assert entry.state == "assigned"  # a refused action leaves the entry as it was


def test_a_corrupt_file_does_not_break_indexing(org, clock):
    broken = pdf_with("Nội dung bị cắt cụt")[:600]  # passes the upload check, not a parser
    receive(org, "Văn bản kèm tệp hỏng", files=[("hong.pdf", broken)])
    draft(org, summary="Dự thảo kèm tệp hỏng", upload=("du-thao.pdf", PDF))
    user = org["chairman"].user
    assert sorted(found(user, "tep hong")) == ["Dự thảo kèm tệp hỏng", "Văn bản kèm tệp hỏng"]
    for entry in SearchEntry.objects.all():
        assert [n["code"] for n in entry.notices] == ["unreadable"], entry.summary
    assert set(ExtractedText.objects.values_list("reason", flat=True)) == {"unreadable"}


def test_a_scan_without_tesseract_carries_the_ocr_notice(org, clock, monkeypatch):
    monkeypatch.setattr(textextract, "ocr_available", lambda *a: False)
    receive(org, "Bản quét công văn", files=[("quet.pdf", pdf_scan())])
    entry = SearchEntry.objects.get()
    assert entry.notices == [
        {
            "file": "quet.pdf",
            "code": "ocr_unavailable",
            "text": "OCR skipped: Tesseract with Vietnamese not installed",
        }
    ]


def test_a_scan_is_read_by_ocr_after_the_commit(
    org, clock, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(textextract, "ocr_available", lambda *a: True)
    monkeypatch.setattr(
        textextract,
        "ocr_pdf",
        lambda data, **kw: textextract.Extracted("Kè chống sạt lở bờ biển", pages=1, ocr=True),
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        receive(org, "Bản quét tờ trình", files=[("quet.pdf", pdf_scan())])
        assert found(org["clerk"].user, "sat lo bo bien") == []  # not before the commit
    assert callbacks  # the OCR task was queued on commit
    assert found(org["clerk"].user, "sat lo bo bien") == ["Bản quét tờ trình"]
    entry = SearchEntry.objects.get()
    assert entry.notices == []
    assert indexing.ocr_file(sha256=ExtractedText.objects.get().sha256) == "skipped"  # once


def test_classified_entries_are_register_metadata_only(org, clock, monkeypatch):
    def no_content(*args, **kwargs):
        raise AssertionError("a classified document's content is never read")

    monkeypatch.setattr(indexing, "_content", no_content)
    services.register_classified(
        organ=org["province"],
        actor=org["clerk"].user,
        doc_type="decision",
        summary="Quyết định về công tác bảo vệ bí mật nhà nước",
        confidentiality="secret",
        signer=org["chairman"],
    )
    receive(org, "Văn bản mật đến về quốc phòng", confidentiality="confidential")
    entries = list(SearchEntry.objects.order_by("pk"))
    assert [(e.confidentiality, e.content, e.notices) for e in entries] == [
        ("secret", "", []),
        ("confidential", "", []),
    ]
    assert "bao ve bi mat nha nuoc" in entries[0].meta  # the register metadata is searchable
    assert len(found(org["clerk"].user, "bi mat nha nuoc or quoc phong")) == 2
    assert found(org["chairman"].user, "bi mat nha nuoc") == [entries[0].summary]  # signer
    assert found(org["drafter"].user, "bi mat nha nuoc or quoc phong") == []  # no secret scope
    assert found(org["handler"].user, "bi mat nha nuoc or quoc phong") == []
    with pytest.raises(IntegrityError), transaction.atomic():
        SearchEntry.objects.filter(pk=entries[0].pk).update(content="noi dung mat")


def test_pages_and_the_capped_count(org, clock, monkeypatch):
    from tinhso.documents.search import query

    monkeypatch.setattr(query, "MAX_RESULTS", 4)
    for n in range(1, 6):
        clock.at(2020, 11, n + 1, 8, 0)
        receive(org, f"Báo cáo số {n}")
    results = search_documents(user=org["clerk"].user, query="bao cao", page_size=2)
    assert (results.total, results.more_than, results.pages) == (5, True, 2)
    assert [h.entry.summary for h in results.hits] == ["Báo cáo số 5", "Báo cáo số 4"]
    second = search_documents(user=org["clerk"].user, query="bao cao", page=2, page_size=2)
    assert [h.entry.summary for h in second.hits] == ["Báo cáo số 3", "Báo cáo số 2"]
    third = search_documents(user=org["clerk"].user, query="bao cao", page=3, page_size=2)
    assert (third.hits, third.total) == ([], 5)  # past what is ranked


def test_highlighted_summary(org, clock):
    receive(org, "Kế hoạch chuyển đổi số, Đăng ký")
    hit = search_documents(user=org["clerk"].user, query="chuyen doi dang").hits[0]
    assert hit.summary == [
        ("Kế hoạch ", False),
        ("chuyển", True),
        (" ", False),
        ("đổi", True),
        (" số, ", False),
        ("Đăng", True),
        (" ký", False),
    ]


def test_reindex_rebuilds_every_entry(org, clock):
    receive(org, "Công văn về phòng cháy", files=[("pc.pdf", pdf_with("Chữa cháy rừng tràm"))])
    issued(org, summary="V/v chữa cháy")
    before = {e.pk: (e.meta, e.content) for e in SearchEntry.objects.all()}
    SearchEntry.objects.all().delete()
    ExtractedText.objects.all().delete()
    assert found(org["chairman"].user, "chua chay") == []
    call_command("documents_reindex", "--extract", "--no-progress", stdout=io.StringIO())
    after = sorted((e.meta, e.content) for e in SearchEntry.objects.all())
    assert after == sorted(before.values())
    assert sorted(found(org["chairman"].user, "chua chay")) == [
        "Công văn về phòng cháy",
        "V/v chữa cháy",
    ]
    assert found(org["chairman"].user, "rung tram") == ["Công văn về phòng cháy"]


def test_scans_stored_before_tesseract_are_read_once_it_is_installed(org, clock, monkeypatch):
    monkeypatch.setattr(textextract, "ocr_available", lambda *a: False)
    receive(org, "Bản quét cũ", files=[("quet.pdf", pdf_scan())])
    assert SearchEntry.objects.get().notices[0]["code"] == "ocr_unavailable"
    out = io.StringIO()
    call_command("documents_reindex", "--ocr", "--no-progress", stdout=out)
    assert "OCR skipped: Tesseract with Vietnamese not installed." in out.getvalue()
    monkeypatch.setattr(textextract, "ocr_available", lambda *a: True)
    monkeypatch.setattr(
        textextract,
        "ocr_pdf",
        lambda data, **kw: textextract.Extracted("Đê bao chống lũ", pages=1, ocr=True),
    )
    call_command("documents_reindex", "--ocr", "--no-progress", stdout=out)
    assert "OCR queued for 1 scans." in out.getvalue()
    assert found(org["clerk"].user, "de bao chong lu") == ["Bản quét cũ"]
    assert SearchEntry.objects.get().notices == []


def test_windows_of_days_reach_back_as_far_as_the_matches_found_say():
    one, three = date(2021, 1, 2), date(2020, 12, 31)
    assert postgres.window_facet(one, one) == "(xd20210102)"
    assert postgres.window_facet(three, one) == "(xd20210102 | xd20210101 | xd20201231)"
    # A long window is asked as the months it touches; the date condition is exact.
    assert postgres.window_facet(date(2020, 11, 20), one) == "(xm202101 | xm202012 | xm202011)"
    assert postgres.next_span(0, 1, 1001) == postgres.GROWTH  # nothing yet: reach further
    assert postgres.next_span(100, 1, 1001) == 12  # 901 missing at 100 a day, with the margin
    assert postgres.next_span(1000, 2, 1001) == 1
    assert postgres.next_span(1000, 11, 1001) == 6  # at least half the days covered: they end


def test_facets_are_the_lexemes_the_database_writes(org, clock):
    if connection.vendor != "postgresql":
        pytest.skip("facets are PostgreSQL's (the generated column of migration 0004)")
    incoming = receive(org, "Tờ trình", type_name="Tờ trình", urgency="very_urgent")
    services.assign(incoming=incoming, actor=org["chairman"].user, assignee=org["handler"])
    services.start_handling(incoming=incoming, actor=org["handler"].user)
    facets = [
        postgres.facet("o", org["province"].pk),
        postgres.facet("a", org["handler"].pk),
        postgres.facet("r", "in"),
        postgres.facet("s", "in_handling"),
        postgres.facet("k", "very_urgent"),
        postgres.facet("t", "submission"),
        postgres.facet("d", "20201102"),
        postgres.facet("m", "202011"),
    ]
    assert facets[3:5] == ["xsinhandling", "xkveryurgent"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM documents_searchentry WHERE vector @@ to_tsquery('simple', %s)",
            [" & ".join(facets)],
        )
        assert cursor.fetchone()[0] == 1


def test_common_words_find_the_same_by_walking_or_through_the_index(org, clock, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the strategies are PostgreSQL's")
    for n in range(6):
        clock.at(2020, 11, n + 2, 8, 0)
        receive(org, f"Kế hoạch thực hiện đợt {n}")
    receive(org, "Báo cáo thực hiện")
    user = org["chairman"].user
    expected = found(user, "ke hoach thuc hien")
    assert expected == [f"Kế hoạch thực hiện đợt {n}" for n in range(5, -1, -1)]
    walks = []
    walk = postgres._walk
    monkeypatch.setattr(postgres, "_walk", lambda *a, **kw: walks.append(1) or walk(*a, **kw))
    monkeypatch.setattr(postgres, "FACET_ORGANS", 0)  # a scope too wide for facets
    shares = {"ke": 0.5, "hoach": 0.4, "thuc": 0.9, "hien": 0.9}
    monkeypatch.setattr(postgres, "word_shares", lambda: shares)
    assert found(user, "ke hoach thuc hien") == expected
    assert walks == [1]  # common words only: the date index was walked
    monkeypatch.setattr(postgres, "WALK_ROWS", 2)  # too few rows to walk: the rarest words
    groups = postgres.query_words(text.parse("kế hoạch thực hiện 30/2020/NĐ-CP -dự"))
    assert groups == [["ke", "hoach", "thuc", "hien", "30/2020/nd-cp"]]
    assert postgres.indexed_words(groups) == "'30/2020/nd-cp'"  # no share known: rare
    assert postgres.indexed_words([groups[0][:4]]) == ""  # all four common
    assert postgres.indexed_words([groups[0][:4]], least=True) == "'hoach' & 'ke'"
    assert found(user, "ke hoach thuc hien") == expected
    assert walks == [1]
    monkeypatch.setattr(postgres, "WALK_ROWS", 3000)
    monkeypatch.setattr(postgres, "expected_share", lambda *a: 1.0)  # a walk that falls short
    assert found(user, "ke hoach thuc hien") == expected
    assert walks == [1, 1]


def test_windows_stop_at_the_newest_matches_and_say_there_are_more(org, clock, monkeypatch):
    monkeypatch.setattr(query_module, "MAX_RESULTS", 2)
    for day in (2, 3, 3, 20):  # the newest day alone holds two, then a week, then months
        clock.at(2020, 11, day, 8, 0)
        receive(org, f"Kế hoạch ngày {day}")
    clock.at(2020, 11, 21, 8, 0)
    user = org["chairman"].user
    results = search_documents(user=user, query="ke hoach")
    assert results.total == 3  # MAX_RESULTS + 1: "more than 2"
    assert [h.entry.summary for h in results.hits] == ["Kế hoạch ngày 20", "Kế hoạch ngày 3"]
    older = search_documents(user=user, query="ke hoach", date_to=date(2020, 11, 3))
    assert sorted(h.entry.summary for h in older.hits) == ["Kế hoạch ngày 3", "Kế hoạch ngày 3"]
    assert older.total == 3


def _subtree_leader(organ):
    """A leader of `organ` granted its whole subtree."""
    return OfficialFactory(organ=organ, roles=[("leader", organ, True)]).user


def test_a_subtree_granted_is_searched_as_one_facet(org, clock):
    """The district chairman's scope (the committee and every office and commune under it)
    is the facet of the committee on the entries' organ paths, on the issuing organ and on
    the drafting unit; the results are those of the exact visibility."""
    province, office = org["province"], org["office"]
    mine = issued(org, summary="Kế hoạch quy hoạch đô thị Rạch Giá")  # drafted by the office
    services.distribute(document=mine, actor=org["clerk"].user)
    entry = SearchEntry.objects.get(document=mine)
    assert (entry.organ_path, entry.unit_path) == (province.tree_path, office.tree_path)
    office_leader = _subtree_leader(office)
    official = Official.objects.get(user=office_leader)
    assert (
        postgres.scope_facet(office_leader) == f"(xp{office.pk} | xq{office.pk} | xa{official.pk})"
    )
    # The office sees what it drafted (as drafting unit), not what the justice received.
    assert found(office_leader, "quy hoach do thi") == ["Kế hoạch quy hoạch đô thị Rạch Giá"]
    assert found(_subtree_leader(org["justice"]), "quy hoach do thi") == [
        "Kế hoạch quy hoạch đô thị Rạch Giá"
    ]
    # The province's whole tree: its own document and the justice's copy.
    assert found(org["chairman"].user, "quy hoach do thi") == ["Kế hoạch quy hoạch đô thị Rạch Giá"]
    assert found(_subtree_leader(province), "quy hoach do thi") == 2 * [
        "Kế hoạch quy hoạch đô thị Rạch Giá"
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM documents_searchentry WHERE id = %s AND vector @@ "
                "to_tsquery('simple', %s)",
                [entry.pk, f"xp{province.pk} & xq{province.pk} & xq{office.pk}"],
            )
            assert cursor.fetchone()[0] == 1


def test_entries_follow_an_organ_that_moves_in_the_tree(org, clock):
    """An organ moved under another (a reorganisation): its entries take its new path, so
    a subtree granted above its new place finds them."""
    district = OrganFactory(name="UBND thành phố Rạch Giá", kind="district_committee", level=2)
    justice = org["justice"]
    receive(org, "Kế hoạch quy hoạch đô thị")
    services.receive_paper(
        organ=justice,
        actor=org["justice_clerk"].user,
        sender_name="Bộ Tư pháp",
        summary="Công văn về quy hoạch đô thị",
    )
    chairman = _subtree_leader(district)
    assert found(chairman, "quy hoach do thi") == []
    justice.parent = district
    justice.tree_path = f"{district.tree_path}{justice.pk}/"
    justice.save(update_fields=["parent", "tree_path"])
    entry = SearchEntry.objects.get(organ=justice)
    assert entry.organ_path == justice.tree_path
    chairman = _subtree_leader(district)
    assert found(chairman, "quy hoach do thi") == ["Công văn về quy hoạch đô thị"]


@pytest.mark.django_db(transaction=True)
def test_migration_0007_gives_the_entries_written_before_it_their_organ_paths(org, clock):
    """An installation upgraded to 0007 keeps finding its older documents by subtree: the
    entries take their organs' paths, and on PostgreSQL the vector their facets."""
    mine = issued(org, summary="Kế hoạch quy hoạch đô thị Rạch Giá")
    services.distribute(document=mine, actor=org["clerk"].user)
    executor = MigrationExecutor(connection)
    executor.migrate([("documents", "0006_take_back")])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    entry = SearchEntry.objects.get(document=mine)
    province, office = org["province"], org["office"]
    assert (entry.organ_path, entry.unit_path) == (province.tree_path, office.tree_path)
    incoming = SearchEntry.objects.get(incoming__organ=org["justice"])
    assert (incoming.organ_path, incoming.unit_path) == (org["justice"].tree_path, "")
    leader = _subtree_leader(province)
    assert len(found(leader, "quy hoach do thi")) == 2  # through the facet on PostgreSQL
    if connection.vendor == "postgresql":  # the new vector's statistics (the words' shares)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'documents_searchentry' "
                "AND attname = 'vector'"
            )
            assert cursor.fetchone()[0] == 1
