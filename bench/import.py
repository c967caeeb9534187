"""Benchmark ``kb import`` against SQLite's own bulk insert of the same files.

Standalone; makes a fresh instance in a temporary folder and removes it afterwards::

    .venv/bin/python bench/import.py                       # ../shared/corpus/github-docs
    .venv/bin/python bench/import.py --corpus PATH --workers 0   # serial rendering
    .venv/bin/python bench/import.py --profile 30          # cProfile of the import, top 30

kb's figure is the real code path of ``kb import``: :func:`kb.transfer.import_paths` as the
system user inside an app context, so every file gets its revision, rendered HTML, plain text,
outline, audit records and search-outbox events, one transaction per file, and the search
index is brought up to date once at the end. The reference reads and parses the same files
(python-frontmatter, like kb) and inserts title and body rows in one transaction into a plain
table, then into an FTS5 table. A second ``kb import`` of the same corpus checks that nothing
changes (``unchanged N``) and times that too.

Two kb figures are printed: files per second until the last file was committed (rendered,
with its revisions, audit records and outbox events: the target, 200 docs/s), and until the
search index had caught up with them too (the index's own build speed is bench/search.py's).

Then image uploads: ``--images N`` generated screenshots (1440×900 PNGs of about 200 KB: bars,
panels, text and a photo) are sent to ``POST /api/v1/media`` through the app's test client
with an agent's token, so each is parsed, checked, re-encoded, scaled to its smaller widths and
stored. The reference is Pillow alone decoding and re-encoding the same files as PNG, the part
of the work no upload can skip.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "github-docs"


def main() -> int:
    args = _arguments()
    corpus = Path(args.corpus).resolve()
    if not corpus.exists():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="kb-bench-import-"))
    try:
        return _run(args, corpus, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="folder of Markdown content files")
    parser.add_argument("--workers", type=int, default=None,
                        help="rendering processes (0 = serial; default: what kb import chooses)")
    parser.add_argument("--images", type=int, default=20, metavar="N",
                        help="screenshots to upload for the images/s figure (0 = skip)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile the first import with cProfile and print the top N functions")
    parser.add_argument("--no-reimport", action="store_true", help="skip the second, unchanged import")
    return parser.parse_args()


def _run(args: argparse.Namespace, corpus: Path, workdir: Path) -> int:
    instance = workdir / "instance"
    os.environ["KB_INSTANCE"] = str(instance)
    sys.path.insert(0, str(REPO))
    from kb import create_app

    app = create_app()
    rows: list[tuple[str, float]] = []
    with app.app_context():
        from kb.auth.services import system_user
        from kb.cli import upgrade_schema

        upgrade_schema()
        actor = system_user()
        print(f"corpus {corpus}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        report, seconds = _kb_import(corpus, actor, args)
        files = report.imported + report.updated + report.unchanged + report.failed
        print(f"kb import: {report.summary()} in {seconds:.1f} s (wall)")
        _print_failures(report)
        _print_split(report)
        print(f"  committed after {report.written_seconds:.1f} s, search index caught up after "
              f"{report.indexed_seconds:.1f} s")
        rows.append(("kb import, committed (render + revisions + audit + outbox)",
                     files / report.written_seconds))
        rows.append(("kb import, search index caught up too", files / seconds))
        if not args.no_reimport:
            again, again_seconds = _kb_import(corpus, actor, argparse.Namespace(**{**vars(args), "profile": 0}))
            print(f"kb import again: {again.summary()} in {again_seconds:.1f} s")
            rows.append(("kb import again (nothing changed)", files / again_seconds))
        if args.images:
            uploaded = _image_uploads(app, args.images)
    _print_memory()
    rows += _sqlite_reference(corpus, workdir)
    _print_table(rows)
    if args.images:
        _print_image_table(uploaded)
    return 0 if report.failed == 0 else 1


def _kb_import(corpus: Path, actor, args: argparse.Namespace):
    from kb.transfer import import_paths

    options = {} if args.workers is None else {"workers": args.workers}
    profiler = cProfile.Profile() if args.profile else None
    cpu = os.times()
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    report = import_paths([corpus], actor, **options)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    after = os.times()
    own = after.user + after.system - cpu.user - cpu.system
    workers = after.children_user + after.children_system - cpu.children_user - cpu.children_system
    print(f"  CPU: this process {own:.1f} s, rendering workers {workers:.1f} s")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(args.profile)
        print(out.getvalue())
    return report, seconds


def _print_failures(report) -> None:
    for path, reason in report.failures[:10]:
        print(f"  failed: {path}: {reason}")
    if report.failed > 10:
        print(f"  … and {report.failed - 10} more")


def _print_split(report) -> None:
    timings = getattr(report, "timings", None)
    if not timings:
        return
    parts = ", ".join(f"{name} {value:.1f} s" for name, value in timings.items())
    print(f"  CPU seconds by stage: {parts}")


def _print_memory() -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory (max RSS): this process {own:.0f} MB, largest rendering worker {children:.0f} MB")


# -- the reference ----------------------------------------------------------------------------

def _read_corpus(corpus: Path) -> list[tuple[str, str]]:
    import frontmatter

    files = [corpus] if corpus.is_file() else sorted(corpus.rglob("*.md"))
    documents = []
    for path in files:
        post = frontmatter.loads(path.read_bytes().decode("utf-8-sig"))
        documents.append((str(post.metadata.get("title") or path.stem), post.content))
    return documents


def _sqlite_reference(corpus: Path, workdir: Path) -> list[tuple[str, float]]:
    """Read + parse front matter + insert, timed together, into a plain and an FTS5 table."""
    rows = []
    for name, schema in (
        ("plain", "CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT)"),
        ("fts5", "CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')"),
    ):
        connection = sqlite3.connect(workdir / f"reference-{name}.sqlite3", isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(schema)
        start = time.perf_counter()
        documents = _read_corpus(corpus)
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO docs (title, body) VALUES (?, ?)", documents)
        connection.execute("COMMIT")
        seconds = time.perf_counter() - start
        connection.close()
        rows.append((f"SQLite bulk insert, {name} table (read + parse + insert)", len(documents) / seconds))
    return rows


def _print_table(rows: list[tuple[str, float]]) -> None:
    reference = rows[-1][1]
    width = max(len(label) for label, _ in rows)
    print()
    print(f"{'':{width}}  {'docs/s':>8}  {'vs FTS5':>8}")
    for label, rate in rows:
        print(f"{label:{width}}  {rate:8.0f}  {rate / reference:8.2f}")


# -- image uploads ----------------------------------------------------------------------------

def _screenshot(seed: int, size: tuple[int, int] = (1440, 900)) -> bytes:
    """A PNG like a support screenshot: flat bars and panels, lines of text, one photo."""
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", size, (246, 247, 249))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0], 56), fill=(36, 41, 51))
    for _ in range(60):
        x, y = rng.randrange(260, size[0] - 200), rng.randrange(70, size[1] - 60)
        draw.rectangle((x, y, x + rng.randrange(60, 400), y + rng.randrange(20, 120)),
                       fill=tuple(rng.randrange(150, 255) for _ in range(3)), outline=(200, 200, 210))
    words = "your payout settings are under account then billing and payouts".split()
    for line in range(110):
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(4, 14)))
        draw.text((rng.randrange(250, 700), 70 + line * 7 % (size[1] - 80)), text, fill=(60, 64, 72))
    image.paste(Image.frombytes("RGB", (150, 150), rng.randbytes(150 * 150 * 3)), (size[0] - 300, 120))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _image_uploads(app, count: int) -> dict:
    from PIL import Image
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    from kb.auth import services

    shots = [_screenshot(seed) for seed in range(count)]
    user = services.create_user("bench-images@example.com", "agent", "password123", "Bench")
    headers = {"Authorization": f"Bearer {services.create_token(user, 'bench')}"}
    bodies = [encode_multipart({"file": FileStorage(io.BytesIO(shot), f"shot-{n}.png")})
              for n, shot in enumerate(shots)]
    client = app.test_client()
    start = time.perf_counter()
    for boundary, body in bodies:
        response = client.post("/api/v1/media", data=body, headers=headers,
                               content_type=f"multipart/form-data; boundary={boundary}")
        if response.status_code != 201:
            raise SystemExit(f"upload refused: {response.status_code} {response.get_data(as_text=True)[:200]}")
    kb_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for shot in shots:
        with Image.open(io.BytesIO(shot)) as image:
            image.load()
            image.save(io.BytesIO(), "PNG")
    pillow_seconds = time.perf_counter() - start
    average = sum(map(len, shots)) / len(shots) / 1024
    print(f"image uploads: {count} screenshots of {average:.0f} KB on average (1440×900 PNG)")
    return {"kb": count / kb_seconds, "pillow": count / pillow_seconds}


def _print_image_table(rates: dict) -> None:
    rows = [("POST /api/v1/media (check, re-encode, smaller widths, store)", rates["kb"]),
            ("Pillow decode + PNG encode of the same files", rates["pillow"])]
    width = max(len(label) for label, _ in rows)
    print()
    print(f"{'':{width}}  {'images/s':>8}  {'vs Pillow':>9}")
    for label, rate in rows:
        print(f"{label:{width}}  {rate:8.1f}  {rate / rates['pillow']:9.2f}")


if __name__ == "__main__":
    sys.exit(main())
