from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from models_registry.forms.accounts import AdminLoginForm

admin.site.site_header = _("Quản trị Cổng thông tin Dân vận khéo")
admin.site.site_title = _("Dân vận khéo")
admin.site.index_title = _("Dữ liệu phong trào")
admin.site.enable_nav_sidebar = False
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("models_registry.urls")),
]
