"""The pure parts of the web pages: settings.web validation (who may be exposed), the
filters that keep feed text inert, plain words for source errors, CSRF and admin tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from monitor.config import WebSettings, exposure_problem
from monitor.configfile import load_config
from monitor.errors import ConfigError
from monitor.web.render import marked, safe_url, xml_text
from monitor.web.security import Access
from monitor.web.words import plain_error


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.9", "localhost", "::1", "[::1]"])
def test_loopback_hosts_need_no_credentials(host: str) -> None:
    assert WebSettings(host=host, port=8090).host == host


@pytest.mark.parametrize("host", ["0.0.0.0", "", "::", "10.1.2.3", "monitor.example.org"])
def test_an_exposed_host_needs_reader_credentials_or_a_trusted_proxy(host: str) -> None:
    with pytest.raises(ValidationError, match="exposes the web pages beyond this machine"):
        WebSettings(host=host, port=8090)
    assert WebSettings(host=host, auth={"token": "a-long-reader-token"}).auth.readers
    assert WebSettings(host=host, trusted_proxy=["10.0.0.0/8"]).trusted_proxy == ["10.0.0.0/8"]
    admin_only = WebSettings(auth={"admin_password": "a-long-admin-password"})
    assert exposure_problem(host, admin_only) is not None  # admins are not readers' auth


def test_web_settings_problems_name_the_key_and_never_the_secret(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "settings:\n  web:\n    port: 8090\n    auth:\n      username: desk\n"
        "      token: ${SHORT}\n    trusted_proxy: [not-an-address]\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={"SHORT": "tiny-secret"})
    text = str(caught.value)
    assert "tiny-secret" not in text
    assert f"{path}:6: settings.web.auth.token: too short" in text
    assert f"{path}:7: settings.web.trusted_proxy[0]: expected an IP" in text
    with pytest.raises(ValidationError, match="username and password go together"):
        WebSettings(auth={"username": "desk", "token": "a-long-reader-token"})


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://news.example.com/a?b=1", True),
        ("http://127.0.0.1:8000/x", True),
        ("javascript:alert(1)", False),
        (" JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("//evil.example/x", False),
        ("/relative/path", False),
        ("https://", False),
        ("https://exa mple.com/", False),
        ("https://example.com/\nx", False),
        (None, False),
    ],
)
def test_only_http_links_with_a_host_are_safe(url: str | None, safe: bool) -> None:
    assert (safe_url(url) is not None) == safe


@given(st.text())
def test_marked_snippets_never_carry_markup(text: str) -> None:
    html = str(marked(text))
    stripped = html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


def test_marked_turns_the_snippet_marking_into_mark() -> None:
    assert str(marked("a **Clearview AI** <b>x</b>")) == (
        "a <mark>Clearview AI</mark> &lt;b&gt;x&lt;/b&gt;"
    )
    assert str(marked("unpaired ** <i>")) == "unpaired ** &lt;i&gt;"


def test_xml_text_drops_what_xml_forbids() -> None:
    assert xml_text("a\x00b\x08c\x0bd\ttab\nline\ufffe") == "abcd\ttab\nline"


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("HTTP 404 Not Found", "There is no feed at this address any more"),
        ("HTTP 503 Service Unavailable (retry after 120s)", "failing on its side"),
        ("HTTP 418", "answered with an error (HTTP 418)"),
        ("timed out after 60s", "took too long"),
        ("host not found", "does not exist"),
        ("not a feed: HTML page", "serves a web page, not a feed"),
        ("something new", "The last poll failed."),
        (None, ""),
    ],
)
def test_source_errors_in_plain_words(error: str | None, words: str) -> None:
    assert words in plain_error(error)


def test_csrf_and_admin_tokens_fit_only_their_browser() -> None:
    access = Access(WebSettings(auth={"admin_password": "a-long-admin-password"}))
    replica = Access(WebSettings(auth={"admin_password": "a-long-admin-password"}))
    other = Access(WebSettings(auth={"admin_password": "another-admin-password"}))
    token = access.csrf_token("seed-a")
    assert access.csrf_ok("seed-a", token) and replica.csrf_ok("seed-a", token)
    assert not access.csrf_ok("seed-b", token) and not other.csrf_ok("seed-a", token)
    assert not access.csrf_ok("seed-a", None) and not access.csrf_ok("", token)
    assert access.admin_password_ok("a-long-admin-password")
    assert not access.admin_password_ok("a-long-admin-passwor")
    assert not Access(WebSettings()).admin_password_ok("")
