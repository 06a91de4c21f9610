"""Who may see what: the single place that narrows a queryset to a user."""
from .choices import Role


def scope_for_user(queryset, user, *, area_path, unit_path, fallback=None):
    """Narrow `queryset` to the rows `user` may see.

    `area_path` and `unit_path` name the lookups from the queryset's model to its
    area and its unit. Superusers see everything; a unit account its own unit;
    staff and leaders their area and below, across the 2025 reform. Anyone else
    (anonymous, or an account without a role) gets `fallback`, or nothing.
    """
    fallback = queryset.none() if fallback is None else fallback
    if not user.is_authenticated:
        return fallback
    if user.is_superuser:
        return queryset
    if user.role == Role.UNIT and user.unit_id:
        return queryset.filter(**{unit_path: user.unit_id})
    if user.role in (Role.STAFF, Role.LEADER) and user.area_id:
        return queryset.filter(user.area.scope_q(area_path))
    return fallback
