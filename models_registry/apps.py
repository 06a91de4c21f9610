from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the portal's site (models_registry/admin_site.py)."""

    default = False  # named in INSTALLED_APPS; "models_registry" itself stays ModelsRegistryConfig
    default_site = "models_registry.admin_site.PortalAdminSite"


class ModelsRegistryConfig(AppConfig):
    name = "models_registry"
    verbose_name = "Dân vận khéo"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from . import (  # noqa: F401  (signin: its sign-in receiver)
            award_summary_triggers,
            freshness,
            memory,
            placement_triggers,
            signin,
            summary_triggers,
        )
        from .models import (
            AdminArea,
            AreaSuccessor,
            Attachment,
            Commendation,
            CommendationForm,
            CriteriaSet,
            Criterion,
            CriterionAssessment,
            Proposal,
            Registration,
            Review,
            Unit,
            UnitKind,
            YearPlan,
        )

        # Everything the reports, the public pages and the cached parts of the workspace (the
        # queue's criteria, the plan's timeliness) show figures or text from.
        in_registration = "registration__area__current_province"
        freshness.watch(
            AdminArea, AreaSuccessor, Attachment, Commendation, CommendationForm, CriteriaSet, Criterion,
            CriterionAssessment, Proposal, Registration, Review, Unit, UnitKind, YearPlan,
            provinces={Registration: "area__current_province", Unit: "area__current_province",
                       Attachment: in_registration, Commendation: in_registration, Proposal: in_registration,
                       CriterionAssessment: in_registration, Review: in_registration,
                       YearPlan: "area__current_province"},
        )
        # Each set of triggers: dropped before a migrate on SQLite, checked (and put back) after it.
        for triggers in (summary_triggers, award_summary_triggers, placement_triggers):
            pre_migrate.connect(triggers.drop_before_migrate, sender=self, dispatch_uid=triggers.__name__)
            post_migrate.connect(triggers.ensure_installed, sender=self, dispatch_uid=triggers.__name__)
        memory.install()
