from django.urls import path

from ..views import excel, jobs

urlpatterns = [
    path("", excel.index, name="excel_index"),
    path("tai-len/", excel.upload, name="excel_upload"),
    path("xem-truoc/<str:token>/", excel.preview, name="excel_preview"),
    path("xac-nhan/<str:token>/", excel.confirm, name="excel_confirm"),
    path("huy/<str:token>/", excel.cancel, name="excel_cancel"),
    path("mau/<slug:what>.xlsx", excel.template, name="excel_template"),
    path("xuat/<slug:what>.<slug:fmt>", excel.export, name="excel_export"),
    path("cong-viec/<int:pk>/", jobs.job, name="job"),
    path("cong-viec/<int:pk>/tien-do.json", jobs.job_progress, name="job_progress"),
    path("cong-viec/<int:pk>/tai-ve/", jobs.job_download, name="job_download"),
]
