"""Login lockout per (account, real client address) behind nginx, with production settings.

The settings are read from danvan/settings.py started as production (DEBUG off) in a
subprocess; requests then arrive as nginx passes them: REMOTE_ADDR is nginx itself and
X-Forwarded-For ends with the address nginx saw (`$proxy_add_x_forwarded_for`).
"""
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.factories import PASSWORD, make_user
from tests.test_security import ROOT, production_env

LOGIN = "/tai-khoan/dang-nhap/"
NGINX = "127.0.0.1"
ATTACKER, ADMIN_DESK = "203.0.113.7", "198.51.100.20"
READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
names = ["AXES_LOCKOUT_PARAMETERS", "AXES_IPWARE_PROXY_COUNT", "AXES_IPWARE_PROXY_ORDER",
         "AXES_IPWARE_META_PRECEDENCE_ORDER", "IPWARE_STRICT", "AXES_FAILURE_LIMIT"]
print(json.dumps({name: getattr(settings, name, None) for name in names}))
"""

pytestmark = pytest.mark.django_db


def settings_of(**env):
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=production_env(DJANGO_SETTINGS_MODULE="danvan.settings", **env),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production_lockout():
    values = settings_of()
    with override_settings(**values):
        yield values


def through_nginx(client, username, password, client_address, forwarded_by_client=None):
    chain = f"{forwarded_by_client}, {client_address}" if forwarded_by_client else client_address
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=chain, HTTP_X_FORWARDED_PROTO="https", secure=True)


def test_production_locks_out_per_account_and_address(production_lockout):
    assert production_lockout["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert production_lockout["AXES_IPWARE_META_PRECEDENCE_ORDER"][0] == "HTTP_X_FORWARDED_FOR"


def test_wrong_passwords_from_one_address_do_not_lock_the_admin_out_elsewhere(client, production_lockout):
    make_user(username="admin")
    for _ in range(production_lockout["AXES_FAILURE_LIMIT"] + 1):
        through_nginx(client, "admin", "sai-mat-khau", ATTACKER)
    assert through_nginx(client, "admin", PASSWORD, ATTACKER).status_code == 429
    response = through_nginx(client, "admin", PASSWORD, ADMIN_DESK)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_an_attacker_cannot_spend_another_address_by_forging_the_header(client, production_lockout):
    make_user(username="admin")
    for _ in range(production_lockout["AXES_FAILURE_LIMIT"] + 1):
        through_nginx(client, "admin", "sai-mat-khau", ATTACKER, forwarded_by_client=ADMIN_DESK)
    assert through_nginx(client, "admin", PASSWORD, ADMIN_DESK).status_code == 302


def test_the_administrator_unlocks_an_account_with_a_command(client, production_lockout):
    make_user(username="canbo.tinh")
    for _ in range(production_lockout["AXES_FAILURE_LIMIT"]):
        through_nginx(client, "canbo.tinh", "sai-mat-khau", ATTACKER)
    assert through_nginx(client, "canbo.tinh", PASSWORD, ATTACKER).status_code == 429
    call_command("axes_reset_username", "canbo.tinh")
    assert through_nginx(client, "canbo.tinh", PASSWORD, ATTACKER).status_code == 302


def test_without_proxies_the_forwarded_header_is_ignored():
    direct = settings_of(TRUSTED_PROXY_COUNT="0")
    assert direct["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]


def test_a_load_balancer_in_front_of_nginx_counts_two_proxies(client):
    values = settings_of(TRUSTED_PROXY_COUNT="2")
    make_user(username="admin")
    with override_settings(**values):
        for _ in range(values["AXES_FAILURE_LIMIT"] + 1):
            # nginx appends the load balancer's address after the client's.
            through_nginx(client, "admin", "sai-mat-khau", f"{ATTACKER}, 10.0.0.2")
        assert through_nginx(client, "admin", PASSWORD, f"{ADMIN_DESK}, 10.0.0.2").status_code == 302


def test_a_malformed_proxy_count_stops_the_start():
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=production_env(DJANGO_SETTINGS_MODULE="danvan.settings", TRUSTED_PROXY_COUNT="một"),
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be a whole number" in result.stderr
