"""Notifications: an inbox entry for each user told, and an email through the worker, sent once."""
import datetime
import smtplib
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from models_registry.models import EmailStatus, Notification, NotificationKind, Status
from models_registry.services import notifications, workflow
from tests.factories import (
    make_commune,
    make_plan,
    make_province,
    make_registration,
    make_staff,
    make_unit,
    make_unit_user,
)

YEAR = datetime.date.today().year


def unit_world(email="donvi@example.vn", notify_by_email=True):
    province = make_province()
    commune = make_commune(province)
    unit = make_unit(commune)
    return {
        "province": province, "commune": commune, "unit": unit,
        "account": make_unit_user(unit, email=email, notify_by_email=notify_by_email),
        "staff": make_staff(commune),
    }


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def return_one(world):
    registration = make_registration(world["unit"], year=YEAR, status=Status.SUBMITTED, name="Tủ quần áo yêu thương")
    return workflow.return_with_reason(world["staff"], registration, "Thiếu tiêu chí đánh giá")


@pytest.mark.django_db(transaction=True)
def test_returning_a_model_puts_one_notice_in_the_inbox_and_mails_it_once():
    world = unit_world()
    return_one(world)
    notice = Notification.objects.get(user=world["account"])
    assert notice.kind == NotificationKind.RETURNED and "Thiếu tiêu chí đánh giá" in notice.body
    assert notice.email_status == EmailStatus.PENDING and not mail.outbox
    run_worker()
    run_worker()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["donvi@example.vn"]
    assert "Tủ quần áo yêu thương" in mail.outbox[0].subject
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.SENT and notice.email_attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_tried_again_and_delivered_once(monkeypatch, settings):
    settings.NOTIFICATION_RETRY_SECONDS = 0
    world = unit_world()
    return_one(world)
    from django.core.mail.backends.locmem import EmailBackend

    real_send, calls = EmailBackend.send_messages, []

    def flaky(self, messages):
        calls.append(len(messages))
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("máy chủ thư tạm ngừng")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    run_worker()
    assert len(calls) == 2 and len(mail.outbox) == 1
    notice = Notification.objects.get()
    assert notice.email_status == EmailStatus.SENT and notice.email_attempts == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_email_once():
    world = unit_world()
    for n in range(3):
        registration = make_registration(world["unit"], year=YEAR, status=Status.SUBMITTED, name=f"Mô hình {n}")
        workflow.return_with_reason(world["staff"], registration, "Bổ sung minh chứng")
    if connection.vendor == "postgresql":
        # Real concurrency: each thread has its own connection, and the task rows are locked.
        errors = []

        def worker(name):
            # The worker the command runs, without the command's signal handlers (main thread only).
            from django_tasks_db.management.commands.db_worker import Worker

            try:
                Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                       max_tasks=None, worker_id=name, excluded_queue_names=[]).run()
            except Exception as error:  # noqa: BLE001 — reported by the assertion below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
    else:
        # SQLite serialises writers: the second worker starts when the first is done.
        run_worker()
        run_worker()
    assert len(mail.outbox) == 3
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}


@pytest.mark.django_db
def test_a_user_who_chose_the_inbox_only_gets_no_email():
    world = unit_world(notify_by_email=False)
    return_one(world)
    notice = Notification.objects.get(user=world["account"])
    assert notice.email_status == EmailStatus.NONE


@pytest.mark.django_db
def test_a_change_that_rolls_back_tells_no_one():
    from django.db import transaction

    world = unit_world()
    registration = make_registration(world["unit"], year=YEAR, status=Status.SUBMITTED)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.accept(world["staff"], registration)
        raise RuntimeError
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_accepting_tells_the_unit(client):
    world = unit_world()
    workflow.accept(world["staff"], make_registration(world["unit"], year=YEAR, status=Status.SUBMITTED))
    assert Notification.objects.get(user=world["account"]).kind == NotificationKind.ACCEPTED


@pytest.mark.django_db
def test_the_menu_counts_unread_notices_and_opening_one_marks_it_read(client):
    world = unit_world()
    registration = return_one(world)
    client.force_login(world["account"])
    assert 'text-bg-warning" aria-label="1 thông báo chưa đọc">1</span>' in client.get("/thong-bao/").content.decode()
    notice = Notification.objects.get()
    response = client.get(f"/thong-bao/{notice.pk}/")
    assert response.url == f"/don-vi/mo-hinh/{registration.pk}/"
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.django_db
def test_someone_elses_notice_answers_not_found(client):
    world = unit_world()
    return_one(world)
    client.force_login(world["staff"])
    assert client.get(f"/thong-bao/{Notification.objects.get().pk}/").status_code == 404
    assert Notification.objects.get().read_at is None


@pytest.mark.django_db
def test_choosing_inbox_only_is_remembered(client):
    world = unit_world()
    client.force_login(world["account"])
    client.post("/thong-bao/email/", {})
    world["account"].refresh_from_db()
    assert world["account"].notify_by_email is False


@pytest.mark.django_db
def test_a_deadline_reminder_is_sent_once_per_unit_however_often_the_job_runs():
    world = unit_world()
    today = datetime.date(YEAR, 3, 24)
    make_plan(world["province"], YEAR, registration_closes=datetime.date(YEAR, 3, 31))
    for _ in range(3):
        call_command("send_reminders", date=today.isoformat(), verbosity=0)
    notice = Notification.objects.get(user=world["account"], kind=NotificationKind.DEADLINE)
    assert notice.title == "Còn 7 ngày đến hạn đăng ký mô hình (31/03/%s)" % YEAR


@pytest.mark.django_db
def test_no_reminder_for_a_deadline_already_met():
    world = unit_world()
    from tests.factories import make_sent

    make_sent(world["unit"], YEAR, datetime.date(YEAR, 3, 1))
    make_plan(world["province"], YEAR, registration_closes=datetime.date(YEAR, 3, 31))
    call_command("send_reminders", date=f"{YEAR}-03-31", verbosity=0)
    assert not Notification.objects.filter(kind=NotificationKind.DEADLINE).exists()


@pytest.mark.django_db
def test_staff_get_one_digest_a_day_of_what_waits_for_them():
    world = unit_world()
    make_registration(world["unit"], year=YEAR, status=Status.SUBMITTED)
    today = datetime.date.today()
    call_command("send_reminders", date=today.isoformat(), verbosity=0)
    call_command("send_reminders", date=today.isoformat(), verbosity=0)
    digest = Notification.objects.get(user=world["staff"], kind=NotificationKind.DIGEST)
    assert "1 mô hình mới gửi" in digest.title


@pytest.mark.django_db
def test_the_menus_unread_count_is_kept_until_a_notice_is_written(client, django_assert_num_queries):
    world = unit_world()
    client.force_login(world["account"])
    client.get("/thong-bao/")
    with django_assert_num_queries(0):
        assert notifications.unread_count(world["account"]) == 0
    return_one(world)
    assert 'aria-label="1 thông báo chưa đọc">1</span>' in client.get("/thong-bao/").content.decode()


@pytest.mark.django_db
def test_the_menus_unread_count_drops_at_once_when_the_notices_are_read(client):
    world = unit_world()
    return_one(world)
    client.force_login(world["account"])
    assert "thông báo chưa đọc" in client.get("/thong-bao/").content.decode()
    client.post("/thong-bao/da-doc/")
    assert "thông báo chưa đọc" not in client.get("/thong-bao/").content.decode()


@pytest.mark.django_db
def test_a_notice_for_someone_else_keeps_the_users_count(django_assert_num_queries):
    world = unit_world()
    notifications.unread_count(world["staff"])
    return_one(world)  # tells the unit's account
    with django_assert_num_queries(0):
        assert notifications.unread_count(world["staff"]) == 0

