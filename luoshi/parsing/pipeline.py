"""The ordered pipeline: one `Document` passes through named components, each adding one kind of
fact, and comes out as a `Plan`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import outline, segment
from .components import facts, planyear, projects, quantities, targets, tasks, timex, units
from .document import Document, Paragraph
from .plan import Plan, Task
from .read import read_path
from .result import task_facts, to_plan

Component = Callable[[Document], None]

PIPELINE: list[tuple[str, Component]] = [
    ("paragraphs", segment.split_paragraphs),
    ("sentences", segment.split_sentences),
    ("headings", outline.find_headings),
    ("enumerations", outline.find_enumerations),
    ("roles", outline.assign_roles),
    ("plan_year", planyear.plan_year),
    ("deadlines", timex.deadlines),
    ("quantities", quantities.quantities),
    ("units", units.units),
    ("projects", projects.projects),
    ("targets", targets.targets),
    ("tasks", tasks.tasks),
    ("facts", facts.facts),
]


def run(doc: Document) -> Document:
    for _name, component in PIPELINE:
        component(doc)
    return doc


def parse_text(text: str, name: str = "") -> Plan:
    return to_plan(run(Document(text=text, name=name)))


def parse_path(path: str | Path) -> Plan:
    path = Path(path)
    return parse_text(read_path(path), path.name)


# what a task's own words say, whatever part of a speech they came from
_TASK_FACTS = ("sentences", "deadlines", "quantities", "units", "projects")


def read_task(text: str, plan_year: int) -> Task:
    """The facts of one task's text read on its own (deadline, acting units, quantities, projects),
    as if it stood in the plan part of a speech of `plan_year`: what each half of a split task
    names for itself. A text of several sentences gives the first deadline and every other fact."""
    doc = Document(text=text, plan_year=plan_year)
    # one paragraph, as it is: a lone short line would otherwise be taken for a title
    doc.paragraphs = [Paragraph(0, len(text))]
    for name, component in PIPELINE:
        if name in _TASK_FACTS:
            component(doc)
    return task_facts(doc)
