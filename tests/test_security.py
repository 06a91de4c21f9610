import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/tai-khoan/dang-nhap/"

pytestmark = pytest.mark.django_db


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="203.0.113.7")


def test_five_wrong_passwords_lock_the_account_out_from_that_address(client):
    make_user(username="canbo.thu")
    for _ in range(5):
        attempt(client, "canbo.thu", "sai-mat-khau")
    response = attempt(client, "canbo.thu", PASSWORD)
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_few_wrong_passwords_then_the_right_one_still_log_in(client):
    make_user(username="canbo.thu")
    for _ in range(3):
        attempt(client, "canbo.thu", "sai-mat-khau")
    response = attempt(client, "canbo.thu", PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_lockout_of_one_account_does_not_lock_another(client):
    make_user(username="canbo.thu")
    make_user(username="canbo.khac")
    for _ in range(6):
        attempt(client, "canbo.thu", "sai-mat-khau")
    assert attempt(client, "canbo.khac", PASSWORD).status_code == 302


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert script_src.strip() == "'self'"
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=\"", text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


def test_database_outage_answers_503_in_vietnamese(client):
    with mock.patch("models_registry.views.public.headline_figures", side_effect=OperationalError("down")):
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "tạm thời gián đoạn" in response.content.decode()


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env.update(DEBUG="false", ALLOWED_HOSTS="danvan.example.vn",
               SECRET_KEY="k" * 20 + "-very-long-and-random-production-secret-4Xq9")
    env.update(extra)
    return env


def test_production_settings_pass_the_deploy_check():
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=production_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_no_secret_is_committed_in_settings():
    settings_text = (ROOT / "danvan" / "settings.py").read_text(encoding="utf-8")
    assert re.search(r"SECRET_KEY\s*=\s*['\"][^'\"]{20,}['\"]", settings_text) is None
