"""Honest comparisons: a report that takes in the current, unfinished year compares it with the
same point of the year before, never with that whole year.

`Taken` says when a report's figures were taken and, for a period ending in the current year, up
to which day they run and which day of the previous year they are set against. `figures_on`
counts the previous period as it stood on that day: its last year from the day summary
(models/summaries.py RegistrationDaySummary), where a model counts from the day of the first
event that made it counted (sent, accepted or imported; by its start date when its history is
silent about its year). Only figures known from that are compared: counts by field, level and
kind. A status or an evaluation reached later, and the results' sums, cannot be known as of that
day, so they show no change.

This is the one place that knows it; the report's aggregation (services/reports.py) calls it.
"""
import datetime
from dataclasses import dataclass
from typing import Optional

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ExemplarKind, Field, Level
from ..statements import Statements

# The breakdowns a day summary cell is counted under, each a figure per value ("field__economy").
BREAKDOWNS = (("field", Field.values), ("level", Level.values), ("exemplar", ExemplarKind.values))
# Figures that can be counted as of a past day; "continued" follows from total and new.
COMPARABLE = frozenset(
    {"total", "new", "replicated", "continued"}
    | {f"{name}__{value}" for name, values in BREAKDOWNS for value in values}
)


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


def figures_on(days, period, day, basis, earlier, statements=None):
    """The comparable figures of `period` (before the current one) as they stood on `day`:
    `earlier`, the figures of its years before the last, whole; and of its last year (`day`'s)
    what counted by `basis` at the end of `day`, from the day summary cells `days`. One query,
    over that one year's cells up to that day, kept compiled by the report's `statements`."""
    # Grouped by the breakdowns and added up here: a few dozen groups, and a query with two sums
    # instead of one filtered sum per figure, which cost more to build than to run.
    cells = (statements or Statements()).rows("as-of", lambda: (
        days.filter(year=period.year_to, basis=basis, since__lte=day).order_by()
        .values_list("field", "level", "exemplar_kind", "is_new")
        .annotate(n=Sum("registrations"), replicated=Sum("replicated"))), day, basis)
    figures = {key: earlier[key] for key in COMPARABLE}
    for field, level, exemplar, is_new, n, replicated in cells:
        figures["total"] += n
        figures["new"] += n if is_new else 0
        figures["replicated"] += replicated
        for name, value in (("field", field), ("level", level), ("exemplar", exemplar)):
            key = f"{name}__{value}"
            if key in figures:
                figures[key] += n
    figures["continued"] = figures["total"] - figures["new"]
    return figures
