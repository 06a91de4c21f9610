import django.db.models.deletion
from django.db import migrations, models

from models_registry import summary_triggers


class Migration(migrations.Migration):
    """The history indexed by registration and time, and the summaries' triggers put back (the
    summaries recounted): an insert counts its rows with their facts in one pass, and each
    registration's facts take one probe of its continuations and one of its history."""

    dependencies = [
        ('models_registry', '0021_unit_census_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='registrationevent',
            name='registration',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='models_registry.registration', verbose_name='mô hình'),
        ),
        migrations.AddIndex(
            model_name='registrationevent',
            index=models.Index(fields=['registration', 'at'], name='event_registration_at'),
        ),
        migrations.RunPython(summary_triggers.migrate_forwards, summary_triggers.migrate_backwards),
    ]
