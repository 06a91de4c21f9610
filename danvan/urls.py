from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Quản trị Cổng thông tin Dân vận khéo"
admin.site.site_title = "Dân vận khéo"
admin.site.index_title = "Dữ liệu phong trào"
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("models_registry.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
