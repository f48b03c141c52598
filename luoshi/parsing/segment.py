"""Paragraphs and sentences, with offsets into the source text.

A sentence ends at `。`, `！`, `？` or the end of its paragraph; quotation marks and brackets do not
end it, so a `。` inside a balanced pair does not split. Page furniture (page numbers), the title
and by-line block above the salutation, and endnotes (名词解释) are kept as paragraphs of their own
kind so later components can skip them.
"""

from __future__ import annotations

import re
import statistics

from .document import Document, Paragraph, Sentence
from .lexicon import pattern_alternation, words

_TERMINALS = "。!?"
_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "(": ")", "[": "]", "【": "】", "{": "}"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_SPACE = " \t\u3000\ufeff\xa0"

_FURNITURE = re.compile(pattern_alternation(words("structure", "furniture")))
_SALUTATION = re.compile(pattern_alternation(words("structure", "salutation")))
_ENDNOTES = re.compile(pattern_alternation(words("structure", "endnotes")))
_BYLINE = re.compile(pattern_alternation(words("structure", "byline")))
_STARTS_NUMBERED = re.compile(pattern_alternation(words("structure", "line_start_marker")))
_LINE_END_OK = "。!?:;…”’)》」』】"
_MARGIN_SHARE = 0.8
_CLOSING = "”’)》」』】"


def _lines(doc: Document) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end) with surrounding spaces trimmed."""
    out = []
    pos = 0
    for line in doc.text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        while start < end and doc.text[start] in _SPACE:
            start += 1
        while end > start and (doc.text[end - 1] in _SPACE or doc.text[end - 1] == "\r"):
            end -= 1
        if start < end:
            out.append((start, end))
    return out


def _ends_sentence(folded: str, end: int) -> bool:
    """A line ending at `end` ends its sentence: with a stop, or a closing mark right after one (a
    line may break after 做强“稳米”“茶叶” in the middle of a sentence)."""
    last = folded[end - 1]
    if last in _LINE_END_OK and last not in _CLOSING:
        return True
    return last in _CLOSING and end >= 2 and folded[end - 2] in "。!?"


def _is_hard_wrapped(doc: Document, lines: list[tuple[int, int]]) -> bool:
    """Text copied from a PDF breaks lines mid-sentence; most long lines then end without punctuation."""
    long_lines = [(s, e) for s, e in lines if e - s >= 15]
    if len(long_lines) < 8:
        return False
    open_ended = sum(1 for s, e in long_lines if doc.folded[e - 1] not in _LINE_END_OK)
    return open_ended / len(long_lines) > 0.5


def _front_matter(doc: Document, lines: list[tuple[int, int]]) -> int:
    """How many leading lines are title, by-line, date and salutation rather than body."""
    count = 0
    for s, e in lines[:10]:
        line = doc.folded[s:e]
        if _FURNITURE.fullmatch(line):
            count += 1
            continue
        if _SALUTATION.match(line):
            return count + 1
        titleish = (
            len(line) <= 40 and not any(c in line for c in _TERMINALS) and not _STARTS_NUMBERED.match(line)
        )
        if _BYLINE.search(line) or titleish:
            count += 1
            continue
        break
    return count


def split_paragraphs(doc: Document) -> None:
    lines = _lines(doc)
    wrapped = _is_hard_wrapped(doc, lines)
    # a wrapped line runs to the right margin; one that stops well short of it ends its paragraph
    # (a heading, a paragraph's last line), whether or not it ends with a stop
    full_line = _MARGIN_SHARE * statistics.median(e - s for s, e in lines) if wrapped else 0
    paragraphs: list[Paragraph] = []
    front = _front_matter(doc, lines)
    in_endnotes = False
    # in hard-wrapped text the body paragraph a line may continue, across page furniture between
    open_body: Paragraph | None = None
    last_line_start = last_line_end = 0
    for i, (s, e) in enumerate(lines):
        line = doc.folded[s:e]
        if _FURNITURE.fullmatch(line):
            paragraphs.append(Paragraph(s, e, "furniture"))
            continue
        if i < front:
            paragraphs.append(Paragraph(s, e, "front"))
            continue
        if _ENDNOTES.match(line):
            in_endnotes = True
        if in_endnotes:
            paragraphs.append(Paragraph(s, e, "endnote"))
            continue
        if (
            wrapped
            and open_body is not None
            and not _ends_sentence(doc.folded, last_line_end)
            and last_line_end - last_line_start >= max(15, full_line)
            and not _STARTS_NUMBERED.match(line)
        ):
            # the line break (and a page number standing in it) is no part of the sentence
            open_body.gaps.append((last_line_end, s))
            open_body.end = e
            last_line_start, last_line_end = s, e
            continue
        open_body = Paragraph(s, e, "body")
        paragraphs.append(open_body)
        last_line_start, last_line_end = s, e
    doc.paragraphs = paragraphs


def _inside_pairs(text: str) -> list[bool]:
    """For each character, whether it lies inside a balanced quotation mark or bracket pair."""
    inside = [False] * len(text)
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in _PAIRS and not (ch == "‘" and stack and stack[-1][0] == "‘"):
            stack.append((ch, i))
        elif ch in _CLOSERS:
            opener = _CLOSERS[ch]
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == opener:
                    start = stack[depth][1]
                    del stack[depth:]
                    for j in range(start + 1, i):
                        inside[j] = True
                    break
    return inside


def _words(doc: Document, para: Paragraph) -> tuple[str, list[int] | None]:
    """The paragraph's folded text without its gaps, and the source offset of each character (None
    when it has no gaps: then the offsets are plain arithmetic)."""
    if not para.gaps:
        return doc.folded[para.start : para.end], None
    pieces, positions, cursor = [], [], para.start
    for gap_start, gap_end in [*para.gaps, (para.end, para.end)]:
        pieces.append(doc.folded[cursor:gap_start])
        positions.extend(range(cursor, gap_start))
        cursor = gap_end
    return "".join(pieces), positions


def split_sentences(doc: Document) -> None:
    sentences: list[Sentence] = []
    for p_index, para in enumerate(doc.paragraphs):
        if para.kind != "body":
            continue
        folded, positions = _words(doc, para)
        inside = _inside_pairs(folded)
        start = 0
        first = True
        n = len(folded)
        i = 0
        while i < n:
            ch = folded[i]
            if ch in _TERMINALS and not inside[i]:
                end = i
                # a run of terminals (`！？`, `。”` is handled by the pairs) closes one sentence
                while i + 1 < n and folded[i + 1] in _TERMINALS:
                    i += 1
                _add(doc, sentences, para, folded, positions, start, end, p_index, first)
                first = False
                start = i + 1
            i += 1
        if start < n:
            _add(doc, sentences, para, folded, positions, start, n, p_index, first)
    doc.sentences = sentences


def _add(
    doc: Document,
    out: list[Sentence],
    para: Paragraph,
    folded: str,
    positions: list[int] | None,
    start: int,
    end: int,
    paragraph: int,
    lead: bool,
) -> None:
    """A sentence of `folded[start:end]` (indexes into the paragraph's words), spaces trimmed."""
    while start < end and (folded[start] in _SPACE or folded[start] == "\n"):
        start += 1
    while end > start and (folded[end - 1] in _SPACE or folded[end - 1] == "\n"):
        end -= 1
    if end <= start:
        return
    if positions is None:
        source_start, source_end, own = para.start + start, para.start + end, None
    else:
        source_start, source_end = positions[start], positions[end - 1] + 1
        own = positions[start:end]
        if own[-1] - own[0] == end - start - 1:
            own = None  # no gap inside this sentence
    words = folded[start:end]
    out.append(
        Sentence(
            start=source_start,
            end=source_end,
            paragraph=paragraph,
            text=doc.text[source_start:source_end],
            folded=words if own is not None else doc.folded[source_start:source_end],
            paragraph_lead=lead,
            plain="".join(doc.text[p] for p in own) if own is not None else "",
            positions=own,
        )
    )
