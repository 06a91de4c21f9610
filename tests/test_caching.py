import pytest
from django.core.cache import cache

from models_registry.models import Status
from tests.factories import make_commune, make_province, make_registration, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_pages(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unit(db):
    return make_unit(make_commune(make_province()))


def test_anonymous_visitors_get_a_cached_copy_of_the_list(cached_pages, client, unit):
    make_registration(unit, name="Tủ sách cộng đồng", status=Status.ACCEPTED)
    client.get("/mo-hinh/")
    make_registration(unit, name="Thắp sáng đường quê", status=Status.ACCEPTED)
    assert "Thắp sáng đường quê" not in client.get("/mo-hinh/").content.decode()


def test_signed_in_users_always_get_a_fresh_list(cached_pages, client, unit):
    client.force_login(make_user())
    make_registration(unit, name="Tủ sách cộng đồng", status=Status.ACCEPTED)
    client.get("/mo-hinh/")
    make_registration(unit, name="Thắp sáng đường quê", status=Status.ACCEPTED)
    assert "Thắp sáng đường quê" in client.get("/mo-hinh/").content.decode()


def test_public_pages_set_no_cookie_for_anonymous_visitors(cached_pages, client, unit):
    registration = make_registration(unit, status=Status.ACCEPTED)
    for url in ("/", "/mo-hinh/", f"/mo-hinh/{registration.pk}/", "/thong-ke/"):
        assert client.get(url).cookies == {}, url


def test_language_link_remembers_the_choice_and_returns(client):
    response = client.get("/ngon-ngu/en/?next=/mo-hinh/")
    assert response.status_code == 302
    assert response["Location"] == "/mo-hinh/"
    assert response.cookies["django_language"].value == "en"


def test_language_link_refuses_to_send_visitors_elsewhere(client):
    response = client.get("/ngon-ngu/en/?next=https://example.com/")
    assert response["Location"] == "/"


def test_unknown_language_answers_404(client):
    assert client.get("/ngon-ngu/fr/").status_code == 404
