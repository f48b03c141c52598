"""Object ids as they arrive in requests.

A number past what a database key column holds is nobody's id: it is answered as "not found" or as
a bad value and never reaches the database, where SQLite raises OverflowError on it.
"""

from __future__ import annotations

from typing import Any

MAX_ID = 2**63 - 1


def parse_id(raw: Any) -> int | None:
    """The id a request's value names, or None when it names none."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
