"""Projects (重点项目): named projects and facilities that are the object of work.

A project's name ends with a facility word (项目, 工程, 产业园, 风电…) and starts after the last
verb or particle of its clause (推进, 实施的, 、…). A list that shares one suffix (`推进A、B和C等项目
建设`) gives each item. A name made only of generic words (`高标准农田建设`, `市级重点项目`,
`光伏扶贫电站`) is a programme, not a named project.
"""

from __future__ import annotations

import re

from ..document import Document, Mention, Sentence
from ..lexicon import alternation, words

_SUFFIX = alternation(words("projects", "suffix"))
_PHASE = r"(?:[一二三四五六七八九十\d]+期)"
_END = re.compile(rf"(?:{_SUFFIX}){_PHASE}?(?:建设(?=项目|工程))?(?:项目|工程)?{_PHASE}?")
_CUT = re.compile(alternation(words("projects", "cut")))
_TASK_VERBS = [
    w for line in words("tasks", "action") for w in line.split("|") if re.fullmatch(r"[\u4e00-\u9fff]+", w)
]
# a name does not open with a verb of its clause (办好10件…, 推行…); the verbs of tasks are that too
_OPENER = re.compile(alternation([*words("projects", "verb"), *_TASK_VERBS]))
_GENERIC = re.compile(
    alternation([*words("projects", "generic"), *_TASK_VERBS]) + f"|{_SUFFIX}|建设|项目|工程|改造|提升|升级"
)
_COUNT = re.compile(r"^(?:[xX*\d]+|[一二两三四五六七八九十几多]+)(?:个|批|所|项|处|座|类|家|件)")
_FIGURE = re.compile(
    r"(?:[\d.xX*]+|[一二三四五六七八九十]+期)(?:万|千|百|亿)?(?:千瓦|兆瓦|瓦|吨|亩|头|个|座|处|米|期|级|件)?"
)
_LIST_END = re.compile(r"等(?:重点|重大)?(?:项目|工程)")
_YEAR = re.compile(r"(?:19|20)\d{2}年度?")  # 2022年京津风沙源治理工程: the year is no part of the name
_MARKER = re.compile(r"\d{1,2}[.、](?!\d)")  # 1.新建社区养老服务综合体: an item's number
_BOUNDARY = set(",，。;；:：、“”!?！？《》")
_ITEM_SPLIT = re.compile(r"、|和|及|以及")
_MAX = 40
_JOIN = re.compile(r"和|及|与")
_END_AT = re.compile(rf"(?:{_SUFFIX}){_PHASE}?(?:项目|工程)?{_PHASE}?$")
_ACTS = re.compile(r"(?:要|务必|必须|负责|牵头|应)")
_BUILT = re.compile(alternation(words("projects", "built")))
_ROAD = re.compile(alternation(words("projects", "road")))
_RATED = re.compile(r"(?:成功)?(?:创建|获评|荣获|入选|被评为|晋级|晋升)")
_CLAUSE_END = re.compile(r"[,，;；。]")
_WORK_END = re.compile(rf"(?:项目|工程){_PHASE}?$")


def _start_of_name(folded: str, clause_start: int, end: int) -> int:
    """After the last cut word of the clause, then past opening verbs and counts."""
    start = clause_start
    for m in _CUT.finditer(folded, clause_start, end):
        if m.end() <= end - 2:
            start = max(start, m.end())
    name = folded[start:end]
    changed = True
    while changed:
        changed = False
        opener = _OPENER.match(name)
        if opener and len(name) > opener.end() + 2:
            name, start, changed = name[opener.end() :], start + opener.end(), True
        count = _COUNT.match(name) or _YEAR.match(name) or _MARKER.match(name)
        if count and len(name) >= count.end() + 2:
            name, start, changed = name[count.end() :], start + count.end(), True
    if name.count("(") > name.count(")"):
        start += name.rfind("(") + 1
    return start


def _is_named(name: str) -> bool:
    """A specific owner, place or name is left once the generic words are gone."""
    rest = _FIGURE.sub("#", _GENERIC.sub("", name))
    has_figure = "#" in rest
    rest = re.sub(r"[#()“”\-+]", "", rest)
    return len(rest) >= 2 or (has_figure and len(rest) >= 1)


def _long_enough(name: str) -> bool:
    """`*小学` is a name whose proper part was redacted; otherwise a name has four characters or more."""
    return len(name) >= 4 or (len(name) == 3 and name[0] in "xX*")


def _clause_start(folded: str, end: int) -> int:
    start = end
    while start > 0 and folded[start - 1] not in _BOUNDARY and end - start < _MAX:
        start -= 1
    return start


def _mention(sentence: Sentence, start: int, end: int) -> Mention:
    return sentence.mention("project", start, end)


def _list_items(sentence: Sentence, m: re.Match) -> list[Mention]:
    """`推进A、B和C等项目建设`: each item before 等 shares the suffix."""
    folded = sentence.folded
    end = m.start()
    start = end
    while start > 0 and folded[start - 1] not in ",，。;；:：“”" and end - start < 80:
        start -= 1
    out = []
    pos = start
    items = _ITEM_SPLIT.split(folded[start:end])
    for item in items:
        item_start = pos
        pos += len(item)
        sep = _ITEM_SPLIT.match(folded, pos)
        if sep:
            pos = sep.end()
        if not item:
            continue
        s = _start_of_name(folded, item_start, item_start + len(item))
        name = folded[s : item_start + len(item)]
        if _long_enough(name) and _is_named(name):
            out.append(_mention(sentence, s, item_start + len(item)))
    return out


def find_projects(sentence: Sentence) -> list[Mention]:
    folded = sentence.folded
    out: list[Mention] = []
    for m in _LIST_END.finditer(folded):
        out.extend(_list_items(sentence, m))
    last_end = 0
    for m in _END.finditer(folded):
        end = m.end()
        if end <= last_end:
            continue
        start = _start_of_name(folded, _clause_start(folded, end - len(m.group(0))), end)
        name = folded[start:end]
        # 恐龙科普等旅游项目: a list's label, its items named before 等
        if "等" in name or not _long_enough(name) or not _is_named(name):
            continue
        if m.group(0).startswith("段") and not _ROAD.search(name):
            continue  # 路段, 阶段, 时段: no stretch of a road
        if any(p.start <= sentence.at(start) and sentence.at_end(end) <= p.end for p in out):
            continue
        out.append(_mention(sentence, start, end))
        last_end = end
    return out


def _outermost(found: list[Mention]) -> list[Mention]:
    """`青石镇光伏` inside `青石镇光伏储能项目`: keep the whole name only."""
    return [
        m
        for m in found
        if not any(
            o is not m and o.start <= m.start and m.end <= o.end and (o.start, o.end) != (m.start, m.end)
            for o in found
        )
    ]


def _split_pairs(sentence: Sentence, found: list[Mention]) -> list[Mention]:
    """`城南物流园一期工程和青石镇光伏储能项目`, `乡镇中心卫生院与县总医院`: two names that each end with a
    facility word. Two facilities before one shared `…项目` (`一中综合楼和实验小学教学楼改扩建项目`)
    are one name."""
    out = []
    for m in found:
        first, last = sentence.local(m.start), sentence.local(m.end)
        local = sentence.folded[first:last]
        shared_tail = bool(_WORK_END.search(local))
        cut = 0
        for j in _JOIN.finditer(local):
            left = _END_AT.search(local, 0, j.start())
            complete = left and (_WORK_END.search(local, 0, j.start()) or not shared_tail)
            if complete and j.start() - cut >= 4 and len(local) - j.end() >= 4:
                out.append(_mention(sentence, first + cut, first + j.start()))
                cut = j.end()
        out.append(_mention(sentence, first + cut, last))
    return out


def _acting(sentence: Sentence, m: Mention) -> bool:
    """A facility that heads a clause and acts (`县政务服务中心要推行…`) or earns a rating
    (`县人民医院成功创建三级甲等医院`) is a unit, not a project; one whose clause is about its own building
    (`滨江实验学校要在8月底前建成`) is a project."""
    end = sentence.local(m.end)
    if _RATED.match(sentence.folded, end):
        return True
    if not _ACTS.match(sentence.folded, end):
        return False
    clause = _CLAUSE_END.search(sentence.folded, end)
    return not _BUILT.search(sentence.folded, end, clause.start() if clause else len(sentence.folded))


def projects(doc: Document) -> None:
    seen: dict[str, Mention] = {}
    for sentence in doc.sentences:
        if sentence.heading is not None:
            continue
        found = [
            m for m in _split_pairs(sentence, _outermost(find_projects(sentence))) if not _acting(sentence, m)
        ]
        sentence.mentions.extend(found)
        for p in found:
            seen.setdefault(p.text, p)
    doc.projects = list(seen.values())
