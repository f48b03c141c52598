"""The `luoshi parse` command on the shipped demo speech: formats, several files, progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from luoshi.cli import main

DEMO = Path(__file__).resolve().parent.parent / "luoshi" / "demo" / "speech.txt"


def test_it_prints_a_plan_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--format", "json", str(DEMO)]) == 0
    plan = json.loads(capsys.readouterr().out)
    text = DEMO.read_text(encoding="utf-8")
    assert plan["schema"] == "luoshi.plan/1"
    assert plan["plan_year"] == 2024
    assert {s["marker"] for s in plan["sections"] if s["level"] == 1} == {"一、", "二、", "三、", "四、"}
    roles = {s["title"]: s["role"] for s in plan["sections"] if s["level"] == 1}
    assert roles["2023年经济工作回顾"] == "review"
    assert roles["当前面临的形势"] == "analysis"
    for task in plan["tasks"]:
        start, end = task["span"]
        assert text[start:end] == task["text"]
    deadlines = {t["deadline"]["date"] for t in plan["tasks"] if t["deadline"]}
    assert {"2024-06-30", "2024-12-31", "2024-09-30", "2024-03-31"} <= deadlines
    assert any(t["units"] == ["县发改局"] for t in plan["tasks"])
    indicators = {t["indicator"] for t in plan["targets"]}
    assert {
        "地区生产总值",
        "城镇居民人均可支配收入",
        "农村居民人均可支配收入",
        "城镇登记失业率",
    } <= indicators
    assert "清河抽水蓄能电站项目" in [p["name"] for p in plan["projects"]]


def test_it_prints_a_readable_summary_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "规划年度 2024" in out
    assert "重点任务" in out and "县发改局" in out


def test_it_parses_several_files_with_a_progress_bar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for i in range(5):
        path = tmp_path / f"讲话{i}.txt"
        path.write_bytes(DEMO.read_text(encoding="utf-8").encode("gb18030"))
        files.append(str(path))
    out = tmp_path / "plans.json"
    assert main(["parse", "--format", "json", "-o", str(out), *files]) == 0
    plans = json.loads(out.read_text(encoding="utf-8"))
    assert [p["source"] for p in plans] == [f"讲话{i}.txt" for i in range(5)]
    assert len({len(p["tasks"]) for p in plans}) == 1
    assert "5/5" in capsys.readouterr().err


def test_it_refuses_xlsx_without_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--format", "xlsx", str(DEMO)]) == 2
    assert "-o" in capsys.readouterr().err
