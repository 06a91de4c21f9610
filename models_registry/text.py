"""Text helpers for Vietnamese input typed on different keyboards."""
import unicodedata


def nfc(value):
    """Unicode NFC and trimmed, so NFD input from some keyboards equals stored text."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def fold(value):
    """Lower-case, without diacritics (đ → d): the key for accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFD", str(value or "")).replace("đ", "d").replace("Đ", "D")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def title_key(value):
    """A name's words, lower-case, twice: as typed (diacritics kept) and folded, each half padded
    with spaces and punctuation dropped, so " tủ " and " tu " find whole words with a plain
    LIKE on either database. The " | " between the halves keeps a phrase from spanning them."""
    exact = " ".join("".join(ch if ch.isalnum() else " " for ch in nfc(value).lower()).split())
    folded = " ".join("".join(ch if ch.isalnum() else " " for ch in fold(value)).split())
    return f" {exact} | {folded} "
