"""The JSON API: token authentication, the permission matrix (every endpoint × every role, and ids
from another unit and another county), reports through the API, filters, paging, the OpenAPI schema
and query counts."""

from __future__ import annotations

import json
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, resolve
from django.utils import timezone

from luoshi.ledger.models import Assignment, Output, Task
from luoshi.org.models import ApiToken
from luoshi.reporting.models import ProgressReport
from luoshi.reporting.services import ReportInput, submit_report
from luoshi.supervision.warnings import previous_period

ROLES = ["office", "leader", "fgj", "gxj", "jyj", "office2", "fgj2"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # the shared fixtures create users with passwords; the API tests never check one
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(published_plan, users, other_county, county):
    """Both counties, a key per user, the items and reports the matrix aims at."""
    people = {**users, "office2": other_county["office"], "fgj2": other_county["unit_user"]}
    keys = {name: ApiToken.issue(user, name="test")[1] for name, user in people.items()}
    tasks = {
        "fgj_task": Task.objects.get(plan=published_plan, text__startswith="县发改局要牵头"),
        "gxj_task": Task.objects.get(plan=published_plan, text__startswith="县工信局"),
        "shared_task": Task.objects.get(plan=published_plan, text__startswith="县卫健局和县教育局"),
        "other_task": Task.objects.get(plan=other_county["plan"], text__startswith="县发改局要牵头"),
    }
    reports = {
        "fgj_report": submit_report(tasks["fgj_task"], users["fgj"], ReportInput("已建立调度机制", 20, {})),
        "other_report": submit_report(
            tasks["other_task"], other_county["unit_user"], ReportInput("青山县的进展", 30, {})
        ),
    }
    return {"people": people, "keys": keys, "tasks": tasks, "reports": reports, "county": county}


def call(client: Client, key: str | None, method: str, path: str, body=None, scheme: str = "Bearer"):
    headers = {"HTTP_AUTHORIZATION": f"{scheme} {key}"} if key is not None else {}
    data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
    return client.generic(method, path, data=data, content_type="application/json", **headers)


# ------------------------------------------------------------------ authentication


def test_it_authenticates_with_a_bearer_or_a_token_header(client, world) -> None:
    for scheme in ("Bearer", "Token", "bearer"):
        response = call(client, world["keys"]["office"], "GET", "/api/v1/items/", scheme=scheme)
        assert response.status_code == 200, scheme
        assert response["Content-Type"] == "application/json"
        assert "no-store" in response["Cache-Control"] and "Authorization" in response["Vary"]
    assert ApiToken.objects.get(user=world["people"]["office"]).last_used_at is not None


def test_it_records_token_use_at_most_once_a_minute(client, world) -> None:
    token = ApiToken.objects.get(user=world["people"]["fgj"])
    recent = timezone.now() - timezone.timedelta(seconds=20)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    call(client, world["keys"]["fgj"], "GET", "/api/v1/units/")
    token.refresh_from_db()
    assert token.last_used_at == recent
    old = timezone.now() - timezone.timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    call(client, world["keys"]["fgj"], "GET", "/api/v1/units/")
    token.refresh_from_db()
    assert token.last_used_at > old + timezone.timedelta(minutes=4)


def _endpoints(world) -> list[tuple[str, str]]:
    task, report = world["tasks"]["fgj_task"].pk, world["reports"]["fgj_report"].pk
    return [
        ("GET", "/api/v1/items/"),
        ("GET", f"/api/v1/items/{task}/"),
        ("GET", f"/api/v1/items/{task}/reports/"),
        ("POST", f"/api/v1/items/{task}/reports/"),
        ("GET", f"/api/v1/reports/{report}/"),
        ("POST", f"/api/v1/reports/{report}/review/"),
        ("GET", "/api/v1/units/"),
    ]


def test_it_answers_401_in_json_without_a_token_or_with_a_bad_one(client, world) -> None:
    inactive = world["people"]["gxj"]
    inactive.is_active = False
    inactive.save()
    bad_headers = [
        None,
        "Bearer not-a-key",
        "Bearer ",
        "Basic b2ZmaWNlOnBhc3MtMTIzNA==",
        f"Bearer {world['keys']['office']}x",
        f"Bearer {world['keys']['gxj']}",  # the user was switched off
        world["keys"]["office"],  # no scheme
    ]
    for method, path in _endpoints(world):
        for header in bad_headers:
            extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
            response = client.generic(method, path, data="{}", content_type="application/json", **extra)
            assert response.status_code == 401, (method, path, header)
            assert "error" in response.json()
            assert response["WWW-Authenticate"].startswith("Bearer")
    assert ProgressReport.objects.count() == 2


def test_it_accepts_a_browser_session_for_reading(client, world) -> None:
    client.force_login(world["people"]["fgj"])
    response = client.get("/api/v1/items/")
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["results"]] == [world["tasks"]["fgj_task"].pk]


def test_it_keeps_csrf_protection_for_session_writes_but_not_for_tokens(world) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["people"]["fgj"])
    path = f"/api/v1/items/{world['tasks']['fgj_task'].pk}/reports/"
    body = json.dumps({"text": "会话填报", "percent": 30})
    refused = client.post(path, body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]
    assert not ProgressReport.objects.filter(text="会话填报").exists()

    client.get("/api/")  # the page carries a CSRF token and sets its cookie, as a browser would see
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(path, body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201

    # a token request carries its own proof; the session cookie beside it changes nothing
    by_token = client.post(
        path,
        json.dumps({"text": "令牌填报", "percent": 35}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world['keys']['fgj']}",
    )
    assert by_token.status_code == 201


# ------------------------------------------------------------------ the permission matrix

# which items each caller may see; everything else must be a 404 that tells nothing
VISIBLE = {
    "office": {"fgj_task", "gxj_task", "shared_task"},
    "leader": {"fgj_task", "gxj_task", "shared_task"},
    "fgj": {"fgj_task"},
    "gxj": {"gxj_task"},
    "jyj": {"shared_task"},  # a cooperating unit
    "office2": {"other_task"},
    "fgj2": {"other_task"},
}
UNIT_ROLES = {"fgj", "gxj", "jyj", "fgj2"}
OFFICE_ROLES = {"office", "office2"}
REPORT_TASK = {"fgj_report": "fgj_task", "other_report": "other_task"}


@pytest.mark.parametrize("role", ROLES)
def test_it_scopes_every_endpoint_to_the_callers_role_and_units(client, world, role) -> None:
    key, tasks, reports = world["keys"][role], world["tasks"], world["reports"]
    wrong: list[tuple] = []

    def expect(method: str, path: str, status: int, body=None, secret: str | None = None) -> None:
        response = call(client, key, method, path, body)
        if response.status_code != status:
            wrong.append((method, path, status, response.status_code, response.content[:200]))
        if status == 404 and secret and secret in response.content.decode():
            wrong.append((method, path, "leaked", secret))
        assert response["Content-Type"] == "application/json"

    listed = call(client, key, "GET", "/api/v1/items/?page_size=200").json()
    assert {i["id"] for i in listed["results"]} >= {tasks[t].pk for t in VISIBLE[role]}
    for name, task in tasks.items():
        if name not in VISIBLE[role]:
            assert task.pk not in {i["id"] for i in listed["results"]}, name

    for name, task in tasks.items():
        seen = name in VISIBLE[role]
        expect("GET", f"/api/v1/items/{task.pk}/", 200 if seen else 404, secret=task.text[:12])
        expect("GET", f"/api/v1/items/{task.pk}/reports/", 200 if seen else 404)
        before = ProgressReport.objects.count()
        may_report = seen and role in UNIT_ROLES
        expect(
            "POST",
            f"/api/v1/items/{task.pk}/reports/",
            201 if may_report else (403 if seen else 404),
            {"text": f"{role} 的填报", "percent": 50},
        )
        assert ProgressReport.objects.count() == before + (1 if may_report else 0), (role, name)

    for name, report in reports.items():
        seen = REPORT_TASK[name] in VISIBLE[role]
        expect("GET", f"/api/v1/reports/{report.pk}/", 200 if seen else 404, secret=report.text)
        may_review = seen and role in OFFICE_ROLES
        expect(
            "POST",
            f"/api/v1/reports/{report.pk}/review/",
            200 if may_review else (403 if seen else 404),
            {"accept": True, "comment": ""},
        )
        report.refresh_from_db()
        expected_status = "accepted" if may_review else "submitted"
        if report.status != expected_status:
            wrong.append(("review", name, expected_status, report.status))

    expect("GET", "/api/v1/units/", 200)
    assert wrong == []


def test_it_hides_another_units_items_behind_the_unit_filter_too(client, world) -> None:
    gxj_unit = world["county"]["units"]["县工信局"].pk
    response = call(client, world["keys"]["fgj"], "GET", f"/api/v1/items/?unit={gxj_unit}")
    assert response.status_code == 200 and response.json()["count"] == 0
    response = call(client, world["keys"]["office"], "GET", f"/api/v1/items/?unit={gxj_unit}")
    assert [i["id"] for i in response.json()["results"]] == [world["tasks"]["gxj_task"].pk]


def test_it_lists_only_the_callers_region_units_with_aliases(client, world) -> None:
    mine = call(client, world["keys"]["fgj"], "GET", "/api/v1/units/").json()
    names = {u["short_name"]: u for u in mine["results"]}
    assert set(names) == {"县发改局", "县工信局", "县教育局", "县卫健局", "东湖镇"}
    assert names["县发改局"]["aliases"] == sorted(["县发改委", "发改委", "发改局"])
    assert names["东湖镇"]["kind"] == "township"
    theirs = call(client, world["keys"]["office2"], "GET", "/api/v1/units/").json()
    assert [u["region"]["name"] for u in theirs["results"]] == ["青山县"]


# ------------------------------------------------------------------ reports and review


def test_it_stores_a_report_posted_by_the_unit_and_moves_progress(client, world) -> None:
    task = world["tasks"]["fgj_task"]
    output = task.outputs.get()
    version = Task.objects.get(pk=task.pk).version
    response = call(
        client,
        world["keys"]["fgj"],
        "POST",
        f"/api/v1/items/{task.pk}/reports/",
        {"text": "  已完成投资18亿元 ", "percent": 45, "values": {str(output.pk): 18}},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["text"] == "已完成投资18亿元" and body["percent"] == 45 and body["status"] == "submitted"
    assert body["unit"]["short_name"] == "县发改局" and body["item"] == task.pk
    assert body["values"] == [{"output": output.pk, "name": output.name, "unit": output.unit, "value": 18.0}]
    assert response["Location"] == f"/api/v1/reports/{body['id']}/"

    item = call(client, world["keys"]["office"], "GET", f"/api/v1/items/{task.pk}/").json()
    assert item["progress"] == 45 and item["status"] == "in_progress"
    assert item["outputs"][0]["current_value"] == 18.0
    assert item["version"] > version and item["last_report_at"] is not None
    history = call(client, world["keys"]["office"], "GET", f"/api/v1/items/{task.pk}/reports/").json()
    assert [r["id"] for r in history["results"]][0] == body["id"] and history["count"] == 2

    late = previous_period(task.schedule, timezone.localdate())
    backdated = call(
        client,
        world["keys"]["fgj"],
        "POST",
        f"/api/v1/items/{task.pk}/reports/",
        {"text": "补报上期", "percent": 46, "period": late.isoformat()},
    )
    assert backdated.status_code == 201 and backdated.json()["period"] == late.isoformat()

    done = call(
        client,
        world["keys"]["fgj"],
        "POST",
        f"/api/v1/items/{task.pk}/reports/",
        {"text": "全部完成", "percent": 100, "done": True},
    )
    assert done.status_code == 201
    assert Task.objects.get(pk=task.pk).status == Task.Status.DONE


BAD_REPORTS = [
    {"text": "进展", "percent": 150},
    {"text": "进展", "percent": -1},
    {"text": "进展", "percent": "40"},
    {"text": "进展", "percent": 40.5},
    {"text": "进展", "percent": True},
    {"text": "进展", "percent": None},
    {"text": "进展"},
    {"text": "   ", "percent": 40},
    {"percent": 40},
    {"text": "进展", "percent": 40, "done": "yes"},
    {"text": "进展", "percent": 40, "values": [1, 2]},
    {"text": "进展", "percent": 40, "values": {"abc": 1}},
    {"text": "进展", "percent": 40, "values": {"1": "很多"}},
    {"text": "进展", "percent": 40, "values": {"99999999999999999999999": 1}},  # no key is that large
    {"text": "进展", "percent": 40, "period": "三月"},
    {"text": "进展", "percent": 40, "period": "2025-02-30"},
    {"text": "进展", "percent": 40, "period": 20250301},
    '{"text": "进展", "percent": NaN}',
    '{"text": "进展", "percent": 1e400}',
    '{"text": "进展", "percent": ',
    "[1, 2, 3]",
    b"\xff\xfe",
]


@pytest.mark.parametrize("body", BAD_REPORTS, ids=range(len(BAD_REPORTS)))
def test_it_refuses_a_bad_report_with_a_chinese_message_and_saves_nothing(client, world, body) -> None:
    task = world["tasks"]["fgj_task"]
    before = Task.objects.get(pk=task.pk)
    response = call(client, world["keys"]["fgj"], "POST", f"/api/v1/items/{task.pk}/reports/", body)
    assert response.status_code == 400
    message = response.json()["error"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    after = Task.objects.get(pk=task.pk)
    assert ProgressReport.objects.filter(task=task).count() == 1  # the fixture's own report
    assert (after.progress, after.version, after.status) == (before.progress, before.version, before.status)


def test_it_refuses_figures_for_another_tasks_output(client, world) -> None:
    task = world["tasks"]["fgj_task"]
    foreign = Output.objects.filter(task=world["tasks"]["other_task"]).get()
    response = call(
        client,
        world["keys"]["fgj"],
        "POST",
        f"/api/v1/items/{task.pk}/reports/",
        {"text": "进展", "percent": 40, "values": {str(foreign.pk): 99}},
    )
    assert response.status_code == 400 and "指标" in response.json()["error"]
    foreign.refresh_from_db()
    assert foreign.current_value is None


def test_it_lets_the_office_return_a_report_with_a_comment_once(client, world) -> None:
    report = world["reports"]["fgj_report"]
    path = f"/api/v1/reports/{report.pk}/review/"
    key = world["keys"]["office"]
    assert call(client, key, "POST", path, {"accept": False}).status_code == 400  # no comment
    assert call(client, key, "POST", path, {"accept": "no"}).status_code == 400
    returned = call(client, key, "POST", path, {"accept": False, "comment": "请补充数据"})
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned" and returned.json()["review_comment"] == "请补充数据"
    assert returned.json()["reviewed_by"] == "office"
    again = call(client, key, "POST", path, {"accept": True})
    assert again.status_code == 400 and "已审核" in again.json()["error"]


def test_it_answers_wrong_methods_and_unknown_paths_in_json(client, world) -> None:
    key = world["keys"]["office"]
    task, report = world["tasks"]["fgj_task"].pk, world["reports"]["fgj_report"].pk
    for method, path in [
        ("DELETE", "/api/v1/items/"),
        ("POST", "/api/v1/items/"),
        ("PUT", f"/api/v1/items/{task}/"),
        ("DELETE", f"/api/v1/items/{task}/reports/"),
        ("POST", f"/api/v1/reports/{report}/"),
        ("GET", f"/api/v1/reports/{report}/review/"),
        ("POST", "/api/v1/units/"),
        ("POST", "/api/schema.json"),
    ]:
        response = call(client, key, method, path)
        assert response.status_code == 405, (method, path)
        assert response.json()["error"] and method not in response["Allow"]
    missing = call(client, key, "GET", "/api/v1/tasks/")
    assert missing.status_code == 404 and missing.json()["error"]
    for path in (
        "/api/v1/items/999999/",
        "/api/v1/items/99999999999999999999999/reports/",
        "/api/v1/reports/99999999999999999999999/",
    ):
        assert call(client, key, "GET", path).status_code == 404, path


# ------------------------------------------------------------------ filters and pages


def test_it_filters_items(client, world) -> None:
    key, tasks = world["keys"]["office"], world["tasks"]
    Task.objects.filter(pk=tasks["gxj_task"].pk).update(colour="yellow", status="in_progress")

    def ids(query: str) -> set[int]:
        response = call(client, key, "GET", f"/api/v1/items/?{query}")
        assert response.status_code == 200, (query, response.content)
        return {i["id"] for i in response.json()["results"]}

    everything = ids("")
    assert len(everything) == 5
    assert ids("colour=yellow") == {tasks["gxj_task"].pk}
    assert ids("colour=yellow,red") == everything
    assert tasks["gxj_task"].pk not in ids("colour=red")
    assert ids("status=in_progress") == {tasks["gxj_task"].pk, tasks["fgj_task"].pk}  # fgj reported
    assert ids("q=健康校园") == {tasks["shared_task"].pk}
    jyj = world["county"]["units"]["县教育局"].pk
    assert tasks["shared_task"].pk in ids(f"unit={jyj}")
    assert ids(f"plan={tasks['fgj_task'].plan_id}") == everything
    assert ids(f"plan={tasks['other_task'].plan_id}") == set()

    # a report moves progress without touching updated_at: updated_since must still see it
    Task.objects.update(updated_at=timezone.now() - timezone.timedelta(days=3))
    Task.objects.filter(pk=tasks["fgj_task"].pk).update(
        last_report_at=timezone.now() - timezone.timedelta(days=3)
    )
    yesterday = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    assert ids(f"updated_since={yesterday}") == set()
    call(
        client,
        world["keys"]["fgj"],
        "POST",
        f"/api/v1/items/{tasks['fgj_task'].pk}/reports/",
        {"text": "新进展", "percent": 60},
    )
    assert ids(f"updated_since={yesterday}") == {tasks["fgj_task"].pk}
    assert ids(f"updated_since={yesterday}T00:00:00%2B08:00") == {tasks["fgj_task"].pk}
    assert ids(f"updated_since={yesterday}T00:00:00+08:00") == {tasks["fgj_task"].pk}  # '+' as space

    for bad in [
        "colour=purple",
        "status=late",
        "unit=abc",
        "unit=99999999999999999999",
        "unit=0",
        "updated_since=yesterday",
        "updated_since=2025-13-45",
        "page=0",
        "page_size=201",
        "page_size=x",
    ]:
        response = call(client, key, "GET", f"/api/v1/items/?{bad}")
        assert response.status_code == 400, bad
        assert response.json()["error"]


def test_it_pages_the_item_list(client, world) -> None:
    key = world["keys"]["office"]
    first = call(client, key, "GET", "/api/v1/items/?page_size=2&colour=red,blue,yellow,green").json()
    assert (first["count"], first["pages"], first["page"], len(first["results"])) == (5, 3, 1, 2)
    assert first["previous"] is None and "page=2" in first["next"] and "colour=red" in first["next"]
    second = call(client, key, "GET", first["next"].removeprefix("http://testserver")).json()
    last = call(client, key, "GET", "/api/v1/items/?page_size=2&page=3").json()
    assert last["next"] is None and len(last["results"]) == 1
    seen = [i["id"] for page in (first, second, last) for i in page["results"]]
    assert len(set(seen)) == 5
    assert [i["number"] for i in first["results"] + second["results"] + last["results"]] == [1, 2, 3, 4, 5]
    beyond = call(client, key, "GET", "/api/v1/items/?page_size=2&page=9").json()
    assert beyond["results"] == [] and beyond["count"] == 5
    far = call(client, key, "GET", "/api/v1/items/?page=99999999999999999")
    assert far.status_code == 200 and far.json()["results"] == []


def test_it_shapes_an_item_as_the_schema_says(client, world) -> None:
    task = world["tasks"]["shared_task"]
    item = call(client, world["keys"]["jyj"], "GET", f"/api/v1/items/{task.pk}/").json()
    from luoshi.api.schema import SCHEMAS

    assert set(SCHEMAS["Item"]["required"]) <= set(item) <= set(SCHEMAS["Item"]["properties"])
    assert item["lead_unit"]["short_name"] == "县卫健局"
    assert [u["short_name"] for u in item["cooperating_units"]] == ["县教育局"]
    assert item["plan"] == {"id": task.plan_id, "title": task.plan.title, "year": 2025}
    assert item["section"]["title"] == "保障民生"
    assert item["outputs"][0]["goal"] == "80所"
    report = call(
        client, world["keys"]["fgj"], "GET", f"/api/v1/reports/{world['reports']['fgj_report'].pk}/"
    )
    assert set(SCHEMAS["Report"]["required"]) <= set(report.json()) <= set(SCHEMAS["Report"]["properties"])


def _add_tasks(plan, unit, count: int) -> None:
    start = plan.tasks.count() + 1
    tasks = Task.objects.bulk_create(
        Task(plan=plan, region=plan.region, number=start + i, text=f"新增任务{i}") for i in range(count)
    )
    Assignment.objects.bulk_create(Assignment(task=t, unit=unit, role=Assignment.Role.LEAD) for t in tasks)
    Assignment.objects.bulk_create(
        Assignment(task=t, unit=u, role=Assignment.Role.COOPERATE)
        for t in tasks
        for u in unit.region.units.exclude(pk=unit.pk)[:2]
    )
    Output.objects.bulk_create(Output(task=t, name="指标", goal="10个", goal_value=10) for t in tasks)


@pytest.mark.parametrize("role", ["office", "fgj"])
def test_it_lists_items_in_a_fixed_number_of_queries(client, world, role) -> None:
    key, plan = world["keys"][role], world["tasks"]["fgj_task"].plan
    unit = world["county"]["units"]["县发改局"]

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = call(client, key, "GET", "/api/v1/items/?page_size=200")
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    call(client, key, "GET", "/api/v1/units/")  # the token's once-a-minute use stamp, out of the way
    _add_tasks(plan, unit, 2)
    few, few_rows = queries()
    _add_tasks(plan, unit, 40)
    many, many_rows = queries()
    assert many_rows == few_rows + 40
    assert many == few


# ------------------------------------------------------------------ schema, page, command


def _api_patterns() -> list[str]:
    resolver = get_resolver()
    api = next(p for p in resolver.url_patterns if getattr(p, "app_name", None) == "api")
    out = []
    for pattern in api.url_patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name == "not_found":
            continue
        route = str(pattern.pattern).replace("<int:pk>", "{id}")
        out.append("/api/" + route)
    return out


def test_it_describes_every_path_in_the_schema(client, db) -> None:
    response = client.get("/api/schema.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"] == "3.0.3"
    assert set(schema["paths"]) == set(_api_patterns())
    for path, operations in schema["paths"].items():
        match = resolve(path.replace("{id}", "1"))
        assert match.namespace == "api", path
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation["responses"], (path, method)
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert {"Item", "ItemPage", "Report", "ReportInput", "ReviewInput", "Unit", "Error"} <= set(
        schema["components"]["schemas"]
    )


def _validator_python() -> str | None:
    """An interpreter with openapi-spec-validator: it is not a project dependency, so look beside it."""
    for candidate in ("/usr/local/bin/python3", shutil.which("python3"), "/usr/bin/python3"):
        if candidate and Path(candidate).exists():
            probe = subprocess.run(
                [candidate, "-c", "import openapi_spec_validator"], capture_output=True, timeout=60
            )
            if probe.returncode == 0:
                return candidate
    return None


def test_it_serves_a_schema_that_openapi_spec_validator_accepts(client, db, tmp_path) -> None:
    python = _validator_python()
    if python is None:
        pytest.skip("openapi-spec-validator is not installed for any python3 on this machine")
    document = tmp_path / "schema.json"
    document.write_bytes(client.get("/api/schema.json").content)
    check = subprocess.run(
        [
            python,
            "-c",
            "import json, sys; from openapi_spec_validator import validate; "
            "validate(json.load(open(sys.argv[1], encoding='utf-8'))); print('ok')",
            str(document),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr[-2000:]
    assert check.stdout.strip() == "ok"


def test_it_explains_the_api_on_a_page(client, db) -> None:
    response = client.get("/api/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/api/schema.json"' in page
    assert "Authorization: Bearer" in page and "issue_token" in page
    assert "/api/v1/items/{id}/reports/" in page


def test_it_issues_a_token_from_the_command_line(client, world) -> None:
    out, err = StringIO(), StringIO()
    call_command("issue_token", "jyj", "--name", "数据同步", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(digest=ApiToken.hash(key))
    assert token.user.username == "jyj" and token.name == "数据同步"
    assert key not in err.getvalue()
    listed = {
        i["lead_unit"]["short_name"] for i in call(client, key, "GET", "/api/v1/items/").json()["results"]
    }
    assert listed == {"县教育局", "县卫健局"}  # what the education bureau leads or helps with
    with pytest.raises(CommandError):
        call_command("issue_token", "nobody", stdout=StringIO(), stderr=StringIO())
