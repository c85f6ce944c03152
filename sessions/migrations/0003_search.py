"""Full-text search columns for sessions and reflections, on PostgreSQL only.

A stored generated tsvector (title weighted A above body B) and a GIN index per table. They are
plain SQL, not model fields, so SQLite (which has no tsvector) migrates to the same model state
and `makemigrations --check` stays clean. The search package reads the column by name.
Note: PostgreSQL refuses to change the type of a column that a generated column reads; a later
AlterField on one of these text columns must drop and re-add `search_vector` around it.
"""

from django.db import migrations

SEARCH_VECTORS = {
    "tracker_sessions_session": (
        "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')"
        " || setweight(to_tsvector('english'::regconfig, coalesce(abstract, '')), 'B')"
    ),
    "tracker_sessions_reflection": (
        "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')"
    ),
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
        ("tracker_sessions", "0002_notebooks"),
    ]

    operations = [
        migrations.RunPython(add_search_vectors, remove_search_vectors, elidable=False),
    ]
