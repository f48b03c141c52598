"""Chinese lexicons and patterns kept as data files under `data/zh/`.

A file holds sections headed `[name]` (ASCII lower case), one entry per line; `#` starts a comment. Files are read
and regular expressions compiled once per process.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from importlib import resources

_HEADER = re.compile(r"\[([a-z][a-z0-9_]*)\]")


@cache
def load(name: str) -> dict[str, tuple[str, ...]]:
    text = resources.files("luoshi.parsing").joinpath(f"data/zh/{name}.txt").read_text(encoding="utf-8")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        header = _HEADER.fullmatch(line)
        if header:
            current = sections.setdefault(header.group(1), [])
        elif current is None:
            raise ValueError(f"data/zh/{name}.txt: entry before any [section]: {line!r}")
        else:
            current.append(line)
    return {k: tuple(v) for k, v in sections.items()}


def words(name: str, section: str) -> tuple[str, ...]:
    try:
        return load(name)[section]
    except KeyError:
        raise KeyError(f"data/zh/{name}.txt has no section [{section}]") from None


def alternation(entries: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of literal words, longest first so the longest wins."""
    return "|".join(re.escape(w) for w in sorted(set(entries), key=len, reverse=True))


def pattern_alternation(entries: tuple[str, ...] | list[str]) -> str:
    """An alternation of entries that are themselves regular expressions."""
    return "|".join(f"(?:{e})" for e in entries)


class AnyOf:
    """Patterns tried one by one for whether any matches. Python's engine tries a long alternation
    of unanchored patterns alternative by alternative at every position; apart, each pattern's own
    literal prefix lets it skip ahead, which is several times faster on a sentence."""

    def __init__(self, entries: tuple[str, ...] | list[str]) -> None:
        self.patterns = [re.compile(e) for e in entries]

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        for pattern in self.patterns:
            m = pattern.search(text, pos, endpos)
            if m:
                return m
        return None
