"""The demo county behind `luoshi serve --demo`: 清河县 of 清远市 with its unit register, leaders,
one login per role, the shipped speech imported and published as this year's ledger, and months of
progress reports, reviews, notices and an instruction, so every colour and page has something to show.

The speech plans for 2024; its years are shifted to the current year before import (2024 → this
year, 2023 → last year), so the demo ledger is always live and its colours follow the real date.

Everything is written through the same services the pages use (import_document, set_units,
update_task, publish_plan, submit_report, review_report, issue_notice, reply_notice,
add_instruction). Two things the live services cannot do are done here afterwards, on purpose:
- the reporting service only takes reports for this or last period and stamps them `now`; the
  history of earlier months is submitted through it and then moved to the month it reports on, with
  the date it would have been filed (`_date_report`);
- there is no service for project details (stage, investment); the demo fills them in directly.

The demo passwords are fixed, known strings (printed by the CLI), so a second run can list them
without storing anything: run it again and it returns the accounts and changes nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from luoshi.ledger.models import Assignment, AuditEntry, Plan, Project, Task
from luoshi.ledger.services import set_units, update_task
from luoshi.org.models import Leader, Region, Unit, UnitAlias, User
from luoshi.plans.services import import_document, publish_plan
from luoshi.reporting.models import ProgressReport
from luoshi.reporting.services import ReportInput, review_report, submit_report
from luoshi.supervision.models import SupervisionNotice
from luoshi.supervision.services import add_instruction, issue_notice, reply_notice
from luoshi.supervision.warnings import expected_percent, period_start, refresh_colours

SPEECH = Path(__file__).resolve().parent / "speech.txt"
SPEECH_YEAR = 2024  # the year the shipped speech plans for; shifted to the current year on import

CITY = "清远市"
COUNTY = "清河县"

# Fixed demo passwords: printed on every run, so nothing secret needs to be kept between runs.
OFFICE_PASSWORD = "demo-office"
LEADER_PASSWORD = "demo-leader"
UNIT_PASSWORD = "demo-unit"
CITY_PASSWORD = "demo-city"

# name, title; the unit register below names them by title key
LEADERS = {
    "县长": ("张建国", "县长"),
    "常务": ("刘文华", "常务副县长"),
    "工业": ("王立新", "副县长"),
    "社会": ("陈静", "副县长"),
    "农业": ("赵海涛", "副县长"),
}

# full name, short name (as speeches write it), aliases, kind, 分管 leader key
DEPT, TOWN, FIRM, OTHER = Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP, Unit.Kind.ENTERPRISE, Unit.Kind.OTHER
UNITS: list[tuple[str, str, list[str], str, str]] = [
    ("县人民政府办公室", "县政府办", ["县政府办公室", "政府办"], DEPT, "县长"),
    ("县委县政府督查室", "县委督查室", ["督查室", "县政府督查室"], DEPT, "县长"),
    ("发展和改革局", "县发改局", ["发改局", "发改委", "县发改委", "发展改革局"], DEPT, "常务"),
    ("财政局", "县财政局", [], DEPT, "常务"),
    ("统计局", "县统计局", [], DEPT, "常务"),
    ("政务服务中心", "县政务服务中心", ["政务服务局", "县政务服务局"], DEPT, "常务"),
    ("工业和信息化局", "县工信局", ["工信局", "县工业和信息化局"], DEPT, "工业"),
    ("商务局", "县商务局", ["商务和投资促进局", "县招商局"], DEPT, "工业"),
    ("自然资源局", "县自然资源局", ["国土局", "自然资源和规划局"], DEPT, "工业"),
    ("住房和城乡建设局", "县住建局", ["住建局"], DEPT, "工业"),
    ("交通运输局", "县交通局", ["交通局"], DEPT, "工业"),
    ("清河经济开发区管理委员会", "清河经济开发区", ["开发区管委会", "经济开发区", "开发区"], DEPT, "工业"),
    ("教育局", "县教育局", ["教体局", "县教体局"], DEPT, "社会"),
    ("卫生健康局", "县卫健局", ["卫健局", "卫健委", "县卫健委"], DEPT, "社会"),
    ("人力资源和社会保障局", "县人社局", ["人社局"], DEPT, "社会"),
    ("民政局", "县民政局", [], DEPT, "社会"),
    ("文化旅游体育局", "县文旅局", ["文旅局", "文体旅游局"], DEPT, "社会"),
    ("市场监督管理局", "县市场监管局", ["市场监管局", "县市场监督管理局"], DEPT, "社会"),
    ("农业农村局", "县农业农村局", ["农业局", "农牧局"], DEPT, "农业"),
    ("水利局", "县水利局", ["水务局"], DEPT, "农业"),
    ("应急管理局", "县应急局", ["应急局"], DEPT, "农业"),
    ("市生态环境局清河分局", "县生态环境分局", ["生态环境局", "环保局"], DEPT, "农业"),
    ("城关镇", "", [], TOWN, "农业"),
    ("青石镇", "", [], TOWN, "农业"),
    ("柳河镇", "", [], TOWN, "农业"),
    ("双桥镇", "", [], TOWN, "农业"),
    ("白杨镇", "", [], TOWN, "农业"),
    ("石门乡", "", [], TOWN, "农业"),
    ("金沟乡", "", [], TOWN, "农业"),
    ("国网清河县供电公司", "县供电公司", ["供电公司", "县供电局"], FIRM, "工业"),
    ("清河县城市投资发展集团有限公司", "县城投公司", ["城投公司", "城投集团"], FIRM, "常务"),
    ("清河县人民医院", "县人民医院", [], OTHER, "社会"),
]

# How the office completes the draft in review: tasks whose sentence names no unit get a lead
# (and helpers) by what they are about; the first rule whose keyword is in the text applies.
REVIEW_UNITS: list[tuple[str, str, list[str]]] = [
    ("抽水蓄能", "县发改局", ["县自然资源局", "县供电公司"]),
    ("物流园", "县发改局", ["县商务局", "青石镇", "县供电公司"]),
    ("招商引资", "县商务局", ["清河经济开发区"]),
    ("技改", "县工信局", ["清河经济开发区"]),
    ("农贸市场", "县商务局", ["县市场监管局", "城关镇"]),
    ("就业", "县人社局", []),
    ("水库", "县水利局", ["县应急局"]),
    ("安全", "县应急局", []),
    ("重点项目", "县发改局", []),
]
FALLBACK_LEAD = "县政府办"

# Seasonal deadlines the parser leaves undated; the office writes the date in review.
REVIEW_DEADLINES = {"开学前": (8, 31), "主汛期前": (5, 31)}

# stage, total and annual investment (万元), contact leader key, project secretary
PROJECTS = {
    "清河抽水蓄能电站项目": (Project.Stage.PREPARING, 820000, 30000, "常务", "李晓东"),
    "城南物流园一期工程": (Project.Stage.BUILDING, 56000, 32000, "工业", "马俊"),
    "青石镇光伏储能项目": (Project.Stage.BUILDING, 38000, 38000, "工业", "杨帆"),
    "县第三中学教学楼项目": (Project.Stage.COMPLETED, 9800, 6500, "社会", "高雪"),
    "县人民医院门诊综合楼": (Project.Stage.BUILDING, 24000, 12000, "社会", "何平"),
}


@dataclass(frozen=True)
class Role:
    """What the demo makes of one task, and the colour the warning rule will give it."""

    name: str  # done, overdue, lagging, behind, late, blue, green
    colour: str


ROLES = {
    "done": Role("done", Task.Colour.GREEN),
    "overdue": Role("overdue", Task.Colour.RED),  # deadline passed, not finished
    "lagging": Role("lagging", Task.Colour.RED),  # far behind the time-elapsed schedule
    "behind": Role("behind", Task.Colour.YELLOW),  # somewhat behind
    "late": Role("late", Task.Colour.YELLOW),  # last month's report returned, not refiled
    # January's stand-in for `late` (no month of the year has ended): behind, its report returned
    "returned": Role("returned", Task.Colour.YELLOW),
    "blue": Role("blue", Task.Colour.BLUE),  # deadline in three days
    "green": Role("green", Task.Colour.GREEN),  # on schedule
}


def ensure_demo() -> list[tuple[str, str, str]]:
    """Build the demo county unless it exists; return (username, password, role) to print.

    The role is a short label: office, leader, unit, city (the city's office, which sees all its
    counties); the numbered unit accounts of the other lead units are one row, u01…uNN."""
    with transaction.atomic():
        # checked inside the transaction: SQLite's IMMEDIATE mode makes a second run wait here
        county = Region.objects.filter(name=COUNTY, kind=Region.Kind.COUNTY).first()
        if county is None:
            county = _build(timezone.localdate())
    return _accounts(county)


def _accounts(county: Region) -> list[tuple[str, str, str]]:
    accounts = [
        ("ducha", OFFICE_PASSWORD, "office"),
        ("fxz", LEADER_PASSWORD, "leader"),
        ("fgj", UNIT_PASSWORD, "unit"),
        ("jyj", UNIT_PASSWORD, "unit"),
        ("shi", CITY_PASSWORD, "city"),
    ]
    numbered = sorted(
        User.objects.filter(region=county, username__regex=r"^u\d+$").values_list("username", flat=True)
    )
    if numbered:
        accounts.append((f"{numbered[0]}…{numbered[-1]}", UNIT_PASSWORD, "unit"))
    return accounts


def speech_text(year: int) -> str:
    """The shipped speech, moved to plan for `year` (each year it names shifts by the same amount),
    so the demo ledger is always this year's."""
    text = SPEECH.read_text(encoding="utf-8")
    shift = year - SPEECH_YEAR
    return re.sub(r"(?<!\d)(20\d\d)(?=年)", lambda m: str(int(m.group(1)) + shift), text)


def _build(today: date) -> Region:
    city = Region.objects.create(name=CITY, kind=Region.Kind.CITY)
    county = Region.objects.create(name=COUNTY, kind=Region.Kind.COUNTY, parent=city)
    leaders = {
        key: Leader.objects.create(region=county, name=name, title=title)
        for key, (name, title) in LEADERS.items()
    }
    units = _register(county, leaders)
    # one hash per demo password, shared by its accounts: the passwords are printed for everyone
    # anyway, and a dozen slow hashes would make the first `serve --demo` take seconds longer
    hashed = {
        pw: make_password(pw) for pw in (OFFICE_PASSWORD, LEADER_PASSWORD, UNIT_PASSWORD, CITY_PASSWORD)
    }
    office = _user(
        "ducha", hashed[OFFICE_PASSWORD], User.Role.OFFICE, county, first_name="李娜", is_staff=True
    )
    _register_permissions(office)
    _user(
        "fxz", hashed[LEADER_PASSWORD], User.Role.LEADER, county, first_name="王立新", leader=leaders["工业"]
    )
    _user("fgj", hashed[UNIT_PASSWORD], User.Role.UNIT, county, first_name="孙磊", unit=units["县发改局"])
    _user("jyj", hashed[UNIT_PASSWORD], User.Role.UNIT, county, first_name="周敏", unit=units["县教育局"])
    _user("shi", hashed[CITY_PASSWORD], User.Role.OFFICE, city, first_name="吴刚")

    plan = import_document(
        county, f"清河县{today.year}年经济工作会议讲话.txt", speech_text(today.year).encode("utf-8"), office
    )
    _review(plan, office, units)
    plan = publish_plan(plan, office)
    _unit_users(county, hashed[UNIT_PASSWORD])
    _projects(plan, leaders)
    roles = _history(plan, office, today)
    _supervise(plan, office, roles, today)
    refresh_colours(Task.objects.filter(plan=plan), today)
    return county


def _register(county: Region, leaders: dict[str, Leader]) -> dict[str, Unit]:
    """The unit register, keyed by the name speeches use (short name, or full name when none)."""
    units: dict[str, Unit] = {}
    for i, (name, short, aliases, kind, leader) in enumerate(UNITS, 1):
        unit = Unit.objects.create(
            region=county,
            name=name,
            short_name=short,
            kind=kind,
            leader=leaders[leader],
            email=f"unit{i:02d}@qinghe.example.org",
        )
        UnitAlias.objects.bulk_create(UnitAlias(unit=unit, alias=a) for a in aliases)
        units[short or name] = unit
    return units


def _register_permissions(office: User) -> None:
    """The office keeps the register in the admin: units, their aliases and leaders of its county."""
    from django.contrib.auth.models import Permission

    codenames = [
        f"{verb}_{model}" for model in ("unit", "unitalias", "leader") for verb in ("add", "change", "view")
    ]
    codenames.append("view_region")
    office.user_permissions.set(
        Permission.objects.filter(content_type__app_label="org", codename__in=codenames)
    )


def _user(username: str, password: str, role: str, region: Region, **fields) -> User:
    return User.objects.create(username=username, password=password, role=role, region=region, **fields)


def _unit_users(county: Region, password: str) -> None:
    """One login per unit that leads a task and has none yet: u01, u02… in the order they first lead."""
    have = set(User.objects.filter(region=county, unit__isnull=False).values_list("unit_id", flat=True))
    leads = (
        Assignment.objects.filter(task__region=county, role=Assignment.Role.LEAD)
        .select_related("unit")
        .order_by("task__number")
    )
    n = 0
    for a in leads:
        if a.unit_id in have:
            continue
        have.add(a.unit_id)
        n += 1
        _user(
            f"u{n:02d}",
            password,
            User.Role.UNIT,
            county,
            first_name=f"{a.unit.short_name or a.unit.name}联络员",
            unit=a.unit,
        )


def _review(plan: Plan, office: User, units: dict[str, Unit]) -> None:
    """What the office does with the draft before publishing: a lead unit for every task, the
    townships behind 各乡镇, the responsible leader from the lead unit, seasonal deadlines dated."""
    townships = [u for u in units.values() if u.kind == Unit.Kind.TOWNSHIP]
    for task in plan.tasks.order_by("number").prefetch_related("assignments__unit"):
        assigned = sorted(task.assignments.all(), key=lambda a: a.pk)
        lead = next((a.unit for a in assigned if a.role == Assignment.Role.LEAD), None)
        helpers = [a.unit for a in assigned if a.role == Assignment.Role.COOPERATE]
        if lead is None:
            rule = next((r for r in REVIEW_UNITS if r[0] in task.text), None)
            lead = units[rule[1] if rule else FALLBACK_LEAD]
            helpers += [units[name] for name in (rule[2] if rule else [])]
        if "各乡镇" in task.text:
            helpers += townships
        helpers = [u for u in dict.fromkeys(helpers) if u != lead]
        task = set_units(task, office, task.version, lead, helpers)
        fields: dict = {"leader": lead.leader}
        if task.deadline is None and task.deadline_text in REVIEW_DEADLINES:
            month, day = REVIEW_DEADLINES[task.deadline_text]
            fields["deadline"] = date(plan.year, month, day)
        update_task(task, office, task.version, **fields)


def _projects(plan: Plan, leaders: dict[str, Leader]) -> None:
    """Project details a project secretary would enter; there is no service for them yet."""
    for project in plan.projects.all():
        known = PROJECTS.get(project.name)
        if not known:
            continue
        stage, total, annual, leader, secretary = known
        share = Decimal("1" if stage == Project.Stage.COMPLETED else "0.7")
        Project.objects.filter(pk=project.pk).update(
            stage=stage,
            total_investment=total,
            annual_investment=annual,
            completed_investment=(Decimal(annual) * share).quantize(Decimal("0.01")),
            contact_leader=leaders[leader],
            secretary=secretary,
        )


def assign_roles(tasks: list[Task], today: date, with_projects: set[int] = frozenset()) -> dict[int, Role]:
    """Which task shows which colour, keyed by task number. Tasks past their deadline were mostly
    finished; one in three was not (red). Of the others: one due in three days (blue), the one
    nearest its deadline far behind (red), one behind and one whose last report was returned
    (yellow), one finished early; the rest on schedule, or finished when their deadline is days away.
    `with_projects` are the numbers of tasks naming a project: they make the better examples."""
    past = [t for t in tasks if t.deadline and t.deadline < today]
    future = [t for t in tasks if not (t.deadline and t.deadline < today)]
    roles = {t.number: ROLES["overdue" if i % 3 == 0 else "done"] for i, t in enumerate(past)}
    ranked = sorted(
        future, key=lambda t: (t.tier != Task.Tier.MEASURABLE, t.number not in with_projects, t.number)
    )

    def end(task: Task) -> date:
        return task.deadline or date(task.plan.year, 12, 31)

    if ranked:
        roles[ranked.pop(0).number] = ROLES["blue"]
    if ranked:
        # the schedule expects most of the task nearest its deadline, so it can be far behind
        lagging = min(ranked, key=end)
        ranked.remove(lagging)
        roles[lagging.number] = ROLES["lagging"]
    wanted = ["behind", "late" if today.month > 1 else "returned", "done"]
    green = False
    for task in ranked:
        if wanted:
            roles[task.number] = ROLES[wanted.pop(0)]
        elif (end(task) - today).days > settings.LUOSHI_BLUE_DAYS or not green:
            roles[task.number] = ROLES["green"]
            green = True
        else:
            roles[task.number] = ROLES["done"]
    return roles


def _history(plan: Plan, office: User, today: date) -> dict[int, Role]:
    """Reports from January to last month (or this month in January), then the office's reviews."""
    tasks = list(plan.tasks.order_by("number").select_related("plan"))
    with_projects = set(
        Task.projects.through.objects.filter(task__plan=plan).values_list("task__number", flat=True)
    )
    roles = assign_roles(tasks, today, with_projects)
    reporters = {
        u.unit_id: u for u in User.objects.filter(region=plan.region, role=User.Role.UNIT, unit__isnull=False)
    }
    for task in tasks:
        role = roles[task.number]
        lead = task.assignments.get(role=Assignment.Role.LEAD).unit
        user = reporters[lead.pk]
        deadline, progress = plan_task(role, task, today)
        if deadline != task.deadline:
            task = update_task(task, office, task.version, deadline=deadline)
        periods = report_months(role, task, today)
        outputs = [o for o in task.outputs.all() if o.goal_value is not None]
        # the unit that is behind also files late, in the first days of the next month
        late_filer = role.name == "behind"
        reports = []
        for i, period in enumerate(periods, 1):
            percent = round(progress * i / len(periods))
            last = i == len(periods)
            values = {o.pk: round(o.goal_value * percent / 100, 2) for o in outputs}
            report = submit_report(
                task,
                user,
                ReportInput(
                    text=_report_text(task, lead, percent, role.name == "done" and last),
                    percent=percent,
                    values=values,
                    done=role.name == "done" and last,
                ),
            )
            _date_report(report, period, _filed_at(period, task.number, late_filer))
            reports.append(report)
        _review_reports(reports, role, office)
        last_at = (
            ProgressReport.objects.filter(task=task)
            .order_by("-submitted_at")
            .values_list("submitted_at", flat=True)[:1]
        )
        Task.objects.filter(pk=task.pk).update(last_report_at=last_at[0])
    return roles


def report_months(role: Role, task: Task, today: date) -> list[date]:
    """The months a task has reports for: January to last month (this month in January); a finished
    task stops in the month of its deadline, or a month before last when it finished early."""
    year = task.plan.year
    months = [date(year, m, 1) for m in range(1, today.month)] if today.year == year else []
    months = months or [period_start(task.schedule, today)]
    if role.name == "done" and task.deadline and task.deadline < today:
        return [p for p in months if p <= period_start(task.schedule, task.deadline)] or months[:1]
    if role.name == "done":
        return months[:-1] or months
    return months


def plan_task(role: Role, task: Task, today: date) -> tuple[date | None, int]:
    """The deadline and the progress reached that give the role its colour under the warning rule,
    keeping the speech's deadline where it allows it."""
    start = date(task.plan.year, 1, 1)
    deadline = task.deadline
    end = deadline or date(start.year, 12, 31)
    expected = expected_percent(start, end, today)
    if role.name == "done":
        return deadline, 100
    if role.name == "overdue":
        return deadline, 55 + task.number % 4 * 5
    if role.name == "lagging":
        if expected <= 35:  # early in the year nothing is far behind a December deadline yet
            return today, 20
        return deadline, max(0, math.floor(expected - 40))
    if role.name in ("behind", "returned"):
        if expected < 10:
            return today, 80
        return deadline, max(0, math.floor(expected - 20))
    if role.name == "blue":
        deadline = today + timedelta(days=3)
        return deadline, min(95, math.ceil(expected_percent(start, deadline, today)))
    # on schedule (late: on schedule too, but last month's report goes back)
    if role.name == "green" and (end - today).days <= settings.LUOSHI_BLUE_DAYS:
        deadline = end = today + timedelta(days=30)  # late December: the office extended it
    ahead = task.number % 3 * 3
    return deadline, min(99, math.ceil(expected_percent(start, end, today)) + ahead)


def _report_text(task: Task, lead: Unit, percent: int, done: bool) -> str:
    subject = task.text.split("，")[0][:30]
    if done:
        return f"{lead.short_name or lead.name}：{subject}已全部完成，相关佐证材料已归档。"
    return f"{lead.short_name or lead.name}：{subject}，累计完成{percent}%，下一步将按计划倒排工期推进。"


def _filed_at(period: date, number: int, late: bool) -> datetime:
    """When a unit would have filed the report for `period`: near the month's end (on time), or in
    the first days of the next month for a unit that files late; never after now."""
    if late:
        day = date(period.year + period.month // 12, period.month % 12 + 1, 3)
    else:
        day = period.replace(day=24 + number % 5)
    moment = timezone.make_aware(datetime.combine(day, time(9 + number % 8, 30)))
    return min(moment, timezone.now())


def _date_report(report: ProgressReport, period: date, at: datetime) -> None:
    """Move a report submitted through the service into the month it reports on (the service only
    takes this or last month, stamped now), with its audit entry, so the demo has a history."""
    ProgressReport.objects.filter(pk=report.pk).update(period=period, submitted_at=at)
    report.period, report.submitted_at = period, at
    for entry in AuditEntry.objects.filter(subject="report", subject_id=report.pk, action="submit"):
        entry.changes["period"] = period.isoformat()
        AuditEntry.objects.filter(pk=entry.pk).update(at=at, changes=entry.changes)


def _review_reports(reports: list[ProgressReport], role: Role, office: User) -> None:
    """The office accepts the history; the latest report is accepted for finished and on-schedule
    tasks, returned for the `late` one, and left waiting (待审核) for the others."""
    for i, report in enumerate(reports):
        last = i == len(reports) - 1
        if last and role.name in ("late", "returned"):
            review_report(
                report, office, accept=False, comment="进展描述过于笼统，请补充完成数据和佐证材料后重新报送。"
            )
        elif last and role.name not in ("done", "green"):
            continue
        else:
            review_report(report, office, accept=True)
        reviewed = min(report.submitted_at + timedelta(days=2), timezone.now())
        ProgressReport.objects.filter(pk=report.pk).update(reviewed_at=reviewed)
        AuditEntry.objects.filter(
            subject="report", subject_id=report.pk, action__in=("accept", "return")
        ).update(at=reviewed)


def _supervise(plan: Plan, office: User, roles: dict[int, Role], today: date) -> None:
    """A red notice that its unit has answered, a yellow one still open, and a leader's instruction."""
    tasks = {t.number: t for t in plan.tasks.select_related("leader")}
    leads = {
        a.task_id: a.unit
        for a in Assignment.objects.filter(task__plan=plan, role=Assignment.Role.LEAD).select_related("unit")
    }
    red = sorted((tasks[n] for n, r in roles.items() if r.colour == Task.Colour.RED), key=lambda t: t.number)
    target = red[0]
    notice = issue_notice(
        office,
        leads[target.pk],
        [target],
        SupervisionNotice.Level.RED,
        f"第{target.number}项任务（{target.text[:30]}）进度严重滞后，"
        "请分析原因、明确整改措施和完成时间，按期书面回复。",
        today + timedelta(days=5),
    )
    replier = User.objects.filter(unit=leads[target.pk], role=User.Role.UNIT).order_by("username").first()
    reply_notice(
        notice,
        replier,
        "已召开专题会议研究，倒排工期、明确专人负责，已协调相关部门加快审批，预计下月补齐进度。",
        notice.version,
    )
    # the open notice goes to another unit when there is one, so two units have a notice to answer
    yellow = sorted(
        (tasks[n] for n, r in roles.items() if r.colour == Task.Colour.YELLOW),
        key=lambda t: (leads[t.pk] == leads[target.pk], t.number),
    )
    issue_notice(
        office,
        leads[yellow[0].pk],
        [yellow[0]],
        SupervisionNotice.Level.YELLOW,
        f"第{yellow[0].number}项任务（{yellow[0].text[:30]}）{yellow[0].reason or '进度滞后'}，"
        "请加快推进，并报送下一步工作安排。",
        today + timedelta(days=7),
    )
    leader_user = User.objects.get(username="fxz")
    own = [t for t in red if t.leader_id == leader_user.leader_id]
    add_instruction(
        (own or red)[0],
        leader_user,
        "请牵头单位倒排工期、挂图作战，每周报告一次进展，确保年内完成。",
    )
