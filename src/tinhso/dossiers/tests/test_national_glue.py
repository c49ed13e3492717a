"""The dossier's side of the national portal: the §10 fields, pushes queued in the action's
transaction, the payment status, indicator 1.4, and the once-only prefill from the population
database."""

import re
import urllib.request
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from tinhso.directory.models import User
from tinhso.dossiers import fees, national_glue, services
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.tests.conftest import FORM, LLTP
from tinhso.exchange.national import portal, protocol, queue
from tinhso.exchange.national.models import NationalPush, SimulatedPortalDossier
from tinhso.payments import hooks

pytestmark = pytest.mark.django_db
ORGAN_CODE = "000.00.03.H33"


def counter(office, **changes):
    return services.dossier_receive_at_counter(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data={**FORM, **changes},
        officer=office["one_stop_officer"].user,
    )


def act(office, dossier, role, action, **kwargs):
    return services.dossier_act(dossier=dossier, officer=office[role].user, action=action, **kwargs)


def pushes(dossier):
    return list(
        NationalPush.objects.filter(dossier_code=dossier.code)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_counter_intake_queues_the_dossier_then_its_progress_with_the_section_10_fields(office):
    dossier = counter(office)
    assert pushes(dossier) == ["dossier", "progress"]
    body = NationalPush.objects.get(kind="dossier").body
    assert body == {
        "MaHoSo": dossier.code,
        "MaTTHC": LLTP,
        "TenTTHC": office["procedure"].name,
        "MaLinhVuc": office["procedure"].field.code,
        "TenLinhVuc": office["procedure"].field.name,
        "ChuHoSo": "Lê Thị Hoa",
        "LoaiDoiTuong": 1,
        "MaDoiTuong": "091185000123",
        "NgayTiepNhan": protocol.format_date(dossier.received_at),
        "NgayHenTra": protocol.format_date(dossier.due_at),
        "TrangThaiHoSo": 2,
        "NgayTra": "",
        "HinhThuc": 1,
        "DonViXuLy": ORGAN_CODE,
        "TenDonViXuLy": office["organ"].name,
        "TaiLieuNop": [],
        "DanhSachGiayToKetQua": [],
        "DanhSachLePhi": [
            {"TenPhiLePhi": f.name, "MucPhi": f.amount, "LoaiPhiLePhi": f.kind}
            for f in office["procedure"].fees.order_by("pk")
        ],
        "ThanhToan": {"TrangThaiThanhToan": 0, "HinhThucThanhToan": "truc-tiep"},
        "DanhSachHoSoBoSung": [],
    }
    assert protocol.validate(protocol.DOSSIER_SERVICE, body) == []
    assert len(body["NgayTiepNhan"]) == 14 and body["DanhSachLePhi"]
    progress = NationalPush.objects.get(kind="progress").body
    assert progress["TrangThai"] == 2 and progress["NoiDungXuLy"] == "Tiếp nhận"
    assert progress["PhongBanXuLy"] == office["organ"].name
    assert progress["NguoiXuLy"] == office["one_stop_officer"].user.full_name
    assert progress["NgayKetThucTheoQuyDinh"] == protocol.format_date(dossier.step_due_at)


def test_each_action_queues_progress_and_the_result_refreshes_the_dossier(office):
    d = counter(office)
    d = act(office, d, "one_stop_officer", "forward")
    d = act(office, d, "specialist", "forward")
    d = act(office, d, "leader", "approve")
    d = act(office, d, "one_stop_officer", "register_result")
    d = act(office, d, "one_stop_officer", "return_result")
    assert pushes(d) == [
        "dossier",  # receive
        "progress",
        "progress",  # forward
        "progress",  # forward
        "progress",  # approve
        "dossier",  # register_result
        "progress",
        "dossier",  # return_result
        "progress",
    ]
    statuses = [
        p.body["TrangThai"] for p in NationalPush.objects.filter(kind="progress").order_by("pk")
    ]
    assert statuses == [2, 4, 4, 4, 9, 10]
    last = NationalPush.objects.filter(kind="dossier").order_by("pk").last().body
    assert (last["TrangThaiHoSo"], last["NgayTra"]) == (10, protocol.format_date(d.finished_at))


def test_the_supplement_list_goes_with_the_dossier(office):
    d = counter(office)
    d = act(office, d, "one_stop_officer", "request_supplement", note="Thiếu bản chụp CCCD")
    services.dossier_supplement(dossier=d, applicant=office["applicant"])
    last = NationalPush.objects.filter(kind="dossier").order_by("pk").last().body
    assert last["TrangThaiHoSo"] == 4
    [item] = last["DanhSachHoSoBoSung"]
    assert item["NoiDungBoSung"] == "Thiếu bản chụp CCCD" and len(item["NgayBoSung"]) == 14
    supplement_request = NationalPush.objects.filter(kind="progress").order_by("pk")[1].body
    assert supplement_request["TrangThai"] == 5
    assert supplement_request["NoiDungXuLy"] == "Yêu cầu bổ sung: Thiếu bản chụp CCCD"


def test_a_rolled_back_action_leaves_no_push(office):
    d = counter(office)
    before = NationalPush.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        act(office, d, "one_stop_officer", "forward")
        assert NationalPush.objects.count() == before + 1
        raise RuntimeError("the caller's transaction fails after the action")
    assert NationalPush.objects.count() == before
    with pytest.raises(RuntimeError), transaction.atomic():
        counter(office)
        raise RuntimeError
    assert Dossier.objects.count() == 1 and NationalPush.objects.count() == before


def test_a_state_the_mapping_lacks_refuses_the_action_itself(office, settings):
    settings.NATIONAL_PORTAL_STATUS_MAP = {
        k: v for k, v in settings.NATIONAL_PORTAL_STATUS_MAP.items() if k != "received"
    }
    with pytest.raises(ImproperlyConfigured):
        counter(office)
    assert Dossier.objects.count() == 0 and NationalPush.objects.count() == 0


def test_a_gap_in_the_mapping_stops_the_deployment_check(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    assert national_glue.status_map_complete() == []
    settings.NATIONAL_PORTAL_STATUS_MAP = {
        k: v for k, v in settings.NATIONAL_PORTAL_STATUS_MAP.items() if k != "paused"
    }
    assert [e.id for e in national_glue.status_map_complete()] == ["dossiers.E001"]
    with pytest.raises(SystemCheckError, match=r"dossiers\.E001"):
        call_command("check")


def test_the_status_mapping_is_configuration(settings):
    assert [national_glue.status_code(s) for s in ("submitted", "received", "returned")] == [
        1,
        2,
        10,
    ]
    settings.NATIONAL_PORTAL_STATUS_MAP = {**settings.NATIONAL_PORTAL_STATUS_MAP, "paused": 4}
    assert national_glue.status_code("paused") == 4
    settings.NATIONAL_PORTAL_STATUS_MAP = {**settings.NATIONAL_PORTAL_STATUS_MAP, "paused": 11}
    with pytest.raises(ImproperlyConfigured):
        national_glue.status_code("paused")


def test_online_filing_pushes_at_intake_with_the_payment_status(office):
    d = services.dossier_file_online(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data={**FORM, "so_luong": 3},
        actor=None,
    )
    assert NationalPush.objects.count() == 0  # no MaHoSo before intake
    d = services.dossier_receive(dossier=d, officer=office["one_stop_officer"].user)
    body = NationalPush.objects.get(kind="dossier").body
    request = fees.payment_request_of(d)
    assert (body["HinhThuc"], body["ThanhToan"]["TrangThaiThanhToan"]) == (2, 0)
    assert body["ThanhToan"]["TongTien"] == 205_000
    assert sum(line["MucPhi"] for line in body["DanhSachLePhi"]) == 205_000
    request.paid_at = timezone.now()
    request.save(update_fields=["paid_at"])
    hooks.request_paid(request)  # what payments runs in the transaction that marks it paid
    paid = NationalPush.objects.filter(kind="dossier").order_by("pk").last().body
    assert paid["ThanhToan"]["TrangThaiThanhToan"] == 1
    assert paid["ThanhToan"]["MaYeuCauThanhToan"] == request.reference
    assert paid["ThanhToan"]["NgayThanhToan"] == protocol.format_date(request.paid_at)


def test_synchronised_share_counts_dossiers_the_portal_accepted(office):
    first, second = counter(office), counter(office)
    everything = Dossier.objects.all()
    assert national_glue.synchronised_share(dossiers=everything).numerator == 0
    NationalPush.objects.filter(dossier_code=first.code, kind="dossier").update(state="sent")
    NationalPush.objects.filter(dossier_code=second.code, kind="progress").update(state="sent")
    share = national_glue.synchronised_share(dossiers=everything)
    assert (share.numerator, share.denominator) == (1, 2)
    services.dossier_file_online(  # not received: no code, not counted
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data=FORM,
        actor=None,
    )
    share = national_glue.synchronised_share(dossiers=Dossier.objects.all())
    assert (share.numerator, share.denominator) == (1, 2)
    none = national_glue.synchronised_share(dossiers=Dossier.objects.none())
    assert none.value is None


# --- over HTTP: the simulator holds the dossiers with their progress ------------------


@pytest.mark.django_db(transaction=True)
def test_dossiers_appear_in_the_national_portal_simulator_with_their_progress(
    office, live_server, settings
):
    settings.NATIONAL_PORTAL_URL = f"{live_server.url}/simulators/dvcqg"
    portal._CLIENT = None
    try:
        d = counter(office)
        d = act(office, d, "one_stop_officer", "forward")
        assert queue.send_due() == {"sent": 3, "failed": 0, "dead": 0}
    finally:
        portal._CLIENT = None
    held = SimulatedPortalDossier.objects.get(code=d.code)
    assert held.status == 4 and held.data["MaTTHC"] == LLTP
    page = urllib.request.urlopen(f"{live_server.url}/simulators/dvcqg/").read().decode()  # noqa: S310
    assert d.code in page
    detail = (
        urllib.request.urlopen(  # noqa: S310
            f"{live_server.url}/simulators/dvcqg/ho-so/{d.code}/"
        )
        .read()
        .decode()
    )
    assert detail.count("Chuyển bước tiếp") == 1 and "Tiếp nhận" in detail
    share = national_glue.synchronised_share(dossiers=Dossier.objects.all())
    assert (share.numerator, share.denominator) == (1, 1)


# --- once-only: the filing form prefilled from the population database ---------------


@pytest.fixture
def population_db(live_server, settings):
    settings.NATIONAL_POPULATION_URL = f"{live_server.url}/simulators/csdlqgdc"
    return live_server


def input_value(page, name):
    return re.search(rf'name="f_{name}" type="[a-z]+" value="([^"]*)"', page).group(1)


def sign_in(client, applicant):
    user = User.objects.create_user(username=applicant.identifier, full_name=applicant.name)
    applicant.user = user
    applicant.save()
    client.force_login(user)


@pytest.mark.django_db(transaction=True)
def test_the_filing_form_is_prefilled_with_the_signed_in_citizens_own_data(
    client, office, population_db
):
    from tinhso.directory.services import applicant_register

    applicant_register(kind="citizen", identifier="091190000555", name="Đỗ Thị Mai")
    me = office["applicant"]
    me.birth_date, me.sex = date(1985, 3, 9), "female"
    me.save()
    sign_in(client, me)
    page = client.get(f"/dich-vu-cong/nop/{LLTP}/?so_dinh_danh=091190000555").content.decode()
    # the form's values are the signed-in citizen's; the number in the query is ignored
    assert input_value(page, "ho_ten") == "Lê Thị Hoa"
    assert input_value(page, "so_dinh_danh") == "091185000123"
    assert "Cơ sở dữ liệu quốc gia về dân cư" in page


def test_no_prefill_without_the_population_database(client, office, settings):
    settings.NATIONAL_POPULATION_URL = ""
    sign_in(client, office["applicant"])
    page = client.get(f"/dich-vu-cong/nop/{LLTP}/").content.decode()
    assert input_value(page, "ho_ten") == ""
    assert "Cơ sở dữ liệu quốc gia về dân cư" not in page


def test_prefill_maps_fields_by_name_and_skips_businesses(settings, monkeypatch):
    from tinhso.exchange.national import population
    from tinhso.procedures.forms import FormField

    citizen = population.Citizen(
        "091185000123", "Lê Thị Hoa", date(1985, 3, 9), "female", "Hạ Long"
    )
    monkeypatch.setattr(population, "lookup_citizen", lambda cccd: citizen)
    fields = [
        FormField(name="ho_ten", title="", type="string", required=True),
        FormField(name="ngay_sinh", title="", type="string", required=False, format="date"),
        FormField(name="gioi_tinh", title="", type="string", required=False, choices=("Nam", "Nữ")),
        FormField(name="dia_chi_thuong_tru", title="", type="string", required=False),
        FormField(name="muc_dich", title="", type="string", required=False),
    ]
    person = type("A", (), {"kind": "citizen", "identifier": "091185000123", "pk": 1})()
    assert national_glue.prefill_from_population(applicant=person, fields=fields) == {
        "ho_ten": "Lê Thị Hoa",
        "ngay_sinh": "1985-03-09",
        "gioi_tinh": "Nữ",
        "dia_chi_thuong_tru": "Hạ Long",
    }
    business = type("A", (), {"kind": "business", "identifier": "5700100104", "pk": 2})()
    assert national_glue.prefill_from_population(applicant=business, fields=fields) == {}


def test_backfill_queues_dossiers_never_pushed_once(office):
    from io import StringIO

    from django.core.management import call_command

    d = counter(office)
    d = act(office, d, "one_stop_officer", "forward")
    NationalPush.objects.all().delete()  # as if received before the adapter
    services.dossier_file_online(  # no code yet: left out
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data=FORM,
        actor=None,
    )
    out = StringIO()
    call_command("national_backfill", stdout=out)
    assert out.getvalue() == "1 dossiers queued for the national portal\n"
    assert pushes(d) == ["dossier", "progress", "progress"]
    assert [p.body["TrangThai"] for p in NationalPush.objects.filter(kind="progress")] == [4, 2]
    call_command("national_backfill", stdout=out)
    assert NationalPush.objects.count() == 3
    d = act(office, d, "specialist", "forward")  # the live hook goes on after the backfill
    assert pushes(d) == ["dossier", "progress", "progress", "progress"]
