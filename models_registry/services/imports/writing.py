"""Fast inserts for imports: COPY on PostgreSQL, one executemany per slice on SQLite."""
import csv
import functools
import io
import json
from itertools import chain, islice
from operator import attrgetter
from types import SimpleNamespace

from django.db import connection, models
from django.utils import timezone

from ...freshness import data_changed

WRITE_BATCH = 1000
# Rows turned into CSV text at a time while a COPY streams: a few hundred kilobytes.
COPY_ROWS = 500


def chunks(items, size):
    """Lists of at most `size` items, read from any iterable as they are needed."""
    items = iter(items)
    while chunk := list(islice(items, size)):
        yield chunk


@functools.cache
def _layout(model):
    """What plain_row needs of a model: its columns' defaults, and each field's column."""
    fields_ = [f for f in model._meta.concrete_fields if not f.primary_key]
    # A callable default (dict, a date) gives every row its own value.
    fresh = [f for f in fields_ if f.has_default() and callable(f.default)]
    fixed = {f.attname: f.get_default() for f in fields_ if f not in fresh}
    columns = {f.name: (f.attname, f.is_relation) for f in fields_}
    return fixed, fresh, columns


def plain_row(model, values):
    """A light stand-in for `model(**values)` that insert_rows can read: building ten
    thousand model instances only to read their attributes back costs a second. A related
    object is kept under its field's name too, for code reading it (`fill_derived`)."""
    fixed, fresh, columns = _layout(model)
    row = SimpleNamespace(_meta=model._meta, **fixed)
    for field_ in fresh:
        setattr(row, field_.attname, field_.get_default())
    for name, value in values.items():
        attname, relation = columns[name]
        if relation:
            setattr(row, name, value)
            value = value.pk if value is not None else None
        setattr(row, attname, value)
    return row


def _column_values(model, fields_, postgres, now):
    """A function giving the database values of `fields_` for one row (instance or plain_row)."""
    getters = []
    for index, f in enumerate(fields_):
        if hasattr(f, "key_of"):  # a KeyField, filled by pre_save on the other paths
            getters.append((index, lambda row, f=f: f.key_of(getattr(row, f.source))))
        elif getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            value = now if postgres else f.get_db_prep_save(now, connection)
            getters.append((index, lambda row, value=value: value))
        elif isinstance(f, models.JSONField):
            getters.append((index, lambda row, f=f: json.dumps(getattr(row, f.attname), cls=f.encoder)))
        elif isinstance(f, (models.DateField, models.DecimalField)) and not postgres:
            getters.append((index, lambda row, f=f: f.get_db_prep_save(getattr(row, f.attname), connection)))
    # The plain columns in one call in C; the few computed ones put in their places after.
    plain = attrgetter(*(f.attname for f in fields_))
    if not getters:
        return lambda row: plain(row) if len(fields_) > 1 else (plain(row),)

    def values(row):
        out = list(plain(row)) if len(fields_) > 1 else [plain(row)]
        for index, get in getters:
            out[index] = get(row)
        return out

    return values


def insert_rows(model, objects):
    """INSERT many new rows (any iterable, read once as the rows go): one COPY on PostgreSQL,
    executemany in slices on SQLite.

    Django's bulk_create compiles SQL value by value, so 10,000 registrations cost seconds;
    this takes a fraction of that. Primary keys are not returned: callers read them back.
    Model signals are not sent (as with bulk_create): history is written by the caller, and
    the data version is moved on here. Database errors arrive as Django's own (a connection
    lost during COPY is an OperationalError, which the outage middleware answers with 503).
    """
    objects = iter(objects)
    first = next(objects, None)
    if first is None:
        return
    data_changed()
    postgres = connection.vendor == "postgresql"
    fields_ = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = _column_values(model, fields_, postgres, timezone.now())
    rows = map(values, chain([first], objects))
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields_)
    with connection.cursor() as cursor:
        if postgres:
            # One statement however many rows: the statement-level triggers run once.
            copy(cursor, table, columns, [quote(f.column) for f in fields_ if f.null], rows)
        else:
            placeholders = ", ".join(["%s"] * len(fields_))
            for chunk in chunks(rows, WRITE_BATCH * 5):
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", chunk)


def insert_for_each(model, values, field, queryset):
    """One new `model` row for each row of `queryset`, written by the database in one
    INSERT ... SELECT: `field` (a foreign key) points at the row, the other fields are as in
    `plain_row(model, values)`. Rows the database already holds need not travel to Python
    and back."""
    data_changed()
    postgres = connection.vendor == "postgresql"
    target = model._meta.get_field(field)
    fields_ = [f for f in model._meta.concrete_fields if not f.primary_key and f is not target]
    constants = _column_values(model, fields_, postgres, timezone.now())(plain_row(model, values))
    select, params = queryset.order_by("pk").values_list("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*fields_, target])
    # Untyped, each constant is read as its column's type (jsonb, timestamptz, ...).
    placeholders = ", ".join(["%s"] * len(fields_))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
                       f"SELECT {placeholders}, source.* FROM ({select}) source", [*constants, *params])


def copy(cursor, table, columns, nullable, rows):
    # Every non-number is quoted, None as ""; FORCE_NULL turns "" into NULL in the nullable
    # columns only (foreign keys and dates: Django keeps text columns NOT NULL).
    force_null = f", FORCE_NULL ({', '.join(nullable)})" if nullable else ""
    # copy_expert is psycopg2's own: wrapped, its errors become Django's (OperationalError, IntegrityError).
    with connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv{force_null})",
                                  _CsvStream(rows))


class _CsvStream:
    """The rows as CSV text, made as COPY reads it: the server works on the first rows while
    the next are made, and a file of any size holds a few hundred rows in memory."""

    def __init__(self, rows):
        self.rows = iter(rows)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, quoting=csv.QUOTE_NONNUMERIC)

    def read(self, size=-1):
        self.writer.writerows(islice(self.rows, COPY_ROWS))
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text
