from django.urls import path

from ..views import account_management as views

urlpatterns = [
    path("", views.account_list, name="staff_accounts"),
    path("them/", views.account_create, name="staff_account_create"),
    path("hang-loat/", views.bulk_create, name="staff_accounts_bulk"),
    path("<int:pk>/cap-lai-mat-khau/", views.account_reset, name="staff_account_reset"),
    path("<int:pk>/khoa/", views.account_deactivate, name="staff_account_deactivate"),
    path("<int:pk>/mo-khoa/", views.account_reactivate, name="staff_account_reactivate"),
    path("yeu-cau/<int:pk>/da-xu-ly/", views.request_dismiss, name="staff_account_request_dismiss"),
    path("phieu/<str:token>/", views.sheet_page, name="staff_account_sheet"),
    path("phieu/<str:token>/tai.<str:fmt>", views.sheet_file, name="staff_account_sheet_file"),
    path("phieu/<str:token>/huy/", views.sheet_discard, name="staff_account_sheet_discard"),
]
