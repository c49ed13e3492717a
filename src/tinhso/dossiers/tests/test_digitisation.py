"""The digitisation flags (digitisation.py) set at filing and intake, and indicators 4.1–4.3
counted from them on the dashboard's report."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.directory.models import Organ, User
from tinhso.directory.services import applicant_register
from tinhso.dossiers.digitisation import prefill_kept
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.services import dossier_receive, dossier_receive_at_counter
from tinhso.dossiers.statistics.definitions import Period
from tinhso.dossiers.statistics.report import build_report
from tinhso.dossiers.tests.conftest import FORM, LLTP

pytestmark = pytest.mark.django_db
PASSWORD = "mot-mat-khau-dai-9"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def pdf(marker: str) -> bytes:
    return f"%PDF-1.7\n% {marker}\n1 0 obj<<>>endobj\n%%EOF".encode()


@pytest.fixture
def citizen(client, office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    user = User.objects.create_user(username="091185000123", password=PASSWORD)
    office["applicant"].user = user
    office["applicant"].save()
    client.force_login(user)
    return user


def file_online(client, office, *, skip_optional=False, marker="a", **form):
    data = {"organ": office["organ"].pk, **{f"f_{k}": v for k, v in {**FORM, **form}.items()}}
    for d in office["procedure"].required_documents.all():
        if not (skip_optional and d.optional):
            data[f"document_{d.pk}"] = SimpleUploadedFile(
                f"tp-{d.order}.pdf", pdf(f"{marker}-{d.order}")
            )
    assert client.post(f"/dich-vu-cong/nop/{LLTP}/", data).status_code == 302
    dossier = Dossier.objects.order_by("-pk").first()
    return dossier_receive(dossier=dossier, officer=office["one_stop_officer"].user)


def test_prefill_kept():
    assert prefill_kept({"ho_ten": "Lê Thị Hoa"}, {"ho_ten": " Lê Thị Hoa "})
    assert not prefill_kept({"ho_ten": "Lê Thị Hoa"}, {"ho_ten": "Lê Hoa"})
    assert not prefill_kept({"ho_ten": ""}, {"ho_ten": ""})
    assert not prefill_kept({}, {"ho_ten": "Lê Thị Hoa"})


def test_online_with_every_document_is_digitised(client, office, citizen):
    dossier = file_online(client, office)
    assert dossier.digitised and not dossier.data_reused and not dossier.result_electronic
    assert Dossier.objects.get(pk=dossier.pk).digitised  # saved with the receive row


def test_a_missing_mandatory_document_is_not_digitised(client, office, citizen):
    procedure = office["procedure"]
    assert procedure.required_documents.filter(optional=False).exists()
    dossier = file_online(client, office)
    dossier.attachments.filter(required_document__optional=False).first().delete()
    from tinhso.dossiers.digitisation import is_digitised

    assert not is_digitised(dossier)


def test_counter_intake_of_papers_is_not_digitised(office):
    dossier = dossier_receive_at_counter(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data=FORM,
        officer=office["one_stop_officer"].user,
    )
    assert not Dossier.objects.get(pk=dossier.pk).digitised


def test_data_reused_from_the_population_prefill(client, office, citizen):
    session = client.session
    session[f"dossiers.prefill:{LLTP}"] = {"ho_ten": FORM["ho_ten"]}
    session.save()
    assert file_online(client, office, marker="x").data_reused
    session = client.session
    session[f"dossiers.prefill:{LLTP}"] = {"ho_ten": "Tên khác"}  # typed over
    session.save()
    assert not file_online(client, office, marker="y").data_reused


def test_data_reused_from_an_earlier_dossier_of_the_same_applicant(client, office, citizen):
    first = file_online(client, office, marker="same")
    assert not first.data_reused
    assert file_online(client, office, marker="same").data_reused
    assert not file_online(client, office, marker="new").data_reused
    # Another applicant's identical file is not this applicant's data.
    other_user = User.objects.create_user(username="091190000777", password=PASSWORD)
    other = applicant_register(kind="citizen", identifier="091190000777", name="Trần Văn Bảy")
    other.user = other_user
    other.save()
    client.force_login(other_user)
    assert not file_online(client, office, marker="same", ho_ten="Trần Văn Bảy").data_reused


def at(day: int, hour: int = 8) -> datetime:
    return datetime(2020, 11, day, hour, 0, tzinfo=VN)


def test_indicators_4x_count_the_flags(office):
    make = {
        "procedure": office["procedure"],
        "organ": office["organ"],
        "applicant": office["applicant"],
        "channel": 2,
    }
    rows = [
        # code, state, received, resolved, e-result, digitised, reused
        ("A", "returned", at(2), at(5), True, True, True),
        ("B", "result_ready", at(3), at(6), False, True, False),
        ("C", "rejected", at(4), at(6), False, False, True),
        ("D", "processing", at(9), None, False, True, False),
        ("E", "returned", at(10, 9), at(12), True, False, False),
        ("F", "returned", datetime(2020, 10, 1, 8, tzinfo=VN), at(2), True, True, True),
    ]
    for code, state, received, resolved, electronic, digitised, reused in rows:
        Dossier.objects.create(
            code=code,
            state=state,
            received_at=received,
            due_at=at(28),
            resolved_at=resolved,
            finished_at=resolved if state in ("returned", "rejected") else None,
            result_electronic=electronic,
            digitised=digitised,
            data_reused=reused,
            **make,
        )
    period = Period(date(2020, 11, 1), date(2020, 11, 30))
    report = build_report(organs=Organ.objects.all(), period=period, grouping="organ")
    counts = report.total.counts
    # Resolved in November and not refused: A, B, E, F (F received in October).
    assert counts["i41_granted"] == 4 and counts["i41_result_electronic"] == 3
    # Received in November: A–E.
    assert counts["received"] == 5
    assert counts["i42_digitised"] == 3 and counts["i43_data_reused"] == 2
    assert report.total.rate("i41").value == 0.75
    assert report.total.rate("i42").value == 0.6 and report.total.rate("i43").value == 0.4
    assert report.total.discrepancies() == []
