"""The version of the data that reports and public pages are computed from.

A province report costs tens of milliseconds of database and Python time and leaders reload
it all day, while the data behind it changes a few times an hour. Every change to a model the
figures are built from moves a version kept in the shared cache on; cached copies are keyed
by that version, so a copy is only reused while the data it was made from is unchanged.

`copy_key` is the one way to name such a copy: page copies (views/caching.py), built reports
and their tables (services/reports.py) all go through it.
"""
import hashlib
import uuid

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import get_language

VERSION_KEY = "du-lieu:phien-ban"


def data_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # add, not set: of two servers starting at once, both must end up with the same version.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def copy_key(kind, *parts):
    """The shared-cache key of a copy of `kind` made from `parts` under today's data version and
    the active language. `parts` must hold everything else the copy depends on (who may see what,
    the normalised query); anything left out would let one viewer's copy reach another."""
    digest = hashlib.sha256(repr((data_version(), get_language(), parts)).encode()).hexdigest()
    return f"{kind}:{digest}"


def data_changed(**_signal_arguments):
    # Now, so the rest of this transaction reads its own changes; and again after the commit,
    # because another request may meanwhile have cached a copy of the data before it.
    _new_version()
    transaction.on_commit(_new_version)


def _new_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def instance_changed(sender, instance, **_signal_arguments):
    # Units save drafts far more often than anything else is written, and no public page or
    # report shows a draft: those saves must not throw every copy away.
    if not getattr(instance, "is_private_draft", False):
        data_changed()


class NotifyingQuerySet(models.QuerySet):
    """Bulk writes skip model signals; these announce the change themselves."""

    # Fields an update of which changes nothing that reports or public pages show.
    untracked_fields = frozenset()

    def update(self, **kwargs):
        count = super().update(**kwargs)
        if count and not kwargs.keys() <= self.untracked_fields:
            data_changed()
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            data_changed()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if count:
            data_changed()
        return count


def watch(*model_classes):
    """Saves and deletes (cascades included) of these models change the data version."""
    for model in model_classes:
        post_save.connect(instance_changed, sender=model, dispatch_uid=f"freshness-save-{model._meta.label}")
        post_delete.connect(instance_changed, sender=model, dispatch_uid=f"freshness-delete-{model._meta.label}")
    # Data migrations write through historical models, which send no signals.
    post_migrate.connect(data_changed, dispatch_uid="freshness-migrate")
