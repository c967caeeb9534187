"""The sanitiser keeps what kb adds to its own images and nothing an author could abuse."""

from __future__ import annotations

import pytest

from kb.content.markdown import sanitize_html

SHA = "c" * 64


def test_what_kb_adds_to_its_images_survives_sanitising():
    tag = (f'<img alt="x" src="/media/{SHA}.png" width="1200" height="800" loading="lazy" '
           f'srcset="/media/{SHA}-480w.png 480w, /media/{SHA}.png 1200w">')
    assert sanitize_html(tag) == tag


@pytest.mark.parametrize("srcset", [
    "javascript:alert(1) 480w",
    "https://evil.example.com/a.png 480w",
    f"/media/{SHA}.png 480w, javascript:alert(1) 960w",
    f"/media/{SHA}.svg 480w",
    f"//evil.example.com/media/{SHA}.png 480w",
    f"/media/{SHA}.png 480w\" onerror=\"alert(1)",
])
def test_any_other_srcset_is_dropped(srcset):
    clean = sanitize_html(f'<img src="/media/{SHA}.png" srcset="{srcset.replace(chr(34), "&quot;")}">')
    assert "srcset" not in clean and "onerror" not in clean
    assert clean == f'<img src="/media/{SHA}.png">'


def test_loading_is_kept_only_as_lazy():
    assert sanitize_html('<img src="/a.png" loading="eager">') == '<img src="/a.png">'
    assert sanitize_html('<img src="/a.png" loading="lazy">') == '<img src="/a.png" loading="lazy">'
