"""Each user's main path in real headless Chromium (Debian's chromium + chromium-driver, driven by Selenium),
against one live server (`python -m api serve`) on the demo content `make run` seeds.

Skipped, with the reason printed, when Chromium or its driver is missing; mandatory with REQUIRE_SERVICES=1
(.ci/run installs them). Screenshots of every screen go to $SCREENSHOT_DIR (default var/screenshots, ignored by
git), at desktop and at phone width.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "var" / "screenshots")
WAIT_S = 30


def _need_browser() -> None:
    if CHROMIUM and DRIVER:
        return
    reason = ("Chromium or chromedriver is not installed (apt-get install chromium chromium-driver): "
              "browser tests skipped")
    print(reason)
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}, but REQUIRE_SERVICES=1 makes them mandatory")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "api", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One server for every browser test: migrated, demo content seeded, a key per role."""
    _need_browser()
    folder = tmp_path_factory.mktemp("live")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'app.db'}", "CHROMA_PATH": str(folder / "chroma"),
           "OUTBOX_DIR": str(folder / "outbox"), "PORT": str(port), "SECRET_KEY": "browser-test-secret",
           "LLM_PROVIDER": "offline", "VOICE_PROVIDER": "simulated", "MAIL_TRANSPORT": "outbox",
           "SEND_RATE_PER_DOMAIN": "0", "CELERY_BROKER_URL": "", "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    _cli(env, "migrate")
    keys = {"admin": _cli(env, "bootstrap-demo", "--count", "60")}
    for role in ("manager", "marketer", "evaluator"):
        keys[role] = _cli(env, "create-key", "--org", "demo", "--role", role)
    log = open(folder / "server.log", "w")  # noqa: SIM115  (open for the server's whole life)
    server = subprocess.Popen([sys.executable, "-m", "api", "serve", "--port", str(port), "--workers", "1"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2):
                break
        except OSError as exc:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                log_text = (folder / "server.log").read_text()[-2000:]
                raise RuntimeError("the server did not start: " + log_text) from exc
            time.sleep(0.5)
    yield {"base": base, **keys}
    server.terminate()
    server.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser(live_server: dict[str, str]) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1280,900", "--lang=en-US"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.implicitly_wait(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture()
def page(browser, live_server):  # type: ignore[no-untyped-def]
    """The shared browser, signed out and at desktop width."""
    browser.delete_all_cookies()
    browser.set_window_size(1280, 900)
    return browser


def _wait(driver, condition, timeout: float = WAIT_S):  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def settled(d):  # type: ignore[no-untyped-def]
        try:
            return condition(d)
        except WebDriverException as exc:
            if "does not belong to the document" in (exc.msg or ""):
                return False  # Chromium's way of saying stale, for a node read while the page navigates
            raise

    # htmx swaps parts of the page: an element read mid-swap is stale, and the condition is simply tried again.
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(settled)


def _css(driver, selector: str):  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return _wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, selector)))


def _all(driver, selector: str) -> list:  # type: ignore[type-arg]
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def _shot(driver, name: str, phone: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Full-page screenshots at desktop width, and at phone width (390 px, mobile emulation) when asked."""
    sizes = [("", 1280, False)] + ([("-phone", 390, True)] if phone else [])
    for suffix, width, mobile in sizes:
        metrics = {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": mobile}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": min(height, 8000)})
        driver.save_screenshot(str(SHOTS / f"{name}{suffix}.png"))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _sign_in(driver, live_server, role: str) -> None:  # type: ignore[no-untyped-def]
    driver.get(live_server["base"] + "/app/")
    assert "/login" in driver.current_url  # no session: the app sends the browser to sign in
    _css(driver, "#api_key").send_keys(live_server[role])
    _css(driver, "form[action='/login'] button[type=submit]").click()
    _wait(driver, lambda d: "/login" not in d.current_url)


def _live_text(driver, selector: str) -> str:  # type: ignore[no-untyped-def]
    """The element's text read in the page itself: htmx may swap the element between two WebDriver calls."""
    return driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : ''",
                                 selector)


def _text(driver) -> str:  # type: ignore[no-untyped-def]
    return _css(driver, "main").text


def test_marketer_searches_refines_and_adds_to_a_campaign(page, live_server):
    page.get(live_server["base"] + "/login")
    _shot(page, "01-login")
    _sign_in(page, live_server, "marketer")
    assert page.current_url.endswith("/app/search")
    _css(page, "#query").send_keys("beauty creators with 10K+ followers")
    _css(page, "#search-form button[type=submit]").click()
    _wait(page, lambda d: _all(d, ".chip") and _all(d, "article.card"))
    first_chips = [c.text for c in _all(page, ".chip")]
    assert any("beauty" in c for c in first_chips)
    _css(page, "#query").send_keys("only on instagram")
    _css(page, "#search-form button[type=submit]").click()
    _wait(page, lambda d: any("instagram" in c.text for c in _all(d, ".chip")))
    assert len(_all(page, ".bubble.you")) == 2  # the refinement is a chat turn
    _shot(page, "02-search")
    platform_chip = next(c for c in _all(page, ".chip") if "instagram" in c.text)
    platform_chip.find_element("css selector", "button").click()
    _wait(page, lambda d: not any("instagram" in c.text for c in _all(d, ".chip")))
    assert any("beauty" in c.text for c in _all(page, ".chip"))  # the other constraints stay
    cards = _all(page, "article.card")
    assert cards and cards[0].find_element("css selector", ".score").text
    assert cards[0].find_elements("css selector", "ul li")  # reasons
    for card in cards[:2]:
        card.find_element("css selector", "input[type=checkbox]").click()
    _css(page, "#add-to-campaign").click()
    _wait(page, lambda d: "Added" in _live_text(d, "#shortlist-status"))
    assert "to the campaign" in _live_text(page, "#shortlist-status")
    _shot(page, "03-search-added", phone=False)
    cards = _all(page, "article.card h3 a")
    cards[0].click()
    _wait(page, lambda d: "/app/creators/" in d.current_url)
    assert "Platforms" in _text(page) and "Add to a campaign" in _text(page)
    _shot(page, "04-creator")


def test_marketer_sees_no_launch_button_and_no_negotiations(page, live_server):
    _sign_in(page, live_server, "marketer")
    nav = _css(page, "header nav").text
    assert "Negotiations" not in nav and "Replays" not in nav
    page.get(live_server["base"] + "/app/campaigns")
    _css(page, "table a").click()
    _wait(page, lambda d: "Members" in _text(d))
    assert not _all(page, "#launch-button")


def test_manager_launches_watches_progress_takes_over_sends_and_resumes(page, live_server):
    _sign_in(page, live_server, "manager")
    page.get(live_server["base"] + "/app/campaigns")
    _shot(page, "05-campaigns")
    _css(page, "table a").click()
    _wait(page, lambda d: _all(d, "#launch-button"))
    _shot(page, "06-campaign")
    ticked = [b for b in _all(page, "input[name=influencer_ids]") if b.is_selected()]
    assert ticked, "the demo campaign has creators not contacted yet"
    _css(page, "#launch-button").click()
    _wait(page, lambda d: "Launched email outreach" in _text(d))
    _wait(page, lambda d: _live_text(d, "#job-status") in ("done", "failed"), 90)
    assert _live_text(page, "#job-status") == "done"
    # The page reloads when the launch ends: the launched creators are no longer "added".
    _wait(page, lambda d: not _all(d, "#launch-form input[name=influencer_ids]:checked"))
    _shot(page, "07-campaign-launched", phone=False)

    page.get(live_server["base"] + "/app/negotiations")
    statuses = [b.text for b in _all(page, "td .badge") if b.text in ("open", "escalated", "agreed", "declined")]
    assert statuses and statuses[0] == "escalated"  # escalations first
    _shot(page, "08-inbox")
    page.get(live_server["base"] + "/app/negotiations?status=open")
    _css(page, "table td a").click()
    _wait(page, lambda d: _all(d, "#take-over"))
    assert len(_all(page, ".chart svg")) == 2
    _shot(page, "09-negotiation")
    _css(page, "#take-over").click()
    _wait(page, lambda d: _all(d, "#reply-text"))
    assert "held by a person" in _text(page)
    _css(page, "#reply-text").send_keys("We can offer $9,500 for the package.")
    _css(page, "#offer_usd").send_keys("9500")
    _css(page, "#send-reply").click()
    _wait(page, lambda d: "Your reply was not sent" in _text(d))
    assert "above the ceiling" in _text(page)
    _css(page, "#reply-text").send_keys("We can offer $2,100 for the reel and the stories.")
    _css(page, "#offer_usd").send_keys("2100")
    _css(page, "#send-reply").click()
    _wait(page, lambda d: "Your reply is on the thread" in _text(d))
    person = _all(page, ".msg.person")
    assert person and "$2,100" in person[-1].text
    _shot(page, "10-takeover")
    _css(page, "#resume").click()
    _wait(page, lambda d: "Handed back to the agent" in _text(d))
    assert not _all(page, "#held") and _all(page, "#take-over")


def test_evaluator_opens_a_replay_and_annotates_a_turn(page, live_server):
    _sign_in(page, live_server, "evaluator")
    assert page.current_url.endswith("/app/negotiations")
    page.get(live_server["base"] + "/app/negotiations?status=agreed")
    _css(page, "table td a").click()
    _wait(page, lambda d: "Open the replay viewer" in _text(d))
    assert not _all(page, "#take-over")  # the evaluator may read, not take over
    _css(page, "a[href$='/replay']").click()
    _wait(page, lambda d: _all(d, "#turns tbody tr"))
    assert "Compared with replay" in _text(page)  # the demo's replay holds this negotiation
    _shot(page, "11-replay-viewer")
    row = _all(page, "#turns tbody tr")[1]
    row.find_element("css selector", "select").send_keys("bad")
    row.find_element("css selector", "input[name=note]").send_keys("conceded too fast")
    row.find_element("css selector", "button").click()
    _wait(page, lambda d: "Turn 2 labelled bad" in _text(d))
    assert "conceded too fast" in _all(page, "#turns tbody tr")[1].text
    page.get(live_server["base"] + "/app/replays")
    assert _all(page, "table .badge.done")
    _shot(page, "12-replays")
    _css(page, "table td a").click()
    _wait(page, lambda d: "Agreement" in _text(d))
    _shot(page, "13-replay-report")


def test_a_post_without_the_csrf_token_is_refused(page, live_server):
    _sign_in(page, live_server, "manager")
    page.get(live_server["base"] + "/app/negotiations?status=open")
    _css(page, "table td a")
    # an open negotiation no person holds (another test may have left one taken over)
    free = [row for row in _all(page, "table tbody tr") if not row.find_elements("css selector", ".badge.paused")]
    assert free, "no open negotiation left that the agent holds"
    href = free[0].find_element("css selector", "td a").get_attribute("href")
    status = page.execute_script(
        "return fetch(arguments[0] + '/takeover', {method: 'POST', credentials: 'same-origin'})"
        ".then(r => r.status)", href)
    assert status == 400
    page.get(href)
    assert _all(page, "#take-over") and not _all(page, "#held")  # nothing was taken over
