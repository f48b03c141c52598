"""Quantities: each number with a measure word (`*.*万亩`, `x%`, `130万千瓦`, `5千头`, `*、*家`).

Not quantities: years, dates, ordinals, durations, deadlines (no measure word matches them),
ratings such as `x千伏` or `4A级`, thresholds (`*万元以上的企业`), baselines (`在并网X万千瓦的
基础上`) and counts of the listed items themselves (`x项工程`).
"""

from __future__ import annotations

import re

from ..document import Document, Mention, Sentence
from ..lexicon import alternation, words

_DIGITS = r"(?:\d+(?:[.,]\d+)*|[xX*]+(?:\.[xX*]+)?)"
_CN = r"[一二两三四五六七八九十百千万亿]+"
_MAG = alternation(words("quantities", "magnitude"))
_MEASURE = alternation(words("quantities", "measure"))
_PHYSICAL = alternation(words("quantities", "physical"))
_LISTED = alternation(words("quantities", "listed_items"))

_QUANTITY = re.compile(
    rf"(?P<num>{_DIGITS}(?:(?:至|到|-|~|、)(?:{_DIGITS}))?)(?:{_MAG})?(?P<unit>{_MEASURE})"
    rf"|(?<![一二两三四五六七八九十百千万亿第])(?P<cn>{_CN})(?P<cnunit>{_PHYSICAL})"
)
_THRESHOLD = re.compile(
    r"(?:以上|以下|及以上|及以下)?的(?!基础|同时|(?:发展|预期|奋斗)?目标|增速|增幅|增长|水平)"
    r"|(?:以上|以下)(?:的)?(?:项目|企业|工业企业|单位|村|户)"
)
_LISTED_ITEMS = re.compile(_LISTED)
_DURATION = re.compile(r"月|工作日|日|天|周|小时")
_BASELINE_BEFORE = re.compile(r"在[^，,。；;]{0,12}$")
_BASELINE_AFTER = re.compile(r"[^，,。；;]{0,6}的?基础上")
_PLACEHOLDER = re.compile(r"[xX*]")


def find_quantities(sentence: Sentence) -> list[Mention]:
    folded = sentence.folded
    found: list[Mention] = []
    for m in _QUANTITY.finditer(folded):
        start, end = m.span()
        num = m.group("num") or m.group("cn")
        if m.group("cn") and not (
            re.search("[十百千万亿]", num) and re.search("[一二两三四五六七八九十百千]", num)
        ):
            continue  # 两头, 三人, 亿元以上: counting in words or a bare magnitude, not a figure
        if start > 0 and folded[start - 1] in "第年月日":
            continue
        if start > 0 and folded[start - 1].isdigit():
            continue
        unit_start = m.start("unit") if m.group("unit") else m.start("cnunit")
        if (
            _THRESHOLD.match(folded, end)
            or _DURATION.match(folded, end)
            or _LISTED_ITEMS.match(folded, unit_start)
        ):
            continue
        if _BASELINE_BEFORE.search(folded, max(0, start - 14), start) and _BASELINE_AFTER.match(folded, end):
            continue
        found.append(
            sentence.mention(
                "quantity",
                start,
                end,
                {
                    "unit": folded[m.end("num") if m.group("num") else m.end("cn") : end],
                    "placeholder": bool(_PLACEHOLDER.search(num)),
                },
            )
        )
    return found


def quantities(doc: Document) -> None:
    for sentence in doc.sentences:
        if sentence.heading is None:
            sentence.mentions.extend(find_quantities(sentence))
