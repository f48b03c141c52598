"""From a processed `Document` to the `Plan` the rest of luoshi uses."""

from __future__ import annotations

from .components.targets import is_target_list
from .document import Document, Heading, Mention, Sentence, fold
from .plan import Deadline, Fact, Plan, Quantity, Section, Target, Task


def _section(h: Heading) -> Section:
    return Section(level=h.level, marker=h.marker, title=h.title, role=h.role, span=(h.start, h.end))


def _target(m: Mention) -> Target:
    d = m.data
    return Target(
        indicator=d["indicator"],
        measure=d["measure"],
        value=d["value"],
        placeholder=d["placeholder"],
        unit=d["unit"],
        qualifier=d["qualifier"],
        period=d["period"],
        text=m.text,
        span=(m.start, m.end),
    )


def _task(s: Sentence, target_index: dict[int, int]) -> Task:
    return _task_of(
        [s],
        text=s.text,
        span=(s.start, s.end),
        tier=s.tier,
        section=s.section.title if s.section else "",
        part=s.part.title if s.part else "",
        role=s.role,
        targets=[target_index[id(t)] for t in s.of_kind("target") if id(t) in target_index],
    )


def task_facts(doc: Document) -> Task:
    """The whole of a document read as one task (pipeline.read_task)."""
    return _task_of(
        doc.sentences, text=doc.text, span=(0, len(doc.text)), tier="", section="", part="", role="plan"
    )


def _task_of(sentences: list[Sentence], **fields) -> Task:
    """A task with the facts its sentences carry: the first deadline, every unit, quantity, project."""
    mentions = [m for s in sentences for m in s.mentions]
    deadline = next((m for m in mentions if m.kind == "deadline"), None)
    return Task(
        deadline=Deadline(
            deadline.text, deadline.data["date"], deadline.data["placeholder"], (deadline.start, deadline.end)
        )
        if deadline
        else None,
        units=_unique(m.text for m in mentions if m.kind == "actor"),
        quantities=[
            Quantity(q.text, q.data["unit"], q.data["placeholder"], (q.start, q.end))
            for q in mentions
            if q.kind == "quantity"
        ],
        projects=_unique(m.text for m in mentions if m.kind == "project"),
        **fields,
    )


def _unique(items) -> list[str]:
    """Distinct names; `１0万吨` and `10万吨` are one name written in two widths."""
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(fold(item), item)
    return list(seen.values())


def to_plan(doc: Document) -> Plan:
    target_index = {id(t): i for i, t in enumerate(doc.targets)}
    return Plan(
        source=doc.name,
        plan_year=doc.plan_year or 0,
        sections=[_section(h) for h in doc.headings if h.level in (1, 2)],
        targets=[_target(t) for t in doc.targets],
        tasks=[_task(s, target_index) for s in doc.sentences if s.is_task and not is_target_list(s)],
        units=_unique(u.text for u in doc.units),
        projects=_unique(p.text for p in doc.projects),
        facts=[
            Fact(f.text, doc.text[f.data["sentence"][0] : f.data["sentence"][1]], (f.start, f.end))
            for f in doc.facts
        ],
        characters=len(doc.text),
        title=_title(doc),
    )


_TITLE_MAX = 120


def _title(doc: Document) -> str:
    """The first line of the front matter that reads as a title, not a date, by-line or salutation."""
    for p in doc.paragraphs:
        if p.kind != "front":
            continue
        line = doc.text[p.start : p.end].strip()
        if len(line) >= 6 and line[0] not in "（(—-－" and not line.endswith(("：", ":")):
            return line[:_TITLE_MAX]
    return ""
