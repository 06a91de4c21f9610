"""Who copied whose model ("nhân rộng"): the tree on a model's page and the most replicated models.

A registration's `replicates` points at the model it copies, in any unit or province. The tree
of a model shows the chain of models above it (the one it copies, the one that one copies, …)
and every model below it that copied it, directly or through others. Only published models
appear; each level is one query and the walk is bounded, so a mistaken loop in the data or a
model copied thousands of times cannot run away.
"""
from dataclasses import dataclass, field

from django.db.models import Count

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


def most_replicated(published=None, limit=10, among=None):
    """Published models (of `among`, if given) with the most published replications, with
    `replication_count`; a copy counts wherever it is."""
    published = Registration.objects.published() if published is None else published
    among = published if among is None else among
    # The filter comes before the count, so the count takes in only published replications.
    return list(
        among.filter(replications__status__in=PUBLISHED_STATUSES)
        .annotate(replication_count=Count("replications"))
        .select_related(*RELATED)
        .order_by("-replication_count", "-year", "pk")[:limit]
    )
