"""The `luoshi` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from luoshi.parsing.pipeline import parse_path
from luoshi.parsing.read import InputRefused


def _parse(args: argparse.Namespace) -> int:
    from luoshi.parsing.summary import summary

    if args.format == "xlsx" and not args.output:
        print("luoshi parse: --format xlsx 需要 -o 输出文件 (needs -o FILE)", file=sys.stderr)
        return 2
    plans = []
    for i, path in enumerate(args.files):
        try:
            plans.append(parse_path(path))
        except InputRefused as exc:
            print(f"luoshi parse: {exc}", file=sys.stderr)
            return 2
        if len(args.files) > 3:
            _progress(i + 1, len(args.files), Path(path).name)
    if args.format == "json":
        if len(plans) == 1:
            out = plans[0].to_json()
        else:
            import json

            out = json.dumps([p.to_dict() for p in plans], ensure_ascii=False, indent=1)
        _write(out, args.output)
    elif args.format == "xlsx":
        from luoshi.parsing.xlsx import write_workbook

        write_workbook(plans, args.output)
    else:
        _write("\n\n".join(summary(p) for p in plans), args.output)
    return 0


def _progress(done: int, total: int, name: str) -> None:
    width = 30
    filled = width * done // total
    print(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:30]:<30}", end="", file=sys.stderr
    )
    if done == total:
        print(file=sys.stderr)


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


def _django() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()


def _serve(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if args.demo:
        from luoshi.demo.build import ensure_demo

        accounts = ensure_demo()
        print("演示县已就绪 (demo county ready). 账号 (accounts):")
        for username, password, role in accounts:
            print(f"  {role:<8} {username:<12} {password}")
    _refresh_daily()
    from waitress import serve

    from luoshi.wsgi import application

    print(f"http://{args.host}:{args.port}/  (Ctrl+C 停止)", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, _quiet=True)
    return 0


def _refresh_colours() -> int:
    from luoshi.ledger.models import Plan, Task
    from luoshi.supervision.warnings import refresh_colours

    return refresh_colours(Task.objects.filter(plan__status=Plan.Status.PUBLISHED))


def _refresh_daily() -> None:
    """Colours depend on the date: recompute them now and just after every midnight (Asia/Shanghai)."""
    import logging
    import threading
    from datetime import datetime, time, timedelta

    from django.db import close_old_connections
    from django.utils import timezone

    _refresh_colours()

    def loop() -> None:
        while True:
            now = timezone.localtime()
            tomorrow = datetime.combine(now.date() + timedelta(days=1), time(0, 5), tzinfo=now.tzinfo)
            threading.Event().wait((tomorrow - now).total_seconds())
            close_old_connections()
            try:
                _refresh_colours()
            except Exception:  # a failed night must not stop the next one
                logging.getLogger("luoshi").exception("refreshing warning colours failed")
            finally:
                close_old_connections()

    threading.Thread(target=loop, name="luoshi-colours", daemon=True).start()


def _remind(args: argparse.Namespace) -> int:
    _django()
    from luoshi.supervision.reminders import run_reminders

    # the daily job: colours follow the date before anyone is reminded
    _refresh_colours()
    return run_reminders(send=args.send, out=sys.stdout)


def _manage(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["luoshi manage", *args.rest])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="luoshi", description="luoshi (落实): 讲话 → 任务台账")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("parse", help="把讲话或工作报告解析为任务分解 (parse a speech or work report)")
    p.add_argument("files", nargs="+", help=".txt (UTF-8/GB18030) 或 .docx")
    p.add_argument("--format", choices=("text", "json", "xlsx"), default="text")
    p.add_argument("-o", "--output", help="输出文件 (output file)")
    p.set_defaults(handler=_parse)
    s = commands.add_parser("serve", help="运行台账系统 (run the ledger web application)")
    s.add_argument("--demo", action="store_true", help="建立并使用演示县 (build and use a demo county)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--threads", type=int, default=8)
    s.set_defaults(handler=_serve)
    r = commands.add_parser("remind", help="列出或发送填报提醒 (list or send report reminders)")
    r.add_argument("--send", action="store_true", help="发送邮件并升级 (send and escalate); 默认只列出")
    r.set_defaults(handler=_remind)
    m = commands.add_parser("manage", help="Django 管理命令 (Django management commands)")
    m.add_argument("rest", nargs=argparse.REMAINDER)
    m.set_defaults(handler=_manage)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
