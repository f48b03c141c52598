"""The lexicon files under luoshi/parsing/data/zh: an entry listed twice is a sign of a merge gone wrong."""

from __future__ import annotations

from importlib import resources

import pytest

from luoshi.parsing import lexicon

NAMES = sorted(
    p.name.removesuffix(".txt")
    for p in resources.files("luoshi.parsing").joinpath("data/zh").iterdir()
    if p.name.endswith(".txt")
)


@pytest.mark.parametrize("name", NAMES)
def test_it_lists_each_entry_once_per_section(name: str) -> None:
    repeated = {
        section: sorted({e for e in entries if entries.count(e) > 1})
        for section, entries in lexicon.load(name).items()
        if len(set(entries)) != len(entries)
    }
    assert not repeated, f"data/zh/{name}.txt repeats entries: {repeated}"
