"""Text helpers for Vietnamese input typed on different keyboards.

They work with regular expressions and str methods, which run in C: an import passes fifty
thousand rows through them, and a loop over each character in Python cost most of its time.
"""
import re
import unicodedata

# Zero-width space, non-joiner, joiner, word joiner and byte-order mark: they show as nothing,
# so a name that differs only by them (or consists of them) would look like another, or empty.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# The combining marks of Latin letters (all of Vietnamese's); every other nonspacing mark lies above them.
LATIN_MARKS = re.compile("[\u0300-\u036f]+")
ABOVE_LATIN_MARKS = re.compile("[^\x00-\u036f]")
# What str.isalnum() refuses: \W, and the underscore that \w lets through.
NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def nfc(value):
    """Unicode NFC and trimmed, so NFD input from some keyboards equals stored text."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def single_line(value):
    """A name as people read it: NFC, invisible characters removed, each run of whitespace one space."""
    return " ".join(INVISIBLE.sub("", unicodedata.normalize("NFC", str(value or ""))).split())


def name_key(value):
    """The key two names share when people would call them the same: case and spacing aside."""
    return single_line(value).casefold()


def _unless_mark(match):
    return "" if unicodedata.category(match.group()) == "Mn" else match.group()


def fold(value):
    """Lower-case, without diacritics (đ → d) or any other nonspacing mark: the key for
    accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFD", INVISIBLE.sub("", str(value or "")))
    stripped = LATIN_MARKS.sub("", decomposed.replace("đ", "d").replace("Đ", "D"))
    if not stripped.isascii():
        stripped = ABOVE_LATIN_MARKS.sub(_unless_mark, stripped)
    return " ".join(stripped.lower().split())


def title_key(value):
    """A name's words, lower-case, twice: as typed (diacritics kept) and folded, each half padded
    with spaces and punctuation dropped, so " tủ " and " tu " find whole words with a plain
    LIKE on either database. The " | " between the halves keeps a phrase from spanning them."""
    exact = " ".join(NOT_ALPHANUMERIC.sub(" ", nfc(value).lower()).split())
    folded = " ".join(NOT_ALPHANUMERIC.sub(" ", fold(value)).split())
    return f" {exact} | {folded} "
