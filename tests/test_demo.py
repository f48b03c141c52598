"""The demo county of `luoshi serve --demo`: its register, accounts, ledger, history and colours, built
once and reused; and the real command run twice on one data folder."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from luoshi.demo.build import (
    CITY,
    COUNTY,
    REVIEW_DEADLINES,
    ROLES,
    SPEECH,
    assign_roles,
    ensure_demo,
    plan_task,
    report_months,
    speech_text,
)
from luoshi.ledger.models import Assignment, AuditEntry, Plan, Task
from luoshi.org.models import Leader, Region, Unit, UnitAlias, User
from luoshi.org.services import alias_index, match_unit
from luoshi.parsing.pipeline import parse_text
from luoshi.reporting.models import ProgressReport
from luoshi.supervision.models import Instruction, SupervisionNotice
from luoshi.supervision.warnings import colour_of, refresh_colours

COLOURS = {"red", "yellow", "blue", "green"}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hashes(settings) -> None:
    # password hashes are the slow part of building accounts; these tests need not pay for them
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="class")
def built(django_db_setup, django_db_blocker):
    """The demo built once for a class of tests and rolled back after it: each test's own changes are
    rolled back by `db` inside this transaction."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield ensure_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(built, db) -> list[tuple[str, str, str]]:
    return built


def _county() -> Region:
    return Region.objects.get(name=COUNTY)


def _logins(accounts: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The printed rows that are one account each (the u01…uNN row stands for several)."""
    return [row for row in accounts if "…" not in row[0]]


class TestDemoCounty:
    """The demo as `serve --demo` builds it, built once for these tests and rolled back after them."""

    def test_it_builds_a_county_of_a_city_with_a_register_of_about_30_units(self, demo) -> None:
        county = _county()
        assert county.kind == Region.Kind.COUNTY
        assert county.parent.name == CITY and county.parent.kind == Region.Kind.CITY
        units = Unit.objects.filter(region=county)
        assert 28 <= units.count() <= 36
        assert {u.kind for u in units} == set(Unit.Kind.values)
        assert UnitAlias.objects.filter(unit__region=county).count() >= 30
        assert not units.filter(leader__isnull=True).exists()
        fgj = units.get(name="发展和改革局")
        for mention in ("旗发改委", "发改委", "发改局", "县发改局", "县发改委", "发展和改革局"):
            assert match_unit(county, mention) == fgj, mention
        assert match_unit(county, "县政务服务中心").name == "政务服务中心"
        assert match_unit(county, "县市场监管局").name == "市场监督管理局"
        assert match_unit(county, "县卫健局").name == "卫生健康局"
        assert match_unit(county, "清河经济开发区").name == "清河经济开发区管理委员会"
        assert match_unit(county, "青石镇").kind == Unit.Kind.TOWNSHIP
        assert match_unit(county, "国网清河县供电公司").kind == Unit.Kind.ENTERPRISE
        titles = list(Leader.objects.filter(region=county).values_list("title", flat=True))
        assert titles.count("副县长") == 3 and "县长" in titles and "常务副县长" in titles

    def test_it_gives_each_role_an_account_whose_password_works(self, demo, client) -> None:
        logins = _logins(demo)
        roles = {}
        for username, password, _label in logins:
            assert client.login(username=username, password=password), username
            assert not client.login(username=username, password=password + "x")
            roles[username] = User.objects.get(username=username)
        assert {u.role for u in roles.values()} == {"office", "leader", "unit"}
        assert roles["ducha"].is_office and roles["ducha"].region == _county()
        assert roles["fxz"].leader.title == "副县长"
        assert roles["fgj"].unit.name == "发展和改革局" and roles["jyj"].unit.name == "教育局"
        assert roles["shi"].is_office and roles["shi"].region.kind == Region.Kind.CITY
        # every unit that leads a task has someone to report for it, u01… for those not listed one by one
        [(numbered, password, _label)] = [row for row in demo if "…" in row[0]]
        first, last = numbered.split("…")
        assert client.login(username=first, password=password)
        assert client.login(username=last, password=password)
        leads = set(Assignment.objects.filter(role="lead").values_list("unit_id", flat=True))
        reporters = set(User.objects.filter(role="unit").values_list("unit_id", flat=True))
        assert leads <= reporters
        assert User.objects.filter(username__regex=r"^u\d+$").count() == int(last[1:])

    def test_it_publishes_this_years_plan_from_the_shipped_speech(self, demo) -> None:
        plan = Plan.objects.get(region=_county())
        assert plan.status == Plan.Status.PUBLISHED
        assert plan.year == timezone.localdate().year
        assert f"清河县{plan.year}年经济工作会议" in plan.source_text
        assert f"{plan.year - 1}年经济工作回顾" in plan.source_text
        tasks = list(plan.tasks.prefetch_related("assignments__unit"))
        assert len(tasks) >= 15
        for task in tasks:
            assert [a.role for a in task.assignments.all()].count("lead") == 1, task.text
            assert task.leader is not None
        lead = {t.text[:8]: next(a.unit.name for a in t.assignments.all() if a.role == "lead") for t in tasks}
        assert lead["县发改局要牵头建"] == "发展和改革局"
        assert lead["县教育局要完成县"] == "教育局"
        assert lead["县政务服务中心要"] == "政务服务中心"
        water = next(t for t in tasks if "水库" in t.text)
        assert water.deadline == date(plan.year, 5, 31)  # 主汛期前, dated in review
        assert {a.unit.name for a in water.assignments.all()} >= {"城关镇", "青石镇", "水利局"}
        assert plan.projects.filter(stage="building", annual_investment__gt=0).exists()

    def test_it_files_reports_over_the_months_and_reviews_them(self, demo) -> None:
        today = timezone.localdate()
        reports = ProgressReport.objects.filter(task__region=_county())
        months = sorted(set(reports.values_list("period", flat=True)))
        assert months == [date(today.year, m, 1) for m in range(1, max(today.month, 2))]
        assert {r.status for r in reports} == {"accepted", "returned", "submitted"}
        returned = reports.get(status="returned")
        assert returned.review_comment and returned.period == months[-1]
        for report in reports.filter(period__lt=months[-1]):
            assert report.status == "accepted"
            assert report.submitted_at.date() >= report.period
        done = Task.objects.filter(region=_county(), status="done")
        assert done.count() >= 2 and all(t.progress == 100 for t in done)
        assert AuditEntry.objects.filter(action="submit").count() == reports.count()
        notices = SupervisionNotice.objects.filter(region=_county())
        assert sorted(notices.values_list("status", flat=True)) == ["open", "replied"]
        assert sorted(notices.values_list("level", flat=True)) == ["red", "yellow"]
        assert notices.get(status="replied").replies.count() == 1
        instruction = Instruction.objects.get(task__region=_county())
        assert instruction.by.username == "fxz"

    def test_it_shows_every_colour_after_the_colours_are_refreshed(self, demo) -> None:
        tasks = Task.objects.filter(region=_county(), plan__status="published")
        refresh_colours(tasks)
        colours = set(tasks.values_list("colour", flat=True))
        assert colours == COLOURS
        reasons = " ".join(t.reason for t in tasks)
        assert "已完成" in reasons and "距完成时限还有 3 天" in reasons
        assert tasks.filter(colour="yellow", colour_reason__startswith="missing:").exists() == (
            timezone.localdate().month > 1
        )

    def test_it_changes_nothing_when_run_again(self, demo) -> None:
        models = (
            Region,
            Unit,
            UnitAlias,
            Leader,
            User,
            Plan,
            Task,
            ProgressReport,
            SupervisionNotice,
            AuditEntry,
        )
        before = {m.__name__: m.objects.count() for m in models}
        colours = list(Task.objects.order_by("pk").values_list("colour", "progress", "version"))
        assert ensure_demo() == demo
        assert {m.__name__: m.objects.count() for m in models} == before
        assert list(Task.objects.order_by("pk").values_list("colour", "progress", "version")) == colours

    def test_it_matches_every_unit_the_demo_speech_names(self, demo) -> None:
        county = _county()
        index = alias_index(county)
        for text in (SPEECH.read_text(encoding="utf-8"), speech_text(timezone.localdate().year)):
            parsed = parse_text(text, "speech.txt")
            mentions = {m for t in parsed.tasks for m in t.units} | set(parsed.units)
            # 各乡镇, 各部门 name every township or department at once, not one unit of the register
            named = {m for m in mentions if not m.startswith("各")}
            assert {"县发改局", "县商务局", "清河经济开发区", "县委督查室", "县人民医院"} <= named
            unmatched = sorted(m for m in named if match_unit(county, m, index) is None)
            assert unmatched == []

    def test_it_lets_the_demo_office_keep_its_register_in_the_admin(self, demo, client) -> None:
        assert client.login(username="ducha", password="demo-office")
        page = client.get("/admin/org/unit/", {"q": "发改委"})
        assert page.status_code == 200
        assert [u.name for u in page.context["cl"].result_list] == ["发展和改革局"]
        assert client.get("/admin/org/leader/").status_code == 200
        assert client.get("/admin/org/user/").status_code == 403  # accounts stay with the administrator


@pytest.mark.parametrize(
    "day",
    [(1, 1), (1, 2), (1, 20), (2, 1), (2, 20), (3, 31), (4, 1), (4, 20), (6, 30), (7, 1), (9, 15)]
    + [(12, 1), (12, 24), (12, 26), (12, 31)],
)
def test_it_would_show_every_colour_on_any_day_of_the_year(day: tuple[int, int]) -> None:
    """The roles, deadlines and progress the demo chooses give each task the colour meant for it
    under the warning rule, and every colour appears, whatever day the demo is built on."""
    today = date(2025, *day)
    plan = Plan(year=2025)
    parsed = parse_text(speech_text(2025), "speech.txt")
    tasks = []
    for number, t in enumerate(parsed.tasks, 1):
        deadline = date.fromisoformat(t.deadline.date) if t.deadline and t.deadline.date else None
        if deadline is None and t.deadline and t.deadline.text in REVIEW_DEADLINES:
            deadline = date(2025, *REVIEW_DEADLINES[t.deadline.text])
        tasks.append(Task(plan=plan, number=number, text=t.text, tier=t.tier, deadline=deadline))
    roles = assign_roles(tasks, today, {n for n, t in enumerate(parsed.tasks, 1) if t.projects})
    seen = set()
    for task in tasks:
        role = roles[task.number]
        task.deadline, task.progress = plan_task(role, task, today)
        task.status = Task.Status.DONE if role.name == "done" else Task.Status.IN_PROGRESS
        months = report_months(role, task, today)
        standing = set(months[:-1] if role.name in ("late", "returned") else months)
        colour, reason = colour_of(task, today, standing)
        assert colour == role.colour, (today, task.number, role.name, reason)
        assert 0 <= task.progress <= 100
        assert task.deadline is None or task.deadline >= date(2025, 1, 1)
        seen.add(colour)
        if role.name in ("blue", "green") or (role.name == "lagging" and task.deadline != today):
            assert task.deadline is None or task.deadline > today
    assert seen == COLOURS
    assert {r.name for r in roles.values()} >= {"done", "blue", "lagging", "behind"}
    assert (ROLES["late"] if today.month > 1 else ROLES["returned"]) in roles.values()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(home: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    script = Path(sys.executable).with_name("luoshi")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "luoshi.cli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUOSHI_DB")}
    env.update(LUOSHI_HOME=str(home), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [*command, "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"luoshi serve --demo exited: {proc.stdout.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("luoshi serve --demo did not start listening")


def _stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _login(port: int, username: str, password: str) -> tuple[int, str, http.cookiejar.CookieJar]:
    """Log in through the real login form: fetch it for the CSRF token, post it, do not follow."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    base = f"http://127.0.0.1:{port}"
    with opener.open(f"{base}/login/", timeout=10) as page:
        assert page.status == 200
        html = page.read().decode("utf-8")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    try:
        with opener.open(f"{base}/login/", data=body, timeout=10) as answer:
            return answer.status, "", jar
    except urllib.error.HTTPError as redirect:
        return redirect.code, redirect.headers.get("Location", ""), jar


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_it_serves_the_demo_and_reuses_its_database(tmp_path: Path) -> None:
    home = tmp_path / "home"
    proc, port = _serve(home)
    try:
        status, location, jar = _login(port, "ducha", "demo-office")
        assert status == 302 and location == "/"
        assert any(c.name == "sessionid" for c in jar)
        status, _, jar = _login(port, "ducha", "wrong-password")
        assert status == 200 and not any(c.name == "sessionid" for c in jar)
    finally:
        out = _stop(proc)
    for username, password in (("ducha", "demo-office"), ("fxz", "demo-leader"), ("shi", "demo-city")):
        assert re.search(rf"{username}\s+{password}", out), out
    db = home / "luoshi.sqlite3"
    counts = {t: _count(db, t) for t in ("ledger_plan", "org_user", "org_unit", "reporting_progressreport")}
    assert counts["ledger_plan"] == 1 and counts["org_unit"] >= 28

    proc, port = _serve(home)
    try:
        status, location, _ = _login(port, "fgj", "demo-unit")
        assert status == 302
    finally:
        again = _stop(proc)
    assert re.search(r"ducha\s+demo-office", again), again
    assert {t: _count(db, t) for t in counts} == counts


def test_it_moves_the_speech_to_the_year_it_is_built_in() -> None:
    text = speech_text(2031)
    assert "在清河县2031年经济工作会议上的讲话" in text and "（2031年1月18日）" in text
    assert "总结2030年经济工作" in text and "2024" not in text and "2023" not in text
    assert parse_text(text, "speech.txt").plan_year == 2031
    assert speech_text(2024) == SPEECH.read_text(encoding="utf-8")


# The register in the Django admin, on the shared fixture counties.


@pytest.fixture
def registrar(users):
    """The county office with staff rights over the register, as the demo gives its office."""
    from django.contrib.auth.models import Permission

    office = users["office"]
    office.is_staff = True
    office.save()
    office.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="org",
            codename__in=[
                "view_region",
                "add_unit",
                "change_unit",
                "view_unit",
                "add_unitalias",
                "change_unitalias",
                "view_unitalias",
                "view_leader",
                "view_user",
                "add_user",
                "change_user",
                "view_apitoken",
                "change_apitoken",
                "delete_apitoken",
            ],
        )
    )
    return office


def test_it_lists_and_searches_only_the_own_countys_units_in_the_admin(
    client, registrar, county, other_county
) -> None:
    client.force_login(registrar)
    page = client.get("/admin/org/unit/")
    assert page.status_code == 200
    names = [u.pk for u in page.context["cl"].result_list]
    assert set(names) == {u.pk for u in county["units"].values()}
    found = client.get("/admin/org/unit/", {"q": "发改委"}).context["cl"].result_list
    assert [u.name for u in found] == ["发展和改革局"]
    assert "发改局、发改委、县发改委" in page.content.decode()
    # another county's unit is not found, as on every page
    assert client.get(f"/admin/org/unit/{other_county['unit'].pk}/change/").status_code == 302
    form = client.get("/admin/org/unit/add/").context["adminform"].form
    assert list(form.fields["region"].queryset) == [county["region"]]
    assert set(form.fields["leader"].queryset) == {county["leader"]}


def _unit_post(county, name: str, short: str, alias: str) -> dict[str, str]:
    return {
        "region": str(county["region"].pk),
        "name": name,
        "short_name": short,
        "kind": "department",
        "leader": str(county["leader"].pk),
        "email": "",
        "active": "on",
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "aliases-0-alias": alias,
    }


def test_it_adds_a_unit_with_an_alias_and_refuses_an_alias_another_unit_has(
    client, registrar, county
) -> None:
    client.force_login(registrar)
    taken = client.post("/admin/org/unit/add/", _unit_post(county, "财政局", "县财政局", "发改委"))
    assert taken.status_code == 200
    assert "已用于 发展和改革局" in taken.content.decode()
    assert not Unit.objects.filter(name="财政局").exists()
    added = client.post("/admin/org/unit/add/", _unit_post(county, "财政局", "县财政局", "财政局"))
    assert added.status_code == 302
    unit = Unit.objects.get(name="财政局")
    assert unit.region == county["region"]
    assert match_unit(county["region"], "旗财政局") == unit


def test_it_lists_units_with_their_aliases_in_a_fixed_number_of_queries(client, registrar, county) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(registrar)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/admin/org/unit/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(20):
        unit = Unit.objects.create(region=county["region"], name=f"第{i}局", leader=county["leader"])
        UnitAlias.objects.create(unit=unit, alias=f"别名{i}")
    assert queries() == few


def test_it_keeps_users_to_their_region_and_their_unit_to_it_in_the_admin(
    client, registrar, users, county, other_county
) -> None:
    client.force_login(registrar)
    page = client.get("/admin/org/user/", {"role__exact": "unit"})
    assert page.status_code == 200
    assert {u.username for u in page.context["cl"].result_list} == {"fgj", "gxj", "jyj"}
    change = client.get(f"/admin/org/user/{users['fgj'].pk}/change/")
    form = change.context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    assert "is_staff" not in form.fields
    assert other_county["unit"] not in form.fields["unit"].queryset
    assert client.get(f"/admin/org/user/{other_county['unit_user'].pk}/change/").status_code == 302
    # the region filter names the office's county only
    filters = {spec.title: spec for spec in page.context["cl"].filter_specs}
    region_choices = [c["display"] for c in filters["地区"].choices(page.context["cl"])]
    assert county["region"].name in region_choices and other_county["region"].name not in region_choices
    # a superuser of the same county is out of reach: its password could otherwise be reset
    root = User.objects.create_superuser("root", password="root-pass-42", region=county["region"])
    assert root.pk not in [u.pk for u in client.get("/admin/org/user/").context["cl"].result_list]
    assert client.get(f"/admin/org/user/{root.pk}/password/").status_code == 404


def test_it_adds_a_unit_account_only_with_a_unit_of_its_region(client, registrar, county) -> None:
    client.force_login(registrar)
    post = {
        "username": "czj",
        "usable_password": "true",
        "password1": "a-long-pass-42",
        "password2": "a-long-pass-42",
        "role": "unit",
        "region": str(county["region"].pk),
    }
    refused = client.post("/admin/org/user/add/", post)
    assert refused.status_code == 200 and "责任单位账号需要选择单位" in refused.content.decode()
    assert not User.objects.filter(username="czj").exists()
    done = client.post("/admin/org/user/add/", {**post, "unit": str(county["units"]["县教育局"].pk)})
    assert done.status_code == 302
    user = User.objects.get(username="czj")
    assert user.unit == county["units"]["县教育局"] and user.check_password("a-long-pass-42")


def test_it_shows_api_tokens_read_only_and_never_adds_one_in_the_admin(client, registrar, users) -> None:
    from luoshi.org.models import ApiToken

    token, key = ApiToken.issue(users["fgj"], "报表")
    client.force_login(registrar)
    page = client.get(f"/admin/org/apitoken/{token.pk}/change/")
    assert page.status_code == 200
    assert token.digest in page.content.decode() and key not in page.content.decode()
    assert "digest" not in page.context["adminform"].form.fields
    assert client.get("/admin/org/apitoken/add/").status_code == 403
