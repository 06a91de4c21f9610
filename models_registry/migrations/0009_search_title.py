"""The ranked public search: each name's words as typed and folded (`search_title`), a partial
index that reads each relevance tier of published models newest first, and on PostgreSQL a
trigram index on the title words so a narrow title tier is found without a scan."""
from django.db import migrations, models

from models_registry.text import title_key

BATCH = 2000
TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registration_title_trgm ON models_registry_registration "
    "USING gin (search_title gin_trgm_ops)",
]
DROP_TRIGRAM = ["DROP INDEX IF EXISTS registration_title_trgm"]


def fill_titles(apps, schema_editor):
    Registration = apps.get_model("models_registry", "Registration")
    batch = []
    for row in Registration.objects.only("pk", "name").iterator(chunk_size=BATCH):
        row.search_title = title_key(row.name)
        batch.append(row)
        if len(batch) == BATCH:
            Registration.objects.bulk_update(batch, ["search_title"])
            batch = []
    Registration.objects.bulk_update(batch, ["search_title"])


def postgres_only(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("models_registry", "0008_verification_codes_and_prerequisites")]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="search_title",
            field=models.CharField(blank=True, default="", editable=False, max_length=520),
        ),
        migrations.RunPython(fill_titles, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                condition=models.Q(("status__in", ("accepted", "completed", "commended"))),
                fields=["year", "id"],
                name="registration_published_recent",
            ),
        ),
        migrations.RunPython(postgres_only(TRIGRAM), postgres_only(DROP_TRIGRAM)),
    ]
