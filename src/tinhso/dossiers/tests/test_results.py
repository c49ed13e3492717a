"""Electronic results: signed at "register result" (personal or organ key), stored as a new
version, verified by the signatures app and by poppler's pdfsig, announced by an e-mail link
over real SMTP, downloaded by the applicant (which returns the dossier online) and by officials
in scope only; refusals name their field and write nothing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tinhso.core.models import AuditEntry
from tinhso.directory.models import User
from tinhso.directory.tests.factories import OfficialFactory
from tinhso.dossiers.models import Attachment, Dossier, ElectronicResult
from tinhso.dossiers.services import DossierError, dossier_act, dossier_receive_at_counter
from tinhso.dossiers.services.results import result_register_signed
from tinhso.dossiers.tests.conftest import FORM
from tinhso.notifications.tests.smtp import smtp_server
from tinhso.signatures.models import CheckStatus, IdentityKind
from tinhso.signatures.services import DEV_PASSPHRASE, dev_identity_issue, verify_pdf
from tinhso.signatures.tests.conftest import make_pdf

pytestmark = pytest.mark.django_db
PASSWORD = "mot-mat-khau-dai-9"
RESULT = "Phiếu lý lịch tư pháp số 1 cấp cho bà Lê Thị Hoa"


@pytest.fixture
def keys(office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return {
        "personal": dev_identity_issue(
            kind=IdentityKind.PERSONAL, official=office["one_stop_officer"]
        ),
        "organ": dev_identity_issue(kind=IdentityKind.ORGAN, organ=office["organ"]),
    }


def at_result_step(office) -> Dossier:
    """A counter dossier taken through the process up to "register result"."""
    dossier = dossier_receive_at_counter(
        procedure=office["procedure"],
        applicant=office["applicant"],
        organ=office["organ"],
        form_data=FORM,
        officer=office["one_stop_officer"].user,
    )
    for action, role in (
        ("forward", "one_stop_officer"),
        ("forward", "specialist"),
        ("approve", "leader"),
    ):
        dossier = dossier_act(dossier=dossier, officer=office[role].user, action=action)
    return dossier


def sign(office, dossier, **changes):
    values = {
        "dossier": dossier,
        "officer": office["one_stop_officer"].user,
        "pdf": make_pdf(RESULT),
        "filename": "phieu-lltp.pdf",
        "passphrase": DEV_PASSPHRASE,
        "link": f"https://dichvucong.example.vn/dich-vu-cong/ho-so/{dossier.pk}/",
    }
    return result_register_signed(**{**values, **changes})


def pdfsig(path: Path) -> str:
    tool = shutil.which("pdfsig") or "/usr/bin/pdfsig"
    return subprocess.run(  # noqa: S603 (a fixed tool on a file made by the test)
        [tool, str(path)], capture_output=True, text=True, timeout=60, check=True
    ).stdout


def test_signed_result_is_stored_verified_and_announced_by_link(
    office, keys, tmp_path, django_capture_on_commit_callbacks
):
    hoa = office["applicant"]
    hoa.email = "hoa@example.vn"
    hoa.save()
    dossier = at_result_step(office)
    with smtp_server() as server, django_capture_on_commit_callbacks(execute=True):
        result = sign(office, dossier)
    dossier.refresh_from_db()
    assert dossier.state == "result_ready" and dossier.result_electronic
    assert (result.version, result.signed_as) == (1, "personal")
    assert result.signed_by == office["one_stop_officer"].user
    attachment = result.attachment
    assert (attachment.kind, attachment.original_name) == ("result", "phieu-lltp-da-ky.pdf")
    signed = attachment.file.read()
    report = verify_pdf(pdf=signed)
    assert [s.status for s in report.signatures] == [CheckStatus.VALID]
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(signed)
    assert "Signature Validation: Signature is Valid." in pdfsig(path)
    event = dossier.events.order_by("-pk").first()
    assert (event.action, event.actor) == ("register_result", office["one_stop_officer"].user)
    # One e-mail, with the link and not the file; no "come to the counter" message.
    [message] = server.messages
    assert "đã có kết quả điện tử" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"https://dichvucong.example.vn/dich-vu-cong/ho-so/{dossier.pk}/" in text
    assert "Mời Ông/Bà đến" not in text
    assert not [p for p in message.walk() if p.get_content_type() == "application/pdf"]


def test_the_organ_key_is_the_leaders_action(office, keys):
    dossier = at_result_step(office)
    with pytest.raises(PermissionError):  # the specialist neither registers nor leads
        sign(office, dossier, officer=office["specialist"].user, as_organ=True)
    result = sign(office, dossier, officer=office["leader"].user, as_organ=True)
    assert result.signed_as == "organ" and keys["organ"].serial in result.signer
    report = verify_pdf(pdf=result.attachment.file.read())
    assert [s.serial.lower() for s in report.signatures] == [keys["organ"].serial.lower()]
    assert Dossier.objects.get().state == "result_ready"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"passphrase": "sai mật khẩu"}, "passphrase", "không đúng"),
        ({"passphrase": ""}, "passphrase", "Nhập mật khẩu"),
        ({"pdf": b"GIF89a not a pdf"}, "result_file", "không phải PDF"),
        ({"pdf": b""}, "result_file", "Chọn tệp PDF"),
        (
            {"as_organ": True, "officer_role": "leader", "no_organ_key": True},
            "signed_as",
            "chưa có khóa",
        ),
        ({"officer_role": "keyless"}, "signed_as", "chưa có khóa ký số cá nhân"),
    ],
)
def test_refusals_name_the_field_and_write_nothing(office, keys, changes, field, words):
    dossier = at_result_step(office)
    if changes.pop("no_organ_key", False):
        keys["organ"].is_active = False
        keys["organ"].save()
    role = changes.pop("officer_role", None)
    if role == "keyless":  # another one-stop officer, with no key of their own
        organ = office["organ"]
        changes["officer"] = OfficialFactory(
            organ=organ, roles=[("one_stop_officer", organ, False)]
        ).user
    elif role:
        changes["officer"] = office[role].user
    before = (
        Dossier.objects.get().version,
        Attachment.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(DossierError) as error:
        sign(office, dossier, **changes)
    assert list(error.value.message_dict) == [field]
    assert words in " ".join(error.value.message_dict[field])
    after = Dossier.objects.get()
    assert (after.version, Attachment.objects.count(), AuditEntry.objects.count()) == before
    assert after.state == "processing" and not after.result_electronic
    assert not ElectronicResult.objects.exists()


def test_not_at_the_result_step_signs_nothing(office, keys):
    from tinhso.dossiers.states import IllegalTransition

    dossier = at_result_step(office)
    sign(office, dossier)
    with pytest.raises(IllegalTransition):  # already registered: no second transition
        sign(office, Dossier.objects.get())
    assert ElectronicResult.objects.count() == 1


@pytest.fixture
def citizen(client, office):
    user = User.objects.create_user(
        username="091185000123", password=PASSWORD, full_name="Lê Thị Hoa"
    )
    office["applicant"].user = user
    office["applicant"].save()
    return user


def test_delivery_permissions_and_the_online_return(client, office, keys, citizen):
    dossier = at_result_step(office)
    result = sign(office, dossier)
    url = f"/dich-vu-cong/ho-so/{dossier.pk}/ket-qua/{result.pk}/"
    back = f"/backoffice/ho-so/{dossier.pk}/ket-qua/{result.pk}/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    stranger = User.objects.create_user(username="091190000999", password=PASSWORD)
    from tinhso.directory.services import applicant_register

    other = applicant_register(kind="citizen", identifier="091190000999", name="Người khác")
    other.user = stranger
    other.save()
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(office["outsider"].user)  # an official of another organ
    assert client.get(back).status_code == 404
    assert client.get(url).status_code == 403  # an official is no applicant
    client.force_login(office["specialist"].user)
    response = client.get(back)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert Dossier.objects.get().state == "result_ready"  # an official's look returns nothing

    client.force_login(citizen)
    page = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    assert url in page and "Kết quả điện tử" in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == result.attachment.file.open("rb").read()
    dossier = Dossier.objects.get()
    last = dossier.events.order_by("-pk").first()
    assert dossier.state == "returned" and dossier.finished_at is not None
    assert (last.action, last.actor, last.data) == (
        "return_result",
        citizen,
        {"return_channel": 2, "result_version": 1},
    )
    stored = ElectronicResult.objects.get()
    first = stored.first_downloaded_at
    assert first is not None
    with pytest.raises(ValueError):  # immutable: a new signature is a new version
        stored.save()
    client.get(url)  # again: nothing more happens
    assert dossier.events.count() == Dossier.objects.get().events.count()
    assert ElectronicResult.objects.get().first_downloaded_at == first
    # …and the service can be rated.
    client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", {"score": "5"})
    assert Dossier.objects.get().rating.score == 5


def test_backoffice_form_shows_errors_beside_fields_then_signs(client, office, keys):
    dossier = at_result_step(office)
    client.force_login(office["one_stop_officer"].user)
    page = client.get(f"/backoffice/ho-so/{dossier.pk}/").content.decode()
    assert 'name="result_file"' in page and "Ký số và vào sổ kết quả" in page
    url = f"/backoffice/ho-so/{dossier.pk}/ky-ket-qua/"
    response = client.post(
        url,
        {
            "result_file": SimpleUploadedFile("kq.pdf", make_pdf(RESULT)),
            "passphrase": "sai",
            "signed_as": "personal",
        },
    )
    assert response.status_code == 400
    assert 'id="passphrase-error"' in response.content.decode()
    assert "không đúng" in response.content.decode()
    response = client.post(
        url,
        {
            "result_file": SimpleUploadedFile("kq.pdf", make_pdf(RESULT)),
            "passphrase": DEV_PASSPHRASE,
            "signed_as": "personal",
            "version": str(Dossier.objects.get().version),
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Đã ký số và vào sổ kết quả điện tử." in html
    assert "kq-da-ky.pdf" in html
    assert Dossier.objects.get().state == "result_ready"
