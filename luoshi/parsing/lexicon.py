"""Chinese lexicons and patterns kept as data files under `data/zh/`.

A file holds sections headed `[name]` (ASCII lower case), one entry per line; `#` starts a comment. Files are read
and regular expressions compiled once per process.
"""

from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parse
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
    of unanchored patterns alternative by alternative at every position; apart, each pattern is
    first checked for a piece of text it cannot match without (`方面` for `…方面(的)?工作$`), which
    most sentences lack, so most patterns cost one substring test."""

    def __init__(self, entries: tuple[str, ...] | list[str]) -> None:
        self.patterns = [(re.compile(e), _required_text(e)) for e in entries]

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match | None:
        for pattern, required in self.patterns:
            if required and required not in text:
                continue
            m = pattern.search(text, pos, endpos)
            if m:
                return m
        return None


def _required_text(pattern: str) -> str:
    """The longest run of plain characters every match of `pattern` contains, or "" when there is
    none to be sure of (alternations, optional parts and classes are passed over)."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return ""
    best = run = ""
    for op, arg in parsed:
        if op is sre_constants.LITERAL:
            run += chr(arg)
            best = max(best, run, key=len)
        else:
            run = ""
    return best if len(best) >= 2 else ""
