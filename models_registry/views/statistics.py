"""Public statistics (/thong-ke/): the report figures over published registrations only.

Open to anyone, any area; shows no people's names and no list of units that have not registered.
"""
from django.urls import reverse
from django.views.decorators.http import require_GET

from ..models import Registration, RegistrationSummary, Unit
from ..services.reports import PUBLISHED_Q, Summaries
from .caching import cache_for_visitors, report_query
from .reports import list_page, report_page


@require_GET
@cache_for_visitors(query=report_query)
def dashboard(request):
    return report_page(
        request,
        base_area=None,
        viewer="published",
        summaries=Summaries.published,
        units=Unit.objects.all(),
        counted_q=PUBLISHED_Q,
        public=True,
        report_url=reverse("statistics-dashboard"),
        list_url=reverse("statistics-registrations"),
    )


@require_GET
def registration_list(request):
    return list_page(
        request,
        base_area=None,
        registrations=Registration.objects.published(),
        cells=RegistrationSummary.objects.published(),
        counted_q=PUBLISHED_Q,
        public=True,
        report_url=reverse("statistics-dashboard"),
    )
