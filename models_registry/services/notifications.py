"""Telling people what happened: an inbox entry per user and, for those who want it, an email.

Notifications are written in the transaction of the change that causes them; the email is a
task row of django-tasks' database backend written in the same transaction (the outbox), so a
change that rolls back tells no one, and one that commits is mailed by the worker even if the
mail server is down for a while.
"""
import datetime
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import EmailStatus, Notification, NotificationKind, Role, User

# A submitted model waiting longer than this for a decision is "overdue" in the staff's digest.
REVIEW_OVERDUE_DAYS = 7
# The menu of every signed-in page shows the unread count: kept per user in the shared cache, as
# (the user's notification version, count). Writing or reading a notification moves the version on.
UNREAD_KEY = "thong-bao:chua-doc:{}"
VERSION_KEY = "thong-bao:phien-ban:{}"
UNREAD_SECONDS = 24 * 3600


def notify(user, *, kind, title, body="", link="", registration=None, key=None):
    """One notification for `user`; None when `key` says the user was already told."""
    by_email = bool(user.notify_by_email and user.email)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, title=title[:255], body=body, link=link, registration=registration, key=key,
                email_status=EmailStatus.PENDING if by_email else EmailStatus.NONE,
            )
    except IntegrityError:
        return None
    _inbox_changed(user.pk)
    if by_email:
        from ..tasks import send_notification_email

        send_notification_email.enqueue(notification.pk)
    return notification


def unit_accounts(unit):
    return User.objects.filter(unit=unit, role=Role.UNIT, is_active=True)


def _unit_link(registration):
    return reverse("unit_portal_registration", args=[registration.pk])


def registration_changed(registration, kind, reason=""):
    """Tell the unit's accounts that staff returned, accepted, reopened or commended its model."""
    titles = {
        NotificationKind.RETURNED: _("Mô hình “%(name)s” bị trả lại để sửa"),
        NotificationKind.ACCEPTED: _("Mô hình “%(name)s” đã được duyệt"),
        NotificationKind.REOPENED: _("Mô hình “%(name)s” được mở lại để xem xét"),
        NotificationKind.COMMENDED: _("Mô hình “%(name)s” được khen thưởng"),
    }
    title = titles[kind] % {"name": registration.name}
    if kind in (NotificationKind.RETURNED, NotificationKind.REOPENED) and reason:
        body = _("Lý do: %(reason)s") % {"reason": reason}
    else:
        # An acceptance's reason is the reviewer's note on the criteria, not a message to the unit.
        body = reason if kind == NotificationKind.COMMENDED else ""
    for account in unit_accounts(registration.unit_id):
        notify(account, kind=kind, title=title, body=body, link=_unit_link(registration), registration=registration)


def deadline_reminder(unit, deadline, days_before):
    if days_before:
        title = _("Còn %(days)s ngày đến %(step)s (%(date)s)")
    else:
        title = _("Hôm nay là %(step)s (%(date)s)")
    title = title % {"days": days_before, "step": deadline.label.lower(), "date": deadline.due.strftime("%d/%m/%Y")}
    key = f"han:{deadline.due.isoformat()}:{deadline.name}:{days_before}"
    sent = 0
    for account in unit_accounts(unit):
        if notify(account, kind=NotificationKind.DEADLINE, title=title, link=reverse("unit_portal_home"), key=key):
            sent += 1
    return sent


def staff_digest(user, *, submitted, overdue, day):
    if not submitted and not overdue:
        return None
    title = _("Tin ngày %(date)s: %(submitted)s mô hình mới gửi, %(overdue)s mô hình chờ duyệt quá hạn") % {
        "date": day.strftime("%d/%m/%Y"), "submitted": submitted, "overdue": overdue}
    return notify(user, kind=NotificationKind.DIGEST, title=title, link=reverse("staff_home"),
                  key=f"tin-ngay:{day.isoformat()}")


def unread_count(user):
    """The user's unread notifications, counted afresh only after one was written or read."""
    version_key, count_key = VERSION_KEY.format(user.pk), UNREAD_KEY.format(user.pk)
    kept = cache.get_many([version_key, count_key])
    version = kept.get(version_key)
    if version is not None and kept.get(count_key, (None,))[0] == version:
        return kept[count_key][1]
    if version is None:
        cache.add(version_key, uuid.uuid4().hex, timeout=None)
        version = cache.get(version_key)
    # Kept under the version read before counting: a notification written meanwhile has moved
    # the version on, and this count is never read again.
    count = Notification.objects.filter(user=user, read_at__isnull=True).count()
    cache.set(count_key, (version, count), UNREAD_SECONDS)
    return count


def mark_read(user, notification_ids=None):
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=notification_ids)
    count = queryset.update(read_at=timezone.now())
    if count:
        _inbox_changed(user.pk)
    return count


def _inbox_changed(user_id):
    # Now, so the rest of this transaction counts its own change; and again after the commit, as a
    # request may meanwhile have counted the inbox as it was before (as freshness.data_changed does).
    key = VERSION_KEY.format(user_id)
    cache.set(key, uuid.uuid4().hex, timeout=None)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, timeout=None))


def retry_delay(attempts):
    """Seconds before the next try of an email: doubling from the setting, at most a day."""
    return min(settings.NOTIFICATION_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 86400)


def next_try(attempts):
    return timezone.now() + datetime.timedelta(seconds=retry_delay(attempts))
