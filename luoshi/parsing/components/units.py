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
_ORGAN_LEVEL = alternation(words("units", "organ_level"))
_ORGAN_CORE = alternation(words("units", "organ_core"))
_LEVEL = alternation(words("units", "level"))
_DEPT = alternation(words("units", "department"))
_ORGAN_WORD = alternation(words("units", "organ_word"))
_ORGAN_WORD_LEVELLED = alternation(words("units", "organ_word_levelled"))
_COLLECTIVE = alternation([w.replace("（", "(").replace("）", ")") for w in words("units", "collective")])
_COLLECTIVE_PATTERN = pattern_alternation(words("units", "collective_pattern"))
_UTILITY = re.compile(pattern_alternation(words("units", "utility")))
_DOMAIN = alternation(words("units", "domain_department"))
_ENTERPRISE = alternation(words("units", "enterprise_word"))
_ACTION = re.compile(pattern_alternation(words("tasks", "action")))
_HAN = r"[\u4e00-\u9fff]"

_FIRST = "".join(
    sorted(
        {
            w[0]
            for section in ("organ", "organ_level", "level", "department", "collective", "domain_department")
            for w in words("units", section)
        }
        | set("中X*县旗市区盟蒙妇党各")
    )
)
# the lookahead on the first character lets the engine skip most positions at once
_UNIT = re.compile(
    rf"(?=[{re.escape(_FIRST)}])(?:(?P<party>中共[\u4e00-\u9fffX*]{{0,8}}?(?:[县旗市区省州]委员会|[县旗市区省州]委)|中国共产党[\u4e00-\u9fffX*]{{1,12}}?委员会)"
    rf"|(?P<collective>{_COLLECTIVE_PATTERN}|{_COLLECTIVE})"
    rf"|(?P<school>[县旗市区]委?党校(?:\([^)]{{1,8}}\))?|党校\([^)]{{1,8}}\))"
    rf"|(?P<list>(?:{_DOMAIN}|{_DEPT})(?:、(?:{_DOMAIN}|{_DEPT}|{_HAN}{{2,4}})){{1,5}}等(?:有关)?部门)"
    rf"|(?P<domain>(?:{_DOMAIN})部门)"
    rf"|(?P<organ>(?:{_ORGAN})(?:\(党组\))?)"
    rf"|(?P<level_organ>(?:{_ORGAN_LEVEL})(?:第?[一二三四五六七八九十]{{1,3}}届)?(?:{_ORGAN_CORE})(?:\(党组\))?)"
    rf"|(?P<dept>(?:[X*]{{0,2}}(?:{_LEVEL}))?(?:{_DEPT})(?:和?(?:{_DEPT})){{0,2}}(?:{_ORGAN_WORD})(?:{_HAN}{{2,4}}分局)?"
    rf"|[X*]{{0,2}}(?:{_LEVEL})(?:{_DEPT})(?:和?(?:{_DEPT})){{0,2}}(?:{_ORGAN_WORD_LEVELLED}))"
    rf"|(?P<hospital>(?:[县旗市区盟](?:第[一二三四五六七八九十]{{1,2}})?(?:人民|中|蒙医|中医|妇幼保健|总|中心)?|蒙医|中医|妇幼保健)医院)"
    rf")"
)
_ACTOR_AFTER = re.compile(
    rf"(?:[、和及与](?:{alternation(words('units_roles', 'fellow'))}))?[,，]?(?:都|也|还|均)?"
    # a time between the unit and its verb: 旗政府每半年召开…, 县住建局年内完成…
    rf"(?:每(?:年|半年|季度|月|周)|年内|今年|明年|上半年|下半年|第?[一二三四]季度)?"
    rf"(?:{alternation(words('units_roles', 'actor_after'))}|{pattern_alternation(words('tasks', 'action'))})"
)
_NOT_ACTOR_BEFORE = re.compile(f"(?:{alternation(words('units_roles', 'not_actor_before'))})$")
_ACTOR_BEFORE = re.compile(f"(?:{alternation(words('units_roles', 'actor_before'))})$")
_BODY_END = re.compile(_ENTERPRISE)
_BODY_CHAR = re.compile(r"[\u4e00-\u9fffX*]")
_NOT_BODY_CHAR = set("和与要及的在对把将是了等并")
_JOINER = re.compile(r"[、和及与]|以及")
_NOT_UNIT = re.compile(alternation(words("units_roles", "not_unit")))
_BODY_STOP = re.compile(rf"(?:\d+|[xX*])个|{alternation(words('units_roles', 'body_opener'))}")
_GENERIC_BODIES = set(words("units_roles", "generic_body"))
_PEOPLE_AFTER = re.compile(pattern_alternation(words("units_roles", "people_after")))
_TOWNSHIP = re.compile(pattern_alternation(words("units", "township")))
_TOWNSHIP_GENERIC = tuple(words("units", "township_generic"))
_TOWNSHIP_NOT_FIRST = re.compile(alternation(words("units", "township_not_first")))
_TOWN_DEEDS = re.compile(alternation(words("units_roles", "town_deeds")))
# characters that cannot be part of a place name before an organ's level (全县, 各乡镇, 我代表…)
_NOT_PLACE_CHAR = set(
    "我们你他它这那是在对把将和与及的了等并向由为经请让使从到给被以于同跟各全本该每其此之所要"
)
_FORMAL = tuple(words("units", "formal_core"))
_NAME_START = re.compile(rf"{_ORGAN_LEVEL}|[xX*]")  # a level, or a redacted place name
_DISTRICT_WORDS = tuple(words("units", "district_word"))
_PLACE_MAX = 8
_TOWN_NAME = (2, 4)


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


def _place_before(folded: str, start: int) -> int | None:
    """Where the place name before an organ's level starts (沅溪县人民政府, 那隆镇人民政府), `start`
    when nothing stands before it but a boundary, a function word or a verb, None when a single
    character does (社区党委: a 区党委 inside a word)."""
    begin = start
    while begin > 0 and start - begin < _PLACE_MAX and re.match(_HAN, folded[begin - 1]):
        if folded[begin - 1] in _NOT_PLACE_CHAR:
            break
        begin -= 1
    if begin == start:
        return start
    if start - begin >= _PLACE_MAX and begin > 0 and re.match(_HAN, folded[begin - 1]):
        return start  # a run of words, not a name
    # a verb ends what goes before the name: 督促县住建局, 全面提升县人民政府
    for m in _BODY_STOP.finditer(folded, begin, start):
        begin = max(begin, m.end())
    for m in _ACTION.finditer(folded, begin, start):
        begin = max(begin, m.end())
    if start - begin == 1:
        return None
    return begin


def _in_district_word(folded: str, start: int) -> bool:
    """The 区 at `start` ends a word such as 社区 or 开发区, not a district's name."""
    return folded.startswith("区", start) and any(folded.endswith(w, 0, start + 1) for w in _DISTRICT_WORDS)


def _townships(folded: str, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Named townships that act (沙湾镇要…, 临港街道获评…) or stand in a list of organs (白鹤镇党委、县财政局);
    elsewhere a township is a place."""
    found = []
    for m in _TOWNSHIP.finditer(folded):
        if any(s <= m.start() < e for s, e, _k in taken):
            continue
        begin = _place_before(folded, m.start())
        if begin is None or not _TOWN_NAME[0] <= m.start() - begin <= _TOWN_NAME[1]:
            continue
        name = folded[begin : m.end()]
        if (
            name in _TOWNSHIP_GENERIC
            or any(name.endswith(g) and len(g) > len(m.group()) for g in _TOWNSHIP_GENERIC)
            or _TOWNSHIP_NOT_FIRST.match(name)
        ):
            continue
        found.append((begin, m.end(), "township"))
    acting: list[tuple[int, int, str]] = []
    # right to left: one of a list acts when the list's last member does
    next_acts = False
    for begin, end, kind in reversed(found):
        after = folded[end : end + 16]
        before = folded[max(0, begin - 8) : begin]
        acts = bool(_ACTOR_AFTER.match(after) or _TOWN_DEEDS.match(after))
        if not acts and after[:1] in ("、", "和", "及", "与"):
            # listed with organs, it is named as one
            acts = next_acts or any(s == end + 1 for s, _e, _k in taken)
        if acts and _NOT_ACTOR_BEFORE.search(before):
            acts = False
        next_acts = acts
        if acts:
            acting.append((begin, end, kind))
    return acting[::-1]


def find_units(sentence: Sentence) -> list[Mention]:
    folded = sentence.folded
    out: list[Mention] = []
    spans = []
    for m in _UNIT.finditer(folded):
        start, kind = m.start(), m.lastgroup or "organ"
        if kind in ("level_organ", "hospital"):
            if _in_district_word(folded, start):
                continue
            # a formal name may carry its place (沅溪县人民政府, 湘平市第一人民医院)
            if m.group().endswith(_FORMAL) or (kind == "hospital" and "第" in m.group()):
                place = _place_before(folded, start)
                start = start if place is None else place
        if _PEOPLE_AFTER.match(folded, m.end()):
            continue
        spans.append((start, m.end(), kind))
    if "电网" in folded or "国网" in folded:
        # looked for apart: a pattern that may start at any character would slow every sentence
        utilities = [(u.start(), u.end(), "utility") for u in _UTILITY.finditer(folded)]
        spans = [s for s in spans if not any(b <= s[0] < e for b, e, _k in utilities)] + utilities
    bodies = _bodies(folded)
    if bodies:
        spans = sorted([s for s in spans if not any(b[0] <= s[0] < b[1] for b in bodies)] + bodies)
    spans = sorted(spans + _townships(folded, spans))
    for start, end, kind in spans:
        if _NOT_UNIT.match(folded, start):
            continue
        out.append(sentence.mention("unit", start, end, {"kind": kind}))
    return out


def _body_start(folded: str, start: int, end: int) -> int | None:
    """Where a named body (…领导小组, …集团) starts: after any verb or count that opens its clause."""
    cut = start
    for m in _BODY_STOP.finditer(folded, start, end):
        if m.end() < end - 2:
            cut = max(cut, m.end())
    # a verb right before a level or a redacted name starts the name there (完成县兴岷投资集团,
    # 加快*经济开发区); verbs inside a
    # task force's name stay (推进全社会资源全面节约集约领导小组)
    for m in _ACTION.finditer(folded, cut, end):
        if m.end() < end - 2 and _NAME_START.match(folded, m.end()):
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
            gap = folded[sentence.local(units[j].end) : sentence.local(units[j + 1].start)]
            if gap == "" or _JOINER.fullmatch(gap):
                j += 1
            else:
                break
        first, last = units[i], units[j]
        head, tail = sentence.local(first.start), sentence.local(last.end)
        before = folded[max(0, head - 8) : head]
        after = folded[tail : tail + 16]
        at_marker = head == len(sentence.enumeration)
        clause_start = at_marker or before[-1] in ",，;；:：。" or _ACTOR_BEFORE.search(before)
        if clause_start and not _NOT_ACTOR_BEFORE.search(before) and _ACTOR_AFTER.match(after):
            actors.extend(units[i : j + 1])
        i = j + 1
    return actors


def _front_lines(doc: Document) -> list[Sentence]:
    """The title and by-line paragraphs, read for the document's units only (中共…县委…讲话)."""
    return [
        Sentence(p.start, p.end, i, doc.text[p.start : p.end], doc.folded[p.start : p.end])
        for i, p in enumerate(doc.paragraphs)
        if p.kind == "front"
    ]


def units(doc: Document) -> None:
    seen: dict[str, Mention] = {}
    for line in _front_lines(doc):
        for u in find_units(line):
            seen.setdefault(u.text, u)
    for sentence in doc.sentences:
        found = find_units(sentence)
        for u in found:
            seen.setdefault(u.text, u)
        if sentence.heading is None:
            for actor in _actors(sentence, found):
                sentence.mentions.append(Mention("actor", actor.start, actor.end, actor.text, actor.data))
    doc.units = list(seen.values())
