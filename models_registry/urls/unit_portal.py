from django.urls import path

from ..views import registrations, unit_portal

urlpatterns = [
    path("", unit_portal.home, name="unit_portal_home"),
    path("dang-ky/", unit_portal.create, name="unit_portal_create"),
    path("mo-hinh/<int:pk>/", registrations.unit_detail, name="unit_portal_registration"),
    path("mo-hinh/<int:pk>/sua/", registrations.unit_edit, name="unit_portal_edit"),
    path("mo-hinh/<int:pk>/gui-duyet/", registrations.unit_submit, name="unit_portal_submit"),
    path("mo-hinh/<int:pk>/ket-qua/", registrations.unit_results, name="unit_portal_results"),
    path("mo-hinh/<int:pk>/minh-chung/", registrations.unit_upload, name="unit_portal_upload"),
    path("minh-chung/<int:pk>/", registrations.unit_attachment, name="unit_portal_attachment"),
    path("minh-chung/<int:pk>/xoa/", registrations.unit_attachment_delete, name="unit_portal_attachment_delete"),
    path("mo-hinh/<int:pk>/rut/", registrations.unit_withdraw, name="unit_portal_withdraw"),
    path("mo-hinh/<int:pk>/xoa/", registrations.unit_delete, name="unit_portal_delete"),
]
