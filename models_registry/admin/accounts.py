from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from ..models import PasswordResetRequest, User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "get_full_name", "role", "unit", "area", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["unit", "area"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__name", "area__name"]
    autocomplete_fields = ["unit", "area"]
    fieldsets = UserAdmin.fieldsets + ((_("Vai trò trong cổng thông tin"), {"fields": [
        "role", "unit", "area", "must_change_password", "one_time_password_expires_at"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Vai trò trong cổng thông tin"), {"fields": ["role", "unit", "area"]}),)


@admin.register(PasswordResetRequest)
class PasswordResetRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "handled_at", "handled_by"]
    list_filter = ["handled_at"]
    raw_id_fields = ["user", "handled_by"]
    search_fields = ["user__username"]
