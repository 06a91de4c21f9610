"""The deployed static files' storage (danvan/storage.py): hashed URLs, each looked up once."""
import pytest
from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage

from danvan.storage import StaticFilesStorage


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "danvan.storage.StaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_a_files_url_is_its_hashed_name_as_whitenoise_gives_it(collected):
    url = StaticFilesStorage(location=collected).url("css/portal.css")
    assert url == CompressedManifestStaticFilesStorage(location=collected).url("css/portal.css")
    assert url != "/static/css/portal.css" and url.startswith("/static/css/portal.")


def test_a_files_url_is_read_from_the_manifest_once(collected, monkeypatch):
    storage = StaticFilesStorage(location=collected)
    first = storage.url("css/portal.css")
    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", lambda *args, **kwargs: "/khac/")
    assert storage.url("css/portal.css") == first


def test_a_file_missing_from_the_manifest_is_refused_every_time(collected):
    storage = StaticFilesStorage(location=collected)
    for _ in range(2):
        with pytest.raises(ValueError):
            storage.url("css/khong-co.css")
