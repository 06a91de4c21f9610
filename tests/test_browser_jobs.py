"""A big import in Chromium: its page's bar moves while the worker imports, then shows the report."""
import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from models_registry.models import BackgroundJob, JobStatus, Registration
from models_registry.services import jobs
from models_registry.services.imports import uploads
from tests.conftest import screenshot
from tests.factories import PASSWORD, make_commune, make_province, make_sheet, make_staff, make_unit

pytestmark = pytest.mark.browser
HEADERS = ["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực"]
ROWS = 5000


def sign_in(page, user):
    page.goto("/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "dang-nhap" not in url)


def test_the_progress_bar_moves_while_the_worker_imports_and_the_report_follows(page, transactional_db, monkeypatch):
    province = make_province(code="91", name="Tỉnh Hậu Giang")
    make_unit(make_commune(province, code="31001"), code="DV-01", name="Chi hội Phụ nữ ấp Đông")
    staff = make_staff(province)
    sheet = make_sheet(HEADERS, [[2026, "DV-01", f"Mô hình số {n}", "Kinh tế"] for n in range(ROWS)],
                       name="dang-ky-ca-tinh.xlsx")
    token = uploads.store(staff, "registrations", sheet, "dang-ky-ca-tinh.xlsx")
    job, _created = jobs.start(staff, "import", token, "dang-ky-ca-tinh.xlsx", params={"token": token},
                               rows_total=ROWS)
    # The worker stops half-way through the check until the page has been looked at.
    halfway, carry_on = threading.Event(), threading.Event()
    real_check = uploads.check

    def paused(user, token, write=False, progress=None):
        def hook(**counts):
            progress(**counts)
            if counts.get("checked") == ROWS // 2:
                halfway.set()
                carry_on.wait(30)
        return real_check(user, token, write=write, progress=hook)

    monkeypatch.setattr(uploads, "check", paused)

    def work():
        # The worker the command runs, without the command's signal handlers (main thread only).
        from django_tasks_db.management.commands.db_worker import Worker

        try:
            Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                   max_tasks=None, worker_id="worker", excluded_queue_names=[]).run()
        finally:
            connection.close()

    sign_in(page, staff)
    page.goto(f"/quan-ly/excel/cong-viec/{job.pk}/")
    assert "Đang chờ xử lý" in page.locator("#job-progress").inner_text()
    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert halfway.wait(60)
        # The page's script asks every second: the bar moves without a reload.
        expect(page.locator("[data-field=rows_checked]")).to_have_text("2.500")
        box = page.locator("#job-progress").inner_text()
        assert "Đang xử lý" in box and "5.000" in box
        assert page.locator("[data-field=bar]").inner_text() == "25%"
        screenshot(page, "job-1-import-half-way")
    finally:
        carry_on.set()
        worker.join(120)
    page.wait_for_selector(".alert-success", timeout=30000)
    assert "Đã nhập 5000 dòng" in page.locator(".alert-success").first.inner_text()
    screenshot(page, "job-2-import-done")
    assert BackgroundJob.objects.get().status == JobStatus.DONE and Registration.objects.count() == ROWS
