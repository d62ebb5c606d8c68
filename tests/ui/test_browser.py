"""A real browser: Debian's headless Chromium, driven by Selenium, against the app started by the README's
command (`./dev ui`). It starts a call, sends a typed turn, waits for the verified reply (the identity question) and saves a
screenshot that must not be blank."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import ROOT, free_port

# One app server and one Chromium per module (module fixtures): keep the tests on one test worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
SCREENSHOTS = ROOT / "data" / "screenshots"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("ui")
    port = free_port()
    db_url = f"sqlite:///{tmp / 'calls.sqlite3'}"
    _seed_portal(db_url)
    env = dict(os.environ, CONSTELLATION_DB=db_url, CONSTELLATION_DATA_DIR=str(tmp))
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


def _seed_portal(url: str) -> None:
    """A rater with one ended call assigned, for the rating test."""
    from careplans import load_care_plan
    from constellation.storage import open_database, repository
    from constellation.storage.models import Assignment
    from evaluation.accounts import create_account
    from tests.conftest import EXAMPLES

    with open_database(url).transaction() as s:
        plan = repository.save_care_plan(s, load_care_plan(EXAMPLES / "heart_failure_ckd_diabetes.yaml"))
        call = repository.create_session(s, plan)
        repository.add_turn(s, call.id, repository.TurnData(index=1, patient_text="Hello?", final_text=(
            "Hi Walt, this is the care team's virtual assistant. Could you tell me your full name and date of birth?"),
            verdict="approved"))
        repository.end_session(s, call.id)
        nurse = create_account(s, "nurse.ana", "ana's long password", clinical_role="RN")
        s.add(Assignment(session_id=call.id, rater_id=nurse.id))


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


@pytest.mark.timeout(300)
def test_a_rater_rates_a_call_end_to_end_in_a_real_browser(app_url: str, browser) -> None:  # noqa: ANN001
    from selenium.common.exceptions import ElementNotInteractableException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    browser.get(f"{app_url}/rate")
    try:
        wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stForm'] input[type='password']")))
        def typed(index: int, text: str):  # noqa: ANN202 - the form may still be re-rendering on a busy machine
            def done(driver):  # noqa: ANN001, ANN202
                inputs = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stForm'] input")
                try:
                    inputs[index].clear()
                    inputs[index].send_keys(text)
                except (IndexError, ElementNotInteractableException, StaleElementReferenceException):
                    return False
                return True
            return done

        wait.until(typed(0, "nurse.ana"))
        wait.until(typed(1, "ana's long password"))
        browser.find_element(By.XPATH, "//button[.//p[text()='Log in']]").click()
        wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid='stMain']"), "Rate calls"))
        wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid='stMain']"), "full name and date"))
        def radios(driver):  # noqa: ANN001, ANN202 - all seven questions rendered
            found = driver.find_elements(By.CSS_SELECTOR, "[data-testid='stRadio']")
            return found if len(found) == 7 else None

        def idle(driver):  # noqa: ANN001, ANN202 - Streamlit's "running" indicator is gone
            return not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']")

        for n in range(7):  # five Likert questions ("4"), two yes/no/unsure ("yes")
            wait.until(idle)
            group = wait.until(radios)[n]
            option = group.find_elements(By.CSS_SELECTOR, "[role='radiogroup'] label")[3 if n < 5 else 0]
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", option)
            time.sleep(0.5)
        wait.until(idle)
        submit = browser.find_element(By.XPATH, "//button[.//p[text()='Submit']]")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", submit)
        wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-testid='stMain']"), "locked"))
        browser.save_screenshot(str(SCREENSHOTS / "portal_rating_submitted.png"))
    except Exception:
        browser.save_screenshot(str(SCREENSHOTS / "portal_rating_failure.png"))
        raise


@pytest.mark.timeout(300)
def test_the_replay_html_report_renders_in_a_real_browser(browser, cli, tmp_path) -> None:  # noqa: ANN001
    """The self-contained HTML report of a two-configuration replay, opened from disk with no network: its
    charts are drawn (SVG with bars) and its tables are filled."""
    from selenium.webdriver.common.by import By

    html = tmp_path / "replay-report.html"
    result = cli("replay", "--transcripts", ROOT / "tests" / "data" / "replay" / "calls.jsonl",
                 "--config", ROOT / "evaluation" / "configs" / "deterministic.yaml",
                 "--config", ROOT / "tests" / "data" / "replay" / "no-labs.yaml",
                 "--out", tmp_path / "report.json", "--html", html, "--db", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.code == 0, result.err
    browser.get(html.as_uri())
    charts = browser.find_elements(By.TAG_NAME, "svg")
    assert len(charts) >= 4 and all(c.size["width"] > 300 and c.size["height"] > 20 for c in charts)
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg rect")) >= 20  # bars, one per kind and configuration
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Wrong cases: no-labs (2)" in text and "call-level clean rate" in text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(1400, 2400)
    assert browser.save_screenshot(str(SCREENSHOTS / "replay_report.png"))
