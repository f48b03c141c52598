"""The parser against gold, scored by ../shared/eval/score.py exactly as the issue does: the visible
samples (../shared/gold) and the project's own corpus (benchmarks/corpus), written apart from the
parser in other genres, provinces and years. The bars are the project's acceptance figures for the
samples and a guard for the corpus: a rule tuned to the samples at the cost of other documents
fails here."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORE = SHARED / "eval" / "score.py"
CORPUS = ROOT / "benchmarks" / "corpus"

pytestmark = pytest.mark.skipif(
    not SCORE.exists(), reason="../shared (samples, gold, score.py) is not beside the project"
)

SAMPLE_BARS = [
    ("tasks", "F1", 0.85),
    ("tasks", "R_measurable", 0.95),
    ("deadlines", "acc", 0.95),
    ("task_units", "F1", 0.85),
    ("quantities", "F1", 0.90),
    ("targets", "F1", 0.85),
    ("targets", "fields_acc", 0.90),
    ("headings", "F1", 0.95),
    ("headings", "role_acc", 0.90),
    ("units", "F1", 0.85),
    ("projects", "F1", 0.70),
]
# a few points under what the corpus measures now (README), so a real loss shows and noise does not
CORPUS_BARS = [
    ("tasks", "F1", 0.94),
    ("tasks", "R_measurable", 0.95),
    ("deadlines", "acc", 0.95),
    ("task_units", "F1", 0.94),
    ("quantities", "F1", 0.95),
    ("targets", "F1", 0.92),
    ("targets", "fields_acc", 0.95),
    ("headings", "F1", 0.95),
    ("headings", "role_acc", 0.92),
    ("units", "F1", 0.92),
    ("projects", "F1", 0.85),
]


def _score(gold: Path, docs: Path) -> dict:
    run = f"{shlex.quote(sys.executable)} -m luoshi.cli parse --format json {{doc}}"
    proc = subprocess.run(
        [sys.executable, str(SCORE), "--gold", str(gold), "--docs", str(docs), "--run", run, "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(proc.stdout)["overall"]


@pytest.fixture(scope="module")
def samples() -> dict:
    return _score(SHARED / "gold", SHARED / "samples")


@pytest.fixture(scope="module")
def corpus() -> dict:
    return _score(CORPUS / "gold", CORPUS / "docs")


@pytest.mark.parametrize(("group", "figure", "bar"), SAMPLE_BARS)
def test_it_meets_the_bar_on_the_visible_gold(samples: dict, group: str, figure: str, bar: float) -> None:
    assert samples[group][figure] >= bar, f"{group} {figure} = {samples[group][figure]:.3f} < {bar}"


@pytest.mark.parametrize(("group", "figure", "bar"), CORPUS_BARS)
def test_it_keeps_its_figures_on_the_projects_corpus(
    corpus: dict, group: str, figure: str, bar: float
) -> None:
    assert corpus[group][figure] >= bar, f"{group} {figure} = {corpus[group][figure]:.3f} < {bar}"


@pytest.mark.parametrize("which", ["samples", "corpus"])
def test_it_rarely_invents_a_deadline(which: str, request: pytest.FixtureRequest) -> None:
    assert request.getfixturevalue(which)["deadlines"]["spurious_rate"] <= 0.05
