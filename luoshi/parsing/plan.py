"""The parser's result as plain dataclasses, and its `luoshi.plan/1` JSON form."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

SCHEMA = "luoshi.plan/1"


@dataclass
class Section:
    level: int
    marker: str
    title: str
    role: str
    span: tuple[int, int]


@dataclass
class Deadline:
    text: str
    date: str | None
    placeholder: bool
    span: tuple[int, int]


@dataclass
class Quantity:
    text: str
    unit: str
    placeholder: bool
    span: tuple[int, int]


@dataclass
class Target:
    indicator: str
    measure: str  # growth | level | rate | relative
    value: float | None
    placeholder: bool
    unit: str
    qualifier: str
    period: str
    text: str
    span: tuple[int, int]


@dataclass
class Task:
    text: str
    span: tuple[int, int]
    tier: str  # measurable | general
    section: str  # title of the numbered section it belongs to
    part: str  # title of the level-1 part
    role: str
    deadline: Deadline | None
    units: list[str]
    quantities: list[Quantity]
    projects: list[str]
    targets: list[int] = field(default_factory=list)  # indexes into Plan.targets


@dataclass
class Fact:
    """A figure of the past period (新签约项目60个, 完成投资36.63亿元) kept for later reports."""

    text: str
    sentence: str
    span: tuple[int, int]


@dataclass
class Plan:
    source: str
    plan_year: int
    sections: list[Section]
    targets: list[Target]
    tasks: list[Task]
    units: list[str]
    projects: list[str]
    facts: list[Fact]
    characters: int = 0
    title: str = ""  # the document's own title line, when it has one

    def to_dict(self) -> dict:
        data = asdict(self)
        data["units"] = [{"name": u} for u in self.units]
        data["projects"] = [{"name": p} for p in self.projects]
        return {"schema": SCHEMA, **data}

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
