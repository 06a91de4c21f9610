"""The database triggers that keep the registration summaries equal to a fresh count (models/summaries.py).

Installed by migration 0015 and checked after every `migrate`: SQLite rebuilds a table to alter
it, which drops the table's triggers, so a later migration of Registration would silently stop
the counting there. `ensure_installed` puts them back and recounts.
"""
from django.db import connections, transaction

REGISTRATION = "models_registry_registration"
AREA = "models_registry_adminarea"
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
# The area summary counts each registration in its commune and in every area containing it, old
# and new (AdminArea.MEMBER_COLUMNS): a province's figures are its own few cells, not a sum over
# its communes'. The unit summary keeps the registration's own area.
ANCESTORS = ("current_commune_id", "district_id", "province_id", "current_province_id")
ANCESTOR_ROWS = " UNION ".join(
    ["SELECT id AS member, id AS area FROM " + AREA]
    + [f"SELECT id, {column} FROM {AREA} WHERE {column} IS NOT NULL" for column in ANCESTORS]
)


def _in_every_area(source, row=None):
    """`source` with each row repeated for every area containing its own (`area_id` replaced).
    `row` ("NEW"/"OLD" in an SQLite row trigger) narrows the area tree to that row's area."""
    others = ", ".join(f"r.{column}" for column in TRACKED if column != "area_id")
    if row is None:
        areas = f"JOIN ({ANCESTOR_ROWS}) x ON x.member = r.area_id"
    else:
        own = " UNION ".join([f"SELECT id AS area FROM {AREA} WHERE id = {row}.area_id"]
                             + [f"SELECT {column} FROM {AREA} WHERE id = {row}.area_id" for column in ANCESTORS])
        areas = f"JOIN ({own}) x ON x.area IS NOT NULL"
    return f"SELECT r.sign, x.area AS area_id, {others} FROM ({source}) r {areas}"


def _expand_pg(source):
    others = ", ".join(f"r.{column}" for column in TRACKED if column != "area_id")
    members = ", ".join(["(a.id)", *(f"(a.{column})" for column in ANCESTORS)])
    return (f"SELECT r.sign, x.area AS area_id, {others} FROM ({source}) r JOIN {AREA} a ON a.id = r.area_id "
            f"CROSS JOIN LATERAL (SELECT DISTINCT v.area FROM (VALUES {members}) v(area) WHERE v.area IS NOT NULL) x")


def _source(table, source, expand):
    return expand(source) if table == AREA_SUMMARY else source


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


def _prune(table, keys, source):
    keys_sql = ", ".join(keys)
    return (f"DELETE FROM {table} WHERE registrations = 0 AND ({keys_sql}) IN "
            f"(SELECT {', '.join(f'r.{key}' for key in keys)} FROM ({source}) r);")


def _upsert_sqlite(table, keys, values, source):
    columns = ", ".join([*keys, *(name for name, _ in values)])
    updates = ", ".join(f"{name} = {name} + excluded.{name}" for name, _ in values)
    return (f"INSERT INTO {table} ({columns}) {_grouped(table, keys, values, source)} "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates};")


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
            body.append(_upsert_pg(table, keys, values, _source(table, source, _expand_pg)))
            if event != "insert":
                body.append(_prune(table, keys, _source(table, "SELECT -1 AS sign, * FROM old_rows", _expand_pg)))
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
    # An area moved in the tree (rare: the mapping of old communes to new) recounts the area summary.
    moved = " OR ".join(f"o.{column} IS DISTINCT FROM n.{column}" for column in ANCESTORS)
    statements.append(
        "CREATE FUNCTION registration_summaries_areas() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {moved}) THEN "
        + " ".join(_recount_areas()) + " END IF; RETURN NULL; END $$;"
    )
    statements.append(
        f"CREATE TRIGGER registration_summaries_areas AFTER UPDATE ON {AREA} REFERENCING OLD TABLE AS old_rows "
        "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_summaries_areas();"
    )
    return statements


def _recount_areas():
    table, keys, values = SUMMARIES[0]
    columns = ", ".join([*keys, *(name for name, _ in values)])
    source = _in_every_area(f"SELECT 1 AS sign, * FROM {REGISTRATION}")
    return [f"DELETE FROM {table};", f"INSERT INTO {table} ({columns}) {_grouped(table, keys, values, source)};"]


def postgresql_backwards():
    statements = [f"DROP TRIGGER IF EXISTS registration_summaries_{event} ON {REGISTRATION};"
                  for event in (*PG_SOURCES, "truncate")]
    statements.append(f"DROP TRIGGER IF EXISTS registration_summaries_areas ON {AREA};")
    return statements + [f"DROP FUNCTION IF EXISTS registration_summaries_{event}();"
                         for event in (*PG_SOURCES, "truncate", "areas")]


def _sqlite_row(row, sign):
    return f"SELECT {sign} AS sign, " + ", ".join(f"{row}.{column} AS {column}" for column in TRACKED)


def _sqlite_expand(row):
    return lambda source: _in_every_area(source, row)


def sqlite_forwards():
    # SQLite has row triggers only: the new row's cells up, the old row's down.
    add, remove = [], []
    for table, keys, values in SUMMARIES:
        add.append(_upsert_sqlite(table, keys, values, _source(table, _sqlite_row("NEW", 1), _sqlite_expand("NEW"))))
        old = _source(table, _sqlite_row("OLD", -1), _sqlite_expand("OLD"))
        remove.append(_upsert_sqlite(table, keys, values, old))
        remove.append(_prune(table, keys, old))
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in TRACKED)
    moved = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in ANCESTORS)
    return [
        f"CREATE TRIGGER registration_summaries_insert AFTER INSERT ON {REGISTRATION} BEGIN {' '.join(add)} END;",
        f"CREATE TRIGGER registration_summaries_delete AFTER DELETE ON {REGISTRATION} BEGIN {' '.join(remove)} END;",
        f"CREATE TRIGGER registration_summaries_update AFTER UPDATE ON {REGISTRATION} WHEN {changed} "
        f"BEGIN {' '.join(remove)} {' '.join(add)} END;",
        f"CREATE TRIGGER registration_summaries_areas AFTER UPDATE ON {AREA} WHEN {moved} "
        f"BEGIN {' '.join(_recount_areas())} END;",
    ]


def sqlite_backwards():
    return [f"DROP TRIGGER IF EXISTS registration_summaries_{event};"
            for event in ("insert", "delete", "update", "areas")]


def fill_statements():
    """The summaries of the registrations already there."""
    statements = []
    for table, keys, values in SUMMARIES:
        columns = ", ".join([*keys, *(name for name, _ in values)])
        source = _source(table, f"SELECT 1 AS sign, * FROM {REGISTRATION}", _in_every_area)
        statements.append(f"DELETE FROM {table};")
        statements.append(f"INSERT INTO {table} ({columns}) {_grouped(table, keys, values, source)};")
    return statements


FORWARDS = {"postgresql": postgresql_forwards, "sqlite": sqlite_forwards}
BACKWARDS = {"postgresql": postgresql_backwards, "sqlite": sqlite_backwards}
TRIGGER_NAMES = {"postgresql": [f"registration_summaries_{event}" for event in (*PG_SOURCES, "truncate", "areas")],
                 "sqlite": [f"registration_summaries_{event}" for event in ("insert", "delete", "update", "areas")]}


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
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid IN (%s::regclass, %s::regclass)",
                           [REGISTRATION, AREA])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
                           [REGISTRATION, AREA])
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


