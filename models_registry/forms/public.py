"""The public list's search and filter form, shared by the list page and the open-data files.

Query parameters are Vietnamese, as they appear in links: `q`, `linh-vuc`, `tinh`, `xa`, `nam`,
`cap`, `loai-don-vi`, `loai-dien-hinh`, `khen-thuong`, `sap-xep`, `so-dong`. The template lays the
fields out one by one with crispy's `as_crispy_field` (search box apart, filters in a fold-out).
"""
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..filters import filter_registrations, parse_id
from ..models import AdminArea, AreaLevel, ExemplarKind, Field, Level, UnitKind
from ..search import MAX_QUERY_LENGTH, commended_q, search_registrations

SORTS = {
    "moi-nhat": ("-year", "-pk"),
    "cu-nhat": ("year", "pk"),
    "ten": ("name", "pk"),
    "nguoi-huong-loi": ("-beneficiaries", "-year", "-pk"),
}
SORT_CHOICES = [
    ("moi-nhat", _("Mới nhất")),
    ("cu-nhat", _("Cũ nhất")),
    ("ten", _("Tên mô hình (A–Z)")),
    ("nguoi-huong-loi", _("Nhiều người hưởng lợi nhất")),
]
PAGE_SIZES = (12, 24, 48)
COMMENDED_CHOICES = [("", _("Tất cả")), ("co", _("Đã được khen thưởng")), ("khong", _("Chưa được khen thưởng"))]



def _blank(label):
    return [("", label)]


class PublicSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Từ khóa"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Gõ có dấu hoặc không dấu, ví dụ: dan van kheo, ho ngheo."),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Tên mô hình, đơn vị, nội dung…")}),
        error_messages={"max_length": _("Từ khóa dài tối đa %(limit_value)d ký tự (hiện có %(show_value)d).")},
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        choice_error = {"invalid_choice": _("Giá trị “%(value)s” không có trong danh sách, hãy chọn lại.")}

        def choice(label, choices, **extra):
            return forms.ChoiceField(label=label, required=False, choices=choices, error_messages=choice_error, **extra)

        provinces = AdminArea.objects.current().provinces().order_by("name").values_list("pk", "name")
        province_id = parse_id((data or {}).get("tinh"))
        communes = []
        if province_id:
            communes = (
                AdminArea.objects.current()
                .filter(level=AreaLevel.COMMUNE, province_id=province_id)
                .order_by("name")
                .values_list("pk", "name")
            )
        # A fixed range rather than DISTINCT over the registrations: one query less on every list page.
        years = range(timezone.localdate().year + 1, settings.FIRST_REGISTRATION_YEAR - 1, -1)
        kinds = UnitKind.objects.select_related("parent").order_by("parent__order", "order", "code")

        self.fields["linh-vuc"] = choice(_("Lĩnh vực"), _blank(_("Tất cả lĩnh vực")) + list(Field.choices))
        self.fields["tinh"] = choice(
            _("Tỉnh/Thành phố"),
            _blank(_("Tất cả tỉnh/thành")) + [(str(pk), name) for pk, name in provinces],
            help_text=_("Theo địa giới hiện nay, gồm cả mô hình của các địa bàn trước sắp xếp."),
        )
        self.fields["xa"] = choice(
            _("Xã/Phường"),
            _blank(_("Tất cả xã/phường") if province_id else _("Chọn tỉnh/thành trước"))
            + [(str(pk), name) for pk, name in communes],
            help_text=None if province_id else _("Chọn tỉnh/thành rồi bấm “Áp dụng bộ lọc” để hiện danh sách xã."),
        )
        if not province_id:
            self.fields["xa"].error_messages["invalid_choice"] = _("Hãy chọn tỉnh/thành phố trước khi chọn xã/phường.")
        self.fields["nam"] = choice(_("Năm"), _blank(_("Tất cả các năm")) + [(str(y), str(y)) for y in years])
        self.fields["cap"] = choice(_("Cấp"), _blank(_("Tất cả các cấp")) + list(Level.choices))
        self.fields["loai-don-vi"] = choice(
            _("Loại đơn vị"), _blank(_("Tất cả loại đơn vị")) + [(kind.code, kind.label) for kind in kinds]
        )
        self.fields["loai-dien-hinh"] = choice(
            _("Loại điển hình"), _blank(_("Tập thể và cá nhân")) + list(ExemplarKind.choices)
        )
        self.fields["khen-thuong"] = choice(_("Khen thưởng"), COMMENDED_CHOICES)
        self.fields["sap-xep"] = choice(_("Sắp xếp"), SORT_CHOICES)
        self.fields["so-dong"] = choice(_("Số mô hình mỗi trang"), [(str(n), str(n)) for n in PAGE_SIZES])

    def valid_values(self):
        """The filters that passed validation; a bad one is reported on the form and left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}

    def filter(self, queryset):
        """Apply search, filters and sort to a queryset of published registrations."""
        values = self.valid_values()
        shared = {key: values[key] for key in ("nam", "linh-vuc", "cap", "loai-don-vi", "loai-dien-hinh") if key in values}
        area = values.get("xa") or values.get("tinh")
        if area:
            shared["dia-ban"] = area
        queryset = filter_registrations(queryset, shared)
        queryset = search_registrations(queryset, values.get("q", ""))
        if values.get("khen-thuong") == "co":
            queryset = queryset.filter(commended_q())
        elif values.get("khen-thuong") == "khong":
            queryset = queryset.exclude(commended_q())
        return queryset.order_by(*SORTS[values.get("sap-xep", "moi-nhat")])

    def page_size(self):
        return int(self.valid_values().get("so-dong", PAGE_SIZES[0]))

    def filter_fields(self):
        return [self[name] for name in self.fields if name != "q"]

    def uses_filters(self):
        """Whether any filter, sort or page size was chosen (the fold-out then starts open)."""
        return any(key != "q" for key in self.valid_values())
