"""Supervision through its pages: the office issues a notice (督办单), the unit replies, the office
closes or escalates it; nobody sees another unit's or county's notices; stale pages are refused;
a leader's instruction (批示) reaches the task's units."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.ledger.models import AuditEntry, Task
from luoshi.supervision.models import Instruction, NoticeReply, SupervisionNotice
from luoshi.supervision.services import issue_notice, notices_for


def _task(plan, start: str) -> Task:
    return Task.objects.get(plan=plan, text__startswith=start)


@pytest.fixture
def tasks(published_plan):
    return {
        "fgj": _task(published_plan, "县发改局要牵头"),
        "gxj": _task(published_plan, "县工信局要加快"),
        "both": _task(published_plan, "县卫健局和县教育局"),
    }


def _issue(users, county, task, unit="县发改局", level="blue") -> SupervisionNotice:
    return issue_notice(
        users["office"],
        county["units"][unit],
        [task],
        level,
        "请说明进展滞后的原因并提出措施。",
        timezone.localdate() + timedelta(days=5),
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_it_issues_a_notice_the_unit_replies_and_the_office_closes(client, users, county, tasks) -> None:
    client.force_login(users["office"])
    due = timezone.localdate() + timedelta(days=7)
    response = client.post(
        reverse("supervision:new_notice"),
        {
            "unit": county["units"]["县发改局"].pk,
            "tasks": [tasks["fgj"].pk],
            "level": "yellow",
            "body": "请于一周内报送重点项目调度机制建立情况。",
            "reply_due": due.isoformat(),
        },
    )
    notice = SupervisionNotice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:notice", args=[notice.pk])
    assert (notice.level, notice.status, notice.reply_due) == ("yellow", "open", due)
    assert list(notice.tasks.all()) == [tasks["fgj"]]
    assert AuditEntry.objects.filter(task=tasks["fgj"], action="issue", subject="notice").exists()

    # the unit finds it in its list and replies
    client.force_login(users["fgj"])
    listing = client.get(reverse("supervision:notices"))
    assert [n.pk for n in listing.context["page"].object_list] == [notice.pk]
    page = client.get(reverse("supervision:notice", args=[notice.pk]))
    assert page.context["may_reply"] and not page.context["may_handle"]
    response = client.post(
        reverse("supervision:notice", args=[notice.pk]),
        {"action": "reply", "text": "已建立调度机制，每月召开调度会。", "version": notice.version},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "replied" and notice.version == 2
    assert NoticeReply.objects.get(notice=notice).by == users["fgj"]

    # the office reads the reply and closes the notice
    client.force_login(users["office"])
    page = client.get(reverse("supervision:notice", args=[notice.pk]))
    assert "已建立调度机制" in page.content.decode()
    assert page.context["may_handle"]
    response = client.post(
        reverse("supervision:notice", args=[notice.pk]),
        {"action": "close", "version": notice.version},
        follow=True,
    )
    notice.refresh_from_db()
    assert notice.status == "closed" and notice.closed_at is not None
    assert "督办单已办结。" in _messages(response)
    # a closed notice takes no more replies
    client.force_login(users["fgj"])
    response = client.post(
        reverse("supervision:notice", args=[notice.pk]),
        {"action": "reply", "text": "再补充一点", "version": notice.version},
        follow=True,
    )
    assert NoticeReply.objects.filter(notice=notice).count() == 1
    assert "督办单已办结，不能再回复。" in _messages(response)
    assert client.get(reverse("supervision:notice", args=[notice.pk])).context["may_reply"] is False


def test_it_preselects_tasks_and_their_lead_unit(client, users, county, tasks) -> None:
    client.force_login(users["office"])
    url = reverse("supervision:new_notice")
    response = client.get(url, {"tasks": f"{tasks['gxj'].pk},{tasks['fgj'].pk}"})
    form = response.context["form"]
    assert form.initial["tasks"] == [tasks["gxj"].pk, tasks["fgj"].pk]
    assert form.initial["unit"] == county["units"]["县工信局"].pk
    # the worst warning among the tasks suggests the level
    Task.objects.filter(pk=tasks["gxj"].pk).update(colour="green")
    Task.objects.filter(pk=tasks["fgj"].pk).update(colour="yellow")
    response = client.get(url, {"tasks": f"{tasks['gxj'].pk},{tasks['fgj'].pk}"})
    assert response.context["form"].initial["level"] == "yellow"
    Task.objects.filter(pk=tasks["fgj"].pk).update(colour="blue")
    assert client.get(url, {"tasks": str(tasks["fgj"].pk)}).context["form"].initial["level"] == "blue"
    page = response.content.decode()
    assert f'<option value="{tasks["gxj"].pk}" selected>' in page
    # ids out of scope or malformed are ignored
    form = client.get(url, {"tasks": "abc,999999"}).context["form"]
    assert "tasks" not in form.initial and "unit" not in form.initial


def test_it_offers_only_the_regions_tasks_and_units(client, users, county, tasks, other_county) -> None:
    client.force_login(users["office"])
    url = reverse("supervision:new_notice")
    other_task = other_county["plan"].tasks.first()
    form = client.get(url, {"tasks": str(other_task.pk)}).context["form"]
    assert "tasks" not in form.initial
    assert other_task not in form.fields["tasks"].queryset
    assert other_county["unit"] not in form.fields["unit"].queryset
    response = client.post(
        url,
        {
            "unit": other_county["unit"].pk,
            "tasks": [other_task.pk],
            "level": "red",
            "body": "越权督办",
            "reply_due": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"unit", "tasks"}
    assert not SupervisionNotice.objects.exists()


def test_it_refuses_a_past_reply_date_and_a_unit_of_another_task(client, users, county, tasks) -> None:
    client.force_login(users["office"])
    response = client.post(
        reverse("supervision:new_notice"),
        {
            "unit": county["units"]["县发改局"].pk,
            "tasks": [tasks["fgj"].pk],
            "level": "blue",
            "body": "请报送进展。",
            "reply_due": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200 and "reply_due" in response.context["form"].errors
    assert not SupervisionNotice.objects.exists()
    # 县工信局 has no part in 县发改局's task: the notice would show it the task, so it is refused
    response = client.post(
        reverse("supervision:new_notice"),
        {
            "unit": county["units"]["县工信局"].pk,
            "tasks": [tasks["fgj"].pk],
            "level": "blue",
            "body": "请报送进展。",
            "reply_due": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert f"任务 {tasks['fgj'].number} 不是工业和信息化局承担的任务" in response.content.decode()
    assert not SupervisionNotice.objects.exists()


def test_it_numbers_notices_by_the_local_year(users, county, tasks, monkeypatch) -> None:
    from datetime import datetime

    # 1 January, 01:00 in Asia/Shanghai: still 31 December in UTC
    moment = timezone.make_aware(datetime(2026, 1, 1, 1, 0))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    first = _issue(users, county, tasks["fgj"])
    second = _issue(users, county, tasks["gxj"], unit="县工信局")
    assert (first.number, second.number) == ("2026-001", "2026-002")


def test_it_takes_an_id_no_database_key_can_hold_as_no_task(client, users, county, tasks) -> None:
    huge = "99999999999999999999999"
    client.force_login(users["office"])
    page = client.get(reverse("supervision:new_notice"), {"tasks": f"{huge},{tasks['fgj'].pk}"})
    assert page.status_code == 200 and page.context["form"].initial["tasks"] == [tasks["fgj"].pk]
    response = client.post(
        reverse("supervision:new_notice"),
        {
            "unit": county["units"]["县发改局"].pk,
            "tasks": [huge],
            "level": "blue",
            "body": "请报送进展。",
            "reply_due": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200 and "tasks" in response.context["form"].errors
    assert not SupervisionNotice.objects.exists()


def test_it_lets_only_the_office_issue(client, users) -> None:
    for role in ("fgj", "leader"):
        client.force_login(users[role])
        assert client.get(reverse("supervision:new_notice")).status_code == 403


def test_it_escalates_a_notice_one_level_at_a_time(client, users, county, tasks) -> None:
    notice = _issue(users, county, tasks["fgj"], level="blue")
    client.force_login(users["office"])
    url = reverse("supervision:notice", args=[notice.pk])
    levels, said = [], []
    for _ in range(3):
        response = client.post(url, {"action": "escalate", "version": notice.version}, follow=True)
        notice.refresh_from_db()
        levels.append((notice.level, notice.status))
        said.append(_messages(response)[-1])
    assert levels == [("yellow", "escalated"), ("red", "escalated"), ("red", "escalated")]
    assert said[1].startswith("督办单已升级为红") and "已退回单位再次回复" in said[2]
    assert notice.version == 4
    # escalated: the unit is asked again and may reply
    client.force_login(users["fgj"])
    assert client.get(url).context["may_reply"]
    client.post(url, {"action": "reply", "text": "已整改。", "version": notice.version})
    notice.refresh_from_db()
    assert notice.status == "replied"


def test_it_keeps_a_notice_from_other_units_and_counties(client, users, county, tasks, other_county) -> None:
    notice = _issue(users, county, tasks["fgj"])
    url = reverse("supervision:notice", args=[notice.pk])
    client.force_login(users["gxj"])
    assert client.get(url).status_code == 404
    response = client.post(url, {"action": "reply", "text": "冒名回复", "version": notice.version})
    assert response.status_code == 404
    assert client.get(reverse("supervision:notices")).context["page"].paginator.count == 0
    for user in (other_county["office"], other_county["unit_user"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "close", "version": notice.version}).status_code == 404
    notice.refresh_from_db()
    assert notice.status == "open" and not notice.replies.exists()
    # the leader of the county sees it, but may not handle it
    client.force_login(users["leader"])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["may_handle"] and not page.context["may_reply"]
    client.post(url, {"action": "close", "version": notice.version})
    notice.refresh_from_db()
    assert notice.status == "open"
    assert set(notices_for(users["leader"])) == {notice}
    assert set(notices_for(other_county["office"])) == set()


def test_it_refuses_a_stale_version(client, users, county, tasks) -> None:
    notice = _issue(users, county, tasks["fgj"])
    stale = notice.version
    client.force_login(users["fgj"])
    url = reverse("supervision:notice", args=[notice.pk])
    client.post(url, {"action": "reply", "text": "第一次回复", "version": stale})
    # the office's page was opened before the reply: its close is refused, not applied
    client.force_login(users["office"])
    response = client.post(url, {"action": "close", "version": stale}, follow=True)
    notice.refresh_from_db()
    assert notice.status == "replied"
    assert "该督办单已被他人处理，请查看最新内容后再操作。" in _messages(response)
    # escalated again; a reply from a page opened before that is refused, and no reply is stored
    seen_by_unit = notice.version
    client.post(url, {"action": "escalate", "version": notice.version})
    client.post(url, {"action": "escalate", "version": seen_by_unit})  # a second click, refused
    notice.refresh_from_db()
    assert (notice.level, notice.status) == ("yellow", "escalated")
    client.force_login(users["fgj"])
    response = client.post(
        url, {"action": "reply", "text": "第二次回复", "version": seen_by_unit}, follow=True
    )
    assert "该督办单已被他人处理，请查看最新内容后再操作。" in _messages(response)
    assert NoticeReply.objects.filter(notice=notice).count() == 1
    notice.refresh_from_db()
    assert notice.status == "escalated"
    # a unit may not close or escalate
    response = client.post(url, {"action": "close", "version": notice.version}, follow=True)
    assert "只有督查室可以办理督办单。" in _messages(response)
    notice.refresh_from_db()
    assert notice.status == "escalated"


def test_it_answers_a_bad_request_without_a_traceback(client, users, county, tasks) -> None:
    notice = _issue(users, county, tasks["fgj"])
    client.force_login(users["office"])
    url = reverse("supervision:notice", args=[notice.pk])
    assert client.post(url, {"action": "delete"}).status_code == 400
    assert client.post(url, {"action": "close", "version": "x"}).status_code == 400
    client.force_login(users["fgj"])
    response = client.post(url, {"action": "reply", "text": "", "version": notice.version})
    assert response.status_code == 200 and "text" in response.context["reply_form"].errors


def test_it_filters_the_list_by_status_and_level(client, users, county, tasks) -> None:
    blue = _issue(users, county, tasks["fgj"], level="blue")
    red = _issue(users, county, tasks["gxj"], unit="县工信局", level="red")
    client.force_login(users["office"])
    url = reverse("supervision:notices")

    def listed(**params) -> set[int]:
        return {n.pk for n in client.get(url, params).context["page"].object_list}

    assert listed() == {blue.pk, red.pk}
    assert listed(level="red") == {red.pk}
    assert listed(level="blue", status="open") == {blue.pk}
    assert listed(status="closed") == set()
    partial = client.get(url, {"level": "red"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and red.number in partial.content.decode()


def test_it_lists_notices_with_a_fixed_number_of_queries(client, users, county, tasks) -> None:
    client.force_login(users["office"])
    url = reverse("supervision:notices")
    _issue(users, county, tasks["fgj"])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        _issue(users, county, tasks["gxj"], unit="县工信局")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["page"].paginator.count == 9
    assert len(few) == len(many)


def test_it_shows_a_leaders_instruction_to_the_tasks_units(client, users, county, tasks) -> None:
    task = tasks["both"]
    client.force_login(users["leader"])
    response = client.post(
        reverse("supervision:instruct", args=[task.pk]), {"text": "请教育、卫健两局加强协作，确保按期完成。"}
    )
    instruction = Instruction.objects.get(task=task)
    assert instruction.by == users["leader"]
    assert AuditEntry.objects.filter(task=task, action="instruct").exists()
    detail = reverse("ledger:detail", args=[task.pk])
    assert response.status_code == 302 and response["Location"] == detail
    client.force_login(users["jyj"])  # a cooperating unit of the task
    page = client.get(detail)
    assert page.status_code == 200
    assert "请教育、卫健两局加强协作" in page.content.decode()


def test_it_takes_instructions_only_from_leaders_of_the_region(client, users, tasks, other_county) -> None:
    url = reverse("supervision:instruct", args=[tasks["fgj"].pk])
    for role in ("office", "fgj"):
        client.force_login(users[role])
        assert client.post(url, {"text": "越权批示"}).status_code == 403
    from luoshi.org.models import User

    other_leader = User.objects.create_user(
        "leader2", password="pass-1234", role=User.Role.LEADER, region=other_county["region"]
    )
    client.force_login(other_leader)
    assert client.post(url, {"text": "越界批示"}).status_code == 404
    client.force_login(users["leader"])
    assert client.get(url).status_code == 405
    client.post(url, {"text": "   "})
    assert not Instruction.objects.exists()
