from django.urls import path

from ..views import excel

urlpatterns = [
    path("", excel.index, name="excel_index"),
    path("tai-len/", excel.upload, name="excel_upload"),
    path("xem-truoc/<str:token>/", excel.preview, name="excel_preview"),
    path("xac-nhan/<str:token>/", excel.confirm, name="excel_confirm"),
    path("huy/<str:token>/", excel.cancel, name="excel_cancel"),
    path("mau/<slug:what>.xlsx", excel.template, name="excel_template"),
    path("xuat/<slug:what>.<slug:fmt>", excel.export, name="excel_export"),
]
