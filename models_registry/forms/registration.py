"""Forms a unit (or staff on its behalf) fills in for a registration."""
import datetime

from crispy_forms.bootstrap import AppendedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..filters import parse_id
from ..models import RESULT_FIGURES, AdminArea, AreaLevel, Field, Level, Registration, Status, Unit, UnitKind
from ..text import nfc
from .fields import DateTextField, MoneyField, WholeNumberField

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# File signatures (magic numbers): what the content really is, whatever the name says.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"GIF87a", "image/gif", (".gif",)),
    (b"GIF89a", "image/gif", (".gif",)),
    (b"%PDF-", "application/pdf", (".pdf",)),
)


def sniff_content_type(uploaded):
    """The MIME type read from the file's first bytes, or None when it is not an image or PDF we accept."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", (".webp",)
    for magic, content_type, extensions in SIGNATURES:
        if head.startswith(magic):
            return content_type, extensions
    return None, ()


class VersionedForm(forms.ModelForm):
    """Carries the registration's version so a save over someone else's newer save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        # Browsers post textarea line breaks as CRLF; stored text uses LF so unchanged text compares equal.
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = nfc(value.replace("\r\n", "\n"))
        return cleaned


TEXTAREA = forms.Textarea(attrs={"rows": 3})
# Districts were abolished by the 2025 reform: level "Huyện" exists for registrations up to this year.
LAST_DISTRICT_YEAR = 2025
# Statuses in which a registration has been sent: its required fields stay filled on every edit.
SENT_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.COMPLETED, Status.COMMENDED)


class RegistrationForm(VersionedForm):
    """Register or edit a model. Staff get a unit chooser limited to their scope."""

    class Meta:
        model = Registration
        fields = [
            "year", "name", "field", "level", "exemplar_kind", "person_name", "person_position", "is_new",
            "continues", "situation", "objectives", "content", "target_group", "target_area", "lead_force",
            "partners", "resources", "start_date", "milestones", "evaluation_date", "expected_results",
            "sustainability", "success_indicators",
        ]
        labels = {
            "name": _("Tên mô hình"),
            "year": _("Năm đăng ký"),
            "field": _("Lĩnh vực"),
            "level": _("Cấp đăng ký"),
            "exemplar_kind": _("Loại điển hình"),
            "person_name": _("Họ tên cá nhân điển hình"),
            "person_position": _("Chức vụ, nơi công tác"),
            "is_new": _("Mô hình xây dựng mới"),
            "continues": _("Tiếp nối mô hình năm trước"),
        }
        help_texts = {
            "name": _("Tên ngắn gọn, nêu rõ việc làm, ví dụ: “Tủ quần áo yêu thương”."),
            "year": _("Năm thực hiện mô hình."),
            "start_date": _("Ngày/tháng/năm, ví dụ 01/03/2026."),
            "evaluation_date": _("Ngày dự kiến đánh giá kết quả."),
            "level": _("Cấp mà mô hình đăng ký và được công nhận."),
            "exemplar_kind": _("Chọn “Cá nhân” nếu đăng ký một người điển hình; khi đó ghi họ tên và chức vụ."),
            "person_name": _("Bắt buộc với điển hình cá nhân."),
            "is_new": _("Bỏ chọn nếu mô hình được củng cố, nâng cao từ năm trước."),
            "continues": _("Mô hình của đơn vị ở năm trước mà đăng ký này tiếp tục thực hiện."),
            "objectives": _("Mục tiêu cụ thể, đo được."),
            "content": _("Các bước, cách làm, cách vận động nhân dân."),
            "target_group": _("Ví dụ: hội viên phụ nữ, hộ nghèo, đoàn viên thanh niên."),
            "resources": _("Kinh phí, nhân lực, vật chất; nguồn huy động."),
            "milestones": _("Mỗi dòng một mốc: thời gian – việc cần xong."),
        }
        widgets = {
            "situation": TEXTAREA, "objectives": TEXTAREA, "content": forms.Textarea(attrs={"rows": 5}),
            "resources": TEXTAREA, "milestones": TEXTAREA, "expected_results": TEXTAREA,
            "sustainability": TEXTAREA, "success_indicators": forms.Textarea(attrs={"rows": 4}),
        }
        # A browser's date picker follows the browser's locale, not the portal's: dd/mm/yyyy text boxes.
        field_classes = {"start_date": DateTextField, "evaluation_date": DateTextField}

    # Asked for when the model is sent (services/workflow.py), so a draft may hold just a name.
    required_text = ("field", "objectives", "content", "success_indicators")

    def __init__(self, *args, unit=None, units=None, on_paper=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen_unit = unit or (self.instance.unit if self.instance.unit_id else None)
        if units is not None and self.data.get("unit"):
            # The earlier models offered for "continues" are those of the unit being posted.
            self.chosen_unit = units.filter(pk=parse_id(self.data["unit"])).first() or self.chosen_unit
        if units is not None:
            # A province has thousands of units: they are searched on the chooser page
            # (views/staff.py) and the form carries the chosen one, checked against the scope.
            self.fields["unit"] = forms.ModelChoiceField(
                queryset=units, widget=forms.HiddenInput, error_messages={
                    "required": _("Hãy chọn đơn vị trước khi lưu."),
                    "invalid_choice": _("Đơn vị đã chọn không thuộc địa bàn của bạn; hãy chọn lại đơn vị."),
                },
            )
            if self.chosen_unit is not None:
                self.initial["unit"] = self.chosen_unit.pk
            self.order_fields(["unit"])
        sent = self.instance.pk is not None and self.instance.status in SENT_STATUSES
        for name in self.required_text:
            self.fields[name].required = sent
        self.fields["year"].widget.attrs.update({"min": settings.FIRST_REGISTRATION_YEAR,
                                                 "max": datetime.date.today().year + 1})
        year = self.form_year()
        earlier = Registration.objects.none()
        if self.chosen_unit is not None:
            # "Continues" means an earlier year's model, the unit's own or a predecessor's (a merged unit
            # carries on its predecessors' work); this year's own are no predecessors.
            earlier = Registration.objects.continuable_by(self.chosen_unit, year or datetime.date.today().year + 2)
            earlier = earlier.exclude(pk=self.instance.pk).select_related("unit").order_by("-year", "name")
        self.fields["field"].choices = [("", _("— Chọn lĩnh vực —")), *Field.choices]
        if year and year > LAST_DISTRICT_YEAR and self.instance.level != Level.DISTRICT:
            self.fields["level"].choices = [c for c in Level.choices if c[0] != Level.DISTRICT]
        if on_paper:
            self.fields["approved_on_paper"] = forms.BooleanField(
                label=_("Hồ sơ giấy này đã được Ban Dân vận duyệt: ghi nhận “Đã duyệt” ngay khi lưu"), required=False,
                help_text=_("Lịch sử ghi rõ mô hình được duyệt trên giấy. Khi chọn, các mục bắt buộc phải đủ."))
        self.fields["continues"].queryset = earlier
        own = self.chosen_unit.pk if self.chosen_unit is not None else None
        self.fields["continues"].label_from_instance = lambda registration: (
            str(registration) if registration.unit_id == own else f"{registration} — {registration.unit.name}")
        self.fields["continues"].empty_label = _("— Không —")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Thông tin chung"),
                *(["unit"] if units is not None else []),
                Row(Column("name", css_class="col-md-8"), Column("year", css_class="col-md-4")),
                Row(Column("field", css_class="col-md-4"), Column("level", css_class="col-md-4"),
                    Column("exemplar_kind", css_class="col-md-4")),
                Row(Column("person_name", css_class="col-md-6"), Column("person_position", css_class="col-md-6"),
                    css_class="person-fields"),
                Row(Column("is_new", css_class="col-md-4"), Column("continues", css_class="col-md-8")),
            ),
            Fieldset(
                _("Nội dung mô hình"),
                "situation", "objectives", "content",
                Row(Column("target_group", css_class="col-md-6"), Column("target_area", css_class="col-md-6")),
                Row(Column("lead_force", css_class="col-md-6"), Column("partners", css_class="col-md-6")),
                "resources",
            ),
            Fieldset(
                _("Kế hoạch và tiêu chí thành công"),
                Row(Column("start_date", css_class="col-md-6"), Column("evaluation_date", css_class="col-md-6")),
                "milestones", "expected_results", "sustainability", "success_indicators",
            ),
            *(["approved_on_paper"] if on_paper else []),
            "version",
        )

    def form_year(self):
        """The year the form is about: as posted, else as stored or proposed."""
        raw = self.data.get("year") if self.is_bound else (self.initial.get("year") or self.instance.year)
        return parse_id(raw) if raw is not None else None

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit", self.chosen_unit)
        if unit is None:
            return cleaned
        continues = cleaned.get("continues")
        if continues is not None:
            if not Registration.objects.continuable_by(unit, continues.year + 1).filter(pk=continues.pk).exists():
                self.add_error("continues", _("Chỉ tiếp nối được mô hình của chính đơn vị hoặc của đơn vị "
                                              "tiền thân (đã sáp nhập vào đơn vị)."))
            elif cleaned.get("year") and continues.year >= cleaned["year"]:
                self.add_error("continues", _("Mô hình được tiếp nối phải thuộc năm trước năm đăng ký."))
            if cleaned.get("is_new"):
                self.add_error("is_new", _("Mô hình tiếp nối năm trước không phải mô hình xây dựng mới; hãy bỏ chọn."))
        name, year = cleaned.get("name"), cleaned.get("year")
        if year and year > LAST_DISTRICT_YEAR and cleaned.get("level") == Level.DISTRICT:
            self.add_error("level", _("Từ năm %(year)s không còn cấp huyện; hãy chọn cấp cơ sở hoặc tỉnh.")
                           % {"year": LAST_DISTRICT_YEAR + 1})
        if name and year:
            clash = Registration.objects.filter(unit=unit, year=year, name__iexact=name).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("Đơn vị đã đăng ký một mô hình cùng tên trong năm này."))
        return cleaned

    def _post_clean(self):
        if "unit" in self.cleaned_data:
            self.instance.unit = self.cleaned_data["unit"]
        elif self.chosen_unit is not None:
            self.instance.unit = self.chosen_unit
        super()._post_clean()



def prefill_from(earlier, year):
    """Initial values for continuing `earlier` into `year`."""
    keep = ("name", "field", "level", "exemplar_kind", "person_name", "person_position", "situation", "objectives",
            "content", "target_group", "target_area", "lead_force", "partners", "resources", "sustainability",
            "success_indicators")
    initial = {name: getattr(earlier, name) for name in keep}
    initial.update({"year": year, "is_new": False, "continues": earlier.pk})
    return initial


class ResultsForm(VersionedForm):
    """Progress and result figures reported during the year."""

    class Meta:
        model = Registration
        fields = [*RESULT_FIGURES, "results"]
        field_classes = {**dict.fromkeys(RESULT_FIGURES, WholeNumberField), "money_mobilised": MoneyField}
        labels = {"results": _("Kết quả đạt được (mô tả)")}
        help_texts = {
            "money_mobilised": _("Tổng số tiền vận động được, tính bằng đồng."),
            "results": _("Những thay đổi cụ thể mô hình đã mang lại."),
        }
        widgets = {"results": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RESULT_FIGURES:
            # An empty box is a figure not reported yet: 0, as the page says.
            self.fields[name].blank_is_zero = True
            self.fields[name].required = False
        others = [name for name in RESULT_FIGURES if name != "money_mobilised"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column(AppendedText("money_mobilised", _("đồng")), css_class="col-md-6")),
            Row(*(Column(name, css_class="col-6 col-md-4 col-lg-2") for name in others)),
            "results",
            "version",
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp minh chứng"),
        help_text=_("Ảnh (JPG, PNG, GIF, WEBP) hoặc PDF, tối đa 10 MB."),
        error_messages={"required": _("Hãy chọn một tệp."), "empty": _("Tệp rỗng.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.gif,.webp,.pdf"}),
    )
    caption = forms.CharField(label=_("Chú thích"), max_length=255, required=False)
    is_public = forms.BooleanField(
        label=_("Cho phép hiện trên trang công khai"), required=False, initial=False,
        help_text=_("Để trống thì chỉ đơn vị và Ban Dân vận xem được. Chỉ đánh dấu khi người trong ảnh đã đồng ý."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("file", "caption", "is_public")

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("Tệp quá lớn: tối đa 10 MB."))
        content_type, extensions = sniff_content_type(uploaded)
        if content_type is None:
            raise ValidationError(_("Chỉ nhận ảnh (JPG, PNG, GIF, WEBP) hoặc tệp PDF."))
        name = uploaded.name.lower()
        if not name.endswith(extensions):
            raise ValidationError(_("Đuôi tên tệp không khớp với nội dung tệp."))
        self.content_type = content_type
        return uploaded

    def clean_caption(self):
        return nfc(self.cleaned_data["caption"])


def staff_units(user, keep=None):
    """Units staff may enter registrations for: active ones in scope, plus `keep` (the unit already chosen)."""
    return (Unit.objects.for_user(user).filter(Q(is_active=True) | Q(pk=keep)).select_related("area")
            .order_by("name"))



class NewUnitForm(forms.ModelForm):
    """A unit missing from the catalogue, added by staff from the unit chooser while entering a paper form."""

    class Meta:
        model = Unit
        fields = ["name", "kind", "area"]
        labels = {"name": _("Tên đơn vị"), "kind": _("Loại đơn vị"), "area": _("Xã, phường")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communes = AdminArea.objects.current().filter(level=AreaLevel.COMMUNE).order_by("name")
        if not user.is_superuser:
            communes = communes.filter(user.area.scope_q(""))
        self.fields["area"].queryset = communes
        self.fields["area"].empty_label = _("— Chọn xã, phường —")
        self.fields["kind"].queryset = UnitKind.objects.select_related("parent").order_by("parent__order", "order")
        self.fields["kind"].label_from_instance = lambda kind: kind.label
        self.fields["kind"].empty_label = _("— Chọn loại đơn vị —")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Row(Column("name", css_class="col-md-5"), Column("kind", css_class="col-md-4"),
                                        Column("area", css_class="col-md-3")))

    def clean_name(self):
        return nfc(self.cleaned_data["name"]).strip()

    def save(self, commit=True):
        unit = super().save(commit=False)
        # A code the commission can read: the commune's code and a running number.
        taken = set(Unit.objects.filter(code__startswith=f"{unit.area.code}-").values_list("code", flat=True))
        number = len(taken) + 1
        while f"{unit.area.code}-{number:02d}" in taken:
            number += 1
        unit.code = f"{unit.area.code}-{number:02d}"
        if commit:
            unit.save()
        return unit
