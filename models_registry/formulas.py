"""The one rule about spreadsheet formulas in text, for the files the portal writes and reads.

Writing: text a spreadsheet would run as a formula gets an apostrophe in front (`neutralise`),
so it shows as typed. Reading: text that is a formula is refused, and an apostrophe before one
is kept (`FORMULA`, used by services/imports/columns.py), so the text stays inert wherever it
goes next.
"""
import re

# What a spreadsheet may run as a formula when a cell starts with it (tab and CR included).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Text that is a formula: "=..." always; "+SUM(" or "@HYPERLINK(" too, while "- item" or
# "+84 ..." is text.
FORMULA = re.compile(r"^(=|[+\-@]\s*[A-Za-z_][\w.]*\s*\()")


def neutralise(value):
    """Prefix text a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
