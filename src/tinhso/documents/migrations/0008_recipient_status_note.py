"""The receiver's description with its latest status on a recipient line (a refusal's
reason, ADR 0017)."""

import importlib

from django.db import migrations, models

# Adding a column makes SQLite's schema editor rebuild the table, which drops its triggers:
# the immutability triggers of 0002 are put back (PostgreSQL keeps them) by 0006's function.
_restore_sqlite_triggers = importlib.import_module(
    "tinhso.documents.migrations.0006_take_back"
)._restore_sqlite_triggers


class Migration(migrations.Migration):
    dependencies = [("documents", "0007_search_lineage")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, _restore_sqlite_triggers),
        migrations.AddField(
            model_name="recipient",
            name="status_note",
            field=models.TextField(blank=True, verbose_name="ghi chú bên nhận"),
        ),
        migrations.RunPython(_restore_sqlite_triggers, migrations.RunPython.noop),
    ]
