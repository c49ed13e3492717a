# Shipments by the public postal service (issue 6, item 5; docs/adr/0015-postal-service.md).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0004_dossier_dossier_online_by_offering"),
    ]

    operations = [
        migrations.CreateModel(
            name="Shipment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "direction",
                    models.CharField(
                        choices=[
                            ("out", "Trả kết quả qua bưu chính"),
                            ("in", "Nhận hồ sơ qua bưu chính"),
                        ],
                        max_length=3,
                        verbose_name="chiều",
                    ),
                ),
                (
                    "reference",
                    models.CharField(
                        max_length=60, unique=True, verbose_name="mã đơn gửi bưu chính"
                    ),
                ),
                (
                    "tracking_number",
                    models.CharField(
                        blank=True, db_index=True, max_length=40, verbose_name="số hiệu bưu gửi"
                    ),
                ),
                (
                    "recipient_name",
                    models.CharField(blank=True, max_length=200, verbose_name="người nhận"),
                ),
                (
                    "phone",
                    models.CharField(
                        blank=True, max_length=20, verbose_name="điện thoại người nhận"
                    ),
                ),
                (
                    "address",
                    models.CharField(blank=True, max_length=300, verbose_name="địa chỉ nhận"),
                ),
                ("ward", models.CharField(blank=True, max_length=100, verbose_name="xã/phường")),
                (
                    "province",
                    models.CharField(blank=True, max_length=100, verbose_name="tỉnh/thành phố"),
                ),
                (
                    "description",
                    models.CharField(blank=True, max_length=300, verbose_name="nội dung bưu gửi"),
                ),
                (
                    "declared_value",
                    models.PositiveIntegerField(default=0, verbose_name="giá trị khai giá (đồng)"),
                ),
                (
                    "cod_amount",
                    models.PositiveIntegerField(default=0, verbose_name="tiền thu hộ (đồng)"),
                ),
                ("fee", models.PositiveIntegerField(default=0, verbose_name="cước (đồng)")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("to_request", "Chờ gửi yêu cầu cho bưu chính"),
                            ("failed", "Bưu chính từ chối, cần sửa địa chỉ"),
                            ("accepted", "Bưu chính đã nhận gửi"),
                            ("in_transit", "Đang vận chuyển"),
                            ("delivered", "Đã phát thành công"),
                            ("returned", "Chuyển hoàn về cơ quan"),
                            ("cancelled", "Đã hủy"),
                            ("received", "Đã nhận hồ sơ qua bưu chính"),
                        ],
                        max_length=12,
                        verbose_name="tình trạng",
                    ),
                ),
                ("history", models.JSONField(default=list, verbose_name="hành trình")),
                (
                    "attempts",
                    models.PositiveIntegerField(default=0, verbose_name="số lần gửi yêu cầu"),
                ),
                (
                    "next_attempt_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="gửi lại lúc"),
                ),
                ("last_error", models.TextField(blank=True, verbose_name="lỗi gần nhất")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="tạo lúc")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="cập nhật lúc")),
                (
                    "dossier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="shipments",
                        to="dossiers.dossier",
                        verbose_name="hồ sơ",
                    ),
                ),
            ],
            options={
                "verbose_name": "bưu gửi",
                "verbose_name_plural": "bưu gửi",
                "ordering": ["dossier", "created_at", "pk"],
                "indexes": [models.Index(fields=["state", "next_attempt_at"], name="shipment_due")],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(
                            ("direction", "out"), models.Q(("tracking_number", ""), _negated=True)
                        ),
                        fields=("tracking_number",),
                        name="shipment_out_tracking_unique",
                    )
                ],
            },
        ),
    ]
