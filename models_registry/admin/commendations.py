from django.contrib import admin

from ..models import Commendation, CommendationForm, CommendationRound, Proposal
from .base import PortalAdmin


@admin.register(CommendationForm)
class CommendationFormAdmin(PortalAdmin):
    list_display = ["name", "code", "issuing_levels", "order", "prerequisite_form", "prerequisite_count"]
    search_fields = ["name", "code"]


@admin.register(CommendationRound)
class CommendationRoundAdmin(PortalAdmin):
    list_display = ["name", "area", "level", "year_from", "year_to", "opens_on", "closes_on"]
    list_filter = ["level", "year_to"]
    list_select_related = ["area"]
    search_fields = ["name", "area__name"]
    autocomplete_fields = ["area"]
    date_hierarchy = "opens_on"


@admin.register(Proposal)
class ProposalAdmin(PortalAdmin):
    list_display = ["registration", "round", "proposing_area", "status", "votes_for", "votes_present", "proposed_at"]
    list_filter = ["status", "round__level", "round__year_to"]
    list_select_related = ["registration", "round", "proposing_area"]
    search_fields = ["registration__name", "round__name"]
    autocomplete_fields = ["registration", "round", "proposing_area"]
    date_hierarchy = "proposed_at"


@admin.register(Commendation)
class CommendationAdmin(PortalAdmin):
    list_display = ["registration", "form", "level", "decision_number", "decision_date", "authority",
                    "revoking_decision_number"]
    list_filter = ["level", "form", "revocation_ground"]
    # Revocation goes through the staff page, which records it in the model's history.
    readonly_fields = ["verification_code", "revoked_at", "revocation_ground", "revoking_decision_number",
                       "revoking_decision_date", "revoked_by"]
    list_select_related = ["registration", "form"]
    search_fields = ["registration__name", "decision_number", "recipient_name", "authority"]
    autocomplete_fields = ["registration", "proposal"]
    date_hierarchy = "decision_date"
