"""The database triggers that keep the registration summaries equal to a fresh count (models/summaries.py).

Installed by migration 0015 and checked after every `migrate`: SQLite rebuilds a table to alter
it, which drops the table's triggers, so a later migration of Registration would silently stop
the counting there. `ensure_installed` puts them back and recounts.
"""
from django.db import connections, transaction

REGISTRATION = "models_registry_registration"
AREA_SUMMARY = "models_registry_registrationsummary"
UNIT_SUMMARY = "models_registry_unityearsummary"
AREA_FIGURES = ("participants", "beneficiaries", "money_mobilised", "land_donated_m2", "work_days", "houses",
                "households_out_of_poverty")
FIELDS = ("economy", "culture_society", "defence_security", "political_system")


def _flag(condition):
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


# (table, key columns, [(value column, expression over a registration row "r")])
SUMMARIES = (
    (
        AREA_SUMMARY,
        ("area_id", "year", "status", "field", "level", "exemplar_kind", "unit_kind_id", "outcome", "is_new"),
        [("registrations", "1"), ("replicated", _flag("r.replicates_id IS NOT NULL"))]
        + [(name, f"r.{name}") for name in AREA_FIGURES],
    ),
    (
        UNIT_SUMMARY,
        ("unit_id", "area_id", "year", "status"),
        [("registrations", "1"), ("new", _flag("r.is_new")), ("replicated", _flag("r.replicates_id IS NOT NULL")),
         ("exemplary", _flag("r.outcome = 'exemplary'"))]
        + [(f"field_{value}", _flag(f"r.field = '{value}'")) for value in FIELDS]
        + [("participants", "r.participants"), ("money_mobilised", "r.money_mobilised")],
    ),
)
# A change to any other column (texts, the version counter, dates) leaves every total as it was.
TRACKED = sorted({"unit_id", "area_id", "year", "status", "field", "level", "exemplar_kind", "unit_kind_id", "outcome",
                  "is_new", "replicates_id", *AREA_FIGURES})


def _grouped(table, keys, values, source):
    """SELECT of the summed deltas of `source` (rows with a `sign` column), one row per cell."""
    sums = ", ".join(f"sum(r.sign * {expression})" for _, expression in values)
    keys_sql = ", ".join(f"r.{key}" for key in keys)
    nonzero = " OR ".join(f"sum(r.sign * {expression}) <> 0" for _, expression in values)
    return (f"SELECT {keys_sql}, {sums} FROM ({source}) r GROUP BY {keys_sql} HAVING {nonzero} "
            f"ORDER BY {keys_sql}")


def _upsert_pg(table, keys, values, source):
    columns = ", ".join([*keys, *(name for name, _ in values)])
    keys_sql = ", ".join(keys)
    updates = ", ".join(f"{name} = s.{name} + EXCLUDED.{name}" for name, _ in values)
    return (f"INSERT INTO {table} AS s ({columns}) {_grouped(table, keys, values, source)} "
            f"ON CONFLICT ({keys_sql}) DO UPDATE SET {updates};")


def _prune_pg(table, keys):
    keys_sql = ", ".join(keys)
    return f"DELETE FROM {table} WHERE registrations = 0 AND ({keys_sql}) IN (SELECT {keys_sql} FROM old_rows);"


PG_SOURCES = {
    "insert": "SELECT 1 AS sign, * FROM new_rows",
    "delete": "SELECT -1 AS sign, * FROM old_rows",
    "update": "SELECT 1 AS sign, * FROM new_rows UNION ALL SELECT -1 AS sign, * FROM old_rows",
}
PG_REFERENCING = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows",
                  "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}


def postgresql_forwards():
    statements = []
    for event, source in PG_SOURCES.items():
        body = []
        for table, keys, values in SUMMARIES:
            body.append(_upsert_pg(table, keys, values, source))
            if event != "insert":
                body.append(_prune_pg(table, keys))
        statements.append(
            f"CREATE FUNCTION registration_summaries_{event}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + " ".join(body) + " RETURN NULL; END $$;"
        )
        statements.append(
            f"CREATE TRIGGER registration_summaries_{event} AFTER {event.upper()} ON {REGISTRATION} "
            f"REFERENCING {PG_REFERENCING[event]} FOR EACH STATEMENT EXECUTE FUNCTION registration_summaries_{event}();"
        )
    statements.append(
        f"CREATE FUNCTION registration_summaries_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        # DELETE, not TRUNCATE: a TRUNCATE naming the summaries too (Django's flush) still holds them
        # when this fires, and PostgreSQL refuses to truncate a table in use.
        f"DELETE FROM {AREA_SUMMARY}; DELETE FROM {UNIT_SUMMARY}; RETURN NULL; END $$;"
    )
    statements.append(
        f"CREATE TRIGGER registration_summaries_truncate AFTER TRUNCATE ON {REGISTRATION} "
        "FOR EACH STATEMENT EXECUTE FUNCTION registration_summaries_truncate();"
    )
    return statements


def postgresql_backwards():
    statements = [f"DROP TRIGGER IF EXISTS registration_summaries_{event} ON {REGISTRATION};"
                  for event in (*PG_SOURCES, "truncate")]
    return statements + [f"DROP FUNCTION IF EXISTS registration_summaries_{event}();"
                         for event in (*PG_SOURCES, "truncate")]


def _row(values, row):
    return [expression.replace("r.", f"{row}.") for _, expression in values]


def sqlite_forwards():
    # SQLite has row triggers only: one cell up for the new row, one down for the old.
    add, remove = [], []
    for table, keys, values in SUMMARIES:
        columns = ", ".join([*keys, *(name for name, _ in values)])
        new_values = ", ".join([*(f"NEW.{key}" for key in keys), *_row(values, "NEW")])
        updates = ", ".join(f"{name} = {name} + excluded.{name}" for name, _ in values)
        add.append(f"INSERT INTO {table} ({columns}) VALUES ({new_values}) "
                   f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates};")
        match = " AND ".join(f"{key} = OLD.{key}" for key in keys)
        decrements = ", ".join(f"{name} = {name} - ({expression})"
                               for (name, _), expression in zip(values, _row(values, "OLD"), strict=True))
        remove.append(f"UPDATE {table} SET {decrements} WHERE {match};")
        remove.append(f"DELETE FROM {table} WHERE {match} AND registrations = 0;")
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in TRACKED)
    return [
        f"CREATE TRIGGER registration_summaries_insert AFTER INSERT ON {REGISTRATION} BEGIN {' '.join(add)} END;",
        f"CREATE TRIGGER registration_summaries_delete AFTER DELETE ON {REGISTRATION} BEGIN {' '.join(remove)} END;",
        f"CREATE TRIGGER registration_summaries_update AFTER UPDATE ON {REGISTRATION} WHEN {changed} "
        f"BEGIN {' '.join(remove)} {' '.join(add)} END;",
    ]


def sqlite_backwards():
    return [f"DROP TRIGGER IF EXISTS registration_summaries_{event};" for event in ("insert", "delete", "update")]


def fill_statements():
    """The summaries of the registrations already there."""
    statements = []
    for table, keys, values in SUMMARIES:
        columns = ", ".join([*keys, *(name for name, _ in values)])
        source = f"SELECT 1 AS sign, * FROM {REGISTRATION}"
        statements.append(f"DELETE FROM {table};")
        statements.append(f"INSERT INTO {table} ({columns}) {_grouped(table, keys, values, source)};")
    return statements


FORWARDS = {"postgresql": postgresql_forwards, "sqlite": sqlite_forwards}
BACKWARDS = {"postgresql": postgresql_backwards, "sqlite": sqlite_backwards}
TRIGGER_NAMES = {"postgresql": [f"registration_summaries_{event}" for event in (*PG_SOURCES, "truncate")],
                 "sqlite": [f"registration_summaries_{event}" for event in ("insert", "delete", "update")]}


def install(connection):
    """Create the triggers and count the registrations already there, in one transaction."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in BACKWARDS[connection.vendor]():
            cursor.execute(statement)
        for statement in [*FORWARDS[connection.vendor](), *fill_statements()]:
            cursor.execute(statement)


def installed(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass", [REGISTRATION])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [REGISTRATION])
        return {row[0] for row in cursor.fetchall()} >= set(TRIGGER_NAMES[connection.vendor])


def ensure_installed(using="default", **_signal_arguments):
    connection = connections[using]
    if connection.vendor not in FORWARDS:
        return
    tables = connection.introspection.table_names()
    if AREA_SUMMARY in tables and UNIT_SUMMARY in tables and not installed(connection):
        install(connection)


def migrate_forwards(apps, schema_editor):
    install(schema_editor.connection)


def migrate_backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in BACKWARDS[schema_editor.connection.vendor]():
            cursor.execute(statement)


