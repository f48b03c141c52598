"""Page speed at city scale, measured over HTTP against a running server.

    .venv/bin/python benchmarks/web_pages.py                 # SQLite in a temporary folder
    LUOSHI_DB=postgres LUOSHI_DB_NAME=luoshi_bench .venv/bin/python benchmarks/web_pages.py

Builds 20 counties × 2,000 tasks × 12 monthly reports (40,000 tasks, 480,000 reports), starts
`luoshi serve` on a free port, logs in, and prints p50 / p95 of: the ledger page (50 rows,
filtered), an item page, the dashboard and a unit's "my items" page. The data is built once per
database and reused on the next run (`--rebuild` to start over).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTIES, TASKS, MONTHS, UNITS = 20, 2000, 12, 30
PASSWORD = "bench-pass-1"


def _setup_env() -> None:
    if os.environ.get("LUOSHI_DB", "sqlite") == "sqlite" and "LUOSHI_HOME" not in os.environ:
        os.environ["LUOSHI_HOME"] = str(Path(tempfile.gettempdir()) / "luoshi-bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from luoshi.ledger.models import Assignment, Output, Plan, Section, Task
    from luoshi.org.models import Leader, Region, Unit, User
    from luoshi.reporting.models import ProgressReport
    from luoshi.supervision.warnings import refresh_colours

    call_command("migrate", interactive=False, verbosity=0)
    if Region.objects.filter(name="基准市").exists() and not rebuild:
        print("reusing the benchmark data already in the database")
        return
    if rebuild:
        ProgressReport.objects.all().delete()
        Plan.objects.all().delete()
        User.objects.all().delete()
        Unit.objects.all().delete()
        Leader.objects.all().delete()
        Region.objects.all().delete()
    started = time.perf_counter()
    rng = random.Random(7)
    year = timezone.localdate().year
    city = Region.objects.create(name="基准市", kind=Region.Kind.CITY)
    User.objects.create_user("city", password=PASSWORD, role=User.Role.OFFICE, region=city)
    now = timezone.now()
    for c in range(COUNTIES):
        with transaction.atomic():
            region = Region.objects.create(name=f"基准{c + 1:02d}县", parent=city)
            leader = Leader.objects.create(region=region, name=f"领导{c}", title="副县长")
            units = Unit.objects.bulk_create(
                Unit(region=region, name=f"第{u + 1:02d}局", short_name=f"{u + 1:02d}局", leader=leader)
                for u in range(UNITS)
            )
            User.objects.create_user(f"office{c}", password=PASSWORD, role=User.Role.OFFICE, region=region)
            User.objects.create_user(
                f"unit{c}", password=PASSWORD, role=User.Role.UNIT, region=region, unit=units[0]
            )
            plan = Plan.objects.create(
                region=region,
                title=f"{year}年重点任务",
                year=year,
                source_name="bench.txt",
                source_text="基准" * 500,
                status=Plan.Status.PUBLISHED,
                published_at=now,
            )
            sections = [
                Section.objects.create(
                    plan=plan,
                    level=1,
                    marker=f"{s + 1}、",
                    title=f"第{s + 1}部分",
                    role="plan",
                    order=s,
                    source_start=0,
                    source_end=2,
                )
                for s in range(8)
            ]
            tasks = Task.objects.bulk_create(
                Task(
                    plan=plan,
                    region=region,
                    number=n + 1,
                    section=sections[n % 8],
                    text=f"推进第{n + 1}项重点工作，完成年度目标任务",
                    source_start=0,
                    source_end=10,
                    tier=Task.Tier.MEASURABLE,
                    deadline=date(year, rng.randint(1, 12), 28),
                    leader=leader,
                    status=rng.choice(["not_started", "in_progress", "in_progress", "done"]),
                    progress=rng.randint(0, 100),
                )
                for n in range(TASKS)
            )
            Assignment.objects.bulk_create(
                a
                for i, t in enumerate(tasks)
                for a in (
                    Assignment(task=t, unit=units[i % UNITS], role=Assignment.Role.LEAD),
                    Assignment(task=t, unit=units[(i + 7) % UNITS], role=Assignment.Role.COOPERATE),
                )
            )
            Output.objects.bulk_create(
                Output(task=t, name="完成数量", goal="100个", unit="个", goal_value=100) for t in tasks
            )
            reports = []
            for i, t in enumerate(tasks):
                for m in range(MONTHS):
                    submitted = datetime(year, m + 1, 25, 10, tzinfo=now.tzinfo)
                    reports.append(
                        ProgressReport(
                            task=t,
                            unit=units[i % UNITS],
                            period=date(year, m + 1, 1),
                            text="按计划推进",
                            percent=min(100, (m + 1) * 8),
                            status="accepted",
                            submitted_at=submitted,
                        )
                    )
            ProgressReport.objects.bulk_create(reports, batch_size=2000)
            Task.objects.filter(plan=plan).update(last_report_at=now)
        print(f"county {c + 1}/{COUNTIES} built", flush=True)
    refresh_colours(Task.objects.all())
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics after a bulk load, as autovacuum would give later
    print(f"built in {time.perf_counter() - started:.0f} s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")

    def login(self, username: str) -> None:
        _, page = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            self.base + "/login/", data=data, headers={"Referer": self.base + "/login/"}
        )
        with self.opener.open(request, timeout=30) as r:
            if "/login/" in r.url:
                raise SystemExit(f"login as {username} failed")


def measure(browser: Browser, path: str, n: int) -> tuple[float, float]:
    browser.get(path)  # warm
    times = []
    for _ in range(n):
        start = time.perf_counter()
        status, _ = browser.get(path)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("-n", type=int, default=60, help="requests per page")
    args = parser.parse_args()
    _setup_env()
    build(args.rebuild)
    from luoshi.ledger.models import Task
    from luoshi.org.models import User

    unit_user = User.objects.get(username="unit0")
    task_id = (
        Task.objects.filter(region_id=unit_user.region_id)
        .order_by("number")
        .values_list("id", flat=True)[100]
    )
    port = _free_port()
    luoshi = Path(sys.executable).with_name("luoshi")
    server = subprocess.Popen(
        [str(luoshi), "serve", "--port", str(port)],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        office, unit = Browser(base), Browser(base)
        office.login("office0")
        unit.login("unit0")
        pages = [
            ("ledger page (50 rows, filtered)", office, "/ledger/?colour=green&status=in_progress&page=2"),
            ("item page", office, f"/ledger/{task_id}/"),
            ("dashboard", office, "/dashboard/"),
            ("my items (unit)", unit, "/reporting/mine/"),
        ]
        engine = os.environ.get("LUOSHI_DB", "sqlite")
        print(f"\n{engine}: {COUNTIES} counties × {TASKS} tasks × {MONTHS} reports, {args.n} requests each")
        for name, browser, path in pages:
            p50, p95 = measure(browser, path, args.n)
            print(f"  {name:<34} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
