"""The ledger pages: filters, pagination, scoping, the item page, the office's edit with its
version check, the xlsx export, and query counts that do not grow with the data."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from luoshi.ledger.models import Assignment, AuditEntry, Output, Plan, Task
from luoshi.ledger.services import update_task
from luoshi.org.models import Leader
from luoshi.reporting.models import Attachment, ProgressReport, ReportValue
from luoshi.supervision.models import Instruction, SupervisionNotice

# ---------------------------------------------------------------- helpers


def _rows(response) -> list[int]:
    """Task ids in the list page's table, in order."""
    return [int(pk) for pk in re.findall(r'href="/ledger/(\d+)/"', response.content.decode())]


def _ids(queryset) -> list[int]:
    return list(queryset.order_by("region_id", "plan_id", "number", "id").values_list("pk", flat=True))


def _task(plan, start: str) -> Task:
    return plan.tasks.get(text__startswith=start)


def _bulk_tasks(plan, n: int, *, text: str = "批量任务", units=(), leader=None) -> list[Task]:
    """`n` more tasks at the end of the plan, each led by units[0] with the rest cooperating."""
    start = plan.tasks.count() + 1
    tasks = Task.objects.bulk_create(
        Task(
            plan=plan,
            region_id=plan.region_id,
            number=start + i,
            text=f"{text}{i:04d}",
            leader=leader,
            deadline=timezone.localdate() + timedelta(days=200),
        )
        for i in range(n)
    )
    Assignment.objects.bulk_create(
        Assignment(task=t, unit=u, role=Assignment.Role.LEAD if j == 0 else Assignment.Role.COOPERATE)
        for t in tasks
        for j, u in enumerate(units)
    )
    return tasks


def _queries(client, url: str) -> int:
    client.get(url)  # warm: sessions, content types and template caches are not the page's cost
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# ---------------------------------------------------------------- list and filters


def test_it_lists_the_county_s_published_tasks_for_the_office(
    client, users, published_plan, other_county
) -> None:
    client.force_login(users["office"])
    response = client.get(reverse("ledger:list"))
    assert response.status_code == 200
    assert _rows(response) == _ids(published_plan.tasks.all())
    page = response.content.decode()
    assert "县发改局要牵头" in page
    # the other county's identical speech is not listed
    assert not set(_rows(response)) & set(other_county["plan"].tasks.values_list("pk", flat=True))


def test_it_narrows_the_list_by_each_filter(client, users, county, published_plan) -> None:
    today = timezone.localdate()
    # a second published plan of the same county, with one task led by 县教育局
    second = Plan.objects.create(
        region=county["region"],
        title="第二份讲话",
        year=published_plan.year,
        source_name="第二份讲话.txt",
        source_text="县教育局要建成图书馆。",
        status=Plan.Status.PUBLISHED,
    )
    _bulk_tasks(second, 1, text="县教育局要建成图书馆", units=[county["units"]["县教育局"]])
    tasks = published_plan.tasks
    fgj_task = _task(published_plan, "县发改局要牵头")
    gxj_task = _task(published_plan, "县工信局要加快")
    both = _task(published_plan, "县卫健局和县教育局")
    other_leader = Leader.objects.create(region=county["region"], name="李华", title="副县长")
    Task.objects.filter(pk=gxj_task.pk).update(
        leader=other_leader,
        status=Task.Status.IN_PROGRESS,
        colour=Task.Colour.YELLOW,
        deadline=today + timedelta(days=5),
    )
    Task.objects.filter(pk=fgj_task.pk).update(deadline=today - timedelta(days=3), colour=Task.Colour.RED)
    Task.objects.filter(pk=both.pk).update(deadline=today + timedelta(days=40), colour=Task.Colour.BLUE)
    Task.objects.filter(plan=published_plan).exclude(pk__in=[fgj_task.pk, gxj_task.pk, both.pk]).update(
        deadline=None, colour=Task.Colour.GREEN
    )
    section = both.section
    client.force_login(users["office"])
    url = reverse("ledger:list")

    def listed(**params) -> set[int]:
        response = client.get(url, params)
        assert response.status_code == 200
        return set(_rows(response))

    everything = set(_ids(Task.objects.filter(plan__in=[published_plan, second])))
    assert listed() == everything
    assert listed(plan=second.pk) == set(_ids(second.tasks.all()))
    assert listed(plan=published_plan.pk) == set(_ids(tasks.all()))
    # a part lists the tasks of its subsections too
    assert listed(section=section.pk) == set(_ids(tasks.filter(section=section)))
    assert both.pk in listed(section=section.parent_id) and fgj_task.pk in listed(section=section.parent_id)
    assert fgj_task.pk not in listed(section=section.pk)
    jyj = county["units"]["县教育局"]
    # lead (第二小学, the second plan's library) and cooperating (健康校园) alike
    expected_jyj = set(_ids(Task.objects.filter(assignments__unit=jyj)))
    assert both.pk in expected_jyj and len(expected_jyj) >= 3
    assert listed(unit=jyj.pk) == expected_jyj
    assert listed(leader=other_leader.pk) == {gxj_task.pk}
    assert listed(status="in_progress") == {gxj_task.pk}
    assert listed(colour="red") == {fgj_task.pk}
    assert listed(colour="blue") == {both.pk}
    assert listed(due="overdue") == {fgj_task.pk}
    assert listed(due="7") == {gxj_task.pk}
    assert listed(due="45") == {gxj_task.pk, both.pk}
    assert listed(
        due_from=(today + timedelta(days=1)).isoformat(), due_to=(today + timedelta(days=10)).isoformat()
    ) == {gxj_task.pk}
    assert listed(q="标准厂房") == {gxj_task.pk}
    assert listed(q="健康 校园") == {both.pk}
    # filters combine
    assert listed(unit=jyj.pk, colour="blue") == {both.pk}
    assert listed(plan=published_plan.pk, q="图书馆") == set()
    # a value that is not a choice is dropped with a message, not a crash or an empty list
    response = client.get(url, {"due": "soon", "colour": "red"})
    assert set(_rows(response)) == {fgj_task.pk}
    assert "完成时限筛选应为" in response.content.decode()


def test_it_counts_warning_colours_for_the_current_filter(client, users, published_plan) -> None:
    tasks = list(published_plan.tasks.order_by("number"))
    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(colour=Task.Colour.GREEN)
    Task.objects.filter(pk__in=[tasks[0].pk, tasks[1].pk]).update(colour=Task.Colour.RED)
    Task.objects.filter(pk=tasks[2].pk).update(colour=Task.Colour.YELLOW)
    client.force_login(users["office"])
    response = client.get(reverse("ledger:list"), {"colour": "red"})
    counts = {c: n for c, _label, n in response.context["counts"]}
    # the colour filter itself is left out of the counts, so each count links to its colour
    assert counts == {"red": 2, "yellow": 1, "blue": 0, "green": len(tasks) - 3}
    assert len(_rows(response)) == 2
    response = client.get(reverse("ledger:list"), {"q": tasks[0].text[:8]})
    counts = {c: n for c, _label, n in response.context["counts"]}
    assert counts["red"] == 1 and sum(counts.values()) == len(_rows(response))


def test_it_pages_fifty_rows_and_the_pager_keeps_the_filters(client, users, county, published_plan) -> None:
    fgj = county["units"]["县发改局"]
    _bulk_tasks(published_plan, 120, text="批量任务", units=[fgj])
    _bulk_tasks(published_plan, 30, text="其他任务", units=[fgj])
    client.force_login(users["office"])
    response = client.get(reverse("ledger:list"), {"q": "批量", "unit": fgj.pk})
    first = _rows(response)
    assert len(first) == 50
    page = response.content.decode()
    nexts = re.findall(r'href="([^"]*)"[^>]*rel="next"', page)
    assert nexts, "no link to the next page"
    query = parse_qs(urlsplit(nexts[0].replace("&amp;", "&")).query)
    assert query == {"q": ["批量"], "unit": [str(fgj.pk)], "page": ["2"]}
    second = _rows(client.get(nexts[0].replace("&amp;", "&")))
    third = _rows(client.get(reverse("ledger:list"), {"q": "批量", "unit": fgj.pk, "page": 3}))
    assert len(second) == 50 and len(third) == 20
    listed = first + second + third
    assert len(set(listed)) == 120
    assert set(listed) == set(Task.objects.filter(text__startswith="批量").values_list("pk", flat=True))
    # the export link carries the filters but not the page
    exports = re.findall(r'href="(/ledger/export\.xlsx[^"]*)"', page)
    assert parse_qs(urlsplit(exports[0].replace("&amp;", "&")).query) == {
        "q": ["批量"],
        "unit": [str(fgj.pk)],
    }


def test_it_answers_htmx_with_the_table_only(client, users, published_plan) -> None:
    client.force_login(users["office"])
    response = client.get(reverse("ledger:list"), {"q": "标准厂房"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page and "<form" not in page
    assert "<table" in page and len(_rows(response)) == 1
    assert "HX-Request" in response.headers["Vary"]
    # restoring history after a cache miss needs the whole page
    response = client.get(
        reverse("ledger:list"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()
    # without JavaScript the same URL is the whole page with the filter form
    page = client.get(reverse("ledger:list"), {"q": "标准厂房"}).content.decode()
    assert '<form method="get"' in page and 'hx-target="#ledger-table"' in page


# ---------------------------------------------------------------- scoping


def test_it_shows_a_unit_only_its_tasks(client, users, county, published_plan, other_county) -> None:
    gxj = county["units"]["县工信局"]
    client.force_login(users["gxj"])
    response = client.get(reverse("ledger:list"))
    assert _rows(response) == _ids(published_plan.tasks.filter(assignments__unit=gxj))
    assert len(_rows(response)) >= 1
    fgj_task = _task(published_plan, "县发改局要牵头")
    assert client.get(reverse("ledger:detail", args=[fgj_task.pk])).status_code == 404
    foreign = other_county["plan"].tasks.first()
    assert client.get(reverse("ledger:detail", args=[foreign.pk])).status_code == 404
    own = _task(published_plan, "县工信局要加快")
    assert client.get(reverse("ledger:detail", args=[own.pk])).status_code == 200
    # the export is scoped the same way
    wb = load_workbook(BytesIO(client.get(reverse("ledger:export")).content))
    assert [r[2] for r in wb.active.iter_rows(min_row=2, values_only=True)] == [own.text]


def test_it_gives_404_for_another_county_s_task_even_to_the_office(client, users, other_county) -> None:
    foreign = other_county["plan"].tasks.first()
    client.force_login(users["office"])
    assert client.get(reverse("ledger:detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("ledger:edit", args=[foreign.pk])).status_code == 404
    response = client.post(
        reverse("ledger:edit", args=[foreign.pk]),
        {"text": "改", "status": "done", "schedule": "monthly", "version": foreign.version},
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.text != "改"


def test_it_requires_a_login(client, published_plan) -> None:
    response = client.get(reverse("ledger:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


# ---------------------------------------------------------------- item page


def test_it_shows_the_item_page_with_source_reports_notices_and_history(
    client, users, county, published_plan
) -> None:
    from luoshi.reporting.services import ReportInput, review_report, submit_report
    from luoshi.supervision.services import add_instruction, issue_notice

    task = _task(published_plan, "县发改局要牵头")
    output = task.outputs.first()
    assert output is not None
    report = submit_report(
        task, users["fgj"], ReportInput(text="已建立调度机制", percent=40, values={output.pk: 12.5})
    )
    review_report(report, users["office"], accept=False, comment="请补充项目清单")
    add_instruction(task, users["leader"], "抓紧推进，月底前报进展")
    issue_notice(
        users["office"],
        county["units"]["县发改局"],
        [task],
        SupervisionNotice.Level.YELLOW,
        "请加快进度",
        timezone.localdate() + timedelta(days=7),
    )
    client.force_login(users["office"])
    page = client.get(reverse("ledger:detail", args=[task.pk])).content.decode()
    # the source passage, with the task's own words marked
    assert f"<mark>{published_plan.source_text[task.source_start : task.source_end]}</mark>" in page
    assert "（一）扩大有效投资" not in page.split("<mark>")[1]  # the next paragraph is not dragged in
    assert output.goal in page and "12.5" in page
    assert "已建立调度机制" in page and "请补充项目清单" in page and "已退回" in page
    assert "抓紧推进，月底前报进展" in page and "王明（副县长）" in page
    assert "请加快进度" not in page  # the notice body belongs to its own page; its number is shown
    assert SupervisionNotice.objects.get().number in page
    history = page.split("修改记录")[1]
    for action in ("填报进展", "退回填报", "批示", "下发督办"):
        assert action in history
    # newest first
    assert history.index("下发督办") < history.index("填报进展")


def test_it_links_each_role_to_its_next_step(client, users, published_plan) -> None:
    task = _task(published_plan, "县发改局要牵头")
    detail = reverse("ledger:detail", args=[task.pk])
    report_url = reverse("reporting:report", kwargs={"pk": task.pk})
    notice_url = reverse("supervision:new_notice") + f"?tasks={task.pk}"
    instruct_url = reverse("supervision:instruct", kwargs={"pk": task.pk})

    client.force_login(users["fgj"])
    page = client.get(detail).content.decode()
    assert report_url in page and notice_url not in page and instruct_url not in page
    assert reverse("ledger:edit", args=[task.pk]) not in page

    client.force_login(users["office"])
    page = client.get(detail).content.decode()
    assert notice_url in page and report_url not in page and instruct_url not in page
    assert reverse("ledger:edit", args=[task.pk]) in page

    client.force_login(users["leader"])
    page = client.get(detail).content.decode()
    assert f'action="{instruct_url}"' in page and report_url not in page and notice_url not in page

    # the leader's instruction goes through the form on this page and shows up on it
    client.force_login(users["leader"])
    response = client.post(instruct_url, {"text": "请发改局月底前拿出方案"})
    assert response.status_code == 302 and response["Location"] == detail
    page = client.get(detail).content.decode()
    assert "请发改局月底前拿出方案" in page.split("领导批示")[1] and "批示" in page.split("修改记录")[1]

    # a cooperating unit reports too; a unit not on the task never gets this far
    both = _task(published_plan, "县卫健局和县教育局")
    client.force_login(users["jyj"])
    page = client.get(reverse("ledger:detail", args=[both.pk])).content.decode()
    assert reverse("reporting:report", kwargs={"pk": both.pk}) in page


# ---------------------------------------------------------------- edit


def _edit_data(task: Task, **changes) -> dict:
    lead = [a.unit_id for a in task.assignments.all() if a.role == Assignment.Role.LEAD]
    data = {
        "text": task.text,
        "deadline": task.deadline.isoformat() if task.deadline else "",
        "leader": task.leader_id or "",
        "status": task.status,
        "schedule": task.schedule,
        "lead": lead[0] if lead else "",
        "cooperating": [a.unit_id for a in task.assignments.all() if a.role == Assignment.Role.COOPERATE],
        "version": task.version,
    }
    data.update(changes)
    return data


def test_it_saves_the_office_s_edit_and_shows_it_in_the_history(
    client, users, county, published_plan
) -> None:
    task = _task(published_plan, "县发改局要牵头")
    units = county["units"]
    client.force_login(users["office"])
    form = client.get(reverse("ledger:edit", args=[task.pk]))
    assert form.status_code == 200
    assert f'name="version" value="{task.version}"' in form.content.decode()
    new_deadline = timezone.localdate() + timedelta(days=60)
    old_deadline = task.deadline.isoformat() if task.deadline else "（空）"
    response = client.post(
        reverse("ledger:edit", args=[task.pk]),
        _edit_data(
            task,
            text="县发改局要牵头建立重点项目调度机制，按月通报。",
            deadline=new_deadline.isoformat(),
            leader=county["leader"].pk,
            status="in_progress",
            schedule="weekly",
            cooperating=[units["县工信局"].pk, units["东湖镇"].pk],
        ),
    )
    assert response.status_code == 302 and response["Location"] == reverse("ledger:detail", args=[task.pk])
    task.refresh_from_db()
    assert task.text == "县发改局要牵头建立重点项目调度机制，按月通报。"
    assert task.deadline == new_deadline and task.leader == county["leader"]
    assert task.status == "in_progress" and task.schedule == "weekly"
    assert {(a.unit.short_name, a.role) for a in task.assignments.all()} == {
        ("县发改局", "lead"),
        ("县工信局", "cooperate"),
        ("东湖镇", "cooperate"),
    }
    entries = AuditEntry.objects.filter(task=task, actor=users["office"])
    assert {e.action for e in entries} == {"update", "assign"}
    page = client.get(reverse("ledger:detail", args=[task.pk])).content.decode()
    history = page.split("修改记录")[1]
    assert "状态：未启动 → 推进中" in history
    assert "调度频次：每月 → 每周" in history
    assert f"完成时限：{old_deadline} → {new_deadline.isoformat()}" in history
    assert "责任领导：（空） → 王明（副县长）" in history
    assert "责任单位：牵头：发展和改革局 → 牵头：发展和改革局；配合：东湖镇、工业和信息化局" in history
    assert "office" in history
    assert "已保存" in page


def test_it_refuses_a_unit_id_no_database_key_can_hold(client, users, published_plan) -> None:
    task = _task(published_plan, "县发改局要牵头")
    client.force_login(users["office"])
    response = client.post(
        reverse("ledger:edit", args=[task.pk]), _edit_data(task, cooperating=["99999999999999999999999"])
    )
    assert response.status_code == 200 and "cooperating" in response.context["form"].errors
    assert Task.objects.get(pk=task.pk).version == task.version


def test_it_refuses_a_stale_save_and_keeps_the_other_edit(client, users, published_plan) -> None:
    task = _task(published_plan, "县工信局要加快")
    client.force_login(users["office"])
    opened = _edit_data(task, text="我的修改")
    # someone else saves first
    update_task(task, users["office"], task.version, text="别人的修改")
    before = AuditEntry.objects.filter(task=task).count()
    response = client.post(reverse("ledger:edit", args=[task.pk]), opened)
    assert response.status_code == 409
    page = response.content.decode()
    assert "该任务已被他人修改" in page
    assert "别人的修改" in page  # shown beside the refused input
    assert "我的修改" in page  # the user's input is not thrown away
    task.refresh_from_db()
    assert task.text == "别人的修改"
    assert AuditEntry.objects.filter(task=task).count() == before
    # a stale unit change is refused the same way, with nothing half-written
    units_before = list(task.assignments.values_list("unit_id", "role"))
    response = client.post(
        reverse("ledger:edit", args=[task.pk]), _edit_data(task, version=task.version - 1, lead="")
    )
    assert response.status_code == 409
    assert list(task.assignments.values_list("unit_id", "role")) == units_before


def test_it_lets_only_the_office_edit(client, users, published_plan) -> None:
    task = _task(published_plan, "县发改局要牵头")
    for who in ("fgj", "leader"):
        client.force_login(users[who])
        assert client.get(reverse("ledger:edit", args=[task.pk])).status_code == 403
        response = client.post(reverse("ledger:edit", args=[task.pk]), _edit_data(task, text="越权"))
        assert response.status_code == 403
    task.refresh_from_db()
    assert task.text != "越权"


def test_it_does_not_offer_another_county_s_units_or_leaders(
    client, users, published_plan, other_county
) -> None:
    task = _task(published_plan, "县发改局要牵头")
    client.force_login(users["office"])
    response = client.post(
        reverse("ledger:edit", args=[task.pk]), _edit_data(task, lead=other_county["unit"].pk)
    )
    assert response.status_code == 200
    assert "lead" in response.context["form"].errors
    assert task.assignments.filter(unit=other_county["unit"]).count() == 0


# ---------------------------------------------------------------- export


HEADERS = [
    "序号",
    "所属部分",
    "任务内容",
    "量化指标",
    "完成时限",
    "牵头单位",
    "配合单位",
    "责任领导",
    "进度",
    "预警",
    "预警原因",
]


def test_it_exports_the_filtered_list_as_xlsx(client, users, county, published_plan, tmp_path: Path) -> None:
    jyj = county["units"]["县教育局"]
    expected = list(published_plan.tasks.filter(assignments__unit=jyj).order_by("number"))
    assert len(expected) == 2
    Task.objects.filter(pk=expected[0].pk).update(progress=35)
    client.force_login(users["office"])
    response = client.get(reverse("ledger:export"), {"unit": jyj.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    wb = load_workbook(BytesIO(response.content))
    ws = wb.active
    assert ws.title == "任务分解表"
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert [r[2] for r in rows[1:]] == [t.text for t in expected]
    first = dict(zip(HEADERS, rows[1], strict=True))
    assert first["序号"] == expected[0].number and first["进度"] == 35
    assert first["牵头单位"] == "县教育局"
    assert first["预警"] == expected[0].get_colour_display() and first["预警原因"] == expected[0].reason
    second = dict(zip(HEADERS, rows[2], strict=True))
    assert second["牵头单位"] == "县卫健局" and second["配合单位"] == "县教育局"
    assert second["量化指标"] == "80所"
    assert "（二）保障民生" in second["所属部分"]
    assert ws.freeze_panes == "A2"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws["C2"].alignment.wrap_text

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    out = tmp_path / "ledger.xlsx"
    out.write_bytes(response.content)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path / "csv"),
            str(out),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    with (tmp_path / "csv" / "ledger.csv").open(encoding="utf-8", newline="") as f:
        converted = list(csv.reader(f))
    assert converted[0] == HEADERS
    assert [r[2] for r in converted[1:]] == [t.text for t in expected]
    assert converted[1][8] == "35%"


# ---------------------------------------------------------------- query counts


def test_it_runs_the_same_queries_for_a_short_and_a_long_list(client, users, county, published_plan) -> None:
    units = county["units"]
    client.force_login(users["office"])
    url = reverse("ledger:list") + f"?plan={published_plan.pk}&status=not_started"
    few = _queries(client, url)
    assert len(_rows(client.get(url))) < 10
    _bulk_tasks(
        published_plan,
        300,
        units=[units["县发改局"], units["县工信局"], units["东湖镇"]],
        leader=county["leader"],
    )
    many = _queries(client, url)
    assert len(_rows(client.get(url))) == 50
    assert many == few
    # a unit's list, scoped by its assignments: one row or a full page
    client.force_login(users["gxj"])
    one, full = reverse("ledger:list") + "?q=标准厂房", reverse("ledger:list") + "?q=批量"
    assert len(_rows(client.get(one))) == 1 and len(_rows(client.get(full))) == 50
    assert _queries(client, one) == _queries(client, full)


def test_it_runs_the_same_queries_for_an_item_with_few_and_many_reports(
    client, users, county, published_plan
) -> None:
    task = _task(published_plan, "县发改局要牵头")
    unit = county["units"]["县发改局"]
    client.force_login(users["office"])
    url = reverse("ledger:detail", args=[task.pk])

    def add(n: int, start: int) -> None:
        outputs = Output.objects.bulk_create(
            Output(task=task, name=f"指标{start + i}", goal="1个") for i in range(2)
        )
        now = timezone.now()
        reports = ProgressReport.objects.bulk_create(
            ProgressReport(
                task=task,
                unit=unit,
                period=timezone.localdate().replace(day=1) - timedelta(days=31 * (start + i)),
                text=f"第{start + i}次进展",
                percent=min(100, 5 * i),
                submitted_by=users["fgj"],
                submitted_at=now,
                reviewed_by=users["office"],
                status=ProgressReport.Status.ACCEPTED,
            )
            for i in range(n)
        )
        ReportValue.objects.bulk_create(
            ReportValue(report=r, output=o, value=float(i)) for i, r in enumerate(reports) for o in outputs
        )
        Attachment.objects.bulk_create(
            Attachment(report=r, file=f"reports/{r.pk}.pdf", name=f"佐证{r.pk}.pdf", size=10) for r in reports
        )
        Instruction.objects.bulk_create(
            Instruction(task=task, text=f"批示{start + i}", by=users["leader"], at=now) for i in range(n)
        )
        for i in range(n if n < 5 else 5):
            notice = SupervisionNotice.objects.create(
                region=county["region"],
                number=f"T-{start + i}",
                unit=unit,
                level="blue",
                body="督办",
                reply_due=timezone.localdate(),
                issued_at=now,
            )
            notice.tasks.add(task)
        AuditEntry.objects.bulk_create(
            AuditEntry(
                region=county["region"],
                task=task,
                actor=users["fgj"],
                action="submit",
                subject="report",
                subject_id=r.pk,
                changes={"percent": r.percent},
            )
            for r in reports
        )

    add(1, 0)
    few = _queries(client, url)
    add(40, 1)
    many = _queries(client, url)
    page = client.get(url).content.decode()
    assert page.count("佐证") == 41 and "第40次进展" in page
    assert many == few


# ---------------------------------------------------------------- admin


def test_it_registers_the_ledger_in_the_admin(client, published_plan) -> None:
    from luoshi.org.models import User

    admin = User.objects.create_superuser("root", password="pass-1234", role=User.Role.OFFICE)
    client.force_login(admin)
    task = published_plan.tasks.first()
    for url in (
        reverse("admin:ledger_plan_changelist"),
        reverse("admin:ledger_task_changelist") + f"?region__id__exact={published_plan.region_id}",
        reverse("admin:ledger_task_change", args=[task.pk]),
        reverse("admin:ledger_target_changelist"),
        reverse("admin:ledger_project_changelist"),
        reverse("admin:ledger_auditentry_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("admin:ledger_task_change", args=[task.pk])).content.decode()
    assert "assignments-TOTAL_FORMS" in page and "outputs-TOTAL_FORMS" in page
    # the audit trail is read only, even here
    entry = AuditEntry.objects.first()
    assert client.get(reverse("admin:ledger_auditentry_delete", args=[entry.pk])).status_code == 403


def test_it_keeps_the_unscoped_ledger_admin_from_staff_given_its_permissions(client, users, other_county):
    from django.contrib.auth.models import Permission

    office = users["office"]
    office.is_staff = True
    office.save()
    office.user_permissions.set(Permission.objects.filter(content_type__app_label="ledger"))
    client.force_login(office)
    # the admin lists every county's tasks: another county's would show
    task = other_county["plan"].tasks.first()
    assert client.get(reverse("admin:ledger_task_changelist")).status_code == 403
    assert client.get(reverse("admin:ledger_task_change", args=[task.pk])).status_code == 403
    assert "ledger" not in client.get(reverse("admin:index")).content.decode()


def test_it_audits_an_admin_change_and_bumps_the_version(client, published_plan) -> None:
    from luoshi.org.models import User

    admin = User.objects.create_superuser("root", password="pass-1234", role=User.Role.OFFICE)
    client.force_login(admin)
    task = _task(published_plan, "县发改局要牵头")
    assignments = list(task.assignments.order_by("id"))
    outputs = list(task.outputs.order_by("id"))
    data = {
        "plan": task.plan_id,
        "region": task.region_id,
        "number": task.number,
        "section": task.section_id or "",
        "text": "后台修改的任务内容",
        "source_start": task.source_start,
        "source_end": task.source_end,
        "tier": task.tier,
        "deadline": task.deadline.isoformat() if task.deadline else "",
        "deadline_text": task.deadline_text,
        "leader": "",
        "schedule": task.schedule,
        "status": task.status,
        "progress": task.progress,
        "assignments-TOTAL_FORMS": len(assignments),
        "assignments-INITIAL_FORMS": len(assignments),
        "outputs-TOTAL_FORMS": len(outputs),
        "outputs-INITIAL_FORMS": len(outputs),
    }
    for i, a in enumerate(assignments):
        data |= {f"assignments-{i}-id": a.pk, f"assignments-{i}-task": task.pk}
        data |= {f"assignments-{i}-unit": a.unit_id, f"assignments-{i}-role": a.role}
    for i, o in enumerate(outputs):
        data |= {f"outputs-{i}-id": o.pk, f"outputs-{i}-task": task.pk, f"outputs-{i}-name": o.name}
        data |= {f"outputs-{i}-goal": o.goal, f"outputs-{i}-unit": o.unit}
        data |= {f"outputs-{i}-goal_value": o.goal_value if o.goal_value is not None else ""}
        data |= {f"outputs-{i}-current_value": ""}
    response = client.post(reverse("admin:ledger_task_change", args=[task.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    version = task.version
    task.refresh_from_db()
    assert task.text == "后台修改的任务内容" and task.version == version + 1
    entry = AuditEntry.objects.filter(task=task, action="admin").get()
    assert entry.actor == admin and entry.changes["text"][1] == "后台修改的任务内容"


# ---------------------------------------------------------------- helpers of the item page


def test_it_cuts_the_source_passage_at_paragraphs_or_the_context_limit() -> None:
    from luoshi.ledger.views import source_passage

    text = "第一段。\n前文" + "甲" * 50 + "任务句子。后文" + "乙" * 50 + "\n第三段。"
    start = text.index("任务句子")
    end = start + len("任务句子。")
    whole = source_passage(text, start, end, context=200)
    assert whole.before.startswith("前文") and whole.span == "任务句子。" and whole.after.endswith("乙")
    assert not whole.cut_before and not whole.cut_after
    short = source_passage(text, start, end, context=10)
    assert short.before == "甲" * 10 and short.after == "后文" + "乙" * 8
    assert short.cut_before and short.cut_after
    assert source_passage(text, None, None) is None
    assert source_passage(text, 5, len(text) + 1) is None


def test_it_describes_audit_changes_in_words() -> None:
    from luoshi.ledger.views import describe

    entry = AuditEntry(
        action="update",
        changes={"status": ["not_started", "done"], "deadline": [None, "2025-06-30"], "text": ["旧", "新"]},
    )
    assert describe(entry) == [
        ("状态", "未启动 → 已完成"),
        ("完成时限", "（空） → 2025-06-30"),
        ("任务内容", "旧 → 新"),
    ]
    report = AuditEntry(
        action="submit", changes={"percent": 40, "period": "2025-05-01", "files": ["a.pdf", "b.jpg"]}
    )
    assert describe(report) == [("完成进度", "40%"), ("报告期", "2025-05-01"), ("附件", "a.pdf、b.jpg")]
    # a split's two halves are not a before/after pair
    split = AuditEntry(action="split", changes={"into": ["前半", "后半"]})
    assert describe(split) == [("拆分为", "前半、后半")]
    # a report's flags and figures in words, and what it moved
    moved = AuditEntry(
        action="submit",
        changes={
            "done": True,
            "values": {"完成投资": 18.0},
            "progress": [20, 60],
            "status": ["not_started", "in_progress"],
            "figures": [["完成投资", None, 18.0]],
        },
    )
    assert describe(moved) == [
        ("填报已完成", "是"),
        ("本期数值", "完成投资 18"),
        ("进度", "20% → 60%"),
        ("状态", "未启动 → 推进中"),
        ("指标当前值", "完成投资 （空） → 18"),
    ]


def test_it_searches_a_long_query_by_its_first_hundred_characters(client, users, published_plan) -> None:
    client.force_login(users["office"])
    long = "县发改局 " + "牵头 " * 60  # 190 characters
    page = client.get(reverse("ledger:list"), {"q": long}).context["page"]
    assert [r["number"] for r in page.object_list] == [
        t.number for t in published_plan.tasks.filter(text__contains="县发改局要牵头")
    ]
