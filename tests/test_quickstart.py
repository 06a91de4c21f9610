import pytest
from django.core.management import CommandError, call_command

from models_registry.demo import DEMO_PASSWORD, create_demo_data
from models_registry.models import (
    Commendation,
    ExemplarKind,
    Field,
    Level,
    Registration,
    Status,
    Unit,
    UnitKind,
    User,
)


@pytest.fixture(scope="module")
def demo(demo_data):
    return demo_data


pytestmark = pytest.mark.django_db


def test_demo_has_a_few_hundred_registrations_over_2019_to_now(demo):
    assert 200 <= demo == Registration.objects.count() <= 800
    assert Registration.objects.order_by("year").first().year == 2019


def test_demo_covers_every_field_level_status_and_exemplar_kind(demo):
    assert set(Registration.objects.values_list("field", flat=True)) == set(Field.values)
    assert set(Registration.objects.values_list("level", flat=True)) == set(Level.values)
    assert set(Registration.objects.values_list("exemplar_kind", flat=True)) == set(ExemplarKind.values)
    assert set(Registration.objects.values_list("status", flat=True)) == set(Status.values)


def test_demo_has_units_of_every_kind(demo):
    used = set(Unit.objects.values_list("kind__code", flat=True))
    assert used == set(UnitKind.objects.values_list("code", flat=True)) - {"luc-luong-vu-trang"}


def test_demo_has_continued_replicated_and_commended_models(demo):
    assert Registration.objects.filter(continues__isnull=False, is_new=False).exists()
    assert Registration.objects.filter(replicates__isnull=False).exists()
    assert Commendation.objects.count() == Registration.objects.filter(status=Status.COMMENDED).count() > 0


def test_demo_years_before_the_reform_sit_in_old_areas(demo):
    assert not Registration.objects.filter(year__lte=2025, area__structure="moi", unit__level="grassroots").exists()
    assert not Registration.objects.filter(year__gte=2026, area__structure="cu").exists()


def test_demo_accounts_log_in_with_the_demo_password(demo, client):
    for username in ("admin", "canbo.tinh", "canbo.xa", "lanhdao", "donvi.a", "donvi.b"):
        assert client.login(username=username, password=DEMO_PASSWORD), username


def test_demo_units_of_the_two_unit_accounts_are_in_different_communes(demo):
    a, b = User.objects.get(username="donvi.a"), User.objects.get(username="donvi.b")
    assert a.unit.area_id != b.unit.area_id


def test_loading_demo_data_twice_adds_nothing(demo):
    before = (Registration.objects.count(), Unit.objects.count(), User.objects.count())
    assert create_demo_data() is False
    assert (Registration.objects.count(), Unit.objects.count(), User.objects.count()) == before


def test_quickstart_twice_without_server_adds_nothing(demo, capsys, settings):
    settings.DEBUG = True
    before = (Registration.objects.count(), Unit.objects.count())
    call_command("quickstart", "--no-server")
    out = capsys.readouterr().out
    assert "canbo.tinh" in out and DEMO_PASSWORD in out
    assert (Registration.objects.count(), Unit.objects.count()) == before


def test_quickstart_prints_each_account_with_the_unit_and_area_it_really_has(demo, capsys, settings):
    settings.DEBUG = True
    call_command("quickstart", "--no-server")
    out = capsys.readouterr().out
    for username in ("donvi.a", "donvi.b"):
        unit = User.objects.get(username=username).unit
        assert f"{unit.name} — {unit.area}" in out
    assert f"— {User.objects.get(username='canbo.xa').area}" in out


def test_demo_has_a_commendation_round_with_proposals_in_each_state(demo):
    from models_registry.models import CommendationRound, ProposalStatus

    commendation_round = CommendationRound.objects.get()
    states = set(commendation_round.proposals.values_list("status", flat=True))
    assert states == set(ProposalStatus.values)
    accepted = commendation_round.proposals.get(status=ProposalStatus.ACCEPTED)
    assert accepted.registration.status == Status.COMMENDED


def test_demo_offers_level_district_only_before_the_reform(demo):
    assert not Registration.objects.filter(level=Level.DISTRICT, year__gt=2025).exists()


def test_quickstart_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("quickstart", "--no-server")


def test_every_demo_row_is_within_the_portals_bounds(demo):
    # The validators and CHECK constraints of models/validators.py hold for the demo as typed.
    for registration in Registration.objects.all():
        registration.full_clean()
    for commendation in Commendation.objects.all():
        commendation.full_clean()


def test_demo_has_this_years_plan_and_a_history_dated_through_the_year(demo):
    import datetime

    from models_registry.models import User
    from models_registry.services import plans

    year = datetime.date.today().year
    staff = User.objects.get(username="canbo.tinh")
    registered = plans.timeliness_total(staff, staff.area, year).counts[plans.REGISTERED]
    assert plans.effective_plan(staff.area, year).date("registration_closes") == datetime.date(year, 3, 31)
    assert registered[plans.ON_TIME] > 0 and registered[plans.NOT_YET] > 0
