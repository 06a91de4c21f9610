from django.contrib import admin
from django.urls import include, path

from models_registry.forms.accounts import AdminLoginForm

admin.site.site_header = "Quản trị Cổng thông tin Dân vận khéo"
admin.site.site_title = "Dân vận khéo"
admin.site.index_title = "Dữ liệu phong trào"
admin.site.enable_nav_sidebar = False
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("models_registry.urls")),
]
