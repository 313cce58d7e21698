"""/docs in a real headless Chromium: expand GET /article, Try it out, Execute.

The browser is Debian's ``chromium`` driven through ``chromedriver`` by Selenium
(never a downloaded browser). It can reach this machine only: every host name but
the test's own resolves to nothing, and the test checks that every request the page
made went to 127.0.0.1. The page is served under a non-loopback name
(``docs.article.test``, mapped to 127.0.0.1) because Swagger UI treats localhost and
127.0.0.1 specially (its online validator badge): this is the page a user gets.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import DATA

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
HOST = "docs.article.test"
TITLE = "传承红色基因 凝聚奋进力量"
# Schemes the browser serves from itself: nothing goes over the network for these.
LOCAL_SCHEMES = {"about", "blob", "chrome", "chrome-extension", "data"}
WAIT_SECONDS = 15

if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
    pytest.skip(
        f"Chromium/chromedriver not installed at {CHROMIUM} and {CHROMEDRIVER}: "
        "run `apt-get install -y chromium chromium-driver` (.ci/run does it as root)",
        allow_module_level=True,
    )
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a dev dependency")

from selenium.webdriver.chrome.service import Service  # noqa: E402 (after the skip checks)
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    """``article-api serve`` on a free loopback port; yields the port."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "article-api"), "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--data", str(DATA), "--cache-dir", ""]
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                        break
                except (urllib.error.URLError, OSError):
                    if process.poll() is not None or time.monotonic() > deadline:
                        output.seek(0)
                        pytest.fail(f"server did not start: {output.read().decode()}")
                    time.sleep(0.1)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=15)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="article-api-chromium-")
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--disable-sync",
        "--no-pings",
        "--window-size=1280,1000",
        f"--user-data-dir={profile}",
        # The network fence: our name is this machine, every other name resolves to nothing.
        f"--host-resolver-rules=MAP {HOST} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # Selenium Manager (which may download drivers) is skipped when the driver is given.
    os.environ.setdefault("SE_OFFLINE", "true")
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def network_events(driver: WebDriver) -> list[dict[str, object]]:
    """The DevTools Network events the browser logged since the last call."""
    events = []
    # Selenium leaves ChromiumDriver.get_log unannotated; it returns a list of dicts.
    entries: list[dict[str, str]] = driver.get_log("performance")  # type: ignore[no-untyped-call]
    for entry in entries:
        message = json.loads(entry["message"])["message"]
        if str(message["method"]).startswith("Network."):
            events.append(message)
    return events


def test_try_it_out_shows_the_article_without_leaving_the_machine(
    server: int, browser: WebDriver
) -> None:
    base = f"http://{HOST}:{server}"
    browser.get(f"{base}/docs")
    wait = WebDriverWait(browser, WAIT_SECONDS)
    operation = ".opblock-get .opblock-summary-path[data-path='/article']"
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, operation))).click()
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".opblock.is-open .try-out__btn")))
    browser.find_element(By.CSS_SELECTOR, ".opblock.is-open .try-out__btn").click()
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ".opblock.is-open .execute")))
    browser.find_element(By.CSS_SELECTOR, ".opblock.is-open .execute").click()
    responses = (By.CSS_SELECTOR, ".opblock.is-open .live-responses-table")
    wait.until(ec.text_to_be_present_in_element(responses, TITLE))
    assert "200" in browser.find_element(*responses).text

    events = network_events(browser)
    requested = [
        str(event["params"]["request"]["url"])  # type: ignore[index]
        for event in events
        if event["method"] == "Network.requestWillBeSent"
    ]
    assert f"{base}/article" in requested
    assert f"{base}/openapi.json" in requested
    for url in requested:
        parts = urlsplit(url)
        assert parts.scheme in LOCAL_SCHEMES or parts.hostname == HOST, f"left the page: {url}"
    addresses = {
        str(event["params"]["response"].get("remoteIPAddress", ""))  # type: ignore[index]
        for event in events
        if event["method"] == "Network.responseReceived"
        and str(event["params"]["response"]["url"]).startswith("http")  # type: ignore[index]
    }
    assert addresses == {"127.0.0.1"}, f"responses came from {addresses}"
