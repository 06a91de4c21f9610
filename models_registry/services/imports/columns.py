"""Columns of import files (DESIGN §7): each one turns a cell into a value or says why not.

Headers and labels are matched with `label_key` (no diacritics, any case, any dash or
spacing); text is Unicode NFC; numbers and dates go through models_registry/parsing.py, the
reading shared with the forms.
"""
import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext as _

from ...formulas import FORMULA, FORMULA_PREFIXES
from ...models.validators import validate_year
from ...parsing import MAX_WHOLE_NUMBER, ParseError, parse_date, parse_whole_number
from ...text import fold, nfc


def label_key(value):
    """Key for matching labels and headers: no diacritics, any case, any dash or spacing."""
    return re.sub(r"[^a-z0-9]+", " ", fold(value)).strip()


def cell_text(value):
    """A cell as text: Excel hands integers over as floats and codes as numbers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def shown(value):
    """A cell as it is quoted back in a message."""
    return nfc(cell_text(value))[:80]


class Column:
    """One column: `key` names the value in a checked row (a model field, usually)."""

    def __init__(self, key, header, *, required=False, default=None, example=""):
        self.key = key
        self.header = header
        self.required = required  # the cell may not be empty (the column may still be absent)
        self.default = default
        self.example = example

    def clean(self, value):
        """The cell as written, in NFC; the kinds of column below check and convert it."""
        return nfc(cell_text(value)).strip()

    def choices(self):
        """The labels a template offers as a drop-down list, or None."""
        return None


class Text(Column):
    """NFC, trimmed text that refuses formulas and text longer than the field.

    A leading apostrophe keeps what follows as text in every spreadsheet. Before a formula it
    is kept, so the text stays inert wherever it goes next: `'=HYPERLINK(...)` is stored as
    typed. Before any other sign ("'+84 ...", "'- gạch") it is the one our exports add, and is
    dropped, so an exported file imports back to the same text.
    """

    def __init__(self, key, header, *, max_length=None, **kwargs):
        super().__init__(key, header, **kwargs)
        self.max_length = max_length

    def clean(self, value):
        text = nfc(cell_text(value))
        if FORMULA.match(text):
            raise ValueError(_("Ô chứa công thức; hãy dán giá trị (không dán công thức)."))
        if text.startswith("'") and text[1:2] in FORMULA_PREFIXES and not FORMULA.match(text[1:]):
            text = text[1:]
        if self.required and not text:
            raise ValueError(_("Không được để trống."))
        if self.max_length and len(text) > self.max_length:
            raise ValueError(_("Dài %(length)s ký tự, tối đa %(limit)s ký tự.")
                             % {"length": len(text), "limit": self.max_length})
        return text


class Label(Column):
    """A choice written as its Vietnamese label, with or without diacritics, in any case."""

    def __init__(self, key, header, choices, **kwargs):
        super().__init__(key, header, **kwargs)
        self._choices = list(choices)
        self.lookup = {}
        for value, label in self._choices:
            self.lookup[label_key(label)] = value
            if isinstance(value, str):
                self.lookup[label_key(value)] = value
        self.cache = {}

    def choices(self):
        return [str(label) for _value, label in self._choices]

    def allowed(self):
        return ", ".join(self.choices())

    def clean(self, value):
        text = cell_text(value).strip()
        if not text:
            if self.required:
                raise ValueError(_("Không được để trống. Chọn một trong: %(allowed)s.") % {"allowed": self.allowed()})
            return self.default
        if text in self.cache:
            return self.cache[text]
        found = self.lookup.get(label_key(text))
        if found is None:
            raise ValueError(_("Không phải giá trị hợp lệ. Chọn một trong: %(allowed)s.") % {"allowed": self.allowed()})
        if len(self.cache) < 1000:
            self.cache[text] = found  # a column repeats a handful of spellings thousands of times
        return found


class Figure(Column):
    """A whole, non-negative number as parsing.parse_whole_number reads it; empty is 0."""

    def __init__(self, key, header, *, maximum=MAX_WHOLE_NUMBER, **kwargs):
        super().__init__(key, header, **kwargs)
        self.maximum = maximum

    def clean(self, value):
        if type(value) is int and 0 <= value <= self.maximum:
            return value
        try:
            number = parse_whole_number(value, maximum=self.maximum)
        except ParseError as error:
            raise ValueError(str(error)) from None
        return 0 if number is None else number


class Year(Column):
    def clean(self, value):
        text = cell_text(value).strip()
        if not text:
            raise ValueError(_("Không được để trống."))
        if not text.isdigit() or len(text) > 4:
            raise ValueError(_("Năm phải là số, ví dụ 2025."))
        year = int(text)
        try:
            validate_year(year)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
        return year


def year_bounds():
    return settings.FIRST_REGISTRATION_YEAR, datetime.date.today().year + 1


class Date(Column):
    """A date as parsing.parse_date reads it (dd/mm/yyyy, or an Excel date), checked by the
    model field's validators (its plausible bounds)."""

    def __init__(self, key, header, *, validators=(), **kwargs):
        super().__init__(key, header, **kwargs)
        self.validators = list(validators)

    def clean(self, value):
        try:
            date = parse_date(value)
        except ParseError as error:
            raise ValueError(str(error)) from None
        if date is None:
            if self.required:
                raise ValueError(_("Không được để trống."))
            return None
        for validate in self.validators:
            try:
                validate(date)
            except ValidationError as error:
                raise ValueError(" ".join(error.messages)) from None
        return date


def text_for(model, key, header, **kwargs):
    """A Text column bounded by the model field's max_length."""
    return Text(key, header, max_length=model._meta.get_field(key).max_length, **kwargs)


def figure_for(model, key, header, **kwargs):
    """A Figure column bounded by the model field's upper-bound validator, if it has one."""
    limits = []
    for validator in model._meta.get_field(key).validators:
        if isinstance(validator, MaxValueValidator):
            limits.append(validator.limit_value)
        elif isinstance(getattr(validator, "limit", None), int):
            limits.append(validator.limit)
    return Figure(key, header, maximum=min(limits, default=MAX_WHOLE_NUMBER), **kwargs)


def date_for(model, key, header, **kwargs):
    """A Date column checked by the model field's validators."""
    return Date(key, header, validators=model._meta.get_field(key).validators, **kwargs)
