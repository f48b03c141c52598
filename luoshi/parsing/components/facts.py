"""Past-period figures (`新签约项目60个`, `完成投资36.63亿元`): the quantities of review sentences,
kept so later reports can compare plan and outcome."""

from __future__ import annotations

from ..document import Document, Mention


def facts(doc: Document) -> None:
    for sentence in doc.sentences:
        if sentence.role != "review" or sentence.heading is not None:
            continue
        for q in sentence.of_kind("quantity"):
            doc.facts.append(
                Mention("fact", q.start, q.end, q.text, {"sentence": (sentence.start, sentence.end)})
            )
