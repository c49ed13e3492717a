"""Demo official documents flowing through the four levels of the demo province, made by the
real services at the hours they happened, over the working days before `now`
(`demo_context.Story`):

- the provincial People's Committee (UBND tỉnh) issues a plan to departments and district
  committees, and a directive to the Department of Justice and two district committees; the
  Ministry of Home Affairs writes to it through the national exchange, and it reports back
  the same way;
- Rạch Giá city registers both, forwards the directive to three of its wards and completes
  them; Phường Vĩnh Thanh Vân registers the city's letter and reports back up to the city;
- the Department of Justice (Sở Tư pháp) handles the plan and replies to the province;
- at the end: documents waiting for registration (at organs whose clerks are not demo
  accounts, and an exchange package of yesterday at the province), registered ones waiting
  for assignment, one in handling past its deadline (overdue) and one due within the working
  day, one refused (sent to the wrong organ), drafts waiting for review, signature and issue
  in the demo accounts' work lists.

Signatures are real where the signer and the organ have keys (`signatures.seeding` gives keys
to the demo leaders and their organs, passphrase `DEV_PASSPHRASE`): the draft is composed from
the Decree 30 template, signed as PDF by the signer and, at issue, by the organ. The ward drafts
its report in Word and uploads it, so its chairman's signature is only recorded
(`signature_kind = "recorded"`), as for any signer without a key: the statistics count it as
not sent electronically. The exchange itself is not part of this platform yet: the province's
report to the ministry is marked sent through `services.recipient_mark_sent`, as the exchange
will do.

Deterministic for a given `now`; idempotent: the story runs once, in one transaction, and is
skipped when its first document exists (or when the directory's demo accounts are missing).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tinhso.documents import services
from tinhso.documents.demo_context import HEAD, Story, load_cast
from tinhso.documents.models import Document

MARKER = "Triển khai chuyển đổi số và gửi, nhận văn bản điện tử trên địa bàn tỉnh"
To = services.RecipientSpec


def generate(*, now: datetime | None = None) -> bool:
    """Play the story once, as of `now`; False when it was played before (its first document
    exists) or the directory's demo accounts are missing."""
    cast = load_cast()
    if cast is None:
        return False
    organs, people = cast
    if Document.objects.filter(organ=organs["province"], summary=MARKER).exists():
        return False
    with transaction.atomic():
        tell(Story(now or timezone.now(), organs, people))
    return True


def tell(s: Story) -> None:
    o, at = s.organs, s.at
    year = s.now.year

    # The province's plan, to departments and district committees.
    plan = s.draft(
        at(18, "08:30"),
        author="chuyenvien.tinh",
        organ="province",
        drafting_unit=o["office"],
        signer="lanhdao.tinh",
        doc_type="plan",
        summary=MARKER,
        body=(
            f"Thực hiện Nghị định số 30/2020/NĐ-CP, Ủy ban nhân dân tỉnh ban hành Kế hoạch "
            f"triển khai chuyển đổi số năm {year}.\n"
            "Các sở, ban, ngành và Ủy ban nhân dân các huyện, thành phố gửi, nhận văn bản "
            "điện tử có chữ ký số qua hệ thống quản lý văn bản; báo cáo kết quả về Ủy ban "
            "nhân dân tỉnh (qua Văn phòng) trước ngày 25 hằng tháng."
        ),
        recipients=[
            To(organ=o["justice"]),
            To(organ=o["home_affairs"]),
            To(organ=o["ict"]),
            To(organ=o["city"]),
            To(organ=o["ha_tien"]),
            To(name="Thường trực Tỉnh ủy (để báo cáo)", paper=True),
        ],
    )
    chairman = s.save_chain(at(18, "07:45"), "province", "Trình Chủ tịch UBND tỉnh", "lanhdao.tinh")
    s.submit_along(at(18, "09:00"), plan, "chuyenvien.tinh", chairman)
    s.approve(at(17, "10:00"), plan, "lanhdao.tinh")
    s.sign(at(17, "10:05"), plan, "lanhdao.tinh")
    s.issue(at(17, "14:00"), plan, "vanthu.tinh")
    plan_justice, plan_city = s.arrived(plan, "justice"), s.arrived(plan, "city")
    s.register(at(16, "08:00"), plan_justice, "vanthu.stp")
    s.register(at(16, "08:15"), plan_city, "vanthu.rachgia")
    s.assign(at(16, "09:00"), plan_justice, "lanhdao.stp", "chuyenvien.stp", days=10)
    s.assign(at(16, "09:30"), plan_city, "lanhdao.rachgia", "chuyenvien.rachgia", days=5)
    s.start(at(16, "10:00"), plan_justice, "chuyenvien.stp")
    s.start(at(15, "08:00"), plan_city, "chuyenvien.rachgia")

    # The ministry asks the province for a report, through the exchange.
    asked = s.from_ministry(
        at(15, "09:00"),
        "province",
        "V/v báo cáo tình hình thực hiện Nghị định số 30/2020/NĐ-CP về công tác văn thư",
        f"{4100 + year % 100}/BNV-VP",
    )
    s.register(at(15, "09:30"), asked, "vanthu.tinh")
    s.assign(at(15, "10:00"), asked, "lanhdao.tinh", "chuyenvien.tinh", days=3)
    s.start(at(14, "08:00"), asked, "chuyenvien.tinh")

    # The province's directive; Rạch Giá forwards it to its wards.
    directive = s.draft(
        at(13, "08:00"),
        author="chuyenvien.tinh",
        organ="province",
        drafting_unit=o["office"],
        signer="lanhdao.tinh",
        doc_type="directive",
        summary="Về tăng cường gửi, nhận văn bản điện tử giữa các cơ quan hành chính nhà nước",
        body=(
            "Chủ tịch Ủy ban nhân dân tỉnh yêu cầu thủ trưởng các cơ quan, đơn vị không gửi "
            "kèm bản giấy đối với văn bản đã gửi điện tử có chữ ký số, trừ văn bản mật.\n"
            "Ủy ban nhân dân các huyện, thành phố triển khai đến Ủy ban nhân dân cấp xã."
        ),
        recipients=[To(organ=o["justice"]), To(organ=o["city"]), To(organ=o["ha_tien"])],
    )
    s.submit(at(13, "09:00"), directive, "chuyenvien.tinh", "lanhdao.tinh")
    s.complete(
        at(12, "16:00"), plan_city, "chuyenvien.rachgia", "Đã triển khai đến các phòng, ban."
    )
    s.approve(at(12, "08:30"), directive, "lanhdao.tinh")
    s.sign(at(12, "08:35"), directive, "lanhdao.tinh")
    s.issue(at(12, "10:00"), directive, "vanthu.tinh")

    # The province's answer to the ministry (through the exchange), drafted as its reply.
    answer = s.draft(
        at(12, "14:00"),
        author="chuyenvien.tinh",
        organ="province",
        signer="lanhdao.tinh",
        reply_to=asked,
        doc_type="report",
        summary=f"Tình hình thực hiện Nghị định số 30/2020/NĐ-CP về công tác văn thư năm {year}",
        drafting_unit=o["office"],
        body="Ủy ban nhân dân tỉnh báo cáo Bộ Nội vụ kết quả thực hiện công tác văn thư.",
    )
    s.submit(at(12, "15:00"), answer, "chuyenvien.tinh", "lanhdao.tinh")
    directive_city = s.arrived(directive, "city")
    s.register(at(11, "08:00"), directive_city, "vanthu.rachgia")
    s.register(at(11, "08:10"), s.arrived(directive, "justice"), "vanthu.stp")
    s.assign(at(11, "08:30"), directive_city, "lanhdao.rachgia", "chuyenvien.rachgia", days=5)
    s.start(at(11, "09:00"), directive_city, "chuyenvien.rachgia")
    forward = s.draft(
        at(11, "10:00"),
        author="chuyenvien.rachgia",
        organ="city",
        drafting_unit=o["city_office"],
        signer="lanhdao.rachgia",
        doc_type="official_letter",
        summary=f"Triển khai Chỉ thị số {directive.notation} của Ủy ban nhân dân tỉnh",
        body=(
            f"Thực hiện Chỉ thị số {directive.notation} của Ủy ban nhân dân tỉnh, Ủy ban nhân "
            "dân thành phố đề nghị Ủy ban nhân dân các phường, xã gửi, nhận văn bản điện tử có "
            "chữ ký số và báo cáo kết quả trong 04 ngày làm việc."
        ),
        recipients=[To(organ=o["ward"]), To(organ=o["ward2"]), To(organ=o["ward3"])],
    )
    s.submit(at(11, "10:30"), forward, "chuyenvien.rachgia", "lanhdao.rachgia")
    s.approve(at(11, "14:00"), answer, "lanhdao.tinh")
    s.sign(at(11, "14:05"), answer, "lanhdao.tinh")
    s.approve(at(10, "08:00"), forward, "lanhdao.rachgia")
    s.sign(at(10, "08:05"), forward, "lanhdao.rachgia")
    s.issue(at(10, "08:30"), answer, "vanthu.tinh")
    [line] = answer.recipients.all()
    s.do(
        at(10, "08:50"),
        services.recipient_mark_sent,
        recipient=line,
        exchange_ref=f"DEMO-{answer.notation}",
        at=at(10, "08:50"),
    )
    s.issue(at(10, "09:00"), forward, "vanthu.rachgia")
    s.complete(at(10, "15:00"), asked, "chuyenvien.tinh", f"Đã báo cáo Bộ ({answer.notation}).")

    # The ward registers the city's letter and reports back up.
    letter = s.arrived(forward, "ward")
    s.register(at(9, "08:00"), letter, "vanthu.vinhthanhvan")
    s.assign(at(9, "08:30"), letter, "lanhdao.vinhthanhvan", "congchuc.vinhthanhvan", days=4)
    s.start(at(9, "09:00"), letter, "congchuc.vinhthanhvan")
    s.complete(at(9, "16:00"), directive_city, "chuyenvien.rachgia", f"Đã gửi {forward.notation}.")

    # The Department of Justice replies to the province's plan.
    reply = s.draft(
        at(9, "09:00"),
        author="chuyenvien.stp",
        organ="justice",
        signer="lanhdao.stp",
        authority=HEAD,
        reply_to=plan_justice,
        doc_type="report",
        summary=f"Kết quả thực hiện Kế hoạch {plan.notation} của Ủy ban nhân dân tỉnh",
        body="Sở Tư pháp đã gửi, nhận 100% văn bản điện tử có chữ ký số.",
    )
    s.submit(at(9, "10:00"), reply, "chuyenvien.stp", "lanhdao.stp")
    report = s.draft(
        at(8, "14:00"),
        author="congchuc.vinhthanhvan",
        organ="ward",
        signer="lanhdao.vinhthanhvan",
        reply_to=letter,
        in_word=True,
        doc_type="report",
        summary="Kết quả gửi, nhận văn bản điện tử trên địa bàn phường",
        body="Ủy ban nhân dân phường đã triển khai đến các khu phố và công chức phường.",
    )
    s.submit(at(8, "15:00"), report, "congchuc.vinhthanhvan", "lanhdao.vinhthanhvan")
    s.approve(at(8, "08:00"), reply, "lanhdao.stp")
    s.sign(at(8, "08:10"), reply, "lanhdao.stp")
    s.issue(at(8, "09:00"), reply, "vanthu.stp")
    s.complete(at(8, "10:00"), plan_justice, "chuyenvien.stp", f"Đã báo cáo ({reply.notation}).")
    reply_arrived = s.arrived(reply, "province")
    s.register(at(8, "14:00"), reply_arrived, "vanthu.tinh")
    s.assign(at(8, "15:00"), reply_arrived, "lanhdao.tinh", "chuyenvien.tinh", days=2)
    s.start(at(7, "08:00"), reply_arrived, "chuyenvien.tinh")  # still open: overdue
    s.approve(at(7, "08:30"), report, "lanhdao.vinhthanhvan")
    s.sign(at(7, "09:00"), report, "lanhdao.vinhthanhvan")
    s.issue(at(7, "10:00"), report, "vanthu.vinhthanhvan")
    s.complete(at(7, "11:00"), letter, "congchuc.vinhthanhvan", f"Đã báo cáo ({report.notation}).")
    report_city = s.arrived(report, "city")
    s.register(at(6, "08:00"), report_city, "vanthu.rachgia")

    # Sent to the wrong organ: Rạch Giá refuses it.
    wrong = s.from_ministry(
        at(5, "09:00"),
        "city",
        "V/v thẩm định hồ sơ đề nghị khen thưởng của tỉnh Kiên Giang",
        f"{4300 + year % 100}/BNV-TĐKT",
    )
    s.do(
        at(5, "10:00"),
        services.refuse,
        incoming=wrong,
        actor=s.user("vanthu.rachgia"),
        reason="Văn bản gửi nhầm cơ quan: đề nghị gửi Ủy ban nhân dân tỉnh Kiên Giang.",
    )

    # Work in the lists: a letter signed at the department, waiting for its clerk.
    guidance = s.draft(
        at(3, "09:00"),
        author="chuyenvien.stp",
        organ="justice",
        signer="lanhdao.stp",
        authority=HEAD,
        doc_type="official_letter",
        summary="Hướng dẫn chứng thực bản sao điện tử từ bản chính",
        body="Sở Tư pháp hướng dẫn Ủy ban nhân dân cấp huyện, cấp xã thực hiện chứng thực.",
        recipients=[To(organ=o["city"]), To(organ=o["ha_tien"])],
    )
    s.submit(at(3, "09:30"), guidance, "chuyenvien.stp", "lanhdao.stp")
    s.approve(at(2, "08:00"), guidance, "lanhdao.stp")
    s.sign(at(2, "08:05"), guidance, "lanhdao.stp")

    # A paper letter registered at the province, waiting for the chairman's assignment.
    notation = f"{1500 + year % 100}/PCKG-KT"
    paper_summary = "V/v lịch tạm ngừng cung cấp điện để bảo trì lưới điện"
    company, manager = "Công ty Điện lực Kiên Giang", "Phạm Văn Tài"
    s.do(
        at(3, "10:00"),
        services.receive_paper,
        organ=o["province"],
        actor=s.user("vanthu.tinh"),
        sender_name=company,
        sender_notation=notation,
        sender_date=s.days[3],
        type_name="Công văn",
        summary=paper_summary,
        signer_name=manager,
        files=[
            (
                "ban-quet.pdf",
                s.letter(at(4, "08:00"), company, "Kiên Giang", notation, paper_summary, manager),
            )
        ],
    )

    # A notice waiting for the chairman's review; an invitation for the city chairman to sign.
    notice = s.draft(
        at(2, "09:00"),
        author="chuyenvien.tinh",
        organ="province",
        drafting_unit=o["office"],
        signer="lanhdao.tinh",
        doc_type="notice",
        summary="Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp về chuyển đổi số",
        body="Chủ tịch Ủy ban nhân dân tỉnh kết luận và giao nhiệm vụ cho các sở, ngành.",
        recipients=[To(organ=o["justice"]), To(organ=o["home_affairs"])],
    )
    s.submit(at(2, "10:00"), notice, "chuyenvien.tinh", "lanhdao.tinh")
    invitation = s.draft(
        at(2, "14:00"),
        author="chuyenvien.rachgia",
        organ="city",
        drafting_unit=o["city_office"],
        signer="lanhdao.rachgia",
        doc_type="invitation",
        summary="Mời dự hội nghị tập huấn sử dụng hệ thống quản lý văn bản",
        body="Ủy ban nhân dân thành phố trân trọng kính mời lãnh đạo và văn thư các phường.",
        recipients=[To(organ=o["ward"]), To(organ=o["ward2"]), To(organ=o["ward3"])],
    )
    s.submit(at(2, "14:30"), invitation, "chuyenvien.rachgia", "lanhdao.rachgia")
    s.approve(at(1, "09:00"), invitation, "lanhdao.rachgia")
    s.draft(
        at(1, "10:00"),
        author="congchuc.vinhthanhvan",
        organ="ward",
        signer="lanhdao.vinhthanhvan",
        doc_type="plan",
        summary="Tuyên truyền sử dụng dịch vụ công trực tuyến trên địa bàn phường",
        body="Ủy ban nhân dân phường xây dựng kế hoạch tuyên truyền.",
        recipients=[To(organ=o["city"])],
    )

    # Yesterday's package from the ministry, not registered yet.
    s.from_ministry(
        at(1, "15:30"),
        "province",
        f"V/v đăng ký nhu cầu đào tạo, bồi dưỡng cán bộ, công chức năm {year + 1}",
        f"{5200 + year % 100}/BNV-ĐT",
        urgency="urgent",
    )

    # The ward's report is assigned at the city so that it is due within the working day.
    when = s.due_soon_moment("city", 2, at(6, "08:30"))
    s.assign(when, report_city, "lanhdao.rachgia", "chuyenvien.rachgia", days=2)
