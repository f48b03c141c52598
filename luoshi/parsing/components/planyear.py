"""The plan year and the current year.

The plan year is the year whose work the document plans: deadlines resolve against it. The current
year is the year the document speaks in, the one 今年 names and 明年 counts from. A January speech
plans the year it is given in; a December one (部署明年经济工作) plans the year after, and there
`明年6月底前` is June of the plan year.

The document looks ahead when its plan and requirements parts speak of 明年 more than of 今年, and
at least three times, and it is not dated before October.
Evidence for the plan year, strongest first:
1. a stated plan year: `做好2024年…`, `部署2024年…`, or, in a plan part, `2024年是…之年`,
   `2024年工作安排` (a review part's `2023年是…` describes the past);
2. the document's own date, on a line of its own near the top (`（2023年12月27日）`, `——2025年1月8日在…`):
   that year, or the next when it looks ahead;
3. the years the plan parts name most;
4. an event that dates a document whose years are redacted (`data/zh/time.txt` [plan_year_anchor],
   each the year its sentence calls 今年; one calling it 明年 names the plan year);
5. the latest year named anywhere, then today's year.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from ..document import Document, Sentence
from ..lexicon import words

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_FORWARD = re.compile(r"(?:做好|抓好|完成|实现|推进|部署|安排|全面做好|确保)((?:19|20)\d{2})年")
_OF_PLAN = re.compile(r"((?:19|20)\d{2})年(?:是|全[县旗市区年]|经济|工作|的?主要|目标|重点|预期|政府工作)")
# the by-line date: a line that opens with it, behind brackets or a dash
_DATED = re.compile(r"^[\s（(—\-－]*((?:19|20)\d{2})年(\d{1,2})月\d{1,2}日", re.M)
_DATE_LINES = 8
_AHEAD, _THIS = "明年", "今年"
_AHEAD_AT_LEAST = 3
_LAST_QUARTER = 10
_FORWARD_ROLES = ("plan", "requirements")

_ANCHORS = [
    (re.compile(pattern.strip()), int(year))
    for pattern, _, year in (entry.partition("=>") for entry in words("time", "plan_year_anchor"))
]


def _speaks_ahead(sentences: list[Sentence], month: int | None) -> bool:
    """The plan parts speak of 明年 more than of 今年, and often: a mid-year speech's one 为明年打基础
    does not make it plan the next year, nor does anything dated before the last quarter."""
    if month is not None and month < _LAST_QUARTER:
        return False
    forward = [s.folded for s in sentences if s.role in _FORWARD_ROLES or s.heading is not None]
    ahead = sum(s.count(_AHEAD) for s in forward)
    return ahead >= _AHEAD_AT_LEAST and ahead > sum(s.count(_THIS) for s in forward)


def _dated(doc: Document) -> tuple[int, int] | None:
    """(year, month) of the by-line date."""
    head = "\n".join(doc.folded.split("\n", _DATE_LINES)[:_DATE_LINES])
    m = _DATED.search(head)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _top(counts: Counter) -> int:
    best = max(counts.values())
    return max(y for y, n in counts.items() if n == best)


def _plan_year(doc: Document, ahead: bool, dated: int | None) -> int:
    forward = [s for s in doc.sentences if s.role in _FORWARD_ROLES or s.heading is not None]
    stated = Counter(int(m.group(1)) for m in _FORWARD.finditer(doc.folded))
    stated.update(int(m.group(1)) for s in forward for m in _OF_PLAN.finditer(s.folded))
    if stated:
        return _top(stated)
    if dated is not None:
        return dated + ahead
    in_plan = Counter(
        int(m.group(1)) for s in doc.sentences if s.role in _FORWARD_ROLES for m in _YEAR.finditer(s.folded)
    )
    if in_plan:
        return _top(in_plan)
    anchored: Counter = Counter()
    for s in doc.sentences:
        for pattern, year in _ANCHORS:
            for _m in pattern.finditer(s.folded):
                # the anchor is the year its sentence calls 今年, or the plan year when it says 明年
                anchored[year if _AHEAD in s.folded else year + ahead] += 1
    if anchored:
        return anchored.most_common(1)[0][0]
    everywhere = [int(m.group(1)) for m in _YEAR.finditer(doc.folded)]
    if everywhere:
        return max(everywhere)
    return date.today().year


def plan_year(doc: Document) -> None:
    dated = _dated(doc)
    year, month = dated if dated is not None else (None, None)
    ahead = _speaks_ahead(doc.sentences, month)
    doc.plan_year = _plan_year(doc, ahead, year)
    doc.current_year = year if year is not None else doc.plan_year - ahead
