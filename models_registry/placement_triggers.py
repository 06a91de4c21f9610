"""The database triggers that keep each registration's, unit's and unit summary cell's copy of its
area's current province (`current_province`) equal to the area's own.

A province's list reads that copy from one index (current_province, year, id) instead of joining
every registration of the country to its area; a province's report counts its units, and those
registered among them, from one range of the units' and of the unit summary's indexes each instead
of one probe per area of the province (651 of them, old and new). The copy is set by the database on
every path that writes a row or moves an area: a form's save, the import's COPY, the admin, a raw
UPDATE, the summary triggers' new cells, and an area given to another province (which rewrites the
copies of the rows in it). A value written by the application, a stale one read before the move
included, is replaced.

On PostgreSQL a BEFORE row trigger sets the column as the row is written, so a row is never
stored with a wrong copy; on SQLite, which has no BEFORE trigger that can change the row, an AFTER
trigger corrects it in the same statement. As with the summaries (summary_triggers.py), the
triggers are installed by their migration on PostgreSQL, on SQLite dropped before every `migrate`
and put back after it, and on both checked after every `migrate` and put back, with the copies
refilled, when missing.
"""
from django.db import connections, transaction

from .summary_triggers import AREA, REGISTRATION, UNIT_SUMMARY, execute_all, triggers_present

UNIT = "models_registry_unit"
# Each table that keeps a copy of its rows' area's current province, by the name its triggers start
# with: the registrations (a province's lists), the units and the units' summary (a report's census
# of a province's units, and the units registered among them).
PLACED = {"registration": REGISTRATION, "unit": UNIT, "unit_summary": UNIT_SUMMARY}
COLUMN = "current_province_id"

# The area's current province, for the row `row` ("NEW" in a trigger).
_PROVINCE_OF = f"(SELECT current_province_id FROM {AREA} WHERE id = {{row}}.area_id)"


def _postgresql_forwards(name, table):
    return [
        f"""CREATE FUNCTION {name}_placement() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.current_province_id := {_PROVINCE_OF.format(row="NEW")};
            RETURN NEW;
        END $$;""",
        f"CREATE TRIGGER {name}_placement BEFORE INSERT OR UPDATE OF area_id, current_province_id "
        f"ON {table} FOR EACH ROW EXECUTE FUNCTION {name}_placement();",
        f"""CREATE FUNCTION {name}_placement_areas() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {table} SET current_province_id = NEW.current_province_id
            WHERE area_id = NEW.id AND current_province_id IS DISTINCT FROM NEW.current_province_id;
            RETURN NULL;
        END $$;""",
        f"CREATE TRIGGER {name}_placement_areas AFTER UPDATE OF current_province_id ON {AREA} FOR EACH ROW "
        f"WHEN (OLD.current_province_id IS DISTINCT FROM NEW.current_province_id) "
        f"EXECUTE FUNCTION {name}_placement_areas();",
    ]


def _postgresql_backwards(name, table):
    return [
        f"DROP TRIGGER IF EXISTS {name}_placement ON {table};",
        f"DROP TRIGGER IF EXISTS {name}_placement_areas ON {AREA};",
        f"DROP FUNCTION IF EXISTS {name}_placement();",
        f"DROP FUNCTION IF EXISTS {name}_placement_areas();",
    ]


def _sqlite_forwards(name, table):
    province = _PROVINCE_OF.format(row="NEW")
    correct = (f"WHEN NEW.current_province_id IS NOT {province} BEGIN "
               f"UPDATE {table} SET current_province_id = {province} WHERE id = NEW.id; END;")
    return [
        f"CREATE TRIGGER {name}_placement_insert AFTER INSERT ON {table} {correct}",
        f"CREATE TRIGGER {name}_placement_update AFTER UPDATE OF area_id, current_province_id ON {table} {correct}",
        f"CREATE TRIGGER {name}_placement_areas AFTER UPDATE OF current_province_id ON {AREA} "
        f"WHEN OLD.current_province_id IS NOT NEW.current_province_id BEGIN "
        f"UPDATE {table} SET current_province_id = NEW.current_province_id WHERE area_id = NEW.id; END;",
    ]


def _sqlite_backwards(name, table):
    return [f"DROP TRIGGER IF EXISTS {trigger};" for trigger in _triggers("sqlite", name, table)]


def _triggers(vendor, name, table):
    """The triggers of one placed table → the table each is on."""
    if vendor == "postgresql":
        return {f"{name}_placement": table, f"{name}_placement_areas": AREA}
    return {f"{name}_placement_insert": table, f"{name}_placement_update": table, f"{name}_placement_areas": AREA}


FORWARDS = {"postgresql": _postgresql_forwards, "sqlite": _sqlite_forwards}
BACKWARDS = {"postgresql": _postgresql_backwards, "sqlite": _sqlite_backwards}
# "IS NOT" compares NULLs on SQLite; PostgreSQL spells it IS DISTINCT FROM.
DISTINCT = {"postgresql": "IS DISTINCT FROM", "sqlite": "IS NOT"}


def backwards(vendor):
    """The statements that drop every placement trigger (those of a table not placed yet included)."""
    return [statement for name, table in PLACED.items() for statement in BACKWARDS[vendor](name, table)]


def _fill(vendor, table):
    province = _PROVINCE_OF.format(row=table)
    return (f"UPDATE {table} SET current_province_id = {province} "
            f"WHERE current_province_id {DISTINCT[vendor]} {province}")


def _placed(connection):
    """The placed tables that have their copy's column: before its migration, a table has not."""
    tables = set(connection.introspection.table_names())
    found = {}
    with connection.cursor() as cursor:
        for name, table in PLACED.items():
            if table in tables and COLUMN in {
                    column.name for column in connection.introspection.get_table_description(cursor, table)}:
                found[name] = table
    return found


def install(connection):
    """Create the triggers and set the copies of the rows already there, in one transaction."""
    vendor = connection.vendor
    statements = backwards(vendor)
    for name, table in _placed(connection).items():
        statements += [_fill(vendor, table), *FORWARDS[vendor](name, table)]
    with transaction.atomic(using=connection.alias):
        execute_all(connection, statements)


def installed(connection, tables=None):
    tables = _placed(connection) if tables is None else tables
    triggers = {}
    for name, table in tables.items():
        triggers.update(_triggers(connection.vendor, name, table))
    return triggers_present(connection, triggers)


def mismatches(using="default"):
    """How many rows of the placed tables hold another province than their area's current one (0: exact)."""
    connection = connections[using]
    total = 0
    with connection.cursor() as cursor:
        for table in _placed(connection).values():
            cursor.execute(f"SELECT count(*) FROM {table} r JOIN {AREA} a ON a.id = r.area_id "
                           f"WHERE r.current_province_id {DISTINCT[connection.vendor]} a.current_province_id")
            total += cursor.fetchone()[0]
    return total


def ensure_installed(using="default", **_signal_arguments):
    connection = connections[using]
    if connection.vendor in FORWARDS:
        tables = _placed(connection)
        if tables and not installed(connection, tables):
            install(connection)


def drop_before_migrate(using="default", **_signal_arguments):
    """On SQLite, the triggers go before a migrate and come back after it, for the reason the
    summaries' do (summary_triggers.drop_before_migrate)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        execute_all(connection, backwards("sqlite"))


def migrate_forwards(apps, schema_editor):
    # On SQLite, later migrations of the same run may rebuild the tables: ensure_installed installs
    # once they all have run.
    if schema_editor.connection.vendor != "sqlite":
        install(schema_editor.connection)


def migrate_backwards(apps, schema_editor):
    execute_all(schema_editor.connection, backwards(schema_editor.connection.vendor))
