from django.contrib import admin

from ..models import ReasonTemplate
from .base import PortalAdmin


@admin.register(ReasonTemplate)
class ReasonTemplateAdmin(PortalAdmin):
    list_display = ["text", "use", "area"]
    list_filter = ["use"]
    search_fields = ["text"]
    raw_id_fields = ["area", "created_by"]
