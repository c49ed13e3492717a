"""Diacritic-insensitive matching of Vietnamese text (pure: no Django imports).

One rule for every search of the platform (the catalogue of procedures, official documents):
lower-case, strip the diacritics (ư → u, ệ → e) and write đ as d, collapse spaces, so that
"dang ky khai sinh" finds "Đăng ký khai sinh" and "nghi dinh" finds "Nghị định".
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d), collapse spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(bare.lower().split())
