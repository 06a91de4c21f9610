from django.urls import include, path

from ..views import language

urlpatterns = [
    path("ngon-ngu/<str:code>/", language.switch_language, name="switch_language"),
    path("", include("models_registry.urls.public")),
    path("", include("models_registry.urls.documents")),
    path("thong-ke/", include("models_registry.urls.statistics")),
    path("tai-khoan/", include("models_registry.urls.accounts")),
    path("don-vi/", include("models_registry.urls.unit_portal")),
    path("quan-ly/tai-khoan/", include("models_registry.urls.account_management")),
    path("quan-ly/don-vi/", include("models_registry.urls.lineage")),
    path("quan-ly/", include("models_registry.urls.staff")),
    path("quan-ly/excel/", include("models_registry.urls.excel")),
    path("quan-ly/khen-thuong/", include("models_registry.urls.commendations")),
    path("bao-cao/", include("models_registry.urls.reports")),
    path("api/v1/", include("models_registry.api.urls")),
    path("thong-bao/", include("models_registry.urls.notifications")),
]
