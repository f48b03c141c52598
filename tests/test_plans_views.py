"""Import, review and publish through the pages, as the office does it: upload, correct, publish."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.ledger.models import Assignment, AuditEntry, Plan, Task
from luoshi.org.access import tasks_for

SPEECH = """在清水县2025年经济工作会议上的讲话
同志们：
一、2025年主要目标和重点工作
今年全县经济社会发展的主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%。
（一）扩大有效投资
县发改委要牵头建立重点项目调度机制，年内完成投资40亿元。
工信局要加快东湖工业园标准厂房项目建设，6月底前竣工投产。
（二）保障民生
县教育局要完成县第二小学教学楼项目建设，9月底前投入使用。
卫健局和县教育局要开展健康校园行动，覆盖全县中小学校80所。
"""


@pytest.fixture(autouse=True)
def _quick_passwords(settings) -> None:
    # these tests log in with force_login; the real hasher's rounds only slow the fixture users down
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office(client, users):
    client.force_login(users["office"])
    return client


def _upload(client, name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("plans:import"), {"file": SimpleUploadedFile(name, data)})


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def draft(county, users) -> Plan:
    from luoshi.plans.services import import_document

    return import_document(county["region"], "讲话.txt", SPEECH.encode("utf-8"), users["office"])


def _row_data(task: Task, **changes) -> dict:
    """What the review page's row form posts for a task, with some fields changed."""
    task.refresh_from_db()
    units = list(task.assignments.select_related("unit").order_by("id"))
    lead = next((a.unit for a in units if a.role == "lead"), None)
    data = {
        "version": task.version,
        "text": task.text,
        "lead": str(lead) if lead else "",
        "cooperating": "、".join(str(a.unit) for a in units if a.unit != lead),
        "leader": task.leader_id or "",
        "deadline": task.deadline.isoformat() if task.deadline else "",
        "tier": task.tier,
        "outputs": "\n".join(f"{o.name}｜{o.goal}" for o in task.outputs.order_by("id")),
    }
    data.update(changes)
    return data


def _numbers(plan: Plan) -> list[int]:
    return list(plan.tasks.order_by("number").values_list("number", flat=True))


# ---------------------------------------------------------------- import


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("清水县讲话.txt", SPEECH.encode("gb18030")),
        ("清水县讲话.docx", _docx(SPEECH)),
    ],
    ids=["txt-gb18030", "docx"],
)
def test_it_imports_a_speech_into_a_draft_with_units_matched_through_aliases(
    office, county, name, data
) -> None:
    response = _upload(office, name, data)
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:review", args=[plan.pk])
    assert plan.status == Plan.Status.DRAFT and plan.region == county["region"] and plan.year == 2025
    units = county["units"]
    # 县发改委 and 工信局 are aliases in the register, not the units' names
    fgw = plan.tasks.get(text__startswith="县发改委")
    assert fgw.assignments.get(role=Assignment.Role.LEAD).unit == units["县发改局"]
    gxj = plan.tasks.get(text__startswith="工信局")
    assert gxj.assignments.get(role=Assignment.Role.LEAD).unit == units["县工信局"]
    both = plan.tasks.get(text__startswith="卫健局和")
    assert {(a.unit_id, a.role) for a in both.assignments.all()} == {
        (units["县卫健局"].pk, "lead"),
        (units["县教育局"].pk, "cooperate"),
    }
    assert set(plan.targets.values_list("indicator", flat=True)) == {"地区生产总值", "一般公共预算收入"}
    assert list(gxj.projects.values_list("name", flat=True)) == ["东湖工业园标准厂房项目"]

    page = office.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    # the source is shown with each task's span marked, and the row links to it
    assert f'<mark id="t-{fgw.number}">县发改委要牵头建立重点项目调度机制，年内完成投资40亿元</mark>' in body
    assert f'href="#t-{gxj.number}"' in body
    assert "地区生产总值增长6%左右" in body and "东湖工业园标准厂房项目" in body
    assert "扩大有效投资" in body


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("空白.txt", b"", "文件是空的"),
        ("旧文档.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "不支持旧版 Word 文档"),
        ("图片.txt", bytes(range(256)) * 8, "这不是文本文件"),
        ("便条.txt", "今天天气很好，大家注意休息。\n".encode(), "没有识别出任何任务"),
    ],
    ids=["empty", "doc", "binary", "no-tasks"],
)
def test_it_refuses_a_bad_file_with_the_parsers_message_and_saves_nothing(
    office, name, data, message
) -> None:
    response = _upload(office, name, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "未保存任何内容" in body
    assert Plan.objects.count() == 0 and Task.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_it_refuses_a_file_over_the_parsers_size_limit(office, monkeypatch) -> None:
    from luoshi.plans import forms

    monkeypatch.setattr(forms, "MAX_BYTES", 1024)  # the limit is the parser's; a small one is quicker
    response = _upload(office, "长.txt", SPEECH.encode("utf-8") * 10)
    assert "文件超过" in response.content.decode()
    assert Plan.objects.count() == 0


@pytest.mark.parametrize("role", ["fgj", "leader"])
def test_it_keeps_the_import_page_and_drafts_from_other_roles(client, users, draft, role) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(users[role])
    assert client.get(reverse("plans:import")).status_code == 403
    upload = SimpleUploadedFile("讲话.txt", SPEECH.encode())
    assert client.post(reverse("plans:import"), {"file": upload}).status_code == 403
    assert client.get(reverse("plans:review", args=[draft.pk])).status_code == 404
    task = draft.tasks.first()
    assert (
        client.post(reverse("plans:task_row", args=[task.pk]), _row_data(task, text="改")).status_code == 404
    )
    assert client.post(reverse("plans:task_drop", args=[task.pk])).status_code == 404
    assert client.post(reverse("plans:publish", args=[draft.pk])).status_code == 403
    assert client.get(reverse("plans:unit_suggest", args=[draft.pk]), {"q": "发改"}).status_code == 404
    listing = client.get(reverse("plans:list")).content.decode()
    assert draft.title not in listing
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT and draft.tasks.count() == 4
    assert Plan.objects.count() == 1


def test_it_hides_another_countys_draft_from_the_office(client, draft, other_county) -> None:
    client.force_login(other_county["office"])
    assert client.get(reverse("plans:review", args=[draft.pk])).status_code == 404
    task = draft.tasks.first()
    assert (
        client.post(reverse("plans:task_row", args=[task.pk]), _row_data(task, text="改")).status_code == 404
    )


def test_it_lists_the_regions_plans_with_counts(office, draft, published_plan) -> None:
    body = office.get(reverse("plans:list")).content.decode()
    assert draft.title in body and reverse("plans:review", args=[draft.pk]) in body
    assert "待审核" in body and "已发布" in body
    assert "<td>4</td>" in body  # the draft's four tasks


# ---------------------------------------------------------------- review edits


def test_it_saves_an_edited_row_and_audits_it(office, draft, county) -> None:
    task = draft.tasks.get(text__startswith="县发改委")
    leader = county["leader"]
    data = _row_data(
        task,
        text="县发改委要牵头建立重点项目周调度机制，年内完成投资40亿元",
        lead="发改委",
        cooperating="工信局、县教育局",
        leader=leader.pk,
        deadline="2025-11-30",
        outputs="完成投资｜40亿元\n新开工项目｜20个",
    )
    response = office.post(reverse("plans:task_row", args=[task.pk]), data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.text == data["text"] and task.leader == leader and str(task.deadline) == "2025-11-30"
    units = county["units"]
    assert [(a.unit, a.role) for a in task.assignments.order_by("id")] == [
        (units["县发改局"], "lead"),
        (units["县工信局"], "cooperate"),
        (units["县教育局"], "cooperate"),
    ]
    assert [(o.name, o.goal, o.goal_value, o.unit) for o in task.outputs.order_by("id")] == [
        ("完成投资", "40亿元", 40.0, "亿元"),
        ("新开工项目", "20个", 20.0, "个"),
    ]
    actions = set(AuditEntry.objects.filter(task=task).values_list("action", "subject"))
    assert {("update", "task"), ("assign", "assignment"), ("update", "output")} <= actions
    change = AuditEntry.objects.get(task=task, action="update", subject="task").changes
    assert change["text"][1] == data["text"] and change["leader"][1] == str(leader)
    assert "已保存" in office.get(response["Location"]).content.decode()


def test_it_answers_htmx_with_the_row_alone(office, draft) -> None:
    task = draft.tasks.get(text__startswith="工信局")
    response = office.post(
        reverse("plans:task_row", args=[task.pk]),
        _row_data(task, text=task.text + "，年底前达产"),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="row-{task.number}"') and "<html" not in body
    assert "已保存" in body and "年底前达产" in body
    task.refresh_from_db()
    assert task.text.endswith("年底前达产") and f'name="version" value="{task.version}"' in body


def test_it_refuses_an_unknown_unit_with_suggestions_and_changes_nothing(office, draft, county) -> None:
    task = draft.tasks.get(text__startswith="县发改委")
    before = (task.version, task.text)
    response = office.post(
        reverse("plans:task_row", args=[task.pk]),
        _row_data(task, text="改过的内容", lead="发改"),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "找不到单位“发改”" in body and "县发改局" in body
    assert "改过的内容" in body  # what was typed is kept for correcting
    task.refresh_from_db()
    assert (task.version, task.text) == before
    assert not AuditEntry.objects.filter(task=task).exists()


def test_it_refuses_a_stale_version_with_the_message_and_changes_nothing(office, draft, users) -> None:
    from luoshi.ledger.services import update_task

    task = draft.tasks.get(text__startswith="县教育局")
    stale = _row_data(task, text="我的修改", lead="县发改局")
    update_task(task, users["office"], task.version, text="别人先保存的修改")  # someone else saves first
    task.refresh_from_db()
    version = task.version
    response = office.post(reverse("plans:task_row", args=[task.pk]), stale, follow=True)
    assert "该任务已被他人修改" in response.content.decode()
    task.refresh_from_db()
    assert task.text == "别人先保存的修改" and task.version == version
    assert task.assignments.get(role="lead").unit.short_name == "县教育局"
    # the htmx answer shows the message and the row as it is now
    body = office.post(reverse("plans:task_row", args=[task.pk]), stale, HTTP_HX_REQUEST="true").content
    assert "该任务已被他人修改" in body.decode() and "别人先保存的修改" in body.decode()
    assert AuditEntry.objects.filter(task=task, action="update").count() == 1


def test_it_files_each_task_under_its_own_part_when_two_sections_share_a_title(county, users) -> None:
    from luoshi.plans.services import import_document

    speech = """在清水县2025年经济工作会议上的讲话
一、扎实推进产业发展
（一）强化要素保障
县发改局要在6月底前完成重点项目用地报批。
二、持续改善民生
（一）强化要素保障
县教育局要年内新建幼儿园3所。
"""
    plan = import_document(county["region"], "讲话.txt", speech.encode("utf-8"), users["office"])
    parts = {t.text[:4]: t.section.parent.title for t in plan.tasks.select_related("section__parent")}
    assert parts == {"县发改局": "扎实推进产业发展", "县教育局": "持续改善民生"}


def test_it_merges_with_the_next_task_and_renumbers(office, draft) -> None:
    first = draft.tasks.get(number=1)
    second = draft.tasks.get(number=2)
    response = office.post(reverse("plans:task_merge", args=[first.pk]), {"version": first.version})
    assert response.status_code == 302
    assert _numbers(draft) == [1, 2, 3]
    first.refresh_from_db()
    assert second.text in first.text
    assert not Task.objects.filter(pk=second.pk).exists()
    assert AuditEntry.objects.filter(subject_id=first.pk, action="merge").exists()


def test_it_splits_at_an_offset_and_at_a_marker_and_renumbers(office, draft) -> None:
    task = draft.tasks.get(number=1)  # 县发改委要牵头建立重点项目调度机制，年内完成投资40亿元
    at = task.text.index("，") + 1
    office.post(reverse("plans:task_split", args=[task.pk]), {"at": at, "version": task.version})
    assert _numbers(draft) == [1, 2, 3, 4, 5]
    assert list(draft.tasks.order_by("number").values_list("text", flat=True)[:2]) == [
        "县发改委要牵头建立重点项目调度机制",
        "年内完成投资40亿元",
    ]
    last = draft.tasks.get(number=5)  # 卫健局和县教育局要开展健康校园行动，覆盖全县中小学校80所
    text = last.text.replace("，", "，||")
    response = office.post(reverse("plans:task_row", args=[last.pk]), _row_data(last, text=text))
    assert response.status_code == 302
    assert _numbers(draft) == [1, 2, 3, 4, 5, 6]
    assert list(draft.tasks.filter(number__gte=5).order_by("number").values_list("text", flat=True)) == [
        "卫健局和县教育局要开展健康校园行动",
        "覆盖全县中小学校80所",
    ]
    # the new half keeps the units
    assert draft.tasks.get(number=6).assignments.count() == 2


def test_it_gives_each_half_of_a_split_the_facts_its_own_words_name(office, draft, county) -> None:
    units = county["units"]
    first = draft.tasks.get(number=3)  # 县教育局…9月底前, merged with 卫健局和县教育局…80所
    office.post(reverse("plans:task_merge", args=[first.pk]), {"version": first.version})
    merged = draft.tasks.get(number=3)
    assert {a.unit_id for a in merged.assignments.all()} == {units["县教育局"].pk, units["县卫健局"].pk}
    at = merged.text.index("。") + 1
    office.post(reverse("plans:task_split", args=[merged.pk]), {"at": at, "version": merged.version})
    head, tail = draft.tasks.get(number=3), draft.tasks.get(number=4)
    assert tail.text.startswith("卫健局和县教育局")
    # the head keeps its own deadline and unit; the tail names two units and no deadline of its own
    assert (head.deadline.isoformat(), head.deadline_text) == ("2025-09-30", "9月底前")
    assert [(a.unit_id, a.role) for a in head.assignments.all()] == [(units["县教育局"].pk, "lead")]
    assert {a.unit_id for a in tail.assignments.all()} == {units["县教育局"].pk, units["县卫健局"].pk}
    assert tail.assignments.filter(role="lead").count() == 1
    assert tail.deadline == head.deadline  # the whole task's, which its words do not change
    assert [o.goal for o in head.outputs.all()] == [] and [o.goal for o in tail.outputs.all()] == ["80所"]
    assert [p.name for p in head.projects.all()] == ["县第二小学教学楼项目"]
    assert "县第二小学教学楼项目" not in [p.name for p in tail.projects.all()]
    assert (head.tier, tail.tier) == ("measurable", "measurable")
    # both halves' histories say where they came from, the merged-away task's entries included
    assert AuditEntry.objects.filter(task=tail, action="split").exists()
    assert AuditEntry.objects.filter(task=head, action__in=["merge", "split"]).count() == 2


def test_it_refuses_a_split_outside_the_text(office, draft) -> None:
    task = draft.tasks.get(number=2)
    response = office.post(
        reverse("plans:task_split", args=[task.pk]), {"at": 999, "version": task.version}, follow=True
    )
    assert "拆分位置不在任务内容中" in response.content.decode()
    assert _numbers(draft) == [1, 2, 3, 4]


def test_it_drops_a_non_task_and_renumbers(office, draft) -> None:
    task = draft.tasks.get(number=2)
    office.post(reverse("plans:task_drop", args=[task.pk]), {"version": task.version})
    assert _numbers(draft) == [1, 2, 3]
    assert not Task.objects.filter(pk=task.pk).exists()
    assert AuditEntry.objects.filter(action="drop", subject_id=task.pk).exists()


def test_it_refuses_a_drop_from_a_stale_page(office, draft, users) -> None:
    from luoshi.ledger.services import update_task

    task = draft.tasks.get(number=2)
    old = task.version
    update_task(task, users["office"], old, text="已改")
    response = office.post(reverse("plans:task_drop", args=[task.pk]), {"version": old}, follow=True)
    assert "该任务已被他人修改" in response.content.decode()
    assert _numbers(draft) == [1, 2, 3, 4]


def test_it_suggests_units_by_alias(office, draft, county) -> None:
    url = reverse("plans:unit_suggest", args=[draft.pk])
    body = office.get(url, {"lead": "发改委"}, HTTP_HX_REQUEST="true").content.decode()
    assert '<option value="县发改局">发展和改革局</option>' in body and "<html" not in body
    body = office.get(url, {"cooperating": "县发改局、卫健"}).content.decode()
    assert '<option value="县发改局、县卫健局">卫生健康局</option>' in body


def test_it_escapes_the_source_text(office, county, users) -> None:
    from luoshi.plans.services import import_document

    speech = SPEECH.replace("同志们：", "同志们：<script>alert(1)</script>")
    plan = import_document(county["region"], "讲话.txt", speech.encode(), users["office"])
    body = office.get(reverse("plans:review", args=[plan.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# ---------------------------------------------------------------- publish


def test_it_publishes_the_draft_so_units_see_their_tasks(office, draft, users) -> None:
    fgj = users["fgj"]
    assert not tasks_for(fgj).exists()
    assert office.get(reverse("plans:publish", args=[draft.pk])).status_code == 405
    response = office.post(reverse("plans:publish", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("ledger:list")
    draft.refresh_from_db()
    assert draft.status == Plan.Status.PUBLISHED and draft.published_by == users["office"]
    assert list(tasks_for(fgj).values_list("text", flat=True)) == [
        "县发改委要牵头建立重点项目调度机制，年内完成投资40亿元"
    ]
    # published: the draft pages are closed, edits go through the ledger
    task = draft.tasks.first()
    assert (
        office.post(reverse("plans:task_row", args=[task.pk]), _row_data(task, text="改")).status_code == 404
    )
    again = office.post(reverse("plans:publish", args=[draft.pk]), follow=True)
    assert "已经发布过了" in again.content.decode()


def test_it_refuses_to_publish_an_empty_draft(office, draft) -> None:
    for task in list(draft.tasks.all()):
        office.post(reverse("plans:task_drop", args=[task.pk]))
    response = office.post(reverse("plans:publish", args=[draft.pk]), follow=True)
    assert "没有任务，不能发布" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT


# ---------------------------------------------------------------- queries


def _speech_with(n: int) -> str:
    body = "\n".join(
        f"{unit}要推进第{i}批重点项目建设，{i % 12 + 1}月底前完成投资{i}亿元。"
        for i, unit in zip(range(1, n + 1), ["县发改委", "工信局", "县教育局和卫健局"] * n, strict=False)
    )
    return f"在清水县2025年经济工作会议上的讲话\n一、2025年重点工作\n（一）扩大有效投资\n{body}\n"


def test_it_reviews_a_draft_in_a_number_of_queries_that_does_not_grow_with_tasks(
    office, county, users
) -> None:
    from luoshi.plans.services import import_document

    counts = {}
    for n in (5, 40):
        plan = import_document(county["region"], f"讲话{n}.txt", _speech_with(n).encode(), users["office"])
        assert plan.tasks.count() == n
        with CaptureQueriesContext(connection) as queries:
            response = office.get(reverse("plans:review", args=[plan.pk]))
        assert response.status_code == 200 and response.content.decode().count('<mark id="t-') == n
        counts[n] = len(queries)
    assert counts[40] == counts[5]


# ---------------------------------------------------------------- publish, discard, limits


def test_it_asks_before_publishing_tasks_no_unit_leads(office, draft) -> None:
    from luoshi.ledger.models import Assignment

    Assignment.objects.filter(task=draft.tasks.get(number=1)).delete()
    page = office.get(reverse("plans:review", args=[draft.pk])).content.decode()
    assert "1 项任务没有牵头单位" in page and 'name="confirm"' in page
    response = office.post(reverse("plans:publish", args=[draft.pk]), follow=True)
    assert "没有牵头单位" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT
    office.post(reverse("plans:publish", args=[draft.pk]), {"confirm": "1"})
    draft.refresh_from_db()
    assert draft.status == Plan.Status.PUBLISHED
    entry = AuditEntry.objects.get(action="publish", subject_id=draft.pk)
    assert "没有牵头单位" in entry.changes["confirmed"][0]


def test_it_asks_before_publishing_a_second_ledger_for_one_year(office, draft, county, users) -> None:
    from luoshi.plans.services import import_document, publish_warnings

    publish_plan_confirmed = office.post(reverse("plans:publish", args=[draft.pk]), {"confirm": "1"})
    assert publish_plan_confirmed.status_code == 302
    again = import_document(county["region"], "讲话（重复）.txt", SPEECH.encode("utf-8"), users["office"])
    warnings = publish_warnings(again)
    assert any("已有任务台账" in w and str(draft.year) in w for w in warnings)


def test_it_deletes_a_draft_only_after_asking_and_keeps_the_record(office, draft) -> None:
    url = reverse("plans:discard", args=[draft.pk])
    page = office.get(url)
    assert page.status_code == 200 and "确认删除" in page.content.decode()
    assert Plan.objects.filter(pk=draft.pk).exists()  # asking changes nothing
    response = office.post(url, follow=True)
    assert "已删除" in response.content.decode()
    assert (
        not Plan.objects.filter(pk=draft.pk).exists() and not Task.objects.filter(plan_id=draft.pk).exists()
    )
    entry = AuditEntry.objects.get(action="discard", subject_id=draft.pk)
    assert entry.changes["tasks"] == 4 and entry.region_id == draft.region_id
    # a published ledger is not deleted this way
    assert office.post(url).status_code == 404


def test_it_refuses_a_file_with_more_tasks_than_a_speech_has(office, settings) -> None:
    settings.LUOSHI_IMPORT_MAX_TASKS = 3
    response = _upload(office, "讲话.txt", SPEECH.encode("utf-8"))
    assert response.status_code == 200
    assert "超过 3 项" in response.content.decode()
    assert not Plan.objects.exists()


def test_it_titles_a_plan_with_the_documents_own_title(office) -> None:
    _upload(office, "wenjian-01.txt", SPEECH.encode("utf-8"))
    assert Plan.objects.get().title == "在清水县2025年经济工作会议上的讲话"


def test_it_says_why_a_file_is_refused_in_the_readers_language(office) -> None:
    from django.conf import settings

    office.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _upload(office, "旧文档.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    body = response.content.decode()
    assert "WPS document (.wps) is not supported" in body and "save it as .docx or .txt" in body
    assert "不支持" not in body


def test_it_refuses_a_deadline_outside_the_plans_years_and_keeps_the_row(office, draft) -> None:
    task = draft.tasks.get(number=1)
    before = (task.deadline, task.version)
    response = office.post(
        reverse("plans:task_row", args=[task.pk]), _row_data(task, deadline="9999-12-31"), follow=True
    )
    assert "2024 年到 2035 年之间" in response.content.decode()
    task.refresh_from_db()
    assert (task.deadline, task.version) == before
    office.post(reverse("plans:task_row", args=[task.pk]), _row_data(task, deadline="2025年10月31日"))
    task.refresh_from_db()
    assert task.deadline.isoformat() == "2025-10-31"
