"""Importing registrations: one model per row, identified by unit, year and model name.

The unit comes from `Mã đơn vị`, or from `Tên đơn vị` + `Mã xã`. Units are looked up among
those the importer may see only, so a unit of another area reads exactly like a code that
does not exist. A file never sets a status: new rows are accepted (entered by the commission
from its own records), existing ones keep theirs.
"""
import re
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...models import (
    AdminArea,
    AreaLevel,
    ExemplarKind,
    Field,
    ImportBatch,
    Level,
    Registration,
    RegistrationEvent,
    Source,
    Status,
    Structure,
    Unit,
    YearClosure,
)
from ...models.history import Action
from ...text import name_key, nfc
from ..audit import changed_fields, event_fields
from .columns import Label, Text, Year, cell_text, date_for, figure_for, label_key, shown, text_for
from .engine import Importer
from .problems import CREATE, ERROR, UNCHANGED, UPDATE, Problem, RowOutcome
from .writing import WRITE_BATCH, chunks, insert_for_each, insert_rows, plain_row

NEW_OR_CONTINUED = [(True, "Mới"), (False, "Duy trì")]
FIGURES = ("participants", "beneficiaries", "money_mobilised", "land_donated_m2", "work_days", "houses",
           "households_out_of_poverty")
R = Registration


def _columns():
    return (
        Year("year", "Năm", example=2025),
        Text("unit", "Mã đơn vị", example="DV-0001"),
        Text("unit_name", "Tên đơn vị", example="Hội Liên hiệp Phụ nữ xã Tân Lập"),
        Text("commune", "Mã xã", example=""),
        Text("legacy_commune", "Mã xã cũ", example=""),
        text_for(R, "name", "Tên mô hình", required=True, example="Tủ quần áo nghĩa tình"),
        Label("field", "Lĩnh vực", Field.choices, required=True, example="Văn hóa - Xã hội"),
        Label("level", "Cấp", Level.choices, default=Level.GRASSROOTS, example="Cơ sở"),
        Label("exemplar_kind", "Loại điển hình", ExemplarKind.choices, default=ExemplarKind.COLLECTIVE,
              example="Tập thể"),
        text_for(R, "person_name", "Họ tên"),
        text_for(R, "person_position", "Chức vụ"),
        Label("is_new", "Mới/Duy trì", NEW_OR_CONTINUED, default=True, example="Mới"),
        text_for(R, "situation", "Thực trạng",
                 example="Nhiều hộ nghèo trong ấp thiếu quần áo ấm khi trời lạnh."),
        text_for(R, "objectives", "Mục tiêu", example="Giúp hộ khó khăn có quần áo ấm mùa đông."),
        text_for(R, "content", "Nội dung",
                 example="Vận động hội viên góp quần áo; phân loại và trao tận tay hộ nghèo."),
        text_for(R, "target_group", "Đối tượng vận động", example="Hội viên phụ nữ, nhân dân trong ấp"),
        text_for(R, "target_area", "Địa bàn thực hiện", example="Ấp Tân Hòa"),
        text_for(R, "lead_force", "Lực lượng nòng cốt", example="Chi hội Phụ nữ ấp"),
        text_for(R, "partners", "Đơn vị phối hợp", example="Đoàn Thanh niên xã"),
        text_for(R, "resources", "Nguồn lực", example="Quần áo, tiền do hội viên, nhà hảo tâm đóng góp"),
        date_for(R, "start_date", "Ngày bắt đầu", example="01/03/2025"),
        text_for(R, "milestones", "Các mốc thực hiện", example="Tháng 3: ra mắt; tháng 6: sơ kết; tháng 11: tổng kết"),
        date_for(R, "evaluation_date", "Ngày đánh giá", example="30/11/2025"),
        text_for(R, "expected_results", "Kết quả dự kiến", example="100 hộ nghèo có quần áo ấm"),
        text_for(R, "sustainability", "Cách duy trì, nhân rộng", example="Mở tủ quần áo ở các ấp khác"),
        text_for(R, "success_indicators", "Tiêu chí đánh giá",
                 example="100% hộ nghèo trong ấp được nhận; 80% hội viên tham gia"),
        text_for(R, "results", "Kết quả", example="120 hộ được nhận quần áo."),
        figure_for(R, "participants", "Số người tham gia", example=45),
        figure_for(R, "beneficiaries", "Số người hưởng lợi", example=120),
        figure_for(R, "money_mobilised", "Số tiền vận động (đồng)", example=15000000),
        figure_for(R, "land_donated_m2", "Đất hiến (m2)", example=0),
        figure_for(R, "work_days", "Ngày công", example=60),
        figure_for(R, "houses", "Nhà xây/sửa", example=0),
        figure_for(R, "households_out_of_poverty", "Hộ thoát nghèo", example=2),
    )


COLUMNS = _columns()
# Columns written into the registration (the unit columns only find the unit).
WRITTEN = [c.key for c in COLUMNS if c.key not in ("unit", "unit_name", "commune", "legacy_commune")]
STATUS_HEADER = "Trạng thái"
# Written by exports for people reading them; an import reads nothing from them.
NAME_HEADERS = ("Tên xã", "Tên tỉnh")


def _bare_name(name):
    """'Xã Tân Lập' → 'Tân Lập', so a clerk may write the commune's name either way."""
    return re.sub(r"^(xã|phường|thị trấn|đặc khu)\s+", "", nfc(name), flags=re.IGNORECASE)


def unit_queryset(user, scoped):
    units = Unit.objects.select_related("area", "kind")
    return units.for_user(user) if scoped else units


class UnitDirectory:
    """The units a file names, looked up once per file among those the importer may see:
    by code, or by name within a commune (given by code or by name)."""

    def __init__(self, user, scoped):
        self.user, self.scoped = user, scoped
        self.by_code = {}
        self.by_commune_name = {}
        self.communes = {}
        self.commune_names = {}

    def prefetch(self, codes, commune_values, legacy_commune_values):
        units = unit_queryset(self.user, self.scoped)
        for chunk in chunks(sorted(codes), 5000):
            for unit in units.filter(code__in=chunk):
                self.by_code[unit.code] = unit
        areas = []
        for structure, values in ((Structure.CURRENT, commune_values), (Structure.LEGACY, legacy_commune_values)):
            if not values:
                continue
            communes = AdminArea.objects.filter(structure=structure, level=AreaLevel.COMMUNE)
            areas += list(communes.filter(code__in=values))
            keys = {label_key(v) for v in values}
            if self.scoped and getattr(self.user, "area_id", None):
                communes = communes.filter(self.user.area.scope_q(""))
            # Names are matched accent-insensitively in Python, so load only names that could match.
            areas += [a for a in communes.only("pk", "code", "name", "structure")
                      if label_key(a.name) in keys or label_key(_bare_name(a.name)) in keys]
        for area in areas:
            self.communes[(area.structure, area.code)] = area
            for name in {label_key(area.name), label_key(_bare_name(area.name))}:
                self.commune_names.setdefault((area.structure, name), set()).add(area)
        area_ids = sorted({a.pk for a in areas})
        for chunk in chunks(area_ids, 2000):
            for unit in units.filter(area_id__in=chunk):
                self.by_commune_name.setdefault((unit.area_id, label_key(unit.name)), []).append(unit)

    def commune(self, value, structure):
        area = self.communes.get((structure, value))
        if area is None:
            matches = self.commune_names.get((structure, label_key(value)), set())
            if len(matches) > 1:
                raise ValueError(_("Có nhiều xã cùng tên này; hãy ghi mã xã."))
            area = next(iter(matches), None)
        return area

    def resolve(self, code, name, commune, legacy_commune):
        """(unit, column key) a row names, or ValueError with the reason and the column."""
        if code:
            unit = self.by_code.get(code)
            if unit is None:
                raise _Miss("unit", _("Không có đơn vị mang mã này."))
            if name and label_key(name) != label_key(unit.name):
                raise _Miss("unit_name", _("Mã đơn vị %(code)s là “%(unit)s”, không phải “%(name)s” như trong tệp.")
                            % {"code": code, "unit": unit.name, "name": name[:80]})
            return unit
        if not name:
            raise _Miss("unit", _("Cần “Mã đơn vị”, hoặc “Tên đơn vị” kèm “Mã xã”."))
        if not commune and not legacy_commune:
            raise _Miss("commune", _("Khi không có mã đơn vị, cần “Mã xã” (hoặc “Mã xã cũ”) để tìm đơn vị theo tên."))
        if commune:
            area = self.commune(commune, Structure.CURRENT)
        else:
            area = self.commune(legacy_commune, Structure.LEGACY)
        if area is None:
            raise _Miss("commune" if commune else "legacy_commune", _("Không tìm thấy xã này."))
        units = self.by_commune_name.get((area.pk, label_key(name)), [])
        if not units:
            raise _Miss("unit_name", _("Không có đơn vị tên này ở %(area)s.") % {"area": area.name})
        if len(units) > 1:
            raise _Miss("unit_name", _("Có %(count)s đơn vị cùng tên ở %(area)s; hãy ghi mã đơn vị.")
                        % {"count": len(units), "area": area.name})
        return units[0]


class _Miss(ValueError):
    def __init__(self, key, message):
        super().__init__(message)
        self.key = key


class RegistrationImporter(Importer):
    kind = ImportBatch.Kind.REGISTRATIONS
    columns = COLUMNS
    required = ("year", "name", "field")
    read_only = {
        STATUS_HEADER: gettext_lazy("Cột “Trạng thái” chỉ để xem: nhập tệp không đổi trạng thái của mô hình nào. "
                                    "Mô hình mới được ghi là “Đã duyệt”; mô hình đã có giữ nguyên trạng thái."),
        **{header: "" for header in NAME_HEADERS},
    }

    writes_as_checked = True

    def check(self, table, report):
        positions = self.map_headers(table, report)
        report.notices = [n for n in report.notices if n]
        if "unit" not in positions and not ("unit_name" in positions
                                            and ("commune" in positions or "legacy_commune" in positions)):
            report.problems.append(Problem(table.header_number, self.header("unit"), "",
                                           _("Thiếu cột “Mã đơn vị” (hoặc “Tên đơn vị” kèm “Mã xã”).")))
        if report.problems:
            return
        self.present = [key for key in WRITTEN if key in positions]
        self._prefetch(table, positions)
        seen = {}
        for number, row in self.checking(self.rows(table, positions)):
            plan = self._check_row(number, row, seen)
            report.rows.append(plan[0])
            report.problems += plan[0].problems
            yield plan

    def _prefetch(self, table, positions):
        self.units = UnitDirectory(self.user, self.scoped)
        self.units.prefetch(self.column_values(table, positions, "unit"),
                            self.column_values(table, positions, "commune"),
                            self.column_values(table, positions, "legacy_commune"))
        unit_ids = sorted({u.pk for u in self.units.by_code.values()}
                          | {u.pk for group in self.units.by_commune_name.values() for u in group})
        years = set()
        for value in self.column_values(table, positions, "year"):
            try:
                years.add(self.by_key["year"].clean(value))
            except ValueError:
                pass
        self.existing = {}
        for chunk in chunks(unit_ids, 2000):
            for reg in Registration.objects.filter(unit_id__in=chunk, year__in=years):
                self.existing[(reg.unit_id, reg.year, name_key(reg.name))] = reg
        self.closed = set()
        if self.scoped:
            self.closed = set(YearClosure.objects.filter(year__in=years).values_list("area_id", "year"))

    def _check_row(self, number, row, seen):
        problems = []
        values = self.clean(number, row, self.present, problems)
        unit = None
        text = {key: nfc(cell_text(row.get(key))) for key in ("unit", "unit_name", "commune", "legacy_commune")}
        try:
            unit = self.units.resolve(text["unit"], text["unit_name"], text["commune"], text["legacy_commune"])
        except _Miss as miss:
            problems.append(Problem(number, self.header(miss.key), text[miss.key][:80], str(miss)))
        except ValueError as error:
            problems.append(Problem(number, self.header("commune"), text["commune"][:80], str(error)))
        if values.get("exemplar_kind") == ExemplarKind.INDIVIDUAL and not values.get("person_name"):
            problems.append(Problem(number, self.header("person_name"), "",
                                    _("Điển hình cá nhân phải ghi họ tên người được đề cử.")))
        start, end = values.get("start_date"), values.get("evaluation_date")
        if start and end and end < start:
            problems.append(Problem(number, self.header("evaluation_date"), end.strftime("%d/%m/%Y"),
                                    _("Ngày đánh giá không được trước ngày bắt đầu.")))
        year, name = values.get("year"), values.get("name")
        summary = " · ".join([(text["unit"] or text["unit_name"])[:80] or "?", shown(row.get("year")) or "?",
                              shown(row.get("name")) or "?"])
        existing = None
        if unit is not None and year and name:
            key = (unit.pk, year, name_key(name))
            if key in seen:
                problems.append(Problem(number, self.header("name"), shown(name),
                                        _("Trùng với dòng %(row)s (cùng đơn vị, năm và tên mô hình).")
                                        % {"row": seen[key]}))
            seen.setdefault(key, number)
            if self.closed and any((pk, year) in self.closed for pk in unit.area.containing_ids()):
                problems.append(Problem(number, self.header("year"), str(year),
                                        _("Năm %(year)s đã khóa sổ ở địa bàn của đơn vị này; không nhập được.")
                                        % {"year": year}))
            existing = self.existing.get(key)
        if problems:
            return RowOutcome(number, ERROR, summary, problems), None, None
        if existing is None:
            return RowOutcome(number, CREATE, summary), (None, unit, values), None
        if existing.name != name:
            summary += " " + _("(trùng mô hình đã có “%(name)s”: cập nhật mô hình đó, không tạo mới)") % {
                "name": existing.name}
        compared = [key for key in self.present if key != "name"]
        # The row's values against the stored ones; a model instance per row would cost seconds on a big file.
        changes = changed_fields(existing, SimpleNamespace(**values), compared)
        if not changes:
            return RowOutcome(number, UNCHANGED, summary), None, None
        return RowOutcome(number, UPDATE, summary), (existing, unit, values), changes

    def write(self, plans, batch):
        # The new rows go to the COPY as they are checked; the updates wait for the end.
        updates = []

        def new_rows():
            for outcome, target, changes in plans:
                if outcome.action == CREATE:
                    yield target
                elif outcome.action == UPDATE:
                    updates.append((target, changes))

        created = self._create(new_rows(), batch)
        if updates:
            self._update(updates, batch)
        return created

    def _create(self, targets, batch):
        self.created = 0
        insert_rows(Registration, self._new_registrations(targets, batch))
        if self.created:
            # Each new registration's history starts with its import, written by the database from the rows it holds.
            insert_for_each(RegistrationEvent, event_fields(
                None, Action.IMPORTED, actor=self.user, source=Source.IMPORT, to_status=Status.ACCEPTED, batch=batch,
            ), "registration", Registration.objects.filter(import_batch=batch))
        return self.created

    def _new_registrations(self, targets, batch):
        """The new registrations as plain rows, made one by one as the COPY reads them (a
        50,000-row file never holds 50,000 of them at once); the model's own fill_derived
        gives each its keys, area and search texts. `self.created`: how many so far."""
        for count, (_existing, unit, values) in enumerate(targets, 1):
            registration = plain_row(Registration, {**values, "unit": unit, "import_batch": batch,
                                                    "status": Status.ACCEPTED})
            Registration.fill_derived(registration)
            self.created = count
            if self.progress is not None and count % (WRITE_BATCH * 5) == 0:
                self.progress(written=count)
            yield registration

    def _update(self, updates, batch):
        now = timezone.now()
        compared = [key for key in self.present if key != "name"]
        changed, events = [], []
        for (existing, unit, values), changes in updates:
            for name in compared:
                setattr(existing, name, values[name])
            existing.unit = unit
            existing.fill_derived()
            existing.updated_at = now
            existing.version += 1
            changed.append(existing)
            events.append(plain_row(RegistrationEvent, event_fields(
                existing, Action.EDITED, actor=self.user, source=Source.IMPORT, changes=changes, batch=batch,
            )))
        update_fields = sorted(compared) + ["search_text", "updated_at", "version"]
        Registration.objects.bulk_update(changed, update_fields, batch_size=WRITE_BATCH)
        insert_rows(RegistrationEvent, events)

