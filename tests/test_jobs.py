"""Big imports and exports run on the worker, with a progress page, and start once however often clicked."""
import datetime
import io
import threading

import openpyxl
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from models_registry.models import BackgroundJob, ImportBatch, JobStatus, Registration, Status, YearClosure
from models_registry.services import jobs
from models_registry.services.imports import uploads
from models_registry.tasks import run_background_job

from .commendation_world import build_world
from .factories import make_commune, make_province, make_registration, make_sheet, make_staff, make_unit
from .test_verification import commend

HEADERS = ["Năm", "Mã đơn vị", "Tên mô hình", "Lĩnh vực"]


def run_worker():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


@pytest.fixture
def world(db):
    province = make_province(code="91")
    commune = make_commune(province, code="31001")
    unit = make_unit(commune, code="DV-01")
    return {"province": province, "unit": unit, "staff": make_staff(province)}


@pytest.fixture
def staff_client(client, world):
    client.force_login(world["staff"])
    return client


def rows(count, start=0):
    return [[2026, "DV-01", f"Mô hình số {n}", "Kinh tế"] for n in range(start, start + count)]


def upload(client, data):
    response = client.post(reverse("excel_upload"), {"kind": "registrations", "file": make_sheet(HEADERS, data)})
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def confirm(client, token):
    return client.post(reverse("excel_confirm", args=[token]))


@pytest.mark.django_db(transaction=True)
def test_a_20000_row_import_runs_on_the_worker_and_its_page_shows_rows_checked_before_it_ends(
        staff_client, monkeypatch):
    token = upload(staff_client, rows(20000))
    response = confirm(staff_client, token)
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.pk])
    assert not Registration.objects.exists()  # the request only queued the work
    seen = []
    real_check = uploads.check

    def ask_the_pages():
        try:
            seen.append((staff_client.get(reverse("job_progress", args=[job.pk])).json(),
                         staff_client.get(reverse("job", args=[job.pk])).content.decode()))
        finally:
            connection.close()

    def watched(user, token, write=False, progress=None):
        def hook(**counts):
            progress(**counts)
            if counts.get("checked") == 5000:
                # Asked from the page while the import's transaction is still open (and its COPY
                # under way): from another thread, on a connection of its own, as another worker.
                asking = threading.Thread(target=ask_the_pages)
                asking.start()
                asking.join()
        return real_check(user, token, write=write, progress=hook)

    monkeypatch.setattr(uploads, "check", watched)
    run_worker()
    (during, page), = seen
    assert during["status"] == JobStatus.RUNNING and not during["finished"]
    assert during["rows_checked"] == 5000 and during["rows_written"] == 0 and during["rows_total"] == 20000
    assert 0 < during["percent"] < 50
    assert "5.000" in page and "20.000" in page and 'http-equiv="refresh"' in page
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.rows_checked == job.rows_written == 20000
    assert Registration.objects.count() == 20000
    done = staff_client.get(reverse("job", args=[job.pk])).content.decode()
    assert done.count("Đã nhập 20000 dòng") == 1 and "http-equiv" not in done


def test_a_second_click_on_confirm_shows_the_job_already_queued(staff_client, settings):
    settings.IMPORT_BACKGROUND_ROWS = 2
    token = upload(staff_client, rows(3))
    first, second = confirm(staff_client, token), confirm(staff_client, token)
    job = BackgroundJob.objects.get()
    assert first["Location"] == second["Location"] == reverse("job", args=[job.pk])
    assert DBTaskResult.objects.count() == 1


def test_starting_the_same_job_twice_gives_the_first_one(world):
    first, created = jobs.start(world["staff"], "import", "tok", "tệp.xlsx", params={"token": "tok"})
    again, created_again = jobs.start(world["staff"], "import", "tok", "tệp.xlsx", params={"token": "tok"})
    assert created and not created_again and again == first


@pytest.mark.django_db(transaction=True)
def test_a_finished_import_stays_on_its_page_and_a_later_click_opens_it_again(staff_client, settings):
    settings.IMPORT_BACKGROUND_ROWS = 2
    token = upload(staff_client, rows(3))
    confirm(staff_client, token)
    run_worker()
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.DONE and ImportBatch.objects.get().row_count == 3
    assert confirm(staff_client, token)["Location"] == reverse("job", args=[job.pk])
    run_worker()
    assert Registration.objects.count() == 3 and BackgroundJob.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_big_file_that_became_wrong_before_the_worker_took_it_is_refused_whole_with_its_problems(
        staff_client, world, settings):
    settings.IMPORT_BACKGROUND_ROWS = 2
    token = upload(staff_client, rows(3))
    confirm(staff_client, token)
    # Between the preview and the worker, the province closes the year.
    YearClosure.objects.create(area=world["province"], year=2026)
    run_worker()
    job = BackgroundJob.objects.get()
    page = staff_client.get(reverse("job", args=[job.pk])).content.decode()
    assert job.status == JobStatus.DONE and not job.result["written"]
    assert not Registration.objects.exists()
    assert "bị từ chối" in page and "đã khóa sổ" in page and job.result["problem_count"] == 3
    # The kept file is done with: the clerk fixes it and uploads it again.
    assert not uploads.exists(world["staff"], token)
    assert confirm(staff_client, token).status_code == 404 and BackgroundJob.objects.count() == 1


def test_newer_uploads_do_not_push_out_the_file_of_a_queued_import(staff_client, world, settings):
    settings.IMPORT_BACKGROUND_ROWS = 2
    token = upload(staff_client, rows(3))
    confirm(staff_client, token)
    for n in range(4):
        upload(staff_client, rows(1, start=100 + n))
    assert uploads.exists(world["staff"], token)
    jobs.run(BackgroundJob.objects.get().pk)
    assert Registration.objects.count() == 3 and not uploads.exists(world["staff"], token)


def test_small_files_are_still_imported_on_the_request(staff_client):
    token = upload(staff_client, rows(3))
    assert confirm(staff_client, token)["Location"] == reverse("excel_index")
    assert Registration.objects.count() == 3 and not BackgroundJob.objects.exists()


def test_someone_elses_job_answers_not_found(client, world):
    job, _created = jobs.start(world["staff"], "import", "tok", "tệp.xlsx", params={"token": "tok"})
    client.force_login(make_staff(world["province"]))
    assert client.get(reverse("job", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_progress", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_big_registration_export_is_made_by_the_worker_and_downloaded_from_its_page(
        staff_client, world, settings):
    settings.EXPORT_BACKGROUND_ROWS = 2
    for n in range(3):
        make_registration(world["unit"], year=2026, name=f"Mô hình {n}", status=Status.ACCEPTED)
    url = reverse("excel_export", args=["dang-ky", "xlsx"]) + "?nam=2026"
    response = staff_client.get(url)
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("job", args=[job.pk])
    assert staff_client.get(url)["Location"] == response["Location"]  # clicked twice: one job
    assert "Đang tạo tệp gồm 3 dòng" in staff_client.get(response["Location"]).content.decode()
    run_worker()
    download = staff_client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200 and job.file_name in download["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 4


def test_the_csv_export_and_small_xlsx_exports_stay_on_the_request(staff_client, world):
    make_registration(world["unit"], year=2026, status=Status.ACCEPTED)
    response = staff_client.get(reverse("excel_export", args=["dang-ky", "xlsx"]))
    assert response.status_code == 200 and not BackgroundJob.objects.exists()


def test_the_certificates_of_a_big_decision_are_printed_off_the_request(db, client, settings):
    settings.CERTIFICATES_BACKGROUND_COUNT = 1
    world = build_world()
    first = commend(world)
    commend(world, registration=make_registration(
        world.unit, year=world.today.year, name="Mô hình hai", status=Status.COMPLETED, outcome="exemplary"))
    client.force_login(world.province_staff)
    response = client.get(f"/quan-ly/khen-thuong/{first.pk}/quyet-dinh.pdf")
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("job", args=[job.pk])
    assert "Đang in 2 giấy khen" in client.get(response["Location"]).content.decode()
    # What the worker runs for the task (the forms of commendation are reference data, which a
    # test that commits, as the worker's need, would have to build again).
    run_background_job.call(job.pk)
    download = client.get(reverse("job_download", args=[job.pk]))
    assert len(PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages) == 2


def test_a_job_whose_worker_went_away_is_given_up_and_a_new_click_starts_it_again(staff_client, world):
    job, _created = jobs.start(world["staff"], "import", "tok", "tệp.xlsx", params={"token": "tok"})
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(minutes=20))
    again, created = jobs.start(world["staff"], "import", "tok", "tệp.xlsx", params={"token": "tok"})
    assert created and again != job
    page = staff_client.get(reverse("job", args=[job.pk])).content.decode()
    assert "Việc bị gián đoạn" in page and "http-equiv" not in page


def test_a_running_job_whose_counts_move_is_not_given_up(world):
    job, _created = jobs.start(world["staff"], "import", "tok", "tệp.xlsx", params={"token": "tok"})
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=1))
    cache.set(jobs._progress_key(job.pk), {"checked": 500, "written": 0, "at": timezone.now().timestamp()})
    job.refresh_from_db()
    assert jobs.progress(job)["rows_checked"] == 500 and job.status == JobStatus.RUNNING
