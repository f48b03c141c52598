"""Tasks (重点任务): the directive sentences of the plan and requirements parts, and their tier.

A sentence is a task when it directs some actor to do something concrete in the coming period.
Statements of fact, explanations, significance, appeals about attitude and figurative slogans are
not. Its tier is `measurable` when it carries a quantity, a deadline, a named project or a
responsible unit, and `general` otherwise.
"""

from __future__ import annotations

import re

from ..document import Document, Sentence
from ..lexicon import AnyOf, pattern_alternation, words

_ACTION = re.compile(pattern_alternation(words("tasks", "action")))
_NOT_START = re.compile(pattern_alternation(words("tasks", "not_task_start")))
_DEFINITION = AnyOf(words("tasks", "definition"))
_EXHORTATION = AnyOf(words("tasks", "exhortation"))
_PEOPLE = re.compile(pattern_alternation(words("tasks", "people_subject")))
_SLOGAN = AnyOf(words("tasks", "slogan"))
_LABEL = re.compile(pattern_alternation(words("tasks", "label")))
_DIRECTIVE = re.compile(pattern_alternation(words("tasks", "directive")))
_LEAD_IN = AnyOf(words("tasks", "lead_in"))
_SIGNIFICANCE = AnyOf(words("tasks", "significance"))
_DASH_LEAD = re.compile(pattern_alternation(words("tasks", "dash_lead")))
_COPULA = re.compile(pattern_alternation(words("tasks", "copula")))
_PRINCIPLE = AnyOf(words("tasks", "principle"))
_COPULA_LEAD = re.compile(pattern_alternation(words("tasks", "copula_lead")))
_SHORT_ACTION = re.compile(pattern_alternation(words("tasks", "short_action")))
_MAXIM = AnyOf(words("tasks", "requirements_maxim"))
_QUOTED = re.compile(r"“[^”]*”")
_QUOTED_TERM = re.compile(r"“[^”]{1,10}”(?:就是|即是|是指|指)")
_PAST = re.compile(r"(?<![为除])了(?!解)")
_LAST_YEAR = re.compile(r"去年|上年|过去一年")  # 我县城镇化率去年达到58.3%: a figure of the past
_TASK_ROLES = ("plan", "requirements")


def _body(sentence: Sentence) -> str:
    """The sentence without its enumeration marker."""
    return sentence.folded[len(sentence.enumeration) :].lstrip(",，、:： ")


def classify(sentence: Sentence) -> tuple[bool, str]:
    """(is it a task, why) for a sentence of a plan or requirements part."""
    body = _body(sentence)
    directive = bool(_DIRECTIVE.search(_QUOTED.sub("", body)))
    counted = bool(sentence.of_kind("quantity"))
    # what makes a task measurable (ANNOTATION.md); the units are its actors
    measurable = any(sentence.of_kind(k) for k in ("quantity", "deadline", "project", "actor"))
    # 一是稳就业: an enumeration's short lead that names an action on a real area
    short_action = bool(sentence.enumeration) and len(body) >= 3 and bool(_SHORT_ACTION.match(body))
    if (len(body) < 4 and not short_action) or (len(body) < 6 and not sentence.enumeration):
        return False, "too short"
    if _LABEL.search(body) and len(body) <= 14:
        return False, "label"
    if _QUOTED_TERM.match(body):
        return False, "explanation"
    if _PRINCIPLE.search(body):
        return False, "principle"
    # a lead-in closing a sentence that sets figures of its own (…不少于X个，重点抓好以下几个项目：)
    if _LEAD_IN.search(body) and not counted:
        return False, "lead-in"
    if _COPULA_LEAD.match(body) and not measurable:
        return False, "significance"
    if _SIGNIFICANCE.search(body):
        return False, "significance"
    if sentence.enumeration.startswith("—") and _DASH_LEAD.search(sentence.folded):
        return False, "principle label"
    if not directive:
        if _NOT_START.match(body):
            return False, "statement"
        if _PAST.search(body) or _LAST_YEAR.search(body):
            return False, "past"
        if _DEFINITION.search(body) or _COPULA.search(body):
            return False, "explanation"
    if _EXHORTATION.search(body):
        return False, "exhortation"
    if len(body) <= 20 and _SLOGAN.search(body):
        return False, "slogan"
    if sentence.role == "requirements" and _MAXIM.search(body):
        return False, "maxim"
    if _PEOPLE.match(body) and not counted:
        return False, "appeal to people"
    if not _ACTION.search(body) and not short_action:
        return False, "no action"
    return True, "directive"


def tasks(doc: Document) -> None:
    principles_in = -1  # the paragraph whose enumeration lists principles (做好今年工作，必须把握好…：一是…)
    for sentence in doc.sentences:
        if sentence.heading is not None or sentence.role not in _TASK_ROLES:
            continue
        if sentence.enumeration and sentence.paragraph == principles_in:
            sentence.is_task, sentence.task_reason = False, "principle"
            continue
        sentence.is_task, sentence.task_reason = classify(sentence)
        if sentence.task_reason == "principle":
            principles_in = sentence.paragraph
        if sentence.is_task:
            measurable = any(sentence.of_kind(k) for k in ("quantity", "deadline", "project", "actor"))
            sentence.tier = "measurable" if measurable else "general"
