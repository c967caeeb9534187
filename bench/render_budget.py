"""Does a pathological Markdown body still slow the help center down for everyone?

    python bench/render_budget.py                          # kb serve with its default workers
    python bench/render_budget.py --workers 2              # as many workers as cores
    python bench/render_budget.py --threads 4              # gthread workers
    python bench/render_budget.py --body-chars 200000 --duration 8

It sets up a fresh instance in a temporary folder (``kb init``, an admin, an agent with an API
token, the bundled sample content) and starts the real server, ``kb serve``, on 127.0.0.1. Then:

1. **idle**: anonymous ``GET /`` one after the other for ``--duration`` seconds;
2. **attack**: two agents each send pathological bodies through the API (one creates articles,
   one creates macros), back to back, for ``--duration`` seconds, while anonymous ``GET /``
   is measured the same way as in phase 1.

It prints ``GET /`` p50/p95/max for both phases side by side, and what the agents got back
(status codes and how long each request took: about the render budget, ``KB_RENDER_TIMEOUT``,
for a refused body). Target: ``GET /`` p95 under 200 ms during the attack.

A request waiting for its render holds its server worker for up to the budget: with sync
workers (``--threads 1``) a reader's page waits when every worker holds such a request, so
compare ``--workers 2`` with ``--workers 3`` or ``--threads 4``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import REPO, free_port, kb_command, start_server  # noqa: E402

from kb.server import default_workers  # noqa: E402

TARGET_MS = 200.0


def prepare_instance() -> tuple[dict, Path, str]:
    instance = Path(tempfile.mkdtemp(prefix="kb-bench-render-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_INSTANCE=str(instance), KB_PASSWORD="bench-password-123", PYTHONUNBUFFERED="1")
    kb_command(env, "init")
    kb_command(env, "users", "create", "admin@kb.local", "--role", "admin", "--name", "Admin")
    kb_command(env, "users", "create", "agent@kb.local", "--role", "agent", "--name", "Agent")
    kb_command(env, "import", str(REPO / "articles"), str(REPO / "macros"))
    token = kb_command(env, "tokens", "create", "agent@kb.local").strip().splitlines()[-1]
    return env, instance, token


def get_home(port: int) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def measure_home(port: int, duration: float) -> list[float]:
    times: list[float] = []
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        times.append(get_home(port))
    return times


def agent(port: int, token: str, kind: str, body: str, stop: threading.Event, results: list) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        data = json.dumps({"title": f"Pathological {kind} {n}", "body": body}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/{kind}", data=data, method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as error:
            status = error.code
            error.read()
        results.append((kind, status, time.perf_counter() - started))


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"n={len(ordered):4d}  p50={statistics.median(ordered):7.1f} ms  p95={p95:7.1f} ms  "
            f"max={ordered[-1]:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="server workers (default: kb serve's own default on this machine)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per phase")
    parser.add_argument("--body-chars", type=int, default=200_000, help="length of each pathological body")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance")
    args = parser.parse_args()

    env, instance, token = prepare_instance()
    port = free_port()
    log = instance / "server.log"
    server = start_server(env, port, args.workers, args.threads, log)
    try:
        for _ in range(20):  # warm every worker's caches and render processes
            get_home(port)
        idle = measure_home(port, args.duration)
        stop, results = threading.Event(), []
        agents = [threading.Thread(target=agent, args=(port, token, kind, "[" * args.body_chars, stop, results))
                  for kind in ("articles", "macros")]
        for thread in agents:
            thread.start()
        attacked = measure_home(port, args.duration)
        stop.set()
        for thread in agents:
            thread.join()
    finally:
        server.terminate()
        server.wait(30)
        if not args.keep:
            shutil.rmtree(instance, ignore_errors=True)

    config = f"--workers {args.workers}" + (f" --threads {args.threads}" if args.threads else "")
    print(f"kb serve {config}; pathological bodies: '[' x {args.body_chars:,}; {args.duration:g} s per phase")
    print(f"GET / idle          {summary(idle)}")
    print(f"GET / under attack  {summary(attacked)}")
    statuses = sorted({status for _, status, _ in results})
    seconds = [s for _, _, s in results]
    print(f"agent requests: {len(results)}, statuses {statuses}, each "
          f"{min(seconds):.2f}-{max(seconds):.2f} s" if results else "agent requests: none finished")
    p95 = sorted(attacked)[min(len(attacked) - 1, int(len(attacked) * 0.95))]
    print(f"target: GET / p95 under attack < {TARGET_MS:.0f} ms: {'met' if p95 < TARGET_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
