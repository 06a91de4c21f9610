"""Data steps that let existing rows meet the bound and uniqueness constraints of migration 0010.

Values the portal used to accept but now refuses are brought inside the bounds the smallest way:
figures and texts are capped, dates out of range are cleared (or, where a date is required,
moved to the nearest bound), registration names are tidied, and a name that now clashes with
another of the same unit and year gets " (2)", " (3)"… A commendation recorded twice for the
same decision (the double-submit bug) keeps its first row.
"""
import datetime
import unicodedata

from django.db.models import Count, F, Q
from django.db.models.functions import Least, Length, Substr

INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
FIRST_DATE, LAST_DATE = datetime.date(1945, 1, 1), datetime.date(2100, 12, 31)
FIGURES = {"participants": 10**8, "beneficiaries": 10**8, "money_mobilised": 10**15, "land_donated_m2": 10**10,
           "work_days": 10**9, "houses": 30_000_000, "households_out_of_poverty": 30_000_000}
REGISTRATION_TEXTS = {**dict.fromkeys(("situation", "objectives", "content", "resources", "milestones",
                                       "expected_results", "sustainability", "success_indicators", "results"), 10_000),
                      "name": 255, "person_name": 120, "person_position": 160, "target_group": 255, "target_area": 255,
                      "lead_force": 255, "partners": 255, "return_reason": 2_000}
BATCH = 2_000


def single_line(value):
    return " ".join(unicodedata.normalize("NFC", value or "").translate(INVISIBLE).split())


def cap_texts(model, limits):
    for name, limit in limits.items():
        model.objects.annotate(_length=Length(name)).filter(_length__gt=limit).update(**{name: Substr(name, 1, limit)})


def clamp_dates(model, names, nullable):
    for name in names:
        if nullable:
            model.objects.filter(Q(**{f"{name}__lt": FIRST_DATE}) | Q(**{f"{name}__gt": LAST_DATE})).update(**{name: None})
        else:
            model.objects.filter(**{f"{name}__lt": FIRST_DATE}).update(**{name: FIRST_DATE})
            model.objects.filter(**{f"{name}__gt": LAST_DATE}).update(**{name: LAST_DATE})


def fill_registration_keys(Registration):
    taken = set()
    changed = []
    rows = Registration.objects.order_by("pk").only("pk", "unit_id", "year", "name", "person_name", "name_key")
    for registration in rows.iterator(chunk_size=BATCH):
        name = single_line(registration.name) or "Mô hình chưa đặt tên"
        base, n = name, 1
        while (registration.unit_id, registration.year, name.casefold()) in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: 255 - len(suffix)] + suffix
        taken.add((registration.unit_id, registration.year, name.casefold()))
        registration.name, registration.name_key = name, name.casefold()
        registration.person_name = single_line(registration.person_name)
        changed.append(registration)
        if len(changed) >= BATCH:
            Registration.objects.bulk_update(changed, ["name", "name_key", "person_name"])
            changed = []
    Registration.objects.bulk_update(changed, ["name", "name_key", "person_name"])


def fill_commendation_keys(Commendation):
    changed = []
    for commendation in Commendation.objects.only("pk", "decision_number").iterator(chunk_size=BATCH):
        commendation.decision_key = single_line(commendation.decision_number).casefold().replace(" ", "") or str(commendation.pk)
        changed.append(commendation)
        if len(changed) >= BATCH:
            Commendation.objects.bulk_update(changed, ["decision_key"])
            changed = []
    Commendation.objects.bulk_update(changed, ["decision_key"])
    twice = (Commendation.objects.values("registration_id", "form_id", "decision_key")
             .annotate(n=Count("pk")).filter(n__gt=1))
    for group in twice:
        copies = Commendation.objects.filter(
            registration_id=group["registration_id"], form_id=group["form_id"], decision_key=group["decision_key"]
        ).order_by("pk")
        Commendation.objects.filter(pk__in=list(copies.values_list("pk", flat=True)[1:])).delete()


def bring_within_bounds(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Checks of deferred foreign keys fire now, so no trigger event is pending at the ALTER TABLEs after this.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Registration = apps.get_model("models_registry", "Registration")
    for name, limit in FIGURES.items():
        Registration.objects.filter(**{f"{name}__gt": limit}).update(**{name: limit})
    cap_texts(Registration, REGISTRATION_TEXTS)
    clamp_dates(Registration, ["start_date", "evaluation_date"], nullable=True)
    Registration.objects.filter(evaluation_date__lt=F("start_date")).update(evaluation_date=None)
    fill_registration_keys(Registration)

    Round = apps.get_model("models_registry", "CommendationRound")
    for name in ("year_from", "year_to"):
        Round.objects.filter(**{f"{name}__lt": 2010}).update(**{name: 2010})
        Round.objects.filter(**{f"{name}__gt": 2100}).update(**{name: 2100})
    clamp_dates(Round, ["opens_on", "closes_on"], nullable=False)
    cap_texts(Round, {"name": 200})

    Proposal = apps.get_model("models_registry", "Proposal")
    Proposal.objects.filter(votes_present__gt=100_000).update(
        votes_present=100_000, votes_for=Least(F("votes_for"), 100_000), votes_against=0
    )
    cap_texts(Proposal, {"justification": 10_000, "reason_without_exemplary": 2_000, "decision_note": 2_000})
    clamp_dates(Proposal, ["vote_date"], nullable=True)

    Commendation = apps.get_model("models_registry", "Commendation")
    clamp_dates(Commendation, ["decision_date"], nullable=False)
    cap_texts(Commendation, {"recipient_name": 255, "authority": 255, "decision_number": 60})
    fill_commendation_keys(Commendation)

    Review = apps.get_model("models_registry", "Review")
    clamp_dates(Review, ["review_date"], nullable=False)
    cap_texts(Review, {"summary": 10_000})
    cap_texts(apps.get_model("models_registry", "CriterionAssessment"), {"note": 2_000})
