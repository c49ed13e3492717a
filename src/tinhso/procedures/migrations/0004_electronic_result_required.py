from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0003_fee_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="electronic_result_required",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Hồ sơ trực tuyến của thủ tục này chỉ được tính là trực tuyến (chỉ số 3.3) "
                    "khi đã cấp kết quả điện tử."
                ),
                verbose_name="phải trả kết quả điện tử",
            ),
        ),
    ]
