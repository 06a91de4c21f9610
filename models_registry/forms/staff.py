"""Forms of the staff workspace: return, criteria assessment, reviews, closing a year."""
import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import AdminArea, Outcome, ReasonTemplate, ReviewKind, Status
from ..models.validators import LONG_TEXT, SHORT_TEXT
from ..text import nfc
from .fields import DateTextField


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


def reason_templates(user, use):
    """The reason templates offered to `user`: everyone's, and those of the user's own area."""
    return ReasonTemplate.objects.filter(Q(area=None) | Q(area=user.area_id), use=use).order_by("text")


class ReasonForm(forms.Form):
    """A reason picked from the templates, typed, or both (the typed words follow the template)."""

    use = ReasonTemplate.Use.RETURN
    reason_label = _("Lý do trả lại")
    reason_help = _("Đơn vị sẽ thấy lý do này; ghi rõ cần bổ sung, sửa những gì.")
    missing_reason = _("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")
    reason_required = True

    template = forms.ModelChoiceField(label=_("Lý do mẫu"), queryset=ReasonTemplate.objects.none(), required=False,
                                      empty_label=_("— Chọn một lý do hay dùng —"))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = reason_templates(user, self.use)
        self.fields["reason"].label = self.reason_label
        self.fields["reason"].help_text = self.reason_help
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        template = cleaned.get("template")
        typed = nfc(cleaned.get("reason", "")).strip()
        cleaned["reason"] = " ".join(part for part in (template.text if template else "", typed) if part)
        if self.reason_required and not cleaned["reason"]:
            self.add_error("reason", self.missing_reason)
        return cleaned


class ReturnForm(ReasonForm):
    pass


class AcceptForm(ReasonForm):
    """The confirmation step of accepting; a reason is asked for when criteria fall short."""

    use = ReasonTemplate.Use.ACCEPT
    reason_label = _("Lý do vẫn duyệt")
    reason_help = _("Bắt buộc khi còn tiêu chí chưa đạt hoặc chưa đánh giá; lý do được ghi vào lịch sử.")
    reason_required = False
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)


class ReopenForm(ReasonForm):
    use = ReasonTemplate.Use.REOPEN
    reason_label = _("Lý do mở lại")
    reason_help = _("Được ghi vào lịch sử; nếu trả lại cho đơn vị, đơn vị sẽ thấy lý do này.")
    missing_reason = _("Hãy ghi lý do mở lại mô hình đã duyệt.")
    to_status = forms.ChoiceField(
        label=_("Đưa mô hình về"), widget=forms.RadioSelect, initial=Status.SUBMITTED,
        choices=[(Status.SUBMITTED, _("Chờ duyệt (Ban Dân vận xem xét lại)")),
                 (Status.RETURNED, _("Trả lại cho đơn vị để sửa"))],
    )
    field_order = ["to_status", "template", "reason"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút mô hình"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mô hình rút không còn được tính trong báo cáo và không hiện trên trang công khai; "
                    "lịch sử vẫn được giữ."),
        error_messages={"required": _("Hãy ghi lý do rút mô hình.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_reason(self):
        reason = nfc(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Hãy ghi lý do rút mô hình."))
        return reason


class BulkReturnForm(ReasonForm):
    version = None


class ReasonTemplateForm(forms.ModelForm):
    class Meta:
        model = ReasonTemplate
        fields = ["use", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Row(Column("use", css_class="col-md-4"), Column("text", css_class="col-md-8")))

    def clean_text(self):
        text = nfc(self.cleaned_data["text"]).strip()
        if not text:
            raise forms.ValidationError(_("Hãy ghi nội dung lý do."))
        return text


class ReviewForm(forms.Form):
    review_date = DateTextField(
        label=_("Ngày sơ kết / tổng kết"),
        help_text=_("Nhập theo dạng ngày/tháng/năm, ví dụ 15/12/2025."),
    )
    outcome = forms.ChoiceField(label=_("Kết quả đánh giá"), choices=[("", "—"), *Outcome.choices], required=False)
    summary = forms.CharField(label=_("Nhận xét"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                              max_length=LONG_TEXT)

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
                widget=forms.Textarea(attrs={"rows": 2}), max_length=SHORT_TEXT)
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
