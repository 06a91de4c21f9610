"""Who may see what: the single place that narrows a queryset to a user."""
from ..access import AREA, EVERYTHING, UNIT, scope_of


def scope_for_user(queryset, user, *, area_path, unit_path, fallback=None, province_path=None):
    """Narrow `queryset` to the rows `user` may see.

    `area_path` and `unit_path` name the lookups from the queryset's model to its
    area and its unit; `province_path`, where the model keeps one, to its own copy of the area's
    current province (AdminArea.scope_q). The scope itself is `access.scope_of`: superusers see everything;
    a unit account its own unit; staff and leaders their area and below, across the 2025
    reform. Anyone else (anonymous, or an account without a role) gets what `fallback` (a function of
    the queryset) gives, or nothing: called only then, as most requests are signed in.
    """
    kind, value = scope_of(user)
    if kind == EVERYTHING:
        return queryset
    if kind == UNIT:
        return queryset.filter(**{unit_path: value})
    if kind == AREA:
        return queryset.filter(value.scope_q(area_path, province_path=province_path))
    return queryset.none() if fallback is None else fallback(queryset)
