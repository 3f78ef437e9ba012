"""PostgreSQL only: trigram similarity and a weighted full-text search vector.

The vector is kept by a trigger so that every write path (admin, API, kb_load,
queryset.update) keeps it in step. On SQLite this migration does nothing; search
there falls back to substring matching.
"""

from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE OR REPLACE FUNCTION kb_errorcode_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('simple', coalesce(NEW.code, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW.meaning, '')), 'C') ||
    setweight(to_tsvector('english', coalesce(NEW.symptoms, '')), 'D');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER kb_errorcode_search_vector_update
  BEFORE INSERT OR UPDATE OF code, title, summary, meaning, symptoms
  ON kb_errorcode FOR EACH ROW EXECUTE FUNCTION kb_errorcode_search_vector();

CREATE INDEX kb_errorcode_search_gin ON kb_errorcode USING gin (search_vector);
CREATE INDEX kb_errorcode_code_trgm ON kb_errorcode USING gin (code_key gin_trgm_ops);
CREATE INDEX kb_errorcode_title_trgm ON kb_errorcode USING gin (lower(title) gin_trgm_ops);
"""

BACKWARD = """
DROP INDEX IF EXISTS kb_errorcode_title_trgm;
DROP INDEX IF EXISTS kb_errorcode_code_trgm;
DROP INDEX IF EXISTS kb_errorcode_search_gin;
DROP TRIGGER IF EXISTS kb_errorcode_search_vector_update ON kb_errorcode;
DROP FUNCTION IF EXISTS kb_errorcode_search_vector();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
