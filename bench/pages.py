"""Measure how fast the production server answers help-center article pages.

    python bench/pages.py                      # GitHub docs corpus, 2 workers, 10 s per phase
    python bench/pages.py --duration 5 --keep  # keep the temporary instance for a look

It sets up a fresh instance in a temporary folder (``KB_INSTANCE``): ``kb init``, one admin
(so ``kb serve`` skips the bundled sample content), ``kb import <corpus>/articles``. Then it
starts ``kb serve --workers 2`` on 127.0.0.1 and measures, one after the other:

* article pages, each request a random slug from the live ``/sitemap.xml``;
* a static file (``/static/css/kb.css``) served by the same server, as the floor.

Each phase first runs ``--warmup`` seconds of the same load and reports its server-side
figures separately: the first view of an article in a worker computes its related articles
("more like this"), which later views reuse.

The load generator is bounded: Debian's ``wrk`` when installed (16 connections, one thread
per core, a Lua script choosing the URL), else a pool of 16 Python threads with keep-alive
connections. Each phase prints requests/s and client-side p50/p95/p99, and the server-side
p50/p95/p99 taken from gunicorn's access log, whose last field is ``%(D)s`` (microseconds,
see :data:`kb.server.ACCESS_LOG_FORMAT`). Client-side figures include the load generator,
which shares the machine's cores; the server-side ones are what the app itself spends.

Targets: article pages p95 < 15 ms server-side and >= 200 requests/s with 2 workers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "github-docs"
#: The ``kb`` console script beside this Python (the venv's), else whichever is on PATH.
KB = [str(Path(sys.executable).with_name("kb")) if Path(sys.executable).with_name("kb").exists()
      else shutil.which("kb") or "kb"]
STATIC_PATH = "/static/css/kb.css"
TARGET_P95_MS = 15.0
TARGET_RPS = 200.0
#: ``"GET /articles/x HTTP/1.1" 200 1234 "-" "wrk" 5012`` -> path, status, microseconds.
LOG_LINE = re.compile(r'"GET (\S+) HTTP/[\d.]+" (\d{3}) \S+ "[^"]*" "[^"]*" (\d+)$')

WRK_SCRIPT = """
local paths = {%s}
math.randomseed(%d)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  io.write(string.format('KBJSON {"requests": %%d, "errors": %%d, "p50": %%f, "p95": %%f, "p99": %%f}\\n',
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def kb_command(env: dict, *args: str, quiet: bool = True) -> str:
    """Run one ``kb`` command against the bench instance; stop the bench if it fails."""
    done = subprocess.run([*KB, *args], env=env, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"kb {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    if not quiet:
        print(done.stdout.strip().splitlines()[-1])
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_instance(corpus: Path) -> tuple[dict, Path]:
    instance = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_INSTANCE=str(instance), KB_PASSWORD="bench-password-123", PYTHONUNBUFFERED="1")
    kb_command(env, "init")
    kb_command(env, "users", "create", "bench@kb.local", "--role", "admin", "--name", "Bench")
    print(f"instance: {instance}")
    started = time.perf_counter()
    kb_command(env, "import", str(corpus / "articles"), quiet=False)
    print(f"import took {time.perf_counter() - started:.1f} s")
    return env, instance


def start_server(env: dict, port: int, workers: int, threads: int | None, log: Path) -> subprocess.Popen:
    handle = log.open("w")
    command = [*KB, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads)]
    server = subprocess.Popen(command, env=env, cwd=REPO, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"kb serve exited with {server.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                body = json.load(response)
                if response.status == 200 and not (body.get("index") or {}).get("behind"):
                    return server
        except OSError:
            pass
        time.sleep(0.5)
    server.terminate()
    sys.exit("kb serve did not become healthy within 120 s")


def article_paths(port: int, count: int, seed: int) -> list[str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/sitemap.xml", timeout=30) as response:
        urls = re.findall(r"<loc>([^<]+)</loc>", response.read().decode())
    if not urls:
        sys.exit("the sitemap lists no articles: did the import work?")
    paths = [re.sub(r"^https?://[^/]+", "", url) for url in urls]
    return random.Random(seed).sample(paths, min(count, len(paths)))


def run_wrk(port: int, paths: list[str], duration: int, connections: int, seed: int) -> dict:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT % (", ".join(json.dumps(p) for p in paths), seed))
    threads = max(1, min(os.cpu_count() or 1, connections))
    try:
        done = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", str(script),
                               f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True)
    finally:
        script.unlink()
    result = json.loads(done.stdout.split("KBJSON ", 1)[1].splitlines()[0])
    result["rps"] = result["requests"] / duration
    return result


def run_threads(port: int, paths: list[str], duration: int, connections: int, seed: int) -> dict:
    """The fallback load generator: keep-alive connections, one thread each, for ``duration``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration

    def worker(n: int) -> None:
        rng = random.Random(seed + n)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                connection.request("GET", rng.choice(paths))
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"requests": len(latencies), "errors": errors[0], "rps": len(latencies) / duration,
            **percentiles(latencies)}


def percentiles(values: list[float]) -> dict:
    if len(values) < 2:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def server_side(log: Path, start: int, end: int, prefix: str) -> dict:
    """Percentiles (ms) of the access-log lines written during one phase for paths under ``prefix``."""
    with log.open("rb") as handle:
        handle.seek(start)
        chunk = handle.read(end - start).decode(errors="replace")
    times, statuses = [], {}
    for line in chunk.splitlines():
        match = LOG_LINE.search(line)
        if match and match.group(1).startswith(prefix):
            times.append(int(match.group(3)) / 1000)
            statuses[match.group(2)] = statuses.get(match.group(2), 0) + 1
    return {"count": len(times), "statuses": statuses, **percentiles(times)}


def measure(name: str, port: int, paths: list[str], prefix: str, log: Path, args) -> dict:
    generate = run_wrk if shutil.which("wrk") and not args.python_client else run_threads
    start = log.stat().st_size
    warm = generate(port, paths, args.warmup, args.connections, args.seed + 1)
    time.sleep(1.0)  # let the workers flush their last access-log lines
    cold = server_side(log, start, log.stat().st_size, prefix)
    start = log.stat().st_size
    client = generate(port, paths, args.duration, args.connections, args.seed)
    time.sleep(1.0)
    server = server_side(log, start, log.stat().st_size, prefix)
    print(f"\n{name} ({generate.__name__.removeprefix('run_')}, {args.connections} connections, {args.duration} s)")
    print(f"  warm-up {args.warmup} s       {warm['rps']:8.1f} req/s; server-side p50 {cold['p50']:6.2f} ms   "
          f"p95 {cold['p95']:6.2f} ms   (first views: per-process caches filling)")
    print(f"  requests/s        {client['rps']:8.1f}   ({client['requests']} requests, {client['errors']} errors)")
    print(f"  client latency    p50 {client['p50']:6.2f} ms   p95 {client['p95']:6.2f} ms   p99 {client['p99']:6.2f} ms")
    print(f"  server-side       p50 {server['p50']:6.2f} ms   p95 {server['p95']:6.2f} ms   p99 {server['p99']:6.2f} ms"
          f"   ({server['count']} logged, statuses {server['statuses']})")
    return {"client": client, "server": server}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None,
                        help="threads per worker (default: kb serve's own); 1 runs sync workers")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before measuring (reported too)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--slugs", type=int, default=500, help="distinct random articles to request")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--python-client", action="store_true", help="use the thread pool even if wrk exists")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance")
    args = parser.parse_args()
    if not (args.corpus / "articles").is_dir():
        sys.exit(f"no corpus at {args.corpus / 'articles'}")

    env, instance = prepare_instance(args.corpus)
    port = free_port()
    log = instance / "access.log"
    server = start_server(env, port, args.workers, args.threads, log)
    try:
        paths = article_paths(port, args.slugs, args.seed)
        threads = f" --threads {args.threads}" if args.threads else ""
        print(f"server: kb serve --workers {args.workers}{threads} on 127.0.0.1:{port}; {len(paths)} article slugs")
        articles = measure("article pages", port, paths, "/articles/", log, args)
        static = measure("static file", port, [STATIC_PATH], STATIC_PATH, log, args)
    finally:
        server.terminate()
        server.wait(30)
        if not args.keep:
            shutil.rmtree(instance, ignore_errors=True)
    p95, rps = articles["server"]["p95"], articles["client"]["rps"]
    print(f"\ntargets: article p95 server-side {p95:.2f} ms (< {TARGET_P95_MS:.0f}: "
          f"{'met' if p95 < TARGET_P95_MS else 'MISSED'}); {rps:.0f} requests/s "
          f"(>= {TARGET_RPS:.0f}: {'met' if rps >= TARGET_RPS else 'MISSED'}); static floor {static['client']['rps']:.0f} req/s")
    return 0 if p95 < TARGET_P95_MS and rps >= TARGET_RPS else 1


if __name__ == "__main__":
    sys.exit(main())
