"""Who copied whose model ("nhân rộng"): the tree on a model's page and the most replicated models.

A registration's `replicates` points at the model it copies, in any unit or province. The tree
of a model shows the chain of models above it (the one it copies, the one that one copies, …)
and every model below it that copied it, directly or through others. Only published models
appear; each level is one query and the walk is bounded, so a mistaken loop in the data or a
model copied thousands of times cannot run away.
"""
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery

from .models import PUBLISHED_STATUSES, Registration

MAX_DEPTH = 8
MAX_NODES = 200
RELATED = ("unit", "area", "area__province", "area__current_province")


@dataclass
class Node:
    registration: Registration
    children: list = field(default_factory=list)
    is_current: bool = False


def _ancestors(registration, published):
    chain, seen, cursor = [], {registration.pk}, registration.replicates_id
    while cursor and cursor not in seen and len(chain) < MAX_DEPTH:
        row = published.filter(pk=cursor).select_related(*RELATED).first()
        if row is None:
            break
        seen.add(row.pk)
        chain.append(row)
        cursor = row.replicates_id
    return list(reversed(chain)), seen


def _descendants(node, published, seen):
    level, count = [node], 0
    for _depth in range(MAX_DEPTH):
        by_pk = {item.registration.pk: item for item in level}
        rows = (
            published.filter(replicates_id__in=by_pk)
            .exclude(pk__in=seen)
            .select_related(*RELATED)
            .order_by("year", "pk")[: MAX_NODES - count]
        )
        level = []
        for row in rows:
            seen.add(row.pk)
            child = Node(row)
            by_pk[row.replicates_id].children.append(child)
            level.append(child)
        count += len(level)
        if not level or count >= MAX_NODES:
            break


def replication_tree(registration, published=None):
    """The root Node of the tree around `registration`, or None when it copies and is copied by none."""
    published = Registration.objects.published() if published is None else published
    ancestors, seen = _ancestors(registration, published)
    current = Node(registration, is_current=True)
    _descendants(current, published, seen)
    if not ancestors and not current.children:
        return None
    root = current
    for row in reversed(ancestors):
        root = Node(row, children=[root])
    return root


def tree_size(node):
    return 1 + sum(tree_size(child) for child in node.children)


def most_replicated(limit=10, period=None, area=None):
    """Published models (of `period` and `area`, if given) with the most published replications,
    with `replication_count`; a copy counts wherever it is. One query: the copies grouped by the
    one column they point with pick the winners, and only those are read whole."""
    copies = Registration.objects.published().filter(replicates__status__in=PUBLISHED_STATUSES)
    if period is not None:
        copies = copies.filter(replicates__year__gte=period.year_from, replicates__year__lte=period.year_to)
    if area is not None:
        copies = copies.filter(area.scope_q("replicates__area"))
    grouped = copies.order_by().values("replicates_id").annotate(n=Count("pk"))
    winners = grouped.order_by("-n", "-replicates_id").values("replicates_id")[:limit]
    count = grouped.filter(replicates_id=OuterRef("pk")).values("n")[:1]
    return list(
        Registration.objects.filter(pk__in=Subquery(winners))
        .annotate(replication_count=Subquery(count))
        .select_related(*RELATED)
        .order_by("-replication_count", "-pk")
    )
