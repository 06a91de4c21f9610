"""The database triggers that keep the registration summaries equal to a fresh count (models/summaries.py).

Three summaries count registrations: by area (with the result sums), by unit, and by area and the
day each began to count (RegistrationDaySummary, for the comparison of an unfinished year). Two of
their figures depend on rows other than the registration's own: whether a model of the next year
continues it (that model's year and status), and the day it began to count (its history). Those
facts are kept per registration in RegistrationFacts, so that a change elsewhere can take out
exactly what the registration had added:

1. a write to the registrations moves its rows' cells by their columns, each row with the facts
   stored for it (none yet for a new one);
2. then the facts of every registration the write may have changed (its own rows, when their year
   or start date changed; the models they continue, before and after) are computed afresh, and
   each registration whose facts differ from the stored moves its cells from the stored facts to
   the fresh, under its current columns, and stores them. A write to the history does step 2 for
   the registrations it concerns.

Both steps run in the one trigger of each table and event, in that order; no trigger here writes a
table that has triggers of its own, so none sets off another. On PostgreSQL an insert does both at
once for its own rows, which have no stored facts: each is counted with its fresh facts.

Installed by the summaries' migrations on PostgreSQL; on SQLite dropped before every `migrate` and
installed after it (see drop_before_migrate); on both checked after every `migrate`, and put back
with a recount when missing (`ensure_installed`).
"""
import datetime
import re
import zoneinfo

from django.conf import settings
from django.db import connection as default_connection
from django.db import connections, transaction

from .models.summaries import YEAR_BREAKDOWNS

REGISTRATION = "models_registry_registration"
EVENT = "models_registry_registrationevent"
AREA = "models_registry_adminarea"
AREA_SUMMARY = "models_registry_registrationsummary"
UNIT_SUMMARY = "models_registry_unityearsummary"
DAY_SUMMARY = "models_registry_registrationdaysummary"
YEAR_SUMMARY = "models_registry_areayearsummary"
KIND_SUMMARY = "models_registry_areakindsummary"
FACTS = "models_registry_registrationfacts"
AREA_FIGURES = ("participants", "beneficiaries", "money_mobilised", "land_donated_m2", "work_days", "houses",
                "households_out_of_poverty")
FIELDS = ("economy", "culture_society", "defence_security", "political_system")


def _flag(condition):
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


# (table, key columns, [(value column, expression over a registration row "r" with its facts)])
SUMMARIES = (
    (
        AREA_SUMMARY,
        ("area_id", "year", "status", "field", "level", "exemplar_kind", "unit_kind_id", "outcome", "is_new"),
        [("registrations", "1"), ("replicated", _flag("r.replicates_id IS NOT NULL")),
         ("carried", _flag("r.carried")), ("carried_published", _flag("r.carried_published"))]
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
    (
        DAY_SUMMARY,
        ("area_id", "year", "basis", "since", "status", "field", "level", "exemplar_kind", "is_new"),
        [("registrations", "1"), ("replicated", _flag("r.replicates_id IS NOT NULL"))],
    ),
    (
        YEAR_SUMMARY,
        ("area_id", "year", "status"),
        [("registrations", "1"), ("new", _flag("r.is_new")), ("replicated", _flag("r.replicates_id IS NOT NULL")),
         ("carried", _flag("r.carried")), ("carried_published", _flag("r.carried_published"))]
        + [(f"{prefix}_{value}", _flag(f"r.{column} = '{value}'"))
           for prefix, column, values in YEAR_BREAKDOWNS for value in values]
        + [(name, f"r.{name}") for name in AREA_FIGURES],
    ),
    (KIND_SUMMARY, ("area_id", "year", "status", "unit_kind_id"), [("registrations", "1")]),
)
# The summaries that count a registration in every area containing its own, and those of them
# whose figures include its facts (moved when the facts change).
IN_EVERY_AREA = (AREA_SUMMARY, DAY_SUMMARY, YEAR_SUMMARY, KIND_SUMMARY)
WITH_FACTS = (AREA_SUMMARY, DAY_SUMMARY, YEAR_SUMMARY)
# A change to any other column (texts, the version counter) leaves every total as it was.
TRACKED = sorted({"unit_id", "area_id", "year", "status", "field", "level", "exemplar_kind", "unit_kind_id", "outcome",
                  "is_new", "replicates_id", *AREA_FIGURES})
FACT_COLUMNS = ("carried", "carried_published", "counted_since", "published_since")
# What a registration's facts are computed from: its own year and start date, and of the models
# continuing it, their link, year and status.
OWN_INPUTS = ("year", "start_date")
LINK_INPUTS = ("continues_id", "year", "status")
# The columns of a row source (each with a `sign`): a registration with its facts.
ROW = ("id", *TRACKED, *FACT_COLUMNS)
# The day summary's rows: a registration once for each basis it counts by, with the day it counts from.
DAY_ROW = (*TRACKED, "basis", "since")
# The area summary counts each registration in its commune and in every area containing it, old
# and new (AdminArea.MEMBER_COLUMNS): a province's figures are its own few cells, not a sum over
# its communes'. So does the day summary. The unit summary keeps the registration's own area.
ANCESTORS = ("current_commune_id", "district_id", "province_id", "current_province_id")
ANCESTOR_ROWS = " UNION ".join(
    ["SELECT id AS member, id AS area FROM " + AREA]
    + [f"SELECT id, {column} FROM {AREA} WHERE {column} IS NOT NULL" for column in ANCESTORS]
)


def _listed(values):
    return ", ".join(f"'{value}'" for value in values)


def _columns(alias, columns):
    return ", ".join(f"{alias}.{column}" for column in columns)


def _in_every_area(source, columns, area_of=None, area_row=None):
    """`source` with each row repeated for every area containing its own (`area_id` replaced).
    `area_of` (an SQLite row trigger's, all of whose rows lie in one area) narrows the area tree
    to that area; `area_row` (an area trigger's OLD or NEW) takes that area's ancestors from the row."""
    others = _columns("r", [column for column in columns if column != "area_id"])
    if area_row is not None:
        own = " UNION ".join([f"SELECT {area_row}.id AS area"] + [f"SELECT {area_row}.{column}" for column in ANCESTORS])
        areas = f"JOIN ({own}) x ON x.area IS NOT NULL"
    elif area_of is None:
        areas = f"JOIN ({ANCESTOR_ROWS}) x ON x.member = r.area_id"
    else:
        own = " UNION ".join([f"SELECT id AS area FROM {AREA} WHERE id = {area_of}"]
                             + [f"SELECT {column} FROM {AREA} WHERE id = {area_of}" for column in ANCESTORS])
        areas = f"JOIN ({own}) x ON x.area IS NOT NULL"
    return f"SELECT r.sign, x.area AS area_id, {others} FROM ({source}) r {areas}"


def _expand_pg(source, columns, areas=AREA):
    """`_in_every_area` on PostgreSQL; the ancestors read from `areas` (an area trigger's
    transition table: the tree before or after the statement)."""
    others = _columns("r", [column for column in columns if column != "area_id"])
    members = ", ".join(["(a.id)", *(f"(a.{column})" for column in ANCESTORS)])
    return (f"SELECT r.sign, x.area AS area_id, {others} FROM ({source}) r JOIN {areas} a ON a.id = r.area_id "
            f"CROSS JOIN LATERAL (SELECT DISTINCT v.area FROM (VALUES {members}) v(area) WHERE v.area IS NOT NULL) x")


def _by_basis(rows):
    """The day summary's rows of `rows`: each once for every basis its status counts by."""
    from .models import PUBLISHED_STATUSES, Basis
    from .services.reports import COUNTED_STATUSES

    columns = _columns("r", TRACKED)
    return " UNION ALL ".join(
        f"SELECT r.sign, {columns}, '{basis}' AS basis, r.{since} AS since FROM ({rows}) r "
        f"WHERE r.{since} IS NOT NULL AND r.status IN ({_listed(statuses)})"
        for basis, statuses, since in ((Basis.COUNTED, COUNTED_STATUSES, "counted_since"),
                                       (Basis.PUBLISHED, PUBLISHED_STATUSES, "published_since"))
    )


def _with_facts():
    return [summary for summary in SUMMARIES if summary[0] in WITH_FACTS]


def _cells(table, rows, expand):
    """The rows `table` counts, from `rows` (of the ROW columns)."""
    if table == DAY_SUMMARY:
        return expand(_by_basis(rows), DAY_ROW)
    if table in IN_EVERY_AREA:
        return expand(rows, ROW)
    return rows


# Dates in SQL: the portal's day of a moment, 1 January of a year, the later and earlier of two.
def _local_day(vendor, moment):
    if vendor == "postgresql":
        return f"(({moment}) AT TIME ZONE '{settings.TIME_ZONE}')::date"
    # SQLite keeps moments in UTC and knows no time zones: the zone's offset (Vietnam's has been
    # the same since 1975).
    offset = datetime.datetime.now(zoneinfo.ZoneInfo(settings.TIME_ZONE)).utcoffset()
    return f"date({moment}, '{int(offset.total_seconds() // 60):+d} minutes')"


def _new_year(vendor, year):
    return f"make_date({year}, 1, 1)" if vendor == "postgresql" else f"printf('%04d-01-01', {year})"


def _later(vendor, first, second):
    return f"{'GREATEST' if vendor == 'postgresql' else 'max'}({first}, {second})"


def _earlier(vendor, first, second):
    return f"{'LEAST' if vendor == 'postgresql' else 'min'}({first}, {second})"


def _fresh(source, vendor):
    """`source` (rows of the registration table, each with a `sign`) as ROW rows, its facts
    computed afresh from the other registrations and the history."""
    from .models import BASIS_ACTIONS, PUBLISHED_STATUSES, Basis
    from .services.reports import COUNTED_STATUSES

    counted, published = _listed(COUNTED_STATUSES), _listed(PUBLISHED_STATUSES)
    counting, publishing = (_listed(BASIS_ACTIONS[basis]) for basis in (Basis.COUNTED, Basis.PUBLISHED))
    if vendor == "postgresql":
        # One probe of the continuing models and one of the history per registration, each giving
        # both of its facts (counts, not EXISTS: PostgreSQL may turn an EXISTS into a hash of every
        # registration).
        joined = (
            f"CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE s.status IN ({counted})) > 0 AS carried, "
            f"count(*) FILTER (WHERE s.status IN ({published})) > 0 AS carried_published "
            f"FROM {REGISTRATION} s WHERE s.continues_id = r.id AND s.year = r.year + 1) c "
            f"CROSS JOIN LATERAL (SELECT {_local_day(vendor, f'min(e.at) FILTER (WHERE e.action IN ({counting}))')} "
            f"AS first_counted, {_local_day(vendor, f'min(e.at) FILTER (WHERE e.action IN ({publishing}))')} "
            f"AS first_published FROM {EVENT} e WHERE e.registration_id = r.id) e"
        )
        found = "c.carried, c.carried_published, e.first_counted, e.first_published"
    else:
        def continued(statuses):
            return (f"(SELECT count(*) FROM {REGISTRATION} s WHERE s.continues_id = r.id AND s.year = r.year + 1 "
                    f"AND s.status IN ({statuses})) > 0")

        def first_day(actions):
            return (f"(SELECT {_local_day(vendor, 'min(e.at)')} FROM {EVENT} e WHERE e.registration_id = r.id "
                    f"AND e.action IN ({actions}))")

        joined = ""
        found = (f"{continued(counted)} AS carried, {continued(published)} AS carried_published, "
                 f"{first_day(counting)} AS first_counted, {first_day(publishing)} AS first_published")

    def since(first):
        # The day of its first such event if that fell before its year ended, else its start date.
        year_start, next_year = _new_year(vendor, "x.year"), _new_year(vendor, "x.year + 1")
        dated = _earlier(vendor, _later(vendor, f"coalesce(x.start_date, {year_start})", year_start), next_year)
        return f"CASE WHEN {first} < {next_year} THEN {_later(vendor, first, year_start)} ELSE {dated} END"

    facts = f"SELECT r.sign, {_columns('r', ('id', *TRACKED))}, r.start_date, {found} FROM ({source}) r {joined}"
    return (f"SELECT x.sign, {_columns('x', ('id', *TRACKED, 'carried', 'carried_published'))}, "
            f"{since('x.first_counted')} AS counted_since, {since('x.first_published')} AS published_since "
            f"FROM ({facts}) x")


def _stored(source):
    """`source` (rows of the registration table, each with a `sign`) as ROW rows with their stored
    facts (NULL for a registration that has none yet: counted as not carried, and on no day)."""
    return (f"SELECT r.sign, {_columns('r', ('id', *TRACKED))}, {_columns('f', FACT_COLUMNS)} "
            f"FROM ({source}) r LEFT JOIN {FACTS} f ON f.registration_id = r.id")


def _source(table, source, expand, vendor=None):
    """The rows `table` counts from `source` (rows of the registration table, each with a `sign`),
    their facts computed afresh: a fresh count (the bench's check) is `_grouped` over it."""
    return _cells(table, _fresh(source, vendor or default_connection.vendor), expand)


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


def _upsert_pruned_pg(table, keys, values, source, count="registrations"):
    """`_upsert_pg`, then the removal of the cells it brought to zero, by the ids it returns: a
    DELETE that looked them up again from `source` would read it once per empty cell (minutes for
    an update of every area)."""
    return [f"WITH changed AS ({_upsert_pg(table, keys, values, source).rstrip(';')} RETURNING s.id, s.{count}) "
            f"SELECT array_agg(id) INTO emptied FROM changed WHERE {count} = 0;",
            f"DELETE FROM {table} WHERE id = ANY (emptied);"]


def _prune(table, keys, source, count="registrations"):
    keys_sql = ", ".join(keys)
    return (f"DELETE FROM {table} WHERE {count} = 0 AND ({keys_sql}) IN "
            f"(SELECT {', '.join(f'r.{key}' for key in keys)} FROM ({source}) r);")


def _upsert_sqlite(table, keys, values, source):
    columns = ", ".join([*keys, *(name for name, _ in values)])
    updates = ", ".join(f"{name} = {name} + excluded.{name}" for name, _ in values)
    return (f"INSERT INTO {table} ({columns}) {_grouped(table, keys, values, source)} "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates};")


def _upsert_pruned_sqlite(table, keys, values, source, count="registrations"):
    """`_upsert_sqlite`, then the removal of the cells of `source` left at zero (a row trigger's
    few: looking them up again costs nothing)."""
    return [_upsert_sqlite(table, keys, values, source), _prune(table, keys, source, count)]


def _differs(fresh, stored):
    """SQL: the facts of `fresh` differ from those of `stored` (a FACTS row, NULL if none)."""
    return f"({_columns(fresh, FACT_COLUMNS)}) IS DISTINCT FROM ({_columns(stored, FACT_COLUMNS)})"


def _store_facts(source, conflict):
    columns = ", ".join(("registration_id", *FACT_COLUMNS))
    updates = ", ".join(f"{column} = {conflict}.{column}" for column in FACT_COLUMNS)
    return (f"INSERT INTO {FACTS} ({columns}) SELECT {_columns('c', ('id', *FACT_COLUMNS))} FROM ({source}) c "
            f"WHERE true ON CONFLICT (registration_id) DO UPDATE SET {updates}")


# PostgreSQL ---------------------------------------------------------------------------------------

def _changed_pg(columns):
    """The rows of the update whose `columns` changed, as (o, n) pairs of its transition tables."""
    return (f"FROM new_rows n JOIN old_rows o ON o.id = n.id "
            f"WHERE ({_columns('n', columns)}) IS DISTINCT FROM ({_columns('o', columns)})")


PG_SOURCES = {
    "insert": "SELECT 1 AS sign, * FROM new_rows",
    "delete": "SELECT -1 AS sign, * FROM old_rows",
    # Only the rows whose counted columns changed: the others would add what they take away.
    "update": f"SELECT 1 AS sign, n.* {_changed_pg(TRACKED)} UNION ALL SELECT -1 AS sign, o.* {_changed_pg(TRACKED)}",
}
PG_REFERENCING = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows",
                  "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}
# The registrations whose facts a statement may have changed (step 2).
PG_AFFECTED = {
    # An insert's own rows have their facts computed as they are counted (`_insert_pg`).
    "insert": "SELECT continues_id FROM new_rows",
    "delete": "SELECT continues_id FROM old_rows",
    "update": f"SELECT n.id {_changed_pg(OWN_INPUTS)} UNION SELECT n.continues_id {_changed_pg(LINK_INPUTS)} "
              f"UNION SELECT o.continues_id {_changed_pg(LINK_INPUTS)}",
}


def _refresh_pg(affected):
    """Step 2 for the registrations `affected` (a SELECT of ids) names: one statement that moves the
    cells of those whose facts changed and stores their facts, then the removal of the day cells it
    emptied, by the ids its upsert returned (the moves keep every other summary's counts)."""
    # An array, so each registration is read by its key however few or many the planner expects.
    fresh = _fresh(f"SELECT 1 AS sign, * FROM {REGISTRATION} WHERE id = ANY (ARRAY({affected}))", "postgresql")
    stored_columns = ", ".join(f"f.{column} AS stored_{column}" for column in FACT_COLUMNS)
    moves = (f"SELECT {', '.join(('sign', *ROW[:-len(FACT_COLUMNS)], *FACT_COLUMNS))} FROM changed UNION ALL "
             f"SELECT -1, {', '.join((*ROW[:-len(FACT_COLUMNS)], *(f'stored_{column}' for column in FACT_COLUMNS)))} "
             f"FROM changed")
    writes = []
    for index, (table, keys, values) in enumerate(_with_facts()):
        upsert = _upsert_pg(table, keys, values, _cells(table, "SELECT * FROM moves", _expand_pg)).rstrip(";")
        name = "days" if table == DAY_SUMMARY else f"moved_{index}"
        writes.append(f"{name} AS ({upsert}{' RETURNING id, registrations' if table == DAY_SUMMARY else ''})")
    return [
        f"WITH fresh AS MATERIALIZED ({fresh}), "
        f"changed AS MATERIALIZED (SELECT x.*, {stored_columns} FROM fresh x LEFT JOIN {FACTS} f "
        f"ON f.registration_id = x.id WHERE {_differs('x', 'f')}), "
        f"moves AS ({moves}), {', '.join(writes)}, stored AS ({_store_facts('SELECT * FROM changed', 'EXCLUDED')}) "
        "SELECT array_agg(id) INTO emptied FROM days WHERE registrations = 0;",
        f"DELETE FROM {DAY_SUMMARY} WHERE id = ANY (emptied);",
    ]


def _write_pg(event, source):
    """Step 1 of an update or a delete, then step 2."""
    body = []
    for table, keys, values in SUMMARIES:
        body += _upsert_pruned_pg(table, keys, values, _cells(table, _stored(source), _expand_pg))
    if event == "delete":
        body.append(f"DELETE FROM {FACTS} WHERE registration_id IN (SELECT id FROM old_rows);")
    return body + _refresh_pg(PG_AFFECTED[event])


def _insert_pg():
    """Both steps for an insert in one pass: new rows have no stored facts, so each is counted at
    once with its facts computed afresh, and they are stored (step 1 leaves step 2 nothing to move
    for them: an import of 50,000 rows would compute and move every row twice); then step 2 for
    the models they continue."""
    fresh = _fresh(PG_SOURCES["insert"], "postgresql")
    upserts = (_upsert_pg(table, keys, values, _cells(table, "SELECT * FROM fresh", _expand_pg)).rstrip(";")
               for table, keys, values in SUMMARIES)
    writes = [f"added_{index} AS ({upsert})" for index, upsert in enumerate(upserts)]
    return [
        f"WITH fresh AS MATERIALIZED ({fresh}), {', '.join(writes)} {_store_facts('SELECT * FROM fresh', 'EXCLUDED')};",
        *_refresh_pg(PG_AFFECTED["insert"]),
    ]


# Every trigger here first takes this lock, held to the end of its transaction. A transaction
# moves cells twice (its rows, then their facts; and again for the history it writes), so two
# writers each holding a cell the other's next step needs would deadlock, and one of them fail;
# in turn, the second waits until the first commits (a 50,000-row import: a few seconds).
SUMMARY_LOCK = "PERFORM pg_advisory_xact_lock(hashtext('registration_summaries'));"


# PL/pgSQL plans a trigger's statements once per connection and keeps the plans, made for the
# sizes of the first statement the trigger fired for. A plan made for a form's one row would join
# the two transition tables of an update of 14,000 areas, or of 50,000 registrations, row by row
# (minutes); one made for an import's 50,000 rows would read whole tables on every later save.
# So a statement of this many rows or more has the trigger's statements planned afresh for its own
# sizes (EXECUTE), and the kept plans serve only statements of a few rows.
PLANNED_AFRESH_FROM = 100
# The PL/pgSQL variables the statements fill (SELECT … INTO) and read (= ANY (…)).
PG_VARIABLES = "DECLARE emptied bigint[]; moved bigint[];"


def _planned(statements, transition):
    """PL/pgSQL running `statements` with kept plans while `transition` (the transition table the
    trigger counts by; None: the trigger has none) has few rows, each planned afresh otherwise."""
    static = " ".join(statements)
    if transition is None:
        return static
    return (f"IF (SELECT count(*) FROM {transition}) < {PLANNED_AFRESH_FROM} THEN {static} "
            f"ELSE {' '.join(_executed(statement) for statement in statements)} END IF;")


def _executed(statement):
    """`statement` as an EXECUTE, its variables passed in and read back."""
    sql = statement.strip().rstrip(";")
    into = ""
    found = re.search(r" INTO (emptied|moved) ", sql)
    if found:
        into = f" INTO {found.group(1)}"
        sql = f"{sql[:found.start()]} {sql[found.end():]}"
    passed = []
    for name in ("emptied", "moved"):
        if f"ANY ({name})" in sql:
            passed.append(name)
            sql = sql.replace(f"ANY ({name})", f"ANY (${len(passed)})")
    using = f" USING {', '.join(passed)}" if passed else ""
    return f"EXECUTE $sql${sql}$sql${into}{using};"


def _pg_function(name, body, transition=None):
    return (f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {PG_VARIABLES} "
            f"BEGIN {SUMMARY_LOCK} {_planned(body, transition)} RETURN NULL; END $$;")


# The transition table each event's triggers count by.
PG_TRANSITION = {"insert": "new_rows", "delete": "old_rows", "update": "new_rows"}


def _pg_moved_areas(body):
    """The body of an area trigger: the ids of the areas an update moved in the tree, into `moved`,
    then `body` if there are any."""
    moved = f"SELECT array_agg(n.id) INTO moved {_changed_pg(ANCESTORS)};"
    return (f"{_planned([moved], 'new_rows')} IF moved IS NOT NULL THEN {body} END IF;")


def postgresql_forwards():
    statements = []
    for event, source in PG_SOURCES.items():
        body = _insert_pg() if event == "insert" else _write_pg(event, source)
        statements.append(_pg_function(f"registration_summaries_{event}", body, PG_TRANSITION[event]))
        statements.append(
            f"CREATE TRIGGER registration_summaries_{event} AFTER {event.upper()} ON {REGISTRATION} "
            f"REFERENCING {PG_REFERENCING[event]} FOR EACH STATEMENT EXECUTE FUNCTION registration_summaries_{event}();"
        )
    statements.append(_pg_function("registration_summaries_truncate", [
        # DELETE, not TRUNCATE: a TRUNCATE naming the summaries too (Django's flush) still holds them
        # when this fires, and PostgreSQL refuses to truncate a table in use.
        *(f"DELETE FROM {table};" for table in TABLES),
    ]))
    statements.append(
        f"CREATE TRIGGER registration_summaries_truncate AFTER TRUNCATE ON {REGISTRATION} "
        "FOR EACH STATEMENT EXECUTE FUNCTION registration_summaries_truncate();"
    )
    for event, affected in _pg_history_affected().items():
        statements.append(_pg_function(f"registration_summaries_history_{event}", _refresh_pg(affected),
                                       PG_TRANSITION.get(event)))
        referencing = f"REFERENCING {PG_REFERENCING[event]} " if event in PG_REFERENCING else ""
        statements.append(
            f"CREATE TRIGGER registration_summaries_history_{event} AFTER {event.upper()} ON {EVENT} {referencing}"
            f"FOR EACH STATEMENT EXECUTE FUNCTION registration_summaries_history_{event}();"
        )
    # An area moved in the tree (rare: the mapping of old communes to new) moves its registrations
    # from the areas that contained it to those that contain it now.
    moves = _areas_moved("area_id = ANY (moved)", _upsert_pruned_pg, lambda row: lambda source, columns:
                         _expand_pg(source, columns, "old_rows" if row == "OLD" else "new_rows"))
    body = _pg_moved_areas(f"{SUMMARY_LOCK} {_planned(moves, 'new_rows')}")
    statements.append(f"CREATE FUNCTION registration_summaries_areas() RETURNS trigger LANGUAGE plpgsql AS $$ "
                      f"{PG_VARIABLES} BEGIN {body} RETURN NULL; END $$;")
    statements.append(
        f"CREATE TRIGGER registration_summaries_areas AFTER UPDATE ON {AREA} REFERENCING OLD TABLE AS old_rows "
        "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registration_summaries_areas();"
    )
    return statements


def _history_actions():
    from .models import BASIS_ACTIONS

    return _listed(sorted({action for actions in BASIS_ACTIONS.values() for action in actions}))


def _pg_history_affected():
    """The registrations whose history a statement changed in what dates them (step 2)."""
    actions = _history_actions()
    moved = ("registration_id", "action", "at")
    changed = f"{_changed_pg(moved)} AND (o.action IN ({actions}) OR n.action IN ({actions}))"
    return {
        "insert": f"SELECT registration_id FROM new_rows WHERE action IN ({actions})",
        "delete": f"SELECT registration_id FROM old_rows WHERE action IN ({actions})",
        "update": f"SELECT o.registration_id {changed} UNION SELECT n.registration_id {changed}",
        "truncate": f"SELECT id FROM {REGISTRATION}",
    }


def _areas_moved(in_moved, write, expand_by):
    """The registrations whose area (`in_moved`, a condition on them) moved in the tree, taken out
    of the areas that contained it (`expand_by("OLD")`) and added into those containing it now
    (`expand_by("NEW")`), in every summary that counts them there. `write(table, keys, values,
    source)` gives the statements that add `source` into a summary and remove the emptied cells."""
    statements = []
    for table, keys, values in SUMMARIES:
        if table not in IN_EVERY_AREA:
            continue
        old, new = (_cells(table, _stored(f"SELECT {sign} AS sign, * FROM {REGISTRATION} WHERE {in_moved}"),
                           expand_by(rows)) for sign, rows in ((-1, "OLD"), (1, "NEW")))
        statements += write(table, keys, values, f"{old} UNION ALL {new}")
    return statements


PG_FUNCTIONS = [*(f"registration_summaries_{event}" for event in (*PG_SOURCES, "truncate", "areas")),
                *(f"registration_summaries_history_{event}" for event in ("insert", "delete", "update", "truncate"))]


def postgresql_backwards():
    statements = [f"DROP TRIGGER IF EXISTS registration_summaries_{event} ON {REGISTRATION};"
                  for event in (*PG_SOURCES, "truncate")]
    statements.append(f"DROP TRIGGER IF EXISTS registration_summaries_areas ON {AREA};")
    statements += [f"DROP TRIGGER IF EXISTS registration_summaries_history_{event} ON {EVENT};"
                   for event in ("insert", "delete", "update", "truncate")]
    return statements + [f"DROP FUNCTION IF EXISTS {name}();" for name in PG_FUNCTIONS]


# SQLite -------------------------------------------------------------------------------------------

def _sqlite_row(row, sign):
    return f"SELECT {sign} AS sign, " + ", ".join(f"{row}.{column} AS {column}" for column in ("id", *TRACKED))


def _sqlite_expand(area_of):
    return lambda source, columns: _in_every_area(source, columns, area_of)


def _refresh_sqlite(registration):
    """Step 2 for the one registration whose id is the SQL `registration` (NULL: none)."""
    fresh = _fresh(f"SELECT 1 AS sign, * FROM {REGISTRATION} WHERE id = {registration}", "sqlite")
    changed = f"{_differs('x', 'f')}"
    joined = f"FROM ({fresh}) x LEFT JOIN {FACTS} f ON f.registration_id = x.id WHERE {changed}"
    moves = (f"SELECT x.sign, {_columns('x', ROW)} {joined} UNION ALL "
             f"SELECT -1, {_columns('x', ROW[:-len(FACT_COLUMNS)])}, {_columns('f', FACT_COLUMNS)} {joined}")
    expand = _sqlite_expand(f"(SELECT area_id FROM {REGISTRATION} WHERE id = {registration})")
    day_keys = next(keys for table, keys, _ in SUMMARIES if table == DAY_SUMMARY)
    return [
        *(_upsert_sqlite(table, keys, values, _cells(table, moves, expand)) for table, keys, values in _with_facts()),
        _prune(DAY_SUMMARY, day_keys, _cells(DAY_SUMMARY, moves, expand)),
        _store_facts(f"SELECT x.* {joined}", "excluded") + ";",
    ]


def sqlite_forwards():
    # SQLite has row triggers only: the new row's cells up, the old row's down, then step 2.
    add, remove = [], []
    for table, keys, values in SUMMARIES:
        add.append(_upsert_sqlite(table, keys, values, _cells(table, _stored(_sqlite_row("NEW", 1)),
                                                              _sqlite_expand("NEW.area_id"))))
        remove += _upsert_pruned_sqlite(table, keys, values, _cells(table, _stored(_sqlite_row("OLD", -1)),
                                                                     _sqlite_expand("OLD.area_id")))
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}"
                          for column in sorted({*TRACKED, *OWN_INPUTS, *LINK_INPUTS}))
    moved = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in ANCESTORS)
    refreshed = {
        "insert": [*_refresh_sqlite("NEW.id"), *_refresh_sqlite("NEW.continues_id")],
        "delete": [f"DELETE FROM {FACTS} WHERE registration_id = OLD.id;", *_refresh_sqlite("OLD.continues_id")],
        "update": [*_refresh_sqlite("NEW.id"), *_refresh_sqlite("OLD.continues_id"),
                   *_refresh_sqlite("NEW.continues_id")],
    }
    actions = _history_actions()
    history_moved = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in ("registration_id", "action", "at"))
    return [
        f"CREATE TRIGGER registration_summaries_insert AFTER INSERT ON {REGISTRATION} "
        f"BEGIN {' '.join(add + refreshed['insert'])} END;",
        f"CREATE TRIGGER registration_summaries_delete AFTER DELETE ON {REGISTRATION} "
        f"BEGIN {' '.join(remove + refreshed['delete'])} END;",
        f"CREATE TRIGGER registration_summaries_update AFTER UPDATE ON {REGISTRATION} WHEN {changed} "
        f"BEGIN {' '.join(remove + add + refreshed['update'])} END;",
        f"CREATE TRIGGER registration_summaries_areas AFTER UPDATE ON {AREA} WHEN {moved} BEGIN "
        + " ".join(_areas_moved("area_id = OLD.id", _upsert_pruned_sqlite, lambda row: lambda source, columns: _in_every_area(
            source, columns, area_row=row))) + " END;",
        f"CREATE TRIGGER registration_summaries_history_insert AFTER INSERT ON {EVENT} "
        f"WHEN NEW.action IN ({actions}) BEGIN {' '.join(_refresh_sqlite('NEW.registration_id'))} END;",
        f"CREATE TRIGGER registration_summaries_history_delete AFTER DELETE ON {EVENT} "
        f"WHEN OLD.action IN ({actions}) BEGIN {' '.join(_refresh_sqlite('OLD.registration_id'))} END;",
        f"CREATE TRIGGER registration_summaries_history_update AFTER UPDATE ON {EVENT} "
        f"WHEN (OLD.action IN ({actions}) OR NEW.action IN ({actions})) AND ({history_moved}) "
        f"BEGIN {' '.join(_refresh_sqlite('OLD.registration_id') + _refresh_sqlite('NEW.registration_id'))} END;",
    ]


SQLITE_TRIGGERS = [*(f"registration_summaries_{event}" for event in ("insert", "delete", "update", "areas")),
                   *(f"registration_summaries_history_{event}" for event in ("insert", "delete", "update"))]


def sqlite_backwards():
    return [f"DROP TRIGGER IF EXISTS {name};" for name in SQLITE_TRIGGERS]


# Both ---------------------------------------------------------------------------------------------

def fill_statements(vendor):
    """The facts and summaries of the registrations already there."""
    columns = ", ".join(("registration_id", *FACT_COLUMNS))
    statements = [f"DELETE FROM {FACTS};",
                  f"INSERT INTO {FACTS} ({columns}) SELECT {_columns('c', ('id', *FACT_COLUMNS))} "
                  f"FROM ({_fresh(f'SELECT 1 AS sign, * FROM {REGISTRATION}', vendor)}) c;"]
    for table, keys, values in SUMMARIES:
        columns = ", ".join([*keys, *(name for name, _ in values)])
        source = _cells(table, _stored(f"SELECT 1 AS sign, * FROM {REGISTRATION}"), _in_every_area)
        statements.append(f"DELETE FROM {table};")
        statements.append(f"INSERT INTO {table} ({columns}) {_grouped(table, keys, values, source)};")
    return statements


def mismatches(using="default"):
    """How many rows of the summaries and of the facts and of a fresh count of the registrations
    and their history have no equal on the other side (0: exact). One statement: the fresh facts
    are computed once, and each fresh summary once."""
    connection = connections[using]
    expand = _expand_pg if connection.vendor == "postgresql" else _in_every_area
    tables = [("fresh_facts", f"SELECT {_columns('c', ('id', *FACT_COLUMNS))} FROM fresh c",
               f"SELECT {', '.join(('registration_id', *FACT_COLUMNS))} FROM {FACTS}")]
    for index, (table, keys, values) in enumerate(SUMMARIES):
        fresh = _grouped(table, keys, values, _cells(table, "SELECT * FROM fresh", expand)).rsplit(" ORDER BY", 1)[0]
        tables.append((f"fresh_{index}", fresh, f"SELECT {', '.join([*keys, *(name for name, _ in values)])} FROM {table}"))
    counted = [f"fresh AS MATERIALIZED ({_fresh(f'SELECT 1 AS sign, * FROM {REGISTRATION}', connection.vendor)})"]
    differences = []
    for name, fresh, stored in tables:
        counted += [f"{name} AS MATERIALIZED ({fresh})", f"{name}_stored AS MATERIALIZED ({stored})"]
        differences += [f"(SELECT count(*) FROM (SELECT * FROM {first} EXCEPT SELECT * FROM {second}) d)"
                        for first, second in ((name, f"{name}_stored"), (f"{name}_stored", name))]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(counted)} SELECT {' + '.join(differences)}")
        return cursor.fetchone()[0]


FORWARDS = {"postgresql": postgresql_forwards, "sqlite": sqlite_forwards}
BACKWARDS = {"postgresql": postgresql_backwards, "sqlite": sqlite_backwards}
TRIGGERS = {  # trigger → its table
    "postgresql": {**{f"registration_summaries_{event}": REGISTRATION for event in (*PG_SOURCES, "truncate")},
                   "registration_summaries_areas": AREA,
                   **{f"registration_summaries_history_{event}": EVENT
                      for event in ("insert", "delete", "update", "truncate")}},
    "sqlite": {name: AREA if name.endswith("_areas") else EVENT if "_history_" in name else REGISTRATION
               for name in SQLITE_TRIGGERS},
}
TABLES = (AREA_SUMMARY, UNIT_SUMMARY, DAY_SUMMARY, YEAR_SUMMARY, KIND_SUMMARY, FACTS)


def execute_all(connection, statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection):
    """Create the triggers and count the registrations already there, in one transaction."""
    with transaction.atomic(using=connection.alias):
        execute_all(connection, [*BACKWARDS[connection.vendor](), *FORWARDS[connection.vendor](),
                                 *fill_statements(connection.vendor)])


def triggers_present(connection, triggers):
    """Whether every trigger of `triggers` ({name: its table}) is in the database."""
    tables = sorted(set(triggers.values()))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            placeholders = ", ".join(["%s::regclass"] * len(tables))
            cursor.execute(f"SELECT tgname FROM pg_trigger WHERE tgrelid IN ({placeholders})", tables)
        else:
            placeholders = ", ".join(["%s"] * len(tables))
            cursor.execute(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({placeholders})",
                           tables)
        return {row[0] for row in cursor.fetchall()} >= set(triggers)


def installed(connection):
    return triggers_present(connection, TRIGGERS[connection.vendor])


def _ready(connection):
    """Whether the summaries' tables are all there: before the last of their migrations, some are not."""
    return set(TABLES) <= set(connection.introspection.table_names())


def ensure_installed(using="default", **_signal_arguments):
    connection = connections[using]
    if connection.vendor in FORWARDS and _ready(connection) and not installed(connection):
        install(connection)


def drop_before_migrate(using="default", **_signal_arguments):
    """On SQLite, the triggers go before a migrate and come back after it (ensure_installed, which
    recounts). SQLite alters a table by building a copy and renaming it into place, and refuses the
    rename while a trigger on another table names the one being replaced: with the triggers in
    place, a migration altering the registrations, their history or the areas would fail."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        execute_all(connection, sqlite_backwards())


def migrate_forwards(apps, schema_editor):
    # Migration 0015 runs this too, before the tables that finish the summaries are made: then
    # the last of the summaries' migrations installs. On SQLite, later migrations of the same run
    # may still rebuild tables: ensure_installed installs once they all have run.
    if schema_editor.connection.vendor != "sqlite" and _ready(schema_editor.connection):
        install(schema_editor.connection)


def migrate_backwards(apps, schema_editor):
    execute_all(schema_editor.connection, BACKWARDS[schema_editor.connection.vendor]())
