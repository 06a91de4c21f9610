"""Forms of the staff accounts page: one account, accounts in bulk, and sign-in steps."""
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..access import may_give_role
from ..models import AdminArea, ImportBatch, Role, Structure, UnitKind
from ..services.accounts import account_areas, account_units
from ..text import nfc


def _helper(*layout):
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    return helper


class AccountForm(forms.Form):
    """One account. The roles, units and areas offered are those the acting user may give."""

    role = forms.ChoiceField(label=_("Vai trò"))
    unit_code = forms.CharField(label=_("Mã đơn vị"), max_length=30, required=False,
                                help_text=_("Với tài khoản đơn vị: mã của đơn vị trong địa bàn của bạn."))
    area_code = forms.CharField(label=_("Mã địa bàn"), max_length=5, required=False,
                                help_text=_("Với cán bộ, lãnh đạo: mã xã (hoặc tỉnh) theo cơ cấu từ 01/7/2025."))
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150, required=False,
                               validators=[UnicodeUsernameValidator()],
                               help_text=_("Để trống với tài khoản đơn vị: lấy theo mã đơn vị."))
    first_name = forms.CharField(label=_("Họ tên hoặc tên gọi"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email (nếu có)"), required=False,
                             help_text=_("Dùng khi quên mật khẩu; không bắt buộc."))
    is_staff = forms.BooleanField(label=_("Quyền vào trang quản trị"), required=False)
    is_superuser = forms.BooleanField(label=_("Quản trị viên hệ thống"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if may_give_role(user, value)]
        if not user.is_superuser:
            del self.fields["is_staff"], self.fields["is_superuser"]
        admin_fields = [Row(Column("is_staff"), Column("is_superuser"))] if user.is_superuser else []
        self.helper = _helper(
            Row(Column("role", css_class="col-md-4"), Column("unit_code", css_class="col-md-4"),
                Column("area_code", css_class="col-md-4")),
            Row(Column("username", css_class="col-md-4"), Column("first_name", css_class="col-md-4"),
                Column("email", css_class="col-md-4")),
            *admin_fields,
        )

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        cleaned["unit"] = cleaned["area"] = None
        if role == Role.UNIT:
            code = nfc(cleaned.get("unit_code"))
            unit = account_units(self.user).filter(code__iexact=code).select_related("area").first() if code else None
            if unit is None:
                self.add_error("unit_code", _("Không có đơn vị mang mã này trong địa bàn của bạn."))
            elif unit.closed_on:
                self.add_error("unit_code", _("Đơn vị này đã giải thể; hãy tạo tài khoản cho đơn vị kế thừa."))
            cleaned["unit"] = unit
        elif role in (Role.STAFF, Role.LEADER):
            code = nfc(cleaned.get("area_code"))
            area = account_areas(self.user).current().filter(code=code).first() if code else None
            if area is None:
                self.add_error("area_code", _("Chỉ tạo được tài khoản cán bộ, lãnh đạo cho các địa bàn trực thuộc "
                                              "địa bàn của bạn; hãy nhập mã xã theo cơ cấu mới."))
            cleaned["area"] = area
            if not cleaned.get("username"):
                self.add_error("username", _("Hãy đặt tên đăng nhập cho tài khoản cán bộ, lãnh đạo."))
        return cleaned


class BulkAccountsForm(forms.Form):
    """Which units without an account get one: of an area, of a kind, or of one unit import."""

    area = forms.ModelChoiceField(label=_("Địa bàn"), queryset=None, required=False, empty_label=_("— Cả địa bàn của tôi —"))
    kind = forms.ModelChoiceField(label=_("Loại đơn vị"), queryset=None, required=False, empty_label=_("— Mọi loại —"))
    batch = forms.ModelChoiceField(label=_("Đơn vị của một đợt nhập Excel"), queryset=None, required=False,
                                   empty_label=_("— Không chọn —"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_superuser:
            areas = AdminArea.objects.current().provinces()
        else:
            areas = AdminArea.objects.filter(Q(pk=user.area_id) | Q(user.area.scope_q(""), structure=Structure.CURRENT))
        self.fields["area"].queryset = areas.order_by("-level", "name")
        self.fields["kind"].queryset = UnitKind.objects.select_related("parent")
        self.fields["kind"].label_from_instance = lambda kind: kind.label
        batches = ImportBatch.objects.filter(kind=ImportBatch.Kind.UNITS, units__in=account_units(user)).distinct()
        self.fields["batch"].queryset = batches.order_by("-created_at")
        self.fields["batch"].label_from_instance = lambda batch: f"{batch.file_name} ({batch.created_at:%d/%m/%Y %H:%M})"
        self.helper = _helper(Row(Column("area", css_class="col-md-4"), Column("kind", css_class="col-md-4"),
                                  Column("batch", css_class="col-md-4")))
        self.helper.form_method = "get"


class AccountSearchForm(forms.Form):
    """`?q=` (unit name or login, with or without diacritics), `?vai-tro=`, `?trang-thai=`."""

    STATES = {"hoat-dong": {"is_active": True}, "khoa": {"is_active": False}, "chua-doi": {"must_change_password": True}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"] = forms.CharField(
            label=_("Tên đơn vị hoặc tên đăng nhập"), max_length=200, required=False,
            widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: hoi phu nu, dv-001")}))
        self.fields["vai-tro"] = forms.ChoiceField(label=_("Vai trò"), required=False,
                                                   choices=[("", _("— Mọi vai trò —")), *Role.choices])
        self.fields["trang-thai"] = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=[
            ("", _("— Tất cả —")), ("hoat-dong", _("Đang hoạt động")), ("khoa", _("Đã khóa")),
            ("chua-doi", _("Chưa đặt mật khẩu riêng")),
        ])
        self.helper = _helper(Row(Column("q", css_class="col-md-6"), Column("vai-tro", css_class="col-md-3"),
                                  Column("trang-thai", css_class="col-md-3")))


class ForgotPasswordForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    message = forms.CharField(label=_("Lời nhắn cho cán bộ phụ trách (nếu cần)"), max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Ví dụ: số điện thoại để cán bộ gọi lại, tên người nhận mật khẩu mới."))


class TokenForm(forms.Form):
    token = forms.CharField(label=_("Mã 6 số trên ứng dụng xác thực"), min_length=6, max_length=8,
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                          "autofocus": True}))
