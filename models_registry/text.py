"""Text helpers for Vietnamese input typed on different keyboards."""
import unicodedata


def nfc(value):
    """Unicode NFC and trimmed, so NFD input from some keyboards equals stored text."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


# Zero-width space, non-joiner, joiner, word joiner and byte-order mark: they show as nothing,
# so a name that differs only by them (or consists of them) would look like another, or empty.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def single_line(value):
    """A name as people read it: NFC, invisible characters removed, each run of whitespace one space."""
    return " ".join(unicodedata.normalize("NFC", str(value or "")).translate(INVISIBLE).split())


def name_key(value):
    """The key two names share when people would call them the same: case and spacing aside."""
    return single_line(value).casefold()


def fold(value):
    """Lower-case, without diacritics (đ → d): the key for accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFD", str(value or "").translate(INVISIBLE)).replace("đ", "d").replace("Đ", "D")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def title_key(value):
    """A name's words, lower-case, twice: as typed (diacritics kept) and folded, each half padded
    with spaces and punctuation dropped, so " tủ " and " tu " find whole words with a plain
    LIKE on either database. The " | " between the halves keeps a phrase from spanning them."""
    exact = " ".join("".join(ch if ch.isalnum() else " " for ch in nfc(value).lower()).split())
    folded = " ".join("".join(ch if ch.isalnum() else " " for ch in fold(value)).split())
    return f" {exact} | {folded} "
