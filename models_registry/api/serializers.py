"""Published models as the open-data files describe them: one key per `open_data.FIELDS` entry."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..open_data import FIELDS

INTEGER_KEYS = {
    "id", "nam", "tiep_noi_id", "nhan_rong_tu_id", "so_nguoi_tham_gia", "so_nguoi_huong_loi", "so_tien_van_dong",
    "dat_hien_m2", "ngay_cong", "nha_xay_sua", "ho_thoat_ngheo",
}
BOOLEAN_KEYS = {"xay_dung_moi", "khen_thuong"}
NULLABLE_KEYS = {"tiep_noi_id", "nhan_rong_tu_id"}


class OpenDataValue(serializers.Field):
    """One open-data field, read from the whole registration by its `open_data` function."""

    def __init__(self, value, **kwargs):
        self.value = value
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, registration):
        return self.value(registration)


@extend_schema_field(OpenApiTypes.INT)
class IntegerValue(OpenDataValue):
    pass


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanValue(OpenDataValue):
    pass


@extend_schema_field(OpenApiTypes.STR)
class TextValue(OpenDataValue):
    pass


class AbsoluteLink(TextValue):
    def to_representation(self, registration):
        path = super().to_representation(registration)
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


def _declared_fields():
    declared = {}
    for key, description, value in FIELDS:
        kind = IntegerValue if key in INTEGER_KEYS else BooleanValue if key in BOOLEAN_KEYS else TextValue
        if key == "duong_dan":
            kind = AbsoluteLink
        declared[key] = kind(value, help_text=description, allow_null=key in NULLABLE_KEYS)
    return declared


RegistrationSerializer = type(
    "RegistrationSerializer",
    (serializers.Serializer,),
    {"__doc__": "Một mô hình đã được công nhận, cùng các trường như tệp dữ liệu mở.", **_declared_fields()},
)


class CountSerializer(serializers.Serializer):
    gia_tri = serializers.CharField(help_text=_("Mã của nhóm (năm, mã lĩnh vực, mã cấp)."))
    ten = serializers.CharField(help_text=_("Tên của nhóm."))
    so_mo_hinh = serializers.IntegerField()


class StatisticsSerializer(serializers.Serializer):
    tong_so = serializers.IntegerField(help_text=_("Số mô hình đã công nhận khớp với bộ lọc."))
    xay_dung_moi = serializers.IntegerField()
    nhan_rong = serializers.IntegerField(help_text=_("Số mô hình nhân rộng từ mô hình khác."))
    dien_hinh = serializers.IntegerField(help_text=_("Số mô hình được đánh giá điển hình."))
    khen_thuong = serializers.IntegerField(help_text=_("Số mô hình đã được khen thưởng."))
    so_nguoi_tham_gia = serializers.IntegerField()
    so_nguoi_huong_loi = serializers.IntegerField()
    so_tien_van_dong = serializers.IntegerField(help_text=_("Đồng."))
    theo_linh_vuc = CountSerializer(many=True)
    theo_nam = CountSerializer(many=True)
    du_lieu_cap_nhat = serializers.DateTimeField(allow_null=True, help_text=_("Lần cuối dữ liệu công khai thay đổi."))

