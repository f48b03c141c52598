"""Units (单位): government and party organs, enterprises and collectives named in the text.

Every mention counts at the document level (a unit register is matched against them later). A
sentence's own units are the actors among them: a unit that opens a clause and is followed by a
directive (`旗发改委要…`, `由政务服务局牵头`), not a partner or an object (`与特变电工对接`).
"""

from __future__ import annotations

import re

from ..document import Document, Mention, Sentence
from ..lexicon import alternation, pattern_alternation, words

_ORGAN = alternation(words("units", "organ"))
_LEVEL = alternation(words("units", "level"))
_DEPT = alternation(words("units", "department"))
_ORGAN_WORD = alternation(words("units", "organ_word"))
_COLLECTIVE = alternation([w.replace("（", "(").replace("）", ")") for w in words("units", "collective")])
_DOMAIN = alternation(words("units", "domain_department"))
_ENTERPRISE = alternation(words("units", "enterprise_word"))
_HAN = r"[\u4e00-\u9fff]"

_FIRST = "".join(
    sorted(
        {
            w[0]
            for section in ("organ", "level", "department", "collective", "domain_department")
            for w in words("units", section)
        }
        | set("中X*县旗市区盟蒙妇党")
    )
)
# the lookahead on the first character lets the engine skip most positions at once
_UNIT = re.compile(
    rf"(?=[{re.escape(_FIRST)}])(?:(?P<party>中共[\u4e00-\u9fffX*]{{0,6}}?(?:[县旗市区省]委员会|[县旗市区省]委)|中国共产党[\u4e00-\u9fffX*]{{1,12}}?委员会)"
    rf"|(?P<collective>{_COLLECTIVE})"
    rf"|(?P<list>(?:{_DOMAIN}|{_DEPT})(?:、(?:{_DOMAIN}|{_DEPT}|{_HAN}{{2,4}})){{1,5}}等(?:有关)?部门)"
    rf"|(?P<domain>(?:{_DOMAIN})部门)"
    rf"|(?P<dept>(?:[X*]{{0,2}}(?:{_LEVEL}))?(?:{_DEPT})(?:和?(?:{_DEPT})){{0,2}}(?:{_ORGAN_WORD}))"
    rf"|(?P<hospital>(?:[县旗市区盟](?:人民|中|蒙医|中医|妇幼保健|总|中心)?|蒙医|中医|妇幼保健)医院)"
    rf"|(?P<school>[县旗市区]委?党校(?:\([^)]{{1,8}}\))?|党校\([^)]{{1,8}}\))"
    rf"|(?P<organ>(?:{_ORGAN})(?:\(党组\))?))"
)
_ACTOR_AFTER = re.compile(
    rf"(?:[、和及与](?:{alternation(words('units_roles', 'fellow'))}))?[,，]?(?:都|也|还|均)?"
    rf"(?:{alternation(words('units_roles', 'actor_after'))}|{pattern_alternation(words('tasks', 'action'))})"
)
_NOT_ACTOR_BEFORE = re.compile(f"(?:{alternation(words('units_roles', 'not_actor_before'))})$")
_ACTOR_BEFORE = re.compile(f"(?:{alternation(words('units_roles', 'actor_before'))})$")
_BODY_END = re.compile(_ENTERPRISE)
_BODY_CHAR = re.compile(r"[\u4e00-\u9fffX*]")
_NOT_BODY_CHAR = set("和与要及的在对把将是了等并")
_SPLIT_COLLECTIVE = re.compile(r"各(?:乡镇|镇|苏木镇|街道)(?=各部门)")
_JOINER = re.compile(r"[、和及与]|以及")
_NOT_UNIT = re.compile(alternation(words("units_roles", "not_unit")))
_BODY_STOP = re.compile(rf"(?:\d+|[xX*])个|{alternation(words('units_roles', 'body_opener'))}")
_GENERIC_BODIES = set(words("units_roles", "generic_body"))


def _bodies(folded: str) -> list[tuple[int, int, str]]:
    """Named bodies (…领导小组, …控股集团): found from their last word, then back over the name."""
    out = []
    for m in _BODY_END.finditer(folded):
        start = m.start()
        while (
            start > 0
            and m.start() - start < 18
            and folded[start - 1] not in _NOT_BODY_CHAR
            and _BODY_CHAR.match(folded[start - 1])
        ):
            start -= 1
        if m.start() - start >= 2:
            begin = _body_start(folded, start, m.end())
            if begin is not None:
                out.append((begin, m.end(), "body"))
    # 清河经济开发区 inside 清河经济开发区管委会: one body
    return [b for b in out if not any(o != b and o[0] <= b[0] and b[1] <= o[1] for o in out)]


def find_units(sentence: Sentence) -> list[Mention]:
    folded = sentence.folded
    out: list[Mention] = []
    spans = [(m.start(), m.end(), m.lastgroup or "organ") for m in _UNIT.finditer(folded)]
    bodies = _bodies(folded)
    if bodies:
        spans = sorted([s for s in spans if not any(b[0] <= s[0] < b[1] for b in bodies)] + bodies)
    for start, end, kind in spans:
        if _NOT_UNIT.match(folded, start):
            continue
        split = _SPLIT_COLLECTIVE.match(folded, start)
        if split:
            out.append(
                Mention(
                    "unit",
                    sentence.start + start,
                    sentence.start + split.end(),
                    sentence.text[start : split.end()],
                    {"kind": kind},
                )
            )
            start = split.end()
        out.append(
            Mention(
                "unit", sentence.start + start, sentence.start + end, sentence.text[start:end], {"kind": kind}
            )
        )
    return out


def _body_start(folded: str, start: int, end: int) -> int | None:
    """Where a named body (…领导小组, …集团) starts: after any verb or count that opens its clause."""
    cut = start
    for m in _BODY_STOP.finditer(folded, start, end):
        if m.end() < end - 2:
            cut = max(cut, m.end())
    name = folded[cut:end]
    if len(name) < 4 or name in _GENERIC_BODIES:
        return None
    return cut


def _actors(sentence: Sentence, units: list[Mention]) -> list[Mention]:
    """Units that act: they head a clause (after a list of units) followed by a directive."""
    folded = sentence.folded
    actors: list[Mention] = []
    i = 0
    while i < len(units):
        # a run of units joined by 、和 … forms one subject
        j = i
        while j + 1 < len(units):
            gap = folded[units[j].end - sentence.start : units[j + 1].start - sentence.start]
            if gap == "" or _JOINER.fullmatch(gap):
                j += 1
            else:
                break
        first, last = units[i], units[j]
        before = folded[max(0, first.start - sentence.start - 8) : first.start - sentence.start]
        after = folded[last.end - sentence.start : last.end - sentence.start + 16]
        at_marker = first.start - sentence.start == len(sentence.enumeration)
        clause_start = at_marker or before[-1] in ",，;；:：。" or _ACTOR_BEFORE.search(before)
        if clause_start and not _NOT_ACTOR_BEFORE.search(before) and _ACTOR_AFTER.match(after):
            actors.extend(units[i : j + 1])
        i = j + 1
    return actors


def units(doc: Document) -> None:
    seen: dict[str, Mention] = {}
    for sentence in doc.sentences:
        found = find_units(sentence)
        for u in found:
            seen.setdefault(u.text, u)
        if sentence.heading is None:
            for actor in _actors(sentence, found):
                sentence.mentions.append(Mention("actor", actor.start, actor.end, actor.text, actor.data))
    doc.units = list(seen.values())
