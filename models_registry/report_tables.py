"""A report as tables: the declared types the report page, its Excel sheet and its CSV file read.

`report_tables` turns a `services.reports.Report` into `Table`s of `TableRow`s; `link_tables`
gives each row the links of its label and numbers (`Cell`s, text already formatted in the
page's language) and each table its chart data. Templates in templates/includes/reports/
render them (the table body through the `report_body` tag); no HTML is built here.
"""
import functools
from dataclasses import dataclass, field
from typing import NamedTuple, Optional
from urllib.parse import urlencode

from django.utils import formats
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .models import PUBLISHED_STATUSES, RESULT_FIGURES, ExemplarKind, Field, Level, Outcome, Status
from .services.reports import CHILD_AGGREGATES, COUNTED_STATUSES

RESULT_LABELS = {
    "participants": _("Số người tham gia"),
    "beneficiaries": _("Số người hưởng lợi"),
    "money_mobilised": _("Số tiền vận động (đồng)"),
    "land_donated_m2": _("Đất hiến (m²)"),
    "work_days": _("Ngày công"),
    "houses": _("Nhà xây/sửa"),
    "households_out_of_poverty": _("Hộ thoát nghèo"),
}


class Cell(NamedTuple):
    """One value as shown (formatted number or text) and the list it links to, if any."""

    text: str
    url: Optional[str] = None


@dataclass
class TableRow:
    label: str
    values: list
    params: Optional[dict] = None  # list filters the row's count link adds; None: no link
    target: object = None  # a child AdminArea or Unit the label links to
    # Set by `link_tables`: the report one level down the label links to, and the cells shown.
    label_url: Optional[str] = None
    cells: list = field(default_factory=list)  # [Cell]


@dataclass
class Table:
    key: str
    title: str
    columns: list  # header of the value columns; the label column comes first
    rows: list
    label_header: str = ""
    chart: str = ""  # "bar", "doughnut" or "line": drawn from the first value column(s)
    note: str = ""
    # Extra list filters for each value column's link; None: the column is not a count.
    column_params: list = field(default_factory=lambda: [{}])
    # Its numbers count units without a registration, listed on their own page.
    counts_missing_units: bool = False
    # Value columns hold numbers (right-aligned) rather than text.
    numeric: bool = True
    chart_data: Optional[dict] = None  # set by `link_tables` for tables with a chart


def change_text(change):
    """'tăng 120 (400,0%)', 'giảm 3 (25,0%)' or 'không đổi'; empty without a previous period."""
    if change is None:
        return ""
    difference, percent = change
    if difference == 0:
        return str(_("không đổi"))
    word = _("tăng") if difference > 0 else _("giảm")
    text = f"{word} {number_format(abs(difference), force_grouping=True)}"
    if percent is not None:
        text += f" ({number_format(abs(percent), decimal_pos=1)}%)"
    return text


def _trend_label(report, year):
    """'2026', or '2026 (đến 30/06)' for the unfinished year, so its point is not read as a whole year."""
    taken = report.taken
    if taken is not None and taken.partial and year == taken.through.year:
        return _("%(year)s (đến %(day)s)") % {"year": year, "day": taken.through.strftime("%d/%m")}
    return str(year)


def _choice_table(key, title, label_header, choices, prefix, param, figures, chart=""):
    rows = [
        TableRow(str(label), [figures[f"{prefix}__{value}"]], {param: value})
        for value, label in choices.choices
    ]
    return Table(key, title, [_("Số mô hình")], rows, label_header=label_header, chart=chart)


def report_tables(report, *, public=False):
    """The report as tables: one source for the page, the Excel sheet and the CSV file."""
    f = report.figures
    previous_label = str(report.previous_label)
    summary_rows = [
        (_("Tổng số mô hình đăng ký"), "total", {}),
        (_("Xây dựng mới"), "new", {"moi": "1"}),
        (_("Củng cố, nâng cao (duy trì)"), "continued", {"moi": "0"}),
        (_("Nhân rộng từ mô hình khác"), "replicated", {"nhan-rong": "1"}),
        (_("Được đánh giá điển hình"), "exemplary", {"ket-qua": Outcome.EXEMPLARY}),
        (_("Được khen thưởng"), "commended", {"trang-thai": Status.COMMENDED}),
    ]
    columns = [str(report.period.label)]
    if report.previous:
        columns += [previous_label, _("Tăng/giảm")]

    def with_change(key):
        values = [f[key]]
        if report.previous:
            values += [report.previous_value(key), change_text(report.change(key))]
        return values

    tables = [
        Table(
            "tong-hop",
            _("Tổng hợp"),
            columns,
            [TableRow(str(label), with_change(key), params) for label, key, params in summary_rows],
            label_header=_("Chỉ tiêu"),
        ),
        _choice_table("linh-vuc", _("Theo lĩnh vực"), _("Lĩnh vực"), Field, "field", "linh-vuc", f, chart="doughnut"),
        _choice_table("cap", _("Theo cấp"), _("Cấp"), Level, "level", "cap", f, chart="bar"),
        Table(
            "loai-don-vi",
            _("Theo khối, loại đơn vị"),
            [_("Số mô hình")],
            [TableRow(row.kind.name, [row.registrations], {"loai-don-vi": row.kind.code}) for row in report.kinds],
            label_header=_("Khối, loại đơn vị"),
            chart="bar",
        ),
        _choice_table(
            "loai-dien-hinh", _("Theo loại điển hình"), _("Loại điển hình"), ExemplarKind, "exemplar", "loai-dien-hinh", f),
        Table(
            "trang-thai",
            _("Theo trạng thái"),
            [_("Số mô hình")],
            [
                TableRow(str(label), [f[f"status__{value}"]], {"trang-thai": value})
                for value, label in Status.choices
                if value in (PUBLISHED_STATUSES if public else COUNTED_STATUSES)
            ],
            label_header=_("Trạng thái"),
        ),
        Table(
            "ket-qua",
            _("Theo kết quả đánh giá"),
            [_("Số mô hình")],
            [TableRow(str(label), [f[f"outcome__{value}"]], {"ket-qua": value}) for value, label in Outcome.choices]
            + [
                TableRow(
                    str(_("Chưa đánh giá")),
                    [f["total"] - sum(f[f"outcome__{value}"] for value in Outcome.values)],
                    {"ket-qua": "chua"},
                )
            ],
            label_header=_("Kết quả"),
            chart="bar",
        ),
        Table(
            "ket-qua-thuc-hien",
            _("Kết quả thực hiện"),
            columns,
            [TableRow(str(RESULT_LABELS[name]), with_change(f"sum__{name}"), {}) for name in RESULT_FIGURES],
            label_header=_("Chỉ tiêu"),
        ),
        Table(
            "xu-huong",
            _("Số mô hình qua các năm"),
            [_("Tổng số"), _("Xây dựng mới"), _("Điển hình")],
            [
                TableRow(_trend_label(report, year), [figures["total"], figures["new"], figures["exemplary"]],
                         {"nam": year})
                for year, figures in report.trend
            ],
            label_header=_("Năm"),
            chart="line",
            column_params=[{}, {"moi": "1"}, {"ket-qua": Outcome.EXEMPLARY}],
        ),
        Table(
            "muc-do-tham-gia",
            _("Mức độ tham gia của các đơn vị năm %(year)s") % {"year": report.completeness_year},
            [_("Số đơn vị"), _("Đã đăng ký"), _("Chưa đăng ký"), _("Tỷ lệ (%)")],
            [
                TableRow(
                    row.kind.name,
                    [row.units, row.units_registered, row.units_missing, row.percent],
                    {"nam": report.completeness_year, "loai-don-vi": row.kind.code},
                )
                for row in report.kinds
                if row.units
            ]
            + [
                TableRow(
                    str(_("Cộng")),
                    [
                        report.units_total,
                        report.units_registered,
                        report.units_missing,
                        round(100 * report.units_registered / report.units_total) if report.units_total else None,
                    ],
                    {"nam": report.completeness_year},
                )
            ],
            label_header=_("Khối, loại đơn vị"),
            column_params=[None, None, {}, None],
            counts_missing_units=True,
        ),
        Table(
            "tiep-noi",
            _("Mô hình năm %(year)s được duy trì sang năm %(next)s")
            % {"year": report.continuity["year"], "next": report.completeness_year},
            [_("Số mô hình")],
            [
                TableRow(str(_("Mô hình năm trước")), [report.continuity["total"]], {"nam": report.continuity["year"]}),
                TableRow(
                    str(_("Được duy trì, tiếp nối")),
                    [report.continuity["continued"]],
                    {"nam": report.continuity["year"], "tiep-noi": "co"},
                ),
                TableRow(
                    str(_("Không tiếp tục")),
                    [report.continuity["dropped"]],
                    {"nam": report.continuity["year"], "tiep-noi": "khong"},
                ),
            ],
            label_header=_("Chỉ tiêu"),
        ),
    ]
    tables.append(
        Table(
            "khen-thuong",
            _("Khen thưởng theo hình thức và cấp"),
            [_("Số lượt khen thưởng")],
            [TableRow(f"{form} – {_('cấp')} {str(level).lower()}", [count]) for form, level, count in report.commendations],
            label_header=_("Hình thức, cấp khen"),
            column_params=[None],
        )
    )
    if not public:
        tables.append(
            Table(
                "de-nghi",
                _("Đề nghị khen thưởng theo cấp xét"),
                [_("Chờ quyết định"), _("Được khen thưởng"), _("Không được khen thưởng")],
                [TableRow(str(level), [pending, accepted, declined])
                 for level, pending, accepted, declined in report.proposals],
                label_header=_("Cấp xét"),
                column_params=[None, None, None],
            )
        )
    spec = report.child_spec
    tables.append(
        Table(
            "chi-tiet",
            _("Chi tiết theo %(what)s") % {"what": str(spec.title).lower()},
            [_("Tổng số"), *[label for label in Field.labels], _("Mới"), _("Nhân rộng"), _("Điển hình"), _("Người tham gia"),
             _("Tiền vận động (đồng)")],
            [
                TableRow(
                    child.obj.name if child.obj is not None else str(_("Chưa xác định địa bàn hiện nay")),
                    [child.figures[key] for key in CHILD_AGGREGATES],
                    _child_params(spec, child.obj),
                    target=child.obj,
                )
                for child in report.children
            ],
            label_header=str(spec.title),
            column_params=[{}, *[{"linh-vuc": value} for value in Field.values], {"moi": "1"}, {"nhan-rong": "1"},
                           {"ket-qua": Outcome.EXEMPLARY}, None, None],
            note=str(_("Xã cũ bị chia cho nhiều xã mới được tính vào xã kế thừa mặc định."))
            if report.rolls_up_legacy and spec.column == "area__current_commune"
            else "",
        )
    )
    return tables


def _child_params(spec, obj):
    if obj is None:
        return None
    if spec.kind == "unit":
        return {"don-vi": obj.pk}
    return {"dia-ban": obj.code, "co-cau": obj.structure}


def missing_units_table(report):
    return Table(
        "chua-dang-ky",
        _("Đơn vị chưa đăng ký mô hình năm %(year)s") % {"year": report.completeness_year},
        [_("Mã đơn vị"), _("Khối, loại đơn vị"), _("Địa bàn")],
        [TableRow(unit.name, [unit.code, unit.kind, unit.area]) for unit in report.missing_units],
        label_header=_("Đơn vị"),
        numeric=False,
    )


def number_formatter():
    """Format integers with the active language's thousand separator (1.234.567 in Vietnamese).

    Done once per request rather than through `intcomma` per cell: a province table has
    over a thousand numbers, and the template filter is the slowest part of the page.
    """
    separator = formats.get_format("THOUSAND_SEPARATOR")

    def display(value):
        if value is None:
            return "–"
        if isinstance(value, int):
            return f"{value:,}".replace(",", separator)
        return value

    return display


@functools.lru_cache(maxsize=8192)
def _parameter(name, value):
    """`name=value` as `urlencode` writes it: each row's few parameters recur across a page's tables
    and from page to page (the same areas, years and filters), and encoding them was a tenth of the page."""
    return urlencode({name: value})


def link_tables(tables, *, report_url, list_url, base_params, missing_url=None):
    """Give each row the URLs its label and its numbers link to, its numbers formatted for
    display, and each table its chart data."""
    display = number_formatter()
    base = {name: _parameter(name, value) for name, value in base_params.items()}
    for table in tables:
        target = missing_url if table.counts_missing_units else list_url
        # Each value column adds the same filters on every row: encode them once.
        extras = [None if extra is None else (f"&{urlencode(extra)}" if extra else "") for extra in table.column_params]
        # Columns beyond `column_params` link nowhere.
        extras += [None] * max((len(row.values) - len(extras) for row in table.rows), default=0)
        for row in table.rows:
            row.label_url = link = None
            if row.params is not None:
                pieces = dict(base)
                if "nam" in row.params:
                    pieces.pop("tu-nam", None)
                    pieces.pop("den-nam", None)
                pieces.update((name, _parameter(name, value)) for name, value in row.params.items())
                query = "&".join(pieces.values())
                if row.target is not None and "dia-ban" in row.params:
                    row.label_url = f"{report_url}?{query}"
                link = f"{target}?{query}" if target else None
            if link is None:
                row.cells = [Cell(display(value)) for value in row.values]
            else:
                row.cells = [Cell(display(value), None if extra is None else link + extra)
                             for value, extra in zip(row.values, extras, strict=False)]
        table.chart_data = chart_data(table) if table.chart else None
    return tables


def chart_data(table):
    series = table.columns if table.chart == "line" else table.columns[:1]
    return {
        "id": f"du-lieu-{table.key}",
        "type": table.chart,
        "labels": [row.label for row in table.rows],
        "datasets": [
            {"label": str(name), "data": [row.values[i] for row in table.rows]} for i, name in enumerate(series)
        ],
    }


HEADLINE = (
    (_("Mô hình đăng ký"), "total"),
    (_("Xây dựng mới"), "new"),
    (_("Điển hình"), "exemplary"),
    (_("Được khen thưởng"), "commended"),
    (_("Người tham gia"), "sum__participants"),
    (_("Tiền vận động (đồng)"), "sum__money_mobilised"),
)


def headline(report):
    """The figure cards above the tables: (label, value, change against the previous period)."""
    return [(label, report.figures[key], change_text(report.change(key))) for label, key in HEADLINE]
