"""Forms of the staff workspace: return, criteria assessment, reviews, closing a year."""
import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..models import AdminArea, Field, Level, Outcome, ReviewKind, Status
from ..text import nfc


def _helper(*layout):
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    return helper


class UnitSearchForm(forms.Form):
    tim = forms.CharField(label=_("Tên hoặc mã đơn vị"), required=False, max_length=200,
                          widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: Hội Phụ nữ, DV-001"), "autofocus": True}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("tim")
        self.helper.form_method = "get"


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Đơn vị sẽ thấy lý do này; ghi rõ cần bổ sung, sửa những gì."),
        error_messages={"required": _("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_reason(self):
        reason = nfc(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError(_("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."))
        return reason


class ReviewForm(forms.Form):
    review_date = forms.DateField(
        label=_("Ngày sơ kết / tổng kết"),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Nhập theo dạng ngày/tháng/năm, ví dụ 15/12/2025."),
    )
    outcome = forms.ChoiceField(label=_("Kết quả đánh giá"), choices=[("", "—"), *Outcome.choices], required=False)
    summary = forms.CharField(label=_("Nhận xét"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == ReviewKind.YEAR_END:
            self.fields["outcome"].required = True
            self.fields["outcome"].error_messages["required"] = _("Tổng kết cuối năm phải có kết quả đánh giá.")
            self.fields["outcome"].help_text = _("Lưu tổng kết sẽ chuyển mô hình sang trạng thái “Đã tổng kết”.")
        self.helper = _helper(
            Row(Column("review_date", css_class="col-md-6"), Column("outcome", css_class="col-md-6")),
            "summary",
        )

    def clean_summary(self):
        return nfc(self.cleaned_data["summary"])


MET_CHOICES = [("", _("Chưa đánh giá")), ("1", _("Đạt")), ("0", _("Chưa đạt"))]


class AssessmentForm(forms.Form):
    """One row (met / note / evidence) per criterion of the unit kind's set."""

    def __init__(self, *args, criteria, attachments, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.rows = []
        for criterion in self.criteria:
            current = assessments.get(criterion.pk)
            met_initial = "" if current is None or current.met is None else ("1" if current.met else "0")
            self.fields[f"met_{criterion.pk}"] = forms.ChoiceField(
                label=_("Kết quả"), choices=MET_CHOICES, required=False, initial=met_initial)
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Nhận xét"), required=False, initial=current.note if current else "",
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"evidence_{criterion.pk}"] = forms.ModelChoiceField(
                label=_("Minh chứng"), queryset=attachments, required=False, empty_label=_("— Không —"),
                initial=current.evidence_id if current else None)
            self.rows.append((criterion, self[f"met_{criterion.pk}"], self[f"note_{criterion.pk}"],
                              self[f"evidence_{criterion.pk}"]))
        self.helper = _helper()

    def assessment_rows(self):
        """(criterion, met, note, evidence) for the workflow, from cleaned data."""
        data = self.cleaned_data
        return [
            (criterion, {"1": True, "0": False}.get(data[f"met_{criterion.pk}"]),
             nfc(data[f"note_{criterion.pk}"]), data[f"evidence_{criterion.pk}"])
            for criterion in self.criteria
        ]


class CloseYearForm(forms.Form):
    year = forms.IntegerField(label=_("Năm khóa sổ"))
    confirm = forms.BooleanField(
        label=_("Tôi hiểu rằng sau khi khóa sổ, các mô hình của năm này trên địa bàn chỉ còn để xem."),
        error_messages={"required": _("Hãy đánh dấu xác nhận trước khi khóa sổ.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last = datetime.date.today().year
        self.fields["year"].initial = last
        self.fields["year"].validators = [_year_validator(settings.FIRST_REGISTRATION_YEAR, last)]
        self.fields["year"].widget.attrs.update({"min": settings.FIRST_REGISTRATION_YEAR, "max": last})
        self.helper = _helper(Row(Column("year", css_class="col-md-4")), "confirm")


def _year_validator(first, last):
    def validate(value):
        if not first <= value <= last:
            raise forms.ValidationError(
                _("Năm phải từ %(first)s đến %(last)s."), params={"first": first, "last": last})
    return validate


def close_year_form(data, user):
    """Administrators pick the province to close; staff always close their own area."""
    form = CloseYearForm(data)
    if user.is_superuser:
        form.fields["area"] = forms.ModelChoiceField(
            label=_("Địa bàn"), queryset=AdminArea.objects.current().provinces().order_by("name"))
        form.helper = _helper(Row(Column("area", css_class="col-md-8"), Column("year", css_class="col-md-4")),
                              "confirm")
    return form


class RegistrationFilterForm(forms.Form):
    """The list filters (GET); names are the shared Vietnamese query parameters of `filters.py`."""

    def __init__(self, *args, unit_kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"] = forms.CharField(label=_("Tìm kiếm"), required=False,
                                           widget=forms.TextInput(attrs={"placeholder": _("Tên mô hình, đơn vị…")}))
        self.fields["nam"] = forms.IntegerField(label=_("Năm"), required=False)
        self.fields["trang-thai"] = forms.ChoiceField(label=_("Trạng thái"), required=False,
                                                      choices=[("", _("Tất cả")), *Status.choices])
        self.fields["linh-vuc"] = forms.ChoiceField(label=_("Lĩnh vực"), required=False,
                                                    choices=[("", _("Tất cả")), *Field.choices])
        self.fields["cap"] = forms.ChoiceField(label=_("Cấp"), required=False,
                                               choices=[("", _("Tất cả")), *Level.choices])
        self.fields["loai-don-vi"] = forms.ChoiceField(
            label=_("Loại đơn vị"), required=False,
            choices=[("", _("Tất cả")), *((kind.code, kind.label) for kind in unit_kinds)])
        self.helper = _helper(Row(
            Column("q", css_class="col-md-3"), Column("nam", css_class="col-md-1"),
            Column("trang-thai", css_class="col-md-2"), Column("linh-vuc", css_class="col-md-2"),
            Column("cap", css_class="col-md-2"), Column("loai-don-vi", css_class="col-md-2"),
        ))
        self.helper.form_method = "get"
