"""The ranked public search: each name's words as typed and folded (`search_title`), and a
partial index that reads the newest published models first (a broad search's best tier)."""
from django.db import migrations, models

from models_registry.text import title_key

BATCH = 2000


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
    ]
