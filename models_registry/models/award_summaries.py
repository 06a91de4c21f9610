"""Exact running totals of the commendations and proposals, which the reports read instead of
joining them to the registrations.

Like the registration summaries (summaries.py), each cell is keyed by the registration's area, year
and status, and each registration counts in its commune and in every area containing it, so the
reports narrow these cells exactly as they narrow the area summary. Database triggers
(award_summary_triggers.py) keep both tables equal to a fresh count after every statement that
writes a commendation, a proposal, a round, a registration or an area. A cell whose count falls to
zero is deleted. Nothing in Python writes these tables.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Level
from .commendations import CommendationForm, ProposalStatus
from .summaries import AreaSummaryQuerySet, _area, _status


class CommendationSummary(models.Model):
    """Active (not revoked) commendations counted by the registration's area, year and status,
    and by form and level."""

    area = _area()
    year = models.PositiveSmallIntegerField(_("năm"))
    status = _status()
    form = models.ForeignKey(CommendationForm, models.DO_NOTHING, db_constraint=False, related_name="+",
                             verbose_name=_("hình thức"))
    level = models.CharField(_("cấp khen"), max_length=12, choices=Level.choices)
    commendations = models.IntegerField(_("số khen thưởng"))

    objects = AreaSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổng hợp khen thưởng theo địa bàn")
        verbose_name_plural = _("tổng hợp khen thưởng theo địa bàn")
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "status", "form", "level"], name="commendation_summary_cell"),
        ]

    def __str__(self):
        return f"{self.area_id} {self.year} {self.form_id} {self.level}: {self.commendations}"


class ProposalSummary(models.Model):
    """Proposals counted by the registration's area, year and status, and by the round's level and
    the proposal's status."""

    area = _area()
    year = models.PositiveSmallIntegerField(_("năm"))
    status = _status()
    level = models.CharField(_("cấp xét"), max_length=12, choices=Level.choices)
    proposal_status = models.CharField(_("trạng thái đề nghị"), max_length=10, choices=ProposalStatus.choices)
    proposals = models.IntegerField(_("số đề nghị"))

    objects = AreaSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("tổng hợp đề nghị khen thưởng theo địa bàn")
        verbose_name_plural = _("tổng hợp đề nghị khen thưởng theo địa bàn")
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "status", "level", "proposal_status"],
                                    name="proposal_summary_cell"),
        ]

    def __str__(self):
        return f"{self.area_id} {self.year} {self.level} {self.proposal_status}: {self.proposals}"
