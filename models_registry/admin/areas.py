from django.contrib import admin

from ..models import AdminArea, AreaSuccessor
from .base import PortalAdmin
from .filters import StructureProvinceFilter


class SuccessorInline(admin.TabularInline):
    model = AreaSuccessor
    fk_name = "old_area"
    extra = 0
    autocomplete_fields = ["new_area"]


@admin.register(AdminArea)
class AdminAreaAdmin(PortalAdmin):
    list_display = ["name", "code", "level", "structure", "parent", "current_province", "current_commune", "is_split"]
    list_filter = ["structure", "level", "is_split", StructureProvinceFilter]
    search_fields = ["name", "code"]
    list_select_related = ["parent", "current_province", "current_commune"]
    autocomplete_fields = ["parent", "province", "district", "current_province", "current_commune"]
    inlines = [SuccessorInline]
    list_per_page = 50
