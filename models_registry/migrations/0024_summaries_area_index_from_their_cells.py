import django.db.models.deletion
from django.db import migrations, models

from models_registry import award_summary_triggers, summary_triggers


def drop_sqlite_triggers(apps, schema_editor):
    # SQLite rebuilds each summary table here, and refuses to rename the copy into place while a
    # trigger names the table (`drop_before_migrate`). `migrate` drops them before it starts and
    # puts them back after; a migration run by its executor alone, backwards too, needs this.
    for triggers in (summary_triggers, award_summary_triggers):
        triggers.drop_before_migrate(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    """No summary keeps an index of the area alone: each one's unique cell (or its area index)
    leads with the area, and the planner had taken the area-only index and filtered the years after it."""

    dependencies = [
        ('models_registry', '0023_summaries_prune_by_returned_ids'),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='areakindsummary',
            name='area',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='models_registry.adminarea', verbose_name='địa bàn'),
        ),
        migrations.AlterField(
            model_name='areayearsummary',
            name='area',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='models_registry.adminarea', verbose_name='địa bàn'),
        ),
        migrations.AlterField(
            model_name='commendationsummary',
            name='area',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='models_registry.adminarea', verbose_name='địa bàn'),
        ),
        migrations.AlterField(
            model_name='proposalsummary',
            name='area',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='models_registry.adminarea', verbose_name='địa bàn'),
        ),
        migrations.AlterField(
            model_name='registrationdaysummary',
            name='area',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='models_registry.adminarea', verbose_name='địa bàn'),
        ),
        migrations.AlterField(
            model_name='registrationsummary',
            name='area',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='models_registry.adminarea', verbose_name='địa bàn'),
        ),
        migrations.AlterField(
            model_name='unityearsummary',
            name='area',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='models_registry.adminarea', verbose_name='địa bàn'),
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_sqlite_triggers),
    ]
