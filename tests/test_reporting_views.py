"""Reporting pages: a unit's tasks and what is due, the report form (values, attachments, limits,
scoping), the office's review, and the Excel round-trip from download to confirm."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from luoshi.ledger.models import Assignment, AuditEntry, Output, Task
from luoshi.ledger.services import NotAllowed
from luoshi.reporting.models import Attachment, ProgressReport
from luoshi.reporting.services import ReportInput, submit_report

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def isolated_and_fast(settings, tmp_path):
    """Attachments go to a temporary folder, not the project's var/media; the fixture users' passwords
    are hashed the fast way (no test here logs in with a password)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def task_of(text: str) -> Task:
    """A task of the first county (清水县) by the start of its text."""
    return Task.objects.get(text__startswith=text, region__name="清水县")


@pytest.fixture
def fgj_task(published_plan) -> Task:
    """县发改局 leads it; it has one measurable output (完成投资40亿元)."""
    task = task_of("县发改局要牵头")
    if not task.outputs.exists():
        Output.objects.create(task=task, name="完成投资", goal="40亿元", unit="亿元", goal_value=40)
    return task


def pks(rows: list[dict]) -> list[int]:
    return [r["pk"] for r in rows]


def form_data(task: Task, **extra) -> dict:
    data = {"text": "已召开项目调度会 2 次", "percent": "45"}
    data.update(extra)
    return data


# ------------------------------------------------------------------------------------------ mine


def test_it_shows_a_unit_only_its_tasks_with_what_is_due_first(client, users, published_plan, other_county):
    client.force_login(users["jyj"])
    response = client.get(reverse("reporting:mine"))
    assert response.status_code == 200
    due = [Task.objects.get(pk=pk).text for pk in pks(response.context["due"])]
    others = [Task.objects.get(pk=pk).text for pk in pks(response.context["others"])]
    # 教育局 leads the school building and helps with the healthy-campus campaign
    assert any(t.startswith("县教育局要完成") for t in due)
    assert any(t.startswith("县卫健局和县教育局") for t in others)
    assert not any("县发改局" in t or "县工信局" in t for t in due + others)
    body = response.content.decode()
    assert "牵头" in body and "配合" in body
    assert reverse("ledger:detail", kwargs={"pk": task_of("县教育局要完成").pk}) in body
    assert reverse("reporting:download") in body and reverse("reporting:upload") in body
    # other county's identical plan never shows up
    shown = pks(response.context["due"]) + pks(response.context["others"])
    assert set(Task.objects.filter(pk__in=shown).values_list("region_id", flat=True)) == {
        users["jyj"].region_id
    }


def test_it_moves_a_reported_task_out_of_what_is_due_and_back_when_returned(client, users, fgj_task):
    client.force_login(users["fgj"])
    assert fgj_task.pk in pks(client.get(reverse("reporting:mine")).context["due"])
    report = submit_report(fgj_task, users["fgj"], ReportInput(text="已建立机制", percent=30, values={}))
    page = client.get(reverse("reporting:mine"))
    assert fgj_task.pk not in pks(page.context["due"])
    assert "已填报，待审核" in page.content.decode()
    client.force_login(users["office"])
    client.post(
        reverse("reporting:review", kwargs={"pk": report.pk}), {"action": "return", "comment": "请补充数据"}
    )
    client.force_login(users["fgj"])
    page = client.get(reverse("reporting:mine"))
    assert fgj_task.pk in pks(page.context["due"])
    assert "请补充数据" in page.content.decode()


def test_it_keeps_the_query_count_of_mine_independent_of_the_number_of_tasks(client, users, fgj_task):
    client.force_login(users["fgj"])
    fgj = users["fgj"].unit

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("reporting:mine"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count()
    plan = fgj_task.plan
    for n in range(30):
        task = Task.objects.create(plan=plan, region=plan.region, number=100 + n, text=f"附加任务{n}")
        Assignment.objects.create(
            task=task, unit=fgj, role=Assignment.Role.LEAD if n % 2 else Assignment.Role.COOPERATE
        )
        Output.objects.create(task=task, name="数量", goal="10个")
        if n % 3 == 0:
            submit_report(task, users["fgj"], ReportInput(text="推进中", percent=10, values={}))
    many = count()
    assert many == few
    assert len(client.get(reverse("reporting:mine")).context["due"]) > 10


def test_it_keeps_other_roles_out_of_a_units_pages(client, users):
    client.force_login(users["office"])
    assert client.get(reverse("reporting:mine")).status_code == 403
    assert client.get(reverse("reporting:download")).status_code == 403
    client.force_login(users["fgj"])
    assert client.get(reverse("reporting:pending")).status_code == 403


# ------------------------------------------------------------------------------------ report form


def test_it_saves_a_report_with_values_and_attachments(client, users, fgj_task):
    client.force_login(users["fgj"])
    output = fgj_task.outputs.get()
    data = form_data(fgj_task, **{f"value_{output.pk}": "12.5"})
    data["attachments"] = [
        SimpleUploadedFile("调度会纪要.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
    ]
    response = client.post(reverse("reporting:report", kwargs={"pk": fgj_task.pk}), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reporting:mine")
    assert "已提交" in response.content.decode()
    report = ProgressReport.objects.get(task=fgj_task)
    assert (report.text, report.percent, report.unit) == ("已召开项目调度会 2 次", 45, users["fgj"].unit)
    assert [(v.output_id, v.value) for v in report.values.all()] == [(output.pk, 12.5)]
    assert sorted(a.name for a in report.attachments.all()) == ["现场.png", "调度会纪要.pdf"]
    assert report.attachments.get(name="现场.png").size == len(PNG)
    fgj_task.refresh_from_db()
    output.refresh_from_db()
    assert fgj_task.progress == 45 and output.current_value == 12.5
    # the attachment can be fetched back by the office, not by another unit
    pdf = report.attachments.get(name="调度会纪要.pdf")
    client.force_login(users["office"])
    got = client.get(reverse("reporting:attachment", kwargs={"pk": pdf.pk}))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    client.force_login(users["gxj"])
    assert client.get(reverse("reporting:attachment", kwargs={"pk": pdf.pk})).status_code == 404


def test_it_marks_a_task_done_at_one_hundred_percent(client, users, fgj_task):
    client.force_login(users["fgj"])
    client.post(
        reverse("reporting:report", kwargs={"pk": fgj_task.pk}), form_data(fgj_task, percent="80", done="on")
    )
    fgj_task.refresh_from_db()
    assert fgj_task.status == Task.Status.DONE and fgj_task.progress == 100


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "不允许"),
        ("发票.pdf", b"MZ\x90\x00" + b"\x00" * 60, "不符"),  # a program renamed to .pdf
    ],
)
def test_it_refuses_an_attachment_of_a_type_not_allowed(client, users, fgj_task, name, content, message):
    client.force_login(users["fgj"])
    data = form_data(fgj_task, attachments=[SimpleUploadedFile(name, content)])
    response = client.post(reverse("reporting:report", kwargs={"pk": fgj_task.pk}), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressReport.objects.exists() and not Attachment.objects.exists()
    fgj_task.refresh_from_db()
    assert fgj_task.progress == 0


def test_it_refuses_an_oversized_attachment(client, users, fgj_task, settings):
    settings.LUOSHI_ATTACHMENT_MAX_BYTES = 100
    client.force_login(users["fgj"])
    big = SimpleUploadedFile("大文件.pdf", PDF + b" " * 200)
    response = client.post(
        reverse("reporting:report", kwargs={"pk": fgj_task.pk}), form_data(fgj_task, attachments=[big])
    )
    assert response.status_code == 200
    assert "超过" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_it_refuses_a_percent_outside_0_to_100_and_empty_text(client, users, fgj_task):
    client.force_login(users["fgj"])
    url = reverse("reporting:report", kwargs={"pk": fgj_task.pk})
    assert client.post(url, form_data(fgj_task, percent="150")).status_code == 200
    assert client.post(url, form_data(fgj_task, text="  ")).status_code == 200
    assert not ProgressReport.objects.exists()


def test_it_hides_the_task_of_another_unit_and_of_another_county(client, users, published_plan, other_county):
    client.force_login(users["fgj"])
    gxj_task = task_of("县工信局要加快")
    foreign = other_county["plan"].tasks.get(text__startswith="县发改局要牵头")
    for task in (gxj_task, foreign):
        url = reverse("reporting:report", kwargs={"pk": task.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, form_data(task)).status_code == 404
    assert not ProgressReport.objects.exists()
    # the office sees the task in its ledger but does not report on it
    client.force_login(users["office"])
    assert client.get(reverse("reporting:report", kwargs={"pk": gxj_task.pk})).status_code == 403


def test_it_renders_the_report_form_for_a_phone(client, users, fgj_task):
    client.force_login(users["fgj"])
    body = client.get(reverse("reporting:report", kwargs={"pk": fgj_task.pk})).content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    assert '<table class="responsive outputs">' in body
    assert 'style="width:100%"' in body  # the textarea spans the screen
    assert 'inputmode="numeric"' in body and 'type="file"' in body and "multiple" in body
    assert 'enctype="multipart/form-data"' in body
    # the figures that stand are filled in, so a unit only types what changed
    assert 'name="percent" value="0"' in body


def test_it_stores_a_cooperating_units_report_without_moving_the_leads_figures(users, published_plan):
    task = task_of("县卫健局和县教育局")
    assert task.assignments.get(unit=users["jyj"].unit).role == Assignment.Role.COOPERATE
    submit_report(task, users["jyj"], ReportInput(text="配合开展宣传", percent=90, values={}, done=True))
    task.refresh_from_db()
    assert task.progress == 0 and task.status != Task.Status.DONE
    assert ProgressReport.objects.filter(task=task, unit=users["jyj"].unit).count() == 1
    assert AuditEntry.objects.filter(task=task, action="submit").count() == 1


def test_it_lets_a_late_report_stand_without_undoing_a_newer_one(users, fgj_task):
    from luoshi.reporting.services import report_periods

    this, last = report_periods(fgj_task)
    output = fgj_task.outputs.get()
    submit_report(fgj_task, users["fgj"], ReportInput(text="本期", percent=60, values={output.pk: 30.0}))
    late = submit_report(
        fgj_task,
        users["fgj"],
        ReportInput(text="补报上期", percent=20, values={output.pk: 12.0}),
        period=last,
    )
    fgj_task.refresh_from_db()
    output.refresh_from_db()
    assert (late.period, late.percent) == (last, 20)
    assert (fgj_task.progress, output.current_value) == (60, 30.0)


def test_it_reopens_a_task_whose_done_report_the_office_returns(users, fgj_task):
    from luoshi.reporting.services import review_report

    output = fgj_task.outputs.get()
    first = submit_report(
        fgj_task, users["fgj"], ReportInput(text="过半", percent=55, values={output.pk: 22.0})
    )
    review_report(first, users["office"], accept=True)
    claim = submit_report(
        fgj_task, users["fgj"], ReportInput(text="已完成", percent=100, values={output.pk: 40.0}, done=True)
    )
    fgj_task.refresh_from_db()
    assert (fgj_task.status, fgj_task.progress, fgj_task.colour) == (Task.Status.DONE, 100, "green")

    review_report(claim, users["office"], accept=False, comment="未见竣工验收材料")
    fgj_task.refresh_from_db()
    output.refresh_from_db()
    # the figures fall back to the report that still stands, and the colour follows them
    assert (fgj_task.status, fgj_task.progress, output.current_value) == (Task.Status.IN_PROGRESS, 55, 22.0)
    assert fgj_task.colour_reason != "done"
    entry = AuditEntry.objects.get(action="return", subject_id=claim.pk)
    assert entry.changes["progress"] == [100, 55] and entry.changes["status"] == ["done", "in_progress"]


def test_it_counts_only_the_lead_units_report_as_the_periods_report(users, published_plan):
    from luoshi.org.models import User
    from luoshi.reporting.services import report_periods
    from luoshi.supervision.warnings import standing_periods

    task = task_of("县卫健局和县教育局")
    lead = task.assignments.get(role=Assignment.Role.LEAD).unit
    this = report_periods(task)[0]
    submit_report(task, users["jyj"], ReportInput(text="配合开展宣传", percent=90, values={}))
    assert this not in standing_periods([task.pk])[task.pk]
    lead_user = User.objects.create_user(username="wjj", role=User.Role.UNIT, region=lead.region, unit=lead)
    submit_report(task, lead_user, ReportInput(text="牵头推进", percent=30, values={}))
    assert this in standing_periods([task.pk])[task.pk]


# ------------------------------------------------------------------------------------------ review


def test_it_lets_the_office_accept_and_return_reports_oldest_first(
    client, users, published_plan, other_county
):
    first = submit_report(
        task_of("县发改局要牵头"), users["fgj"], ReportInput(text="第一份", percent=20, values={})
    )
    second = submit_report(
        task_of("县工信局要加快"), users["gxj"], ReportInput(text="第二份", percent=30, values={})
    )
    client.force_login(users["office"])
    page = client.get(reverse("reporting:pending"))
    assert [r.pk for r in page.context["reports"]] == [first.pk, second.pk]
    body = page.content.decode()
    assert reverse("reporting:review", kwargs={"pk": first.pk}) in body and "退回意见" in body

    url = reverse("reporting:review", kwargs={"pk": first.pk})
    assert client.post(url, {"action": "accept"}).status_code == 302
    first.refresh_from_db()
    assert first.status == ProgressReport.Status.ACCEPTED and first.reviewed_by == users["office"]

    url = reverse("reporting:review", kwargs={"pk": second.pk})
    response = client.post(url, {"action": "return", "comment": ""}, follow=True)
    assert "退回时请填写意见" in response.content.decode()
    second.refresh_from_db()
    assert second.status == ProgressReport.Status.SUBMITTED
    # with htmx the row is swapped for its reviewed state
    response = client.post(url, {"action": "return", "comment": "数据不全"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="report-{second.pk}"' in response.content.decode() and "数据不全" in response.content.decode()
    assert "<html" not in response.content.decode()
    second.refresh_from_db()
    assert (second.status, second.review_comment) == (ProgressReport.Status.RETURNED, "数据不全")
    assert list(client.get(reverse("reporting:pending")).context["reports"]) == []
    assert AuditEntry.objects.filter(action__in=["accept", "return"]).count() == 2

    # another county's office cannot review these
    third = submit_report(
        task_of("县发改局要牵头"), users["fgj"], ReportInput(text="第三份", percent=25, values={})
    )
    client.force_login(other_county["office"])
    assert (
        client.post(reverse("reporting:review", kwargs={"pk": third.pk}), {"action": "accept"}).status_code
        == 404
    )
    assert third.pk not in [r.pk for r in client.get(reverse("reporting:pending")).context["reports"]]


# ------------------------------------------------------------------------------------- Excel round-trip


def _download(client) -> tuple:
    response = client.get(reverse("reporting:download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def _upload(client, wb, name="tasks.xlsx"):
    buffer = io.BytesIO()
    wb.save(buffer)
    return client.post(reverse("reporting:upload"), {"file": SimpleUploadedFile(name, buffer.getvalue())})


def test_it_round_trips_progress_through_excel(client, users, fgj_task, other_county):
    gxj_task = task_of("县工信局要加快")
    submit_report(gxj_task, users["gxj"], ReportInput(text="x", percent=5, values={}))  # not ours to touch
    client.force_login(users["fgj"])
    wb = _download(client)
    ws = wb["任务"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["任务ID", "序号", "任务内容"] and "本期进展情况" in header
    assert ws.column_dimensions["A"].hidden and ws.protection.sheet
    assert ws.cell(row=2, column=1).protection.locked  # the id stays locked
    assert ws.cell(row=2, column=header.index("本期进展情况") + 1).protection.locked is False
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(
        Task.objects.filter(assignments__unit=users["fgj"].unit).values_list("pk", flat=True)
    )
    outputs_ws = wb["指标"]
    output = fgj_task.outputs.get()
    assert [(r[0], r[1]) for r in outputs_ws.iter_rows(min_row=2, values_only=True)] == [
        (fgj_task.pk, output.pk)
    ]

    col = {h: i + 1 for i, h in enumerate(header)}
    # row 2: a valid report with a figure
    ws.cell(row=2, column=col["本期进展情况"], value="已开工 3 个项目")
    ws.cell(row=2, column=col["完成进度(%)"], value=60)
    outputs_ws.cell(row=2, column=7, value=18)
    # a second task row of ours with percent 150 (add one if the unit has only one task)
    extra = Task.objects.create(plan=fgj_task.plan, region=fgj_task.region, number=99, text="第二项任务")
    Assignment.objects.create(task=extra, unit=users["fgj"].unit, role=Assignment.Role.LEAD)
    ws.cell(row=3, column=1, value=extra.pk)
    ws.cell(row=3, column=col["本期进展情况"], value="进展顺利")
    ws.cell(row=3, column=col["完成进度(%)"], value=150)
    # row 4: another unit's task id typed in
    ws.cell(row=4, column=1, value=gxj_task.pk)
    ws.cell(row=4, column=col["本期进展情况"], value="冒填")
    ws.cell(row=4, column=col["完成进度(%)"], value=90)

    before = ProgressReport.objects.count()
    response = _upload(client, wb)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [c.task_id for c in preview.changes] == [fgj_task.pk]
    assert [(e.sheet, e.row) for e in preview.errors] == [("任务", 3), ("任务", 4)]
    assert "0 到 100" in preview.errors[0].message and "不是本单位" in preview.errors[1].message
    body = response.content.decode()
    assert body.count('class="row-change"') == 1 and body.count('class="row-error"') == 2
    assert "0% → <strong>60%</strong>" in body
    assert ProgressReport.objects.count() == before  # nothing written yet

    token = response.context["token"]
    response = client.post(reverse("reporting:confirm"), {"token": token}, follow=True)
    assert "已保存 1 条填报" in response.content.decode()
    assert ProgressReport.objects.count() == before + 1
    report = ProgressReport.objects.get(task=fgj_task)
    assert (report.text, report.percent) == ("已开工 3 个项目", 60)
    assert [(v.output_id, v.value) for v in report.values.all()] == [(output.pk, 18.0)]
    gxj_task.refresh_from_db()
    assert gxj_task.progress == 5

    # the preview is used up: a second confirm saves nothing
    response = client.post(reverse("reporting:confirm"), {"token": token}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert ProgressReport.objects.count() == before + 1


def test_it_refuses_a_preview_left_unconfirmed_for_more_than_a_day(client, users, fgj_task):
    from datetime import timedelta

    from django.utils import timezone

    from luoshi.reporting.models import WorkbookPreview

    client.force_login(users["fgj"])
    wb = _download(client)
    ws = wb["任务"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("本期进展情况") + 1, value="上周填的")
    token = _upload(client, wb).context["token"]
    WorkbookPreview.objects.update(created_at=timezone.now() - timedelta(days=2))
    response = client.post(reverse("reporting:confirm"), {"token": token}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert not ProgressReport.objects.exists() and not WorkbookPreview.objects.exists()


def test_it_keeps_the_progress_that_stands_at_confirm_when_the_percent_is_left_blank(client, users, fgj_task):
    client.force_login(users["fgj"])
    wb = _download(client)
    ws = wb["任务"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == fgj_task.pk)
    ws.cell(row=row, column=header.index("本期进展情况") + 1, value="召开调度会一次")
    response = _upload(client, wb)
    assert "0%（不变）" in response.content.decode()
    # a colleague's report lands on the web form between the preview and the confirm
    submit_report(fgj_task, users["fgj"], ReportInput(text="网页填报", percent=35, values={}))
    client.post(reverse("reporting:confirm"), {"token": response.context["token"]})
    latest = ProgressReport.objects.filter(task=fgj_task).latest("submitted_at", "id")
    fgj_task.refresh_from_db()
    assert (latest.text, latest.percent, fgj_task.progress) == ("召开调度会一次", 35, 35)


def test_it_imports_neither_of_two_rows_for_one_task(client, users, fgj_task):
    client.force_login(users["fgj"])
    wb = _download(client)
    ws = wb["任务"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == fgj_task.pk)
    copy = ws.max_row + 1
    for col in range(1, len(header) + 1):
        ws.cell(row=copy, column=col, value=ws.cell(row=row, column=col).value)
    ws.cell(row=row, column=header.index("本期进展情况") + 1, value="第一行")
    ws.cell(row=copy, column=header.index("本期进展情况") + 1, value="第二行")
    preview = _upload(client, wb).context["preview"]
    assert [c.task_id for c in preview.changes] == []
    assert sorted(e.row for e in preview.errors if "两行都未导入" in e.message) == [row, copy]


def test_it_reports_row_errors_from_the_outputs_sheet(client, users, fgj_task):
    client.force_login(users["fgj"])
    wb = _download(client)
    ws, outputs_ws = wb["任务"], wb["指标"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == fgj_task.pk)
    ws.cell(row=row, column=header.index("本期进展情况") + 1, value="有进展")
    outputs_ws.cell(row=2, column=7, value="约二十")
    response = _upload(client, wb)
    preview = response.context["preview"]
    assert preview.changes == []
    messages = [(e.sheet, e.row, e.message) for e in preview.errors]
    assert ("指标", 2) in [(s, r) for s, r, _ in messages]
    assert any("不是数字" in m for _, _, m in messages)
    # a value without any progress text for its task
    wb = _download(client)
    wb["指标"].cell(row=2, column=7, value=5)
    preview = _upload(client, wb).context["preview"]
    assert preview.changes == [] and any("进展情况" in e.message for e in preview.errors)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tasks.xls", b"\xd0\xcf\x11\xe0 old excel", "不是 xlsx"),
        ("tasks.xlsx", b"this is not a zip", "不是有效的 xlsx"),
        ("tasks.xlsx", b"PK\x03\x04 truncated zip", "无法读取"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_readable_xlsx(client, users, fgj_task, name, content, message):
    client.force_login(users["fgj"])
    response = client.post(
        reverse("reporting:upload"), {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("reporting:mine")
    assert message in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_it_refuses_a_workbook_that_is_not_ours(client, users, fgj_task):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张三", "123"])
    client.force_login(users["fgj"])
    response = _upload(client, wb)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert "没有“任务”工作表" in response.content.decode()


def test_it_reads_a_percent_typed_as_60_percent_and_done_as_yes(client, users, fgj_task):
    client.force_login(users["fgj"])
    wb = _download(client)
    ws = wb["任务"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == fgj_task.pk)
    ws.cell(row=row, column=col["本期进展情况"], value="机制已建立")
    # Excel stores "60%" typed into a plain cell as 0.6 with a percent format
    cell = ws.cell(row=row, column=col["完成进度(%)"], value=0.6)
    cell.number_format = "0%"
    preview = _upload(client, wb).context["preview"]
    assert [(c.percent, c.done) for c in preview.changes] == [(60, False)]
    ws.cell(row=row, column=col["已完成(是/否)"], value="是")
    response = _upload(client, wb)
    assert [(c.percent, c.done) for c in response.context["preview"].changes] == [(100, True)]
    client.post(reverse("reporting:confirm"), {"token": response.context["token"]})
    fgj_task.refresh_from_db()
    assert (fgj_task.status, fgj_task.progress) == (Task.Status.DONE, 100)


def test_it_asks_a_weekly_task_for_this_weeks_report(client, users, fgj_task):
    from datetime import timedelta

    from django.utils import timezone

    Task.objects.filter(pk=fgj_task.pk).update(schedule=Task.Schedule.WEEKLY)
    fgj_task.refresh_from_db()
    client.force_login(users["fgj"])
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    # a report for last week does not cover this week
    report = submit_report(
        fgj_task,
        users["fgj"],
        ReportInput(text="上周进展", percent=10, values={}),
        period=monday - timedelta(days=7),
    )
    page = client.get(reverse("reporting:mine"))
    assert fgj_task.pk in pks(page.context["due"]) and "每周调度" in page.content.decode()
    report = submit_report(fgj_task, users["fgj"], ReportInput(text="本周进展", percent=15, values={}))
    assert report.period == monday
    assert fgj_task.pk not in pks(client.get(reverse("reporting:mine")).context["due"])
    # and no report for a period two weeks back
    with pytest.raises(NotAllowed):
        submit_report(
            fgj_task,
            users["fgj"],
            ReportInput(text="补报", percent=15, values={}),
            period=monday - timedelta(days=14),
        )


def test_it_keeps_the_query_count_of_pending_independent_of_the_number_of_reports(client, users, fgj_task):
    client.force_login(users["office"])
    output = fgj_task.outputs.get()

    def add(n: int) -> None:
        for i in range(n):
            submit_report(
                fgj_task,
                users["fgj"],
                ReportInput(text=f"进展{i}", percent=i, values={output.pk: float(i)}),
                files=[SimpleUploadedFile(f"附件{i}.pdf", PDF)],
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reporting:pending")).status_code == 200
        return len(ctx.captured_queries)

    add(2)
    few = count()
    add(10)
    assert count() == few
    assert len(client.get(reverse("reporting:pending")).context["reports"]) == 12


def test_it_waits_for_a_ledger_published_ahead_of_its_year(client, users, county):
    from django.utils import timezone

    from luoshi.plans.services import import_document, publish_plan

    future = timezone.localdate().year + 1
    speech = f"在清水县{future}年经济工作会议上的讲话\n同志们：\n一、{future}年重点工作\n县发改局要在6月底前完成项目储备。\n"
    plan = publish_plan(
        import_document(county["region"], "明年.txt", speech.encode(), users["office"]), users["office"]
    )
    task = plan.tasks.get()
    client.force_login(users["fgj"])
    page = client.get(reverse("reporting:mine"))
    assert task.pk not in pks(page.context["due"]) and task.pk in pks(page.context["others"])
    response = client.get(reverse("reporting:report", kwargs={"pk": task.pk}))
    assert response.status_code == 403 and f"{future} 年起才能填报" in response.content.decode()
    with pytest.raises(NotAllowed):
        submit_report(task, users["fgj"], ReportInput(text="提前填报", percent=5, values={}))


def test_it_refuses_an_output_value_past_any_real_figure(users, fgj_task):
    output = fgj_task.outputs.get()
    with pytest.raises(NotAllowed, match="超出合理范围"):
        submit_report(
            fgj_task, users["fgj"], ReportInput(text="录入错误", percent=10, values={output.pk: 1e308})
        )
    assert not ProgressReport.objects.exists()


def test_it_marks_a_pending_report_replaced_by_a_later_one_of_the_same_period(client, users, fgj_task):
    first = submit_report(fgj_task, users["fgj"], ReportInput(text="初稿", percent=10, values={}))
    second = submit_report(fgj_task, users["fgj"], ReportInput(text="修正稿", percent=12, values={}))
    client.force_login(users["office"])
    reports = {r.pk: r for r in client.get(reverse("reporting:pending")).context["reports"]}
    assert (reports[first.pk].superseded, reports[second.pk].superseded) == (True, False)
