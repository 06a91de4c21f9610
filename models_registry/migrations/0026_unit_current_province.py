import django.db.models.deletion
from django.db import migrations, models

from models_registry import placement_triggers


class Migration(migrations.Migration):
    """Units and the units' summary keep their area's current province too, so that a province's
    report counts its units from one range of an index each; the database keeps it
    (placement_triggers.py). The copies are filled before the indexes are built."""

    dependencies = [
        ('models_registry', '0025_registration_current_province'),
    ]

    operations = [
        migrations.AddField(
            model_name='unit',
            name='current_province',
            field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='models_registry.adminarea', verbose_name='tỉnh hiện nay'),
        ),
        migrations.AddField(
            model_name='unityearsummary',
            name='current_province',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='models_registry.adminarea', verbose_name='tỉnh hiện nay'),
        ),
        migrations.RunPython(placement_triggers.migrate_forwards, placement_triggers.migrate_backwards),
        migrations.AddIndex(
            model_name='unit',
            index=models.Index(fields=['current_province', 'kind'], include=('id', 'is_active', 'opened_on', 'closed_on'), name='unit_province_census'),
        ),
        migrations.AddIndex(
            model_name='unityearsummary',
            index=models.Index(fields=['current_province', 'year'], include=('unit', 'status'), name='unit_year_summary_province'),
        ),
    ]
