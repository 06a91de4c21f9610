"""Accent- and case-insensitive search over published models, and "similar models".

Both run on `Registration.search_text`, which holds `text.fold()` of the model's name, unit,
content, results and objectives. The query goes through the same `fold()`, so "dan van kheo",
"DÂN VẬN KHÉO" and an NFD-typed "Dân vận khéo" all become "dan van kheo". The lookups are plain
`contains` on a lower-case ASCII column: the same SQL meaning on SQLite and PostgreSQL, and
Django escapes `%`, `_` and quotes, so a query with SQL or HTML characters is just text.

The "commended" flag (status, or a recorded commendation) is shared by the list filter, the
badges and the exports, so it lives here too.
"""
from django.db.models import Exists, OuterRef, Q

from .models import Commendation, Status
from .text import fold

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8

# Syllables that appear in nearly every model's text; sharing them says nothing about similarity.
COMMON_WORDS = frozenset(
    """
    mo hinh dan van kheo va cua cho cac nhung trong voi la co duoc thuc hien xay dung nam tai tren
    de mot nguoi thon xa phuong to doi chi hoi doan vien the nay theo tu den ve khi da se nhu
    cong tac phong trao thi dua vien ban dia nhan
    """.split()
)
SIMILAR_CANDIDATES = 300
SIMILAR_SAMPLE_WORDS = 60


def query_words(query):
    """The folded words of a visitor's query, capped so a pasted essay stays one cheap query."""
    return fold(query)[:MAX_QUERY_LENGTH].split()[:MAX_QUERY_WORDS]


def search_registrations(queryset, query):
    """Rows whose search text contains every word of `query` (order and accents ignored)."""
    for word in query_words(query):
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def _significant(words):
    return [word for word in words if word not in COMMON_WORDS and len(word) > 1]


def _pairs(words):
    # Vietnamese meaning lives in two-syllable words ("ho ngheo", "an ninh"): pairs weigh more.
    return {f"{first} {second}" for first, second in zip(words, words[1:], strict=False)}


def _profile(registration):
    name_words = fold(registration.name).split()
    body_words = fold(" ".join([registration.content, registration.results]))[: SIMILAR_SAMPLE_WORDS * 12].split()
    return {
        "name_words": set(_significant(name_words)),
        "name_pairs": {pair for pair in _pairs(name_words) if not set(pair.split()) <= COMMON_WORDS},
        "body_words": set(_significant(body_words[:SIMILAR_SAMPLE_WORDS])),
    }


def _score(profile, search_text):
    words = set(search_text.split())
    padded = f" {search_text} "
    return (
        3 * sum(1 for pair in profile["name_pairs"] if f" {pair} " in padded)
        + 2 * len(profile["name_words"] & words)
        + len(profile["body_words"] & words)
    )


def similar_registrations(registration, published, limit=4):
    """A few published models from other places that share words of name or content.

    Two queries whatever the data: one fetches the search texts of candidates that share a
    distinctive name word (or, failing that, a content word), the other loads the best-scored
    rows. Words are compared whole in Python, so "an" does not match inside "ban".
    """
    profile = _profile(registration)
    seeds = sorted(profile["name_words"]) or sorted(profile["body_words"])[:MAX_QUERY_WORDS]
    if not seeds:
        return []
    prefilter = Q()
    for word in seeds[:MAX_QUERY_WORDS]:
        prefilter |= Q(search_text__contains=word)
    candidates = (
        published.filter(prefilter)
        .exclude(area_id=registration.area_id)
        .exclude(unit_id=registration.unit_id)
        .order_by("-year", "-pk")
        .values_list("pk", "search_text")[:SIMILAR_CANDIDATES]
    )
    scored = [(_score(profile, text), pk) for pk, text in candidates]
    best = [pk for score, pk in sorted(scored, key=lambda item: (-item[0], -item[1])) if score >= 2][:limit]
    rows = published.filter(pk__in=best).select_related("unit", "area", "area__province", "area__current_province")
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in best if pk in by_pk]


def commended_q():
    """Commended status, or at least one recorded commendation."""
    return Q(status=Status.COMMENDED) | Q(Exists(Commendation.objects.filter(registration=OuterRef("pk"))))


def with_commended(queryset):
    """Annotate `is_commended` on every row: for single rows, aggregates and exports."""
    return queryset.annotate(is_commended=commended_q())


def mark_commended(registrations):
    """Set `is_commended` on rows already fetched, with one query.

    A list page uses this instead of `with_commended`: PostgreSQL would otherwise run the
    EXISTS subquery for every matching row before sorting and cutting the page.
    """
    rows = list(registrations)
    pending = {row.pk for row in rows if row.status != Status.COMMENDED}
    recorded = set()
    if pending:
        recorded = set(Commendation.objects.filter(registration_id__in=pending).values_list("registration_id", flat=True))
    for row in rows:
        row.is_commended = row.status == Status.COMMENDED or row.pk in recorded
    return rows
