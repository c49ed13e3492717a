# The postal simulator's shipments (issue 6, item 5; docs/adr/0015-postal-service.md).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchange", "0003_national")]

    operations = [
        migrations.CreateModel(
            name="SimulatedShipment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "tracking_number",
                    models.CharField(max_length=13, unique=True, verbose_name="số hiệu bưu gửi"),
                ),
                (
                    "order_code",
                    models.CharField(max_length=60, unique=True, verbose_name="mã đơn của bên gửi"),
                ),
                ("request", models.JSONField(verbose_name="yêu cầu")),
                (
                    "status",
                    models.CharField(default="accepted", max_length=12, verbose_name="trạng thái"),
                ),
                ("history", models.JSONField(default=list, verbose_name="hành trình")),
                ("fee", models.PositiveIntegerField(default=0, verbose_name="cước (đồng)")),
                (
                    "callback_url",
                    models.CharField(
                        blank=True, max_length=300, verbose_name="địa chỉ nhận thông báo"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="tạo lúc")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="cập nhật lúc")),
            ],
            options={
                "verbose_name": "bưu gửi (mô phỏng)",
                "verbose_name_plural": "bưu gửi (mô phỏng)",
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
