"""Importing the old → new unit list (merges, splits, renames), one pair per row.

Rows naming the same new unit on the same date with "Sáp nhập" are one merge; rows naming the
same old unit on the same date with "Chia tách" are one split. The rules are those of
services/lineage.py, checked for the whole file before anything is written: a cycle (in the
file or with what is recorded) or a unit merged twice on one date refuses the file.
"""
from collections import defaultdict

from django.utils.translation import gettext as _

from ...models import AccountFate, ImportBatch, LineageKind, LineageSource, Unit
from ..lineage import LineageGraph, _dissolved_on, check_event, record, rename
from .columns import Date, Label, Text
from .engine import Importer
from .problems import CREATE, ERROR, Problem, RowOutcome
from .writing import chunks

COLUMNS = (
    Text("old", "Mã đơn vị cũ", required=True, max_length=30, example="DV-0001"),
    Text("new", "Mã đơn vị mới", max_length=30, example="DV-0100"),
    Label("kind", "Hình thức", LineageKind.choices, default=LineageKind.MERGE, example="Sáp nhập"),
    Date("date", "Ngày hiệu lực", required=True, example="01/07/2025"),
    Label("accounts", "Tài khoản đơn vị cũ", AccountFate.choices, default=AccountFate.MOVE,
          example="Chuyển sang đơn vị kế thừa"),
    Text("new_name", "Tên mới", max_length=Unit._meta.get_field("name").max_length),
)


class LineageImporter(Importer):
    kind = ImportBatch.Kind.LINEAGE
    columns = COLUMNS
    required = ("old", "date")

    def check(self, table, report):
        positions = self.map_headers(table, report)
        if report.problems:
            return []
        codes = self.column_values(table, positions, "old") | self.column_values(table, positions, "new")
        visible = Unit.objects.for_user(self.user) if self.scoped else Unit.objects.all()
        self.units = {}
        for chunk in chunks(sorted(codes), 5000):
            self.units.update({u.code: u for u in visible.filter(code__in=chunk)})
        graph = LineageGraph.load()
        # (old unit, date) → (kind, new unit, row) of the first row dissolving it that day.
        dissolving = {}
        groups = defaultdict(list)
        plans = []
        for number, row in self.rows(table, positions):
            problems = []
            values = self.clean(number, row, ["old", "new", "kind", "date", "accounts", "new_name"], problems)
            old = self._unit(number, values.get("old"), "old", problems)
            kind = values.get("kind")
            new = None
            if kind == LineageKind.RENAME:
                if not values.get("new_name"):
                    problems.append(Problem(number, self.header("new_name"), "", _("Đổi tên cần ghi tên mới.")))
            else:
                new = self._unit(number, values.get("new"), "new", problems)
            day = values.get("date")
            summary = f"{values.get('old') or '?'} → {values.get('new') or values.get('new_name') or '?'}"
            if old is not None and new is not None and day is not None and kind != LineageKind.RENAME:
                first = dissolving.setdefault((old.pk, day), (kind, new.pk, number))
                if first[2] != number and not (kind == first[0] == LineageKind.SPLIT):
                    problems.append(Problem(number, self.header("old"), old.code, _(
                        "Đơn vị này đã được sáp nhập hoặc chia tách ở dòng %(row)s cùng ngày; một đơn vị không sáp "
                        "nhập hai lần trong một ngày.") % {"row": first[2]}))
                elif old.pk == new.pk:
                    problems.append(Problem(number, self.header("new"), new.code, _("Đơn vị không thể kế thừa chính nó.")))
                elif graph.closes_cycle(old.pk, new.pk):
                    problems.append(Problem(number, self.header("new"), new.code, _(
                        "Đơn vị mới đang là đơn vị tiền thân của đơn vị cũ (trong hệ thống hoặc ở dòng trước); ghi như "
                        "vậy sẽ thành vòng lặp kế thừa.")))
                else:
                    graph.add(old.pk, new.pk)
                    group = (kind, new.pk if kind == LineageKind.MERGE else old.pk, day)
                    groups[group].append((number, old, new, values.get("accounts")))
            outcome = RowOutcome(number, ERROR if problems else CREATE, summary, problems)
            report.rows.append(outcome)
            report.problems += problems
            plans.append((outcome, kind, old, values))
        self._check_groups(groups, report)
        self.groups = groups
        return plans

    def _unit(self, number, code, key, problems):
        if not code:
            if key == "new":
                problems.append(Problem(number, self.header(key), "", _("Sáp nhập, chia tách cần mã đơn vị mới.")))
            return None
        unit = self.units.get(code)
        if unit is None:
            problems.append(Problem(number, self.header(key), code, _("Không có đơn vị mang mã này trong địa bàn của bạn.")))
        return unit

    def _check_groups(self, groups, report):
        """Each group against the database: already dissolved, dissolved twice on one date."""
        empty = LineageGraph()
        for (kind, _anchor, day), rows in groups.items():
            predecessors = list({old.pk: old for _n, old, _new, _a in rows}.values())
            successors = list({new.pk: new for _n, _old, new, _a in rows}.values())
            for message in check_event(predecessors, successors, day, empty,
                                       dissolved_on=_dissolved_on([p.pk for p in predecessors], day)):
                report.problems.append(Problem(rows[0][0], self.header("old"), rows[0][1].code, message))
            if kind == LineageKind.SPLIT and len(successors) < 2:
                report.problems.append(Problem(rows[0][0], self.header("new"), rows[0][2].code,
                                               _("Chia tách cần ít nhất hai dòng, mỗi dòng một đơn vị kế thừa.")))

    def write(self, plans, batch):
        for (kind, _anchor, day), rows in self.groups.items():
            predecessors = list({old.pk: old for _n, old, _new, _a in rows}.values())
            successors = list({new.pk: new for _n, _old, new, _a in rows}.values())
            record(self.user, kind, predecessors, successors, day, account_fate=rows[0][3] or AccountFate.MOVE,
                   note=_("Nhập từ tệp “%(name)s”") % {"name": batch.file_name}, source=LineageSource.IMPORT)
        for _outcome, kind, old, values in plans:
            if kind == LineageKind.RENAME:
                rename(self.user, old, values["new_name"], values["date"], source=LineageSource.IMPORT)
        return len(plans)
