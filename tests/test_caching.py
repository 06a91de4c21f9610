import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore

from models_registry.models import Registration, Status
from models_registry.views import public
from tests.factories import make_commune, make_province, make_registration, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_pages(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def unit(db):
    return make_unit(make_commune(make_province()))


def test_anonymous_visitors_get_the_list_from_the_cache_while_nothing_changes(
    cached_pages, client, unit, django_assert_num_queries
):
    make_registration(unit, name="Tủ sách cộng đồng", status=Status.ACCEPTED)
    client.get("/mo-hinh/")
    with django_assert_num_queries(0):
        assert "Tủ sách cộng đồng" in client.get("/mo-hinh/").content.decode()


def test_a_later_page_of_the_list_is_kept_under_its_cursor(cached_pages, client, unit, django_assert_num_queries):
    for n in range(15):
        make_registration(unit, name=f"Mô hình {n}", status=Status.ACCEPTED)
    cursor = client.get("/mo-hinh/").context["page"].next_cursor
    client.get("/mo-hinh/", {"sau": cursor})
    with django_assert_num_queries(0):
        html = client.get("/mo-hinh/", {"sau": cursor}).content.decode()
    assert "Mô hình 2" in html and "Mô hình 14" not in html


def test_a_cursor_the_site_did_not_sign_adds_no_copy(cached_pages, client, unit):
    from django.core.cache import cache

    client.get("/mo-hinh/")
    kept = len(cache._cache)
    assert client.get("/mo-hinh/", {"sau": "WyJzYXUiLDJd.bien-doi"}).status_code == 200
    assert len(cache._cache) == kept


def test_anonymous_visitors_see_a_newly_published_model_at_once(cached_pages, client, unit):
    make_registration(unit, name="Tủ sách cộng đồng", status=Status.ACCEPTED)
    client.get("/mo-hinh/")
    make_registration(unit, name="Thắp sáng đường quê", status=Status.ACCEPTED)
    assert "Thắp sáng đường quê" in client.get("/mo-hinh/").content.decode()


def test_anonymous_visitors_no_longer_see_a_withdrawn_model(cached_pages, client, unit):
    registration = make_registration(unit, name="Tủ sách cộng đồng", status=Status.ACCEPTED)
    assert client.get(f"/mo-hinh/{registration.pk}/").status_code == 200
    Registration.objects.filter(pk=registration.pk).update(status=Status.WITHDRAWN)
    assert client.get(f"/mo-hinh/{registration.pk}/").status_code == 404


def test_signed_in_users_always_get_a_fresh_list(cached_pages, client, unit):
    client.force_login(make_user())
    make_registration(unit, name="Tủ sách cộng đồng", status=Status.ACCEPTED)
    client.get("/mo-hinh/")
    make_registration(unit, name="Thắp sáng đường quê", status=Status.ACCEPTED)
    assert "Thắp sáng đường quê" in client.get("/mo-hinh/").content.decode()


def test_a_signed_in_user_gets_the_cached_page_with_their_own_menu(cached_pages, client, unit):
    make_registration(unit, name="Tủ sách cộng đồng", status=Status.ACCEPTED)
    client.force_login(make_user(username="nguoi.truoc", first_name="Lan", last_name="Trần"))
    client.get("/mo-hinh/")
    client.force_login(make_user(username="nguoi.sau", first_name="Bình", last_name="Lê"))
    page = client.get("/mo-hinh/").content.decode()
    assert "Tủ sách cộng đồng" in page
    assert "Bình Lê" in page and "Trần" not in page
    assert page.count('name="csrfmiddlewaretoken"') == 1


def test_a_signed_in_user_reads_the_cached_page_with_only_their_session_queries(
    cached_pages, client, unit, django_assert_max_num_queries
):
    make_registration(unit, status=Status.ACCEPTED)
    client.force_login(make_user())
    client.get("/mo-hinh/")
    # The session, the user, and the count of unread notifications in the user's own menu.
    with django_assert_max_num_queries(3):
        assert client.get("/mo-hinh/").status_code == 200


def test_a_message_waiting_for_a_signed_in_user_shows_on_a_cached_page(cached_pages, rf, unit):
    make_registration(unit, name="Tủ sách cộng đồng", status=Status.ACCEPTED)
    user = make_user()

    def visit(message=None):
        request = rf.get("/mo-hinh/")
        request.user, request.session = user, SessionStore()
        request._messages = FallbackStorage(request)
        if message:
            messages.success(request, message)
        return public.registration_list(request).content.decode()

    visit()
    page = visit("Đã lưu bản nháp.")
    assert "Tủ sách cộng đồng" in page and "Đã lưu bản nháp." in page


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
