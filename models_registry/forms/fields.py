"""Form fields for figures and dates typed the Vietnamese way, whatever the browser's language.

A `type=number` box reads "30.000.000" as 30 and a `type=date` box shows mm/dd/yyyy on an
English PC; these are text boxes read by `parsing`, the reader the Excel import uses too.
"""
from django import forms
from django.core.exceptions import ValidationError

from .. import parsing


def grouped(number):
    """1234567 → "1.234.567": the form writes digits as it reads them, in every language."""
    return f"{number:,}".replace(",", ".")


class GroupedNumberInput(forms.TextInput):
    """A text box showing 30.000.000; static/js/numbers.js groups the digits as they are typed."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "data-grouped": "", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return grouped(value)
        return super().format_value(value)


class MoneyInput(GroupedNumberInput):
    """An amount in đồng; static/js/numbers.js writes a readable preview ("30 triệu đồng") below it.
    Layouts show the unit with crispy's AppendedText."""

    def __init__(self, attrs=None):
        super().__init__({"data-money": "", **(attrs or {})})


class WholeNumberField(forms.IntegerField):
    """A whole number written "30.000.000", "30 000 000" or "30000000"; "30,5" is refused, not guessed.

    With `blank_is_zero` an empty box means 0 (figures not yet reported).
    """

    widget = GroupedNumberInput

    def __init__(self, *, blank_is_zero=False, min_value=0, max_value=parsing.MAX_WHOLE_NUMBER, **kwargs):
        self.blank_is_zero = blank_is_zero
        if blank_is_zero:
            kwargs["required"] = False
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return 0 if self.blank_is_zero else None
        try:
            return parsing.parse_whole_number(value, minimum=self.min_value, maximum=self.max_value)
        except parsing.ParseError as error:
            raise ValidationError(str(error), code="invalid") from None

    def validate(self, value):
        forms.Field.validate(self, value)

    def run_validators(self, value):
        # The bounds are checked by the parser, with its Vietnamese-formatted message.
        return


class MoneyField(WholeNumberField):
    widget = MoneyInput


class DateTextInput(forms.DateInput):
    """dd/mm/yyyy in a text box; static/js/numbers.js adds the slashes while typing."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                          "data-date": "", **(attrs or {})}, format="%d/%m/%Y")


class DateTextField(forms.DateField):
    """A date typed dd/mm/yyyy, read the same way in Vietnamese and English (never as mm/dd)."""

    widget = DateTextInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parsing.parse_date(value)
        except parsing.ParseError as error:
            raise ValidationError(str(error), code="invalid") from None
