from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import PLAN_DATES
from .fields import DateTextField


class YearPlanForm(forms.Form):
    note = forms.CharField(label=_("Văn bản hướng dẫn"), max_length=255, required=False,
                           help_text=_("Số, ký hiệu văn bản hướng dẫn (không bắt buộc)."))

    def __init__(self, *args, inherited=None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for name, label in PLAN_DATES:
            help_text = ""
            if inherited and inherited.get(name):
                help_text = _("Để trống: theo hạn của tỉnh, %(date)s.") % {"date": inherited[name].strftime("%d/%m/%Y")}
            fields[name] = DateTextField(label=label, required=False, help_text=help_text)
        self.fields = {**fields, "note": self.fields["note"]}
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Lưu kế hoạch")))

    def dates(self):
        return {name: self.cleaned_data.get(name) for name, _label in PLAN_DATES}
