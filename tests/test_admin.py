import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from models_registry.models import Action, Attachment, Registration, RegistrationEvent, Source, Status
from tests.factories import make_commune, make_province, make_registration, make_unit, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = make_user(username="quantri", is_superuser=True, is_staff=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def data(db):
    province = make_province()
    units = [make_unit(make_commune(province)) for _ in range(3)]
    return [make_registration(unit, status=Status.ACCEPTED) for unit in units for _ in range(4)]


ADMIN_MODELS = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
    if model._meta.app_label == "models_registry"
)


@pytest.mark.parametrize("app_label,model_name", ADMIN_MODELS)
def test_changelist_answers_with_bounded_queries(superuser_client, data, app_label, model_name,
                                                 django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200


def test_registration_changelist_queries_do_not_grow_with_rows(superuser_client, data):
    url = reverse("admin:models_registry_registration_changelist")
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(url)
    for registration in data:
        make_registration(registration.unit, status=Status.COMPLETED)
    with CaptureQueriesContext(connection) as more:
        superuser_client.get(url)
    assert len(more) == len(few)


def test_unit_changelist_queries_do_not_grow_with_rows(superuser_client, data):
    url = reverse("admin:models_registry_unit_changelist")
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(url)
    for registration in data:
        make_unit(registration.area)
    with CaptureQueriesContext(connection) as more:
        superuser_client.get(url)
    assert len(more) == len(few)


@pytest.mark.parametrize("app_label,model_name", ADMIN_MODELS)
def test_add_page_answers(superuser_client, app_label, model_name):
    response = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert response.status_code in (200, 403)  # read-only logs refuse additions


def test_admin_is_in_vietnamese(superuser_client):
    response = superuser_client.get(reverse("admin:index"))
    assert "Đăng ký mô hình" in response.content.decode()
    assert "Quản trị Cổng thông tin Dân vận khéo" in response.content.decode()


def test_history_logs_cannot_be_added_in_admin(superuser_client):
    assert superuser_client.get(reverse("admin:models_registry_registrationevent_add")).status_code == 403


def test_editing_in_admin_writes_history_with_the_change(superuser_client, data):
    registration = data[0]
    url = reverse("admin:models_registry_registration_change", args=[registration.pk])
    form = superuser_client.get(url).context["adminform"].form
    payload = {name: value for name, value in form.initial.items() if value is not None}
    payload.update({
        "name": "Tên mới của mô hình", "unit": registration.unit_id, "area": registration.area_id,
        "unit_kind": registration.unit_kind_id, "year": registration.year,
        **{f"{prefix}-TOTAL_FORMS": 0 for prefix in ("attachments", "reviews", "events")},
        **{f"{prefix}-INITIAL_FORMS": 0 for prefix in ("attachments", "reviews", "events")},
    })
    payload["events-INITIAL_FORMS"] = 0
    response = superuser_client.post(url, {k: ("on" if v is True else v) for k, v in payload.items() if v is not False})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = RegistrationEvent.objects.get(registration=registration, action=Action.EDITED)
    assert event.source == Source.ADMIN
    assert event.actor == superuser_client.user
    assert event.changes["name"][1] == "Tên mới của mô hình"
    assert Registration.objects.get(pk=registration.pk).version == 2


def test_evidence_opens_through_the_scoped_view_and_cannot_be_uploaded_in_admin(superuser_client, data):
    registration = data[0]
    attachment = Attachment.objects.create(registration=registration, file="minh-chung/a.pdf", original_name="bien-ban.pdf",
                                           content_type="application/pdf", size=10)
    page = superuser_client.get(reverse("admin:models_registry_registration_change", args=[registration.pk]))
    html = page.content.decode()
    assert f'href="/quan-ly/minh-chung/{attachment.pk}/"' in html and "/media/" not in html
    assert 'type="file"' not in html
    assert superuser_client.get(reverse("admin:models_registry_attachment_add")).status_code == 403
    change = superuser_client.get(reverse("admin:models_registry_attachment_change", args=[attachment.pk]))
    assert f'href="/quan-ly/minh-chung/{attachment.pk}/"' in change.content.decode()


def test_the_history_in_admin_names_statuses_in_vietnamese(superuser_client, data):
    registration = data[0]
    RegistrationEvent.objects.create(registration=registration, action=Action.ACCEPTED, from_status=Status.SUBMITTED,
                                     to_status=Status.ACCEPTED)
    page = superuser_client.get(reverse("admin:models_registry_registration_change", args=[registration.pk]))
    html = page.content.decode()
    assert "Đã gửi, chờ duyệt" in html and ">submitted<" not in html
