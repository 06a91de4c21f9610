from django.urls import path

from ..views import lineage as views

urlpatterns = [
    path("<int:pk>/", views.unit_detail, name="staff_unit"),
    path("ke-thua/", views.lineage_home, name="lineage_home"),
    path("ke-thua/ghi/<slug:what>/", views.record, name="lineage_record"),
    path("ke-thua/nhap/", views.import_list, name="lineage_import"),
    path("ke-thua/goi-y/", views.suggestions, name="lineage_suggestions"),
]
