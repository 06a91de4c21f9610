from django.db import migrations

from models_registry import award_summary_triggers, summary_triggers


def replace_triggers(apps, schema_editor):
    # The same counts, counted otherwise: the triggers are replaced and nothing is recounted (a
    # recount of 5,000,000 registrations takes half an hour). SQLite's are put back after every
    # migrate anyway (drop_before_migrate).
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for module in (summary_triggers, award_summary_triggers):
                for statement in [*module.postgresql_backwards(), *module.postgresql_forwards()]:
                    cursor.execute(statement)


class Migration(migrations.Migration):
    """The summaries' triggers plan a statement of many rows afresh for its own sizes, instead of
    with the plans kept from the connection's first, often one-row, statement; and remove the
    cells an update or a delete emptied by the ids their upsert returns, instead of looking them
    up again from the statement's rows. An update of every area took minutes; now under a second."""

    dependencies = [
        ('models_registry', '0022_summary_facts_in_one_pass'),
    ]

    operations = [
        migrations.RunPython(replace_triggers, replace_triggers),
    ]
