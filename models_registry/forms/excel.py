"""The staff upload form for Excel/CSV imports."""
import os

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..models import ImportBatch

KIND_CHOICES = [
    (ImportBatch.Kind.REGISTRATIONS, _("Đăng ký mô hình (mỗi dòng một mô hình)")),
    (ImportBatch.Kind.UNITS, _("Danh sách đơn vị (mỗi dòng một đơn vị)")),
]
EXTENSIONS = (".xlsx", ".csv")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại dữ liệu"), choices=KIND_CHOICES, widget=forms.RadioSelect,
                             initial=ImportBatch.Kind.REGISTRATIONS)
    file = forms.FileField(
        label=_("Tệp Excel hoặc CSV"),
        help_text=_("Tệp .xlsx, hoặc .csv lưu bảng mã UTF-8; dòng đầu là tiêu đề cột như tệp mẫu. "
                    "Bước sau cho xem trước từng dòng; chưa có gì được nhập cho tới khi bạn xác nhận."),
        error_messages={"required": _("Hãy chọn tệp cần nhập."), "empty": _("Tệp rỗng.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(EXTENSIONS)
        self.helper = FormHelper()
        self.helper.form_action = "excel_upload"
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("submit", _("Tải lên và xem trước")))

    def clean_file(self):
        return check_upload(self.cleaned_data["file"])


def check_upload(upload):
    """The upload if its size and type may be imported; the forms' one check before parsing."""
    if upload.size > settings.IMPORT_MAX_BYTES:
        limit = f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:.0f}"
        raise forms.ValidationError(_("Tệp vượt giới hạn %(limit)s MB. Hãy chia thành nhiều tệp nhỏ hơn."),
                                    params={"limit": limit})
    if os.path.splitext(upload.name)[1].lower() not in EXTENSIONS:
        raise forms.ValidationError(_("Chỉ nhận tệp Excel .xlsx hoặc .csv. Tệp .xls cũ hãy lưu lại dạng .xlsx."))
    return upload
