"""Template pieces of the "find and spread" features: the most replicated models of an area."""
from django import template

from ..filters import by_area
from ..models import Registration
from ..replication import most_replicated

register = template.Library()


@register.inclusion_tag("includes/public/most_replicated.html")
def most_replicated_models(area=None, period=None, limit=10):
    """Published models of `area` in `period` that others copied most (copies counted anywhere)."""
    published = Registration.objects.published()
    models = published
    if period is not None:
        models = models.filter(year__gte=period.year_from, year__lte=period.year_to)
    if area is not None:
        models = by_area(models, area)
    rows = most_replicated(published, limit=limit, among=models)
    return {"rows": rows}
