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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="luoshi", description="luoshi (落实): 讲话 → 任务台账")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("parse", help="把讲话或工作报告解析为任务分解 (parse a speech or work report)")
    p.add_argument("files", nargs="+", help=".txt (UTF-8/GB18030) 或 .docx")
    p.add_argument("--format", choices=("text", "json", "xlsx"), default="text")
    p.add_argument("-o", "--output", help="输出文件 (output file)")
    p.set_defaults(handler=_parse)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
