"""Full-text search columns for readings, highlights, glossary terms and notes, on PostgreSQL
only.

A stored generated tsvector (titles weighted A above bodies B, a reading's source C) and a GIN
index per table. They are plain SQL, not model fields, so SQLite (which has no tsvector)
migrates to the same model state and `makemigrations --check` stays clean. The search package
reads the column by name.
Note: PostgreSQL refuses to change the type of a column that a generated column reads; a later
AlterField on one of these text columns must drop and re-add `search_vector` around it.
"""

from django.db import migrations


def _weighted(column: str, weight: str) -> str:
    return f"setweight(to_tsvector('english'::regconfig, coalesce({column}, '')), '{weight}')"


SEARCH_VECTORS = {
    "readings_reading": " || ".join(
        [_weighted("title", "A"), _weighted("summary", "B"), _weighted("source", "C")]
    ),
    "readings_highlight": " || ".join([_weighted("phrase", "A"), _weighted("comment", "B")]),
    "readings_glossaryterm": " || ".join([_weighted("name", "A"), _weighted("definition", "B")]),
    "readings_note": _weighted("body", "B"),
}


def add_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, expression in SEARCH_VECTORS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector"
            f" GENERATED ALWAYS AS ({expression}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {table}_search_gin ON {table} USING gin (search_vector)"
        )


def remove_search_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCH_VECTORS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_gin")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("readings", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(add_search_vectors, remove_search_vectors, elidable=False),
    ]
