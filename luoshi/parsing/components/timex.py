"""Time limits (完成时限): each sentence's deadline, resolved to a date against the plan year.

Rules (ANNOTATION.md): 年内/今年/年底/全年 → Dec 31; 明年 → Dec 31 of the year after the current one
(the plan year, in a December speech); 一季度 → Mar 31; 上半年 → Jun 30; 三季度/前三季度 →
Sep 30; 下半年/四季度 → Dec 31; N月底/N月份 → last day of N; N月前 → last day of N−1; N月N日前 → that
day; 到YYYY年/YYYY年底 → Dec 31 of YYYY. A redacted month or day gives no date but a placeholder.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from ..document import Document, Mention, Sentence
from ..lexicon import pattern_alternation, words

_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3}|[xX*]{1,2})"
_PH = re.compile(r"[xX*]")
_CN_MONTH = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}

_SPECIFIC = re.compile(
    rf"(?:(?P<y1>(?:19|20)\d{{2}})年|今年|明年)?"
    rf"(?:(?P<m>{_NUM})月(?:(?P<d>{_NUM})日)?"
    rf"(?P<rest>底前|底|末前|末|中旬前|上旬前|下旬前|份前|份|前|以前|之前)"
    rf"(?:(?:和|、|至|或)(?P<m2>{_NUM})月(?:(?P<d2>{_NUM})日)?(?:底前|底|前|份))?)"
)
_QUARTER = re.compile(
    r"(?:今年|明年|年内)?(?P<q>第?一季度|上半年|前三季度|第?三季度|下半年|第?四季度|第?二季度)(?:末|底)?(?:前)?"
)
_TO_YEAR = re.compile(
    r"(?:到|至|于)(?P<y>(?:19|20)\d{2})年(?:底|末)?(?:前)?|(?P<y2>(?:19|20)\d{2})年(?:底|末)(?:前)?"
)
_YEAR_END = re.compile(pattern_alternation(words("time", "year_end")))
_NEXT_YEAR_END = re.compile(r"明年(?:年底|底|末|内)?前?")
# every time limit above has one of these; a sentence with none has no deadline to look for
_TIME_CHARS = re.compile(r"[年月季前]")
_NOT = re.compile(pattern_alternation(words("time", "not_deadline")))
_EVENT = re.compile(pattern_alternation(words("time", "event_deadline")))
_QUARTER_END = {
    "一季度": (3, 31),
    "第一季度": (3, 31),
    "第二季度": (6, 30),
    "二季度": (6, 30),
    "上半年": (6, 30),
    "前三季度": (9, 30),
    "三季度": (9, 30),
    "第三季度": (9, 30),
    "下半年": (12, 31),
    "四季度": (12, 31),
    "第四季度": (12, 31),
}


def _month(token: str) -> int | None:
    if token.isdigit():
        n = int(token)
        return n if 1 <= n <= 12 else None
    return _CN_MONTH.get(token)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _blocked(blocks: list[tuple[int, int]], start: int, end: int) -> bool:
    """A rhythm, a start or a modifier covers this spot (每月底, 从9月份开始, 年度)."""
    return any(b <= start < e or start <= b < end for b, e in blocks)


def _year_of(phrase: str, year: int, current: int) -> int:
    """今年 and 明年 count from the year the document speaks in; a bare month is the plan year's."""
    if phrase.startswith("明年"):
        return current + 1
    if phrase.startswith("今年"):
        return current
    return year


def _resolve_specific(m: re.Match, year: int, current: int) -> tuple[str | None, bool]:
    y = int(m.group("y1")) if m.group("y1") else _year_of(m.group(0), year, current)
    month_s, day_s, rest = m.group("m"), m.group("d"), m.group("rest")
    if _PH.search(month_s) or (day_s and _PH.search(day_s)):
        return None, True
    month = _month(month_s)
    if month is None:
        return None, False
    if day_s:
        day = int(day_s) if day_s.isdigit() else _CN_MONTH.get(day_s, 0)
        try:
            return date(y, month, day).isoformat(), False
        except ValueError:
            return None, False
    if rest in ("前", "以前", "之前"):
        if month == 1:
            return date(y - 1, 12, 31).isoformat(), False
        return _last_day(y, month - 1).isoformat(), False
    if rest.startswith("上旬"):
        return date(y, month, 10).isoformat(), False
    if rest.startswith("中旬"):
        return date(y, month, 20).isoformat(), False
    return _last_day(y, month).isoformat(), False


def find_deadline(sentence: Sentence, year: int, current: int | None = None) -> Mention | None:
    """The sentence's time limit; `year` is the plan year, `current` the year 今年 names (the plan
    year unless the document is given the year before)."""
    current = year if current is None else current
    folded = sentence.folded
    if not _TIME_CHARS.search(folded):
        return None
    candidates: list[tuple[int, Mention]] = []
    blocks = [m.span() for m in _NOT.finditer(folded)]

    def add(rank: int, m: re.Match, when: str | None, placeholder: bool) -> None:
        start, end = m.start(), m.end()
        if _blocked(blocks, start, end):
            return
        candidates.append(
            (
                rank,
                sentence.mention("deadline", start, end, {"date": when, "placeholder": placeholder}),
            )
        )

    for m in _SPECIFIC.finditer(folded):
        when, placeholder = _resolve_specific(m, year, current)
        if when or placeholder:
            add(4, m, when, placeholder)
    for m in _EVENT.finditer(folded):
        add(3, m, None, False)
    for m in _QUARTER.finditer(folded):
        q = m.group("q")
        month, day = _QUARTER_END[q]
        add(3, m, date(_year_of(m.group(0), year, current), month, day).isoformat(), False)
    for m in _TO_YEAR.finditer(folded):
        y = int(m.group("y") or m.group("y2"))
        add(2, m, date(y, 12, 31).isoformat(), False)
    for m in _YEAR_END.finditer(folded):
        add(1, m, date(_year_of(m.group(0), year, current), 12, 31).isoformat(), False)
    for m in _NEXT_YEAR_END.finditer(folded):
        add(1, m, date(current + 1, 12, 31).isoformat(), False)
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c[0], -c[1].start))
    return best[1]


def deadlines(doc: Document) -> None:
    year = doc.plan_year or date.today().year
    current = doc.current_year or year
    for sentence in doc.sentences:
        if sentence.heading is not None:
            continue
        found = find_deadline(sentence, year, current)
        if found:
            sentence.mentions.append(found)
