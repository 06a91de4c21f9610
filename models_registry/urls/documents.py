"""Documents, certificates and their verification, under the workspace each belongs to."""
from django.urls import path

from ..views import documents as views

urlpatterns = [
    path("xac-thuc/<str:code>/", views.verify, name="certificate-verify"),
    path("bao-cao/xuat.docx", views.report_docx, name="reports-export-docx"),
    path("don-vi/phieu-dang-ky.docx", views.unit_blank_form_docx, name="unit_portal_blank_form"),
    path("don-vi/mo-hinh/<int:pk>/phieu-dang-ky.docx", views.unit_registration_docx,
         name="unit_portal_registration_docx"),
    path("quan-ly/phieu-dang-ky.docx", views.staff_blank_form_docx, name="staff_blank_form"),
    path("quan-ly/mo-hinh/<int:pk>/phieu-dang-ky.docx", views.staff_registration_docx, name="staff_registration_docx"),
    path("quan-ly/khen-thuong/dot/<int:pk>/ho-so.zip", views.round_dossier_zip, name="commendations-round-dossier"),
    path("quan-ly/khen-thuong/<int:pk>/quyet-dinh.docx", views.decision_docx, name="commendations-decision-docx"),
    path("quan-ly/khen-thuong/<int:pk>/quyet-dinh.pdf", views.decision_certificates_pdf,
         name="commendations-decision-pdf"),
    path("quan-ly/khen-thuong/<int:pk>/thu-hoi/", views.revoke_commendation, name="commendations-revoke"),
    path("quan-ly/khen-thuong/<int:pk>/quyet-dinh/thu-hoi/", views.revoke_decision,
         name="commendations-revoke-decision"),
    path("quan-ly/khen-thuong/don-vi/<int:pk>/", views.unit_history, name="commendations-unit-history"),
    path("quan-ly/khen-thuong/ca-nhan/<int:pk>/", views.person_history, name="commendations-person-history"),
]
