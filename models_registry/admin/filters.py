from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import AdminArea


class CurrentProvinceFilter(admin.SimpleListFilter):
    """Filter by today's province: 34 choices instead of 14,000 areas, old areas rolled up."""

    title = _("tỉnh (hiện nay)")
    parameter_name = "tinh"
    area_path = "area"

    def lookups(self, request, model_admin):
        return [(str(p.pk), p.name) for p in AdminArea.objects.current().provinces().order_by("name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{f"{self.area_path}__current_province": int(self.value())})
        return queryset


class StructureProvinceFilter(CurrentProvinceFilter):
    area_path = "current_province"

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(current_province=int(self.value()))
        return queryset
