"""settings.py read in a fresh process, as `luoshi serve` does on a new machine."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path


def _secret_key(home: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "LUOSHI_SECRET_KEY"}
    env["LUOSHI_HOME"] = str(home)
    code = "from luoshi import settings; print(settings.SECRET_KEY)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_it_keeps_a_generated_secret_key_readable_by_its_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "data"
    first = _secret_key(home)
    path = home / "secret_key"
    assert len(first) >= 50 and path.read_text(encoding="ascii") == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _secret_key(home) == first  # sessions survive a restart
