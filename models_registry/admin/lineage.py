from django.contrib import admin

from ..models import LineageEvent, LineageLink
from .base import PortalAdmin


class LinkInline(admin.TabularInline):
    model = LineageLink
    extra = 0
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(LineageEvent)
class LineageEventAdmin(PortalAdmin):
    """Recorded on the staff pages (/quan-ly/don-vi/ke-thua/), which close the dissolved units
    and move their accounts; here they are looked at and corrected."""

    list_display = ["kind", "effective_date", "source", "created_by", "created_at"]
    list_filter = ["kind", "source"]
    date_hierarchy = "effective_date"
    inlines = [LinkInline]
    raw_id_fields = ["created_by"]
