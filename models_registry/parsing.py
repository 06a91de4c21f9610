"""The one reading of numbers and dates as Vietnamese clerks write them.

Forms and imports both call these, so "30.000.000" means thirty million wherever it is typed.

    >>> parse_whole_number("30.000.000")
    30000000
    >>> parse_date("5/9/2025")
    datetime.date(2025, 9, 5)

Both raise `ParseError` (a ValueError, so a Django form field can turn it into a
ValidationError) whose text is a translated sentence to show as it is; both return None for
an empty value, and the caller decides whether empty is allowed.
"""
import datetime
import re

from django.utils.translation import gettext as _

# The largest figure any column can hold (PostgreSQL bigint).
MAX_WHOLE_NUMBER = 2**63 - 1
# Excel counts days from 30/12/1899; 2958465 is 31/12/9999, its last day.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
MAX_EXCEL_SERIAL = 2958465

# Spaces people (and spreadsheet programs) put between thousands.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_PLAIN = re.compile(r"\d+")
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_SPACE_GROUPS = re.compile(r"\d{1,3}(?: \d{3})+")
# "1,500,000" is grouping however it is read; "1,500" may be 1.5 written the Vietnamese way.
_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3}){2,}")
_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


class ParseError(ValueError):
    """The value cannot be read; str(error) is the reason, in the user's language."""


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def parse_whole_number(value, *, minimum=0, maximum=MAX_WHOLE_NUMBER):
    """A whole number from a cell or a form: int, a whole float (Excel stores every number as
    one), or text such as "30.000.000", "30 000 000", "30000000" or "1,500,000".

    Text that could be a decimal ("30,5", "1.23", "1,500") or has a fraction is refused rather
    than guessed. None for an empty value; ParseError for anything else outside
    [`minimum`, `maximum`].
    """
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ParseError(_("Phải là số nguyên (ví dụ 1.500.000)."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ParseError(_("Phải là số nguyên (ví dụ 1.500.000)."))
        if not value.is_integer():
            raise ParseError(_("Phải là số nguyên, không có phần lẻ."))
        number = int(value)
    else:
        number = _whole_number_text(str(value))
    if minimum is not None and number < minimum:
        if minimum == 0:
            raise ParseError(_("Số liệu không được âm."))
        raise ParseError(_("Số phải từ %(minimum)s trở lên.") % {"minimum": _grouped(minimum)})
    if maximum is not None and number > maximum:
        raise ParseError(_("Số quá lớn: tối đa %(maximum)s.") % {"maximum": _grouped(maximum)})
    return number


def _whole_number_text(text):
    text = _SPACES.sub(" ", text.strip())
    negative = text.startswith("-")
    digits = text[1:].strip() if negative else text
    if _PLAIN.fullmatch(digits) or _SPACE_GROUPS.fullmatch(digits):
        plain = digits.replace(" ", "")
    elif _DOT_GROUPS.fullmatch(digits) or _COMMA_GROUPS.fullmatch(digits):
        plain = digits.replace(".", "").replace(",", "")
    elif re.fullmatch(r"[\d.,\s]+", digits) and re.search(r"\d", digits):
        raise ParseError(_("“%(text)s” không rõ là số nguyên: viết số nguyên, các nhóm nghìn cách nhau bằng dấu "
                           "chấm (ví dụ 30.000.000), không có phần lẻ.") % {"text": text[:40]})
    else:
        raise ParseError(_("Phải là số nguyên (ví dụ 1.500.000)."))
    if len(plain) > 19:
        raise ParseError(_("Số quá lớn: tối đa %(maximum)s.") % {"maximum": _grouped(MAX_WHOLE_NUMBER)})
    number = int(plain)
    return -number if negative else number


def _grouped(number):
    return f"{number:,}".replace(",", ".")


def parse_date(value):
    """A date from a cell or a form: a date or datetime, an Excel date serial (45580 is
    15/10/2024), or text dd/mm/yyyy (also d/m/yyyy, with "-" or "." between, or yyyy-mm-dd as
    other programs export). None for an empty value; ParseError otherwise.
    """
    if _blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise _not_a_date(value)
    if isinstance(value, (int, float)):
        # A serial with a fraction carries a time of day, which a date drops.
        if value != value or not 1 <= value < MAX_EXCEL_SERIAL + 1:
            raise _not_a_date(value)
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = str(value).strip()
    match = _DATE.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.fullmatch(text)
        if not match:
            raise _not_a_date(text)
        year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _not_a_date(text) from None


def _not_a_date(value):
    return ParseError(_("“%(text)s” không phải ngày dạng dd/mm/yyyy.") % {"text": str(value)[:40]})
