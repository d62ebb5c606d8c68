"""A real browser: Debian's headless Chromium, driven by Selenium, against the app started by the README's
command (`./dev ui`). It starts a call, sends a typed turn, waits for the verified reply (the identity question) and saves a
screenshot that must not be blank."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import ROOT

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
SCREENSHOTS = ROOT / "data" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("ui")
    port = _free_port()
    env = dict(os.environ, CONSTELLATION_DB=f"sqlite:///{tmp / 'calls.sqlite3'}", CONSTELLATION_DATA_DIR=str(tmp))
    log = (tmp / "ui.log").open("w")
    proc = subprocess.Popen([str(ROOT / "dev"), "ui", "--port", str(port)], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"./dev ui exited with {proc.returncode}: {(tmp / 'ui.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("the app did not answer within 120 s")
        yield url
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(10)


@pytest.fixture
def browser() -> Iterator[object]:
    if not (CHROMIUM and CHROMEDRIVER):
        message = "Debian's chromium and chromium-driver are needed (./dev test installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.timeout(300)
def test_a_typed_turn_in_a_real_browser(app_url: str, browser) -> None:  # noqa: ANN001
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.get(app_url)
    try:
        _call_and_type(browser, wait)
    except Exception:
        browser.save_screenshot(str(SCREENSHOTS / "voice_demo_failure.png"))
        raise
    _check_screenshot(browser)


def _call_and_type(browser, wait) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    start = wait.until(ec.element_to_be_clickable((By.XPATH, "//button[.//p[text()='Start call']]")))
    start.click()
    box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "textarea[data-testid='stChatInputTextArea']")))
    box.send_keys("Hello?")
    box.send_keys(Keys.ENTER)
    wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid='stMain']"), "full name and date of birth"))
    assert "Safety panel" in browser.find_element(By.CSS_SELECTOR, "[data-testid='stMain']").text


def _check_screenshot(browser) -> None:  # noqa: ANN001
    from PIL import Image

    shot = SCREENSHOTS / "voice_demo_typed_turn.png"
    assert browser.save_screenshot(str(shot))
    image = Image.open(shot).convert("RGB")
    assert image.size[0] >= 1000
    colours = image.getcolors(maxcolors=1 << 20) or []
    background = max(colours)[0] / (image.size[0] * image.size[1])
    assert len(colours) > 50 and background < 0.97  # text, buttons and icons, not a blank page
