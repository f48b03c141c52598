"""The object that flows through the parsing pipeline.

Offsets always count characters of `Document.text`, the source as read (BOM dropped, CRLF turned
into LF). `Document.folded` is the same text with full-width ASCII forms folded to ASCII, one
character for one, so every pattern is written once for `８．５％` and `8.5%` and every match's
offsets are valid in the original text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20  # ideographic space


def fold(text: str) -> str:
    """Full-width ASCII variants to ASCII; same length as the input."""
    return text.translate(_FOLD)


@dataclass(slots=True)
class Span:
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(slots=True)
class Mention:
    """A piece of text a component found, with what it means."""

    kind: str
    start: int
    end: int
    text: str
    data: dict = field(default_factory=dict)


@dataclass(slots=True)
class Paragraph:
    start: int
    end: int
    kind: str = "body"  # body | front | furniture | endnote


@dataclass(slots=True)
class Heading:
    level: int  # 1, 2; 0 for an unnumbered part heading
    marker: str
    number: int
    title: str
    start: int  # start of the marker
    end: int  # end of the heading sentence
    title_start: int
    role: str = "plan"
    parent: Heading | None = None


@dataclass(slots=True)
class Sentence:
    start: int  # first character, after any heading marker
    end: int  # end, closing punctuation excluded
    paragraph: int
    text: str
    folded: str
    heading: Heading | None = None  # the heading this sentence *is*, if any
    section: Heading | None = None  # innermost numbered section it lies in
    part: Heading | None = None  # level-1 or level-0 part it lies in
    role: str = "preamble"
    enumeration: str = ""  # inline enumeration marker it opens with (一是, 一要, ——…)
    paragraph_lead: bool = False  # first sentence of its paragraph
    mentions: list[Mention] = field(default_factory=list)
    is_task: bool = False
    tier: str = ""
    task_reason: str = ""

    def of_kind(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]


@dataclass
class Document:
    text: str
    name: str = ""
    folded: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    plan_year: int | None = None
    current_year: int | None = None  # the year 今年 names; the one before the plan year in a December speech
    targets: list[Mention] = field(default_factory=list)
    facts: list[Mention] = field(default_factory=list)
    units: list[Mention] = field(default_factory=list)
    projects: list[Mention] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.folded:
            self.folded = fold(self.text)
