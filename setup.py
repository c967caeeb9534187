"""Build hook: a wheel carries the top-level ``static/``, ``articles/`` and ``macros/``.

They stay at the repository's top level, where people edit them; building copies them into
the package as ``kb/bundled/<name>``, where :func:`kb.resources.path` finds them. An editable
install reads them straight from the checkout instead, so it gets no copy.
Everything else about the package is declared in ``setup.cfg``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("static", "articles", "macros")


class BuildWithShippedFolders(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "kb" / "bundled"
        for name in SHIPPED:
            source = ROOT / name
            if not source.is_dir():
                raise SystemExit(f"cannot build kb: the {name}/ folder is missing from {ROOT}")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


setup(cmdclass={"build_py": BuildWithShippedFolders})
