"""The permission matrix: every view and API endpoint of the project × every role × objects of the
caller's own unit, of another unit of the same county and of another county, for GET and for POST.

The URL list comes from the resolver, not from this file, so a new view without a row in TABLE fails
`test_it_has_a_row_for_every_url_of_the_project`. Each cell runs inside a savepoint that is rolled
back, so an allowed write (the office publishing a draft, a unit filing a report) does not change what
the next cell sees, and a refused one is checked against a snapshot of the database taken before it.
Every response, whatever its status, is searched for marker strings planted in objects the role may
not see (task texts, report texts, notice bodies, instructions, attachment names and contents, draft
titles, the other county's name), so a list page that leaks is caught as well as a detail page.

Also here: non-staff users and /admin/, CSRF on representative forms and on the API's session writes,
and the upload limits (attachment size and type, speech size, workbook size).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from conftest import SPEECH
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from luoshi.ledger.models import (
    Assignment,
    AuditEntry,
    Output,
    Plan,
    Project,
    Section,
    Target,
    Task,
)
from luoshi.ledger.services import update_task
from luoshi.org.models import ApiToken, Leader, Unit, User
from luoshi.plans.services import import_document
from luoshi.reporting import excel
from luoshi.reporting.models import Attachment, ProgressReport, ReportValue
from luoshi.reporting.services import ReportInput, submit_report
from luoshi.supervision.models import Instruction, NoticeReply, SupervisionNotice
from luoshi.supervision.services import add_instruction, issue_notice

ROLES = ("anon", "office", "leader", "fgj", "gxj", "office2", "fgj2")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the namespaces and top-level names the matrix is about; everything else the resolver knows except
# the admin must have a row too, so a new app cannot slip past
APP_NAMESPACES = ("plans", "ledger", "reporting", "supervision", "dashboard", "api")
TOP_LEVEL = ("home", "login", "logout", "set_language")

# --------------------------------------------------------------------------------------------- data

A_READERS = {"office", "leader"}
B_READERS = {"office2"}
# marker → the roles allowed to see it; any other role's response containing it is a leak
MARKERS: dict[str, set[str]] = {
    "ZQT_AFGJ": A_READERS | {"fgj"},  # task 1 of county A, led by 县发改局 (fgj)
    "ZQT_AGXJ": A_READERS | {"gxj"},  # task 2 of county A, led by 县工信局 (gxj)
    "ZQT_A4": A_READERS,  # task 4 of county A, no unit at all
    "ZQT_BFGJ": B_READERS | {"fgj2"},  # task 1 of county B, led by fgj2's unit
    "ZQT_B2": B_READERS,  # task 2 of county B, no unit
    "ZQREP_AFGJ": A_READERS | {"fgj"},
    "ZQREP_AGXJ": A_READERS | {"gxj"},
    "ZQREP_BFGJ": B_READERS | {"fgj2"},
    "ZQATTNAME_AFGJ": A_READERS | {"fgj"},
    "ZQATTNAME_AGXJ": A_READERS | {"gxj"},
    "ZQATTNAME_BFGJ": B_READERS | {"fgj2"},
    "ZQATTBODY_AFGJ": A_READERS | {"fgj"},
    "ZQATTBODY_AGXJ": A_READERS | {"gxj"},
    "ZQATTBODY_BFGJ": B_READERS | {"fgj2"},
    "ZQNOT_AFGJ": A_READERS | {"fgj"},
    "ZQNOT_AGXJ": A_READERS | {"gxj"},
    "ZQNOT_BFGJ": B_READERS | {"fgj2"},
    "ZQINS_AFGJ": A_READERS | {"fgj"},
    "ZQINS_AGXJ": A_READERS | {"gxj"},
    "ZQINS_BFGJ": B_READERS | {"fgj2"},
    "ZQDRAFT_A": {"office"},  # the draft plan's title (from its file name)
    "ZQDRAFT_B": {"office2"},
    "ZQDT_A": {"office"},  # a task of the draft
    "ZQDT_B": {"office2"},
    "青山县": {"office2", "fgj2"},  # county B's name; county A's speech never says it
}


@dataclass
class World:
    """Everything the matrix points at, keyed by whose it is: "fgj" (county A, 县发改局), "gxj"
    (county A, 县工信局), "B" (county B, fgj2's unit), "draftA"/"draftB" (draft plans and their tasks),
    "pubA" (county A's published plan)."""

    users: dict[str, User]
    region: dict[str, Any] = field(default_factory=dict)
    unit: dict[str, Unit] = field(default_factory=dict)
    task: dict[str, Task] = field(default_factory=dict)
    plan: dict[str, Plan] = field(default_factory=dict)
    report: dict[str, ProgressReport] = field(default_factory=dict)
    attachment: dict[str, Attachment] = field(default_factory=dict)
    notice: dict[str, SupervisionNotice] = field(default_factory=dict)


def _mark(task: Task, actor: User, marker: str) -> Task:
    """Put a marker at the start of a task's text (through the ledger's verb), where no list cuts it."""
    task.refresh_from_db()
    return update_task(task, actor, task.version, text=f"{marker} {task.text}")


def pdf(name: str, marker: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f"%PDF-1.4\n{marker}\n%%EOF\n".encode(), "application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Attachments go to a temporary folder, not the project's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(county, users, published_plan, other_county) -> World:
    office, office2 = users["office"], other_county["office"]
    region_a, region_b = county["region"], other_county["region"]
    w = World(users={**users, "office2": office2, "fgj2": other_county["unit_user"]})
    w.region = {"A": region_a, "B": region_b}
    w.unit = {
        "fgj": county["units"]["县发改局"],
        "gxj": county["units"]["县工信局"],
        "B": other_county["unit"],
    }

    def task_of(region, number: int, plan=None) -> Task:
        return Task.objects.get(
            region=region, plan=plan or Plan.objects.get(region=region, status="published"), number=number
        )

    w.task["fgj"] = _mark(task_of(region_a, 1), office, "ZQT_AFGJ")
    w.task["gxj"] = _mark(task_of(region_a, 2), office, "ZQT_AGXJ")
    _mark(task_of(region_a, 4), office, "ZQT_A4")
    w.task["B"] = _mark(task_of(region_b, 1), office2, "ZQT_BFGJ")
    _mark(task_of(region_b, 2), office2, "ZQT_B2")
    # the tasks the matrix is built on must be what this file assumes
    for key in ("fgj", "gxj", "B"):
        lead = Assignment.objects.get(task=w.task[key], role=Assignment.Role.LEAD)
        assert lead.unit_id == w.unit[key].pk, key
    assert not Assignment.objects.filter(task=w.task["fgj"], unit=w.unit["gxj"]).exists()

    w.plan["pubA"] = published_plan
    w.plan["draftA"] = import_document(region_a, "ZQDRAFT_A.txt", SPEECH.encode(), office)
    w.plan["draftB"] = import_document(region_b, "ZQDRAFT_B.txt", SPEECH.encode(), office2)
    w.task["draftA"] = _mark(task_of(region_a, 1, w.plan["draftA"]), office, "ZQDT_A")
    w.task["draftB"] = _mark(task_of(region_b, 1, w.plan["draftB"]), office2, "ZQDT_B")

    for key, user in (("fgj", users["fgj"]), ("gxj", users["gxj"]), ("B", w.users["fgj2"])):
        suffix = {"fgj": "AFGJ", "gxj": "AGXJ", "B": "BFGJ"}[key]
        report = submit_report(
            w.task[key],
            user,
            ReportInput(text=f"ZQREP_{suffix} 已召开调度会", percent=30, values={}),
            files=[pdf(f"ZQATTNAME_{suffix}.pdf", f"ZQATTBODY_{suffix}")],
        )
        w.report[key] = report
        w.attachment[key] = report.attachments.get()

    due = timezone.localdate() + timedelta(days=7)
    blue = SupervisionNotice.Level.BLUE
    w.notice["fgj"] = issue_notice(office, w.unit["fgj"], [w.task["fgj"]], blue, "ZQNOT_AFGJ 请加快", due)
    w.notice["gxj"] = issue_notice(office, w.unit["gxj"], [w.task["gxj"]], blue, "ZQNOT_AGXJ 请加快", due)
    w.notice["B"] = issue_notice(office2, w.unit["B"], [w.task["B"]], blue, "ZQNOT_BFGJ 请加快", due)

    add_instruction(w.task["fgj"], users["leader"], "ZQINS_AFGJ 抓紧推进")
    add_instruction(w.task["gxj"], users["leader"], "ZQINS_AGXJ 抓紧推进")
    # county B has no leader user in the conftest; one is made here only to write its instruction
    leader_b = Leader.objects.create(region=region_b, name="李华", title="副县长")
    leader2 = User.objects.create_user(
        username="leader2", password="pass-1234", role=User.Role.LEADER, region=region_b, leader=leader_b
    )
    add_instruction(w.task["B"], leader2, "ZQINS_BFGJ 抓紧推进")
    return w


# ------------------------------------------------------------------------------- payload builders


def _fresh(w: World, key: str) -> Task:
    return Task.objects.get(pk=w.task[key].pk)


def _lead_id(task: Task) -> int | str:
    lead = task.assignments.filter(role=Assignment.Role.LEAD).first()
    return lead.unit_id if lead else ""


def row_payload(w: World, v: str) -> dict:
    t = _fresh(w, v)
    return {
        "version": t.version,
        "text": "矩阵改写的任务内容",
        "lead": "",
        "cooperating": "",
        "leader": "",
        "deadline": "",
        "tier": t.tier,
        "outputs": "",
    }


def version_payload(w: World, v: str) -> dict:
    return {"version": _fresh(w, v).version}


def split_payload(w: World, v: str) -> dict:
    return {"version": _fresh(w, v).version, "at": 4}


def edit_payload(w: World, v: str, lead: Unit | None = None) -> dict:
    t = _fresh(w, v)
    return {
        "text": "矩阵修改后的任务内容",
        "deadline": "",
        "leader": "",
        "status": t.status,
        "schedule": t.schedule,
        "lead": lead.pk if lead else _lead_id(t),
        "version": t.version,
    }


def import_payload(w: World, v: str) -> dict:
    return {
        "region": w.region[v].pk,
        "file": SimpleUploadedFile("矩阵导入.txt", SPEECH.encode(), "text/plain"),
    }


def workbook(rows: list[tuple[int, str, int]]) -> bytes:
    """A workbook shaped like the one reporting:download hands out, with rows (task id, text, %)."""
    wb = Workbook()
    ws = wb.active
    ws.title = excel.TASK_SHEET
    ws.append([name for name, _width in excel.TASK_COLUMNS])
    for task_id, text, percent in rows:
        # the task's own text is left out: only what a unit types is uploaded
        ws.append([task_id, 1, "", "", "", 0, text, percent, excel.NO])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload_payload(w: World, v: str) -> dict:
    data = workbook([(w.task[v].pk, "矩阵表格填报", 70)])
    return {"file": SimpleUploadedFile("tasks.xlsx", data, XLSX)}


def notice_payload(w: World, v: str) -> dict:
    unit, task = {"fgj": ("fgj", "fgj"), "B": ("B", "B"), "mix": ("fgj", "B")}[v]
    return {
        "unit": w.unit[unit].pk,
        "tasks": [w.task[task].pk],
        "level": SupervisionNotice.Level.BLUE,
        "body": "矩阵督办事项",
        "reply_due": (timezone.localdate() + timedelta(days=7)).isoformat(),
    }


def notice_action(action: str) -> Callable[[World, str], dict]:
    def build(w: World, v: str) -> dict:
        data = {"action": action, "version": SupervisionNotice.objects.get(pk=w.notice[v].pk).version}
        if action == "reply":
            data["text"] = "矩阵回复内容"
        return data

    return build


def const(data: dict) -> Callable[[World, str], dict]:
    return lambda w, v: dict(data)


# ----------------------------------------------------------------------------------------- table

TASK = lambda w, v: {"pk": w.task[v].pk}  # noqa: E731
PLAN = lambda w, v: {"pk": w.plan[v].pk}  # noqa: E731
REPORT = lambda w, v: {"pk": w.report[v].pk}  # noqa: E731
NOTICE = lambda w, v: {"pk": w.notice[v].pk}  # noqa: E731
ATTACHMENT = lambda w, v: {"pk": w.attachment[v].pk}  # noqa: E731


@dataclass
class Case:
    """One request shape. `expect` maps a variant (whose object the kwargs or payload point at) to the
    outcome for each role, in ROLES order (anon office leader fgj gxj office2 fgj2):

    L   302 to the login page          ok  200
    3   302 somewhere else             x   403 or 404 (refused, either way)
    nnn that status                    …w  that status AND the database changed (an allowed write)

    Without `w` the database must be unchanged; with it, changed (which proves the payload would do
    something, so the refusals of the same payload mean something)."""

    method: str
    expect: dict[str, str]
    data: Callable[[World, str], dict] | None = None
    query: Callable[[World, str], dict] | None = None
    json: bool = False
    headers: dict[str, str] | None = None
    label: str = ""


@dataclass
class Row:
    kwargs: Callable[[World, str], dict] | None
    cases: list[Case]


def same(codes: str, *variants: str) -> dict[str, str]:
    return dict.fromkeys(variants or ("-",), codes)


NO_POST = "L 405 405 405 405 405 405"  # login_required outside require_GET / require_POST
ALL_405 = "405 405 405 405 405 405 405"
# a task and what hangs off it (report, attachment, notice), by whose it is
TASK_GET = {
    "fgj": "L ok ok ok 404 404 404",
    "gxj": "L ok ok 404 ok 404 404",
    "B": "L 404 404 404 404 ok ok",
}
API_GET = {k: "401" + v[1:] for k, v in TASK_GET.items()}

TABLE: dict[str, Row] = {
    # ------------------------------------------------------------------ top level
    "home": Row(None, [Case("GET", same("L 3 3 3 3 3 3")), Case("POST", same("L 3 3 3 3 3 3"))]),
    "login": Row(
        None,
        [
            Case("GET", same("ok ok ok ok ok ok ok")),
            Case("POST", same("ok ok ok ok ok ok ok"), const({"username": "fgj", "password": "wrong-1234"})),
        ],
    ),
    "logout": Row(None, [Case("GET", same(ALL_405)), Case("POST", same("3 3 3 3 3 3 3"))]),
    "set_language": Row(
        None,
        [
            Case("GET", same("3 3 3 3 3 3 3"), query=const({"next": "/"})),
            Case("POST", same("3 3 3 3 3 3 3"), const({"language": "en", "next": "/"})),
        ],
    ),
    # ------------------------------------------------------------------ plans (the office's import and review)
    "plans:list": Row(None, [Case("GET", same("L ok ok ok ok ok ok")), Case("POST", same(NO_POST))]),
    "plans:import": Row(
        None,
        [
            Case("GET", same("L ok 403 403 403 ok 403")),
            # the region field lists the office's own county only: another county's id is a form error
            Case(
                "POST",
                {"A": "L 3w 403 403 403 ok 403", "B": "L ok 403 403 403 3w 403"},
                import_payload,
            ),
        ],
    ),
    "plans:review": Row(
        PLAN,
        [
            Case(
                "GET",
                {
                    "draftA": "L ok 404 404 404 404 404",
                    "draftB": "L 404 404 404 404 ok 404",
                    "pubA": "L 3 403 403 403 404 404",
                },
            ),
            Case("POST", same(NO_POST, "draftA", "draftB")),
        ],
    ),
    "plans:publish": Row(
        PLAN,
        [
            Case("GET", same(NO_POST, "draftA")),
            Case(
                "POST",
                {
                    "draftA": "L 3w 403 403 403 404 403",
                    "draftB": "L 404 403 403 403 3w 403",
                    "pubA": "L 3 403 403 403 404 403",
                },
                lambda w, v: {"confirm": "1"},
            ),
        ],
    ),
    "plans:discard": Row(
        PLAN,
        [
            Case(
                "GET",
                {
                    "draftA": "L ok 403 403 403 404 403",
                    "draftB": "L 404 403 403 403 ok 403",
                    "pubA": "L 404 403 403 403 404 403",
                },
            ),
            Case(
                "POST",
                {
                    "draftA": "L 3w 403 403 403 404 403",
                    "draftB": "L 404 403 403 403 3w 403",
                    "pubA": "L 404 403 403 403 404 403",
                },
            ),
        ],
    ),
    "plans:unit_suggest": Row(
        PLAN,
        [
            Case(
                "GET",
                {
                    "draftA": "L ok 404 404 404 404 404",
                    "draftB": "L 404 404 404 404 ok 404",
                    "pubA": "L 404 404 404 404 404 404",
                },
                query=const({"q": "发改"}),
            ),
            Case("POST", same(NO_POST, "draftA")),
        ],
    ),
    "plans:task_row": Row(
        TASK,
        [
            Case(
                "GET",
                {
                    "draftA": "L 3 404 404 404 404 404",
                    "draftB": "L 404 404 404 404 3 404",
                    "fgj": "L 404 404 404 404 404 404",
                },
            ),
            Case(
                "GET",
                {"draftA": "L ok 404 404 404 404 404", "draftB": "L 404 404 404 404 ok 404"},
                headers={"HX-Request": "true"},
                label="htmx",
            ),
            Case(
                "POST",
                {
                    "draftA": "L 3w 404 404 404 404 404",
                    "draftB": "L 404 404 404 404 3w 404",
                    # a published task is not a draft row, not even for the office
                    "fgj": "L 404 404 404 404 404 404",
                },
                row_payload,
            ),
        ],
    ),
    **{
        f"plans:task_{verb}": Row(
            TASK,
            [
                Case("GET", same(NO_POST, "draftA")),
                Case(
                    "POST",
                    {
                        "draftA": "L 3w 404 404 404 404 404",
                        "draftB": "L 404 404 404 404 3w 404",
                        "fgj": "L 404 404 404 404 404 404",
                    },
                    payload,
                ),
            ],
        )
        for verb, payload in (("drop", version_payload), ("merge", version_payload), ("split", split_payload))
    },
    # ------------------------------------------------------------------ ledger
    # require_GET is outside login_required here, so even an anonymous POST is a 405
    "ledger:list": Row(
        None,
        [
            Case("GET", same("L ok ok ok ok ok ok")),
            # the table alone, as htmx asks for it when filtering: the same scope
            Case("GET", same("L ok ok ok ok ok ok"), headers={"HX-Request": "true"}, label="htmx"),
            Case("POST", same(ALL_405)),
        ],
    ),
    "ledger:export": Row(None, [Case("GET", same("L ok ok ok ok ok ok")), Case("POST", same(ALL_405))]),
    "ledger:detail": Row(
        TASK,
        [
            Case("GET", {**TASK_GET, "draftA": "L 404 404 404 404 404 404"}),
            Case("POST", same(ALL_405, "fgj", "B")),
        ],
    ),
    "ledger:edit": Row(
        TASK,
        [
            Case(
                "GET",
                {
                    "fgj": "L ok 403 403 403 404 403",
                    "gxj": "L ok 403 403 403 404 403",
                    "B": "L 404 403 403 403 ok 403",
                    "draftA": "L 404 403 403 403 404 403",
                },
            ),
            Case(
                "POST",
                {
                    "fgj": "L 3w 403 403 403 404 403",
                    "gxj": "L 3w 403 403 403 404 403",
                    "B": "L 404 403 403 403 3w 403",
                },
                edit_payload,
            ),
            # the office of county A naming county B's unit as lead: the form does not offer it
            Case(
                "POST",
                {"fgj": "L ok 403 403 403 404 403"},
                lambda w, v: edit_payload(w, v, lead=w.unit["B"]),
                label="foreign lead",
            ),
        ],
    ),
    # ------------------------------------------------------------------ reporting
    "reporting:mine": Row(
        None, [Case("GET", same("L 403 403 ok ok 403 ok")), Case("POST", same("L 403 403 ok ok 403 ok"))]
    ),
    "reporting:download": Row(
        None, [Case("GET", same("L 403 403 ok ok 403 ok")), Case("POST", same("L 403 403 ok ok 403 ok"))]
    ),
    "reporting:upload": Row(
        None,
        [
            Case("GET", same(ALL_405)),
            # a workbook naming any task only previews (nothing is written until confirm)
            Case("POST", same("L 403 403 ok ok 403 ok", "fgj", "gxj", "B"), upload_payload),
        ],
    ),
    "reporting:confirm": Row(
        None,
        [Case("GET", same(ALL_405)), Case("POST", same("L 403 403 3 3 403 3"), const({"token": "stale"}))],
    ),
    "reporting:report": Row(
        TASK,
        [
            Case(
                "GET",
                {
                    "fgj": "L 403 403 ok 404 404 404",
                    "gxj": "L 403 403 404 ok 404 404",
                    "B": "L 404 404 404 404 403 ok",
                },
            ),
            Case(
                "POST",
                {
                    "fgj": "L 403 403 3w 404 404 404",
                    "gxj": "L 403 403 404 3w 404 404",
                    "B": "L 404 404 404 404 403 3w",
                },
                const({"text": "矩阵填报进展", "percent": "55"}),
            ),
        ],
    ),
    "reporting:attachment": Row(ATTACHMENT, [Case("GET", TASK_GET), Case("POST", TASK_GET)]),
    "reporting:pending": Row(
        None, [Case("GET", same("L ok 403 403 403 ok 403")), Case("POST", same("L ok 403 403 403 ok 403"))]
    ),
    "reporting:review": Row(
        REPORT,
        [
            Case("GET", same(ALL_405, "fgj")),
            Case(
                "POST",
                {
                    "fgj": "L 3w 403 403 403 404 403",
                    "gxj": "L 3w 403 403 403 404 403",
                    "B": "L 404 403 403 403 3w 403",
                },
                const({"action": "accept"}),
            ),
        ],
    ),
    # ------------------------------------------------------------------ supervision
    "supervision:notices": Row(
        None,
        [
            Case("GET", same("L ok ok ok ok ok ok")),
            Case("GET", same("L ok ok ok ok ok ok"), headers={"HX-Request": "true"}, label="htmx"),
            Case("POST", same("L ok ok ok ok ok ok")),
        ],
    ),
    "supervision:new_notice": Row(
        None,
        [
            # ?tasks= preselects tasks; another county's id is ignored (the leak check looks for its text)
            Case(
                "GET",
                same("L ok 403 403 403 ok 403", "fgj", "B"),
                query=lambda w, v: {"tasks": str(w.task[v].pk)},
            ),
            Case(
                "POST",
                {
                    "fgj": "L 3w 403 403 403 ok 403",
                    "B": "L ok 403 403 403 3w 403",
                    # county A's unit with county B's task: neither office can issue it
                    "mix": "L ok 403 403 403 ok 403",
                },
                notice_payload,
            ),
        ],
    ),
    # the service refuses a leader's or a unit's close/escalate and the office's reply: the page
    # redirects back with the reason, nothing written (checked by the snapshot)
    "supervision:notice": Row(
        NOTICE,
        [
            Case("GET", TASK_GET),
            Case(
                "POST",
                {
                    "fgj": "L 3 3 3w 404 404 404",
                    "gxj": "L 3 3 404 3w 404 404",
                    "B": "L 404 404 404 404 3 3w",
                },
                notice_action("reply"),
                label="reply",
            ),
            Case(
                "POST",
                {
                    "fgj": "L 3w 3 3 404 404 404",
                    "gxj": "L 3w 3 404 3 404 404",
                    "B": "L 404 404 404 404 3w 3",
                },
                notice_action("close"),
                label="close",
            ),
            Case(
                "POST",
                {
                    "fgj": "L 3w 3 3 404 404 404",
                    "gxj": "L 3w 3 404 3 404 404",
                    "B": "L 404 404 404 404 3w 3",
                },
                notice_action("escalate"),
                label="escalate",
            ),
        ],
    ),
    "supervision:instruct": Row(
        TASK,
        [
            Case("GET", same(NO_POST, "fgj")),
            Case(
                "POST",
                {
                    "fgj": "L 403 3w 403 403 403 403",
                    "gxj": "L 403 3w 403 403 403 403",
                    "B": "L 403 404 403 403 403 403",
                },
                const({"text": "矩阵批示内容"}),
            ),
        ],
    ),
    # ------------------------------------------------------------------ dashboard
    "dashboard:index": Row(
        None, [Case("GET", same("L ok ok 3 3 ok 3")), Case("POST", same("L ok ok 3 3 ok 3"))]
    ),
    # ------------------------------------------------------------------ API (session auth here; tokens below)
    "api:index": Row(None, [Case("GET", same("ok ok ok ok ok ok ok")), Case("POST", same(ALL_405))]),
    "api:schema": Row(None, [Case("GET", same("ok ok ok ok ok ok ok")), Case("POST", same(ALL_405))]),
    "api:items": Row(None, [Case("GET", same("401 ok ok ok ok ok ok")), Case("POST", same(ALL_405))]),
    "api:item": Row(
        TASK,
        [
            Case("GET", {**API_GET, "draftA": "401 404 404 404 404 404 404"}),
            Case("POST", same(ALL_405, "fgj")),
        ],
    ),
    "api:item_reports": Row(
        TASK,
        [
            Case("GET", {**API_GET, "draftA": "401 404 404 404 404 404 404"}),
            Case(
                "POST",
                {
                    "fgj": "401 403 403 201w 404 404 404",
                    "gxj": "401 403 403 404 201w 404 404",
                    "B": "401 404 404 404 404 403 201w",
                    "draftA": "401 404 404 404 404 404 404",
                },
                const({"text": "接口填报进展", "percent": 60}),
                json=True,
            ),
        ],
    ),
    "api:report": Row(REPORT, [Case("GET", API_GET), Case("POST", same(ALL_405, "fgj"))]),
    "api:review": Row(
        REPORT,
        [
            Case("GET", same(ALL_405, "fgj")),
            Case(
                "POST",
                {
                    "fgj": "401 200w 403 403 404 404 404",
                    "gxj": "401 200w 403 404 403 404 404",
                    "B": "401 404 404 404 404 200w 403",
                },
                const({"accept": True, "comment": ""}),
                json=True,
            ),
        ],
    ),
    "api:units": Row(None, [Case("GET", same("401 ok ok ok ok ok ok")), Case("POST", same(ALL_405))]),
    "api:not_found": Row(
        lambda w, v: {"rest": "nothing/here/"},
        [Case("GET", same("404 404 404 404 404 404 404")), Case("POST", same("404 404 404 404 404 404 404"))],
    ),
}


# ------------------------------------------------------------------------------------ machinery


def _walk(resolver: URLResolver, namespace: tuple[str, ...] = ()) -> Iterator[tuple[str | None, str]]:
    """(namespaced name or None, route) of every pattern below the resolver."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            yield from _walk(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespace, pattern.name)) if pattern.name else None
            yield name, f"{':'.join(namespace)} {pattern.pattern}"


def project_urls() -> tuple[set[str], list[str]]:
    """The named URLs the matrix must cover (everything but the admin), and the unnamed ones (which
    cannot be covered, so they are an error too)."""
    names, unnamed = set(), []
    for name, route in _walk(get_resolver()):
        if route.startswith("admin"):
            continue
        if name is None:
            unnamed.append(route)
        else:
            names.add(name)
    return names, unnamed


COUNTED = (
    Section,
    Target,
    Project,
    Assignment,
    AuditEntry,
    ReportValue,
    Attachment,
    NoticeReply,
    Instruction,
)


def snapshot() -> dict[str, Any]:
    """What a refused request must not change: row counts (in one query, as the matrix takes two
    snapshots per cell) and the fields the views write."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {m._meta.db_table})" for m in COUNTED))
        state: dict[str, Any] = dict(zip((m.__name__ for m in COUNTED), cursor.fetchone(), strict=True))
    state["plans"] = list(Plan.objects.order_by("pk").values_list("pk", "status"))
    state["tasks"] = list(
        Task.objects.order_by("pk").values_list("pk", "version", "text", "status", "progress", "plan_id")
    )
    state["reports"] = list(ProgressReport.objects.order_by("pk").values_list("pk", "status"))
    state["notices"] = list(
        SupervisionNotice.objects.order_by("pk").values_list("pk", "status", "version", "level")
    )
    state["outputs"] = list(Output.objects.order_by("pk").values_list("pk", "current_value"))
    return state


def body_text(response: HttpResponse) -> str:
    """What a user would read in the response: the page, the JSON, the file, or a workbook's cells."""
    streaming = getattr(response, "streaming", False)
    # reading a streamed body runs the test client's close wrapper; closing it again here would fire
    # request_finished outside that wrapper, which on PostgreSQL closes the test's connection
    data = b"".join(response.streaming_content) if streaming else response.content
    if XLSX in response.get("Content-Type", "") and data.startswith(b"PK"):
        wb = load_workbook(io.BytesIO(data), read_only=True)
        cells = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
        wb.close()
        return "\n".join(cells)
    return data.decode("utf-8", "replace")


def parse_codes(codes: str) -> list[str]:
    tokens = codes.split()
    assert len(tokens) == len(ROLES), codes
    return tokens


def outcome_problem(code: str, response: HttpResponse, changed: bool) -> str | None:
    status = response.status_code
    location = response.get("Location", "")
    is_login = status == 302 and location.startswith(reverse("login") + "?next=")
    writes = code.endswith("w") and code != "w"
    base = code[:-1] if writes else code
    if base == "L":
        ok = is_login
    elif base == "ok":
        ok = status == 200
    elif base == "3":
        ok = status == 302 and not is_login
    elif base == "x":
        ok = status in (403, 404)
    else:
        ok = status == int(base)
    if not ok:
        where = f" → {location}" if location else ""
        return f"expected {code}, got {status}{where}"
    if writes and not changed:
        return f"expected {code} and a write, but the database is unchanged"
    if not writes and changed:
        return f"{status} but the database changed"
    return None


def sessions_for(w: World) -> dict[str, str]:
    """A logged-in session per role, made once; each cell's client carries its cookie."""
    keys = {}
    for role in ROLES[1:]:
        client = Client()
        client.force_login(w.users[role])
        keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def run_cell(
    w: World, sessions: dict[str, str], name: str, row: Row, case: Case, variant: str, role: str, code: str
) -> str | None:
    """One request, inside a savepoint that is rolled back; a problem description or None."""
    where = f"{case.method}{'(' + case.label + ')' if case.label else ''} {name} [{variant}] as {role}"
    client = Client()
    if role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    with transaction.atomic():
        try:
            url = reverse(name, kwargs=row.kwargs(w, variant) if row.kwargs else None)
            where += f" {url}"
            before = snapshot()
            headers = case.headers or {}
            if case.method == "GET":
                response = client.get(url, case.query(w, variant) if case.query else None, headers=headers)
            elif case.json:
                body = json.dumps(case.data(w, variant) if case.data else {})
                response = client.post(url, body, content_type="application/json", headers=headers)
            else:
                response = client.post(url, case.data(w, variant) if case.data else {}, headers=headers)
            after = snapshot()
        except Exception as exc:  # a view that raises is a 500 for the user: report it with the rest
            transaction.set_rollback(True)
            return f"{where}: raised {exc.__class__.__name__}: {exc}"
        transaction.set_rollback(True)
    problems = []
    changed = before != after
    problem = outcome_problem(code, response, changed)
    if problem:
        problems.append(problem)
        if changed and not code.endswith("w"):
            diff = [k for k in before if before[k] != after[k]]
            problems.append(f"changed: {', '.join(diff)}")
    text = body_text(response)
    leaked = [m for m, readers in MARKERS.items() if role not in readers and m in text]
    if leaked:
        problems.append(f"response shows what {role} may not see: {', '.join(leaked)}")
    return f"{where}: {'; '.join(problems)}" if problems else None


# ------------------------------------------------------------------------------------------ tests


def test_it_has_a_row_for_every_url_of_the_project():
    names, unnamed = project_urls()
    wanted = {n for n in names if n.split(":")[0] in APP_NAMESPACES or n in TOP_LEVEL}
    for prefix in (*(f"{ns}:" for ns in APP_NAMESPACES), *TOP_LEVEL):
        assert any(n == prefix or n.startswith(prefix) for n in wanted), f"the resolver walk missed {prefix}"
    missing = sorted(names - set(TABLE))
    stale = sorted(set(TABLE) - names)
    assert not unnamed, f"URL patterns without a name cannot be in the matrix: {unnamed}"
    assert not missing, f"URLs with no row in tests/test_permissions.py TABLE (add them): {missing}"
    assert not stale, f"TABLE rows for URLs that no longer exist: {stale}"
    for name, row in TABLE.items():
        methods = {c.method for c in row.cases}
        assert methods == {"GET", "POST"}, f"{name}: needs a GET and a POST case, has {methods}"
        for case in row.cases:
            for codes in case.expect.values():
                parse_codes(codes)


def test_it_gives_every_role_exactly_its_own_objects_on_every_url(world):
    sessions = sessions_for(world)
    failures: list[str] = []
    cells = 0
    for name, row in TABLE.items():
        for case in row.cases:
            for variant, codes in case.expect.items():
                for role, code in zip(ROLES, parse_codes(codes), strict=True):
                    cells += 1
                    problem = run_cell(world, sessions, name, row, case, variant, role, code)
                    if problem:
                        failures.append(problem)
    print(f"permission matrix: {cells} cells over {len(TABLE)} URL names")
    assert cells > 900  # the table did not silently shrink
    assert not failures, f"{len(failures)} of {cells} cells failed:\n" + "\n".join(failures)


@pytest.mark.parametrize("path", ["/admin/", "/admin/ledger/task/", "/admin/org/user/"])
def test_it_keeps_non_staff_users_out_of_the_admin(client, world, path):
    for role in ROLES:
        if role != "anon":
            client.force_login(world.users[role])
        response = client.get(path)
        assert response.status_code == 302, (role, path)
        assert response["Location"].startswith("/admin/login/"), (role, response["Location"])
        client.logout()


def test_it_does_not_send_anyone_off_site_after_login_or_a_language_change(client, world):
    evil = "https://evil.example/phish"
    response = client.post(
        reverse("login") + f"?next={evil}", {"username": "fgj", "password": "pass-1234", "next": evil}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    response = client.post(reverse("set_language"), {"language": "en", "next": evil})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


# ------------------------------------------------------------------------------------------- CSRF


def _csrf_client(user: User) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("ledger:list"))  # any page with a form sets the CSRF cookie
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


def test_it_refuses_posts_without_a_csrf_token(world):
    """Each form posted without its token is a 403 and writes nothing; the same post with the token
    goes through, so the 403 is the CSRF check and not something else."""
    fgj, office = world.users["fgj"], world.users["office"]
    cases = [
        (
            fgj,
            reverse("reporting:report", kwargs=TASK(world, "fgj")),
            lambda: {"text": "没有令牌的填报", "percent": "40"},
            False,
        ),
        (
            fgj,
            reverse("supervision:notice", kwargs=NOTICE(world, "fgj")),
            lambda: notice_action("reply")(world, "fgj"),
            False,
        ),
        (
            office,
            reverse("ledger:edit", kwargs=TASK(world, "gxj")),
            lambda: edit_payload(world, "gxj"),
            False,
        ),
        (office, reverse("plans:import"), lambda: import_payload(world, "A"), False),
        (
            fgj,
            reverse("api:item_reports", kwargs=TASK(world, "fgj")),
            lambda: {"text": "没有令牌的接口填报", "percent": 40},
            True,
        ),
    ]
    for user, url, payload, is_json in cases:
        client, token = _csrf_client(user)
        before = snapshot()
        if is_json:
            response = client.post(url, json.dumps(payload()), content_type="application/json")
        else:
            response = client.post(url, payload())
        assert response.status_code == 403, (url, response.status_code)
        assert snapshot() == before, url
        if is_json:
            assert "CSRF" in response.json()["error"]
            response = client.post(
                url, json.dumps(payload()), content_type="application/json", headers={"X-CSRFToken": token}
            )
        else:
            response = client.post(url, {**payload(), "csrfmiddlewaretoken": token})
        assert response.status_code in (201, 302), (url, response.status_code)
        assert snapshot() != before, url


def test_it_does_not_need_csrf_for_token_requests_but_scopes_them(world):
    """API tokens carry no cookie, so no CSRF token; the scope is the token owner's, like a session's."""
    _token, key = ApiToken.issue(world.users["fgj"])
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    for variant, status in (("fgj", 200), ("gxj", 404), ("B", 404)):
        assert client.get(reverse("api:item", kwargs=TASK(world, variant))).status_code == status
        assert client.get(reverse("api:report", kwargs=REPORT(world, variant))).status_code == status
    items = client.get(reverse("api:items")).json()
    assert [i["id"] for i in items["results"]] == [world.task["fgj"].pk]
    before = snapshot()
    for variant in ("gxj", "B"):
        url = reverse("api:item_reports", kwargs=TASK(world, variant))
        response = client.post(
            url, json.dumps({"text": "越权", "percent": 90}), content_type="application/json"
        )
        assert response.status_code == 404
    assert snapshot() == before
    url = reverse("api:item_reports", kwargs=TASK(world, "fgj"))
    response = client.post(
        url, json.dumps({"text": "令牌填报", "percent": 45}), content_type="application/json"
    )
    assert response.status_code == 201


# ----------------------------------------------------------------------------------------- uploads


def _report_post(client: Client, world: World, files: list[SimpleUploadedFile]) -> HttpResponse:
    return client.post(
        reverse("reporting:report", kwargs=TASK(world, "fgj")),
        {"text": "附件测试", "percent": "50", "attachments": files},
    )


def test_it_refuses_an_attachment_over_the_size_limit(client, world, settings):
    settings.LUOSHI_ATTACHMENT_MAX_BYTES = 1024
    client.force_login(world.users["fgj"])
    before = snapshot()
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2000, "application/pdf")
    response = _report_post(client, world, [big])
    assert response.status_code == 200
    assert "big.pdf" in response.content.decode()  # the form says which file and why
    assert snapshot() == before
    # just under the limit is taken, so the refusal above was the size
    small = SimpleUploadedFile("small.pdf", b"%PDF-1.4\n" + b"0" * 900, "application/pdf")
    assert _report_post(client, world, [small]).status_code == 302
    assert Attachment.objects.filter(name="small.pdf").count() == 1


def test_it_refuses_a_request_body_far_over_the_limit_before_reading_it(client, world, settings):
    settings.LUOSHI_ATTACHMENT_MAX_BYTES = 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(world.users["fgj"])
    before = snapshot()
    files = [
        SimpleUploadedFile(f"f{i}.pdf", b"%PDF-1.4\n" + b"0" * 1000, "application/pdf") for i in range(12)
    ]
    response = _report_post(client, world, files)
    assert response.status_code == 413
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60),
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("script.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("renamed.pdf", b"MZ\x90\x00" + b"\x00" * 60),  # a program with a harmless-looking name
        ("noext", b"%PDF-1.4\n"),
    ],
)
def test_it_refuses_an_attachment_of_a_type_not_allowed(client, world, name, content):
    client.force_login(world.users["fgj"])
    before = snapshot()
    response = _report_post(client, world, [SimpleUploadedFile(name, content)])
    assert response.status_code == 200
    assert snapshot() == before


def test_it_refuses_more_attachments_than_allowed(client, world):
    from luoshi.reporting.forms import MAX_ATTACHMENTS

    client.force_login(world.users["fgj"])
    before = snapshot()
    files = [
        SimpleUploadedFile(f"f{i}.pdf", b"%PDF-1.4\n", "application/pdf") for i in range(MAX_ATTACHMENTS + 1)
    ]
    assert _report_post(client, world, files).status_code == 200
    assert snapshot() == before


def test_it_refuses_a_speech_over_the_parsers_limit(client, world, monkeypatch):
    """The parser's MAX_BYTES refuses the file even when the form's copy of the limit lets it by,
    and the form refuses it first when it knows the same limit."""
    import luoshi.parsing.read as read
    import luoshi.plans.forms as plan_forms

    client.force_login(world.users["office"])
    data = SPEECH.encode() + "。".encode() * 2000
    monkeypatch.setattr(read, "MAX_BYTES", len(data) - 1)
    before = snapshot()
    url = reverse("plans:import")
    response = client.post(url, {"file": SimpleUploadedFile("大讲话.txt", data, "text/plain")})
    assert response.status_code == 200
    assert "文件超过" in response.content.decode()
    assert snapshot() == before
    monkeypatch.setattr(plan_forms, "MAX_BYTES", len(data) - 1)
    response = client.post(url, {"file": SimpleUploadedFile("大讲话.txt", data, "text/plain")})
    assert response.status_code == 200
    assert "文件超过" in response.content.decode()
    assert snapshot() == before
    for name, content in (
        ("讲话.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("讲话.pdf", b"%PDF-1.4\n"),
    ):
        response = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 200, name
        assert snapshot() == before, name
    # under the limit it is imported, so the refusals above were the size and the type
    monkeypatch.setattr(read, "MAX_BYTES", len(data))
    monkeypatch.setattr(plan_forms, "MAX_BYTES", len(data))
    response = client.post(url, {"file": SimpleUploadedFile("大讲话.txt", data, "text/plain")})
    assert response.status_code == 302
    assert Plan.objects.filter(source_name="大讲话.txt", region=world.region["A"]).exists()


def test_it_refuses_a_workbook_over_its_limit_or_not_a_workbook(client, world, monkeypatch):
    import luoshi.reporting.forms as reporting_forms

    client.force_login(world.users["fgj"])
    data = workbook([(world.task["fgj"].pk, "表格填报", 50)])
    url = reverse("reporting:upload")
    monkeypatch.setattr(reporting_forms, "MAX_UPLOAD_BYTES", len(data) - 1)
    response = client.post(url, {"file": SimpleUploadedFile("tasks.xlsx", data, XLSX)})
    assert response.status_code == 302
    assert excel_stash(client) is None
    monkeypatch.setattr(reporting_forms, "MAX_UPLOAD_BYTES", len(data))
    response = client.post(url, {"file": SimpleUploadedFile("tasks.xlsm", data, XLSX)})
    assert response.status_code == 302
    assert excel_stash(client) is None
    response = client.post(url, {"file": SimpleUploadedFile("tasks.xlsx", data, XLSX)})
    assert response.status_code == 200
    assert excel_stash(client) is not None


def excel_stash(client: Client) -> Any:
    """The logged-in unit's previewed workbook awaiting its confirmation, if any."""
    from luoshi.reporting.models import WorkbookPreview

    preview = WorkbookPreview.objects.filter(user_id=client.session.get("_auth_user_id")).first()
    return None if preview is None else {"token": preview.token, "rows": preview.rows}


# ------------------------------------------------------------------- another unit's ids in a payload


def test_it_saves_only_the_units_own_rows_from_an_uploaded_workbook(client, world):
    """A workbook naming another unit's and another county's task ids: those rows are refused in the
    preview, and confirming saves only the unit's own row."""
    client.force_login(world.users["fgj"])
    rows = [(world.task[k].pk, f"表格填报 {k}", 80) for k in ("fgj", "gxj", "B")]
    response = client.post(
        reverse("reporting:upload"), {"file": SimpleUploadedFile("tasks.xlsx", workbook(rows), XLSX)}
    )
    assert response.status_code == 200
    text = body_text(response)
    assert "ZQT_AGXJ" not in text and "ZQT_BFGJ" not in text
    stash = excel_stash(client)
    assert [r["task_id"] for r in stash["rows"]] == [world.task["fgj"].pk]
    counts = {k: ProgressReport.objects.filter(task=world.task[k]).count() for k in ("fgj", "gxj", "B")}
    response = client.post(reverse("reporting:confirm"), {"token": stash["token"]})
    assert response.status_code == 302
    after = {k: ProgressReport.objects.filter(task=world.task[k]).count() for k in ("fgj", "gxj", "B")}
    assert after == {"fgj": counts["fgj"] + 1, "gxj": counts["gxj"], "B": counts["B"]}


def test_it_refuses_another_tasks_output_ids_in_a_report(client, world):
    """Output ids are part of the payload: another unit's output cannot be moved through one's own task."""
    theirs = Output.objects.create(task=world.task["gxj"], name="厂房面积", goal="5万平方米", unit="万平方米")
    client.force_login(world.users["fgj"])
    before = snapshot()
    url = reverse("api:item_reports", kwargs=TASK(world, "fgj"))
    body = {"text": "带别人的指标", "percent": 50, "values": {str(theirs.pk): 99}}
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert snapshot() == before
    # the HTML form has no field for it: the report is saved, the other task's output untouched
    response = client.post(
        reverse("reporting:report", kwargs=TASK(world, "fgj")),
        {"text": "带别人的指标", "percent": "50", f"value_{theirs.pk}": "99"},
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.current_value is None
