from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("mo-hinh/", views.RegistrationList.as_view(), name="api-registrations"),
    path("mo-hinh/<int:pk>/", views.RegistrationDetail.as_view(), name="api-registration"),
    path("thong-ke/", views.Statistics.as_view(), name="api-statistics"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("tai-lieu/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
