"""Forms of the commendation pages; the rules themselves live in models_registry.services.commendations."""
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import CommendationForm, CommendationRound, Level, Proposal, RevocationGround, SigningCapacity
from ..services.commendations import SIGNER_FIELDS, NotNow, check_votes, forms_for_level
from .excel import check_upload
from .fields import DateTextField, WholeNumberField


def _helper(submit_label, *layout, button_class="btn-primary", form_tag=True):
    helper = FormHelper()
    helper.form_tag = form_tag
    submit = Submit("submit", submit_label)
    submit.field_classes = f"btn {button_class}"
    helper.layout = Layout(*layout, submit)
    return helper


class RoundForm(forms.ModelForm):
    class Meta:
        model = CommendationRound
        fields = ["name", "year_from", "year_to", "opens_on", "closes_on"]
        field_classes = {"opens_on": DateTextField, "closes_on": DateTextField}
        help_texts = {
            "name": _("Ví dụ: Xét khen thưởng điển hình “Dân vận khéo” năm 2026."),
            "year_to": _("Bằng “Từ năm” nếu xét một năm; khác nếu xét cả giai đoạn (ví dụ 2021–2025)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _("Mở đợt khen thưởng"),
            "name",
            Row(Column("year_from"), Column("year_to")),
            Row(Column("opens_on"), Column("closes_on")),
        )

    def clean(self):
        data = super().clean()
        if data.get("year_from") and data.get("year_to") and data["year_to"] < data["year_from"]:
            self.add_error("year_to", _("“Đến năm” phải bằng hoặc sau “Từ năm”."))
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("Hạn nhận đề nghị phải bằng hoặc sau ngày mở nhận đề nghị."))
        return data


class RegistrationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        person = f"{obj.person_name}: " if obj.person_name else ""
        return f"{person}{obj.name} – {obj.unit.name} ({obj.year})"


class ProposalForm(forms.ModelForm):
    registration = RegistrationChoiceField(
        queryset=None, label=_("Mô hình / điển hình được đề nghị"),
        error_messages={"invalid_choice": _("Mô hình này không đề nghị được trong đợt này.")},
    )

    class Meta:
        model = Proposal
        fields = [
            "registration", "justification", "reason_without_exemplary",
            "votes_present", "votes_for", "votes_against", "vote_date",
        ]
        widgets = {
            "justification": forms.Textarea(attrs={"rows": 4}),
            "reason_without_exemplary": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"vote_date": DateTextField, "votes_present": WholeNumberField, "votes_for": WholeNumberField,
                         "votes_against": WholeNumberField}
        help_texts = {
            "reason_without_exemplary": _(
                "Chỉ cần khi mô hình chưa được tổng kết cuối năm là “Điển hình”."
            ),
            "votes_present": _("Số người dự cuộc họp bình xét công khai, dân chủ của tập thể."),
        }

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration"].queryset = registrations
        self.fields["vote_date"].required = True
        self.helper = _helper(
            _("Gửi đề nghị"),
            "registration",
            "justification",
            "reason_without_exemplary",
            Row(Column("votes_present", css_class="col-md-4"), Column("votes_for", css_class="col-md-4"),
                Column("votes_against", css_class="col-md-4")),
            Row(Column("vote_date", css_class="col-md-4")),
        )

    def clean(self):
        data = super().clean()
        figures = [data.get(name) for name in ("votes_for", "votes_against", "votes_present")]
        if None not in figures and data.get("vote_date"):
            try:
                check_votes(*figures, data["vote_date"])
            except NotNow as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return data


class FormOfCommendationField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=CommendationForm.objects.all(), label=_("Hình thức khen thưởng"), **kwargs)


class DecisionFields(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60,
                                      help_text=_("Ví dụ: 125-QĐ/BDVTU."))
    decision_date = DateTextField(label=_("Ngày quyết định"))
    authority = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    recipient_name = forms.CharField(
        label=_("Tên ghi trên giấy khen"), max_length=255, required=False,
        help_text=_("Để trống: tên người (điển hình cá nhân) hoặc tên đơn vị."),
    )
    signing_capacity = forms.ChoiceField(label=_("Hình thức ký"), choices=SigningCapacity.choices, required=False)
    signing_for = forms.CharField(
        label=_("Thay mặt / ký thay cho"), max_length=160, required=False,
        help_text=_("TM.: tập thể (để trống: cơ quan ban hành); KT.: chức vụ người đứng đầu (để trống: Trưởng ban)."),
    )
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=120, required=False,
                                      help_text=_("Để trống: Trưởng ban."))
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=120, required=False)


SIGNER_LAYOUT = (Row(Column("signing_capacity"), Column("signing_for")), Row(Column("signer_position"), Column("signer_name")))


class AcceptForm(DecisionFields):
    form = FormOfCommendationField()
    field_order = ["form", "decision_number", "decision_date", "authority", "recipient_name", *SIGNER_FIELDS]

    def __init__(self, *args, level, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = CommendationForm.objects.filter(
            pk__in=[form.pk for form in forms_for_level(level)]
        )
        self.helper = _helper(
            _("Quyết định khen thưởng"),
            "form",
            Row(Column("decision_number"), Column("decision_date")),
            "authority",
            "recipient_name",
            *SIGNER_LAYOUT,
            button_class="btn-success",
            form_tag=False,
        )


class DeclineForm(forms.Form):
    note = forms.CharField(label=_("Lý do không khen thưởng"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Không khen thưởng"), "note", button_class="btn-outline-danger", form_tag=False)


class DirectEntryForm(DecisionFields):
    form = FormOfCommendationField()
    level = forms.ChoiceField(label=_("Cấp khen"), choices=Level.choices)
    field_order = ["form", "level", "decision_number", "decision_date", "authority", "recipient_name", *SIGNER_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _("Ghi khen thưởng"),
            Row(Column("form"), Column("level")),
            Row(Column("decision_number"), Column("decision_date")),
            "authority",
            "recipient_name",
            *SIGNER_LAYOUT,
        )


class RevokeForm(forms.Form):
    ground = forms.ChoiceField(label=_("Căn cứ thu hồi"), choices=[("", "---------"), *RevocationGround.choices])
    decision_number = forms.CharField(label=_("Số quyết định thu hồi"), max_length=60)
    decision_date = DateTextField(label=_("Ngày quyết định thu hồi"))

    def __init__(self, *args, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label, "ground", Row(Column("decision_number"), Column("decision_date")),
                              button_class="btn-danger")


class RegistrationSearchForm(forms.Form):
    q = forms.CharField(label=_("Tên mô hình hoặc đơn vị"), required=False)
    nam = forms.IntegerField(label=_("Năm"), required=False, min_value=2010, max_value=2100)


class CommendationImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp khen thưởng (.xlsx hoặc .csv)"),
        help_text=_("Dòng đầu là tiêu đề cột; mỗi dòng một khen thưởng của một mô hình đã có trên cổng. "
                    "Bước sau cho xem trước từng dòng; chưa có gì được ghi cho tới khi bạn xác nhận."),
    )

    def clean_file(self):
        return check_upload(self.cleaned_data["file"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Tải lên và xem trước"), "file")
        self.helper.form_enctype = "multipart/form-data"
