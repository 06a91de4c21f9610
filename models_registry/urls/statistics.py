from django.urls import path

from ..views import statistics

urlpatterns = [
    path("", statistics.dashboard, name="statistics-dashboard"),
    path("mo-hinh/", statistics.registration_list, name="statistics-registrations"),
]
