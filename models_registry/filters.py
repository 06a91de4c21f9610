"""The one filter vocabulary of the portal's lists, reports and exports.

Every list of registrations reads its query through the FilterSets below: the public list
(/mo-hinh/ and its open-data files), the staff list (/quan-ly/mo-hinh/) and its Excel/CSV
export, and the lists behind a report's numbers (/bao-cao/mo-hinh/, /thong-ke/mo-hinh/). So a
parameter means the same wherever it appears:

- `q`: text; every word, accents and case ignored (`search.search_registrations`).
- `nam`: a year. `tu-nam`, `den-nam`: a period (reports only, `forms/reports.py`).
- `linh-vuc`, `cap`, `trang-thai`, `loai-dien-hinh`: a field, level, status, exemplar kind code.
- `loai-don-vi`: a unit kind code, its sub-kinds included.
- `dia-ban` with `co-cau`: an area CODE, of today's structure unless `co-cau=cu` (before July
  2025). An area of today's structure takes in the old areas rolled up into it.
- `don-vi`: a unit id.
- public list only: `tinh`, `xa` (its two area selects: codes of today's province and commune),
  `khen-thuong` (`co`/`khong`), `sap-xep`, `so-dong`.
- report lists only: `moi` (1/0), `nhan-rong` (1), `ket-qua` (an outcome or `chua`), `tiep-noi`
  (`co`/`khong`).

One rule for bad input. A list ignores an unknown parameter, and a value that is malformed or
names nothing known (its form field says why, and the list is not narrowed by it). The report
pages keep the answers they give for the report itself: a wrong year or period is the 400 page,
an area unknown or outside the viewer's scope 404 (`views/reports.py`); the open-data files
refuse a bad filter with 400, as a file must not silently hold other rows than asked for.

`is_canonical` tells whether a query held only valid values, each as it would be written back;
only such a page is kept as a cached copy (views/caching.py).
"""
import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import pagination
from .models import (
    AdminArea,
    AreaLevel,
    ExemplarKind,
    Field,
    Level,
    Outcome,
    Registration,
    Status,
    Structure,
    UnitKind,
    kept_area,
)
from .models.areas import PROVINCE_PATH
from .search import MAX_QUERY_LENGTH, RELEVANCE, commended_q, search_registrations
from .text import fold

# The largest id a database column holds: a larger number typed into a URL is no id at all.
MAX_ID = 2**63 - 1
# Longer than any official area code; a longer value names no area and costs no query.
MAX_AREA_CODE = 20

# Filters that narrow the summary cells (models/summaries.py) as they narrow the registrations, the
# cells having the same columns; an area filter chooses the area whose own cells are read.
CELL_FILTERS = frozenset({"nam", "linh-vuc", "cap", "loai-dien-hinh", "loai-don-vi", "trang-thai", "moi", "ket-qua",
                          "co-cau"})
AREA_FILTERS = frozenset({"dia-ban", "tinh", "xa"})

CHOICE_ERROR = {"invalid_choice": _("Giá trị “%(value)s” không có trong danh sách, hãy chọn lại.")}


def parse_id(value):
    """A positive integer from a query parameter, or None for anything else (text, huge, negative)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def structure_of(params):
    return Structure.LEGACY if params.get("co-cau") == Structure.LEGACY else Structure.CURRENT


def find_area(code, structure, *related):
    """The area of `structure` with this code, or None."""
    code = str(code or "").strip()
    if not code or len(code) > MAX_AREA_CODE or "\x00" in code:
        return None
    return kept_area(related, structure=structure, code=code)


def unit_kind_choices():
    return [(kind.code, kind.label) for kind in UnitKind.objects.select_related("parent").order_by(
        "parent__order", "order", "code")]


def by_unit_kind(queryset, code, *, kind="unit_kind"):
    """A unit kind takes in its sub-kinds."""
    return queryset.filter(Q(**{f"{kind}__code": code}) | Q(**{f"{kind}__parent__code": code}))


def by_area(queryset, area):
    """An area takes in the old areas rolled up into it; a province, read from a registration's own
    copy of it."""
    province_path = PROVINCE_PATH if queryset.model is Registration else None
    return queryset.filter(area.scope_q("area", province_path=province_path))


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _choice(label, choices, **extra):
    return django_filters.ChoiceFilter(label=label, choices=choices, empty_label=_("Tất cả"),
                                       error_messages=CHOICE_ERROR, **extra)


class VocabularyFilterSet(django_filters.FilterSet):
    """Filters the lists share. Parameter names hold hyphens, so they are declared by name."""

    q = django_filters.CharFilter(
        label=_("Tìm kiếm"), method="filter_text", max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": _("Từ khóa dài tối đa %(limit_value)d ký tự (hiện có %(show_value)d).")},
        widget=forms.TextInput(attrs={"placeholder": _("Tên mô hình, đơn vị…")}),
    )
    nam = YearFilter(label=_("Năm"), field_name="year", min_value=1, max_value=9999)
    locals().update({
        "linh-vuc": _choice(_("Lĩnh vực"), Field.choices, field_name="field"),
        "cap": _choice(_("Cấp"), Level.choices, field_name="level"),
        "loai-don-vi": _choice(_("Loại đơn vị"), unit_kind_choices, method="filter_unit_kind"),
        "loai-dien-hinh": _choice(_("Loại điển hình"), ExemplarKind.choices, field_name="exemplar_kind"),
        "dia-ban": django_filters.CharFilter(label=_("Địa bàn"), method="filter_area", max_length=MAX_AREA_CODE,
                                             widget=forms.HiddenInput),
        # Read by the `dia-ban` filter; on its own it narrows nothing.
        "co-cau": django_filters.ChoiceFilter(label=_("Cơ cấu"), choices=Structure.choices, method="filter_nothing",
                                              error_messages=CHOICE_ERROR, widget=forms.HiddenInput),
    })

    def filter_queryset(self, queryset):
        # The form may carry fields that are no filters (the public list's sort and page size).
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_text(self, queryset, name, value):
        return search_registrations(queryset, value)

    def filter_unit_kind(self, queryset, name, value):
        return by_unit_kind(queryset, value)

    def filter_area(self, queryset, name, value):
        area = self.chosen_area(name, value)
        return queryset if area is None else by_area(queryset, area)

    def chosen_area(self, name, value):
        """The area an area filter's value names, or None (it then narrows nothing); looked up once."""
        chosen = self.__dict__.setdefault("_chosen_areas", {})
        if name not in chosen:
            chosen[name] = self.find_chosen_area(name, value)
        return chosen[name]

    def find_chosen_area(self, name, value):
        return find_area(value, self.form.cleaned_data.get("co-cau") or Structure.CURRENT)

    def summary_cells(self, cells, area=None):
        """The summary cells that count exactly this list's rows, or None when a filter is none of
        their columns (a text search, a unit...) or the list lies in no one area. `area` is where
        the list lies already (the viewer's or the report's area; None: anywhere)."""
        values = {}
        if self.is_bound:
            # As in the list, a value that is not valid narrows nothing: cleaned_data leaves it out.
            self.form.is_valid()
            values = self.form.cleaned_data
        areas = [] if area is None else [area]
        for name, value in values.items():
            if name not in self.filters or value in ("", None):
                continue
            if name in AREA_FILTERS:
                areas += [chosen for chosen in [self.chosen_area(name, value)] if chosen is not None]
            elif name in CELL_FILTERS:
                cells = self.filters[name].filter(cells, value)
            else:
                return None
        # The rows lie in every area given: the one inside all the others, if there is one. The
        # country has no cells of its own, and adding up its provinces' (hundreds of thousands of
        # cells) would cost more than the page: it is counted instead.
        inner = [candidate for candidate in areas if all(other.contains(candidate) for other in areas)]
        return cells.of_area(inner[0]) if inner else None

    def filter_nothing(self, queryset, name, value):
        return queryset

    @classmethod
    def known_parameters(cls):
        return set(cls.base_filters) | set(cls._meta.form.base_fields)

    def is_canonical(self):
        """Whether every value given is valid and written as the form writes it back."""
        form = self.form
        if not form.is_valid():
            return False
        return all(str(form.cleaned_data[name]) == str(self.data.get(name)).strip()
                   for name in form.cleaned_data if self.data.get(name, "") != "")


class RegistrationFilterSet(VocabularyFilterSet):
    """The staff list and its export: registrations in the viewer's scope, any status."""

    locals().update({
        "trang-thai": _choice(_("Trạng thái"), Status.choices, field_name="status"),
        "don-vi": IdFilter(label=_("Đơn vị"), field_name="unit_id", min_value=1, max_value=MAX_ID,
                           widget=forms.HiddenInput),
    })

    @property
    def form(self):
        form = super().form
        if not hasattr(form, "helper"):
            form.helper = FormHelper()
            form.helper.form_tag = False
            # A GET form: crispy puts no token in it, so its HTML can be shared (views/fragments.py).
            form.helper.form_method = "get"
            # The hidden filters come from a report's or a list's links; kept only when given.
            hidden = [name for name in ("dia-ban", "co-cau", "don-vi") if (self.data or {}).get(name)]
            form.helper.layout = Layout(
                *hidden,
                Row(
                    Column("q", css_class="col-md-3"), Column("nam", css_class="col-md-1"),
                    Column("trang-thai", css_class="col-md-2"), Column("linh-vuc", css_class="col-md-2"),
                    Column("cap", css_class="col-md-2"), Column("loai-don-vi", css_class="col-md-2"),
                ),
            )
        return form


class ReportListFilterSet(RegistrationFilterSet):
    """The registrations behind one number of a report. Area and period are the report's own
    (`views/reports.py`, with its 400 and 404 answers), so they are no filters here."""

    locals().update({
        "dia-ban": None,
        "co-cau": None,
        "nam": None,
        "moi": django_filters.ChoiceFilter(choices=[("1", "1"), ("0", "0")], method="filter_new"),
        "nhan-rong": django_filters.ChoiceFilter(choices=[("1", "1")], field_name="replicates", lookup_expr="isnull",
                                                 method="filter_replicated"),
        "ket-qua": django_filters.ChoiceFilter(choices=[*Outcome.choices, ("chua", _("Chưa đánh giá"))],
                                               method="filter_outcome"),
        "tiep-noi": django_filters.ChoiceFilter(choices=[("co", "co"), ("khong", "khong")], method="filter_carried"),
    })

    def __init__(self, data, queryset, *, period, counted_q):
        super().__init__(data, queryset)
        self.period, self.counted_q = period, counted_q

    def filter_new(self, queryset, name, value):
        return queryset.filter(is_new=value == "1")

    def filter_replicated(self, queryset, name, value):
        return queryset.filter(replicates__isnull=False)

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(outcome="" if value == "chua" else value)

    def filter_carried(self, queryset, name, value):
        # Carried on into the next year: only a single year has one.
        if not self.period.is_single:
            return queryset
        carried = Exists(
            Registration.objects.filter(self.counted_q, continues=OuterRef("pk"), year=self.period.year_to + 1)
        )
        return queryset.filter(carried if value == "co" else ~carried)


SORTS = {
    # Best match first (search.list_order ranks a query); without a query, newest first.
    RELEVANCE: ("-year", "-pk"),
    "moi-nhat": ("-year", "-pk"),
    "cu-nhat": ("year", "pk"),
    "ten": ("name", "pk"),
    "nguoi-huong-loi": ("-beneficiaries", "-year", "-pk"),
}
SORT_CHOICES = [
    (RELEVANCE, _("Phù hợp nhất")),
    ("moi-nhat", _("Mới nhất")),
    ("cu-nhat", _("Cũ nhất")),
    ("ten", _("Tên mô hình (A–Z)")),
    ("nguoi-huong-loi", _("Nhiều người hưởng lợi nhất")),
]
PAGE_SIZES = (12, 24, 48)
COMMENDED_CHOICES = [("co", _("Đã được khen thưởng")), ("khong", _("Chưa được khen thưởng"))]
# The public form's own words for the shared filters: (label, first choice).
PUBLIC_LABELS = {
    "q": (_("Từ khóa"), None),
    "linh-vuc": (_("Lĩnh vực"), _("Tất cả lĩnh vực")),
    "nam": (_("Năm"), _("Tất cả các năm")),
    "cap": (_("Cấp"), _("Tất cả các cấp")),
    "loai-don-vi": (_("Loại đơn vị"), _("Tất cả loại đơn vị")),
    "loai-dien-hinh": (_("Loại điển hình"), _("Tập thể và cá nhân")),
}
# The fields of the fold-out, in order (the search box stands apart).
PUBLIC_FILTER_FIELDS = ("linh-vuc", "tinh", "xa", "nam", "cap", "loai-don-vi", "loai-dien-hinh", "khen-thuong",
                        "sap-xep", "so-dong")


class PublicListForm(forms.Form):
    """Sort and page size of the public list: part of its form, no filters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sap-xep"] = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=SORT_CHOICES,
                                                   error_messages=CHOICE_ERROR)
        self.fields["so-dong"] = forms.ChoiceField(label=_("Số mô hình mỗi trang"), required=False,
                                                   choices=[(str(n), str(n)) for n in PAGE_SIZES],
                                                   error_messages=CHOICE_ERROR)


def public_years():
    # A fixed range rather than DISTINCT over the registrations: one query less on every list page.
    return [(str(y), str(y)) for y in range(timezone.localdate().year + 1, settings.FIRST_REGISTRATION_YEAR - 1, -1)]


class PublicFilterSet(VocabularyFilterSet):
    """The public list and its open-data files; the queryset is published registrations."""

    # The same year as everywhere, offered as a list of the years on record.
    nam = _choice(_("Năm"), public_years, field_name="year")
    locals().update({
        "tinh": django_filters.ChoiceFilter(
            label=_("Tỉnh/Thành phố"), method="filter_area", empty_label=_("Tất cả tỉnh/thành"),
            error_messages=CHOICE_ERROR, help_text=_("Theo địa giới hiện nay, gồm cả mô hình của các địa bàn trước sắp xếp."),
        ),
        "xa": django_filters.ChoiceFilter(label=_("Xã/Phường"), method="filter_area", error_messages=CHOICE_ERROR),
        "khen-thuong": django_filters.ChoiceFilter(label=_("Khen thưởng"), choices=COMMENDED_CHOICES,
                                                   empty_label=_("Tất cả"), error_messages=CHOICE_ERROR,
                                                   method="filter_commended"),
    })

    class Meta:
        form = PublicListForm

    @classmethod
    def known_parameters(cls):
        return {*cls.base_filters, "sap-xep", "so-dong", "trang", *pagination.PARAMETERS}

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        for name, (label, first) in PUBLIC_LABELS.items():
            self.filters[name].label = label
            if first is not None:
                self.filters[name].extra["empty_label"] = first
        self.filters["q"].extra.update(
            help_text=_("Gõ có dấu hoặc không dấu; cụm từ trong ngoặc kép được tìm đúng cụm, như “hộ nghèo”."),
            widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Ví dụ: tu quan ao, nghĩa tình, dan van kheo")}),
        )
        provinces = AdminArea.objects.current().provinces().order_by("name").values_list("code", "name")
        self.filters["tinh"].extra["choices"] = list(provinces)
        self.province = find_area((data or {}).get("tinh"), Structure.CURRENT)
        xa = self.filters["xa"].extra
        if self.province is not None and self.province.level == AreaLevel.PROVINCE:
            xa["choices"] = list(
                AdminArea.objects.current().filter(level=AreaLevel.COMMUNE, province=self.province)
                .order_by("name").values_list("code", "name")
            )
            xa["empty_label"] = _("Tất cả xã/phường")
        else:
            xa.update(choices=[], empty_label=_("Chọn tỉnh/thành trước"),
                      help_text=_("Chọn tỉnh/thành rồi bấm “Áp dụng bộ lọc” để hiện danh sách xã."),
                      error_messages={"invalid_choice": _("Hãy chọn tỉnh/thành phố trước khi chọn xã/phường.")})

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*SORTS[self.valid_values().get("sap-xep", "moi-nhat")])

    def find_chosen_area(self, name, value):
        # The province is already looked up, for the communes' choices.
        if name == "tinh":
            return self.province
        if name == "xa":
            return find_area(value, Structure.CURRENT)
        return super().find_chosen_area(name, value)

    def filter_commended(self, queryset, name, value):
        return queryset.filter(commended_q()) if value == "co" else queryset.exclude(commended_q())

    def valid_values(self):
        """The values that passed validation; a bad one is reported on the form and left out."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {name: value for name, value in self.form.cleaned_data.items() if value not in ("", None)}

    def page_size(self):
        return int(self.valid_values().get("so-dong", PAGE_SIZES[0]))

    def filter_fields(self):
        return [self.form[name] for name in PUBLIC_FILTER_FIELDS]

    def uses_filters(self):
        """Whether any filter, sort or page size was chosen (the fold-out then starts open)."""
        return any(key != "q" for key in self.valid_values())


def filter_registrations(queryset, params):
    """Registrations narrowed by the shared filters of `params` (staff list, exports)."""
    return RegistrationFilterSet(params, queryset).qs


class UnitFilterSet(django_filters.FilterSet):
    """The unit chooser and the unit export: `loai-don-vi`, `dia-ban` with `co-cau`, and `q`
    (name or code, with or without diacritics)."""

    q = django_filters.CharFilter(method="filter_text", max_length=MAX_QUERY_LENGTH)
    locals().update({
        "loai-don-vi": django_filters.CharFilter(method="filter_unit_kind", max_length=100),
        "dia-ban": django_filters.CharFilter(method="filter_area", max_length=MAX_AREA_CODE),
        "co-cau": django_filters.ChoiceFilter(choices=Structure.choices, method="filter_nothing"),
    })

    filter_area = VocabularyFilterSet.filter_area
    filter_nothing = VocabularyFilterSet.filter_nothing

    def filter_unit_kind(self, queryset, name, value):
        return by_unit_kind(queryset, value, kind="kind")

    def filter_text(self, queryset, name, value):
        words = fold(value).split()
        # Units carry no folded search column; a province's few thousand names are folded here
        # in milliseconds, so "hoi phu nu" finds "Hội Phụ nữ" on SQLite and PostgreSQL alike.
        return queryset.filter(pk__in=[
            pk for pk, unit_name, code in queryset.values_list("pk", "name", "code")
            if all(word in fold(f"{unit_name} {code}") for word in words)
        ])


def filter_units(queryset, params):
    return UnitFilterSet(params, queryset).qs
