"""`kb sidebar-app zendesk DIR` writes a Zendesk Apps framework v2 package for the ticket sidebar."""

import json
import re

KB_URL = "https://help.example.com"


def write(runner, directory, *extra):
    return runner.invoke(args=["sidebar-app", "zendesk", str(directory), "--kb-url", f"{KB_URL}/",
                               "--author-email", "support@example.com", *extra])


def test_the_manifest_places_the_app_in_the_ticket_sidebar(runner, tmp_path):
    result = write(runner, tmp_path / "app")
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "app" / "manifest.json").read_text())
    for key in ("name", "author", "defaultLocale", "location", "version", "frameworkVersion"):
        assert key in manifest
    assert manifest["frameworkVersion"] == "2.0"
    assert manifest["private"] is True
    assert manifest["author"]["email"] == "support@example.com"
    assert manifest["location"] == {"support": {"ticket_sidebar": {"url": "assets/iframe.html", "flexible": True}}}
    assert manifest["domainWhitelist"] == ["help.example.com"]
    parameters = {p["name"]: p for p in manifest["parameters"]}
    assert parameters["kb_url"]["type"] == "url"
    assert parameters["kb_url"]["default"] == KB_URL
    assert parameters["api_token"]["secure"] is True
    assert not parameters["kb_url"].get("secure")


def test_the_package_has_the_iframe_translations_and_logos(runner, tmp_path):
    assert write(runner, tmp_path).exit_code == 0
    html = (tmp_path / "assets" / "iframe.html").read_text()
    assert '<script src="https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js">' in html
    assert f'data-kb-url="{KB_URL}"' in html
    assert "ticket.comment.appendText" in html
    assert "Bearer {{setting.api_token}}" in html
    assert re.search(r"secure: true", html)
    translations = json.loads((tmp_path / "translations" / "en.json").read_text())
    assert translations["app"]["name"]
    assert set(translations["app"]["parameters"]) == {"kb_url", "api_token"}
    for name, size in (("logo.png", 320), ("logo-small.png", 128)):
        data = (tmp_path / "assets" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(data[16:20], "big") == size and int.from_bytes(data[20:24], "big") == size


def test_the_base_url_is_the_default_address(runner, app, tmp_path):
    app.config["BASE_URL"] = "https://kb.example.org"
    result = runner.invoke(args=["sidebar-app", "zendesk", str(tmp_path), "--author-email", "a@example.org"])
    assert result.exit_code == 0, result.output
    assert 'data-kb-url="https://kb.example.org"' in (tmp_path / "assets" / "iframe.html").read_text()


def test_bad_input_gets_a_readable_error_and_nothing_is_overwritten(runner, app, tmp_path):
    app.config["BASE_URL"] = None
    app.config["MAIL_FROM"] = None
    result = runner.invoke(args=["sidebar-app", "zendesk", str(tmp_path / "a"), "--author-email", "a@example.org"])
    assert result.exit_code == 1 and "--kb-url" in result.output
    result = runner.invoke(args=["sidebar-app", "zendesk", str(tmp_path / "b"), "--kb-url", "ftp://x"])
    assert result.exit_code == 1 and "https://help.example.com" in result.output
    result = runner.invoke(args=["sidebar-app", "zendesk", str(tmp_path / "c"), "--kb-url", KB_URL])
    assert result.exit_code == 1 and "--author-email" in result.output
    assert write(runner, tmp_path / "d").exit_code == 0
    (tmp_path / "d" / "manifest.json").write_text("{\"edited\": true}")
    result = write(runner, tmp_path / "d")
    assert result.exit_code == 1 and "already holds an app" in result.output
    assert json.loads((tmp_path / "d" / "manifest.json").read_text()) == {"edited": True}
