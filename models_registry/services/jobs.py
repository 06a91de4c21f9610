"""Long work off the request: big imports and exports run by the worker, with their progress.

A job is one BackgroundJob row and one django-tasks task row, written in the same transaction;
the unique constraint on the job's active row makes a second click on the same upload or export
find the first job instead of starting another.

While an import runs, its rows checked and written are kept in the cache, not in the job's row.
The import writes in one transaction, and on PostgreSQL an UPDATE of the job row made inside it
would not be seen by the progress page until the end; a second database connection would do on
PostgreSQL but not on SQLite, whose one writer (the import, BEGIN IMMEDIATE) would lock it out.
The cache is shared by the web servers and the worker (Redis in production, the cache folder on
one machine) and is outside every transaction, so the counts move on both databases. The job's
row is written outside the import's transaction only: when it starts, and when it ends with the
final counts and the result, so nothing is lost when the cache is cleared.
"""
import datetime
import logging

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import BackgroundJob, JobKind, JobStatus

log = logging.getLogger(__name__)

# Problems kept in a finished import's result: the page lists these, the summary counts them all.
PROBLEMS_KEPT = 200
# A running job whose counts have not moved for this long lost its worker (a restart, a crash):
# it is given up, so that the page says so and a new click starts it again.
STALE_AFTER = datetime.timedelta(minutes=15)


def start(user, kind, key, title, params=None, rows_total=0, file_name=""):
    """The job of `user` for `key`: a new one queued for the worker, or the one already under way.

    Returns (job, created)."""
    from ..tasks import run_background_job

    try:
        with transaction.atomic():
            job = BackgroundJob.objects.create(user=user, kind=kind, key=key[:200], title=title[:255],
                                               params=params or {}, rows_total=rows_total, file_name=file_name)
            run_background_job.enqueue(job.pk)
    except IntegrityError:
        running = active(user, kind, key)
        if running is None or not give_up_if_stale(running):
            return running, False
        return start(user, kind, key, title, params, rows_total, file_name)
    return job, True


def give_up_if_stale(job):
    """Mark a running job whose worker went away as failed; True if it was."""
    if job.status != JobStatus.RUNNING:
        return False
    moved = (cache.get(_progress_key(job.pk)) or {}).get("at")
    last = datetime.datetime.fromtimestamp(moved, datetime.UTC) if moved else job.started_at
    if last is None or timezone.now() - last < STALE_AFTER:
        return False
    message = _("Việc bị gián đoạn (máy chủ xử lý đã dừng giữa chừng); dữ liệu không thay đổi. Hãy thử lại.")
    given_up = BackgroundJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), result={"message": message})
    if given_up:
        job.refresh_from_db()
    return bool(given_up)


def active(user, kind, key):
    return BackgroundJob.objects.filter(user=user, kind=kind, key=key[:200],
                                        status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).first()


def _progress_key(job_pk):
    return f"cong-viec:{job_pk}:tien-do"


def progress(job):
    """{status, rows_total, rows_checked, rows_written, percent, finished}: the row's, with the live
    counts from the cache while the job runs."""
    give_up_if_stale(job)
    checked, written = job.rows_checked, job.rows_written
    if job.status == JobStatus.RUNNING:
        live = cache.get(_progress_key(job.pk)) or {}
        checked, written = live.get("checked", checked), live.get("written", written)
    total = job.rows_total
    if job.finished:
        percent = 100
    elif total:
        # Checking is about half the work of an import, writing the other half.
        done = checked + written if job.kind == JobKind.IMPORT else checked
        percent = min(99, 100 * done // (2 * total if job.kind == JobKind.IMPORT else total))
    else:
        percent = 0
    return {"status": job.status, "status_label": job.get_status_display(), "rows_total": total,
            "rows_checked": checked, "rows_written": written, "percent": percent, "finished": job.finished}


def run(job_pk):
    """Do one job (called by the worker's task). A job already started is not started again."""
    started = BackgroundJob.objects.filter(pk=job_pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now())
    if not started:
        return "already started"
    job = BackgroundJob.objects.select_related("user").get(pk=job_pk)
    try:
        WORK[job.kind](job)
    except Exception:
        log.exception("background job %s (%s) failed", job.pk, job.kind)
        job.status = JobStatus.FAILED
        job.result = {"message": _("Có lỗi khi xử lý; dữ liệu không thay đổi. Hãy thử lại hoặc báo quản trị.")}
    else:
        job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save()
    cache.delete(_progress_key(job.pk))
    return job.status


def _import(job):
    from .imports import uploads

    live = {"checked": 0, "written": 0}
    key = _progress_key(job.pk)

    def told(checked=None, written=None):
        if checked is not None:
            live["checked"] = checked
        if written is not None:
            live["written"] = written
        live["at"] = timezone.now().timestamp()
        cache.set(key, live, 24 * 3600)

    token = job.params["token"]
    try:
        report = uploads.check(job.user, token, write=True, progress=told)
    finally:
        # Imported or refused, the kept file is done with: a refused one is fixed and uploaded again.
        uploads.discard(job.user, token)
    job.rows_checked, job.rows_written = live["checked"], live["written"]
    job.result = {
        "written": report.written, "summary": report.summary(), "kind": report.kind,
        "batch": report.batch.pk if report.batch else None,
        "problem_count": len(report.problems), "problems": [str(p) for p in report.problems[:PROBLEMS_KEPT]],
    }


def _export_registrations(job):
    from ..views.excel import export_content

    content = export_content(job.user, job.params["what"], job.params["fmt"], job.params["filters"])
    job.file.save(job.file_name, ContentFile(content), save=False)
    job.rows_checked = job.rows_written = job.rows_total
    job.result = {"rows": job.rows_total}


def _decision_certificates(job):
    from ..views.documents import decision_pdf_content

    content = decision_pdf_content(job.user, job.params["decision"], job.params["base_url"])
    job.file.save(job.file_name, ContentFile(content), save=False)
    job.rows_checked = job.rows_written = job.rows_total
    job.result = {"rows": job.rows_total}


WORK = {
    JobKind.IMPORT: _import,
    JobKind.EXPORT_REGISTRATIONS: _export_registrations,
    JobKind.DECISION_CERTIFICATES: _decision_certificates,
}


def started_import(user, token):
    """The job already importing (or having imported) the upload `token`, if any."""
    return (BackgroundJob.objects.filter(user=user, kind=JobKind.IMPORT, key=token[:200])
            .exclude(status=JobStatus.FAILED).exclude(status=JobStatus.DONE, result__written=False)
            .order_by("-created_at").first())
