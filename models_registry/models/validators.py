"""Plausible bounds on every year, date, figure and text the portal stores.

Each bound is written once here and enforced twice: a field validator, whose Vietnamese
message a form shows beside the field, and a CHECK constraint, so that the paths that skip
validation (bulk imports, the shell, a raw UPDATE) obey it too. Bounds that move with
today's date (next year, five years ahead) are validators only: a CHECK constraint must not
change its verdict about a stored row as time passes, so the database holds a fixed outer
bound instead.
"""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# The database's fixed outer bounds on years; the validator narrows them to
# FIRST_REGISTRATION_YEAR .. next year.
DB_FIRST_YEAR = 2010
DB_LAST_YEAR = 2100
# Dates: a model may continue work begun long before the movement, but not before the state's
# founding; nothing is planned more than five years ahead.
FIRST_DATE = datetime.date(1945, 1, 1)
DB_LAST_DATE = datetime.date(2100, 12, 31)
YEARS_AHEAD = 5

# Figures of one registration. Each is far above any real model yet small enough that a
# province's sums stay exact: PostgreSQL sums bigint as numeric, and SQLite's 64-bit sum
# overflows only after about 9,000 rows all at the money bound.
PEOPLE = 100_000_000  # more than the country's population
# 10^15 đồng (a million billion, about a tenth of the country's yearly GDP): no commune's model
# mobilises that much, so a larger figure is a typing slip or an attack, never a real result.
MONEY = 10**15
LAND_M2 = 10_000_000_000  # 10,000 km², about the largest province
WORK_DAYS = 1_000_000_000  # ten days from every person of the PEOPLE bound
HOUSEHOLDS = 30_000_000  # the country has about 27 million households
VOTES = 100_000  # people at one commendation meeting

LONG_TEXT = 10_000  # a page or three: situation, content, results, justification…
SHORT_TEXT = 2_000  # a reason, a note, a review's remarks


def validate_year(year):
    """The one rule for a registration's, a round's, a closure's or an import row's year."""
    first = settings.FIRST_REGISTRATION_YEAR
    last = datetime.date.today().year + 1
    if year is not None and not first <= year <= last:
        raise ValidationError(
            _("Năm phải từ %(first)s đến %(last)s."), params={"first": first, "last": last}, code="year_range"
        )


def validate_date(value):
    last = datetime.date(datetime.date.today().year + YEARS_AHEAD, 12, 31)
    if value is not None and not FIRST_DATE <= value <= last:
        raise ValidationError(
            _("Ngày phải từ %(first)s đến %(last)s."),
            params={"first": FIRST_DATE.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")},
            code="date_range",
        )


@deconstructible
class AtMost:
    """A figure's upper bound, with the limit written the Vietnamese way (100.000.000)."""

    def __init__(self, limit):
        self.limit = limit

    def __call__(self, value):
        if value is not None and value > self.limit:
            raise ValidationError(
                _("Con số quá lớn: tối đa %(limit)s."), params={"limit": number_format(self.limit, force_grouping=True)},
                code="max_value",
            )

    def __eq__(self, other):
        return isinstance(other, AtMost) and other.limit == self.limit


def figure(verbose_name, limit, **kwargs):
    return models.PositiveBigIntegerField(verbose_name, default=0, validators=[AtMost(limit)], **kwargs)


def long_text(verbose_name, limit=LONG_TEXT, **kwargs):
    """A TextField whose form caps the typing (maxlength) and whose full_clean refuses more."""
    return models.TextField(verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], **kwargs)


def date_field(verbose_name, **kwargs):
    return models.DateField(verbose_name, validators=[validate_date], **kwargs)


def year_field(verbose_name, **kwargs):
    return models.PositiveSmallIntegerField(verbose_name, validators=[validate_year], **kwargs)


# CHECK constraints ----------------------------------------------------------------------------
# Their names end in BOUND_SUFFIX: full_clean leaves them to the field validators and clean(),
# which say the same with a message beside the field, instead of asking the database once each.
BOUND_SUFFIX = "_bounded"


def figure_checks(prefix, limits):
    return [
        models.CheckConstraint(condition=Q(**{f"{name}__lte": limit}), name=f"{prefix}_{name}{BOUND_SUFFIX}")
        for name, limit in limits.items()
    ]


def length_checks(prefix, limits):
    return [
        models.CheckConstraint(condition=LessThanOrEqual(Length(name), limit), name=f"{prefix}_{name}_len{BOUND_SUFFIX}")
        for name, limit in limits.items()
    ]


def date_checks(prefix, names, nullable=True):
    checks = []
    for name in names:
        inside = Q(**{f"{name}__gte": FIRST_DATE, f"{name}__lte": DB_LAST_DATE})
        if nullable:
            inside |= Q(**{f"{name}__isnull": True})
        checks.append(models.CheckConstraint(condition=inside, name=f"{prefix}_{name}{BOUND_SUFFIX}"))
    return checks


def year_checks(prefix, names):
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__gte": DB_FIRST_YEAR, f"{name}__lte": DB_LAST_YEAR}), name=f"{prefix}_{name}{BOUND_SUFFIX}"
        )
        for name in names
    ]


def ordered_dates_check(prefix, first, then):
    return models.CheckConstraint(
        condition=Q(**{f"{then}__gte": F(first)}) | Q(**{f"{first}__isnull": True}) | Q(**{f"{then}__isnull": True}),
        name=f"{prefix}_{then}_after_{first}{BOUND_SUFFIX}",
    )


class BoundsInPython:
    """Mixin for models with bound constraints: full_clean checks them through the validators."""

    def get_constraints(self):
        return [
            (model, [c for c in constraints if not c.name.endswith(BOUND_SUFFIX)])
            for model, constraints in super().get_constraints()
        ]
