"""Ids in URLs, forms and commands: the range an id can have, checked before it reaches the database.

Apart from `web.py`, so a command that checks an id (`flask mail reprocess ID`) does not load the web layer.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL (which refuses more), 64 on SQLite


class IdConverter(IntegerConverter):
    """`<int:…>` in URLs: a number beyond any id that can exist is a plain 404, not a database overflow."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_id(text: str | None) -> int | None:
    """An id sent as text (form value, query argument), or None unless it is plain ASCII digits in range.

    `str.isdigit` alone is not enough: it accepts '²' and other digits that `int()` refuses.
    """
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
