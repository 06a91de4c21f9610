from django.core.exceptions import ValidationError
from django.db import models

from ..text import name_key


class KeyField(models.CharField):
    """A comparison key computed from another field whenever a row is written.

    Unique constraints hold on the key, so two spellings people would call the same name
    (case, doubled spaces, zero-width characters, NFD input) are one name for the database on
    every database: SQLite's lower() folds ASCII only. `pre_save` runs on save() and on
    bulk_create, so every insert path fills it; code that writes the source field with
    `QuerySet.update()` or `bulk_update()` must call `fill_key` itself.
    """

    def __init__(self, *args, source, compact=False, **kwargs):
        self.source = source
        # Compact keys drop the spaces too: "45 - QĐ/HU" and "45-QĐ/HU" are one decision number.
        self.compact = compact
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.compact:
            kwargs["compact"] = True
        kwargs.pop("editable", None)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def key_of(self, value):
        key = name_key(value)
        return key.replace(" ", "") if self.compact else key

    def fill_key(self, instance):
        value = self.key_of(getattr(instance, self.source))
        setattr(instance, self.attname, value)
        return value

    def pre_save(self, model_instance, add):
        return self.fill_key(model_instance)


class KeyedModel:
    """Mixin: full_clean checks a key's unique constraints whenever the key's source field is
    checked (the key is no form field), and reports a clash beside the source field with the
    model's message from `duplicate_messages` (key field name → message)."""

    duplicate_messages = {}

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        errors = {}
        for field in self._meta.concrete_fields:
            if isinstance(field, KeyField):
                field.fill_key(self)
                if field.source not in exclude:
                    try:
                        self._validate_key(field, exclude)
                    except ValidationError as error:
                        errors = error.update_error_dict(errors)
                exclude.add(field.name)
        try:
            super().validate_constraints(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _validate_key(self, field, exclude):
        for constraint in self._meta.total_unique_constraints:
            names = set(constraint.fields)
            if field.name not in names or (names - {field.name}) & exclude:
                continue
            lookup = {self._meta.get_field(name).attname: getattr(self, self._meta.get_field(name).attname)
                      for name in names}
            if type(self)._default_manager.filter(**lookup).exclude(pk=self.pk).exists():
                raise ValidationError({field.source: self.duplicate_messages[field.name]}, code="unique")
