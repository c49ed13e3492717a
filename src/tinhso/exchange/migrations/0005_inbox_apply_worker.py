"""The inbox accepts, a worker applies (ADR 0017): the inbox row gets its state, the message
log entry that keeps its bytes, the local recipients, and the worker's attempts. Rows received
before were applied at receipt: they become `applied`."""

from django.db import migrations, models

STATES = [
    ("accepted", "Đã nhận, chờ xử lý"),
    ("applied", "Đã xử lý"),
    ("refused", "Từ chối khi xử lý"),
    ("failed", "Xử lý lỗi, sẽ thử lại"),
    ("dead", "Ngừng xử lý"),
]


class Migration(migrations.Migration):
    dependencies = [("exchange", "0004_postal")]

    operations = [
        migrations.AddField(
            model_name="inboxmessage",
            name="attempts",
            field=models.PositiveIntegerField(default=0, verbose_name="số lần xử lý"),
        ),
        migrations.AddField(
            model_name="inboxmessage",
            name="last_error",
            field=models.TextField(blank=True, verbose_name="lỗi gần nhất"),
        ),
        migrations.AddField(
            model_name="inboxmessage",
            name="log_seq",
            field=models.PositiveBigIntegerField(
                blank=True, null=True, verbose_name="mục nhật ký (gói tin)"
            ),
        ),
        migrations.AddField(
            model_name="inboxmessage",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="xử lý lần tới lúc"),
        ),
        migrations.AddField(
            model_name="inboxmessage",
            name="recipient_id",
            field=models.CharField(blank=True, max_length=400, verbose_name="cơ quan nhận"),
        ),
        # Existing rows were applied when they were received.
        migrations.AddField(
            model_name="inboxmessage",
            name="state",
            field=models.CharField(
                choices=STATES, default="applied", max_length=10, verbose_name="tình trạng"
            ),
        ),
        migrations.AlterField(
            model_name="inboxmessage",
            name="state",
            field=models.CharField(
                choices=STATES, default="accepted", max_length=10, verbose_name="tình trạng"
            ),
        ),
        migrations.AddIndex(
            model_name="inboxmessage",
            index=models.Index(fields=["state", "next_attempt_at"], name="inbox_due"),
        ),
    ]
