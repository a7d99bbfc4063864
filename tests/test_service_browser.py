"""End-to-end tests of the moderators' page in headless Chromium (Debian's chromium + chromium-driver, selenium).

The service runs in this process on a loopback port (uvicorn in a thread) over the tiny model, or the shipped model
when it is present. Without Chromium these tests skip with a reason; ``.ci/run`` installs it and sets
GENRE_DETECT_REQUIRE_BROWSER=1, which turns the skip into a failure. Set GENRE_DETECT_SCREENSHOT_DIR=DIR to keep the
shipped model's screenshots of the SAMPLE parody below at desktop width and at 400 px (``screenshot_desktop.png``,
``screenshot_400.png``; eval/results/serve/ has them made that way).

The timing tests use tests/service_helpers.py's SlowDetector (the tiny model with a fixed time per scored window) so
that explaining a 20,000-word text takes seconds, as with the real model, while its verdict takes well under one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from service_helpers import SlowDetector, serve_app, vocab_text

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("GENRE_DETECT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("GENRE_DETECT_CHROMEDRIVER", "/usr/bin/chromedriver")
# Headless, and nothing that could reach the network on its own (updates, sync, field trials, QUIC probes).
CHROME_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1000")
PROSE_INJECTION = "The minister said the plan <img src=x onerror=\"window.__pwned=3;alert(4)\"> was ready at last."
INJECTION = ("The minister said <script>window.__pwned=1;alert('x')</script> the plan "
             "<img src=x onerror=\"window.__pwned=2;alert(1)\"> was <b onmouseover=alert(2)>ready</b> "
             "<iframe src=\"javascript:alert(3)\"></iframe> after the talks.")
TIMEOUT = 60
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ALICE = "alice-browser-token-0123456789"
# A short news parody written for these tests, with cues of several families (news_parody, fake_quote, slang,
# profanity).
SAMPLE = (
    "Council Unveils Bold New Plan To Fix Every Pothole By Thinking About Them\n\n"
    "At press time, the area man had walked past the same pothole on Elm Street for the ninth year running.\n\n"
    "\u201cHonestly, we\u2019re gonna fill it eventually, probably,\u201d the deputy mayor told reporters, before "
    "leaving early for lunch.\n\n"
    "The council insists that the growing number of potholes is a clear sign of success for its road strategy. An "
    "independent review comprising our own senior staff has praised the plan as the greatest transport policy in "
    "the history of the region.\n\n"
    "Asked about the budget, the deputy mayor wondered aloud what the hell a budget was.\n\n"
    "Critics say the roads are getting worse. The critics were, in a narrow sense, correct, officials conceded, and "
    "thanked them for their patience.\n\n"
    "If one pothole is a problem, a thousand potholes would be a tourist attraction!"
)


def _unavailable(reason: str):
    if os.environ.get("GENRE_DETECT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (GENRE_DETECT_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        _unavailable(f"Chromium not found ({CHROMIUM}, {CHROMEDRIVER}): apt-get install chromium chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed: pip install 'genre-detect[dev]'")
    profile = tempfile.mkdtemp(prefix="gd-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in CHROME_FLAGS + (f"--user-data-dir={profile}",):
        opts.add_argument(flag)
    # Explicit driver and browser paths: selenium then has nothing to look up or download.
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(TIMEOUT)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def _serve(detector, data_dir: Path, **kwargs) -> Iterator[str]:
    """Serve the app over ``detector`` with uvicorn in a background thread; yields the base URL."""
    from genre_detect.service.app import create_app

    with serve_app(create_app(detector=detector, data_dir=data_dir, **kwargs)) as url:
        yield url


def _open(driver, url: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url + "/")
    WebDriverWait(driver, TIMEOUT).until(ec.presence_of_element_located((By.ID, "article")))
    # init() has read /health once the model line is filled in
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.find_element(By.ID, "model-info").text)


def _check(driver, text: str) -> float:
    """Paste ``text`` into the open page, press Check, wait for the verdict; returns the seconds it took."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    box = driver.find_element(By.ID, "article")
    # Setting the value and firing "input" is what a paste does; send_keys would type a long article key by key.
    driver.execute_script("arguments[0].value = arguments[1];"
                          "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", box, text)
    t0 = time.perf_counter()
    driver.find_element(By.ID, "check").click()  # the handler sets the status to "Reading..." before it awaits
    WebDriverWait(driver, TIMEOUT, poll_frequency=0.05).until(
        lambda d: d.find_element(By.ID, "status").text == "Verdict ready." or "error" in d.find_element(
            By.ID, "status").get_attribute("class"))
    took = time.perf_counter() - t0
    assert driver.find_element(By.ID, "result").is_displayed(), driver.find_element(By.ID, "status").text
    return took


def _paste_and_check(driver, url: str, text: str, explained: bool = True):
    """Open the page, paste ``text``, press Check, wait for the verdict (and the explanation); returns the verdict."""
    from selenium.webdriver.common.by import By

    _open(driver, url)
    _check(driver, text)
    if explained:
        _wait_explained(driver)
    return driver.find_element(By.ID, "verdict").text.strip().lower()


def _explain_state(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, "explain-panel").get_attribute("data-state")


def _wait_explained(driver, timeout: float = TIMEOUT) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: _explain_state(d) not in ("idle", "running"))
    state = _explain_state(driver)
    assert state in ("done", "partial"), state
    return state


def _screenshot(driver, path: Path, width: int = 1280) -> Path:
    # Grow the window to the page's height so that one capture shows the whole result.
    driver.set_window_size(width, 1000)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(int(height) + 40, 900), 6000))
    driver.save_screenshot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    driver.set_window_size(1280, 1000)
    return path


def _check_page_flow(driver, detector, seed_text: str, tmp_path: Path) -> tuple[str, list, list[str]]:
    """The page's verdict, highlighted cues and evidence agree with what /v1/explain answers for the same text."""
    import httpx
    from selenium.webdriver.common.by import By

    with _serve(detector, tmp_path / "data") as url:
        api = httpx.post(url + "/v1/explain", json={"text": seed_text, "top_k": 3}, timeout=300).json()
        verdict = _paste_and_check(driver, url, seed_text)
        assert verdict == ("uncertain" if api["uncertain"] else api["label"])
        assert "%" in driver.find_element(By.ID, "probability").text
        assert driver.find_element(By.ID, "genre").text.startswith("Genre: ")
        marks = driver.find_elements(By.CSS_SELECTOR, "#marked-text mark.cue")
        shown = {name for m in marks for name in m.get_attribute("data-cues").split()}
        assert shown == {c["name"] for c in api["cues"]}, "the page highlights exactly the cues the API found"
        assert all(m.get_attribute("title") for m in marks), "every highlight explains itself on hover"
        # The evidence list is always filled: sentences, or a note when none supports the verdict (a random
        # tiny model can have none); the shipped-model test below requires real sentences.
        assert driver.find_elements(By.CSS_SELECTOR, "#evidence li")
        evidence = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#evidence li q")]
        floor = api.get("reliance_floor", 0.01)
        relied = [e for e in api["evidence"] if abs(e.get("reliance", e.get("drop", 0)) or 0) >= floor]
        assert len(evidence) == len(relied)
        legend = driver.find_element(By.ID, "legend").text
        assert "underlined = a sentence the verdict rests on" in legend
        _screenshot(driver, tmp_path / "screenshot.png")
    return verdict, marks, evidence


def test_page_flow_tiny_model(browser, tiny_detector, tmp_path):
    """The page flow on the random tiny model: a verdict, highlighted cues (cues come from the cue detectors)."""
    _, marks, _ = _check_page_flow(browser, tiny_detector, SAMPLE, tmp_path)
    assert len({m.get_attribute("class") for m in marks}) >= 3, "cues of several families are highlighted"


def test_seed_001_in_browser_shows_the_models_verdict_and_cues(browser, shipped_detector, seeds_dir, tmp_path):
    """With the shipped model: the page shows the same verdict, cues and evidence as the API and the model.

    The shipped model may miss this parody (see tests/test_shipped.py and the model card), so the page must agree
    with the model rather than claim satire.
    """
    seed = next(seeds_dir.glob("001_*.txt")).read_text(encoding="utf-8")
    verdict, _, _ = _check_page_flow(browser, shipped_detector, seed, tmp_path)
    p = shipped_detector.predict(seed)
    assert verdict == ("uncertain" if p.uncertain else p.label)


def test_screenshots_with_the_shipped_model(browser, shipped_detector, tmp_path):
    """The page after a verdict and its explanation, at desktop width and at 400 px (a phone)."""
    from selenium.webdriver.common.by import By

    keep = os.environ.get("GENRE_DETECT_SCREENSHOT_DIR")
    with _serve(shipped_detector, tmp_path / "data") as url:
        _paste_and_check(browser, url, SAMPLE)
        assert browser.find_elements(By.CSS_SELECTOR, "#marked-text mark.cue")
        for name, width in (("screenshot_desktop.png", 1280), ("screenshot_400.png", 400)):
            shot = _screenshot(browser, tmp_path / name, width=width)
            if width == 400:  # nothing runs off the side at phone width
                browser.set_window_size(400, 1000)
                assert browser.execute_script("return document.documentElement.scrollWidth") <= 400
                browser.set_window_size(1280, 1000)
            if keep:
                Path(keep).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(shot, Path(keep) / name)


def test_pasted_html_stays_text(browser, tiny_detector, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    with _serve(tiny_detector, tmp_path / "data") as url:
        browser.get(url + "/")
        scripts_before = browser.execute_script("return document.scripts.length")
        _paste_and_check(browser, url, INJECTION)
        time.sleep(0.5)  # give an injected handler (img onerror, iframe) the time it would need to fire
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018 - raises when no dialog is open
        assert browser.execute_script("return window.__pwned") is None
        assert browser.execute_script("return document.scripts.length") == scripts_before
        result = browser.find_element(By.ID, "result")
        for tag in ("script", "img", "iframe", "b"):
            assert not result.find_elements(By.TAG_NAME, tag), f"a pasted <{tag}> became an element"
        shown = browser.find_element(By.ID, "marked-text").get_attribute("textContent")
        # Markup is HTML: the page shows the main text the service extracted, as text, and says so.
        assert "The minister said" in shown and "<script" not in shown and "__pwned" not in shown
        assert "main text" in browser.find_element(By.ID, "notes").get_attribute("textContent")
        # Prose that mentions a tag is shown verbatim, as text.
        _paste_and_check(browser, url, PROSE_INJECTION)
        time.sleep(0.5)
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text  # noqa: B018
        assert browser.execute_script("return window.__pwned") is None
        result = browser.find_element(By.ID, "result")
        assert not result.find_elements(By.TAG_NAME, "img"), "a pasted <img> became an element"
        shown = browser.find_element(By.ID, "marked-text").get_attribute("textContent")
        assert "<img src=x onerror=" in shown


def test_wrong_verdict_feedback_from_page(browser, tiny_detector, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from genre_detect.service.feedback import FeedbackStore

    text = "The minister said the so-called plan would, allegedly, be ready after the talks with experts."
    with _serve(tiny_detector, tmp_path / "data") as url:
        verdict = _paste_and_check(browser, url, text)
        browser.find_element(By.ID, "wrong-verdict").click()
        Select(browser.find_element(By.ID, "fb-label")).select_by_value("opinion")
        browser.find_element(By.ID, "fb-comment").send_keys("an op-ed, not satire")
        browser.find_element(By.ID, "fb-send").click()
        status = WebDriverWait(browser, TIMEOUT).until(
            lambda d: d.find_element(By.ID, "fb-status").text.startswith(("Recorded", "E")) and
            d.find_element(By.ID, "fb-status"))
        assert status.text.startswith("Recorded as report #"), status.text
    rows = list(FeedbackStore(tmp_path / "data").rows())
    assert [(r["text"], r["label"], r["verdict"], r["comment"]) for r in rows] == [
        (text, "opinion", verdict, "an op-ed, not satire")]


# -- verdict first, reasons after; predictions ahead of explanations ----------------------------------------------
def _health(url: str) -> dict:
    import httpx

    return httpx.get(url + "/health", timeout=10).json()


def test_long_paste_shows_the_verdict_first_and_cancels_the_explanation(browser, tiny_model_dir, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    slow = SlowDetector(tiny_model_dir, delay_s=0.003, threads=2, lanes=2)
    with _serve(slow, tmp_path / "data") as url:
        _open(browser, url)
        short = _check(browser, vocab_text(60, seed=2))
        _wait_explained(browser)
        long = _check(browser, vocab_text(20_000))
        assert long <= short + 2.0, f"20,000 words: verdict after {long:.1f} s, short text {short:.1f} s"
        # The verdict is on screen while the explanation is still being worked out, with progress and Cancel.
        assert browser.find_element(By.ID, "verdict").text.strip().lower() in ("satire", "sincere", "uncertain")
        assert _explain_state(browser) == "running"
        assert browser.find_element(By.ID, "explain-bar").is_displayed()
        WebDriverWait(browser, 5).until(lambda d: " s (" in d.find_element(By.ID, "explain-status").text)
        assert "20" in browser.find_element(By.ID, "explain-status").text  # "... 20,0xx words ..."
        assert _wait_for_health(url, lambda h: h["queues"]["explain"]["running"] == 1)
        browser.find_element(By.ID, "explain-cancel").click()
        WebDriverWait(browser, 10).until(lambda d: _explain_state(d) == "cancelled")
        assert "cancelled" in browser.find_element(By.ID, "explain-status").text.lower()
        assert browser.find_element(By.ID, "verdict").text.strip()  # the verdict stays
        assert not browser.find_element(By.ID, "explain-cancel").is_displayed()
        # The server noticed the aborted request and stopped scoring for it.
        assert _wait_for_health(url, lambda h: h["queues"]["explain"]["running"] == 0, timeout=10)
        n = slow.windows_scored
        time.sleep(0.5)
        assert slow.windows_scored == n


def _wait_for_health(url: str, cond, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond(_health(url)):
            return True
        time.sleep(0.1)
    return False


def test_check_answers_during_a_long_explain(browser, tiny_model_dir, tmp_path):
    import httpx
    from selenium.webdriver.common.by import By

    slow = SlowDetector(tiny_model_dir, delay_s=0.003, threads=2, lanes=2)
    with _serve(slow, tmp_path / "data") as url:
        done: list = []

        def someone_elses_explain():  # another moderator's 20,000-word explanation
            with httpx.Client(base_url=url, timeout=120) as c:
                done.append(c.post("/v1/explain", json={"text": vocab_text(20_000)}).status_code)

        t = threading.Thread(target=someone_elses_explain, daemon=True)
        t.start()
        assert _wait_for_health(url, lambda h: h["queues"]["explain"]["running"] == 1)
        assert _wait_for_health(url, lambda h: slow.windows_scored > 600)  # well into its perturbed windows
        _open(browser, url)
        took = _check(browser, vocab_text(300, seed=3))
        assert not done, "the long explanation should still be running"
        assert took < 3.0, f"a 300-word check waited {took:.1f} s behind another explanation"
        assert browser.find_element(By.ID, "verdict").text.strip()
        t.join(120)
        assert done == [200]


# -- the token prompt ------------------------------------------------------------------------------------------------
def test_token_prompt(browser, tiny_detector, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from genre_detect.service.auth import Tokens
    from genre_detect.service.feedback import FeedbackStore

    f = tmp_path / "tokens"
    f.write_text(f"alice:{ALICE}\n", encoding="utf-8")
    with _serve(tiny_detector, tmp_path / "data", tokens=Tokens.from_file(f)) as url:
        _open(browser, url)
        browser.execute_script("sessionStorage.clear()")
        browser.refresh()
        WebDriverWait(browser, TIMEOUT).until(lambda d: d.find_element(By.ID, "auth").is_displayed())
        assert not browser.find_element(By.ID, "check").is_enabled()  # nothing to do without a token
        token = browser.find_element(By.ID, "token")
        token.send_keys("not-the-right-token-at-all")
        browser.find_element(By.ID, "token-save").click()
        WebDriverWait(browser, TIMEOUT).until(lambda d: "not accept" in d.find_element(By.ID, "auth-status").text)
        status = browser.find_element(By.ID, "auth-status").text
        assert "E604" in status and "not valid" in status and browser.find_element(By.ID, "auth").is_displayed()
        assert browser.execute_script("return sessionStorage.getItem('genre-detect-token')") is None
        token.clear()
        token.send_keys(ALICE)
        browser.find_element(By.ID, "token-save").click()
        WebDriverWait(browser, TIMEOUT).until(lambda d: not d.find_element(By.ID, "auth").is_displayed())
        assert browser.find_element(By.ID, "who").text == "Signed in as alice."
        # Kept for this tab only (sessionStorage), never in localStorage or a cookie.
        assert browser.execute_script("return sessionStorage.getItem('genre-detect-token')") == ALICE
        assert browser.execute_script("return localStorage.length") == 0 and not browser.get_cookies()
        # Asked once: a reload in the same tab does not ask again.
        browser.refresh()
        WebDriverWait(browser, TIMEOUT).until(lambda d: d.find_element(By.ID, "who").text == "Signed in as alice.")
        assert not browser.find_element(By.ID, "auth").is_displayed()
        text = "The minister said the plan would be ready after the talks with experts."
        _check(browser, text)
        _wait_explained(browser)
        browser.find_element(By.ID, "wrong-verdict").click()
        browser.find_element(By.ID, "fb-send").click()
        WebDriverWait(browser, TIMEOUT).until(lambda d: d.find_element(By.ID, "fb-status").text.startswith("Recorded"))
        browser.execute_script("sessionStorage.clear()")
    assert [(r["text"], r["moderator"]) for r in FeedbackStore(tmp_path / "data").rows()] == [(text, "alice")]


# -- the evidence panel ---------------------------------------------------------------------------------------------
_CRAFTED = """
const realFetch = window.fetch.bind(window);
window.fetch = async (url, opts) => {
  if (String(url).endsWith('/v1/explain')) {
    const body = JSON.parse(opts.body);
    const p = await (await realFetch('/v1/predict', {method: 'POST', headers: opts.headers,
      body: JSON.stringify({text: body.text})})).json();
    const t = body.text, at = (s) => t.indexOf(s);
    Object.assign(p, arguments[0], {text: t,
      cues: [
        {name: 'irony.scare_quote', family: 'irony', start: at('"experts"'), end: at('"experts"') + 9,
         text: '"experts"', why: 'scare quotes', version: '1', reliance: 0.1234,
         note: 'the model leaned towards satire here'},
        {name: 'hedging.stack', family: 'hedging', start: at('possibly'), end: at('possibly') + 8,
         text: 'possibly', why: 'stacked hedges', version: '1', reliance: -0.05},
        {name: 'hyperbole.best', family: 'hyperbole', start: at('best'), end: at('best') + 4,
         text: 'best', why: 'superlative', version: '1', reliance: 0.004}],
      evidence: [
        {start: 0, end: at('.') + 1, text: t.slice(0, at('.') + 1), reliance: 0.21, families: ['irony']},
        {start: at('Possibly'), end: t.length, text: t.slice(at('Possibly')), drop: -0.0301},
        {start: at('The talks'), end: at('The talks') + 14, text: 'The talks went', drop: 0.002}]});
    return new Response(JSON.stringify(p), {status: 200, headers: {'Content-Type': 'application/json'}});
  }
  return realFetch(url, opts);
};
"""


@pytest.mark.parametrize("floor", [None, 0.06])
def test_evidence_panel_signs_floor_and_legend(browser, tiny_detector, tmp_path, floor):
    """The page shows each reliance signed as the CLI does, hides changes below the floor, explains a negative cue.

    The explanation answer is a fixed one (the browser's fetch of /v1/explain is replaced in the page), so the
    rendering is checked against known numbers; the real answer's shape is pinned in tests/test_service.py.
    """
    from selenium.webdriver.common.by import By

    text = ('The "experts" agree it is the best plan. The talks went on. '
            "Possibly the minister will think about it, possibly not.")
    extra = {} if floor is None else {"reliance_floor": floor}
    with _serve(tiny_detector, tmp_path / "data") as url:
        _open(browser, url)
        browser.execute_script(_CRAFTED.replace("arguments[0]", "JSON.parse(arguments[0])"), json_dumps(extra))
        _check(browser, text)
        _wait_explained(browser)
        items = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#evidence li")]
        shown_floor = 0.01 if floor is None else floor
        assert items[0].startswith("+0.210 toward satire") and "cues: irony" in items[0]
        if floor is None:
            assert len(items) == 2 and items[1].startswith("-0.030 toward sincere")
        else:
            assert len(items) == 1  # -0.030 is below this answer's own floor
        assert not any("The talks went" in i for i in items)  # 0.002: below the floor, not a reason
        assert f"Changes below {shown_floor} are not shown" in browser.find_element(By.ID, "evidence-caption").text
        titles = {m.text: m.get_attribute("title") for m in browser.find_elements(By.CSS_SELECTOR, "mark.cue")}
        assert "+0.123 toward satire: The model leaned towards satire here." in titles['"experts"']  # its note
        neg = titles["possibly"]
        if floor is None:
            assert "-0.050 toward sincere" in neg and "the model read this passage as a sign of sincere writing" in neg
        else:
            assert "-0.050, below 0.06: the model barely relied on it" in neg
        assert "+0.004, below" in titles["best"] and "barely relied on it" in titles["best"]
        legend = browser.find_element(By.ID, "legend").text
        assert "underlined = a sentence the verdict rests on" in legend and "irony" in legend
        underlined = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#marked-text .evidence-span")]
        assert underlined and all("The talks went" not in u for u in underlined)


def json_dumps(obj) -> str:
    import json

    return json.dumps(obj)
