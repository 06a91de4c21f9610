from unittest import mock

import pytest
from django.db import DatabaseError


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_database_fails(client):
    with mock.patch("models_registry.views.health.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_answers_a_probe_by_address_without_the_sites_host_name(client, settings):
    settings.ALLOWED_HOSTS = ["danvan.tinh.gov.vn"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_other_pages_still_refuse_an_unknown_host_name(client, settings):
    settings.ALLOWED_HOSTS = ["danvan.tinh.gov.vn"]
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400
