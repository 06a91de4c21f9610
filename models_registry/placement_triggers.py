"""The database triggers that keep each registration's copy of its area's current province
(Registration.current_province) equal to the area's own.

A province's list reads that copy from one index (current_province, year, id) instead of joining
every registration of the country to its area. The copy is set by the database on every path that
writes a registration or moves an area: a form's save, the import's COPY, the admin, a raw UPDATE,
and an area given to another province (which rewrites the copies of the registrations in it). A
value written by the application, a stale one read before the move included, is replaced.

On PostgreSQL a BEFORE row trigger sets the column as the row is written, so a row is never
stored with a wrong copy; on SQLite, which has no BEFORE trigger that can change the row, an AFTER
trigger corrects it in the same statement. As with the summaries (summary_triggers.py), the
triggers are installed by their migration on PostgreSQL, on SQLite dropped before every `migrate`
and put back after it, and on both checked after every `migrate` and put back, with the copies
refilled, when missing.
"""
from django.db import connections, transaction

from .summary_triggers import AREA, REGISTRATION, execute_all, triggers_present

# The area's current province, for the registration row `row` ("NEW" in a trigger).
_PROVINCE_OF = f"(SELECT current_province_id FROM {AREA} WHERE id = {{row}}.area_id)"


def postgresql_forwards():
    return [
        f"""CREATE FUNCTION registration_placement() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.current_province_id := {_PROVINCE_OF.format(row="NEW")};
            RETURN NEW;
        END $$;""",
        f"CREATE TRIGGER registration_placement BEFORE INSERT OR UPDATE OF area_id, current_province_id "
        f"ON {REGISTRATION} FOR EACH ROW EXECUTE FUNCTION registration_placement();",
        f"""CREATE FUNCTION registration_placement_areas() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {REGISTRATION} SET current_province_id = NEW.current_province_id
            WHERE area_id = NEW.id AND current_province_id IS DISTINCT FROM NEW.current_province_id;
            RETURN NULL;
        END $$;""",
        f"CREATE TRIGGER registration_placement_areas AFTER UPDATE OF current_province_id ON {AREA} FOR EACH ROW "
        f"WHEN (OLD.current_province_id IS DISTINCT FROM NEW.current_province_id) "
        f"EXECUTE FUNCTION registration_placement_areas();",
    ]


def postgresql_backwards():
    return [
        f"DROP TRIGGER IF EXISTS registration_placement ON {REGISTRATION};",
        f"DROP TRIGGER IF EXISTS registration_placement_areas ON {AREA};",
        "DROP FUNCTION IF EXISTS registration_placement();",
        "DROP FUNCTION IF EXISTS registration_placement_areas();",
    ]


def sqlite_forwards():
    province = _PROVINCE_OF.format(row="NEW")
    correct = (f"WHEN NEW.current_province_id IS NOT {province} BEGIN "
               f"UPDATE {REGISTRATION} SET current_province_id = {province} WHERE id = NEW.id; END;")
    return [
        f"CREATE TRIGGER registration_placement_insert AFTER INSERT ON {REGISTRATION} {correct}",
        f"CREATE TRIGGER registration_placement_update AFTER UPDATE OF area_id, current_province_id "
        f"ON {REGISTRATION} {correct}",
        f"CREATE TRIGGER registration_placement_areas AFTER UPDATE OF current_province_id ON {AREA} "
        f"WHEN OLD.current_province_id IS NOT NEW.current_province_id BEGIN "
        f"UPDATE {REGISTRATION} SET current_province_id = NEW.current_province_id WHERE area_id = NEW.id; END;",
    ]


def sqlite_backwards():
    return [f"DROP TRIGGER IF EXISTS {name};" for name in TRIGGERS["sqlite"]]


FORWARDS = {"postgresql": postgresql_forwards, "sqlite": sqlite_forwards}
BACKWARDS = {"postgresql": postgresql_backwards, "sqlite": sqlite_backwards}
TRIGGERS = {  # trigger → its table
    "postgresql": {"registration_placement": REGISTRATION, "registration_placement_areas": AREA},
    "sqlite": {"registration_placement_insert": REGISTRATION, "registration_placement_update": REGISTRATION,
               "registration_placement_areas": AREA},
}
# "IS NOT" compares NULLs on SQLite; PostgreSQL spells it IS DISTINCT FROM.
DISTINCT = {"postgresql": "IS DISTINCT FROM", "sqlite": "IS NOT"}


def _fill(vendor):
    province = _PROVINCE_OF.format(row=REGISTRATION)
    return (f"UPDATE {REGISTRATION} SET current_province_id = {province} "
            f"WHERE current_province_id {DISTINCT[vendor]} {province}")


def install(connection):
    """Create the triggers and set the copies of the registrations already there, in one transaction."""
    with transaction.atomic(using=connection.alias):
        execute_all(connection, [*BACKWARDS[connection.vendor](), _fill(connection.vendor), *FORWARDS[connection.vendor]()])


def installed(connection):
    return triggers_present(connection, TRIGGERS[connection.vendor])


def mismatches(using="default"):
    """How many registrations hold another province than their area's current one (0: exact)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {REGISTRATION} r JOIN {AREA} a ON a.id = r.area_id "
                       f"WHERE r.current_province_id {DISTINCT[connection.vendor]} a.current_province_id")
        return cursor.fetchone()[0]


def _ready(connection):
    """Whether the registrations have the column: before its migration, they do not."""
    if REGISTRATION not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, REGISTRATION)}
    return "current_province_id" in columns


def ensure_installed(using="default", **_signal_arguments):
    connection = connections[using]
    if connection.vendor in FORWARDS and _ready(connection) and not installed(connection):
        install(connection)


def drop_before_migrate(using="default", **_signal_arguments):
    """On SQLite, the triggers go before a migrate and come back after it, for the reason the
    summaries' do (summary_triggers.drop_before_migrate)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        execute_all(connection, sqlite_backwards())


def migrate_forwards(apps, schema_editor):
    # On SQLite, later migrations of the same run may rebuild the tables: ensure_installed installs
    # once they all have run.
    if schema_editor.connection.vendor != "sqlite":
        install(schema_editor.connection)


def migrate_backwards(apps, schema_editor):
    execute_all(schema_editor.connection, BACKWARDS[schema_editor.connection.vendor]())
