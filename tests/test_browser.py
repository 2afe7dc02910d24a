"""The built documentation site, opened in a real browser (headless Chromium).

Runs when LERNMI_SITE_DIR names a site built by tools/docs.sh (tools/browser.sh builds one
and runs this file); skips otherwise. With the variable set, a missing browser or driver is
a failure, not a skip: the check was asked for.

Three pages: the front page, an API page and the Playground notebook's page. Each is served
from 127.0.0.1, loaded, and must show no error in the browser's console, no image that did
not load, and a page with real text on it. A screenshot of each goes to
LERNMI_SCREENSHOT_DIR (or the test's temporary folder) for a person to look at.
"""

import contextlib
import functools
import http.server
import os
import pathlib
import shutil
import threading

import pytest

SITE = os.environ.get("LERNMI_SITE_DIR")
pytestmark = pytest.mark.skipif(not SITE, reason="set LERNMI_SITE_DIR to a site built by "
                                                 "tools/docs.sh (tools/browser.sh does both)")

#: The pages opened, by a name for the screenshot: (path in the site, text the page must show).
PAGES = {
    "front": ("index.html", "lernmi"),
    "api": ("api/lernmi.html", "Network"),
    "playground": ("playground.html", "spirals"),
}
#: Less visible text than this, and the page counts as empty.
MIN_TEXT = 500
#: How tall a screenshot may get (pixels): the whole page, up to this.
MAX_HEIGHT = 12000

DRIVER_NAMES = ("chromedriver", "chromium.chromedriver")
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="module")
def server():
    """The site, served on a free port of 127.0.0.1 for as long as the module's tests run."""
    handler = functools.partial(Quiet, directory=str(pathlib.Path(SITE).resolve()))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
        httpd.shutdown()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    driver_path = next(filter(None, map(shutil.which, DRIVER_NAMES)), None)
    browser_path = next(filter(None, map(shutil.which, BROWSER_NAMES)), None)
    if driver_path is None or browser_path is None:
        pytest.fail("no Chromium or no chromedriver on PATH: on Debian, apt-get install "
                    "chromium chromium-driver (tools/browser.sh does)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser_path
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The driver given by path, so that Selenium does not try to download one.
    service = webdriver.ChromeService(executable_path=driver_path)
    with contextlib.closing(webdriver.Chrome(options=options, service=service)) as driver:
        driver.set_page_load_timeout(60)
        yield driver


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = os.environ.get("LERNMI_SCREENSHOT_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        return pathlib.Path(folder)
    return tmp_path_factory.mktemp("screenshots")


def open_page(driver, url):
    """Load url; its console messages (errors, warnings) as (level, text) pairs."""
    driver.get_log("browser")                  # forget the previous page's messages
    driver.get(url)
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "if (document.readyState === 'complete') done(); "
        "else window.addEventListener('load', () => done());")
    return [(entry["level"], entry["message"]) for entry in driver.get_log("browser")]


def broken_images(driver):
    """The src of every <img> on the page that did not load (or loaded as nothing)."""
    return driver.execute_script(
        "return Array.from(document.images)"
        ".filter(img => !img.complete || img.naturalWidth === 0)"
        ".map(img => img.currentSrc || img.src);")


def screenshot(driver, path):
    """The whole page (up to MAX_HEIGHT pixels tall) as a PNG at path."""
    height = driver.execute_script("return document.documentElement.scrollHeight;")
    driver.set_window_size(1280, min(max(height, 900), MAX_HEIGHT))
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)


@pytest.mark.parametrize("name", PAGES)
def test_page_shows_without_errors(browser, server, shots, name):
    path, wanted = PAGES[name]
    assert (pathlib.Path(SITE) / path).is_file(), f"the site has no {path}"
    messages = open_page(browser, f"{server}/{path}")
    errors = [text for level, text in messages if level == "SEVERE"]
    assert errors == [], f"console errors on {path}"
    assert broken_images(browser) == [], f"images that did not load on {path}"
    text = browser.execute_script("return document.body.innerText;")
    assert len(text) >= MIN_TEXT, f"{path} shows only {len(text)} characters"
    assert wanted in text
    screenshot(browser, shots / f"{name}.png")
    assert (shots / f"{name}.png").stat().st_size > 10_000


def test_the_playground_shows_its_pictures(browser, server):
    open_page(browser, f"{server}/playground.html")
    # The notebook's outputs, rendered at build time: matplotlib's figures as images, and
    # the networks' and histories' own drawings (SVG written by lernmi).
    figures = browser.execute_script(
        "return Array.from(document.querySelectorAll('.cell_output img'))"
        ".filter(img => img.naturalWidth > 100).length;")
    drawings = browser.execute_script(
        "return document.querySelectorAll('.cell_output svg').length;")
    assert figures >= 3
    assert drawings >= 1
