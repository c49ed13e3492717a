# The hash-chained message log (issue 5, item 4; docs/adr/0012-exchange-node.md).

from django.db import migrations, models

GENESIS = "0" * 64


def make_head(apps, schema_editor):
    apps.get_model("exchange", "MessageLogHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="MessageLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveBigIntegerField(unique=True, verbose_name="số thứ tự")),
                ("at", models.DateTimeField(db_index=True, verbose_name="thời điểm")),
                ("direction", models.CharField(choices=[("sent", "Đã gửi"), ("received", "Đã nhận"), ("duplicate", "Nhận trùng"), ("refused", "Từ chối")], max_length=10, verbose_name="chiều")),
                ("message_id", models.UUIDField(blank=True, db_index=True, null=True, verbose_name="mã gói tin")),
                ("kind", models.CharField(blank=True, max_length=10, verbose_name="loại")),
                ("sender_id", models.CharField(blank=True, db_index=True, max_length=35, verbose_name="cơ quan gửi")),
                ("recipient_id", models.CharField(blank=True, db_index=True, max_length=400, verbose_name="cơ quan nhận")),
                ("peer", models.CharField(blank=True, max_length=60, verbose_name="nút liên thông")),
                ("document_id", models.CharField(blank=True, db_index=True, max_length=300, verbose_name="DocumentId")),
                ("package_sha256", models.CharField(blank=True, max_length=64, verbose_name="băm gói tin (SHA-256)")),
                ("size", models.PositiveBigIntegerField(default=0, verbose_name="kích thước (byte)")),
                ("code", models.IntegerField(default=0, verbose_name="mã LGSP")),
                ("detail", models.TextField(blank=True, verbose_name="kết quả, lý do")),
                ("package_in", models.CharField(blank=True, choices=[("", "Không lưu"), ("log", "Trong nhật ký"), ("outbox", "Trong hộp thư đi")], max_length=10, verbose_name="nơi lưu gói tin")),
                ("data", models.BinaryField(blank=True, null=True, verbose_name="gói tin")),
                ("prev_hash", models.CharField(max_length=64, verbose_name="băm mắt xích trước")),
                ("chain_hash", models.CharField(max_length=64, verbose_name="băm mắt xích")),
            ],
            options={
                "verbose_name": "nhật ký gói tin",
                "verbose_name_plural": "nhật ký gói tin",
                "ordering": ["-seq"],
            },
        ),
        migrations.CreateModel(
            name="MessageLogHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last_seq", models.PositiveBigIntegerField(default=0)),
                ("last_hash", models.CharField(default=GENESIS, max_length=64)),
                ("anchor_seq", models.PositiveBigIntegerField(default=0)),
                ("anchor_hash", models.CharField(default=GENESIS, max_length=64)),
                ("pruned_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "đầu chuỗi nhật ký gói tin",
                "verbose_name_plural": "đầu chuỗi nhật ký gói tin",
            },
        ),
        migrations.RunPython(make_head, migrations.RunPython.noop),
    ]
