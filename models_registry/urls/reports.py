from django.urls import path

from ..views import maps, reports

urlpatterns = [
    path("", reports.dashboard, name="reports-dashboard"),
    path("mo-hinh/", reports.registration_list, name="reports-registrations"),
    path("chua-dang-ky/", reports.missing_units, name="reports-missing-units"),
    path("ban-do/", maps.report_map, name="reports-map"),
    path("ban-do/diem.geojson", maps.report_map_points, name="reports-map-points"),
    path("xuat.xlsx", reports.export_xlsx, name="reports-export-xlsx"),
    path("xuat.csv", reports.export_csv, name="reports-export-csv"),
]
