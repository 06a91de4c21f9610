"""The report pages read the summaries only: no query touches the registrations or their
history but a short list of named models (LIMIT), and the number of queries does not grow with
the registrations."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from models_registry.models import Status
from tests.factories import make_leader, make_registration, make_report_fixture, make_staff, make_unit

pytestmark = pytest.mark.django_db

# Quoted, so the summary tables ("…_registrationsummary") do not match.
REGISTRATION_TABLES = re.compile(r'"models_registry_registration(event)?"')
NAMED_MODELS = re.compile(r"LIMIT \d+")
PAGES = [
    ("leader", "/bao-cao/?nam=2026"),
    ("leader", "/bao-cao/?nam=2025"),
    ("leader", "/bao-cao/?tu-nam=2021&den-nam=2026"),
    ("leader", "/bao-cao/?dia-ban=86001&nam=2026"),
    ("leader", "/bao-cao/xuat.xlsx?nam=2026"),
    ("leader", "/bao-cao/xuat.csv?nam=2026"),
    ("leader", "/bao-cao/xuat.docx?nam=2026"),
    ("staff", "/bao-cao/?nam=2026"),
    ("visitor", "/thong-ke/?nam=2026"),
    ("visitor", "/thong-ke/?tinh=86&nam=2026"),
]


@pytest.fixture
def data(settings):
    # Every page built, not served from a kept copy.
    settings.REPORT_CACHE_SECONDS = 0
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    return make_report_fixture()


def client_for(client, role, data):
    if role == "leader":
        client.force_login(make_leader(data.p))
    elif role == "staff":
        client.force_login(make_staff(data.p))
    return client


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("role,url", PAGES)
def test_a_report_page_reads_no_registration_row(client, data, role, url):
    reading = [sql for sql in queries_of(client_for(client, role, data), url)
               if REGISTRATION_TABLES.search(sql) and not NAMED_MODELS.search(sql)]
    assert reading == []


@pytest.mark.parametrize("role,url", PAGES)
def test_a_report_page_makes_as_many_queries_with_three_times_the_registrations(client, data, role, url):
    client = client_for(client, role, data)
    queries_of(client, url)  # the per-user counts kept in the cache (unread notifications) are read once
    before = len(queries_of(client, url))
    for n, unit in enumerate([data.u1, data.u2, data.u3, data.u5] * 5):
        make_registration(unit, 2026, f"Thêm {n}", Status.ACCEPTED, continues=data.r10 if n % 2 else None)
        make_registration(unit, 2025, f"Năm trước {n}", Status.COMPLETED)
    make_unit(data.c2, data.k1, code="U9", name="Chi bộ mới")
    assert len(queries_of(client, url)) == before
