"""Accent- and case-insensitive search over published models, its ranking and highlighting,
and "similar models".

Matching runs on `Registration.search_text`, which holds `text.fold()` of the model's name, unit,
content, results and objectives. The query goes through the same `fold()`, so "dan van kheo",
"DÂN VẬN KHÉO" and an NFD-typed "Dân vận khéo" all become "dan van kheo". The lookups are plain
`contains` on a lower-case ASCII column: the same SQL meaning on SQLite and PostgreSQL, and
Django escapes `%`, `_` and quotes, so a query with SQL or HTML characters is just text. A phrase
in quotes ("hộ nghèo") must appear as those words in that order.

Ranking (`ranked`) sorts matches into tiers by `Registration.search_title` (the name's words as
typed and folded): the query as a phrase in the name, then all its words in the name, then some,
then content only; inside each tier a name with the words exactly as typed (diacritics included:
"tủ", not "tổ") comes first, and recency breaks ties. The count stops at `COUNT_CAP`, and a
query matching most of a million models whose newest matches fill the page from the best tier
reads them through the partial index of published models instead of ranking every match.
Both databases run the same queries, so the order is the same on SQLite and PostgreSQL.

The "commended" flag (status, or a recorded commendation) is shared by the list filter, the
badges and the exports, so it lives here too.
"""
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Commendation, Status
from .text import fold, nfc

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8
# A broad search says "more than 10.000" instead of counting every match.
COUNT_CAP = 10_000
# The newest matches a broad search looks at first (see RankedResults).
WINDOW = 2000
# The list's sort value for best match first, the default when there is a query.
RELEVANCE = "phu-hop"
SNIPPET_CHARS = 220
SNIPPET_FIELDS = ("content", "results", "objectives", "situation")
QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”')
NOT_WORD = re.compile(r"[^\w]+")

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


@dataclass
class SearchQuery:
    """A visitor's query taken apart: what must match, and what the ranking compares."""

    terms: list = field(default_factory=list)  # folded pieces each contained in the search text
    phrases: list = field(default_factory=list)  # folded phrases (lists of words) matched in order
    words: list = field(default_factory=list)  # folded words in the order typed, for the title tiers
    exact: list = field(default_factory=list)  # the typed words that carry diacritics, lower-case

    def __bool__(self):
        return bool(self.terms or self.phrases)


def _words(text):
    return [word for word in NOT_WORD.split(text) if word]


def parse_query(query):
    """Quoted phrases and plain words, folded, capped so a pasted essay stays one cheap query."""
    typed = nfc(query)[:MAX_QUERY_LENGTH]
    parsed = SearchQuery()
    for match in QUOTED.finditer(typed):
        words = _words(fold(match.group(1) or match.group(2) or ""))
        if words:
            parsed.phrases.append(words[:MAX_QUERY_WORDS])
    rest = QUOTED.sub(" ", typed).replace('"', " ").replace("“", " ").replace("”", " ")
    parsed.terms = fold(rest).split()[:MAX_QUERY_WORDS]
    ranked_words = [word for phrase in parsed.phrases for word in phrase]
    ranked_words += [word for term in parsed.terms for word in _words(term)]
    parsed.words = list(dict.fromkeys(ranked_words))[:MAX_QUERY_WORDS]
    exact = [word for word in _words(typed.lower()) if fold(word) != word]
    parsed.exact = list(dict.fromkeys(exact))[:MAX_QUERY_WORDS]
    return parsed


def _phrase_pattern(words):
    # Plain ASCII classes only: PostgreSQL's and SQLite's (Python's) regular expressions agree on them.
    return r"(^|[^a-z0-9])" + r"[^a-z0-9]+".join(re.escape(word) for word in words) + r"([^a-z0-9]|$)"


def search_registrations(queryset, query):
    """Rows whose search text contains every word of `query` (order and accents ignored) and
    every quoted phrase as a phrase."""
    parsed = query if isinstance(query, SearchQuery) else parse_query(query)
    for term in parsed.terms:
        queryset = queryset.filter(search_text__contains=term)
    for phrase in parsed.phrases:
        # The words first: on PostgreSQL their trigram index narrows the rows the pattern is tried on.
        for word in phrase:
            queryset = queryset.filter(search_text__contains=word)
        queryset = queryset.filter(search_text__regex=_phrase_pattern(phrase))
    return queryset


def _in_title(word):
    return Q(search_title__contains=f" {word} ")


def _best_parts(parsed):
    """What a name holds in the best tier: the query as a phrase, and the words typed exactly."""
    return [f" {' '.join(parsed.words)} "] + [f" {word} " for word in parsed.exact]


def _tiers(parsed):
    """Conditions best first; a match belongs to the first one it meets (the last is "any")."""
    words = parsed.words
    if not words:
        return []
    every, some = Q(), Q()
    for word in words:
        every &= _in_title(word)
        some |= _in_title(word)
    levels = [_in_title(" ".join(words))]
    if len(words) > 1:
        levels += [every, some]
    if not parsed.exact:
        return levels
    exact = Q()
    for word in parsed.exact:
        exact &= _in_title(word)
    return [part for level in levels for part in (level & exact, level)]


class RankedResults:
    """Matches in relevance order, sliced and counted the way `Paginator` asks.

    `queryset` holds the matches (search and filters applied). A page is one query ordered by
    the tier number (a CASE over the name's words), then newest first: one pass over the
    matches. When they are many (the count reached `COUNT_CAP`), the newest `WINDOW` matches
    are looked at first: if they hold the whole page in the best tier, no other match can come
    before it, and the page is read from them alone.
    """

    order = ("-year", "-pk")

    def __init__(self, queryset, query):
        self.parsed = query if isinstance(query, SearchQuery) else parse_query(query)
        self.queryset = queryset.order_by()
        self.tiers = _tiers(self.parsed)
        self._count = None

    def count(self):
        if self._count is None:
            self._count = self.queryset[:COUNT_CAP].count()
        return self._count

    @property
    def is_capped(self):
        return self.count() >= COUNT_CAP

    def __len__(self):
        return self.count()

    def _best_tier_window(self, start, stop):
        # The newest matches' names are read once and the best tier checked here: the same
        # condition as the first CASE branch, without fetching each row back.
        parts = _best_parts(self.parsed)
        newest = self.queryset.order_by(*self.order).values_list("pk", "search_title")[:WINDOW]
        keys = [pk for pk, title in newest if all(part in title for part in parts)][:stop]
        return keys[start:] if len(keys) == stop else None

    def _page_keys(self, start, stop):
        if not self.tiers:
            return list(self.queryset.order_by(*self.order).values_list("pk", flat=True)[start:stop])
        if stop <= WINDOW and self.is_capped:
            keys = self._best_tier_window(start, stop)
            if keys is not None:
                return keys
        tier = Case(*[When(condition, then=Value(n)) for n, condition in enumerate(self.tiers)],
                    default=Value(len(self.tiers)), output_field=IntegerField())
        ranked = self.queryset.annotate(search_tier=tier).order_by("search_tier", *self.order)
        return list(ranked.values_list("pk", flat=True)[start:stop])

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        # Ordered on the keys alone (a narrow sort), then the page's rows with their relations.
        keys = self._page_keys(start, stop)
        rows = {row.pk: row for row in self.queryset.filter(pk__in=keys)}
        return [rows[pk] for pk in keys if pk in rows]


def ranked(queryset, query):
    return RankedResults(queryset, query)


def list_order(queryset, query, sort=""):
    """What a list shows for `query`: best match first unless another sort was chosen."""
    if parse_query(query or "") and sort in ("", None, RELEVANCE):
        return ranked(queryset, query)
    return queryset


def mark_found(rows, query):
    """Set `found_name` (highlighted name) and `found_snippet` on the rows of a page."""
    parsed = parse_query(query or "")
    for row in rows:
        row.found_name = highlight(row.name, parsed) if parsed.words else None
        row.found_snippet = snippet(row, parsed) if parsed.words else ""
    return rows


@functools.cache
def _fold_char(ch):
    """A character's fold, worked out once per process: a page of search results highlights a few
    thousand characters of a few dozen distinct ones, and folding each anew was a third of the page."""
    decomposed = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def _folded_with_positions(text):
    """The folded text and, for each of its characters, the position it came from in `text`."""
    folds = [_fold_char(ch) for ch in text]
    if all(len(folded) == 1 for folded in folds):  # every Vietnamese letter folds to one letter
        return "".join(folds), range(len(text))
    chars, positions = [], []
    for index, folded in enumerate(folds):
        chars.append(folded)
        positions.extend([index] * len(folded))
    return "".join(chars), positions


def _spans(text, words):
    """Where the words (folded, whole words) stand in `text`, as merged (start, end) pairs."""
    if not text or not words:
        return []
    folded, positions = _folded_with_positions(text)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)")
    spans = []
    for match in pattern.finditer(folded):
        start, end = positions[match.start()], positions[match.end() - 1] + 1
        # Words found side by side ("Tủ quần áo") read as one mark.
        if spans and (start <= spans[-1][1] or not text[spans[-1][1] : start].strip()):
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _marked(text, spans):
    parts, cursor = [], 0
    for start, end in spans:
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    parts.append(escape(text[cursor:]))
    return mark_safe("".join(parts))


def highlight(text, query):
    """`text` escaped for HTML, with the query's words (accents ignored) in <mark>."""
    parsed = query if isinstance(query, SearchQuery) else parse_query(query)
    text = nfc(text)
    return _marked(text, _spans(text, parsed.words))


def snippet(registration, query, length=SNIPPET_CHARS):
    """A short passage of the first text field where a query word stands, highlighted; or ""."""
    parsed = query if isinstance(query, SearchQuery) else parse_query(query)
    for name in SNIPPET_FIELDS:
        text = " ".join(nfc(getattr(registration, name, "")).split())
        spans = _spans(text, parsed.words)
        if not spans:
            continue
        start = max(0, spans[0][0] - length // 3)
        if start:
            start = text.rfind(" ", 0, start) + 1
        end = min(len(text), start + length)
        if end < len(text):
            end = max(text.rfind(" ", start, end), spans[0][1])
        shown = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
        prefix, suffix = ("… " if start else ""), (" …" if end < len(text) else "")
        return mark_safe(prefix + _marked(text[start:end], shown) + suffix)
    return ""


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
    """Commended status, or at least one recorded commendation not revoked."""
    return Q(status=Status.COMMENDED) | Q(Exists(Commendation.objects.active().filter(registration=OuterRef("pk"))))


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
        recorded = set(
            Commendation.objects.active().filter(registration_id__in=pending).values_list("registration_id", flat=True)
        )
    for row in rows:
        row.is_commended = row.status == Status.COMMENDED or row.pk in recorded
    return rows
