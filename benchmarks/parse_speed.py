"""Parser speed and memory, printed as figures (not asserted).

    .venv/bin/python benchmarks/parse_speed.py [DOCS_DIR]

DOCS_DIR defaults to ../shared/samples when it exists, else the demo speech. Prints:
- in one process: parse time for all documents vs `jieba.lcut` on the same text (warm), and the ratio;
- `luoshi parse` of one document as a whole process: wall time (best of 5) and peak memory (max RSS).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from luoshi.parsing.pipeline import parse_text  # noqa: E402
from luoshi.parsing.read import read_path  # noqa: E402


def _documents(argv: list[str]) -> list[Path]:
    if len(argv) > 1:
        return sorted(Path(argv[1]).glob("*.txt"))
    shared = ROOT.parent / "shared" / "samples"
    if shared.is_dir():
        return sorted(shared.glob("*.txt"))
    return [ROOT / "luoshi" / "demo" / "speech.txt"]


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str]) -> None:
    docs = _documents(argv)
    texts = [read_path(p) for p in docs]
    chars = sum(len(t) for t in texts)
    parse_text(texts[0])  # lexicons load and patterns compile once per process
    parse_s = _best(lambda: [parse_text(t) for t in texts], 5)
    print(f"documents: {len(docs)}, characters: {chars}")
    print(f"parse (warm, one process):  {parse_s * 1000:8.1f} ms  ({chars / parse_s / 1000:.0f}k chars/s)")
    try:
        import jieba
    except ImportError:
        print("jieba not installed (pip install -e '.[dev]'): no comparison")
    else:
        jieba.setLogLevel(60)
        jieba.lcut(texts[0])  # builds jieba's dictionary once
        jieba_s = _best(lambda: [jieba.lcut(t) for t in texts], 5)
        print(f"jieba.lcut (warm):          {jieba_s * 1000:8.1f} ms")
        print(
            f"ratio jieba / luoshi:       {jieba_s / parse_s:8.2f}  (>= 1 means the parser is at least as fast)"
        )
    luoshi = Path(sys.executable).with_name("luoshi")
    cmd = [
        str(luoshi) if luoshi.exists() else sys.executable,
        *([] if luoshi.exists() else ["-m", "luoshi.cli"]),
        "parse",
        "--format",
        "json",
        str(docs[0]),
    ]
    wall = _best(lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL), 5)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"`luoshi parse` one document: {wall * 1000:7.0f} ms wall (best of 5), peak memory {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main(sys.argv)
