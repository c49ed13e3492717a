"""Diacritic-insensitive matching for Vietnamese (pure): "dang ky khai sinh" finds
"Đăng ký khai sinh". The rule lives in `core.textfold`, shared with the search of official
documents."""

from __future__ import annotations

from tinhso.core.textfold import fold

__all__ = ["fold"]
