"""The search index of official documents (ADR 0009): `ExtractedText` (the text of stored
files by SHA-256) and `SearchEntry` (one row per outgoing and per incoming document), then the
full-text machinery that is not a model field:

- PostgreSQL: `vector`, a tsvector generated from the folded texts with the 'simple'
  configuration (metadata weight A, signer C, body and files B), and its GIN index. The text
  is folded in Python, so no `unaccent` extension is needed.
- SQLite: an FTS5 table over the same three columns (external content, so the text is stored
  once) kept current by triggers; where SQLite lacks FTS5 the search falls back to LIKE.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES = [
    """ALTER TABLE documents_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, meta), 'A')
        || setweight(to_tsvector('simple'::regconfig, signer), 'C')
        || setweight(to_tsvector('simple'::regconfig, content), 'B')) STORED""",
    "CREATE INDEX documents_search_vector ON documents_searchentry USING gin (vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS documents_search_vector",
    "ALTER TABLE documents_searchentry DROP COLUMN IF EXISTS vector",
]
FTS = "documents_searchentry_fts"
COLUMNS = "meta, signer, content"
SQLITE = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='documents_searchentry',
    content_rowid='id', tokenize='unicode61')""",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON documents_searchentry BEGIN
      INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, new.meta, new.signer, new.content);
    END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON documents_searchentry BEGIN
      INSERT INTO {FTS}({FTS}, rowid, {COLUMNS})
      VALUES ('delete', old.id, old.meta, old.signer, old.content);
    END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE ON documents_searchentry BEGIN
      INSERT INTO {FTS}({FTS}, rowid, {COLUMNS})
      VALUES ('delete', old.id, old.meta, old.signer, old.content);
      INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, new.meta, new.signer, new.content);
    END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _sqlite_has_fts5(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        return bool(cursor.fetchone()[0])


def _run(statements):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor == "sqlite" and not _sqlite_has_fts5(connection):
            return  # the search falls back to LIKE
        for statement in statements.get(connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0002_alter_administrativeunit_options'),
        ('documents', '0002_immutability_triggers'),
    ]

    operations = [
        migrations.CreateModel(
            name='ExtractedText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sha256', models.CharField(max_length=64, unique=True)),
                ('text', models.TextField(blank=True)),
                ('reason', models.CharField(blank=True, max_length=20)),
                ('pages', models.PositiveIntegerField(default=0)),
                ('ocr', models.BooleanField(default=False)),
                ('extracted_at', models.DateTimeField()),
            ],
            options={
                'verbose_name': 'nội dung tệp đã trích xuất',
                'verbose_name_plural': 'nội dung tệp đã trích xuất',
            },
        ),
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('direction', models.CharField(choices=[('out', 'Văn bản đi'), ('in', 'Văn bản đến')], max_length=3, verbose_name='loại')),
                ('doc_type', models.CharField(blank=True, max_length=30, verbose_name='loại văn bản')),
                ('type_name', models.CharField(blank=True, max_length=100, verbose_name='tên loại')),
                ('dated', models.DateField(verbose_name='ngày')),
                ('notation', models.CharField(blank=True, max_length=60, verbose_name='số, ký hiệu')),
                ('number', models.PositiveIntegerField(blank=True, null=True, verbose_name='số')),
                ('summary', models.CharField(max_length=500, verbose_name='trích yếu nội dung')),
                ('sender_name', models.CharField(blank=True, max_length=300, verbose_name='cơ quan gửi')),
                ('state', models.CharField(max_length=12, verbose_name='trạng thái')),
                ('urgency', models.CharField(max_length=12, verbose_name='độ khẩn')),
                ('confidentiality', models.CharField(max_length=12, verbose_name='độ mật')),
                ('meta', models.TextField()),
                ('signer', models.CharField(blank=True, max_length=200)),
                ('content', models.TextField(blank=True)),
                ('notices', models.JSONField(blank=True, default=list)),
                ('indexed_at', models.DateTimeField()),
                ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='directory.official')),
                ('document', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='search_entry', to='documents.document')),
                ('drafting_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='directory.organ')),
                ('incoming', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='search_entry', to='documents.incomingdocument')),
                ('organ', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='directory.organ', verbose_name='cơ quan')),
            ],
            options={
                'verbose_name': 'mục chỉ mục tìm kiếm',
                'verbose_name_plural': 'chỉ mục tìm kiếm văn bản',
                'indexes': [models.Index(fields=['organ', 'dated'], name='documents_search_organ_dated'), models.Index(fields=['dated', 'id'], name='documents_search_dated')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('direction', 'out'), ('document__isnull', False), ('incoming__isnull', True)), models.Q(('direction', 'in'), ('document__isnull', True), ('incoming__isnull', False)), _connector='OR'), name='search_entry_has_one_subject'), models.CheckConstraint(condition=models.Q(('confidentiality', 'none'), ('content', ''), _connector='OR'), name='search_entry_classified_metadata_only')],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
