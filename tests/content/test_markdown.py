"""Markdown: the dialect, what is read back from it, and that nothing that runs gets out."""

from __future__ import annotations

import html
import json
import re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from typing import Callable

import pytest

from kb.content.markdown import (
    ALLOWED_TAGS,
    SUMMARY_LENGTH,
    Heading,
    render,
    render_html,
    sanitize_html,
    to_plain_text,
)
from tests.support import SHARED

XSS_PAYLOADS = SHARED / "xss" / "payloads.jsonl"


class TagCollector(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def start_tags(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = TagCollector()
    collector.feed(page)
    collector.close()
    return collector.tags


def attrs_of(page: str, tag: str) -> list[dict[str, str | None]]:
    return [dict(attrs) for name, attrs in start_tags(page) if name == tag]


# --------------------------------------------------------------------------------------------
# The dialect


def test_table_renders_with_alignment_as_align_attribute_not_style() -> None:
    page = render_html("| Plan | Price |\n|:-----|------:|\n| Basic | 10 |\n")

    assert attrs_of(page, "th") == [{"align": "left"}, {"align": "right"}]
    assert attrs_of(page, "td") == [{"align": "left"}, {"align": "right"}]
    assert "<thead>" in page and "<tbody>" in page
    assert "style" not in page


def test_fenced_code_keeps_its_language_class() -> None:
    page = render_html("```python\nprint('<hi>')\n```\n")

    assert attrs_of(page, "code") == [{"class": "language-python"}]
    assert "print(&#39;&lt;hi&gt;&#39;)" in page or "print('&lt;hi&gt;')" in page


def test_fenced_code_drops_ids_and_classes_other_than_the_language() -> None:
    page = render_html("``` { .python .evil #main }\nx = 1\n```\n")

    assert attrs_of(page, "pre") == [{}]
    assert attrs_of(page, "code") == [{"class": "language-python"}]


def test_headings_get_anchor_ids_with_a_prefix() -> None:
    page = render_html("## Forms\n\n### Location of the payout\n")

    assert attrs_of(page, "h2") == [{"id": "h-forms"}]
    assert attrs_of(page, "h3") == [{"id": "h-location-of-the-payout"}]


def test_repeated_headings_get_distinct_ids() -> None:
    page = render_html("## Steps\n\n## Steps\n")

    assert [a["id"] for a in attrs_of(page, "h2")] == ["h-steps", "h-steps_1"]


def test_headings_list_holds_h2_and_h3_in_document_order() -> None:
    rendered = render("# Title\n\n## First *step*\n\n### Detail\n\n#### Too deep\n\n## Second\n")

    assert rendered.headings == [
        Heading(level=2, id="h-first-step", text="First step"),
        Heading(level=3, id="h-detail", text="Detail"),
        Heading(level=2, id="h-second", text="Second"),
    ]


def test_heading_text_is_the_sanitised_text() -> None:
    rendered = render("## Refunds <script>alert(1)</script> &amp; credits\n")

    assert [h.text for h in rendered.headings] == ["Refunds & credits"]


def test_headings_with_no_text_left_are_not_listed() -> None:
    rendered = render("## <script>alert(1)</script>\n\n## Real\n")

    assert [h.text for h in rendered.headings] == ["Real"]


def test_raw_html_ids_without_the_prefix_are_dropped() -> None:
    page = render_html('<h2 id="location">Raw</h2>\n\n<p id="forms">x</p>\n')

    assert "id=" not in page


def test_sane_lists_keep_ordered_and_unordered_lists_apart() -> None:
    page = render_html("1. one\n2. two\n\n* three\n* four\n")

    tags = [name for name, _ in start_tags(page)]
    assert tags == ["ol", "li", "li", "ul", "li", "li"]


def test_ordered_list_keeps_its_start_number() -> None:
    page = render_html("3. three\n4. four\n")

    assert attrs_of(page, "ol") == [{"start": "3"}]


def test_definition_lists_and_abbreviations_render() -> None:
    page = render_html(
        "Payout\n:   Money sent to you.\n\nThe API is up.\n\n"
        "*[API]: Application Programming Interface\n"
    )

    tags = [name for name, _ in start_tags(page)]
    assert ["dl", "dt", "dd"] == tags[:3]
    assert attrs_of(page, "abbr") == [{"title": "Application Programming Interface"}]


def test_footnotes_keep_working_links_between_reference_and_note() -> None:
    page = render_html("Fees apply.[^fees]\n\n[^fees]: Up to 2%.\n")

    hrefs = [a["href"] for a in attrs_of(page, "a")]
    ids = [a["id"] for tag in ("sup", "li") for a in attrs_of(page, tag)]
    assert hrefs == ["#fn:fees", "#fnref:fees"]
    assert ids == ["fnref:fees", "fn:fees"]


def test_attribute_lists_are_not_part_of_the_dialect() -> None:
    page = render_html("A paragraph\n{: onclick=\"x\" .big }\n")

    assert attrs_of(page, "p") == [{}]


def test_toc_marker_is_not_expanded() -> None:
    page = render_html("[TOC]\n\n## Section\n")

    assert "[TOC]" in page
    assert attrs_of(page, "ul") == []


# --------------------------------------------------------------------------------------------
# Links


def test_links_lists_hrefs_after_sanitising_in_order_without_duplicates() -> None:
    rendered = render(
        "See [payouts](/articles/how-payouts-work), [again](/articles/how-payouts-work), "
        "[bad](javascript:alert(1)) and <https://stripe.com/docs>.\n"
    )

    assert rendered.links == ["/articles/how-payouts-work", "https://stripe.com/docs"]


def test_links_leave_out_generated_footnote_links() -> None:
    rendered = render("Text.[^1] [Help](/help)\n\n[^1]: A note.\n")

    assert rendered.links == ["/help"]


def test_external_links_get_noopener_noreferrer_nofollow() -> None:
    page = render_html("[Stripe](https://stripe.com) and [evil](//evil.example)\n")

    assert [a.get("rel") for a in attrs_of(page, "a")] == ["noopener noreferrer nofollow"] * 2


def test_internal_and_mail_links_get_no_rel() -> None:
    page = render_html("[Payouts](/articles/payouts), [top](#h-top), [m](mailto:a@example.com)\n")

    assert [a.get("rel") for a in attrs_of(page, "a")] == [None, None, None]


# --------------------------------------------------------------------------------------------
# Plain text and summary


def test_plain_text_strips_markup_and_keeps_words() -> None:
    text = to_plain_text("# Reset your *password*\n\n1. Open **Settings**.\n2. Click `Reset`.\n")

    assert text == "Reset your password Open Settings. Click Reset."


def test_plain_text_keeps_link_text_and_drops_urls() -> None:
    text = to_plain_text("Read [how payouts work](https://example.com/pay) and ![chart](/c.png).\n")

    assert text == "Read how payouts work and ."


def test_plain_text_keeps_code_blocks_as_text() -> None:
    text = to_plain_text("Run:\n\n```shell\ngit push   origin main\n```\n")

    assert text == "Run: git push origin main"


def test_plain_text_separates_table_cells_and_unescapes_entities() -> None:
    text = to_plain_text("| a | b |\n|---|---|\n| 1 &lt; 2 | x&amp;y |\n")

    assert text == "a b 1 < 2 x&y"


def test_plain_text_drops_the_content_of_script_and_style() -> None:
    text = to_plain_text("Hello <script>alert('owned')</script><style>p{}</style> world\n")

    assert text == "Hello world"


def test_summary_of_short_text_is_the_whole_text() -> None:
    assert render("Payouts arrive in two days.\n").summary == "Payouts arrive in two days."


def test_summary_cuts_long_text_at_a_word_boundary() -> None:
    words = " ".join(f"word{i}" for i in range(100))

    summary = render(words).summary

    assert len(summary) <= SUMMARY_LENGTH
    assert summary.endswith("…")
    assert words.startswith(summary[:-1])
    assert words[len(summary) - 1] == " "


def test_render_of_empty_text_is_empty() -> None:
    rendered = render("")

    assert (rendered.html, rendered.text, rendered.headings, rendered.links, rendered.summary) == (
        "", "", [], [], "")


def test_render_html_is_the_html_of_render() -> None:
    source = "## Hi\n\n[x](https://example.com) <b>bold</b>\n"

    assert render_html(source) == render(source).html


def test_render_is_consistent_across_threads(app) -> None:
    sources = [f"## Part {i}\n\nText {i}.[^n]\n\n[^n]: Note {i}.\n\n*[API]: Interface {i}\n\nAPI\n"
               for i in range(40)]
    expected = [render(s) for s in sources]

    def render_in_app(source: str) -> str:
        """As a request thread does: in the app, so with the tests' render budget (eight
        threads share two render processes, and may wait past the production budget)."""
        with app.app_context():
            return render(source)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(render_in_app, sources * 5))

    assert results == expected * 5


# --------------------------------------------------------------------------------------------
# Sanitising


def test_raw_html_allowed_tags_survive() -> None:
    page = render_html(
        "Press <kbd>Ctrl</kbd> and <b>hold</b>.\n\n"
        "<details><summary>More</summary>Hidden</details>\n"
    )

    assert {"kbd", "b", "details", "summary"} <= {name for name, _ in start_tags(page)}


def test_raw_html_script_goes_with_its_text() -> None:
    page = render_html("Hi <script>alert('owned')</script>\n\n<style>p { display: none }</style>\n")

    assert "script" not in page and "alert" not in page
    assert "style" not in page and "display" not in page


def test_sanitize_html_strips_a_javascript_href() -> None:
    page = sanitize_html(
        '<a href="javascript:alert(1)">x</a><a href=" JaVa&#x09;ScRiPt:alert(1)">y</a>'
    )

    assert [a.get("href") for a in attrs_of(page, "a")] == [None, None]


def test_sanitize_html_strips_urls_that_become_a_scheme_once_blanks_are_removed() -> None:
    page = sanitize_html(
        '<a href="jav&#x01;ascript:alert(1)">x</a><img src="jav ascript:alert(1)">'
    )

    assert [attrs for _, attrs in start_tags(page)] == [[], []]


def test_sanitize_html_strips_a_data_image_src() -> None:
    page = sanitize_html('<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="a">')

    assert attrs_of(page, "img") == [{"alt": "a"}]


def test_sanitize_html_strips_an_onerror_attribute() -> None:
    page = sanitize_html('<img src="/a.png" onerror="alert(1)">')

    assert attrs_of(page, "img") == [{"src": "/a.png"}]


def test_sanitize_html_is_idempotent() -> None:
    page = render_html(
        "## T\n\n[e](https://e.com) [i](/i) `c`[^1]\n\n```py\nx\n```\n\n| a |\n|:-:|\n| 1 |\n\n"
        "[^1]: Note.\n"
    )

    assert sanitize_html(page) == page


# --------------------------------------------------------------------------------------------
# The XSS corpus: nothing that runs survives, in any Markdown context


SAFE_SCHEMES = {"http", "https", "mailto"}
FORBIDDEN_ATTRIBUTES = {"style", "srcdoc", "formaction"}
URL_ATTRIBUTES = {"href", "src"}
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_WHITESPACE_AND_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def problems_in(page: str) -> list[str]:
    """What a browser could run in ``page``: tags, attributes and URLs outside the rules."""
    found = []
    for tag, attrs in start_tags(page):
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in FORBIDDEN_ATTRIBUTES:
                found.append(f"attribute {name} on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                url = _WHITESPACE_AND_CONTROL.sub("", html.unescape(value)).lower()
                scheme = _SCHEME.match(url)
                if scheme and scheme[1] not in SAFE_SCHEMES:
                    found.append(f"{name}={value!r} on <{tag}>")
    return found


@pytest.fixture(scope="module")
def xss_payloads() -> list[str]:
    if not XSS_PAYLOADS.is_file():
        pytest.skip(f"XSS corpus not found at {XSS_PAYLOADS} (the shared/ folder beside the clone, or KB_SHARED_DIR)")
    with XSS_PAYLOADS.open(encoding="utf-8") as lines:
        return [json.loads(line)["payload"] for line in lines if line.strip()]


def _as_table_cell(payload: str) -> str:
    cell = payload.replace("\r", " ").replace("\n", " ")
    return f"| a | b |\n|---|---|\n| {cell} | x |\n"


FORMS: dict[str, Callable[[str], str]] = {
    "as_is": lambda payload: payload,
    "link": lambda payload: f"[x]({payload})",
    "image": lambda payload: f"![x]({payload})",
    "table_cell": _as_table_cell,
}


@pytest.mark.parametrize("form", FORMS)
def test_xss_corpus_renders_nothing_that_runs(form: str, xss_payloads: list[str]) -> None:
    wrap = FORMS[form]
    failures = []
    for payload in xss_payloads:
        page = render(wrap(payload)).html
        problems = problems_in(page)
        if problems:
            failures.append((payload, problems, page))

    report = "\n".join(f"{bad!r}: {why} -> {out!r}" for bad, why, out in failures[:5])
    assert not failures, f"{len(failures)} of {len(xss_payloads)} unsafe as {form}:\n{report}"


def test_xss_checker_catches_what_it_should() -> None:
    page = ('<p onclick="x"><iframe srcdoc="y"></iframe><a href=" J&#x41;va\tscript:alert(1)">a</a>'
            '<img src="DATA:image/svg+xml,x" style="a"></p>')

    assert len(problems_in(page)) == 6
