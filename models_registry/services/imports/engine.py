"""The import engine: a checked file is written whole in one transaction, or not at all.

Each importer (registrations, units, commendations) declares its columns and implements
`check` (every row, against the database, with a few queries per file, writing nothing) and
`write` (bulk inserts and updates). `run` is the one way to import: the portal's pages and
the management commands call it with the same parsed Table, so they give the same result.

An importer whose `check` yields its plans row by row (`writes_as_checked`) is written while it
is checked: the database stores the first rows while Python checks the next, and a file found
wrong on any row is rolled back whole, as if never written.
"""
import copy
import difflib
import gc
from abc import ABC, abstractmethod

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from ...models import ImportBatch
from ...text import nfc
from .columns import cell_text, label_key, shown
from .problems import Problem, Report

# Columns a clerk's sheet often carries that mean nothing to an import.
IGNORED_COLUMNS = ("STT", "TT", "Số thứ tự", "Ghi chú")
# A background import says how far it has got every this many rows (services/jobs.py keeps it).
PROGRESS_EVERY = 500


class Importer(ABC):
    kind = None
    # Columns in the order of the template and of exports.
    columns = ()
    # Keys of the columns a file must have.
    required = ()
    # Headers the import recognises but never writes: {header: notice shown on the preview}.
    read_only = {}
    # `check` yields the plans as it goes and `write` reads them as they come (see the module).
    writes_as_checked = False

    def __init__(self, user=None):
        self.user = user
        # A command run without --user, or an administrator, is not limited to an area.
        self.scoped = user is not None and not user.is_superuser
        # Each import gets its own columns: those looked up in the database (unit kinds, forms of
        # commendation) keep what they loaded for this file only, never for the process.
        self.columns = tuple(copy.copy(c) for c in self.columns)
        self.by_key = {c.key: c for c in self.columns}
        # Told (checked=n) and (written=n) as the import goes on; None when nobody watches.
        self.progress = None

    def header(self, key):
        return self.by_key[key].header

    def map_headers(self, table, report):
        """{column key: position in the row}; header problems go to the report."""
        number = table.header_number
        known = {label_key(c.header): c for c in self.columns}
        ignored = {label_key(name) for name in IGNORED_COLUMNS}
        read_only = {label_key(name): notice for name, notice in self.read_only.items()}
        positions = {}
        for index, value in enumerate(table.headers):
            text = nfc(cell_text(value))
            key = label_key(text)
            if not key or key in ignored:
                continue
            if key in read_only:
                report.notices.append(str(read_only[key]))
                continue
            column = known.get(key)
            if column is None:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = _(" Có phải là “%(header)s”?") % {"header": known[close[0]].header} if close else ""
                report.problems.append(Problem(number, text[:80], "", _("Tiêu đề cột không đúng mẫu.") + hint))
            elif column.key in positions:
                report.problems.append(Problem(number, text[:80], "", _("Cột này xuất hiện hai lần.")))
            else:
                positions[column.key] = index
        for key in self.required:
            if key not in positions:
                report.problems.append(Problem(number, self.header(key), "",
                                               _("Thiếu cột bắt buộc này (xem tệp mẫu).")))
        return positions

    def rows(self, table, positions):
        """(row number, {key: raw value}) for each data row."""
        for number, values in table.rows:
            yield number, {key: values[index] if index < len(values) else None for key, index in positions.items()}

    def checking(self, rows):
        """The rows of the check's main pass, telling `progress` every PROGRESS_EVERY rows
        and once more when they run out."""
        count = 0
        for count, item in enumerate(rows, 1):
            if self.progress is not None and count % PROGRESS_EVERY == 0:
                self.progress(checked=count)
            yield item
        if self.progress is not None:
            self.progress(checked=count)

    def column_values(self, table, positions, key):
        """The distinct texts of one column, for prefetching."""
        if key not in positions:
            return set()
        index = positions[key]
        return {nfc(cell_text(values[index])) for _, values in table.rows if index < len(values)} - {""}

    def clean(self, number, row, keys, problems):
        """{key: value} of the given columns of one row; each bad cell adds a Problem."""
        values = {}
        for key in keys:
            column = self.by_key[key]
            try:
                values[key] = column.clean(row.get(key))
            except ValueError as error:
                problems.append(Problem(number, column.header, shown(row.get(key)), str(error)))
        return values

    @abstractmethod
    def check(self, table, report):
        """Plans for `write`, one per row (an iterable); every problem goes to the report."""

    @abstractmethod
    def write(self, plans, batch):
        """Write the checked plans; return how many records were created. With
        `writes_as_checked`, the plans of rows found wrong carry nothing to write."""


def run(importer_class, table, file_name, user=None, write=False, progress=None):
    """Check a parsed Table and, when `write` and nothing is wrong, import it whole.

    `progress(checked=n)` / `progress(written=n)` is called every few hundred rows, from inside
    the import's transaction, while a COPY may be under way on its connection: it must not use
    the database (jobs.py keeps it in the cache)."""
    # The cyclic collector would rescan the growing heap of row objects again and again
    # (about a fifth of the time on big files); any cycles made meanwhile are collected
    # once it is back on.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(importer_class, table, file_name, user, write, progress)
    finally:
        if collecting:
            gc.enable()


def refused(kind, file_name, message):
    report = Report(kind=kind, file_name=file_name)
    report.refuse(message)
    return report


class _Rejected(Exception):
    """A file written as it was checked turned out wrong: its transaction is rolled back."""


def _run(importer_class, table, file_name, user, write, progress):
    report = Report(kind=importer_class.kind, file_name=file_name)
    importer = importer_class(user)
    importer.progress = progress
    if not write:
        for _plan in importer.check(table, report):
            pass
        return report
    try:
        with transaction.atomic():
            # Two confirms of one file (or of two files naming the same rows) are checked and
            # written one after the other, so the second finds what the first wrote.
            _serialise(importer_class.kind)
            plans = importer.check(table, report)
            if not importer.writes_as_checked:
                plans = list(plans)
                if not report.ok:
                    return report
            batch = ImportBatch.objects.create(
                kind=importer_class.kind, file_name=file_name[:255], row_count=len(report.rows),
                area=getattr(user, "area", None), created_by=user if user is not None else None,
            )
            batch.created_count = importer.write(plans, batch)
            if not report.ok:
                raise _Rejected
            if progress is not None:
                progress(written=len(report.rows))
            batch.row_count = len(report.rows)
            batch.save(update_fields=["created_count", "row_count"])
    except _Rejected:
        return report
    except IntegrityError:
        report.rows = []
        report.problems = []
        report.refuse(_("Dữ liệu vừa được người khác thay đổi trong lúc nhập nên tệp chưa được nhập. "
                        "Hãy xem trước và xác nhận lại."))
        return report
    report.batch, report.written = batch, True
    return report


def _serialise(kind):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [4242, sum(map(ord, kind))])
