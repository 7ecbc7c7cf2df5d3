"""The PyInstaller bundle is complete: it starts, and builds a demo database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_frozen_app_starts_and_builds_a_demo(tmp_path):
    pytest.importorskip("PyInstaller")
    dist, work = tmp_path / "dist", tmp_path / "build"
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(ROOT / "build.spec")],
        cwd=ROOT, check=True, timeout=900,
    )  # fmt: skip
    exe = dist / "carerdesk" / ("carerdesk.exe" if os.name == "nt" else "carerdesk")
    assert exe.exists()
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_STATE_HOME": str(tmp_path / "state"), "QT_QPA_PLATFORM": "offscreen"}  # fmt: skip
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env,
                             timeout=120)  # fmt: skip
    assert version.returncode == 0 and version.stdout.startswith("carerdesk ")
    db = tmp_path / "demo" / "demo.db"
    demo = subprocess.run(
        [str(exe), "--db", str(db), "demo", "--no-gui", "--carers", "40", "--json"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    assert db.exists()
    # Qt's print support must be in the bundle: cards and leaflets print from it.
    assert any(p.name.startswith("QtPrintSupport") for p in (dist / "carerdesk").rglob("*"))
    shutil.rmtree(work, ignore_errors=True)
