"""Forms for recording merges, splits and renames of units, and for the old → new list import."""
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import AccountFate
from ..text import nfc
from .fields import DateTextField


def _helper(*layout):
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


class UnitCodesField(forms.CharField):
    """Unit codes, one per line (or separated by commas), resolved among the units given."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, *args, single=False, **kwargs):
        self.single = single
        self.units = None
        if single:
            kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, max_length=3000, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None if self.single else []
        codes = list(dict.fromkeys(c for c in (nfc(p) for p in re.split(r"[\n,;]+", value)) if c))
        if self.single and len(codes) != 1:
            raise ValidationError(_("Ghi một mã đơn vị."))
        pattern = r"^(" + "|".join(re.escape(c) for c in codes) + r")$"
        found = {u.code.lower(): u for u in self.units.filter(code__iregex=pattern).select_related("area")}
        missing = [c for c in codes if c.lower() not in found]
        if missing:
            raise ValidationError(_("Không có đơn vị mang mã %(codes)s trong địa bàn của bạn.")
                                  % {"codes": ", ".join(missing[:10])})
        units = [found[c.lower()] for c in codes]
        return units[0] if self.single else units


class LineageForm(forms.Form):
    effective_date = DateTextField(label=_("Ngày hiệu lực"), help_text=_("dd/mm/yyyy, ví dụ 01/07/2025."))
    note = forms.CharField(label=_("Ghi chú (số quyết định…)"), max_length=500, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            if isinstance(form_field, UnitCodesField):
                form_field.units = units


class MergeForm(LineageForm):
    predecessors = UnitCodesField(label=_("Mã các đơn vị được sáp nhập"), help_text=_("Mỗi dòng một mã đơn vị."))
    successor = UnitCodesField(label=_("Mã đơn vị kế thừa"), single=True)
    account_fate = forms.ChoiceField(label=_("Tài khoản của các đơn vị được sáp nhập"), choices=AccountFate.choices,
                                     initial=AccountFate.MOVE, widget=forms.RadioSelect)
    field_order = ["predecessors", "successor", "effective_date", "account_fate", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Row(Column("predecessors", css_class="col-md-6"), Column("successor", css_class="col-md-6")),
                              Row(Column("effective_date", css_class="col-md-6"), Column("note", css_class="col-md-6")),
                              "account_fate")


class SplitForm(LineageForm):
    predecessor = UnitCodesField(label=_("Mã đơn vị được chia tách"), single=True)
    successors = UnitCodesField(label=_("Mã các đơn vị kế thừa"), help_text=_("Mỗi dòng một mã đơn vị."))
    account_fate = forms.ChoiceField(label=_("Tài khoản của đơn vị được chia tách"), choices=AccountFate.choices,
                                     initial=AccountFate.MOVE, widget=forms.RadioSelect)
    account_successor = UnitCodesField(label=_("Đơn vị nhận tài khoản"), single=True, required=False,
                                       help_text=_("Để trống: đơn vị kế thừa đầu tiên."))
    field_order = ["predecessor", "successors", "effective_date", "account_fate", "account_successor", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Row(Column("predecessor", css_class="col-md-6"), Column("successors", css_class="col-md-6")),
                              Row(Column("effective_date", css_class="col-md-6"), Column("note", css_class="col-md-6")),
                              Row(Column("account_fate", css_class="col-md-6"),
                                  Column("account_successor", css_class="col-md-6")))


class RenameForm(LineageForm):
    unit = UnitCodesField(label=_("Mã đơn vị"), single=True)
    new_name = forms.CharField(label=_("Tên mới"), max_length=255)
    field_order = ["unit", "new_name", "effective_date", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Row(Column("unit", css_class="col-md-4"), Column("new_name", css_class="col-md-8")),
                              Row(Column("effective_date", css_class="col-md-6"), Column("note", css_class="col-md-6")))


class LineageImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh sách đơn vị cũ → mới (.xlsx hoặc .csv)"), help_text=_(
        "Các cột: Mã đơn vị cũ, Mã đơn vị mới, Hình thức (Sáp nhập, Chia tách, Đổi tên), Ngày hiệu lực, "
        "Tài khoản đơn vị cũ (Chuyển sang đơn vị kế thừa hoặc Khóa tài khoản), Tên mới (khi đổi tên)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("file")


class SuggestionForm(forms.Form):
    account_fate = forms.ChoiceField(label=_("Tài khoản của các đơn vị cũ"), choices=AccountFate.choices,
                                     initial=AccountFate.MOVE, widget=forms.RadioSelect)
