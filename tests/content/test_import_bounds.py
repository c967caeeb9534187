"""kb import is bounded: hostile or broken files fail alone (issue 20, "Imports are bounded")."""

import os
import time
from pathlib import Path

import pytest

from kb.content import queries
from tests.support.transfer import ARTICLE, run_import, write

SUMMARY_ONE_GOOD_ONE_FAILED = "imported 1, updated 0, unchanged 0, failed 1, skipped 0"

#: The "billion laughs": nine levels of nine aliases each, 9**9 strings once expanded.
ALIAS_BOMB = """---
title: Laughs
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
body
"""


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def import_beside_a_good_file(runner, tmp_path, name: str, content: str | bytes):
    write(tmp_path, f"articles/general/misc/{name}", content)
    write(tmp_path, "articles/general/misc/good.md", ARTICLE)
    return run_import(runner, tmp_path)


def failure_line(result, name: str) -> str:
    lines = [line for line in result.output.splitlines() if line.startswith("failed:") and name in line]
    assert len(lines) == 1, result.output
    return lines[0]


def test_an_alias_bomb_in_front_matter_fails_fast_and_stores_nothing(runner, tmp_path):
    started = time.monotonic()
    result = import_beside_a_good_file(runner, tmp_path, "laughs.md", ALIAS_BOMB)
    assert time.monotonic() - started < 10  # expanded, the bomb would take minutes and gigabytes
    assert result.exit_code == 1
    assert "alias" in failure_line(result, "laughs.md").lower()
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED
    assert queries.find_by_slug("article", "laughs")[0] is None


def test_a_single_alias_is_refused_too(runner, tmp_path):
    content = "---\ntitle: &t Hello\nintro: *t\n---\nbody\n"
    result = import_beside_a_good_file(runner, tmp_path, "alias.md", content)
    assert "alias" in failure_line(result, "alias.md").lower()
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED


def test_oversized_front_matter_is_refused_before_parsing(runner, tmp_path):
    padding = "".join(f"key{n}: {'x' * 60}\n" for n in range(1200))  # about 80 KiB
    result = import_beside_a_good_file(runner, tmp_path, "huge.md", f"---\ntitle: Huge\n{padding}---\nbody\n")
    assert "front matter is larger than 64 KiB" in failure_line(result, "huge.md")
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED


@pytest.mark.parametrize("name, front_matter, reason", [
    ("python-tag.md", "title: x\nobj: !!python/object:os.system {}", "front matter"),
    ("python-apply.md", "title: !!python/object/apply:os.getcwd []", "front matter"),
    ("unknown-tag.md", "title: x\nthing: !foo bar", "front matter"),
    ("mapping-title.md", "title: {a: 1}", "title"),
    ("list-title.md", "title: [a, b]", "title"),
    ("number-title.md", "title: 42", "title"),
    ("mapping-tag.md", "title: x\ntags: [ok, {nested: map}]", "tags"),
    ("list-in-tags.md", "title: x\ntags: [[a, b]]", "tags"),
    ("bool-tag.md", "title: x\ntags: [yes, no]", "tags"),
    ("mapping-tags.md", "title: x\ntags: {a: b}", "tags"),
    ("long-tag.md", "title: x\ntags: [" + "t" * 500 + "]", "tag"),
    ("section-mapping.md", "title: x\nsection: {a: b}", "section"),
    ("section-list.md", "title: x\nsection: [a, b]", "section"),
    ("section-number.md", "title: x\nsection: 7", "section"),
    ("visibility-mapping.md", "title: x\nvisibility: {a: b}", "visibility"),
    ("visibility-list.md", "title: x\nvisibility: [public]", "visibility"),
    ("visibility-number.md", "title: x\nvisibility: 1", "visibility"),
    ("status-mapping.md", "title: x\nstatus: {a: b}", "status"),
    ("status-list.md", "title: x\nstatus: [draft]", "status"),
    ("status-bool.md", "title: x\nstatus: true", "status"),
    ("review-mapping.md", "title: x\nreview_by: {a: b}", "review_by"),
    ("review-list.md", "title: x\nreview_by: [2027-01-01]", "review_by"),
    ("review-number.md", "title: x\nreview_by: 20270101", "review_by"),
    ("review-bool.md", "title: x\nreview_by: true", "review_by"),
    ("redirect-mapping.md", "title: x\nredirect_from: {a: b}", "redirect_from"),
    ("redirect-nested.md", "title: x\nredirect_from: [old, [older]]", "redirect_from"),
    ("redirect-number.md", "title: x\nredirect_from: 12", "redirect_from"),
    ("slug-mapping.md", "title: x\nslug: {a: b}", "slug"),
    ("date-key.md", "title: x\n2027-01-01: party", "front matter"),
    ("complex-key.md", "title: x\n? [a, b]\n: pair", "front matter"),
    ("not-a-mapping.md", "- just\n- a list", "front matter"),
    ("control-title.md", 'title: "bell \\a"', "control character U+0007"),
    ("nul-tag.md", 'title: x\ntags: ["a\\0b"]', "NUL"),
    ("surrogate-extra.md", 'title: x\nintro: "\\ud800"', "surrogate"),
    ("nan-value.md", "title: x\nratio: .nan", "front matter"),
    ("deep.md", "title: x\nnest: " + "[" * 100 + "]" * 100, "nested"),
])
def test_a_bad_front_matter_value_fails_that_file_only(runner, tmp_path, name, front_matter, reason):
    result = import_beside_a_good_file(runner, tmp_path, name, f"---\n{front_matter}\n---\nbody\n")
    assert result.exit_code == 1, result.output
    assert reason.lower() in failure_line(result, name).lower()
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED


@pytest.mark.parametrize("name, content, reason", [
    ("latin1.md", "---\ntitle: Café\n---\nbody".encode("latin-1"), "UTF-8"),
    ("truncated.md", "---\ntitle: x\n---\nend of a char \xe2\x82".encode("latin-1"), "UTF-8"),
    ("image.md", bytes(range(256)) * 8, "NUL"),
    ("gzip.md", b"\x1f\x8b\x08" + bytes(range(1, 256)) * 4, "UTF-8"),
])
def test_binary_and_invalid_utf8_files_fail_alone(runner, tmp_path, name, content, reason):
    result = import_beside_a_good_file(runner, tmp_path, name, content)
    assert reason.lower() in failure_line(result, name).lower()
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED


def test_a_folder_named_like_a_markdown_file_is_walked_not_read(runner, tmp_path):
    write(tmp_path, "articles/general/misc/folder.md/inner.md", ARTICLE.replace("How payouts", "Inner"))
    write(tmp_path, "articles/general/misc/good.md", ARTICLE)
    (tmp_path / "articles/general/misc/empty.md").mkdir()
    result = run_import(runner, tmp_path)
    assert result.exit_code == 0, result.output
    assert last_line(result) == "imported 2, updated 0, unchanged 0, failed 0, skipped 0"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_fails_alone(runner, tmp_path):
    path = write(tmp_path, "articles/general/misc/locked.md", ARTICLE.replace("How payouts", "Locked"))
    path.chmod(0)
    write(tmp_path, "articles/general/misc/good.md", ARTICLE)
    result = run_import(runner, tmp_path)
    assert "cannot read" in failure_line(result, "locked.md")
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED


def test_a_file_that_cannot_be_opened_fails_alone(runner, tmp_path):
    # Runs as root too: a symlink pointing at itself cannot be opened by anyone.
    folder = tmp_path / "content"
    write(folder, "articles/general/misc/good.md", ARTICLE)
    (folder / "articles/general/misc/loop.md").symlink_to("loop.md")
    result = run_import(runner, folder)
    assert result.exit_code == 1
    assert "loop.md" in failure_line(result, "loop.md")
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED


def test_a_file_symlink_out_of_the_import_folder_is_refused(runner, tmp_path):
    outside = write(tmp_path, "secret/notes.md", "---\ntitle: Secret notes\n---\nroot password\n")
    folder = tmp_path / "content"
    write(folder, "articles/general/misc/good.md", ARTICLE)
    (folder / "articles/general/misc/notes.md").symlink_to(outside)
    result = run_import(runner, folder)
    assert result.exit_code == 1
    assert "outside" in failure_line(result, "notes.md")
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED
    assert queries.find_by_slug("article", "notes")[0] is None


def test_a_folder_symlink_out_of_the_import_folder_is_refused(runner, tmp_path):
    write(tmp_path, "elsewhere/one.md", "---\ntitle: One\n---\nx\n")
    write(tmp_path, "elsewhere/two.md", "---\ntitle: Two\n---\nx\n")
    folder = tmp_path / "content"
    write(folder, "articles/general/misc/good.md", ARTICLE)
    (folder / "articles/general/leak").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    result = run_import(runner, folder)
    assert result.exit_code == 1
    assert "outside" in failure_line(result, "leak")
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED
    assert queries.find_by_slug("article", "one")[0] is None


def test_an_articles_folder_symlinked_from_elsewhere_is_refused(runner, tmp_path):
    write(tmp_path, "elsewhere/general/misc/one.md", "---\ntitle: One\n---\nx\n")
    folder = tmp_path / "content"
    write(folder, "macros/billing/refund.md", "---\ntitle: Billing::Refund\n---\nHi\n")
    (folder / "articles").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    result = run_import(runner, folder)
    assert result.exit_code == 1
    assert "outside" in failure_line(result, "articles")
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED


def test_symlinks_inside_the_import_folder_are_followed_and_loops_end(runner, tmp_path):
    folder = tmp_path / "content"
    write(folder, "shared/one.md", "---\ntitle: One\n---\nx\n")
    write(folder, "articles/general/misc/good.md", ARTICLE)
    (folder / "articles/general/misc/one.md").symlink_to(folder / "shared/one.md")
    (folder / "articles/general/misc/again").symlink_to(folder / "articles/general", target_is_directory=True)
    (folder / "articles/general/misc/up").symlink_to("..", target_is_directory=True)
    result = run_import(runner, folder)
    assert result.exit_code == 0, result.output
    assert last_line(result) == "imported 2, updated 0, unchanged 0, failed 0, skipped 0"
    one, _ = queries.find_by_slug("article", "one")
    assert one.published.section.path == "general/misc"  # where the link sits, not its target


def test_a_sections_file_with_aliases_is_refused(runner, tmp_path):
    write(tmp_path, "articles/sections.yml",
          "categories:\n- &c {slug: general, title: General, sections: [{slug: misc}]}\n- *c\n")
    write(tmp_path, "articles/general/misc/good.md", ARTICLE)
    result = run_import(runner, tmp_path)
    assert result.exit_code == 1
    assert "alias" in failure_line(result, "sections.yml").lower()
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED


def test_a_sections_file_symlinked_from_outside_is_refused(runner, tmp_path):
    outside = write(tmp_path, "elsewhere/sections.yml", "categories: []\n")
    folder = tmp_path / "content"
    write(folder, "articles/general/misc/good.md", ARTICLE)
    (folder / "articles/sections.yml").symlink_to(outside)
    result = run_import(runner, folder)
    assert result.exit_code == 1
    assert "outside" in failure_line(result, "sections.yml")
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED


@pytest.mark.slow  # worker processes
def test_hostile_files_fail_alone_when_rendering_in_worker_processes(app, tmp_path):
    from kb.auth.services import system_user
    from kb.transfer import import_paths

    for n in range(4):
        write(tmp_path, f"articles/a/b/good-{n}.md", ARTICLE.replace("How payouts", f"Good {n}"))
    write(tmp_path, "articles/a/b/laughs.md", ALIAS_BOMB)
    write(tmp_path, "articles/a/b/long-tag.md", "---\ntitle: x\ntags: [" + "t" * 500 + "]\n---\nbody\n")
    write(tmp_path, "articles/a/b/python.md", "---\ntitle: !!python/object/apply:os.getcwd []\n---\nx\n")
    report = import_paths([tmp_path], system_user(), workers=2)
    assert report.summary() == "imported 4, updated 0, unchanged 0, failed 3, skipped 0"
    assert sorted(Path(path).name for path, _ in report.failures) == ["laughs.md", "long-tag.md", "python.md"]


def test_a_missing_path_fails_alone_and_the_summary_still_prints(runner, tmp_path):
    write(tmp_path, "articles/general/misc/good.md", ARTICLE)
    result = run_import(runner, tmp_path / "nope", tmp_path)
    assert result.exit_code == 1
    assert "no such file or folder" in failure_line(result, "nope")
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED


def test_a_sections_file_with_a_mapping_for_a_title_fails_alone(runner, tmp_path):
    write(tmp_path, "articles/sections.yml", "categories:\n- {slug: general, title: {a: b}}\n")
    write(tmp_path, "articles/general/misc/good.md", ARTICLE)
    result = run_import(runner, tmp_path)
    assert "title must be text" in failure_line(result, "sections.yml")
    assert last_line(result) == SUMMARY_ONE_GOOD_ONE_FAILED
