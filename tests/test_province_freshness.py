"""A change in one province leaves the cached reports and public pages of the others alone."""
import datetime

import pytest
from django.core.cache import cache

from models_registry.freshness import copy_key, data_version
from models_registry.models import (
    CriteriaSet,
    Criterion,
    CriterionAssessment,
    Registration,
    Review,
    ReviewKind,
    Status,
)
from tests.factories import make_commune, make_leader, make_plan, make_province, make_registration, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_provinces():
    first, second = make_province(), make_province()
    return {
        province.pk: make_unit(make_commune(province)) for province in (first, second)
    } | {"first": first, "second": second}


def test_a_registration_accepted_in_one_province_leaves_the_other_provinces_version(two_provinces):
    first, second = two_provinces["first"], two_provinces["second"]
    registration = make_registration(two_provinces[first.pk], status=Status.SUBMITTED)
    before = data_version(first.pk), data_version(second.pk), data_version()
    Registration.objects.filter(pk=registration.pk).update(status=Status.ACCEPTED)  # the workflow's UPDATE
    assert data_version(second.pk) == before[1]
    assert data_version(first.pk) != before[0]
    assert data_version() != before[2]  # the whole country's copies change


def test_a_saved_edit_in_one_province_keeps_the_other_provinces_copy_keys(two_provinces):
    first, second = two_provinces["first"], two_provinces["second"]
    registration = make_registration(two_provinces[first.pk], status=Status.ACCEPTED)
    key_second, key_first = copy_key("bao-cao", "x", province=second.pk), copy_key("bao-cao", "x", province=first.pk)
    registration.participants = 12
    registration.save()
    assert copy_key("bao-cao", "x", province=second.pk) == key_second
    assert copy_key("bao-cao", "x", province=first.pk) != key_first


def test_a_registration_moved_between_provinces_changes_both(two_provinces):
    first, second = two_provinces["first"], two_provinces["second"]
    registration = make_registration(two_provinces[first.pk], status=Status.ACCEPTED)
    registration = Registration.objects.get(pk=registration.pk)
    before = data_version(first.pk), data_version(second.pk)
    registration.unit = two_provinces[second.pk]
    registration.area = registration.unit.area
    registration.save()
    assert data_version(first.pk) != before[0] and data_version(second.pk) != before[1]


def test_a_change_of_no_known_province_changes_every_copy(two_provinces):
    first = two_provinces["first"]
    before = data_version(first.pk)
    first.name = "Tỉnh đổi tên"
    first.save()
    assert data_version(first.pk) != before


def test_a_province_report_stays_cached_while_another_province_changes(two_provinces, client, settings):
    settings.REPORT_CACHE_SECONDS = 300
    cache.clear()
    first, second = two_provinces["first"], two_provinces["second"]
    make_registration(two_provinces[second.pk], year=2026, status=Status.ACCEPTED)
    client.force_login(make_leader(second))
    assert client.get("/bao-cao/?nam=2026").status_code == 200
    other = make_registration(two_provinces[first.pk], year=2026, status=Status.SUBMITTED)
    Registration.objects.filter(pk=other.pk).update(status=Status.ACCEPTED)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("models_registry.services.reports.build_report", _not_rebuilt)
        assert client.get("/bao-cao/?nam=2026").status_code == 200


def test_a_public_statistics_page_of_a_province_stays_cached_while_another_province_changes(two_provinces, client,
                                                                                              settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    settings.REPORT_CACHE_SECONDS = 0
    cache.clear()
    first, second = two_provinces["first"], two_provinces["second"]
    make_registration(two_provinces[second.pk], year=2026, status=Status.ACCEPTED)
    url = f"/thong-ke/?dia-ban={second.code}&nam=2026"
    assert client.get(url).status_code == 200
    other = make_registration(two_provinces[first.pk], year=2026, status=Status.SUBMITTED)
    Registration.objects.filter(pk=other.pk).update(status=Status.ACCEPTED)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("models_registry.services.reports.build_report", _not_rebuilt)
        assert client.get(url).status_code == 200
    Registration.objects.filter(unit=two_provinces[second.pk]).update(participants=5)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("models_registry.services.reports.build_report", _not_rebuilt)
        with pytest.raises(AssertionError, match="rebuilt"):
            client.get(url)


def _not_rebuilt(*args, **kwargs):
    raise AssertionError("the copy was rebuilt")


def test_a_private_draft_saved_moves_only_the_drafts_version_of_its_province(two_provinces):
    first, second = two_provinces["first"], two_provinces["second"]
    before = data_version(first.pk, drafts=True), data_version(second.pk, drafts=True), data_version()
    make_registration(two_provinces[first.pk])  # a unit's new draft
    after = data_version(first.pk, drafts=True)
    assert after[:2] == before[0][:2] and after[2] != before[0][2]  # the reports' versions stay
    assert data_version(second.pk, drafts=True) == before[1] and data_version() == before[2]


def test_a_change_that_reports_show_also_drops_the_copies_that_show_drafts(two_provinces):
    first = two_provinces["first"]
    registration = make_registration(two_provinces[first.pk], status=Status.SUBMITTED)
    before = data_version(first.pk, drafts=True)
    Registration.objects.filter(pk=registration.pk).update(status=Status.ACCEPTED)
    assert data_version(first.pk, drafts=True) != before


@pytest.mark.parametrize("record", ["assessment", "review", "plan"])
def test_the_workspaces_own_records_move_the_version_of_their_province_only(two_provinces, record):
    first, second = two_provinces["first"], two_provinces["second"]
    registration = make_registration(two_provinces[first.pk], status=Status.ACCEPTED)
    criteria_set = CriteriaSet.objects.create(unit_kind=registration.unit_kind, name="Bộ tiêu chí", year_from=2020)
    criterion = Criterion.objects.create(criteria_set=criteria_set, order=1, title="Được nhân dân hưởng ứng")
    before = data_version(first.pk), data_version(second.pk)
    if record == "assessment":
        CriterionAssessment.objects.create(registration=registration, criterion=criterion, met=True)
    elif record == "review":
        Review.objects.create(registration=registration, kind=ReviewKind.MID_YEAR, review_date=datetime.date(2025, 6, 1))
    else:
        make_plan(first, 2025, registration_closes=datetime.date(2025, 3, 31))
    assert data_version(first.pk) != before[0] and data_version(second.pk) == before[1]
