"""Headless Chromium for the flatplan's browser tests: Debian's chromium driven by Debian's
chromedriver through Selenium.  Test-only.

Why Selenium and not Playwright: Debian builds chromium and chromium-driver from one
source, so the driver always speaks the browser's protocol version; Playwright drives a
browser build it pins and only promises to work with that build, which cannot be
downloaded here.  Selenium is pure Python and is told where both binaries are, so it never
looks for (or downloads) anything else.

The tests skip when the browser is missing, except on CI (CI=true), where .ci/run installs
it and a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000")


def _missing() -> str:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} is not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return ""


def require_browser() -> None:
    """Skip the test when there is no browser to run it in, unless on CI (there: fail)."""
    why = _missing()
    if why:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"browser tests must run on CI: {why}")
        pytest.skip(why)


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (a Selenium WebDriver) with a fresh profile, its console logged."""
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tempfile.mkdtemp(prefix="flatplan-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver) -> list[str]:
    """The console's errors (and uncaught exceptions) since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
