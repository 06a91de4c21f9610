"""Hostile spreadsheets (tests/hostile_files.py) through every import path: each refused within
seconds with a Vietnamese message, in a process capped at 1 GB of address space, and the
portal's pages saying exactly what the management commands say."""
import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from models_registry.models import Commendation, ImportBatch
from tests.hostile_files import CORPUS

from .commendation_world import build_world

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 1024 * 1024 * 1024
SECONDS = 5  # processor time per file and import (the wall clock is bounded by the timeout below)
COMMANDS = {ImportBatch.Kind.REGISTRATIONS: "import_registrations", ImportBatch.Kind.UNITS: "import_units",
            ImportBatch.Kind.COMMENDATIONS: "import_commendations"}

# Run in a fresh interpreter: every import of the file, as the command and as an upload kept for its preview.
CHILD = r"""
import io, json, os, sys, time, types
import django
django.setup()
from django.core.management import CommandError, call_command
from django.test import override_settings
from models_registry.services.imports import uploads

path, name, media = sys.argv[1:4]
commands = json.loads(sys.argv[4])
results = {}
with override_settings(MEDIA_ROOT=media):
    for kind, command in commands.items():
        started = time.process_time()
        errors = io.StringIO()
        try:
            call_command(command, path, stdout=open(os.devnull, "w"), stderr=errors)
            by_command = "ACCEPTED"
        except CommandError as error:
            by_command = errors.getvalue() + str(error)
        command_seconds = time.process_time() - started
        started = time.process_time()
        user = types.SimpleNamespace(pk=1)
        with open(path, "rb") as handle:
            token = uploads.store(user, kind, handle, name)
        report = uploads.check(user, token)
        results[kind] = {"command": by_command, "upload": [str(p) for p in report.problems],
                         "seconds": max(command_seconds, time.process_time() - started)}
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    files = {}
    for label, (name, build, _word) in CORPUS.items():
        path = folder / f"{len(files):02d}-{name}"
        path.write_bytes(build())
        files[label] = path
    return files


def _cap_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))


@pytest.mark.parametrize("label", list(CORPUS))
def test_every_import_refuses_the_file_quickly_within_a_memory_cap(label, corpus, tmp_path):
    name, _build, word = CORPUS[label]
    path = corpus[label]
    assert path.stat().st_size < 10 * 1024 * 1024
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), name, str(tmp_path), json.dumps(COMMANDS)], cwd=ROOT,
        capture_output=True, text=True, timeout=60, preexec_fn=_cap_memory,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "danvan.settings"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    for kind, result in results.items():
        assert result["seconds"] < SECONDS, (kind, result)
        assert word in result["command"], (kind, result)
        assert "Chưa có dữ liệu nào được nhập" in result["command"]
        # The page shows the reason the command prints, word for word.
        assert len(result["upload"]) == 1 and result["upload"][0] in result["command"], (kind, result)


@pytest.fixture
def staff(db):
    world = build_world()
    return world.commune_staff


def _command_reason(kind, path):
    """What the command prints on stderr for a refused file: its one reason."""
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command(COMMANDS[kind], str(path), stdout=io.StringIO(), stderr=errors)
    return errors.getvalue().strip()


def _preview_text(client, response):
    assert response.status_code == 302, response.content.decode()[:500]
    page = client.get(response["Location"]).content.decode()
    assert "Tệp bị từ chối" in page and "Xác nhận nhập" not in page
    return page


@pytest.mark.parametrize("label", list(CORPUS))
def test_the_portal_pages_say_what_the_commands_say(label, corpus, client, staff):
    name, _build, word = CORPUS[label]
    path = corpus[label]
    client.force_login(staff)
    for kind in (ImportBatch.Kind.REGISTRATIONS, ImportBatch.Kind.UNITS):
        reason = _command_reason(kind, path)
        assert word in reason
        upload = SimpleUploadedFile(name, path.read_bytes())
        assert escape(reason) in _preview_text(client, client.post(reverse("excel_upload"),
                                                                   {"kind": kind, "file": upload}))
    reason = _command_reason(ImportBatch.Kind.COMMENDATIONS, path)
    page = _preview_text(client, client.post(reverse("commendations-import"),
                                             {"file": SimpleUploadedFile(name, path.read_bytes())}))
    assert escape(reason) in page
    assert not ImportBatch.objects.exists() and not Commendation.objects.exists()
