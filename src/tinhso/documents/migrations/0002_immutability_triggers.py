"""Database triggers that refuse to change an issued or cancelled document, its recipient
lines or its files, whatever code runs the UPDATE or INSERT (a bulk `QuerySet.update` skips
the models' `save` guards). Deletes are left to the models' guards and PROTECT foreign keys, so
that test flushes (DELETE on SQLite) keep working."""

from django.db import migrations

FINAL = "('issued', 'cancelled')"
DOCUMENT_COLUMNS = [
    "organ_id", "drafting_unit_id", "doc_type", "legal_normative", "summary", "body", "place",
    "urgency", "confidentiality", "signer_id", "signing_marker", "on_behalf_of", "signer_title",
    "copies", "state", "register_id", "number", "notation", "issued_on", "issued_at",
    "issued_by_id", "signed_by_id", "signed_at", "signature_kind", "corrects_id",
    "correction_kind", "in_reply_to_id", "created_by_id", "created_at",
]
RECIPIENT_COLUMNS = ["document_id", "order", "channel", "organ_id", "identifier", "name"]


def _q(column):
    return f'"{column}"'


def _sqlite_changed(columns):
    return " OR ".join(f"NEW.{_q(c)} IS NOT OLD.{_q(c)}" for c in columns)


def _pg_row(prefix, columns):
    return "ROW(" + ", ".join(f"{prefix}.{_q(c)}" for c in columns) + ")"


SQLITE = [
    f"""CREATE TRIGGER documents_document_immutable BEFORE UPDATE ON documents_document
    FOR EACH ROW WHEN OLD.state IN {FINAL} AND ({_sqlite_changed(DOCUMENT_COLUMNS)})
    BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END""",
    f"""CREATE TRIGGER documents_recipient_immutable BEFORE UPDATE ON documents_recipient
    FOR EACH ROW WHEN (SELECT state FROM documents_document WHERE id = OLD.document_id)
    IN {FINAL} AND ({_sqlite_changed(RECIPIENT_COLUMNS)})
    BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END""",
    f"""CREATE TRIGGER documents_recipient_frozen BEFORE INSERT ON documents_recipient
    FOR EACH ROW WHEN (SELECT state FROM documents_document WHERE id = NEW.document_id)
    IN {FINAL}
    BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END""",
    """CREATE TRIGGER documents_file_immutable BEFORE UPDATE ON documents_documentfile
    FOR EACH ROW BEGIN SELECT RAISE(ABORT, 'document files are immutable'); END""",
    f"""CREATE TRIGGER documents_file_frozen BEFORE INSERT ON documents_documentfile
    FOR EACH ROW WHEN (SELECT state FROM documents_document WHERE id = NEW.document_id)
    IN {FINAL}
    BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS documents_document_immutable",
    "DROP TRIGGER IF EXISTS documents_recipient_immutable",
    "DROP TRIGGER IF EXISTS documents_recipient_frozen",
    "DROP TRIGGER IF EXISTS documents_file_immutable",
    "DROP TRIGGER IF EXISTS documents_file_frozen",
]

POSTGRES = [
    f"""CREATE FUNCTION documents_document_immutable() RETURNS trigger AS $$
    BEGIN
      IF OLD.state IN {FINAL} AND
         {_pg_row("NEW", DOCUMENT_COLUMNS)} IS DISTINCT FROM {_pg_row("OLD", DOCUMENT_COLUMNS)}
      THEN RAISE EXCEPTION 'issued documents are immutable (document %)', OLD.id;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER documents_document_immutable BEFORE UPDATE ON documents_document
    FOR EACH ROW EXECUTE FUNCTION documents_document_immutable()""",
    f"""CREATE FUNCTION documents_recipient_immutable() RETURNS trigger AS $$
    BEGIN
      IF (SELECT state FROM documents_document WHERE id = NEW.document_id) IN {FINAL} AND
         (TG_OP = 'INSERT' OR
          {_pg_row("NEW", RECIPIENT_COLUMNS)} IS DISTINCT FROM {_pg_row("OLD", RECIPIENT_COLUMNS)})
      THEN RAISE EXCEPTION 'issued documents are immutable (document %)', NEW.document_id;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER documents_recipient_immutable BEFORE INSERT OR UPDATE
    ON documents_recipient FOR EACH ROW EXECUTE FUNCTION documents_recipient_immutable()""",
    f"""CREATE FUNCTION documents_file_immutable() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'document files are immutable (file %)', OLD.id;
      END IF;
      IF (SELECT state FROM documents_document WHERE id = NEW.document_id) IN {FINAL} THEN
        RAISE EXCEPTION 'issued documents are immutable (document %)', NEW.document_id;
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER documents_file_immutable BEFORE INSERT OR UPDATE
    ON documents_documentfile FOR EACH ROW EXECUTE FUNCTION documents_file_immutable()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS documents_document_immutable ON documents_document",
    "DROP FUNCTION IF EXISTS documents_document_immutable()",
    "DROP TRIGGER IF EXISTS documents_recipient_immutable ON documents_recipient",
    "DROP FUNCTION IF EXISTS documents_recipient_immutable()",
    "DROP TRIGGER IF EXISTS documents_file_immutable ON documents_documentfile",
    "DROP FUNCTION IF EXISTS documents_file_immutable()",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for statement in statements.get(vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
