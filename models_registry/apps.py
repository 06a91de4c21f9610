from django.apps import AppConfig


class ModelsRegistryConfig(AppConfig):
    name = "models_registry"
    verbose_name = "Dân vận khéo"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import freshness, signin  # noqa: F401  (signin: its sign-in receiver)
        from .models import (
            AdminArea,
            AreaSuccessor,
            Attachment,
            Commendation,
            CommendationForm,
            Proposal,
            Registration,
            Unit,
            UnitKind,
        )

        # Everything the reports and the public pages show figures or text from.
        freshness.watch(
            AdminArea, AreaSuccessor, Attachment, Commendation, CommendationForm, Proposal, Registration, Unit, UnitKind,
        )
