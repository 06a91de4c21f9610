"""Honest comparisons: a report that takes in the current, unfinished year compares it with the
same point of the year before, never with that whole year.

`Taken` says when a report's figures were taken and, for a period ending in the current year, up
to which day they run and which day of the previous year they are set against. `figures_on`
counts the previous period as it stood on that day, from the registrations' history: a model
counts from the first event that made it counted (sent, accepted or imported; see `counted_by`
for models whose history is silent about their year). Only figures known from that are compared: counts by
field, level and kind. A status or an evaluation reached later, and the results' sums, cannot be
known as of that day, so they show no change.

This is the one place that knows it; the report's aggregation (services/reports.py) calls it.
"""
import datetime
from dataclasses import dataclass
from typing import Optional

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Action, ExemplarKind, Field, Level, RegistrationEvent

# The first of these in a registration's history is when it began to count.
COUNTED_ACTIONS = (Action.SUBMITTED, Action.ACCEPTED, Action.IMPORTED)
# The public figures count a model once it is published: accepted, or imported as accepted.
PUBLISHED_ACTIONS = (Action.ACCEPTED, Action.IMPORTED)


def _comparable_aggregates():
    aggregates = {"total": Count("pk"), "new": Count("pk", filter=Q(is_new=True)),
                  "replicated": Count("pk", filter=Q(replicates__isnull=False))}
    for name, values, column in (("field", Field.values, "field"), ("level", Level.values, "level"),
                                 ("exemplar", ExemplarKind.values, "exemplar_kind")):
        for value in values:
            aggregates[f"{name}__{value}"] = Count("pk", filter=Q(**{column: value}))
    return aggregates


# Figures that can be counted as of a past day; "continued" follows from total and new.
COMPARABLE = frozenset(_comparable_aggregates()) | {"continued"}


@dataclass(frozen=True)
class Taken:
    at: datetime.datetime  # when the figures were read
    through: Optional[datetime.date] = None  # the period's last year is unfinished: figures up to this day
    compared_on: Optional[datetime.date] = None  # and are set against the previous period on this day

    @property
    def partial(self):
        return self.through is not None

    def note(self):
        """'Năm đang thực hiện, số liệu đến ngày 01/12/2026 …', or '' for finished years."""
        if not self.partial:
            return ""
        return _("Năm đang thực hiện, số liệu đến ngày %(through)s; so sánh với cùng kỳ năm trước "
                 "(đến ngày %(compared)s).") % {"through": _day(self.through), "compared": _day(self.compared_on)}

    def clock(self):
        """'16:50 ngày 01/12/2026': when the figures were read, in the portal's time zone."""
        local = timezone.localtime(self.at)
        return _("%(time)s ngày %(date)s") % {"time": local.strftime("%H:%M"), "date": _day(local)}

    def taken_text(self):
        """'Số liệu lấy lúc 16:50 ngày 01/12/2026'."""
        return _("Số liệu lấy lúc %(clock)s") % {"clock": self.clock()}


def _day(value):
    return value.strftime("%d/%m/%Y")


def same_day_in(day, year):
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


# The clock the figures are read by; tests set the day.
clock = timezone.now


def taken(period, now=None):
    """When the figures of `period` are taken (now), and how far its last year has run: the
    previous period is read as of the same day in its own last year."""
    now = now or clock()
    today = timezone.localtime(now).date()
    if period.year_to < today.year:
        return Taken(now)
    return Taken(now, through=today, compared_on=same_day_in(today, period.year_from - 1))


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def counted_by(day, actions=COUNTED_ACTIONS):
    """Q for registrations of `day`'s year that counted at the end of `day` (the portal's time zone).

    A model whose history says nothing of its year (entered or imported after the year had
    ended, as earlier years' records are) is dated by its start date, and counts from the year's
    start when it has none: the portal cannot know it came late."""
    events = RegistrationEvent.objects.filter(registration=OuterRef("pk"), action__in=actions)
    by_then = events.filter(at__lt=_start_of(day + datetime.timedelta(days=1)))
    in_its_year = events.filter(at__lt=_start_of(datetime.date(day.year + 1, 1, 1)))
    return Q(Exists(by_then)) | (~Q(Exists(in_its_year)) & (Q(start_date__isnull=True) | Q(start_date__lte=day)))


def figures_on(registrations, period, day, actions=COUNTED_ACTIONS):
    """The comparable figures of `period` (before the current one) as they stood on `day`: its
    earlier years whole, its last year only with what counted by then. One query."""
    rows = registrations.filter(year__gte=period.year_from, year__lte=period.year_to).filter(
        Q(year__lt=period.year_to) | counted_by(day, actions))
    figures = {key: value or 0 for key, value in rows.aggregate(**_comparable_aggregates()).items()}
    figures["continued"] = figures["total"] - figures["new"]
    return figures
