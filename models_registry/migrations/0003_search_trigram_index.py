"""On PostgreSQL, a trigram index lets the accent-free search (LIKE '%…%' on search_text)
use an index instead of scanning every registration. SQLite has no equivalent; it scans."""
from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registration_search_trgm ON models_registry_registration "
    "USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS registration_search_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("models_registry", "0002_reference_data")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
