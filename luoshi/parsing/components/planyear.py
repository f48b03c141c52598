"""The plan year: the year whose work the document plans; deadlines resolve against it."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from ..document import Document
from ..lexicon import words

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# "做好2022年…", "2022年是…之年", "2022年经济工作", "2022年工作安排"
_STATED = re.compile(
    r"(?:做好|抓好|完成|实现|推进|部署|安排|全面做好|确保)((?:19|20)\d{2})年"
    r"|((?:19|20)\d{2})年(?:是|全[县旗市区年]|经济|工作|的?主要|目标|重点|预期|政府工作)"
)


_ANCHORS = [
    (re.compile(pattern.strip()), int(year))
    for pattern, _, year in (entry.partition("=>") for entry in words("time", "plan_year_anchor"))
]


def plan_year(doc: Document) -> None:
    text = doc.folded
    stated = Counter(int(m.group(1) or m.group(2)) for m in _STATED.finditer(text))
    in_plan = Counter(
        int(m.group(1))
        for s in doc.sentences
        if s.role in ("plan", "requirements")
        for m in _YEAR.finditer(s.folded)
    )
    everywhere = Counter(int(m.group(1)) for m in _YEAR.finditer(text))
    for counts in (stated, in_plan):
        if counts:
            top = max(counts.values())
            doc.plan_year = max(y for y, n in counts.items() if n == top)
            return
    anchored = Counter(year for pattern, year in _ANCHORS for _ in pattern.finditer(text))
    if anchored:
        doc.plan_year = anchored.most_common(1)[0][0]
        return
    if everywhere:
        # a document that only looks back names the past year; its plan is the one after the latest
        doc.plan_year = max(everywhere)
        return
    doc.plan_year = date.today().year
