import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Hidden, Layout, Row, Submit
from crispy_forms.layout import Field as LayoutField
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from ..services.reports import Period


class PeriodForm(forms.Form):
    """The year or period of a report, with Vietnamese parameter names as field names."""

    def __init__(self, data, *, area=None, **kwargs):
        super().__init__(data, **kwargs)
        first, last = settings.FIRST_REGISTRATION_YEAR, datetime.date.today().year + 1
        year = {"min_value": first, "max_value": last, "required": False}
        messages = {
            "invalid": _("Năm phải là một số, ví dụ 2024."),
            "min_value": _("Năm phải từ %(first)s đến %(last)s.") % {"first": first, "last": last},
            "max_value": _("Năm phải từ %(first)s đến %(last)s.") % {"first": first, "last": last},
        }
        self.fields["nam"] = forms.IntegerField(label=_("Năm"), error_messages=messages, **year)
        self.fields["tu-nam"] = forms.IntegerField(label=_("Hoặc từ năm"), error_messages=messages, **year)
        self.fields["den-nam"] = forms.IntegerField(label=_("đến năm"), error_messages=messages, **year)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "no-print"
        hidden = [Hidden("dia-ban", area.code), Hidden("co-cau", area.structure)] if area is not None else []
        self.helper.layout = Layout(
            *hidden,
            Row(
                Column(LayoutField("nam", placeholder=str(datetime.date.today().year)), css_class="col-sm-3"),
                Column("tu-nam", css_class="col-sm-3"),
                Column("den-nam", css_class="col-sm-3"),
                Column(Submit("", _("Xem báo cáo"), css_class="mt-sm-4"), css_class="col-sm-3"),
            ),
        )

    def clean(self):
        data = super().clean()
        year, first, last = data.get("nam"), data.get("tu-nam"), data.get("den-nam")
        if self.errors:
            return data
        if year is not None:
            data["period"] = Period(year, year)
        elif first is not None and last is not None:
            if first > last:
                raise forms.ValidationError(_("“Từ năm” phải nhỏ hơn hoặc bằng “đến năm”."))
            data["period"] = Period(first, last)
        elif first is not None or last is not None:
            raise forms.ValidationError(_("Nhập cả “từ năm” và “đến năm”, hoặc chỉ một năm."))
        else:
            today = datetime.date.today().year
            data["period"] = Period(today, today)
        return data
