from django.contrib import admin
from import_export.admin import ExportMixin

from ..models import Unit, UnitKind
from ..resources import UnitResource
from .base import PortalAdmin
from .filters import CurrentProvinceFilter


@admin.register(UnitKind)
class UnitKindAdmin(PortalAdmin):
    list_display = ["name", "code", "parent", "order"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    list_filter = ["parent"]


@admin.register(Unit)
class UnitAdmin(ExportMixin, PortalAdmin):
    resource_classes = [UnitResource]
    list_display = ["name", "code", "kind", "area", "level", "is_active"]
    list_filter = ["is_active", "level", "kind", CurrentProvinceFilter]
    search_fields = ["name", "code"]
    list_select_related = ["kind__parent", "area"]
    autocomplete_fields = ["area", "parent", "kind"]
    date_hierarchy = "created_at"
