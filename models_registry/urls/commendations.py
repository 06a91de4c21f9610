from django.urls import path

from ..views import commendations as views

urlpatterns = [
    path("", views.round_list, name="commendations-rounds"),
    path("dot/moi/", views.round_create, name="commendations-round-create"),
    path("dot/<int:pk>/", views.round_detail, name="commendations-round-detail"),
    path("dot/<int:pk>/de-nghi/", views.proposal_create, name="commendations-proposal-create"),
    path("de-nghi/<int:pk>/", views.proposal_detail, name="commendations-proposal-detail"),
    path("de-nghi/<int:pk>/khen-thuong/", views.proposal_accept, name="commendations-proposal-accept"),
    path("de-nghi/<int:pk>/khong-khen-thuong/", views.proposal_decline, name="commendations-proposal-decline"),
    path("danh-sach/", views.commendation_list, name="commendations-list"),
    path("nhap-truc-tiep/", views.direct_entry, name="commendations-direct-entry"),
    path("nhap-excel/", views.import_file, name="commendations-import"),
    path("<int:pk>/giay-khen/", views.certificate, name="commendations-certificate"),
    path("<int:pk>/giay-khen.pdf", views.certificate_pdf, name="commendations-certificate-pdf"),
]
