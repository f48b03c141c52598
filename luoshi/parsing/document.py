"""The object that flows through the parsing pipeline.

Offsets always count characters of `Document.text`, the source as read (BOM dropped, CRLF turned
into LF). `Document.folded` is the same text with full-width ASCII forms folded to ASCII, one
character for one, so every pattern is written once for `８．５％` and `8.5%` and every match's
offsets are valid in the original text.
"""

from __future__ import annotations

from bisect import bisect_left
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
    # in hard-wrapped text, the stretches inside the paragraph that are no part of its words: the
    # line breaks with their indentation, and page furniture between two lines of one sentence
    gaps: list[tuple[int, int]] = field(default_factory=list)


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
    """A sentence. `text` is the source from `start` to `end`; `folded` and `plain` are its words
    with the gaps of hard-wrapped text left out (folded to ASCII, and as written), so a word broken
    by a line break reads whole. Components match `folded` and index both alike; `at`, `at_end`,
    `local` and `mention` turn those indexes into offsets of the source and back."""

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
    plain: str = ""  # `folded` before folding; `text` itself when the sentence spans no gap
    positions: list[int] | None = None  # source offset of each character of `folded`, when it does

    def __post_init__(self) -> None:
        if not self.plain:
            self.plain = self.text

    def of_kind(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def at(self, i: int) -> int:
        """The source offset of character `i` of `folded` (its end for `len(folded)`)."""
        if self.positions is None:
            return self.start + i
        return self.positions[i] if i < len(self.positions) else self.end

    def at_end(self, j: int) -> int:
        """The source offset just after character `j - 1` of `folded`: the end of a span."""
        if self.positions is None or j == 0:
            return self.at(j)
        return self.positions[j - 1] + 1

    def local(self, offset: int) -> int:
        """The index in `folded` of a source offset inside the sentence (the inverse of `at`)."""
        if self.positions is None:
            return offset - self.start
        return bisect_left(self.positions, offset)

    def mention(self, kind: str, i: int, j: int, data: dict | None = None) -> Mention:
        """A fact found at `folded[i:j]`, with its span and text in the source."""
        start, end = self.at(i), self.at_end(j)
        return Mention(kind, start, end, self.text[start - self.start : end - self.start], data or {})


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
