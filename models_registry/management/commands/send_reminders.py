"""Daily job (a systemd timer, docs/deploy.md): deadline reminders to units and a digest to staff.

Run as often as you like: each unit is told once per deadline and day before it, and each staff
member gets one digest a day (notifications carry a key the database keeps unique).
"""
import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from ...models import Registration, Role, Status, User
from ...services import notifications, plans


class Command(BaseCommand):
    help = "Nhắc hạn kế hoạch năm cho đơn vị và gửi tin tổng hợp trong ngày cho cán bộ."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày chạy (yyyy-mm-dd), mặc định hôm nay.")

    def handle(self, *args, **options):
        today = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        reminded = 0
        for unit, deadline, days_before in plans.reminders_due(today):
            with transaction.atomic():
                reminded += notifications.deadline_reminder(unit, deadline, days_before)
        digests = 0
        since = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time()))
        overdue_before = timezone.now() - datetime.timedelta(days=notifications.REVIEW_OVERDUE_DAYS)
        for user in User.objects.filter(role=Role.STAFF, is_active=True, area__isnull=False).select_related("area"):
            queue = Registration.objects.for_user(user).filter(status=Status.SUBMITTED)
            with transaction.atomic():
                if notifications.staff_digest(user, submitted=queue.filter(updated_at__gte=since).count(),
                                              overdue=queue.filter(updated_at__lt=overdue_before).count(), day=today):
                    digests += 1
        self.stdout.write(f"{reminded} nhắc hạn, {digests} tin tổng hợp.")
