"""Keyset ("seek") pages of the long lists: the hundredth page costs what the first one does.

A list is read in an order of its own table's columns, all in one direction and ending in the
primary key (("-year", "-pk"): newest first). The rows after the last one shown are then one row
comparison, `(year, id) < (2024, 5120)`, which the database answers as a range of an index
(Registration.Meta.indexes), and a page is the first rows of that range: no OFFSET, no sort of
the whole list. One row more than the page is read, to know whether another page follows. (A
short list may be ordered by a related column too, as the missing units are by commune: still no
OFFSET and no count, only without the index range.)

The way on travels in the URL: `sau` (the page after) or `truoc` (the page before) holds a
cursor, that is the boundary row's sort values and the number of the page it leads to, signed:
a cursor edited by hand, cut short or made for another order is no cursor, and the list shows
its first page. A row added between two clicks neither repeats nor hides a row already shown,
as a page starts right after (or ends right before) the row it was reached from.

How many rows a list holds is counted apart (`Total`): from the summary cells of the list's area
when every filter is one of their columns (`summed`, FilterSet.summary_cells), else counting at
most search.COUNT_CAP rows (`counted`), which then reads "more than 10.000", as a broad search does.
"""
from dataclasses import dataclass
from functools import reduce

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core import signing
from django.db.models import F, Sum
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.translation import gettext as _

from .search import COUNT_CAP

# The registration lists' order unless they offer others: newest first, read through the (year, id) index.
NEWEST_FIRST = ("-year", "-pk")
NEXT, PREVIOUS = "sau", "truoc"
PARAMETERS = (NEXT, PREVIOUS)
# No timestamp: a row's cursor is the same string every time, so a cached page is keyed on it.
# The separator is one that a URL keeps as it is.
SIGNER = signing.Signer(salt="models_registry.pagination", sep=".")


@dataclass(frozen=True)
class Total:
    """How many rows a list holds: `number`, or more than that when `capped`."""

    number: int
    capped: bool = False

    def __str__(self):
        shown = intcomma(self.number)
        return _("hơn %(number)s") % {"number": shown} if self.capped else shown


def counted(queryset):
    """The rows of `queryset`, counted up to COUNT_CAP: past that the list says "more than"."""
    number = queryset.order_by()[: COUNT_CAP + 1].count()
    return Total(min(number, COUNT_CAP), capped=number > COUNT_CAP)


def summed(cells):
    """The registrations of summary cells (models/summaries.py) that hold exactly a list's rows."""
    return Total(cells.aggregate(n=Sum("registrations"))["n"] or 0)


def total_of(rows, cells):
    """A list's Total: from the summary `cells` that hold its rows, or counting the rows when
    there are none such (FilterSet.summary_cells answered None)."""
    return counted(rows) if cells is None else summed(cells)


@dataclass
class KeysetPage:
    """One page: its rows, its number (for the position shown), the list's total, and the cursors
    of the pages beside it (None where there is none)."""

    object_list: list
    number: int
    size: int
    total: Total
    next_cursor: str = None
    previous_cursor: str = None
    is_first: bool = True

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __bool__(self):
        # A page is there even when the list is empty: templates tell it from no page at all.
        return True

    @property
    def start_index(self):
        return (self.number - 1) * self.size + 1 if self.object_list else 0

    @property
    def end_index(self):
        return (self.number - 1) * self.size + len(self.object_list)

    @property
    def has_next(self):
        return self.next_cursor is not None

    @property
    def has_previous(self):
        return self.previous_cursor is not None

    @property
    def has_other_pages(self):
        return not self.is_first or self.has_next


def _fields(order):
    descending = order[0].startswith("-")
    if any(name.startswith("-") != descending for name in order) or order[-1].lstrip("-") != "pk":
        raise ValueError(f"A keyset order runs one way and ends in pk: {order}")
    return [name.lstrip("-") for name in order], descending


def _tag(direction, order):
    return f"{direction}:{','.join(order)}"


def make_cursor(direction, order, number, row):
    fields, _descending = _fields(order)
    values = [reduce(getattr, name.split("__"), row) for name in fields]
    return SIGNER.sign_object([_tag(direction, order), number, *values])


def _payload(value):
    if not value or not isinstance(value, str):
        return None
    try:
        payload = SIGNER.unsign_object(value)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(payload, list) and len(payload) > 2 and isinstance(payload[1], int) and payload[1] >= 1):
        return None
    return payload


def cursor_page(value):
    """The number of the page a cursor leads to, or None for no valid cursor."""
    payload = _payload(value)
    return None if payload is None else payload[1]


def read_cursor(direction, order, value):
    """(page number, sort values) of a cursor made for `direction` (NEXT or PREVIOUS) in `order`, or None."""
    payload = _payload(value)
    if payload is None or payload[0] != _tag(direction, order) or len(payload) != len(order) + 2:
        return None
    return payload[1], payload[2:]


def _reversed(order):
    return [name[1:] if name.startswith("-") else f"-{name}" for name in order]


def keyset_page(queryset, order, params, *, size, total):
    """The page of `queryset` in `order` that `params` asks for (`sau`, `truoc`, or neither: the
    first page). `total` is the list's Total; its count is the caller's (`summed`, `counted`)."""
    fields, descending = _fields(order)
    forward, cursor = True, read_cursor(NEXT, order, params.get(NEXT))
    if cursor is None:
        cursor = read_cursor(PREVIOUS, order, params.get(PREVIOUS))
        forward = cursor is None
    rows, number = queryset.order_by(*order), 1
    if cursor is not None:
        number, values = cursor
        # Newest first, the rows after a row are those below it; going back, those above it.
        seek = TupleLessThan if descending == forward else TupleGreaterThan
        rows = queryset.filter(seek(Tuple(*(F(name) for name in fields)), values))
        rows = rows.order_by(*(order if forward else _reversed(order)))
    found = list(rows[: size + 1])
    more, found = len(found) > size, found[:size]
    has_next, has_previous = (more, cursor is not None) if forward else (True, more)
    if not forward:
        found.reverse()
        if not more:
            if len(found) < size:
                # Back at the start with rows gone meanwhile: the first page, full.
                return keyset_page(queryset, order, {}, size=size, total=total)
            number = 1
    return KeysetPage(
        object_list=found,
        number=number,
        size=size,
        total=total,
        next_cursor=make_cursor(NEXT, order, number + 1, found[-1]) if has_next and found else None,
        previous_cursor=make_cursor(PREVIOUS, order, max(1, number - 1), found[0]) if has_previous and found else None,
        is_first=not has_previous,
    )
