import django.db.models.deletion
from django.db import migrations, models

from models_registry import placement_triggers


class Migration(migrations.Migration):
    """Each registration keeps its area's current province, so that a province's lists read one
    range of an index; the database keeps it (placement_triggers.py)."""

    dependencies = [
        ('models_registry', '0024_summaries_area_index_from_their_cells'),
    ]

    operations = [
        migrations.AddField(
            model_name='registration',
            name='current_province',
            field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='models_registry.adminarea', verbose_name='tỉnh hiện nay'),
        ),
        migrations.RunPython(placement_triggers.migrate_forwards, placement_triggers.migrate_backwards),
        migrations.AddIndex(
            model_name='registration',
            index=models.Index(fields=['current_province', 'year', 'id'], name='registration_province_year_id'),
        ),
    ]
