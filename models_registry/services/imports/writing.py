"""Fast inserts for imports: COPY on PostgreSQL, one executemany on SQLite."""
import csv
import io
import json
from operator import attrgetter
from types import SimpleNamespace

from django.db import connection, models
from django.utils import timezone

from ...freshness import data_changed

WRITE_BATCH = 1000


def chunks(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def plain_row(model, values):
    """A light stand-in for `model(**values)` that insert_rows can read: building ten
    thousand model instances only to read their attributes back costs a second."""
    row = SimpleNamespace()
    for name, value in values.items():
        field_ = model._meta.get_field(name)
        if field_.is_relation:
            setattr(row, field_.attname, value.pk if value is not None else None)
        else:
            setattr(row, field_.attname, value)
    for field_ in model._meta.concrete_fields:
        if not hasattr(row, field_.attname) and not field_.primary_key:
            setattr(row, field_.attname, field_.get_default())
    return row


def insert_rows(model, objects):
    """INSERT many new rows: COPY on PostgreSQL, one executemany on SQLite.

    Django's bulk_create compiles SQL value by value, so 10,000 registrations cost seconds;
    this takes a fraction of that. Primary keys are not returned: callers read them back.
    Model signals are not sent (as with bulk_create): history is written by the caller, and
    the data version is moved on here. Database errors arrive as Django's own (a connection
    lost during COPY is an OperationalError, which the outage middleware answers with 503).
    """
    if not objects:
        return
    data_changed()
    now = timezone.now()
    fields_ = [f for f in model._meta.concrete_fields if not f.primary_key]
    postgres = connection.vendor == "postgresql"
    getters = []
    for f in fields_:
        if hasattr(f, "key_of"):  # a KeyField, filled by pre_save on the other paths
            getters.append(lambda obj, f=f: f.key_of(getattr(obj, f.source)))
        elif getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            value = now if postgres else f.get_db_prep_save(now, connection)
            getters.append(lambda obj, value=value: value)
        elif isinstance(f, models.JSONField):
            getters.append(lambda obj, f=f: json.dumps(getattr(obj, f.attname), cls=f.encoder))
        elif isinstance(f, (models.DateField, models.DecimalField)) and not postgres:
            getters.append(lambda obj, f=f: f.get_db_prep_save(getattr(obj, f.attname), connection))
        else:
            getters.append(attrgetter(f.attname))
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields_)
    with connection.cursor() as cursor:
        for chunk in chunks(objects, WRITE_BATCH * 5):
            rows = (tuple(get(obj) for get in getters) for obj in chunk)
            if postgres:
                copy(cursor, table, columns, [quote(f.column) for f in fields_ if f.null], rows)
            else:
                placeholders = ", ".join(["%s"] * len(fields_))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(rows))


def copy(cursor, table, columns, nullable, rows):
    # Every non-number is quoted, None as ""; FORCE_NULL turns "" into NULL in the nullable
    # columns only (foreign keys and dates: Django keeps text columns NOT NULL).
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
    buffer.seek(0)
    force_null = f", FORCE_NULL ({', '.join(nullable)})" if nullable else ""
    # copy_expert is psycopg2's own: wrapped, its errors become Django's (OperationalError, IntegrityError).
    with connection.wrap_database_errors:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv{force_null})", buffer)
