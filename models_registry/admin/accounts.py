from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from ..models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "get_full_name", "role", "unit", "area", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["unit", "area"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__name", "area__name"]
    autocomplete_fields = ["unit", "area"]
    fieldsets = UserAdmin.fieldsets + ((_("Vai trò trong cổng thông tin"), {"fields": ["role", "unit", "area"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Vai trò trong cổng thông tin"), {"fields": ["role", "unit", "area"]}),)
