"""Placeholders in macro bodies: parsing, filling as text and as HTML, and hostile input."""

from __future__ import annotations

import re

import pytest

from kb.errors import ValidationError
from kb.macros.placeholders import (
    MAX_VALUE_LENGTH,
    Filled,
    Placeholder,
    PlaceholderSyntaxError,
    fill_html,
    fill_text,
    flatten,
    names,
    parse,
    validate,
)

# ------------------------------------------------------------------ parsing


def test_parse_finds_names_defaults_and_spans() -> None:
    body = 'Hi {{ customer.first_name | default: "there" }}, I am {{ agent.name }}.'
    found = parse(body)
    assert found == [
        Placeholder("customer.first_name", "there", 3, 47),
        Placeholder("agent.name", None, 54, 70),
    ]
    assert body[found[0].start:found[0].end] == '{{ customer.first_name | default: "there" }}'


@pytest.mark.parametrize("body", [
    "{{name}}",
    "{{ name }}",
    "{{   name\t}}",
    '{{name|default:"x"}}',
    '{{ name  |  default :  "x"  }}',
])
def test_whitespace_variants_are_accepted(body: str) -> None:
    [placeholder] = parse(body)
    assert placeholder.name == "name"


def test_default_unescapes_quote_and_backslash() -> None:
    [placeholder] = parse(r'{{ a | default: "say \"hi\" \\ bye" }}')
    assert placeholder.default == 'say "hi" \\ bye'


def test_empty_default_is_a_default() -> None:
    assert parse('{{ a | default: "" }}')[0].default == ""


def test_names_are_unique_in_first_seen_order() -> None:
    body = "{{ b }} {{ a }} {{ b }} {{ c.d }} {{ a }}"
    assert names(body) == ["b", "a", "c.d"]


def test_lone_closing_braces_and_single_braces_are_text() -> None:
    body = "a }} b { c } {x} { { y } }"
    assert parse(body) == []
    assert fill_text(body, {}).text == body


def test_underscore_segments_are_allowed_but_not_dunder_ones() -> None:
    assert names("{{ _private }} {{ a_b.c__d }}") == ["_private", "a_b.c__d"]


def test_validate_accepts_a_good_body() -> None:
    validate('Hello {{ customer.first_name | default: "there" }}!\n\\{{ not_a_placeholder }}')


@pytest.mark.parametrize(("body", "expected"), [
    ("Hi {{ customer.first_name", "unclosed"),
    ("Hi {{ }}", "empty placeholder"),
    ("Hi {{ 1abc }}", "starts with a digit"),
    ("Hi {{ a..b }}", "empty segment"),
    ("Hi {{ customer. }}", "cannot end with '.'"),
    ("Hi {{ customer.__class__ }}", "'__class__' starts with '__'"),
    ("Hi {{ __import__ }}", "'__import__' starts with '__'"),
    ("Hi {{ name | upper }}", "unknown filter 'upper'"),
    ('Hi {{ name | default: "there }}', "unterminated string"),
    ("Hi {{ name | default: there }}", "double-quoted"),
    ('Hi {{ name | default: "a\\nb" }}', "unsupported escape"),
    ("Hi {{ a {{ b }} }}", "nested braces"),
    ("Hi {{{ a }}}", "nested braces"),
    ("Hi {{ first name }}", "unexpected 'n'"),
    ("Hi {{ a.b() }}", "unexpected '('"),
])
def test_malformed_placeholder_is_refused_with_reason_and_position(body: str, expected: str) -> None:
    with pytest.raises(PlaceholderSyntaxError) as caught:
        validate(body)
    error = caught.value
    assert expected in error.message
    assert "line 1, column 4" in error.message
    assert (error.line, error.column) == (1, 4)
    assert error.snippet.startswith("{{")
    assert error.snippet in error.message
    assert error.field == "body"


def test_syntax_error_is_a_validation_error_with_details() -> None:
    with pytest.raises(ValidationError) as caught:
        parse("{{ }}")
    assert caught.value.details == {"line": 1, "column": 1, "snippet": "{{ }}"}


def test_syntax_error_position_counts_lines_and_columns() -> None:
    body = "Hello,\n\nThanks {{ ok }}.\n    See {{ a | upper }} now.\n"
    with pytest.raises(PlaceholderSyntaxError) as caught:
        validate(body)
    assert (caught.value.line, caught.value.column) == (4, 9)
    assert caught.value.snippet == "{{ a | upper }}"


def test_placeholder_cannot_span_lines() -> None:
    with pytest.raises(PlaceholderSyntaxError, match="unclosed"):
        validate("{{ name\n}}")


def test_long_snippet_is_shortened() -> None:
    with pytest.raises(PlaceholderSyntaxError) as caught:
        validate("{{ a " + "x" * 200)
    assert len(caught.value.snippet) <= 61


def test_parse_and_names_raise_on_malformed_bodies_too() -> None:
    with pytest.raises(PlaceholderSyntaxError):
        parse("{{ 1 }}")
    with pytest.raises(PlaceholderSyntaxError):
        names("{{ 1 }}")


# ------------------------------------------------------------------ values


def test_flatten_turns_nested_dicts_into_dotted_keys() -> None:
    values = {"customer": {"first_name": "Ana", "address": {"city": "Porto"}}, "plan": "Pro"}
    assert flatten(values) == {
        "customer.first_name": "Ana", "customer.address.city": "Porto", "plan": "Pro",
    }


def test_flatten_accepts_already_dotted_keys() -> None:
    assert flatten({"customer.first_name": "Ana", "agent": {"name": "Bo"}}) == {
        "customer.first_name": "Ana", "agent.name": "Bo",
    }


def test_flatten_converts_numbers_and_booleans() -> None:
    assert flatten({"n": 3, "x": 1.5, "ok": True}) == {"n": "3", "x": "1.5", "ok": "True"}


def test_flatten_drops_none_blank_and_non_scalar_values() -> None:
    class Sneaky:
        def __str__(self) -> str:  # pragma: no cover - must never run
            raise AssertionError("str() called on an arbitrary object")

    values = {"a": None, "b": "  ", "c": ["x"], "d": Sneaky(), "e": b"bytes", 1: "int key"}
    assert flatten(values) == {}


def test_flatten_does_not_run_str_overrides_of_subclasses() -> None:
    class Tricky(str):
        def __str__(self) -> str:  # pragma: no cover - must never run
            raise AssertionError("overridden __str__ called")

    class Number(int):
        def __repr__(self) -> str:  # pragma: no cover - must never run
            raise AssertionError("overridden __repr__ called")

    assert flatten({"a": Tricky("plain"), "b": Number(7)}) == {"a": "plain", "b": "7"}


def test_oversize_value_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        fill_text("{{ note }}", {"note": "x" * (MAX_VALUE_LENGTH + 1)})
    assert caught.value.field == "values"
    assert "note" in caught.value.message


def test_value_at_the_limit_is_accepted() -> None:
    assert len(fill_text("{{ note }}", {"note": "x" * MAX_VALUE_LENGTH}).text) == MAX_VALUE_LENGTH


def test_cyclic_values_are_refused_not_recursed_forever() -> None:
    loop: dict[str, object] = {}
    loop["self"] = loop
    with pytest.raises(ValidationError) as caught:
        flatten(loop)
    assert caught.value.field == "values"


# ------------------------------------------------------------------ fill_text


def test_fill_text_substitutes_values() -> None:
    filled = fill_text("Hi {{ customer.first_name }}, I'm {{agent.name}}.",
                       {"customer": {"first_name": "Ana"}, "agent.name": "Bo"})
    assert filled == Filled("Hi Ana, I'm Bo.", [])


def test_default_is_used_when_value_is_missing() -> None:
    filled = fill_text('Hi {{ customer.first_name | default: "there" }}!', {})
    assert filled == Filled("Hi there!", [])


def test_value_wins_over_default() -> None:
    filled = fill_text('Hi {{ name | default: "there" }}!', {"name": "Ana"})
    assert filled.text == "Hi Ana!"


def test_missing_names_are_reported_once_each_in_order() -> None:
    body = "{{ b }} {{ a }} {{ b }} {{ c | default: \"x\" }} {{ a }} {{ d }}"
    filled = fill_text(body, {"d": "D"})
    assert filled.missing == ["b", "a"]


def test_missing_placeholder_is_left_as_written_in_text() -> None:
    assert fill_text("Hi {{ customer.first_name }}!", {}).text == "Hi {{ customer.first_name }}!"


@pytest.mark.parametrize("value", [None, "", "   ", ["Ana"], {"x"}, object(), b"Ana"])
def test_none_blank_and_non_scalar_values_count_as_missing(value: object) -> None:
    filled = fill_text("Hi {{ name }}", {"name": value})
    assert filled.missing == ["name"]
    assert filled.text == "Hi {{ name }}"


def test_escaped_braces_stay_literal() -> None:
    filled = fill_text(r"Write \{{ customer.first_name }} to insert a name: {{ x }}", {"x": "ok"})
    assert filled == Filled("Write {{ customer.first_name }} to insert a name: ok", [])


def test_escaped_braces_are_not_validated() -> None:
    validate(r"\{{ 1 not a name")


def test_values_containing_placeholders_are_not_expanded_again() -> None:
    filled = fill_text("{{ a }} {{ b }}", {"a": "{{ b }}", "b": "{{ secret }}", "secret": "leak"})
    assert filled == Filled("{{ b }} {{ secret }}", [])


@pytest.mark.parametrize("value", [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "**bold** [a](javascript:x)",
    "{0.__class__} %s %(x)s ${x}",
])
def test_hostile_values_are_inserted_literally_in_text(value: str) -> None:
    assert fill_text("Note: {{ v }}", {"v": value}).text == "Note: " + value


def test_attribute_access_never_reaches_python_objects() -> None:
    class Customer:
        first_name = "Ana"
        secret = "s3cret"

    body = "{{ customer.first_name }} {{ config }} {{ customer.secret }}"
    filled = fill_text(body, {"customer": Customer()})
    assert filled.missing == ["customer.first_name", "config", "customer.secret"]
    assert "s3cret" not in filled.text and "Ana" not in filled.text


def test_dunder_attribute_access_is_refused_as_malformed() -> None:
    with pytest.raises(PlaceholderSyntaxError):
        fill_text("{{ customer.__class__ }}", {"customer": {"name": "Ana"}})


def test_fill_text_fills_every_placeholder_of_a_2kb_body() -> None:
    # How fast it does so is measured by bench/fill_text.py.
    line = 'Hi {{ customer.first_name | default: "there" }}, about order {{ order.id }} at {{ company }}.\n'
    body = line * (2048 // len(line))
    values = {"customer": {"first_name": "Ana"}, "order": {"id": 42}, "company": "Acme"}
    filled = fill_text(body, values)
    assert filled.text == "Hi Ana, about order 42 at Acme.\n" * (2048 // len(line))
    assert filled.missing == []


# ------------------------------------------------------------------ fill_html


def test_fill_html_renders_markdown_with_values() -> None:
    filled = fill_html("Hi **{{ name }}**, see {{ count }} items.", {"name": "Ana", "count": 3})
    assert filled == Filled("<p>Hi <strong>Ana</strong>, see 3 items.</p>", [])


def test_fill_html_without_placeholders_is_plain_rendering() -> None:
    assert fill_html("Just *text*.", {}).text == "<p>Just <em>text</em>.</p>"


def test_fill_html_uses_default() -> None:
    assert fill_html('Hi {{ name | default: "there" }}', {}).text == "<p>Hi there</p>"


def test_fill_html_marks_missing_placeholders() -> None:
    filled = fill_html("Hi {{ customer.first_name }}!", {})
    assert filled.missing == ["customer.first_name"]
    assert filled.text == (
        '<p>Hi <mark class="missing-placeholder">{{ customer.first_name }}</mark>!</p>'
    )


def test_fill_html_escaped_braces_stay_literal() -> None:
    assert fill_html(r"Type \{{ name }}", {"name": "Ana"}).text == "<p>Type {{ name }}</p>"


def test_fill_html_does_not_expand_values_again() -> None:
    filled = fill_html("{{ a }}", {"a": "{{ b }}", "b": "leak"})
    assert filled.text == "<p>{{ b }}</p>"
    assert "leak" not in filled.text


def test_fill_html_value_next_to_digits_keeps_its_place() -> None:
    values = {f"v{i}": f"<{i}>" for i in range(12)}
    body = " ".join(f"{{{{ v{i} }}}}1" for i in range(12))
    filled = fill_html(body, values)
    assert filled.text == "<p>" + " ".join(f"&lt;{i}&gt;1" for i in range(12)) + "</p>"


def test_fill_html_escapes_script_values() -> None:
    filled = fill_html("Note: {{ v }}", {"v": "<script>alert(1)</script>"})
    assert "<script" not in filled.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in filled.text


def test_fill_html_escapes_attribute_breakout_values() -> None:
    filled = fill_html("Note: {{ v }}", {"v": '"><img src=x onerror=alert(1)>'})
    assert "<img" not in filled.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in filled.text


def test_fill_html_value_cannot_break_out_of_a_link_title() -> None:
    filled = fill_html('[x](https://example.com "{{ v }}")', {"v": '" onmouseover="alert(1)'})
    assert "onmouseover=" not in filled.text.replace("&quot; onmouseover=&quot;", "")
    assert re.search(r'title="[^"]*onmouseover', filled.text)


def test_fill_html_drops_javascript_url_in_link_placeholder() -> None:
    filled = fill_html("[Reset your password]({{ url }})", {"url": "javascript:alert(1)"})
    assert "javascript" not in filled.text
    assert filled.text == "<p><a>Reset your password</a></p>"


def test_fill_html_keeps_a_safe_url_in_link_placeholder() -> None:
    filled = fill_html("[Order]({{ url }})", {"url": "https://shop.example/o?id=1&x=2"})
    assert 'href="https://shop.example/o?id=1&amp;x=2"' in filled.text


def test_fill_html_does_not_render_markdown_from_values() -> None:
    filled = fill_html("Note: {{ v }}", {"v": "**bold** [a](javascript:x)"})
    assert filled.text == "<p>Note: **bold** [a](javascript:x)</p>"


def test_fill_html_does_not_render_block_markdown_from_values() -> None:
    filled = fill_html("{{ v }}", {"v": "# Heading\n\n- item"})
    assert "<h1" not in filled.text and "<li>" not in filled.text


def test_fill_html_missing_placeholder_in_link_does_not_break_the_tag() -> None:
    filled = fill_html("[x]({{ url }}) and {{ url }}", {})
    assert filled.missing == ["url"]
    assert filled.text.startswith('<p><a href="{{ url }}">x</a> and <mark')


def test_fill_html_values_in_code_are_escaped_once() -> None:
    filled = fill_html("Run `{{ cmd }}`", {"cmd": "a < b && c"})
    assert filled.text == "<p>Run <code>a &lt; b &amp;&amp; c</code></p>"


def test_fill_html_value_in_heading_is_escaped() -> None:
    filled = fill_html("## Hello {{ name }}", {"name": "<b>Ana</b>"})
    assert "<b>" not in filled.text
    assert "Hello &lt;b&gt;Ana&lt;/b&gt;</h2>" in filled.text


def test_fill_html_author_html_around_values_is_still_sanitised() -> None:
    filled = fill_html('<a href="{{ url }}" onclick="x()">go</a>', {"url": "javascript:alert(1)"})
    assert "javascript" not in filled.text and "onclick" not in filled.text
