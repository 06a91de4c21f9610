from django.urls import include, path

from ..views import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", include("models_registry.urls.public")),
    path("tai-khoan/", include("models_registry.urls.accounts")),
    path("don-vi/", include("models_registry.urls.unit_portal")),
    path("quan-ly/", include("models_registry.urls.staff")),
    path("bao-cao/", include("models_registry.urls.reports")),
]
