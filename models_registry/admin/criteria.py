from django.contrib import admin

from ..models import CriteriaSet, Criterion, CriterionAssessment
from .base import PortalAdmin


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(PortalAdmin):
    list_display = ["name", "unit_kind", "year_from", "year_to"]
    list_filter = ["unit_kind"]
    list_select_related = ["unit_kind__parent"]
    search_fields = ["name"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(PortalAdmin):
    list_display = ["title", "criteria_set", "order", "applies_to"]
    list_filter = ["criteria_set__unit_kind"]
    list_select_related = ["criteria_set"]
    search_fields = ["title", "description"]


@admin.register(CriterionAssessment)
class CriterionAssessmentAdmin(PortalAdmin):
    list_display = ["registration", "criterion", "met", "assessed_by", "assessed_at"]
    list_filter = ["met", "registration__year"]
    list_select_related = ["registration", "criterion", "assessed_by"]
    search_fields = ["registration__name", "criterion__title"]
    autocomplete_fields = ["registration", "criterion", "evidence"]
    date_hierarchy = "assessed_at"
