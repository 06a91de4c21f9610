"""Work done by the worker (`manage.py db_worker`, django-tasks' database backend)."""
import logging
import smtplib

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import EmailStatus, Notification
from .services.notifications import next_try

log = logging.getLogger(__name__)


@task()
def send_notification_email(notification_id):
    """Mail one notification once: the row is locked while it is sent and marked sent in the same transaction.

    A failed send is tried again later (a new task row with a later start), so a mail server
    outage delays mail and loses none.
    """
    with transaction.atomic():
        notification = (Notification.objects.select_for_update().select_related("user")
                        .filter(pk=notification_id, email_status=EmailStatus.PENDING).first())
        if notification is None:
            return "already sent"
        notification.email_attempts += 1
        try:
            send_mail(notification.title, notification.body or notification.title, None, [notification.user.email])
        except (OSError, smtplib.SMTPException) as error:
            log.warning("email for notification %s failed (try %s): %s", notification_id,
                        notification.email_attempts, error)
            notification.save(update_fields=["email_attempts"])
            send_notification_email.using(run_after=next_try(notification.email_attempts)).enqueue(notification_id)
            return "retry"
        notification.email_status = EmailStatus.SENT
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["email_attempts", "email_status", "emailed_at"])
    return "sent"


@task()
def run_background_job(job_id):
    """A big import or export asked for on a page (services/jobs.py); its page follows the progress."""
    from .services import jobs

    return jobs.run(job_id)
