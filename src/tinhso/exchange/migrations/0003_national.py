# The national adapters (issue 5, item 6; docs/adr/0014-national-adapters.md): the queue of
# pushes to the national public-service portal and the DVCQG simulator's rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchange", "0002_message_log")]

    operations = [
        migrations.CreateModel(
            name="SimulatedPortalDossier",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40, unique=True, verbose_name="mã hồ sơ")),
                ("data", models.JSONField(verbose_name="dữ liệu hồ sơ")),
                ("status", models.PositiveSmallIntegerField(verbose_name="trạng thái")),
                ("received_at", models.DateTimeField(auto_now_add=True, verbose_name="nhận lần đầu lúc")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="cập nhật lúc")),
            ],
            options={
                "verbose_name": "hồ sơ trên Cổng DVC quốc gia (mô phỏng)",
                "verbose_name_plural": "hồ sơ trên Cổng DVC quốc gia (mô phỏng)",
                "ordering": ["-updated_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="SimulatedPortalMessage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("message_id", models.UUIDField(unique=True)),
                ("service", models.CharField(max_length=30)),
                ("code", models.CharField(db_index=True, max_length=40)),
                ("data", models.JSONField()),
                ("received_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "thông điệp Cổng DVC quốc gia nhận (mô phỏng)",
                "verbose_name_plural": "thông điệp Cổng DVC quốc gia nhận (mô phỏng)",
                "ordering": ["received_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="NationalPush",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("message_id", models.UUIDField(unique=True, verbose_name="mã thông điệp")),
                ("kind", models.CharField(choices=[("dossier", "Đồng bộ hồ sơ"), ("progress", "Cập nhật tiến độ")], max_length=10, verbose_name="loại")),
                ("dossier_code", models.CharField(max_length=40, verbose_name="mã hồ sơ")),
                ("source_ref", models.CharField(blank=True, max_length=100, verbose_name="nguồn")),
                ("body", models.JSONField(verbose_name="nội dung gửi")),
                ("state", models.CharField(choices=[("pending", "Chờ gửi"), ("sent", "Đã gửi"), ("failed", "Gửi lỗi, sẽ thử lại"), ("dead", "Ngừng gửi")], default="pending", max_length=10, verbose_name="tình trạng")),
                ("attempts", models.PositiveIntegerField(default=0, verbose_name="số lần gửi")),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="gửi lần tới lúc")),
                ("last_error", models.TextField(blank=True, verbose_name="lỗi gần nhất")),
                ("answer", models.JSONField(blank=True, null=True, verbose_name="trả lời của Cổng")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="tạo lúc")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="gửi lúc")),
            ],
            options={
                "verbose_name": "thông điệp gửi Cổng DVC quốc gia",
                "verbose_name_plural": "thông điệp gửi Cổng DVC quốc gia",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["state", "next_attempt_at"], name="national_push_due"),
                    models.Index(fields=["dossier_code", "kind", "state"], name="national_push_dossier"),
                ],
            },
        ),
    ]
