"""The ordered pipeline: one `Document` passes through named components, each adding one kind of
fact, and comes out as a `Plan`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import outline, segment
from .components import facts, planyear, projects, quantities, targets, tasks, timex, units
from .document import Document
from .plan import Plan
from .read import read_path
from .result import to_plan

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
