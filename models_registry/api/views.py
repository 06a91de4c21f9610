"""Read-only endpoints of the open API; every one starts from the published models."""
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from ..filters import PublicFilterSet
from ..models import Field, Outcome, Registration
from ..open_data import export_queryset, last_changed
from ..search import commended_q, list_order
from .serializers import RegistrationSerializer, StatisticsSerializer

FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description=_("Từ khóa, có dấu hay không dấu; cụm trong ngoặc kép được tìm đúng cụm.")),
    OpenApiParameter("linh-vuc", str, enum=Field.values, description=_("Lĩnh vực.")),
    OpenApiParameter("tinh", str, description=_("Mã tỉnh/thành phố theo địa giới hiện nay.")),
    OpenApiParameter("xa", str, description=_("Mã xã/phường theo địa giới hiện nay (cùng với tinh).")),
    OpenApiParameter("nam", int, description=_("Năm đăng ký.")),
    OpenApiParameter("cap", str, enum=["grassroots", "district", "province"], description=_("Cấp.")),
    OpenApiParameter("loai-don-vi", str, description=_("Mã loại đơn vị (gồm cả các loại con).")),
    OpenApiParameter("loai-dien-hinh", str, enum=["collective", "individual"], description=_("Loại điển hình.")),
    OpenApiParameter("khen-thuong", str, enum=["co", "khong"], description=_("Đã hay chưa được khen thưởng.")),
]
LIST_PARAMETERS = FILTER_PARAMETERS + [
    OpenApiParameter("sap-xep", str, description=_("phu-hop (mặc định khi có q), moi-nhat, cu-nhat, ten, nguoi-huong-loi.")),
]


class Pages(PageNumberPagination):
    page_size = 50
    page_query_param = "trang"
    page_size_query_param = "so-dong"
    max_page_size = 200


def filtered(request):
    """Published models under the public list's filters; a wrong value answers 400 with the reason."""
    # The pages are the API's own (trang, so-dong up to 200), not the list page's choices.
    params = request.query_params.copy()
    for name in (Pages.page_query_param, Pages.page_size_query_param):
        params.pop(name, None)
    filters = PublicFilterSet(params, Registration.objects.published())
    if not filters.form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filters.form.errors.items()})
    return filters


class RegistrationList(generics.ListAPIView):
    """Các mô hình đã được công nhận, cùng bộ lọc và thứ tự như trang danh sách mô hình."""

    serializer_class = RegistrationSerializer
    pagination_class = Pages

    def get_queryset(self):
        filters = filtered(self.request)
        values = filters.valid_values()
        return list_order(export_queryset(filters.qs), values.get("q", ""), values.get("sap-xep", ""))

    @extend_schema(parameters=LIST_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RegistrationDetail(generics.RetrieveAPIView):
    """Một mô hình đã được công nhận; mô hình chưa công bố trả lời 404."""

    serializer_class = RegistrationSerializer

    def get_queryset(self):
        return export_queryset(Registration.objects.published())


class Statistics(APIView):
    """Số liệu công khai của các mô hình đã được công nhận khớp với bộ lọc."""

    @extend_schema(parameters=FILTER_PARAMETERS, responses=StatisticsSerializer)
    def get(self, request):
        queryset = filtered(request).qs.order_by()
        figures = queryset.aggregate(
            tong_so=Count("pk"),
            xay_dung_moi=Count("pk", filter=Q(is_new=True)),
            nhan_rong=Count("pk", filter=Q(replicates__isnull=False)),
            dien_hinh=Count("pk", filter=Q(outcome=Outcome.EXEMPLARY)),
            khen_thuong=Count("pk", filter=commended_q()),
            so_nguoi_tham_gia=Sum("participants", default=0),
            so_nguoi_huong_loi=Sum("beneficiaries", default=0),
            so_tien_van_dong=Sum("money_mobilised", default=0),
            **{f"field__{value}": Count("pk", filter=Q(field=value)) for value in Field.values},
        )
        figures["theo_linh_vuc"] = [
            {"gia_tri": value, "ten": str(label), "so_mo_hinh": figures.pop(f"field__{value}")}
            for value, label in Field.choices
        ]
        figures["theo_nam"] = [
            {"gia_tri": str(row["year"]), "ten": str(row["year"]), "so_mo_hinh": row["n"]}
            for row in queryset.values("year").annotate(n=Count("pk")).order_by("year")
        ]
        figures["du_lieu_cap_nhat"] = last_changed()
        return Response(StatisticsSerializer(figures).data)
