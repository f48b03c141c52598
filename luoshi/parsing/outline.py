"""Outline: numbered headings (`一、`, `第一，`, `（一）`), unnumbered part headings (`2023年工作安排`),
inline enumerations (`一是`, `一要`, `——`) and the role of each part.

A numbered heading must continue its level's sequence (一 after nothing, 二 after 一…); this keeps a
stray `三、` inside a sentence or an enumeration that happens to start a line from being taken for a
heading. A heading may open a paragraph that runs on; its title ends at the first `。`.
"""

from __future__ import annotations

import re

from .document import Document, Heading, Sentence
from .lexicon import alternation, pattern_alternation, words

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_CN = "[一二三四五六七八九十]{1,3}"

# 第一部分 is no level-1 heading (ANNOTATION.md): it heads an unnumbered part, see [part_heading]
_LEVEL1 = re.compile(rf"({_CN})[、.]\s*|第({_CN})[,、:]\s*")
_LEVEL2 = re.compile(rf"\(({_CN})\)[、.]?\s*")
_ENUMERATION = re.compile(pattern_alternation(words("structure", "enumeration")))
_PART = re.compile(pattern_alternation(words("structure", "part_heading")))
_TITLE_END = re.compile(r"[。!?]")
_TRAILING = ",.;:、，。；：!?！？ "

_ROLE_WORDS = {
    role: re.compile(alternation(words("roles", role)))
    for role in ("review", "analysis", "requirements", "plan", "plan_weak")
}
_ACHIEVEMENT = re.compile(pattern_alternation(words("roles", "achievement")))
_DIRECTS = re.compile(pattern_alternation(words("roles", "directive")))
# a part reviews when few of its sentences direct and many state figures achieved; measured on the
# visible samples and the project's corpus, review parts direct in at most 15% of their sentences
# and give achieved figures in more than 20%, every other part directs in a quarter or more
_REVIEW_DIRECTS_BELOW = 0.15
_REVIEW_ACHIEVES_FROM = 0.2
_REVIEW_SENTENCES_AT_LEAST = 5


def cn_number(s: str) -> int:
    """Chinese numerals up to 九十九: 一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23."""
    if "十" not in s:
        return _NUMERALS.get(s, 0)
    tens, _, ones = s.partition("十")
    return (_NUMERALS.get(tens, 1) if tens else 1) * 10 + (_NUMERALS.get(ones, 0) if ones else 0)


def _match_heading(sentence: Sentence) -> tuple[int, int, str, int] | None:
    """(level, number, marker, marker length) when the sentence opens with a heading marker."""
    m = _LEVEL1.match(sentence.folded)
    if m:
        numeral = m.group(1) or m.group(2)
        return 1, cn_number(numeral), sentence.plain[: m.end()].strip(), m.end()
    m = _LEVEL2.match(sentence.folded)
    if m:
        return 2, cn_number(m.group(1)), sentence.plain[: m.end()].strip(), m.end()
    return None


def _title(sentence: Sentence, offset: int) -> str:
    end = len(sentence.plain)
    stop = _TITLE_END.search(sentence.folded, offset)
    if stop:
        end = stop.start()
    if sentence.positions is not None:
        # nor past the end of its line, which in hard-wrapped text is a gap in the words
        end = next(
            (i + 1 for i in range(offset, end - 1) if sentence.positions[i + 1] != sentence.positions[i] + 1),
            end,
        )
    text = sentence.plain[offset:end]
    return text.rstrip(_TRAILING).strip()


def find_headings(doc: Document) -> None:
    headings: list[Heading] = []
    expected = {1: 1, 2: 1}
    # after an unnumbered part (2023年工作安排) the numbers may start again at 一 or go on
    resumed: int | None = None
    styles: dict[int, str] = {}
    current1: Heading | None = None
    for sentence in doc.sentences:
        found = _match_heading(sentence)
        if found:
            level, number, marker, length = found
            style = "第" if marker.startswith("第") else "plain"
            headline = sentence.paragraph_lead or number == expected[level] and number > 1
            continues = (
                number == expected[level]
                or (level == 1 and number == resumed)
                or (level == 2 and number == 1 and sentence.paragraph_lead)
            )
            if level == 1 and styles.get(1) not in (None, style):
                continues = False
            if level == 1 and style == "第" and not _short_line(doc, sentence):
                continues = False
            if headline and continues and len(sentence.text) - length >= 2:
                heading = Heading(
                    level=level,
                    marker=marker,
                    number=number,
                    title=_title(sentence, length),
                    start=sentence.start,
                    end=sentence.end,
                    title_start=sentence.at(length),
                    parent=current1 if level == 2 else None,
                )
                headings.append(heading)
                sentence.heading = heading
                styles.setdefault(level, style)
                expected[level] = number + 1
                if level == 1:
                    current1 = heading
                    expected[2] = 1
                    resumed = None
                continue
        if sentence.paragraph_lead and _is_part_heading(doc, sentence):
            heading = Heading(0, "", 0, sentence.plain.strip(), sentence.start, sentence.end, sentence.start)
            headings.append(heading)
            sentence.heading = heading
            resumed = expected[1] if expected[1] > 1 else None
            expected = {1: 1, 2: 1}
            styles.clear()
            current1 = None
    doc.headings = headings


def _short_line(doc: Document, sentence: Sentence) -> bool:
    """`第一，` heads a part only as a line of its own or a short lead; otherwise it enumerates."""
    para = doc.paragraphs[sentence.paragraph]
    return para.end == sentence.end or sentence.text.count("，") + sentence.text.count(",") <= 2


def _is_part_heading(doc: Document, sentence: Sentence) -> bool:
    para = doc.paragraphs[sentence.paragraph]
    if para.end - para.start != sentence.end - sentence.start or len(sentence.plain) > 24:
        return False
    return bool(_PART.fullmatch(sentence.folded))


def find_enumerations(doc: Document) -> None:
    for sentence in doc.sentences:
        if sentence.heading is None:
            m = _ENUMERATION.match(sentence.folded)
            if m:
                sentence.enumeration = sentence.plain[: m.end()]


def _role_from_words(title: str) -> str | None:
    # a heading that mixes review and analysis reviews (ANNOTATION.md)
    for role in ("requirements", "review", "analysis"):
        if _ROLE_WORDS[role].search(title) and not (role == "review" and _ROLE_WORDS["plan"].search(title)):
            return role
    if _ROLE_WORDS["plan"].search(title) or _ROLE_WORDS["plan_weak"].search(title):
        return "plan"
    return None


def _reviews(sentences: list[Sentence]) -> bool:
    """The sentences state what was achieved rather than direct."""
    if len(sentences) < _REVIEW_SENTENCES_AT_LEAST:
        return False
    directs = sum(1 for s in sentences if _DIRECTS.search(s.folded))
    achieves = sum(1 for s in sentences if _ACHIEVEMENT.search(s.folded) and not _DIRECTS.search(s.folded))
    n = len(sentences)
    return directs / n < _REVIEW_DIRECTS_BELOW and achieves / n >= _REVIEW_ACHIEVES_FROM


def _role(heading: Heading, sentences: list[Sentence]) -> str:
    """A requirements title decides; otherwise sentences that review make a review part (a December
    speech's 总结今年工作, a mid-year 看待上半年经济运行); otherwise the title's words, then plan."""
    by_words = _role_from_words(heading.title)
    if by_words == "requirements":
        return by_words
    if _reviews(sentences):
        return "review"
    return by_words or "plan"


def assign_roles(doc: Document) -> None:
    """Each level-1 or part heading gets a role; sentences take the role of the part they are in."""
    parts = [h for h in doc.headings if h.level in (0, 1)]
    members: dict[int, list[Sentence]] = {id(h): [] for h in parts}
    part: Heading | None = None
    section: Heading | None = None
    for sentence in doc.sentences:
        if sentence.heading is not None and sentence.heading.level in (0, 1):
            part = sentence.heading
            section = sentence.heading if sentence.heading.level == 1 else None
        elif sentence.heading is not None:
            section = sentence.heading
        sentence.part = part
        sentence.section = section
        if part is not None and sentence.heading is None:
            members[id(part)].append(sentence)
    for heading in parts:
        heading.role = _role(heading, members[id(heading)])
    for heading in doc.headings:
        if heading.level == 2 and heading.parent is not None:
            heading.role = heading.parent.role
    preamble = [s for s in doc.sentences if s.part is None]
    preamble_role = "review" if _reviews(preamble) else "preamble"
    for sentence in doc.sentences:
        sentence.role = sentence.part.role if sentence.part is not None else preamble_role
