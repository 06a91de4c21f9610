from django.contrib import admin
from django.contrib.admin.models import LogEntry

from .registrations import ReadOnlyAdmin


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    """Every change made through the admin (units, commendations, accounts, …), for administrators."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change_message"]
    list_filter = ["action_flag", "content_type"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "change_message", "user__username"]
    date_hierarchy = "action_time"

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


