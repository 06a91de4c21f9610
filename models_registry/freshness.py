"""The version of the data that reports and public pages are computed from.

A province report costs tens of milliseconds of database and Python time and leaders reload
it all day, while the data behind it changes a few times an hour. Every change to a model the
figures are built from moves a version kept in the shared cache on; cached copies are keyed
by that version, so a copy is only reused while the data it was made from is unchanged.

`copy_key` is the one way to name such a copy: page copies (views/caching.py), built reports
and their tables (services/reports.py) all go through it.

In the registration season a change is accepted somewhere every few seconds, so one version for
the country would leave no copy alive. A change is therefore told in which of today's provinces
it happened, when that is known: it moves on that province's version and the national one, and
a copy of one province's figures (a report or a public page of an area inside it) is keyed by its
province's version, which changes in other provinces leave alone. Copies of the whole country use
the national version; a change whose place is not known (the area tree, the kinds of unit, a bulk
write) moves the base version, which every copy holds, so it still drops everything.

A unit's private draft (see `instance_changed`) moves none of these versions. The few copies that
show drafts (the workspace's count of drafts, a unit's own list) ask `copy_key` for `drafts`: they
also hold the drafts' version of their province, which every save or delete of a draft moves on.
"""
import functools
import hashlib
import pickle
import uuid

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_init, post_migrate, post_save
from django.utils.translation import get_language

VERSION_KEY = "du-lieu:phien-ban"  # national: moves on with every change
BASE_KEY = "du-lieu:phien-ban:chung"  # moves on with changes of no known province
PROVINCE_KEY = "du-lieu:phien-ban:tinh:{}"
DRAFTS_KEY = "du-lieu:ban-nhap"  # national: moves on with every private draft saved or deleted
DRAFTS_PROVINCE_KEY = "du-lieu:ban-nhap:tinh:{}"

# Model label → the lookup from a row to the id of today's province it lies in (set by `watch`).
PROVINCE_PATHS = {}


def _versions(*keys):
    # One round trip to the shared cache for all of a copy's versions.
    versions = cache.get_many(keys)
    for key in keys:
        if key not in versions:
            # add, not set: of two servers starting at once, both must end up with the same version.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            versions[key] = cache.get(key)
    return tuple(versions[key] for key in keys)


def base_version():
    """The version that only changes of no known province move on (the area tree among them)."""
    return _versions(BASE_KEY)[0]


# Values each process keeps while the base version stands (`kept`).
KEPT_VALUES = 2000
_kept = {}


def kept(key, build):
    """`build()`, built again only once the base version has moved on: for the reference data every
    report page reads, which changes only with the area tree or the kinds of unit (an area with its
    parents, the kinds). Each call returns a copy of its own (the value is kept pickled), so that a
    change one request makes to it reaches no other."""
    versioned = (base_version(), key)
    value = _kept.get(versioned)
    if value is None:
        value = pickle.dumps(build())
        if len(_kept) >= KEPT_VALUES:
            _kept.clear()
        _kept[versioned] = value
    return pickle.loads(value)


def data_version(province=None, *, drafts=False):
    """The national version, or with `province` (an id of today's province) that province's;
    with `drafts`, together with the version of the private drafts there."""
    if province is None:
        keys = (VERSION_KEY, DRAFTS_KEY) if drafts else (VERSION_KEY,)
    else:
        keys = (BASE_KEY, PROVINCE_KEY.format(province))
        if drafts:
            keys += (DRAFTS_PROVINCE_KEY.format(province),)
    versions = _versions(*keys)
    return versions[0] if len(versions) == 1 else versions


def copy_key(kind, *parts, province=None, drafts=False):
    """The shared-cache key of a copy of `kind` made from `parts` under today's data version and
    the active language. `parts` must hold everything else the copy depends on (who may see what,
    the normalised query); anything left out would let one viewer's copy reach another. A copy
    made only from rows inside one of today's provinces names it (`province`, its id), and lives
    through changes elsewhere. A copy that shows private drafts says `drafts`."""
    version = data_version(province, drafts=drafts)
    digest = hashlib.sha256(repr((version, get_language(), parts)).encode()).hexdigest()
    return f"{kind}:{digest}"


def data_changed(provinces=None, **_signal_arguments):
    """Move the versions on: of `provinces` (ids) and the nation's, or with None every version."""
    keys = [VERSION_KEY, BASE_KEY] if provinces is None else [VERSION_KEY, *map(PROVINCE_KEY.format, provinces)]
    _move_on(keys)


def drafts_changed(provinces):
    """A private draft was saved or deleted in `provinces` (ids): move their drafts' versions on."""
    _move_on([DRAFTS_KEY, *map(DRAFTS_PROVINCE_KEY.format, provinces)])


def _move_on(keys):
    # Now, so the rest of this transaction reads its own changes; and again after the commit,
    # because another request may meanwhile have cached a copy of the data before it.
    _new_versions(keys)
    transaction.on_commit(lambda: _new_versions(keys))


def _new_versions(keys):
    cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)


def provinces_of(model, queryset):
    """Ids of today's provinces the rows of `queryset` lie in, or None when that is not known."""
    path = PROVINCE_PATHS.get(model._meta.label)
    if path is None:
        return None
    provinces = set(queryset.order_by().values_list(path, flat=True).distinct())
    return None if None in provinces else provinces  # an empty set: no row, nothing changes


@functools.cache
def _first_step(model):
    """The row's own foreign key that its province path starts from, and the rest of the path
    (once for each model: every row loaded asks, and an export loads thousands)."""
    first, _, rest = PROVINCE_PATHS[model._meta.label].partition("__")
    return model._meta.get_field(first), rest


def instance_loaded(sender, instance, **_signal_arguments):
    # Where the row was when loaded: a row moved to another province changes both.
    related, _rest = _first_step(sender)
    instance._place_loaded = instance.__dict__.get(related.attname)


def instance_changed(sender, instance, **_signal_arguments):
    # Units save drafts far more often than anything else is written, and no public page or
    # report shows a draft: those saves must not throw every copy away, only those of drafts.
    private_draft = getattr(instance, "is_private_draft", False)
    provinces = _provinces_of_instance(sender, instance) if sender._meta.label in PROVINCE_PATHS else None
    if provinces is None:
        return data_changed()
    if private_draft:
        return drafts_changed(provinces)
    data_changed(provinces)


def _provinces_of_instance(sender, instance):
    """Ids of today's provinces the row lies in (where it was loaded, and now), or None: not known."""
    related, rest = _first_step(sender)
    places = {getattr(instance, related.attname), getattr(instance, "_place_loaded", None)} - {None}
    if not places:
        return None
    provinces = (
        set(related.related_model._base_manager.filter(pk__in=places).values_list(rest, flat=True)) if rest else places
    )
    # The row's place itself gone (deleted with it) or lying in no province: not known.
    return provinces if provinces and None not in provinces else None


class NotifyingQuerySet(models.QuerySet):
    """Bulk writes skip model signals; these announce the change themselves."""

    # Fields an update of which changes nothing that reports or public pages show.
    untracked_fields = frozenset()

    # Fields whose change moves a row to another place: such an update changes every copy.
    placing_fields = frozenset({"area", "area_id", "unit", "unit_id", "registration", "registration_id"})

    def update(self, **kwargs):
        tracked = not kwargs.keys() <= self.untracked_fields
        # Where the rows lie, read before the update (the workflow's updates touch one row by key).
        provinces = provinces_of(self.model, self) if tracked and not kwargs.keys() & self.placing_fields else None
        count = super().update(**kwargs)
        if count and tracked:
            data_changed(provinces)
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


def watch(*model_classes, provinces=None):
    """Saves and deletes (cascades included) of these models change the data version.
    `provinces` maps some of them to the lookup of the province their rows lie in."""
    PROVINCE_PATHS.update({model._meta.label: path for model, path in (provinces or {}).items()})
    for model in model_classes:
        if model._meta.label in PROVINCE_PATHS:
            post_init.connect(instance_loaded, sender=model, dispatch_uid=f"freshness-init-{model._meta.label}")
        post_save.connect(instance_changed, sender=model, dispatch_uid=f"freshness-save-{model._meta.label}")
        post_delete.connect(instance_changed, sender=model, dispatch_uid=f"freshness-delete-{model._meta.label}")
    # Data migrations write through historical models, which send no signals.
    post_migrate.connect(data_changed, dispatch_uid="freshness-migrate")
