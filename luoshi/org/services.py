"""Writes to the unit register, and matching of unit names found in speeches to the register."""

from __future__ import annotations

import re

from django.db.models import Q

from luoshi.org.models import Region, Unit, UnitAlias

# the level word a speech puts before a department (旗发改委, 县财政局) is not part of its alias
_LEVEL = re.compile(r"^(?:中共)?(?:[县旗市区盟州]|自治区|省)(?!委$|政府$)")


def _keys(mention: str) -> list[str]:
    mention = mention.strip()
    keys = [mention]
    stripped = _LEVEL.sub("", mention)
    if stripped and stripped != mention:
        keys.append(stripped)
    return keys


def match_unit(region: Region, mention: str, units: dict[str, Unit] | None = None) -> Unit | None:
    """The register's unit for a name as written in a speech: by full name, short name or alias,
    with or without the level word in front (旗发改委 → 发改委 → 发展和改革委员会)."""
    index = units if units is not None else alias_index(region)
    for key in _keys(mention):
        if key in index:
            return index[key]
    return None


def alias_index(region: Region) -> dict[str, Unit]:
    """Every way of writing each unit of the region, for matching many mentions with two queries."""
    index: dict[str, Unit] = {}
    units = list(Unit.objects.filter(region=region, active=True))
    for unit in units:
        for key in (unit.name, unit.short_name):
            if key:
                index.setdefault(key, unit)
                for extra in _keys(key)[1:]:
                    index.setdefault(extra, unit)
    by_id = {u.id: u for u in units}
    for alias in UnitAlias.objects.filter(unit__region=region, unit__active=True):
        index.setdefault(alias.alias, by_id[alias.unit_id])
        for extra in _keys(alias.alias)[1:]:
            index.setdefault(extra, by_id[alias.unit_id])
    return index


def suggest_units(region: Region, query: str, limit: int = 8) -> list[Unit]:
    """Units whose name, short name or alias contains the query, for the review page's suggestions."""
    query = query.strip()
    if not query:
        return []
    matched = match_unit(region, query)
    found = list(
        Unit.objects.filter(region=region, active=True)
        .filter(_name_contains(query))
        .distinct()
        .order_by("name")[:limit]
    )
    if matched and matched not in found:
        found.insert(0, matched)
    return found[:limit]


def _name_contains(query: str) -> Q:
    stripped = _LEVEL.sub("", query) or query
    return (
        Q(name__icontains=stripped)
        | Q(short_name__icontains=stripped)
        | Q(aliases__alias__icontains=stripped)
    )
