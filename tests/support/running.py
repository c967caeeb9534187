"""Running kb the way people do: the first-run set-up that ``kb serve`` starts with (in this
process), and ``kb`` commands and ``kb serve`` as real processes (for the slow tests)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kb.extensions import db
from kb.instance import first_run_setup

#: The ``kb`` console script of the kb under test, whichever folder it runs from.
KB = [sys.executable, "-c", "from kb.cli import main; main()"]


def kb_env(instance: Path, **extra: str) -> dict[str, str]:
    """The environment of a ``kb`` process on its own SQLite instance (no KB_* of the caller)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KB_")}
    env.update({"KB_INSTANCE": str(instance), "KB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                **extra})
    return env


def run_kb(args: list[str], env: dict[str, str], cwd: Path, command: list[str] = KB,
           timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(command + args, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def serving(env: dict[str, str], cwd: Path, extra_args: tuple[str, ...] = (),
            command: list[str] = KB, timeout: float = 120) -> Iterator[Served]:
    """``kb serve`` on a free port until the block ends; waits until ``/healthz`` answers 200."""
    port = free_port()
    log = cwd / f"serve-{port}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            command + ["serve", "--port", str(port), "--workers", "1", *extra_args],
            env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    served = Served(url=f"http://127.0.0.1:{port}", log=log)
    try:
        _wait_until_healthy(process, served, timeout)
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)


def _wait_until_healthy(process: subprocess.Popen, served: Served, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"kb serve exited with {process.returncode}:\n"
                                 f"{served.output()[-3000:]}")
        if get(f"{served.url}/healthz")[0] == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"kb serve did not answer within {timeout}s:\n{served.output()[-3000:]}")


def get(url: str) -> tuple[int, str]:
    """(status, body) of a GET; an HTTP error status is an answer, not an exception."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def start(app, **kwargs):
    """What ``kb serve`` does before it serves: the first-run set-up, in its own app context."""
    with app.app_context():
        try:
            return first_run_setup(**kwargs)
        finally:
            db.session.remove()
