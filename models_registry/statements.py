"""The compiled SQL of a page's queries, kept per database connection and run again with fresh data.

A report asks a dozen grouped queries of the summary tables; the database answers a commune's in
about 2 ms, while building them through the ORM (filters, forty sums, compiling) cost 12 ms
more, on every request, for SQL that comes out the same each time the same viewer reads the same
report on the same day. `Statements` keeps that SQL, its parameters and the converters of its
columns, so the next request only runs it: the rows always come from the database, nothing
of the data is kept here. Each statement is known by the key of its report (what decides its SQL:
`services.reports.report_key`) and by the values it embeds from other queries' rows.
"""
import weakref
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.db import connections, router

# Statements kept per connection (a worker's): a report has about ten, each some 14 KB with its
# converters (measured on a province's dashboards), so a worker keeps its last hundred reports' in 14 MB.
KEPT_STATEMENTS = 1000

_kept = weakref.WeakKeyDictionary()  # connection -> OrderedDict of key -> _Statement


class _Statement:
    """One query's SQL, parameters and column converters. The compiler is not kept: it holds the
    whole query, several times the statement's size."""

    __slots__ = ("sql", "params", "using", "converters", "names", "model")

    def __init__(self, queryset):
        query = queryset.query
        self.model, self.using = queryset.model, queryset.db
        compiler = query.get_compiler(self.using)
        try:
            self.sql, self.params = compiler.as_sql()
        except EmptyResultSet:  # `.none()`, or a filter no row can pass: nothing to ask the database
            self.sql = None
            return
        self.converters = list(compiler.get_converters([column for column, _sql, _alias in compiler.select]).items())
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]
        # As values_list() would name them: its fields, then annotations added after it.
        fields = [*queryset._fields, *(name for name in query.annotation_select if name not in queryset._fields)]
        if fields != self.names or len(self.names) != compiler.col_count:
            raise ValueError(f"kept statements read columns in the order they are selected: {fields} vs {self.names}")

    def rows(self):
        if self.sql is None:
            return []
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)
            rows = cursor.fetchall()
        if not self.converters:
            return rows
        # What the compiler's apply_converters does: each converter called as Field.from_db_value is.
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in self.converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
            converted.append(tuple(row))
        return converted

    def dicts(self):
        return [dict(zip(self.names, row, strict=True)) for row in self.rows()]


class Statements:
    """The queries of one page, by name: `rows(name, build, *embedded)` gives the rows of the
    values()/values_list() queryset `build()` would give, as tuples in its columns' order;
    `dicts` the same as dicts by column name, as values() gives them.

    With `key` None nothing is kept: each call builds its queryset (exports, which run once)."""

    def __init__(self, key=None):
        self.key = key

    def _statement(self, name, build, embedded):
        if self.key is None:
            return _Statement(build())
        kept = _kept.setdefault(connections["default"], OrderedDict())
        key = (self.key, name, embedded)
        statement = kept.get(key)
        # Kept while the router sends its model's reads where they went (the replica, for report pages).
        if statement is not None and statement.using == router.db_for_read(statement.model):
            kept.move_to_end(key)
            return statement
        statement = kept[key] = _Statement(build())
        while len(kept) > KEPT_STATEMENTS:
            kept.popitem(last=False)
        return statement

    def rows(self, name, build, *embedded):
        return self._statement(name, build, embedded).rows()

    def dicts(self, name, build, *embedded):
        return self._statement(name, build, embedded).dicts()
