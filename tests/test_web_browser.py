"""The web pages in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``,
through Selenium), served by the real ``monitor web`` from a pipeline-filled desk: a person
clicks through stories, a case timeline, a failing source, retrying a dead delivery, the
explain form and the Atom feed, and hostile text stays inert. Screenshots go to
``tests/output/``.

Skipped when Chromium is absent, unless MONITOR_REQUIRE_BROWSER=1 (as CI sets it), which
makes them fail instead.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from slackstub import SlackStub
from webdesk import (
    ADMIN_ENV,
    ADMIN_PASSWORD,
    MDL_KEY,
    SCRIPT_TITLE,
    SLACK_ENV,
    Served,
    desk_config,
    fill_desk,
    serve,
)

OUTPUT = Path(__file__).resolve().parent / "output"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
)

pytestmark = pytest.mark.browser


def _chromium() -> tuple[str, str]:
    """Paths of chromium and chromedriver, or skip (fail under MONITOR_REQUIRE_BROWSER=1)."""
    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if browser and driver:
        return browser, driver
    reason = "browser tests need Debian's chromium and chromium-driver (apt-get install)"
    if os.environ.get("MONITOR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}; MONITOR_REQUIRE_BROWSER=1")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Served]]:
    old = dict(os.environ)
    os.environ.update({ADMIN_ENV: ADMIN_PASSWORD, SLACK_ENV: "xoxb-browser-tests"})
    with FeedServer() as feeds, SlackStub() as slack:
        config = desk_config(tmp_path_factory.mktemp("desk"), feeds, slack)
        fill_desk(config, feeds, slack)
        served = serve("web", "--config", str(config))
        try:
            yield config, served
        finally:
            served.stop()
            os.environ.clear()
            os.environ.update(old)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    binary, driver = _chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.set_page_load_timeout(30)
    OUTPUT.mkdir(exist_ok=True)
    try:
        yield chrome
    finally:
        chrome.quit()


def _shot(browser: webdriver.Chrome, name: str) -> None:
    browser.save_screenshot(str(OUTPUT / f"{name}.png"))


def _wait(browser: webdriver.Chrome) -> WebDriverWait:  # type: ignore[type-arg]
    return WebDriverWait(browser, 20)


def _no_alert(browser: webdriver.Chrome) -> bool:
    try:
        browser.switch_to.alert  # noqa: B018  (raises when no dialog is open)
    except NoAlertPresentException:
        return True
    return False


def test_stories_list_to_a_story_page(browser: webdriver.Chrome, desk: tuple[Path, Served]) -> None:
    _, served = desk
    browser.get(served.base + "/")
    _shot(browser, "stories")
    browser.find_element(By.LINK_TEXT, "Clearview AI settles Illinois privacy lawsuit").click()
    _wait(browser).until(ec.url_contains("/stories/"))
    assert browser.find_element(By.TAG_NAME, "h1").text == (
        "Clearview AI settles Illinois privacy lawsuit"
    )
    assert "new story" in browser.find_element(By.CSS_SELECTOR, "table.entries").text
    assert browser.find_elements(By.CSS_SELECTOR, "table.deliveries .state")
    _shot(browser, "story")


def test_filtering_stories_swaps_the_list_in_place(
    browser: webdriver.Chrome, desk: tuple[Path, Served]
) -> None:
    _, served = desk
    browser.get(served.base + "/")
    words = browser.find_element(By.NAME, "q")
    words.send_keys("illinois")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    _wait(browser).until(ec.url_contains("q=illinois"))  # htmx pushed the filtered URL
    _wait(browser).until(lambda b: "Italian regulator" not in b.find_element(By.ID, "stories").text)
    assert "settles Illinois privacy lawsuit" in browser.find_element(By.ID, "stories").text


def test_a_case_timeline(browser: webdriver.Chrome, desk: tuple[Path, Served]) -> None:
    _, served = desk
    browser.get(served.base + "/cases")
    browser.find_element(By.LINK_TEXT, MDL_KEY).click()
    _wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "ol.timeline")))
    filings = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ol.timeline li")]
    assert "Status Hearing" in filings[0]
    assert any("#612" in f and "Motion to Appoint Counsel" in f for f in filings)
    assert "possible gap in ilnd" in browser.find_element(By.CSS_SELECTOR, "ul.gaps").text
    _shot(browser, "case")


def test_a_failing_sources_error_in_plain_words(
    browser: webdriver.Chrome, desk: tuple[Path, Served]
) -> None:
    _, served = desk
    browser.get(served.base + "/sources")
    first = browser.find_element(By.CSS_SELECTOR, "table.sources tbody tr")
    assert first.get_attribute("id") == "source-broken"
    assert "There is no feed at this address any more" in first.text
    assert "HTTP 404 Not Found" in first.text
    _shot(browser, "sources")


def test_retrying_a_dead_delivery(browser: webdriver.Chrome, desk: tuple[Path, Served]) -> None:
    config, served = desk
    browser.get(served.base + "/admin")
    browser.find_element(By.NAME, "password").send_keys(ADMIN_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form.signin button").click()
    _wait(browser).until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "Signed in"))
    browser.get(served.base + "/deliveries?show=dead")
    row = browser.find_element(By.CSS_SELECTOR, "tr[id^=delivery-]")
    dead = int(str(row.get_attribute("id")).removeprefix("delivery-"))
    assert "channel_not_found" in row.text
    _shot(browser, "deliveries")
    row.find_element(By.XPATH, ".//button[text()='Retry']").click()
    _wait(browser).until(ec.url_contains("done=retried"))
    assert "owed again" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    with sqlite3.connect(config.parent / "monitor.db") as db:
        (state,) = db.execute("SELECT state FROM deliveries WHERE id = ?", (dead,)).fetchone()
    assert state == "pending"


def test_the_explain_form(browser: webdriver.Chrome, desk: tuple[Path, Served]) -> None:
    _, served = desk
    browser.get(served.base + "/topics/clearview")
    browser.find_element(By.NAME, "title").send_keys("Dutch watchdog fines Clearview AI")
    browser.find_element(By.XPATH, "//button[text()='Explain']").click()
    _wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#outcome .verdict")))
    outcome = browser.find_element(By.ID, "outcome").text
    assert "topic clearview: MATCHES" in outcome
    assert '[yes] "Clearview AI"' in outcome
    assert browser.current_url.endswith("/topics/clearview")  # htmx swapped the result in
    _shot(browser, "explain")


def test_the_atom_feed(browser: webdriver.Chrome, desk: tuple[Path, Served]) -> None:
    _, served = desk
    browser.get(served.base + "/feeds")
    browser.find_element(By.LINK_TEXT, "All alerts").click()
    _wait(browser).until(ec.url_contains("/feeds/alerts.atom"))
    assert "urn:monitor:feed:alerts" in browser.page_source
    assert "Clearview AI settles Illinois privacy lawsuit" in browser.page_source


def test_hostile_text_stays_inert(browser: webdriver.Chrome, desk: tuple[Path, Served]) -> None:
    _, served = desk
    browser.get(served.base + "/")
    browser.find_element(By.LINK_TEXT, SCRIPT_TITLE).click()
    _wait(browser).until(ec.url_contains("/stories/"))
    assert _no_alert(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == SCRIPT_TITLE
    assert not browser.find_elements(By.CSS_SELECTOR, "a[href^='javascript:'], a[href^='data:']")
    assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img")
    assert "[javascript:alert(document.cookie)]" in browser.find_element(By.TAG_NAME, "main").text
    browser.get(served.base + "/?q=ping")
    assert "<!channel> Clearview AI ping everyone" in browser.find_element(By.ID, "stories").text
    assert _no_alert(browser)
