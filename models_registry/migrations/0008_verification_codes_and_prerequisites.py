import secrets

from django.db import migrations, models

import models_registry.models.commendations


def fill(apps, schema_editor):
    Commendation = apps.get_model("models_registry", "Commendation")
    for commendation in Commendation.objects.filter(verification_code__isnull=True).only("pk"):
        commendation.verification_code = secrets.token_urlsafe(16)
        commendation.save(update_fields=["verification_code"])
    # The usual path: a Bằng khen of the province after two Giấy khen.
    CommendationForm = apps.get_model("models_registry", "CommendationForm")
    giay_khen = CommendationForm.objects.filter(code="giay-khen").first()
    if giay_khen is not None:
        CommendationForm.objects.filter(code="bang-khen", prerequisite_form=None).update(
            prerequisite_form=giay_khen, prerequisite_count=2
        )


class Migration(migrations.Migration):

    dependencies = [
        ("models_registry", "0007_certificates_signers_revocation"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="commendation",
            name="verification_code",
            field=models.CharField(
                default=models_registry.models.commendations.new_verification_code, editable=False, max_length=32,
                unique=True, verbose_name="mã xác thực",
            ),
        ),
    ]
