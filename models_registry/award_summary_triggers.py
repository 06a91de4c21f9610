"""The database triggers that keep the commendation and proposal summaries (models/award_summaries.py)
equal to a fresh count.

A cell counts the rows of a join: an active commendation with its registration, or a proposal with
its registration and its round, each counted in every area containing the registration's. A
statement writes one table of the join, and the others stay as they are while it runs, so the join
changes by exactly its new rows joined to the others minus its old rows joined to the others. Each
table's triggers fold that difference into the cells, whichever table it is: a commendation
revoked, re-pointed or given another form moves its own cell; a registration moved, re-dated,
given another status or deleted moves its commendations' and proposals' cells; a round given
another level moves its proposals'. A row whose registration or round is not there (yet, or any
more, under deferred foreign keys) counts nowhere, on both sides of the difference alike.

PostgreSQL runs one statement-level trigger per table and event over the statement's transition
tables; an update keeps only the rows whose joined columns changed, so the many updates that touch
neither (texts, versions, a run of zero rows) cost two hashed anti-joins. SQLite has row triggers
with a WHEN on the same columns. Each trigger reads only the joined tables and writes only these
summaries, so neither the order in which PostgreSQL fires a table's triggers (by name) nor the
registration summaries' own triggers on the same tables change what they count.

Installed by migration 0017 on PostgreSQL; on SQLite dropped before every `migrate` and installed
after it (see drop_before_migrate), and on both checked after every `migrate`.
"""
from dataclasses import dataclass

from django.db import connections, transaction

from .summary_triggers import (
    ANCESTORS,
    AREA,
    PG_REFERENCING,
    PG_TRANSITION,
    PG_VARIABLES,
    REGISTRATION,
    _pg_moved_areas,
    _planned,
    _upsert_pg,
    _upsert_pruned_pg,
    _upsert_pruned_sqlite,
    _upsert_sqlite,
    execute_all,
    triggers_present,
)

COMMENDATION = "models_registry_commendation"
PROPOSAL = "models_registry_proposal"
ROUND = "models_registry_commendationround"
COMMENDATION_SUMMARY = "models_registry_commendationsummary"
PROPOSAL_SUMMARY = "models_registry_proposalsummary"


@dataclass(frozen=True)
class Join:
    """One summary as a count over a join. Expressions name the joined tables by placeholder
    ("{c}.level"), which a trigger points at a transition table or at SQLite's NEW and OLD."""

    name: str  # its own table's, in the triggers' names
    summary: str
    count: str  # the summary's count column
    tables: dict  # alias → joined table
    conditions: tuple
    keys: dict  # the summary's key columns but its area → their expression
    registration: str  # the alias whose area_id places the row
    tracked: dict  # alias → the columns an update of which moves a count

    @property
    def columns(self):
        return ("area_id", *self.keys)

    @property
    def own_table(self):
        return next(iter(self.tables.values()))


COMMENDATIONS = Join(
    name="commendation",
    summary=COMMENDATION_SUMMARY,
    count="commendations",
    tables={"c": COMMENDATION, "r": REGISTRATION},
    conditions=("{r}.id = {c}.registration_id", "{c}.revoked_at IS NULL"),
    keys={"year": "{r}.year", "status": "{r}.status", "form_id": "{c}.form_id", "level": "{c}.level"},
    registration="r",
    tracked={"c": ("registration_id", "form_id", "level", "revoked_at"), "r": ("area_id", "year", "status")},
)
PROPOSALS = Join(
    name="proposal",
    summary=PROPOSAL_SUMMARY,
    count="proposals",
    tables={"p": PROPOSAL, "r": REGISTRATION, "d": ROUND},
    conditions=("{r}.id = {p}.registration_id", "{d}.id = {p}.round_id"),
    keys={"year": "{r}.year", "status": "{r}.status", "level": "{d}.level", "proposal_status": "{p}.status"},
    registration="r",
    tracked={"p": ("registration_id", "round_id", "status"), "r": ("area_id", "year", "status"), "d": ("level",)},
)
JOINS = (COMMENDATIONS, PROPOSALS)
# The tables whose triggers each name carries: (table, its alias in the joins, the joins it is part of).
WATCHED = {
    "commendation": (COMMENDATION, "c", [COMMENDATIONS]),
    "proposal": (PROPOSAL, "p", [PROPOSALS]),
    "registration": (REGISTRATION, "r", [COMMENDATIONS, PROPOSALS]),
    "round": (ROUND, "d", [PROPOSALS]),
}
EVENTS = ("insert", "delete", "update")


def _rows(join, sign, alias=None, row=None):
    """SELECT of the join's rows, `sign` each, with `row` in place of the table `alias`: a relation
    on PostgreSQL (aliased `alias`), NEW or OLD in an SQLite row trigger (no relation at all).
    Each row is repeated for every area containing its registration's (AdminArea.MEMBER_COLUMNS)."""
    in_row_trigger = row in ("NEW", "OLD")
    names = {name: row if in_row_trigger and name == alias else name for name in join.tables}
    relations = [f"{row if name == alias else table} {name}" for name, table in join.tables.items()
                 if names[name] == name]
    members = ", ".join(["a.id", *(f"a.{column}" for column in ANCESTORS)])
    conditions = [condition.format(**names) for condition in join.conditions]
    conditions += [f"a.id = {names[join.registration]}.area_id", f"x.id IN ({members})"]
    keys = ", ".join(f"{expression.format(**names)} AS {column}" for column, expression in join.keys.items())
    return (f"SELECT {sign} AS sign, x.id AS area_id, {keys} FROM {', '.join(relations)}, {AREA} a, {AREA} x "
            f"WHERE {' AND '.join(conditions)}")


def _counted(join, source):
    columns = ", ".join(f"r.{column}" for column in join.columns)
    return f"SELECT {columns}, count(*) FROM ({source}) r GROUP BY {columns}"


def _changed(alias, join, side, other):
    """The rows of transition table `side` with no row of the same id and joined columns in `other`.
    The ids by `=`, which PostgreSQL hashes (IS NOT DISTINCT FROM it would compare row by row)."""
    same = " AND ".join(["o.id = s.id", *(f"o.{column} IS NOT DISTINCT FROM s.{column}" for column in join.tracked[alias])])
    return f"(SELECT * FROM {side} s WHERE NOT EXISTS (SELECT 1 FROM {other} o WHERE {same}))"


def _pg_body(alias, joins, event):
    body = []
    for join in joins:
        added = _rows(join, 1, alias, "new_rows" if event == "insert" else _changed(alias, join, "new_rows", "old_rows"))
        removed = _rows(join, -1, alias, "old_rows" if event == "delete" else _changed(alias, join, "old_rows", "new_rows"))
        source = {"insert": added, "delete": removed, "update": f"{added} UNION ALL {removed}"}[event]
        if event == "insert":
            body.append(_upsert_pg(join.summary, join.columns, [(join.count, "1")], source))
        else:
            body += _upsert_pruned_pg(join.summary, join.columns, [(join.count, "1")], source, join.count)
    return body


def postgresql_forwards():
    statements = []
    for name, (table, alias, joins) in WATCHED.items():
        for event in EVENTS:
            function = f"award_summaries_{name}_{event}"
            statements.append(f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ {PG_VARIABLES} "
                              f"BEGIN {_planned(_pg_body(alias, joins, event), PG_TRANSITION[event])} RETURN NULL; END $$;")
            statements.append(f"CREATE TRIGGER {function} AFTER {event.upper()} ON {table} "
                              f"REFERENCING {PG_REFERENCING[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}();")
    # A truncated registration or round truncates its commendations and proposals too (their
    # foreign keys): emptying a summary with its own table is enough. DELETE, not TRUNCATE: see
    # summary_triggers.py (Django's flush truncates the summaries in the same statement).
    for join in JOINS:
        function = f"award_summaries_{join.name}_truncate"
        statements.append(f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql "
                          f"AS $$ BEGIN DELETE FROM {join.summary}; RETURN NULL; END $$;")
        statements.append(f"CREATE TRIGGER {function} AFTER TRUNCATE ON {join.own_table} "
                          f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();")
    # An area moved in the tree (rare: the mapping of old communes to new) recounts both summaries.
    statements.append(
        f"CREATE FUNCTION award_summaries_areas() RETURNS trigger LANGUAGE plpgsql AS $$ {PG_VARIABLES} "
        f"BEGIN {_pg_moved_areas(' '.join(fill_statements()))} RETURN NULL; END $$;"
    )
    statements.append(
        f"CREATE TRIGGER award_summaries_areas AFTER UPDATE ON {AREA} REFERENCING OLD TABLE AS old_rows "
        "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION award_summaries_areas();"
    )
    return statements


def _sqlite_names():
    """Trigger name → its table."""
    return {**{f"award_summaries_{name}_{event}": table for name, (table, _, _) in WATCHED.items() for event in EVENTS},
            "award_summaries_areas": AREA}


def _pg_names():
    return {**_sqlite_names(), **{f"award_summaries_{join.name}_truncate": join.own_table for join in JOINS}}


def postgresql_backwards():
    names = _pg_names()
    return ([f"DROP TRIGGER IF EXISTS {name} ON {table};" for name, table in names.items()]
            + [f"DROP FUNCTION IF EXISTS {name}();" for name in names])


def _sqlite_body(alias, joins, event):
    body = []
    if event in ("delete", "update"):
        for join in joins:
            removed = _rows(join, -1, alias, "OLD")
            body += _upsert_pruned_sqlite(join.summary, join.columns, [(join.count, "1")], removed, join.count)
    if event in ("insert", "update"):
        body += [_upsert_sqlite(join.summary, join.columns, [(join.count, "1")], _rows(join, 1, alias, "NEW"))
                 for join in joins]
    return " ".join(body)


def sqlite_forwards():
    # SQLite has row triggers only: the old row's cells down, the new row's up.
    statements = []
    for name, (table, alias, joins) in WATCHED.items():
        tracked = sorted({"id", *(column for join in joins for column in join.tracked[alias])})
        changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in tracked)
        for event in EVENTS:
            when = f" WHEN {changed}" if event == "update" else ""
            statements.append(f"CREATE TRIGGER award_summaries_{name}_{event} AFTER {event.upper()} ON {table}{when} "
                              f"BEGIN {_sqlite_body(alias, joins, event)} END;")
    moved = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in ANCESTORS)
    # A row trigger recounts for each area row moved: loading the area tree moves thousands, and
    # with nothing to count the recount is skipped.
    counted = f"EXISTS (SELECT 1 FROM {COMMENDATION}) OR EXISTS (SELECT 1 FROM {PROPOSAL})"
    statements.append(f"CREATE TRIGGER award_summaries_areas AFTER UPDATE ON {AREA} WHEN ({moved}) AND ({counted}) "
                      f"BEGIN {' '.join(fill_statements())} END;")
    return statements


def sqlite_backwards():
    return [f"DROP TRIGGER IF EXISTS {name};" for name in _sqlite_names()]


def fresh_count(join):
    """SELECT of the join's cells counted afresh: its summary's columns, in order."""
    return _counted(join, _rows(join, 1))


def fill_statements():
    """The summaries of the commendations and proposals already there."""
    statements = []
    for join in JOINS:
        columns = ", ".join([*join.columns, join.count])
        statements += [f"DELETE FROM {join.summary};", f"INSERT INTO {join.summary} ({columns}) {fresh_count(join)};"]
    return statements


def mismatches(using="default"):
    """How many rows of the summaries and of a fresh count have no equal on the other side (0: exact)."""
    count = 0
    with connections[using].cursor() as cursor:
        for join in JOINS:
            stored = f"SELECT {', '.join([*join.columns, join.count])} FROM {join.summary}"
            for first, second in ((fresh_count(join), stored), (stored, fresh_count(join))):
                cursor.execute(f"SELECT count(*) FROM ({first} EXCEPT {second}) d")
                count += cursor.fetchone()[0]
    return count


FORWARDS = {"postgresql": postgresql_forwards, "sqlite": sqlite_forwards}
BACKWARDS = {"postgresql": postgresql_backwards, "sqlite": sqlite_backwards}
TRIGGER_NAMES = {"postgresql": _pg_names, "sqlite": _sqlite_names}


def install(connection):
    """Create the triggers and count the commendations and proposals already there, in one transaction."""
    with transaction.atomic(using=connection.alias):
        execute_all(connection, [*BACKWARDS[connection.vendor](), *FORWARDS[connection.vendor](), *fill_statements()])


def installed(connection):
    return triggers_present(connection, TRIGGER_NAMES[connection.vendor]())


def ensure_installed(using="default", **_signal_arguments):
    connection = connections[using]
    if connection.vendor not in FORWARDS:
        return
    tables = connection.introspection.table_names()
    if all(join.summary in tables for join in JOINS) and not installed(connection):
        install(connection)


def drop_before_migrate(using="default", **_signal_arguments):
    """On SQLite, the triggers go before a migrate and come back after it (ensure_installed, which
    recounts). SQLite alters a table by building a copy and renaming it into place, and refuses the
    rename while a trigger on another table names the one being replaced: with the triggers in
    place, a migration altering a commendation, proposal, round, registration or area would fail."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        execute_all(connection, sqlite_backwards())


def migrate_forwards(apps, schema_editor):
    # On SQLite the later migrations of the same run may still rebuild tables: ensure_installed
    # installs the triggers once they all have run.
    if schema_editor.connection.vendor != "sqlite":
        install(schema_editor.connection)


def migrate_backwards(apps, schema_editor):
    execute_all(schema_editor.connection, BACKWARDS[schema_editor.connection.vendor]())
