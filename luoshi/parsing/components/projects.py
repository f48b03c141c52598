"""Projects (重点项目): named projects and facilities that are the object of work.

A project's name ends with a facility word (项目, 工程, 产业园, 风电…) and starts after the verb or
particle that opens its clause (推进, 实施, 和, 、…). A name made only of generic words
(`高标准农田建设`, `基础设施`, `光伏扶贫电站`) is a programme, not a named project.
"""

from __future__ import annotations

import re

from ..document import Document, Mention, Sentence
from ..lexicon import alternation, words

_SUFFIX = alternation(words("projects", "suffix"))
_VERBS = sorted(set(words("projects", "verb")), key=len, reverse=True)
_GENERIC = re.compile(alternation(words("projects", "generic")))
_END = re.compile(rf"(?:{_SUFFIX})(?:建设)?(?:项目|工程)?")
_BOUNDARY = set(",，。;；:：、“”!?！？《》")
_MAX = 40


def _strip_verbs(name: str) -> str:
    changed = True
    while changed and name:
        changed = False
        for verb in _VERBS:
            if name.startswith(verb) and len(name) > len(verb) + 1:
                name = name[len(verb) :]
                changed = True
                break
    return name


def _is_named(name: str) -> bool:
    rest = _GENERIC.sub("", name)
    rest = re.sub(r"[\d.xX*万千百亿兆瓦吨亩头个座处米期级()（）“”\-+]+", lambda m: "#" if re.search(r"[xX*\d]", m.group()) else "", rest)
    return len(rest) >= 2 or "#" in rest and len(rest) >= 1 and len(name) >= 6


def find_projects(sentence: Sentence) -> list[Mention]:
    folded = sentence.folded
    out: list[Mention] = []
    last_end = 0
    for m in _END.finditer(folded):
        end = m.end()
        if end < last_end:
            continue
        start = end - len(m.group(0))
        while start > 0 and folded[start - 1] not in _BOUNDARY and end - start < _MAX:
            start -= 1
        # inside quotes a name may hold a “…”: keep a quoted middle when the clause started before it
        raw = folded[start:end]
        name = _strip_verbs(raw)
        start = end - len(name)
        # a particle or verb in the middle ("把X项目") ends the clause too
        for sep in ("的", "和", "与", "及"):
            pass
        if len(name) < 4 or not _is_named(name):
            continue
        out.append(Mention("project", sentence.start + start, sentence.start + end, sentence.text[start:end]))
        last_end = end
    return out


def projects(doc: Document) -> None:
    seen: dict[str, Mention] = {}
    for sentence in doc.sentences:
        if sentence.heading is not None:
            continue
        found = find_projects(sentence)
        sentence.mentions.extend(found)
        for p in found:
            seen.setdefault(p.text, p)
    doc.projects = list(seen.values())
