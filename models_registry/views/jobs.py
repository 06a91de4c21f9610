"""The page of a job run by the worker: its progress while it runs, its result when done."""
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..access import may_use_workspace, role_required
from ..models import BackgroundJob, ImportBatch, JobKind, JobStatus
from ..services import jobs


def _job_of(request, pk):
    """The user's own job: another's answers 404, like any object out of scope."""
    return get_object_or_404(BackgroundJob, pk=pk, user=request.user)


@require_GET
@never_cache
@role_required(may_use_workspace)
def job(request, pk):
    job = _job_of(request, pk)
    back = "excel_index"
    if job.kind == JobKind.IMPORT and job.result.get("kind") == ImportBatch.Kind.COMMENDATIONS:
        back = "commendations-list"
    elif job.kind == JobKind.DECISION_CERTIFICATES:
        back = "commendations-list"
    return render(request, "jobs/job.html", {"job": job, "progress": jobs.progress(job), "back_url": back})


@require_GET
@never_cache
@role_required(may_use_workspace)
def job_progress(request, pk):
    return JsonResponse(jobs.progress(_job_of(request, pk)))


@require_GET
@role_required(may_use_workspace)
def job_download(request, pk):
    job = _job_of(request, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)
