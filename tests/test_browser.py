"""The whole loop in a real browser (Debian's Chromium, headless) against a live server:
the office imports a speech, corrects a row and publishes it; the lead unit reports; the item's
warning colour follows the rule; the office issues a notice; the unit replies; the office closes it.

Screenshots of every step go to var/screenshots/ (git-ignored) so a person can look at the pages.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import browser as b  # tests/browser.py: tests/ is on sys.path (rootdir conftest, no package)
import pytest
from django.utils import timezone
from selenium.webdriver.support.ui import Select

pytestmark = [
    pytest.mark.skipif(not b.available(), reason="needs /usr/bin/chromium and /usr/bin/chromedriver"),
    # the live server runs in another thread: data must be committed to be seen there
    pytest.mark.django_db(transaction=True),
]

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
PASSWORD = "pass-1234"


def speech(year: int, overdue: date) -> str:
    """A short speech for `year`: one task due on `overdue` (already past), one due 6月底, one due
    年内, and one with no unit named (the office assigns it in review)."""
    return f"""在清水县{year}年经济工作会议上的讲话
同志们：
一、{year - 1}年工作回顾
过去一年，全县地区生产总值增长5.8%，新签约项目30个。
二、{year}年重点工作
（一）扩大有效投资
县发改局要牵头编制全县重点项目年度清单，{overdue.month}月{overdue.day}日前完成清单编制并印发。
县发改局要牵头建立重点项目调度机制，6月底前完成调度平台建设。
县发改局要加快推进东湖工业园基础设施项目，年内完成投资40亿元。
（二）保障民生
各乡镇要做好安全生产，主汛期前完成小型水库除险加固12座。
县工信局要加快东湖工业园标准厂房项目建设，年内竣工投产。
"""


def build_county() -> dict:
    """The same shape as conftest's `county` and `users`, committed for the live server."""
    from luoshi.org.models import Leader, Region, Unit, UnitAlias, User

    region = Region.objects.create(name="清水县")
    leader = Leader.objects.create(region=region, name="王明", title="副县长")
    units = {}
    for name, short, aliases in [
        ("发展和改革局", "县发改局", ["发改局", "发改委", "县发改委"]),
        ("工业和信息化局", "县工信局", ["工信局"]),
        ("教育局", "县教育局", ["教育局"]),
    ]:
        unit = Unit.objects.create(region=region, name=name, short_name=short, leader=leader)
        UnitAlias.objects.bulk_create(UnitAlias(unit=unit, alias=a) for a in aliases)
        units[short] = unit
    make = User.objects.create_user
    users = {
        "office": make("office", password=PASSWORD, role=User.Role.OFFICE, region=region),
        "leader": make("leader", password=PASSWORD, role=User.Role.LEADER, region=region, leader=leader),
        "fgj": make("fgj", password=PASSWORD, role=User.Role.UNIT, region=region, unit=units["县发改局"]),
    }
    return {"region": region, "units": units, "users": users}


def page_colour(web: b.Browser) -> tuple[str, str]:
    """(colour, reason) from the 预警 row of an item page."""
    tag = web.find("table.fields span.tag")
    classes = tag.get_attribute("class").split()
    colours = [c for c in classes if c in ("red", "yellow", "blue", "green")]
    assert len(colours) == 1, classes
    row = tag.find_element("xpath", "./ancestor::td")
    return colours[0], row.text.removeprefix(tag.text).strip()


@pytest.fixture
def web(live_server, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver = b.start_chromium(tmp_path / "chromium-profile")
    try:
        yield b.Browser(driver, live_server.url, SHOTS)
    finally:
        driver.quit()


def test_it_runs_the_loop_from_import_to_closed_notice(web, tmp_path):
    from luoshi.ledger.models import Assignment, Plan, Task
    from luoshi.supervision.models import SupervisionNotice
    from luoshi.supervision.warnings import colour_of, expected_percent

    county = build_county()
    fgj = county["units"]["县发改局"]
    today = timezone.localdate()
    # a deadline a fortnight ago, and the plan in that deadline's year, so the task is overdue on
    # any day the test runs (in early January the plan is last year's)
    overdue = today - timedelta(days=15)
    year = overdue.year
    source = tmp_path / f"清水县{year}年经济工作会议讲话.txt"
    source.write_text(speech(year, overdue), encoding="utf-8")

    # ---------------------------------------------------------------- office: import
    web.login("office", PASSWORD)
    assert web.driver.find_element("tag name", "html").get_attribute("lang") == "zh-hans"
    web.visit("/plans/import/")
    web.find("input[name=file]").send_keys(str(source))
    web.shot("01-import-form")
    web.navigate_by(web.button("导入"))
    assert "/review/" in web.path(), web.messages()
    assert any("已导入" in m for m in web.messages())
    plan = Plan.objects.get(region=county["region"])
    assert plan.status == Plan.Status.DRAFT and plan.year == year
    tasks = {t.number: t for t in plan.tasks.all()}
    assert len(tasks) == 5, [t.text for t in tasks.values()]
    leadless = [t for t in tasks.values() if not t.assignments.filter(role=Assignment.Role.LEAD).exists()]
    assert [t.text[:4] for t in leadless] == ["各乡镇要"]
    web.shot("02-review")

    # ---------------------------------------------------------------- review: assign a lead by alias
    web.htmx_ready()  # the row is saved in place by htmx; wait for it rather than race it
    row_id = f"row-{leadless[0].number}"
    row = web.find(f"#{row_id}")
    lead = row.find_element("css selector", "input[name=lead]")
    lead.clear()
    lead.send_keys("发改委")  # what speeches call 县发改局
    web.button("保存", within=row).click()
    # htmx swaps the row for the saved one; without htmx the page reloads to the same anchor
    saved = web.find(f"#{row_id}.saved")
    assert saved.find_element("css selector", "input[name=lead]").get_attribute("value") == "县发改局"
    assert Assignment.objects.get(task=leadless[0], role=Assignment.Role.LEAD).unit_id == fgj.pk, (
        "the alias was not matched to the unit register"
    )
    web.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", saved)
    web.shot("03-review-row-saved")

    web.navigate_by(web.button("发布为年度任务台账"))
    assert web.path().startswith("/ledger/")
    assert any("已发布" in m for m in web.messages()), web.messages()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    web.shot("04-published-ledger")
    web.logout()

    # ---------------------------------------------------------------- unit: my tasks, an item before
    overdue_task = Task.objects.get(plan=plan, text__contains="年度清单")
    yearly = Task.objects.get(plan=plan, text__startswith="县发改局要加快推进东湖工业园")
    web.login("fgj", PASSWORD)
    assert web.path().startswith("/reporting/mine/")
    mine_rows = web.find_all("table.tasks tr[id^=task-]")
    assert {r.get_attribute("id") for r in mine_rows} == {
        f"task-{t.pk}" for t in Task.objects.filter(plan=plan, assignments__unit=fgj)
    }
    web.shot("05-unit-mine")

    web.visit(f"/ledger/{yearly.pk}/")
    before = page_colour(web)
    yearly.refresh_from_db()
    assert before == colour_of(yearly)

    # ---------------------------------------------------------------- unit: report, on a phone first
    web.visit("/reporting/mine/")
    web.navigate_by(web.find(f"tr#task-{yearly.pk} a.button"))
    assert web.path() == f"/reporting/task/{yearly.pk}/report/"
    web.resize(b.PHONE)
    assert web.driver.execute_script("return window.innerWidth") <= b.PHONE[0]
    web.shot("06-report-form-phone")
    assert not web.scrolls_sideways(), "the report form scrolls sideways at phone width"
    web.resize(b.DESKTOP)

    # a little ahead of the time-elapsed schedule, so progress alone would not make it red
    percent = min(100, math.ceil(expected_percent(date(year, 1, 1), yearly.deadline, today)) + 5)
    web.find("textarea[name=text]").send_keys("已完成年度投资计划分解，东湖工业园道路管网工程已开工。")
    progress = web.find("input[name=percent]")
    progress.clear()
    progress.send_keys(str(percent))
    web.shot("07-report-form-filled")
    web.navigate_by(web.button("提交"))
    assert web.path().startswith("/reporting/mine/"), web.messages()
    assert any("已提交" in m and "等待督查室审核" in m for m in web.messages()), web.messages()
    web.shot("08-report-submitted")

    # ---------------------------------------------------------------- the item's colour follows the rule
    web.visit(f"/ledger/{yearly.pk}/")
    after = page_colour(web)
    yearly.refresh_from_db()
    assert yearly.progress == percent
    assert after == colour_of(yearly), (before, after)
    if colour_of(yearly) != before:
        assert after != before  # the page shows the change, not a stale colour
    web.shot("09-item-after-report")

    web.visit(f"/ledger/{overdue_task.pk}/")
    colour, reason = page_colour(web)
    assert colour == "red" and "超期" in reason, (colour, reason)
    web.logout()

    # ---------------------------------------------------------------- office: notice on the overdue item
    web.login("office", PASSWORD)
    web.visit(f"/ledger/{overdue_task.pk}/")
    assert page_colour(web)[0] == "red"
    web.shot("10-item-overdue")
    web.navigate_by(web.link("下发督办"))
    assert web.path().startswith("/supervision/notices/new/")
    chosen = [o.get_attribute("value") for o in Select(web.find("select[name=tasks]")).all_selected_options]
    assert chosen == [str(overdue_task.pk)]
    assert Select(web.find("select[name=unit]")).first_selected_option.get_attribute("value") == str(fgj.pk)
    Select(web.find("select[name=level]")).select_by_value("red")
    web.find("textarea[name=body]").send_keys(
        "重点项目年度清单已超期未印发，请说明原因并于期限内报送整改措施。"
    )
    reply_due = today + timedelta(days=3)
    web.set_value(web.find("input[name=reply_due]"), reply_due.isoformat())
    web.shot("11-notice-form")
    web.navigate_by(web.button("下发"))
    notice = SupervisionNotice.objects.get()
    assert web.path() == f"/supervision/notices/{notice.pk}/", web.messages()
    assert any("已下发" in m for m in web.messages()), web.messages()
    assert (notice.level, notice.unit_id, notice.reply_due) == ("red", fgj.pk, reply_due)
    assert list(notice.tasks.values_list("pk", flat=True)) == [overdue_task.pk]
    web.shot("12-notice-issued")
    web.logout()

    # ---------------------------------------------------------------- unit: the notice, and a reply
    web.login("fgj", PASSWORD)
    web.visit("/supervision/notices/")
    web.shot("13-unit-notices")
    web.navigate_by(web.link(notice.number))
    web.find("textarea[name=text]").send_keys("清单已完成初稿，正在征求意见，12月底前印发。")
    web.navigate_by(web.button("提交回复"))
    assert any("回复已提交" in m for m in web.messages()), web.messages()
    assert web.field("状态") == "已回复"
    notice.refresh_from_db()
    assert notice.status == SupervisionNotice.Status.REPLIED
    web.shot("14-notice-replied")
    web.logout()

    # ---------------------------------------------------------------- office: close it
    web.login("office", PASSWORD)
    web.visit(f"/supervision/notices/{notice.pk}/")
    assert "清单已完成初稿" in web.find("ol.replies").text
    web.navigate_by(web.button("办结"))
    assert any("已办结" in m for m in web.messages()), web.messages()
    assert web.field("状态") == "已办结"
    notice.refresh_from_db()
    assert notice.status == SupervisionNotice.Status.CLOSED
    web.shot("15-notice-closed")

    # ---------------------------------------------------------------- the evidence is there
    for path in web.saved:
        assert path.exists() and path.stat().st_size > 5 * 1024, path
