"""Template pieces of the "find and spread" features: the most replicated models of an area."""
from django import template

from ..replication import most_replicated

register = template.Library()


@register.inclusion_tag("includes/public/most_replicated.html")
def most_replicated_models(area=None, period=None, limit=10):
    """Published models of `area` in `period` that others copied most (copies counted anywhere)."""
    return {"rows": most_replicated(limit, period=period, area=area)}
