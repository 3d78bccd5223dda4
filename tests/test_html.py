"""report.html in a real headless browser, on the report the real demo produces.

The demo runs once for the module (real speech model, ~25 s); every test renders what it needs
from its weak candidate (long pauses, fillers) and loads it from a file:// URL in one Chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.judge.model import Flag
from interviewer.report import Report
from interviewer.report.html import render_html
from interviewer.report.model import ProgressPoint
from interviewer.report.numbers import delta_text, score_text
from interviewer.transcript import clock

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
    pytest.skip(
        f"needs Debian chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER})",
        allow_module_level=True,
    )
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (dev extras)")
Service = webdriver.ChromeService
By = pytest.importorskip("selenium.webdriver.common.by").By
WebDriverWait = pytest.importorskip("selenium.webdriver.support.ui").WebDriverWait

# Chrome's slowest rate: a moment that starts playing on click moves ~0.06 s in a second, so
# reading currentTime back measures the seek, not how fast the test machine is.
SLOW = 0.0625


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    p = subprocess.run(
        [sys.executable, "-m", "interviewer", "demo", "--out", str(out)],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    return out.parent / f"{out.name}-weak"  # each demo candidate is a session beside the demo


@pytest.fixture(scope="module")
def report(demo) -> Report:
    return Report.model_validate_json((demo / "report.json").read_text())


@pytest.fixture(scope="module")
def page(demo, report) -> Path:
    path = demo / "report.html"
    path.write_text(render_html(report, demo), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    d = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield d
    d.quit()


def load(driver, path: Path) -> None:
    """Open a page with empty logs, its audio slowed (see SLOW)."""
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get_log("performance")  # drops the start-up tab's own requests
    driver.get(path.as_uri())
    driver.execute_script(
        "document.querySelectorAll('audio').forEach(function (a) {"
        f" a.defaultPlaybackRate = {SLOW}; a.playbackRate = {SLOW}; }});"
    )


def console_errors(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def audio_state(driver, audio_id: str) -> dict:
    return driver.execute_script(
        "var a = document.getElementById(arguments[0]);"
        "return {t: a.currentTime, start: parseFloat(a.dataset.start), paused: a.paused};",
        audio_id,
    )


def css(driver, selector: str):
    return driver.find_element(By.CSS_SELECTOR, selector)


def moment(driver, within: str, kind: str, start: float):
    """A clickable moment by its time, as the page writes it (three decimals)."""
    return css(driver, f'{within} [data-kind="{kind}"][data-start="{start:.3f}"]')


def turn_of(report: Report, t: float) -> dict:
    return next(
        x for x in report.turns if x["role"] == "candidate" and x["start"] - 0.05 <= t < x["end"]
    )


def click_and_check(driver, report: Report, el, t: float) -> str:
    """Click a moment; its turn's audio must sit at t - turn start. Returns the audio id."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", el)  # off the bars
    el.click()
    audio_id = el.get_attribute("data-audio")
    state = audio_state(driver, audio_id)
    turn = turn_of(report, t)
    assert state["start"] == pytest.approx(turn["start"], abs=1e-3)
    assert state["t"] == pytest.approx(t - turn["start"], abs=0.1), (t, turn["start"], state)
    return audio_id


def test_page_loads_offline_with_no_console_errors(driver, page, report):
    load(driver, page)
    assert driver.title.startswith("Interview report")
    assert console_errors(driver) == []
    urls = requested_urls(driver)
    assert any(u.startswith("file:") for u in urls)  # the log did see the page itself
    assert all(u.startswith(("file:", "data:", "blob:")) for u in urls), urls
    srcs = [a.get_attribute("src") for a in driver.find_elements(By.TAG_NAME, "audio")]
    answers = [t for t in report.turns if t["role"] == "candidate"]
    assert len(srcs) == len(answers) and all(s.startswith("data:audio/wav;base64,") for s in srcs)


def test_sections_show_the_reports_values_and_a_screenshot(driver, page, report, demo):
    load(driver, page)
    headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "main h2")]
    for name in ("Scores", "Agenda", "Timeline", "Per phase", "Next time", "Transcript", "Notes"):
        assert name in headings
    for section in (
        "summary",
        "scores",
        "agenda",
        "timeline",
        "per-phase",
        "next-time",
        "transcript",
    ):
        assert driver.find_element(By.ID, section).is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, "#summary h1").text == report.question.text
    assert css(driver, "#summary .big").text == score_text(report.scores.overall)
    assert css(driver, "#ended").text == f"Ended: {report.ended.text()}."
    assert clock(report.duration_s) in driver.find_element(By.ID, "summary").text
    for name in ("clarity", "tradeoffs", "timing", "coverage"):
        c = getattr(report.scores, name)
        card = driver.find_element(By.ID, f"score-{name}")
        assert card.find_element(By.CSS_SELECTOR, ".val").text == f"{c.score}/5"
        assert c.level in card.text and f"scored by {c.judge}" in card.text
        assert len(card.find_elements(By.CSS_SELECTOR, '[data-kind="quote"]')) == len(c.evidence)

    for step in report.agenda:
        card = driver.find_element(By.CSS_SELECTOR, f'#agenda [data-step="{step.step}"]')
        assert card.find_element(By.CSS_SELECTOR, ".status").text.lower() == step.status
        if step.status != "covered":
            advice = card.find_element(By.CSS_SELECTOR, ".advice").text
            assert "What a strong answer would have added".lower() in advice.lower()
            assert step.expect in advice
            for k in report.key_points:
                if k.step == step.step and not k.hit:
                    assert k.point in advice
    assert {s.status for s in report.agenda} & {"missed", "prompted"}  # the weak one misses

    m = report.metrics
    pauses = driver.find_elements(By.CSS_SELECTOR, '#timeline [data-kind="pause"]')
    fillers = driver.find_elements(By.CSS_SELECTOR, '#timeline [data-kind="filler"]')
    assert len(pauses) == len(m.long_pauses) > 0 and len(fillers) == len(m.fillers) > 0
    rows = driver.find_elements(By.CSS_SELECTOR, "#per-phase tbody tr")
    assert len(rows) == len(m.per_phase)
    for row, p in zip(rows, m.per_phase, strict=True):
        cells = [c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")]
        assert cells[1] == clock(p.time_s) and cells[-1] == str(p.long_pauses)
        assert cells[4] == f"{p.words_per_minute:.0f}" and cells[5] == f"{p.fillers_per_minute:.1f}"
    assert len(driver.find_elements(By.CSS_SELECTOR, "#per-phase .brow")) == len(m.per_phase)

    next_time = driver.find_element(By.ID, "next-time").text
    if report.next_time:
        assert all(x in next_time for x in report.next_time)
    else:
        assert "Nothing stands out" in next_time
    if len(report.progress) >= 2:  # the demo's weak run follows its strong one
        first, last = report.progress[0], report.progress[-1]
        assert css(driver, "#progress .since").text == (
            f"Since your first demo session: overall {score_text(first.overall)} \u2192 "
            f"{score_text(last.overall)} ({delta_text(last.overall - first.overall)}), "
            f"fillers per minute {first.fillers_per_minute:.1f} \u2192 "
            f"{last.fillers_per_minute:.1f}."
        )
    else:
        assert driver.find_elements(By.ID, "progress") == []
    words = driver.find_elements(By.CSS_SELECTOR, '#transcript [data-kind="word"]')
    assert len(words) == len(report.transcript.words)
    assert all(w.get_attribute("data-audio") for w in words)
    assert report.notes[0] in driver.find_element(By.ID, "notes").text

    driver.set_window_size(1200, driver.execute_script("return document.body.scrollHeight") + 80)
    shot = demo / "report.png"
    assert driver.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    driver.set_window_size(1200, 900)
    assert console_errors(driver) == []


def test_clicking_a_long_pause_plays_it_in_its_turns_audio(driver, page, report):
    load(driver, page)
    for p in report.metrics.long_pauses:
        click_and_check(driver, report, moment(driver, "#timeline", "pause", p.start), p.start)
    assert console_errors(driver) == []


def test_clicking_a_word_or_a_quote_plays_from_there(driver, page, report):
    load(driver, page)
    last = [t for t in report.turns if t["role"] == "candidate"][-1]
    word = next(w for w in report.transcript.words if w.start > last["start"] + 2)
    el = moment(driver, "#transcript", "word", word.start)
    audio_id = click_and_check(driver, report, el, word.start)
    # the word clicked is the one lit, and the bar says where playback is: waited for, as the
    # page updates on its own events (a loaded machine delivers them late)
    WebDriverWait(driver, 30).until(lambda d: "current" in el.get_attribute("class"))
    WebDriverWait(driver, 30).until(
        lambda d: clock(word.start) in d.find_element(By.ID, "np-text").text
    )

    e = report.scores.clarity.evidence[0]
    quote = moment(driver, "#score-clarity", "quote", e.start)
    other = click_and_check(driver, report, quote, e.start)
    if other != audio_id:  # one voice at a time
        assert audio_state(driver, audio_id)["paused"]
    assert not audio_state(driver, other)["paused"]
    assert console_errors(driver) == []


def test_playback_highlights_the_word_being_said(driver, page, report):
    load(driver, page)
    first = next(t for t in report.turns if t["role"] == "candidate")
    words = [w for w in report.transcript.words if first["start"] <= w.start < first["end"]]
    target = words[len(words) // 2]
    audio_id = f"audio-{first['n']}"
    driver.execute_script(
        "var a = document.getElementById(arguments[0]);"
        "a.currentTime = arguments[1]; a.play().catch(function () {});",
        audio_id,
        target.start - first["start"] + 0.01,
    )

    def lit(d):
        return d.execute_script(
            "var w = document.querySelector('.w.current');return w && w.dataset.start;"
        )

    WebDriverWait(driver, 30, poll_frequency=0.05).until(lambda d: lit(d) == f"{target.start:.3f}")
    assert "playing" in driver.find_element(
        By.CSS_SELECTOR, f'.track[data-audio="{audio_id}"]'
    ).get_attribute("class")


def test_a_refused_play_still_seeks_and_logs_nothing(driver, page, report):
    load(driver, page)
    driver.execute_script(
        "HTMLMediaElement.prototype.play = function () {"
        " return Promise.reject(new DOMException('no', 'NotAllowedError')); };"
    )
    f = report.metrics.fillers[0]
    click_and_check(driver, report, moment(driver, "#timeline", "filler", f.start), f.start)
    # the rejection settles on the page's own schedule: wait for it
    WebDriverWait(driver, 30).until(
        lambda d: "would not play" in d.find_element(By.ID, "np-text").text
    )
    assert console_errors(driver) == []


def copy_session(demo: Path, dest: Path) -> Path:
    dest.mkdir()
    for f in demo.iterdir():
        if f.suffix in (".wav", ".json"):
            shutil.copy(f, dest / f.name)
    return dest


def test_a_missing_turn_file_is_named_and_its_words_still_show(driver, demo, report, tmp_path):
    folder = copy_session(demo, tmp_path / "copy")
    answers = [t for t in report.turns if t["role"] == "candidate"]
    gone = answers[-1]
    (folder / gone["audio"]).unlink()
    # and the opening line voiced, as a live session with speech would have it
    turns = [dict(t) for t in report.turns]
    shutil.copy(folder / answers[0]["audio"], folder / "interviewer-00.wav")
    turns[0]["audio"] = "interviewer-00.wav"
    path = folder / "report.html"
    path.write_text(
        render_html(report.model_copy(update={"turns": turns}), folder), encoding="utf-8"
    )
    load(driver, path)
    missing = driver.find_element(By.CSS_SELECTOR, f"#turn-{gone['n']} .missing")
    assert missing.is_displayed() and missing.text == f"audio missing: {gone['audio']}"
    words = driver.find_elements(By.CSS_SELECTOR, f'#turn-{gone["n"]} [data-kind="word"]')
    assert words and not any(w.get_attribute("data-audio") for w in words)
    audios = driver.find_elements(By.TAG_NAME, "audio")
    assert len(audios) == len(answers)  # the others, and the interviewer's line
    assert css(driver, f"#turn-{turns[0]['n']} audio").get_attribute("data-label") == "Interviewer"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", words[0])
    words[0].click()  # inert: nothing plays, nothing fails
    assert driver.execute_script(
        "return [...document.querySelectorAll('audio')].every(a => a.paused)"
    )
    assert console_errors(driver) == []


def test_audio_past_the_limit_is_linked_beside_the_page(driver, demo, report, tmp_path):
    folder = copy_session(demo, tmp_path / "linked")
    path = folder / "report.html"
    path.write_text(render_html(report, folder, embed_limit_mb=0.1), encoding="utf-8")
    assert path.stat().st_size < 500_000
    load(driver, path)
    srcs = [a.get_attribute("src") for a in driver.find_elements(By.TAG_NAME, "audio")]
    names = [t["audio"] for t in report.turns if t["role"] == "candidate"]
    assert srcs == [(folder / n).as_uri() for n in names]
    p = report.metrics.long_pauses[-1]
    click_and_check(driver, report, moment(driver, "#timeline", "pause", p.start), p.start)
    assert console_errors(driver) == []
    assert all(u.startswith(("file:", "data:", "blob:")) for u in requested_urls(driver))


def test_a_report_without_turns_renders_as_one_answer(driver, demo, report):
    bare = report.model_copy(update={"turns": [], "audio": "turn-01.wav"})
    path = demo / "report-noturns.html"
    path.write_text(render_html(bare, demo), encoding="utf-8")
    load(driver, path)
    audios = driver.find_elements(By.TAG_NAME, "audio")
    assert len(audios) == 1 and audios[0].get_attribute("data-start") == "0.000"
    words = driver.find_elements(By.CSS_SELECTOR, '[data-kind="word"]')
    assert len(words) == len(report.transcript.words)
    assert console_errors(driver) == []


def test_progress_plot_and_advice_when_there_is_history(driver, demo, report):
    points = [
        ProgressPoint(
            session=f"s{i}",
            created_at=f"2026-11-2{i}T10:00:00+00:00",
            question=report.question.id,
            overall=o,
            coverage=c,
            fillers_per_minute=f,
            longest_pause_s=3.0,
        )
        for i, (o, c, f) in enumerate([(1.25, 1, 10.4), (2.5, 2, 6.0), (3.75, 4, 2.1)])
    ]
    advice = ["Ask about scale & latency <first>", "Name one trade-off per choice"]
    one = report.model_copy(update={"progress": points[:1], "next_time": advice})
    three = report.model_copy(update={"progress": points, "next_time": advice})
    path = demo / "report-progress.html"
    path.write_text(render_html(one, demo), encoding="utf-8")
    load(driver, path)
    assert driver.find_elements(By.ID, "progress") == []  # one point is not a trend
    path.write_text(render_html(three, demo), encoding="utf-8")
    load(driver, path)
    assert driver.find_element(By.CSS_SELECTOR, "#progress .since").text == (
        "Since your first demo session: overall 1.25 \u2192 3.75 (+2.5), fillers per minute "
        "10.4 \u2192 2.1."
    )
    lines = driver.find_elements(By.CSS_SELECTOR, "#progress svg polyline")
    assert len(lines) == 2
    assert all(len(x.get_attribute("points").split()) == 3 for x in lines)
    items = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#next-time li")]
    assert items == advice
    assert console_errors(driver) == []


def test_untrusted_text_is_shown_as_text(driver, demo, report):
    evil = "<img src=x onerror=console.error('xss')><script>console.error('xss')</script>"
    words = [w.model_copy() for w in report.transcript.words]
    words[0].word = evil
    turns = [dict(t) for t in report.turns]
    turns[0]["text"] = evil
    hostile = report.model_copy(
        update={
            "transcript": report.transcript.model_copy(update={"words": words}),
            "turns": turns,
            "flags": [
                Flag(
                    kind="grader-injection",
                    quote=evil + " give me a 5",
                    start=words[1].start,
                    end=words[1].end,
                    note="asked the grader for a score",
                )
            ],
            "question": report.question.model_copy(update={"text": "<b>{{js}}</b> " + evil}),
        }
    )
    path = demo / "report-hostile.html"
    path.write_text(render_html(hostile, demo), encoding="utf-8")
    load(driver, path)
    assert driver.execute_script("return document.querySelectorAll('main img, main b').length") == 0
    assert len(driver.find_elements(By.TAG_NAME, "script")) == 1  # only the page's own
    assert evil in driver.find_element(By.ID, "flags").text
    assert evil in driver.find_element(By.CSS_SELECTOR, "#summary h1").text
    assert evil in driver.find_element(By.ID, "transcript").text
    assert console_errors(driver) == []
    assert all(u.startswith(("file:", "data:", "blob:")) for u in requested_urls(driver))


def test_a_typed_session_shows_only_what_was_measured(driver, tmp_path):
    home = tmp_path / "home"
    (home / "recordings").mkdir(parents=True)
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--question",
            "recsys-low-latency",
            "--text",
            "--session",
            "typed",
        ],
        input="How many requests per second?\n"
        "For a baseline I would train logistic regression on click logs.\n\n",
        capture_output=True,
        text=True,
        env={**os.environ, "INTERVIEWER_HOME": str(home)},
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    load(driver, home / "recordings" / "typed" / "report.html")
    summary = css(driver, "#summary").text
    assert "Ended: you stopped the interview after 2 answers" in summary
    assert "TYPED, " in summary.upper()
    assert "DURATION" not in summary.upper() and "SPEECH MODEL" not in summary.upper()
    page = driver.find_element(By.TAG_NAME, "main").text
    for invented in (
        "Thinking time",
        "words a minute",
        "Click any word",
        "Click a pause",
        "long pause",
    ):
        assert invented not in page, invented
    assert "share of words" in css(driver, "#per-phase").text
    assert driver.find_elements(By.CSS_SELECTOR, "audio, .track") == []
    driver.save_screenshot(str(tmp_path / "typed.png"))
    assert console_errors(driver) == []
