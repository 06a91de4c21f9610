from django.urls import path

from ..views import plans, posters, registrations, staff

urlpatterns = [
    path("", staff.home, name="staff_home"),
    path("mo-hinh/", staff.registration_list, name="staff_registrations"),
    path("mo-hinh/ap-phich.pdf", posters.list_posters, name="staff_posters"),
    path("mo-hinh/them/", staff.registration_create, name="staff_registration_create"),
    path("mo-hinh/<int:pk>/", registrations.staff_detail, name="staff_registration"),
    path("mo-hinh/<int:pk>/sua/", staff.registration_edit, name="staff_registration_edit"),
    path("mo-hinh/<int:pk>/gui-duyet/", registrations.staff_submit, name="staff_registration_submit"),
    path("mo-hinh/<int:pk>/duyet/", staff.accept, name="staff_registration_accept"),
    path("mo-hinh/<int:pk>/tra-lai/", staff.return_registration, name="staff_registration_return"),
    path("mo-hinh/<int:pk>/mo-lai/", staff.reopen, name="staff_registration_reopen"),
    path("mo-hinh/<int:pk>/rut/", registrations.staff_withdraw, name="staff_registration_withdraw"),
    path("mo-hinh/<int:pk>/xoa/", registrations.staff_delete, name="staff_registration_delete"),
    path("hang-cho/hang-loat/", staff.bulk, name="staff_bulk"),
    path("ly-do-mau/", staff.reasons, name="staff_reasons"),
    path("ly-do-mau/<int:pk>/", staff.reason_edit, name="staff_reason_edit"),
    path("ly-do-mau/<int:pk>/xoa/", staff.reason_delete, name="staff_reason_delete"),
    path("mo-hinh/<int:pk>/tieu-chi/", staff.assess, name="staff_registration_assess"),
    path("mo-hinh/<int:pk>/danh-gia/<slug:kind>/", staff.review, name="staff_registration_review"),
    path("mo-hinh/<int:pk>/ket-qua/", registrations.staff_results, name="staff_registration_results"),
    path("mo-hinh/<int:pk>/minh-chung/", registrations.staff_upload, name="staff_registration_upload"),
    path("minh-chung/<int:pk>/", registrations.staff_attachment, name="staff_attachment"),
    path("minh-chung/<int:pk>/xoa/", registrations.staff_attachment_delete, name="staff_attachment_delete"),
    path("khoa-so/", staff.close_year, name="staff_close_year"),
    path("ke-hoach/", plans.plan, name="staff_plan"),
    path("ke-hoach/don-vi/", plans.units_behind, name="staff_plan_units"),
]
