"""What an import found: one Problem type for every importer, and the Report of a file."""
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: gettext_lazy("Tạo mới"),
    UPDATE: gettext_lazy("Cập nhật"),
    UNCHANGED: gettext_lazy("Đã có, không đổi"),
    ERROR: gettext_lazy("Lỗi"),
}


@dataclass
class Problem:
    """A reason the file cannot be imported: row 0 for the file as a whole."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self):
        if not self.row:
            return str(self.message)
        if self.column and self.value:
            return _("Dòng %(row)s, cột “%(column)s” (giá trị “%(value)s”): %(message)s") % self._parts()
        if self.column:
            return _("Dòng %(row)s, cột “%(column)s”: %(message)s") % self._parts()
        return _("Dòng %(row)s: %(message)s") % self._parts()

    def _parts(self):
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class RowOutcome:
    number: int
    action: str
    summary: str
    problems: list = field(default_factory=list)

    @property
    def label(self):
        return ACTION_LABELS[self.action]


@dataclass
class Report:
    """The outcome of checking (and perhaps writing) one file."""

    kind: str
    file_name: str
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    # Columns of the file that the import reads but never writes, said on the preview.
    notices: list = field(default_factory=list)
    batch: object = None
    written: bool = False

    @property
    def ok(self):
        return not self.problems

    @property
    def counts(self):
        counts = Counter(row.action for row in self.rows)
        return {action: counts.get(action, 0) for action in ACTION_LABELS}

    def refuse(self, message):
        self.problems.append(Problem(0, "", "", message))

    def summary(self):
        c = self.counts
        total = len(self.rows)
        if not self.ok:
            return ngettext(
                "Tệp “%(name)s” bị từ chối: %(problems)s lỗi, %(errors)s dòng lỗi trên %(total)s dòng. "
                "Chưa có dữ liệu nào được nhập.",
                "Tệp “%(name)s” bị từ chối: %(problems)s lỗi, %(errors)s dòng lỗi trên %(total)s dòng. "
                "Chưa có dữ liệu nào được nhập.",
                len(self.problems),
            ) % {"name": self.file_name, "problems": len(self.problems), "errors": c[ERROR], "total": total}
        values = {"total": total, "name": self.file_name, "create": c[CREATE], "update": c[UPDATE],
                  "unchanged": c[UNCHANGED]}
        if self.written:
            return ngettext(
                "Đã nhập %(total)s dòng từ “%(name)s”: %(create)s tạo mới, %(update)s cập nhật, "
                "%(unchanged)s đã có và không đổi.",
                "Đã nhập %(total)s dòng từ “%(name)s”: %(create)s tạo mới, %(update)s cập nhật, "
                "%(unchanged)s đã có và không đổi.",
                total,
            ) % values
        return ngettext(
            "Sẽ nhập %(total)s dòng từ “%(name)s”: %(create)s tạo mới, %(update)s cập nhật, "
            "%(unchanged)s đã có và không đổi.",
            "Sẽ nhập %(total)s dòng từ “%(name)s”: %(create)s tạo mới, %(update)s cập nhật, "
            "%(unchanged)s đã có và không đổi.",
            total,
        ) % values
