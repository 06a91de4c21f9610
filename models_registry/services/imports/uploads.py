"""Uploads waiting between preview and confirm: parsed once, kept as their parsed table.

The table (or the reason the file was refused) is kept in the default storage, shared by
every app server, under a random token in a folder of the uploader's own; nothing is kept
in process memory, and the uploaded bytes themselves are never stored.
"""
import datetime
import gzip
import json
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from . import engine, run
from .reader import Refused, Table, read_table

FOLDER = "excel-nhap"


def _path(user, token):
    return f"{FOLDER}/{user.pk}/{token}.json.gz"


def store(user, kind, fileobj, file_name):
    """Parse the upload and keep the result; return its token."""
    token = secrets.token_urlsafe(24)
    try:
        content = {"table": read_table(fileobj, file_name).to_json()}
    except Refused as refusal:
        content = {"refused": str(refusal)}
    content.update(kind=kind, name=file_name)
    data = gzip.compress(json.dumps(content, ensure_ascii=False).encode("utf-8"), compresslevel=3)
    default_storage.save(_path(user, token), ContentFile(data))
    return token


def exists(user, token):
    return default_storage.exists(_path(user, token))


def load(user, token):
    with default_storage.open(_path(user, token), "rb") as handle:
        return json.loads(gzip.decompress(handle.read()))


def check(user, token, write=False, progress=None):
    """The Report of a kept upload: checked, and with `write` imported if nothing is wrong."""
    content = load(user, token)
    if "refused" in content:
        return engine.refused(content["kind"], content["name"], content["refused"])
    return run(content["kind"], Table.from_json(content["table"]), content["name"], user=user, write=write,
               progress=progress)


def row_count(user, token):
    """How many data rows a kept upload has (0 when it was refused)."""
    content = load(user, token)
    return 0 if "refused" in content else len(content["table"]["rows"])


def discard(user, token):
    path = _path(user, token)
    if default_storage.exists(path):
        default_storage.delete(path)


def remove_abandoned(user, older_than=datetime.timedelta(days=1)):
    """Delete this user's uploads left unconfirmed (for example from an expired session)."""
    folder = f"{FOLDER}/{user.pk}"
    cutoff = timezone.now() - older_than
    try:
        _, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in names:
        path = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue
