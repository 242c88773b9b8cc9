import re
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def test_collectstatic_writes_hashed_files_that_templates_point_to(tmp_path):
    env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_STATIC_ROOT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.glob("css/site.*.css")), "no hashed stylesheet"
    assert list(tmp_path.glob("css/site.*.css.gz")), "no compressed stylesheet"


def test_vendored_htmx_notes_its_version():
    assert list((BASE_DIR / "static/vendor").glob("htmx-2.*.min.js"))
    assert re.search(r"htmx\.org 2\.\d+\.\d+", (BASE_DIR / "static/vendor/README.md").read_text())
