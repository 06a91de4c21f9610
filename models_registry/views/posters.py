"""Printable A4 posters with a QR code: one model's from its public page, or a whole staff list's."""
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import posters
from ..access import may_use_workspace, role_required
from ..filters import RegistrationFilterSet
from ..models import Registration
from .public import DETAIL_RELATED, get_published_or_404

POSTER_RELATED = DETAIL_RELATED + ("area__parent", "area__parent__parent")


def _pdf(content, file_name):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_name}"'
    return response


@require_GET
def poster(request, pk):
    registration = get_published_or_404(pk)
    return _pdf(posters.render_posters([registration], request), f"ap-phich-mo-hinh-{registration.pk}.pdf")


@require_GET
@role_required(may_use_workspace)
def list_posters(request):
    """The posters of the staff list as filtered, published models only (the QR opens their public page)."""
    filters = RegistrationFilterSet(request.GET or None, Registration.objects.for_user(request.user).published())
    rows = filters.qs.select_related(*POSTER_RELATED).order_by("-year", "unit__name", "name")
    chosen = list(rows[: posters.MAX_POSTERS + 1])
    if not chosen or len(chosen) > posters.MAX_POSTERS:
        if chosen:
            messages.warning(request, _(
                "Danh sách có hơn %(limit)s mô hình đã công bố; mỗi lần in tối đa %(limit)s áp phích, hãy lọc bớt."
            ) % {"limit": posters.MAX_POSTERS})
        else:
            messages.warning(request, _("Danh sách không có mô hình nào đã công bố để in áp phích; hãy đổi bộ lọc."))
        back = reverse("staff_registrations")
        return redirect(f"{back}?{request.GET.urlencode()}" if request.GET else back)
    return _pdf(posters.render_posters(chosen, request), "ap-phich-mo-hinh.pdf")
