from django.urls import path

from ..views import notifications

urlpatterns = [
    path("", notifications.inbox, name="notifications"),
    path("<int:pk>/", notifications.open_notification, name="notification_open"),
    path("da-doc/", notifications.mark_all_read, name="notifications_mark_read"),
    path("email/", notifications.email_preference, name="notifications_email"),
]
