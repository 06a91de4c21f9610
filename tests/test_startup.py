"""A worker prepares at start-up what Django leaves to the first request (danvan/startup.py):
checked in a fresh interpreter, since this test process has long imported and compiled it all."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys
import django
django.setup()
from django.template import engines
from django.urls import resolve, reverse
from danvan.startup import prepare

prepare()
before = set(sys.modules)
loader = engines["django"].engine.template_loaders[0]
cached = set(loader.get_template_cache)
# What a first visitor's request makes Django do: resolve the path, reverse the menu's links.
match = resolve("/mo-hinh/")
reverse("public-list")
print(json.dumps({"imported": sorted(set(sys.modules) - before), "cached": sorted(cached),
                  "view_module": match.func.__module__}))
"""


@pytest.fixture(scope="module")
def prepared():
    """What a fresh interpreter reports after `prepare()`, asked once for the module's tests."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "danvan.settings"}
    output = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True, timeout=120)
    return json.loads(output.stdout.strip().splitlines()[-1])


def test_a_prepared_worker_imports_no_view_module_for_its_first_request(prepared):
    assert prepared["view_module"].startswith("models_registry.views")
    assert [name for name in prepared["imported"] if name.startswith(("models_registry", "danvan"))] == []


def test_a_prepared_worker_has_parsed_every_template_of_the_portal(prepared):
    templates = {path.relative_to(ROOT / "templates").as_posix() for path in (ROOT / "templates").rglob("*.html")}
    assert templates <= set(prepared["cached"])
