"""`luoshi remind`: lists the lead units without a standing report for the last complete period,
emails each once per (unit, task, period) and escalates two missed periods in a row to the unit's
leader. Email goes through Django's test backend (django.core.mail.outbox)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.core import mail
from django.utils import timezone

from luoshi.cli import main
from luoshi.ledger.models import Task
from luoshi.reporting.models import ProgressReport
from luoshi.supervision.models import Reminder
from luoshi.supervision.reminders import run_reminders

JUNE_16 = date(2025, 6, 16)  # the last complete period is May 2025; April is the one before
LEADS = {"fgj": "县发改局", "gxj": "县工信局", "jyj": "县教育局", "wjj": "县卫健局"}


@pytest.fixture
def plan(published_plan, county, users):
    """Addresses: the 发改局 and 卫健局 in the unit register, the 工信局 only through its user's
    account, the 教育局 nowhere; the units' leader in the leader register."""
    units = county["units"]
    for short, email in (("县发改局", "fgj@qingshui.gov.cn"), ("县卫健局", "wjj@qingshui.gov.cn")):
        units[short].email = email
        units[short].save()
    users["gxj"].email = "gxj-user@qingshui.gov.cn"
    users["gxj"].save()
    county["leader"].email = "wangming@qingshui.gov.cn"
    county["leader"].save()
    tasks = {
        "fgj": Task.objects.get(plan=published_plan, text__startswith="县发改局要牵头"),
        "gxj": Task.objects.get(plan=published_plan, text__startswith="县工信局要加快"),
        "jyj": Task.objects.get(plan=published_plan, text__startswith="县教育局要完成"),
        "wjj": Task.objects.get(plan=published_plan, text__startswith="县卫健局和县教育局"),
    }
    return {"plan": published_plan, "tasks": tasks, "units": units}


def _report(task: Task, unit, period: date, status: str = "accepted") -> ProgressReport:
    return ProgressReport.objects.create(
        task=task,
        unit=unit,
        period=period,
        text="进展",
        percent=50,
        status=status,
        submitted_at=timezone.make_aware(datetime(period.year, period.month, 20, 9)),
    )


def _reported_april(plan) -> None:
    """Every lead unit reported for April, so nobody has missed two periods in a row."""
    for key, task in plan["tasks"].items():
        _report(task, plan["units"][LEADS[key]], date(2025, 4, 1))


def _run(send: bool, today: date = JUNE_16) -> tuple[int, str]:
    out = io.StringIO()
    code = run_reminders(send=send, out=out, today=today)
    return code, out.getvalue()


def test_it_lists_without_sending(plan) -> None:
    _reported_april(plan)
    code, out = _run(send=False)
    assert code == 0
    lines = [line for line in out.splitlines() if " — " in line]
    assert len(lines) == 4
    assert "发展和改革局 — 1. 县发改局要牵头建立重点项目调度机制，年内完成投资40亿元 — 2025年5月" in lines
    # the task led by the 卫健局 with the 教育局's help: the lead is reminded, not the helper
    assert [line.split(" — ")[0] for line in lines if "县卫健局和县教育局" in line] == ["卫生健康局"]
    assert "共 4 条催报" in out
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_it_leaves_out_units_with_a_standing_report(plan) -> None:
    _reported_april(plan)
    units, tasks = plan["units"], plan["tasks"]
    _report(tasks["fgj"], units["县发改局"], date(2025, 5, 1))  # stands
    _report(tasks["gxj"], units["县工信局"], date(2025, 5, 1), status="returned")  # does not
    _report(tasks["wjj"], units["县教育局"], date(2025, 5, 1))  # a cooperating unit's: not the lead's
    Task.objects.filter(pk=tasks["jyj"].pk).update(status=Task.Status.DONE)  # done: nothing owed
    _, out = _run(send=False)
    listed = {line.split(" — ")[0] for line in out.splitlines() if " — " in line}
    assert listed == {"工业和信息化局", "卫生健康局"}


def test_it_sends_one_email_per_unit_task_and_period(plan, users) -> None:
    _reported_april(plan)
    code, out = _run(send=True)
    assert code == 0
    to = sorted(tuple(m.to) for m in mail.outbox)
    assert to == [("fgj@qingshui.gov.cn",), ("gxj-user@qingshui.gov.cn",), ("wjj@qingshui.gov.cn",)]
    assert all("2025年5月" in m.subject for m in mail.outbox)
    fgj_mail = next(m for m in mail.outbox if m.to == ["fgj@qingshui.gov.cn"])
    assert "县发改局要牵头建立重点项目调度机制" in fgj_mail.body
    assert "单位无邮箱，未发送" in out  # the 教育局 has no address anywhere
    assert Reminder.objects.exclude(sent_at=None).count() == 3
    assert Reminder.objects.filter(sent_at=None).count() == 1  # kept, to escalate it in time
    assert not Reminder.objects.filter(escalated=True).exists()

    # the next day's run sends nothing again
    _run(send=True, today=date(2025, 6, 17))
    assert len(mail.outbox) == 3
    assert Reminder.objects.count() == 4

    # once the 教育局 has an address, it gets its one email
    users["jyj"].email = "jyj@qingshui.gov.cn"
    users["jyj"].save()
    _, out = _run(send=True)
    assert [m.to for m in mail.outbox[3:]] == [["jyj@qingshui.gov.cn"]]
    assert out.count("此前已发送") == 3


def test_it_escalates_a_second_missed_period_to_the_leader(plan, users) -> None:
    units, tasks = plan["units"], plan["tasks"]
    for key in ("gxj", "jyj", "wjj"):
        short = LEADS[key]
        _report(tasks[key], units[short], date(2025, 3, 1))
        _report(tasks[key], units[short], date(2025, 4, 1))
        _report(tasks[key], units[short], date(2025, 5, 1))
    _report(tasks["fgj"], units["县发改局"], date(2025, 3, 1))

    # mid-May: the 发改局 missed April only — reminded, not escalated
    _run(send=True, today=date(2025, 5, 16))
    assert [m.to for m in mail.outbox] == [["fgj@qingshui.gov.cn"]]
    assert not Reminder.objects.filter(escalated=True).exists()

    # mid-June: May missed too — reminded for May, and its leader is told
    code, out = _run(send=True)
    assert code == 0
    assert [m.to for m in mail.outbox[1:]] == [["fgj@qingshui.gov.cn"], ["wangming@qingshui.gov.cn"]]
    escalation = mail.outbox[2]
    assert "发展和改革局" in escalation.subject and "连续 2 期" in escalation.subject
    assert "2025年4月、2025年5月" in escalation.body
    reminder = Reminder.objects.get(period=date(2025, 5, 1))
    assert reminder.escalated and reminder.unit == units["县发改局"]
    assert "已升级至 王明" in out

    # nothing is sent twice
    _run(send=True)
    assert len(mail.outbox) == 3


def test_it_escalates_through_the_leaders_own_account(plan, county, users) -> None:
    county["leader"].email = ""
    county["leader"].save()
    users["leader"].email = "leader-account@qingshui.gov.cn"
    users["leader"].save()
    _, out = _run(send=False)  # no April or May reports at all
    assert out.count("将升级至分管领导") == 4
    _run(send=True)
    escalations = [m for m in mail.outbox if m.to == ["leader-account@qingshui.gov.cn"]]
    # one per missed (unit, task): the 教育局 has no address, so it is not reminded, and its leader
    # is told all the more
    assert len(escalations) == 4
    assert any("教育局" in m.subject for m in escalations)
    assert Reminder.objects.filter(escalated=True).count() == 4


def test_it_stops_at_the_deadlines_period(plan) -> None:
    _reported_april(plan)
    # mid-October: the 工信局's task ended in June and the 教育局's in September
    _, out = _run(send=False, today=date(2025, 10, 16))
    listed = {line.split(" — ")[0] for line in out.splitlines() if " — " in line}
    assert listed == {"发展和改革局", "教育局", "卫生健康局"}
    _, out = _run(send=False, today=date(2025, 11, 16))
    listed = {line.split(" — ")[0] for line in out.splitlines() if " — " in line}
    assert listed == {"发展和改革局", "卫生健康局"}


def test_it_runs_from_the_command_line(plan, capsys: pytest.CaptureFixture[str]) -> None:
    # today is long after the 2025 plan's year: nothing is owed any more
    assert main(["remind", "--send"]) == 0
    assert "没有需要催报的任务" in capsys.readouterr().out
    assert mail.outbox == []
