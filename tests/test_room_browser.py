"""The room in a real browser: headless Chromium speaks a recorded, human-like answer into the
page (its fake microphone reads a WAV), the page plays the interviewer through the same
AudioContext, the test draws on the Excalidraw board through its API, reloads the page
mid-interview, and ends the interview with the page's own button."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from browser import available, chromium, fake_microphone
from conftest import CONTENT

from interviewer.audio import load_audio, save_wav

if not available():
    pytest.skip("needs Debian chromium and chromium-driver", allow_module_level=True)
pytest.importorskip("selenium.webdriver", reason="needs selenium (dev extras)")
By = pytest.importorskip("selenium.webdriver.common.by").By

DIAGRAM = """
const skeletons = [
  {type: "rectangle", id: "gw", x: 0, y: 0, width: 160, height: 70, label: {text: "Gateway"}},
  {type: "rectangle", id: "fs", x: 260, y: 0, width: 160, height: 70,
   label: {text: "Feature store"}},
  {type: "rectangle", id: "rk", x: 520, y: 0, width: 160, height: 70, label: {text: "Ranker"}},
  {type: "arrow", x: 160, y: 35, width: 100, height: 0, start: {id: "gw"}, end: {id: "fs"}},
  {type: "arrow", x: 420, y: 35, width: 100, height: 0, start: {id: "fs"}, end: {id: "rk"}},
];
room.api.updateScene({elements: room.convertToExcalidrawElements(skeletons,
                                                                  {regenerateIds: false})});
"""


def wait_until(condition, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def session_json(folder: Path) -> dict:
    try:
        return json.loads((folder / "session.json").read_text())
    except (OSError, ValueError):
        return {}


@pytest.fixture
def browser(tmp_path):  # type: ignore[no-untyped-def]
    # The candidate: two seconds of quiet, then a recorded answer (it starts while the question
    # is still being played: a barge-in), then silence. Chromium reads it once (%noloop).
    answer = load_audio(CONTENT / "examples" / "strong-01.flac").samples
    quiet = np.zeros(16000 * 2, dtype=np.float32)
    wav = tmp_path / "candidate.wav"
    save_wav(wav, np.concatenate([quiet, answer, np.zeros(16000 * 180, dtype=np.float32)]))
    d = chromium(
        tmp_path / "chromium", "--no-first-run", "--window-size=1400,900", *fake_microphone(wav)
    )
    yield d
    d.quit()


def start(driver) -> None:  # type: ignore[no-untyped-def]
    wait_until(
        lambda: driver.execute_script("return !!(window.room && window.room.api)"), 60, "the page"
    )
    driver.find_element(By.CSS_SELECTOR, "button.start").click()
    wait_until(lambda: driver.execute_script("return room.state().started"), 30, "Start")


def test_the_room_in_chromium_records_draws_reloads_and_ends(browser, home, tmp_path):
    env = {**os.environ, "INTERVIEWER_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interviewer",
            "room",
            "--no-browser",
            "--question",
            "recsys-low-latency",
            "--voice-engine",
            "espeak",
            "--minutes",
            "20",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    err: list[str] = []
    threading.Thread(target=lambda: err.extend(proc.stderr), daemon=True).start()  # type: ignore[arg-type]
    try:
        url = next(
            line.split(" ", 1)[1].strip() for line in proc.stdout if line.startswith("room: ")
        )
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        folder = next((home / "recordings").iterdir())
        browser.get(url)
        start(browser)
        browser.execute_script(DIAGRAM)
        scene = folder / "board" / "scene.json"
        wait_until(
            lambda: scene.exists() and "Feature store" in scene.read_text(), 30, "the board saved"
        )
        # The answer is heard, the turn ends, and the interviewer replies.
        turns = wait_until(
            lambda: [
                t
                for t in session_json(folder).get("turns", [])
                if t["role"] == "candidate" and t["text"]
            ],
            300,
            "the first answer",
        )
        assert "latency" in turns[0]["text"].lower()
        wait_until(
            lambda: browser.execute_script("return room.state().linesPlayed") >= 2,
            120,
            "the reply played",
        )
        # A reload mid-interview: the page redraws the transcript and the board from the server.
        browser.refresh()
        start(browser)
        wait_until(
            lambda: "latency" in browser.find_element(By.TAG_NAME, "body").text.lower(),
            30,
            "the transcript after the reload",
        )
        labels = browser.execute_script(
            "return room.api.getSceneElements().filter(e => e.type === 'text').map(e => e.text)"
        )
        assert sorted(labels) == ["Feature store", "Gateway", "Ranker"]
        end = browser.find_element(By.CSS_SELECTOR, "button.end")
        end.click()
        end.click()
        link = wait_until(
            lambda: browser.find_elements(By.LINK_TEXT, "Open the report"), 600, "the report link"
        )
        link[0].click()
        wait_until(
            lambda: "report" in browser.title.lower() or browser.find_elements(By.TAG_NAME, "h1"),
            30,
            "the report page",
        )
        browser.get("about:blank")  # the page is gone: the room closes
        assert proc.wait(120) == 0, "".join(err)
    finally:
        if proc.poll() is None:
            proc.kill()
    record = session_json(folder)
    assert record["status"] == "finished"
    assert record.get("barge_ins"), "the answer began over the question: it should have stopped"
    board = folder / "board"
    assert (board / "turn-01.json").exists() and (board / "turn-01.svg").exists()
    assert (board / "turn-01.svg").read_text().lstrip().startswith("<svg")
    # The drawing is evidence: the report shows its graph and what it earned.
    report = json.loads((folder / "report.json").read_text())
    drawn = report["board"][0]
    assert "Gateway -> Feature store -> Ranker" in drawn["graph"]
    assert drawn["svg"] == "board/turn-01.svg"
    html = (folder / "report.html").read_text()
    assert "Gateway -&gt; Feature store -&gt; Ranker" in html or "Feature store" in html
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe
