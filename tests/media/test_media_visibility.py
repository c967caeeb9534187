"""Who may load an uploaded image, and how articles show one (issue 27)."""

from __future__ import annotations

import io
import re

from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

YEAR = 365 * 24 * 3600


def uploaded(api, size=(1200, 800), fmt="PNG") -> dict:
    image = Image.new("RGB", size, (40, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(buffer.getvalue()), "shot.png")})
    response = api.post("/media", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def article_page(client, document) -> str:
    response = client.get(f"/en/articles/{document.slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_image_used_only_by_a_draft_is_not_public(api_as, client, make_document):
    api, _ = api_as("agent")
    image = uploaded(api)
    make_document("article", state="draft", body=f"![Settings screen]({image['url']})")
    make_document("article", state="in_review", body=f"![Settings screen]({image['url']})")
    response = client.get(image["url"])
    assert response.status_code == 404
    assert client.get(image["url"], headers=api.headers).status_code == 200  # staff preview it
    assert "public" not in client.get(image["url"], headers=api.headers).headers["Cache-Control"]


def test_an_internal_article_or_a_macro_does_not_make_it_public(api_as, client, make_document):
    api, _ = api_as("agent")
    image = uploaded(api)
    make_document("article", state="published", visibility="internal", body=f"![x]({image['url']})")
    make_document("macro", state="published", body=f"Look: ![x]({image['url']})")
    assert client.get(image["url"]).status_code == 404


def test_a_published_public_article_makes_it_public_and_cacheable(api_as, client, make_document):
    api, _ = api_as("agent")
    image = uploaded(api)
    make_document("article", state="published", body=f"Open the menu.\n\n![The menu]({image['url']})")
    response = client.get(image["url"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"] == f'"{image["sha256"]}"'
    assert response.headers["Cache-Control"] == f"public, max-age={YEAR}, immutable"
    again = client.get(image["url"], headers={"If-None-Match": f'"{image["sha256"]}"'})
    assert again.status_code == 304 and again.data == b""


def test_archiving_the_article_makes_it_private_again(api_as, client, make_document):
    api, _ = api_as("agent")
    image = uploaded(api)
    make_document("article", state="archived", body=f"![x]({image['url']})")
    assert client.get(image["url"]).status_code == 404


def test_the_article_shows_it_sized_lazy_and_with_smaller_widths(api_as, client, make_document):
    api, _ = api_as("agent")
    image = uploaded(api, size=(1200, 800))
    document = make_document("article", state="published", body=f"![The menu]({image['url']})")
    tag = re.search(r"<img[^>]*>", article_page(client, document))[0]
    sha = image["sha256"]
    assert f'src="/media/{sha}.png"' in tag
    assert 'alt="The menu"' in tag
    assert 'width="1200"' in tag and 'height="800"' in tag
    assert 'loading="lazy"' in tag
    assert f'srcset="/media/{sha}-480w.png 480w, /media/{sha}-960w.png 960w, /media/{sha}.png 1200w"' in tag
    smaller = client.get(f"/media/{sha}-480w.png")
    assert smaller.status_code == 200
    with Image.open(io.BytesIO(smaller.data)) as scaled:
        assert scaled.size == (480, 320)
    assert client.get(f"/media/{sha}-500w.png").status_code == 404


def test_other_images_are_left_alone(client, make_document):
    document = make_document("article", state="published",
                             body="![logo](https://cdn.example.com/logo.png)\n\n![gone](/media/" + "a" * 64 + ".png)")
    page = article_page(client, document)
    assert '<img alt="logo" src="https://cdn.example.com/logo.png">' in page
    assert "srcset" not in page and 'loading="lazy"' not in page


def test_a_wrong_ending_or_a_made_up_name_is_a_404(api_as, client, make_document):
    api, _ = api_as("agent")
    image = uploaded(api)
    make_document("article", state="published", body=f"![x]({image['url']})")
    assert client.get(image["url"].replace(".png", ".jpg")).status_code == 404
    assert client.get("/media/../../etc/passwd").status_code == 404
    assert client.get("/media/" + "b" * 64 + ".png").status_code == 404
