"""A wheel installed outside the checkout serves its static files and the sample content."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.support.running import get, kb_env, serving
from tests.support import REPO

#: Left out of the copy the wheel is built from: what a clean clone does not have.
NOT_IN_A_CLONE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info",
                                        "__pycache__", "instance", "test-artifacts", "out",
                                        ".pytest_cache")


def build_wheel(tmp_path: Path) -> Path:
    """Build kb's wheel from a copy of the checkout, as `pip wheel .` would in a clean clone."""
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=NOT_IN_A_CLONE)
    wheels = tmp_path / "wheels"
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                          "--no-build-isolation", "-q", "-w", str(wheels)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    [wheel] = wheels.glob("kb-*.whl")
    return wheel


def fresh_venv_with(wheel: Path, tmp_path: Path) -> Path:
    """A new virtualenv holding the wheel; its dependencies are borrowed from the test run's own
    environment (a path entry, so nothing is downloaded and the checkout stays out of reach)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    run = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                          str(wheel)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "kb-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


@pytest.mark.slow
def test_a_wheel_installed_outside_the_checkout_serves_static_files_and_samples(tmp_path):
    venv = fresh_venv_with(build_wheel(tmp_path), tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kb = [str(venv / "bin" / "kb")]
    env = kb_env(elsewhere / "instance")
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import kb; print(kb.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True,
                           check=True).stdout
    assert where.startswith(str(venv)), where  # the installed copy, not the checkout

    with serving(env, elsewhere, command=kb) as site:
        for path in ("/static/css/kb.css", "/static/js/site.js", "/static/favicon.svg"):
            assert get(site.url + path)[0] == 200, path
        status, page = get(site.url + "/en/articles/changing-your-email-address")
        assert status == 200 and "Changing your email address" in page
        status, sitemap = get(site.url + "/sitemap.xml")
        assert status == 200 and "/en/articles/deleting-your-account" in sitemap
        assert "sample content: imported " in site.output() and "failed 0" in site.output()
