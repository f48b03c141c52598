"""Indicator targets (预期目标): `地区生产总值增长x%左右`, `城镇登记失业率控制在5%以内`,
`到2025年突破70亿元`, and number-less items of a target list (`城乡居民人均可支配收入稳步增长`).

A number tied to one task's output (`完成林业建设*.*万亩`) is a quantity, not a target: a target
needs an indicator, either one of the known names or a noun phrase ending like one (…率, …总额,
…产值).
"""

from __future__ import annotations

import re

from ..document import Document, Mention, Sentence
from ..lexicon import alternation, pattern_alternation, words

_NUM = r"(?:\d+(?:\.\d+)?|[xX*]+(?:\.[xX*]+)?)"
_UNIT = rf"(?:(?:{alternation(words('quantities', 'magnitude'))})?(?:{alternation(words('quantities', 'measure'))}))"
_QUAL_AFTER = r"(?:左右|以上|以内|以下)"
_KNOWN = alternation(words("targets", "indicator"))
_SUFFIX = alternation(words("targets", "suffix"))
_GROWTH = alternation(words("targets", "growth_verb"))
_LEVEL = alternation(words("targets", "level_verb"))
_QUALITATIVE = pattern_alternation(words("targets", "qualitative"))
_STOP = re.compile(pattern_alternation(words("targets", "stop")))
_WORK_MEASURE = re.compile(pattern_alternation(words("targets", "work_measure")))
_SHARE = re.compile(r"占[^的]+的(?:比重|比例)$")  # 民生支出占一般公共预算支出的比重

# a goal is a quantity (components/quantities.py, which leaves out thresholds such as 10亿元以上
# 企业) with the words around it: a verb or a bound before, a qualifier after
_BEFORE_GOAL = re.compile(
    rf"(?P<lead>不低于|不少于|高于)?(?P<verb>(?:增速|增幅)?(?:{_GROWTH}|{_LEVEL}))?(?P<lead2>不低于|不少于|高于)?(?:在)?$"
)
_AFTER_GOAL = re.compile(rf"(?:大关)?(?P<qual>{_QUAL_AFTER})?")
_VALUE = re.compile(_NUM)
_LIST_GOAL = re.compile(
    rf"分别(?P<verb>{_GROWTH}|{_LEVEL})(?P<values>{_NUM}{_UNIT}?(?:(?:、|和|,|，){_NUM}{_UNIT}?)+)(?P<qual>{_QUAL_AFTER})?"
)
_QUAL_RE = re.compile(_QUALITATIVE)
_INDICATOR_END = re.compile(rf"(?:{_KNOWN}|(?:{_SUFFIX}))$")
_CLAUSE = re.compile(r"[,，;；:：。、“”()]")
_PLACEHOLDER = re.compile(r"[xX*]")
_FILLER = re.compile(
    r"(?:就|也|要|必须|必须要|务必|力争|确保|能够|需要|全年|今年|明年|年内|上半年|下半年|前三季度|第?[一二三四]季度末?|累计|同比)+$"
)
_LEADING = re.compile(
    r"(?:(?:[\dxX*.]+%|到(?:19|20)\d{2}年|为我[县旗市区]|全面梳理|梳理|全[县旗市区盟州]|围绕(?:(?:19|20)\d{2}年)?|完成|实现|力争|确保|第?[一二三四]季度|前三季度|上半年|下半年|全年|今年|年内|当年)+)"
)
_BARE = re.compile(r"(?:总|有效|年|新增)?(?:投资|收入|税收|产值|规模|数量)")
_PAST_BEFORE = re.compile(r"去年|上年|过去|前年")
_INHERIT = re.compile(r"(?:到(?:19|20)\d{2}年|今年|明年|全年|年内|要|力争|确保|争取|并|且|同比)*$")
_TARGET_LIST = re.compile(r"(预期|主要|发展)目标(建议)?(是|为|:|：)")


def _indicator_before(folded: str, end: int) -> tuple[int, str] | None:
    """The indicator name that ends at `end`: back to a clause mark, stop words stripped."""
    filler = _FILLER.search(folded, max(0, end - 6), end)
    if filler:
        end = filler.start()
    start = end
    while start > 0 and not _CLAUSE.match(folded[start - 1]) and end - start < 24:
        start -= 1
    phrase = folded[start:end]
    cut = 0
    for m in _STOP.finditer(phrase):
        if m.end() < len(phrase):
            cut = max(cut, m.end())
    phrase = phrase[cut:]
    start += cut
    lead = _LEADING.match(phrase)
    if lead:
        phrase = phrase[lead.end() :]
    phrase = phrase.lstrip("的")
    start = end - len(phrase)
    if len(phrase) < 2 or not _INDICATOR_END.search(phrase) or _BARE.fullmatch(phrase):
        return None
    # a statistic's name has no 的 in it (用于产业发展的比例) and does not look back (已落地总投资);
    # a work measure is a task's quantity (办结率, 储备项目总投资)
    if ("的" in phrase and not _SHARE.search(phrase)) or "已" in phrase or _WORK_MEASURE.search(phrase):
        return None
    if _in_the_past(folded, start) or _PAST_BEFORE.match(phrase):
        return None
    return start, phrase


def _in_the_past(folded: str, start: int) -> bool:
    """The nearest time word before the indicator is 去年/上年: an achieved figure, not a goal."""
    times = list(_TIME_WORD.finditer(folded, 0, start))
    return bool(times) and bool(_PAST_BEFORE.fullmatch(times[-1].group(0)))


_TIME_WORD = re.compile(r"去年|上年|过去|前年|今年|明年|全年|年内|到(?:19|20)\d{2}年")


def _measure(indicator: str, verb: str, unit: str, lead: str) -> str:
    if lead == "高于" or "同步" in verb or "高于" in verb:
        return "relative"
    if re.search(r"(率|比例|比重|覆盖率)$", indicator) and unit in ("%", ""):
        return "growth" if verb and re.fullmatch(_GROWTH, verb) else "rate"
    if (
        verb
        and re.fullmatch(_GROWTH, verb)
        or "增速" in (verb or "")
        or "增幅" in (verb or "")
        or unit == "%"
    ):
        return "growth"
    return "level"


def _qualifier(verb: str, lead: str, after: str) -> str:
    if after:
        return after
    if lead:
        return lead
    if verb in ("突破",):
        return "突破"
    if verb in ("超", "超过"):
        return "以上"
    return ""


_PERIOD_WORD = re.compile(
    r"第?一季度|前?三季度|上半年|下半年|全年|今年|年均|每年|十四五|到((?:19|20)\d{2})年"
)


def _period_of(word: re.Match, year: int) -> str:
    text = word.group(0)
    if text.endswith("一季度"):
        return f"{year}Q1"
    if text.endswith("三季度"):
        return f"{year}Q3"
    if text == "上半年":
        return f"{year}H1"
    if text == "下半年":
        return f"{year}H2"
    if word.group(1):
        return word.group(1)
    if text in ("全年", "今年"):
        return str(year)
    return f"{year}-2025" if year <= 2025 else f"{year}-{year + 4}"


def _period(folded: str, year: int, start: int = 0, end: int | None = None) -> str:
    """The period a goal is set for: the last period word before it in its clause (下半年…增长6.9%,
    力争全年增长6.5%), else the first in its sentence, else the plan year."""
    near = list(_PERIOD_WORD.finditer(folded, start, len(folded) if end is None else end))
    if near:
        return _period_of(near[-1], year)
    first = _PERIOD_WORD.search(folded)
    return _period_of(first, year) if first else str(year)


def _target(sentence: Sentence, start: int, end: int, **data) -> Mention:
    return sentence.mention("target", start, end, data)


def find_targets(sentence: Sentence, year: int) -> list[Mention]:
    """The sentence's targets; its quantities must have been found (the pipeline's order)."""
    folded = sentence.folded
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    period = _period(folded, year, 0, 0)
    for m in _LIST_GOAL.finditer(folded):
        found.extend(_list_targets(sentence, m, period))
        taken.append(m.span())
    for q in sentence.of_kind("quantity"):
        q_start, q_end = sentence.local(q.start), sentence.local(q.end)
        if any(a <= q_start < b for a, b in taken):
            continue
        after = _AFTER_GOAL.match(folded, q_end)
        m = _BEFORE_GOAL.search(folded, max(0, q_start - 12), q_start)
        verb = m.group("verb") or ""
        lead = m.group("lead") or m.group("lead2") or ""
        head = m.start()
        # without a verb, only `参保率X%`: an indicator right before the number
        if not verb and not lead and not _INDICATOR_END.search(folded[max(0, head - 12) : head]):
            continue
        ind = _indicator_before(folded, head)
        if ind is None:
            inherited = _inherited(folded, head, found)
            if inherited is None:
                continue
            indicator, clause_start = inherited
        else:
            clause_start, phrase = ind
            indicator = sentence.plain[clause_start : clause_start + len(phrase)]
        unit = q.data["unit"]
        num = folded[q_start : q_end - len(unit)]
        placeholder = bool(q.data["placeholder"])
        p = _period(folded, year, _clause_before(folded, clause_start), head)
        if folded.startswith(("的增速", "的增长"), q_end):
            verb = "增长"
        end = after.end("qual") if after.group("qual") else q_end
        found.append(
            _target(
                sentence,
                clause_start,
                end,
                indicator=indicator,
                measure=_measure(indicator, verb, unit, lead),
                value=None if placeholder else _value(num),
                placeholder=placeholder,
                unit=unit,
                qualifier=_qualifier(verb, lead, after.group("qual") or ""),
                period=p,
            )
        )
        taken.append((clause_start, end))
    for m in _QUAL_RE.finditer(folded):
        if any(a <= m.start() < b for a, b in taken):
            continue
        ind = _indicator_before(folded, m.start())
        if ind is None:
            if "目标任务" in m.group(0):
                found.append(
                    _target(
                        sentence,
                        m.start(),
                        m.end(),
                        indicator=_task_goal(m.group(0)),
                        measure="level",
                        value=None,
                        placeholder=False,
                        unit="",
                        qualifier="",
                        period=period,
                    )
                )
            continue
        ind_start, indicator = ind
        phrase = m.group(0)
        relative = "同步" in phrase or "高于" in phrase
        measure = (
            "relative"
            if relative
            else ("growth" if "增长" in phrase else ("rate" if indicator.endswith("率") else "level"))
        )
        qualifier = "同步" if "同步" in phrase else ("高于" if "高于" in phrase else "")
        found.append(
            _target(
                sentence,
                ind_start,
                m.end(),
                indicator=sentence.plain[ind_start : ind_start + len(indicator)],
                measure=measure,
                value=None,
                placeholder=False,
                unit="",
                qualifier=qualifier,
                period=_period(folded, year, _clause_before(folded, ind_start), ind_start),
            )
        )
    return found


def _clause_before(folded: str, start: int) -> int:
    """Where the clause holding `start` begins, or the one before when `start` opens it."""
    mark = max(folded.rfind(c, 0, max(0, start - 1)) for c in ",，;；:：。")
    return mark + 1


def _value(num: str) -> float | None:
    """The number a goal states: `1,200` is 1200; of a range (`5至8`) the first."""
    m = _VALUE.match(num.replace(",", ""))
    return float(m.group()) if m else None


def _inherited(folded: str, head: int, found: list[Mention]) -> tuple[str, int] | None:
    """`地区生产总值年均增速达到8.5%，到2025年突破70亿元`: the second goal keeps the first's indicator."""
    if not found:
        return None
    clause = max(folded.rfind(",", 0, head), folded.rfind("，", 0, head))
    if clause < 0 or not _INHERIT.fullmatch(folded[clause + 1 : head]):
        return None
    return found[-1].data["indicator"], clause + 1


def _task_goal(phrase: str) -> str:
    m = re.search(r"下达的(.*?)目标任务", phrase)
    return m.group(1) if m and m.group(1) else phrase


def _list_targets(sentence: Sentence, m: re.Match, period: str) -> list[Mention]:
    """`城乡居民人均可支配收入分别增长7.5%和8.5%`, `马铃薯、果蔬产量分别突破10万吨、25万吨`."""
    folded = sentence.folded
    ind = _indicator_before_list(folded, m.start())
    if ind is None:
        return []
    start, names = ind
    values = re.findall(rf"({_NUM})({_UNIT})?", m.group("values"))
    if len(values) != len(names):
        return []
    out = []
    verb = m.group("verb")
    for name, (num, unit) in zip(names, values, strict=True):
        unit = unit or values[-1][1]
        placeholder = bool(_PLACEHOLDER.search(num))
        out.append(
            _target(
                sentence,
                start,
                m.end(),
                indicator=name,
                measure=_measure(name, verb, unit, ""),
                value=None if placeholder else float(num),
                placeholder=placeholder,
                unit=unit,
                qualifier=_qualifier(verb, "", m.group("qual") or ""),
                period=period,
            )
        )
    return out


def _indicator_before_list(folded: str, end: int) -> tuple[int, list[str]] | None:
    start = end
    while start > 0 and folded[start - 1] not in ",，;；:：。()“”" and end - start < 40:
        start -= 1
    phrase = folded[start:end]
    cut = 0
    for m in _STOP.finditer(phrase):
        if m.end() < len(phrase) and "、" not in phrase[m.end() - len(m.group(0)) : m.end()]:
            cut = max(cut, m.end())
    phrase, start = phrase[cut:], start + cut
    if "城乡" in phrase and "、" not in phrase:
        rest = phrase.split("城乡", 1)[1]
        return start, ["城镇" + rest, "农村" + rest]
    items = phrase.split("、")
    if len(items) < 2:
        return None
    last = items[-1]
    suffix = re.search(rf"({_SUFFIX}|产量|收入)$", last)
    if not suffix:
        return None
    tail = last[len(last) - len(suffix.group(0)) :]
    names = [i + tail for i in items[:-1]] + [last]
    return start, names


def targets(doc: Document) -> None:
    year = doc.plan_year or 0
    for sentence in doc.sentences:
        if sentence.heading is not None or sentence.role not in ("plan", "requirements"):
            continue
        found = find_targets(sentence, year)
        sentence.mentions.extend(found)
        doc.targets.extend(found)


def is_target_list(sentence: Sentence) -> bool:
    """The sentence that states the main target list gives targets only, not a task."""
    return bool(_TARGET_LIST.search(sentence.folded)) and len(sentence.of_kind("target")) >= 2
