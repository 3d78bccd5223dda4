"""The README's screenshots of the room and of a report with a diagram, taken for real: the room
in headless Chromium, the demo's strong first answer as the microphone, a diagram drawn through
Excalidraw's API, then the report the room serves.

    .venv/bin/python scripts/room_screenshots.py   # writes docs/room.png, docs/report-board.png
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from selenium.webdriver.common.by import By

from interviewer.audio import load_audio, save_wav

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the browser tests' Chromium set-up
from browser import chromium, fake_microphone  # noqa: E402

EXAMPLES = ROOT / "interviewer" / "builtin" / "examples"
DIAGRAM = """
const s = [
  {type: "rectangle", id: "gw", x: 0, y: 40, width: 190, height: 70, label: {text: "Gateway"}},
  {type: "rectangle", id: "fs", x: 280, y: 40, width: 220, height: 70,
   label: {text: "Feature store"}},
  {type: "rectangle", id: "rk", x: 590, y: 40, width: 190, height: 70, label: {text: "Ranker"}},
  {type: "rectangle", id: "ix", x: 280, y: 220, width: 220, height: 70,
   label: {text: "ANN index"}},
  {type: "arrow", x: 190, y: 75, width: 90, height: 0, start: {id: "gw"}, end: {id: "fs"}},
  {type: "arrow", x: 500, y: 75, width: 90, height: 0, start: {id: "fs"}, end: {id: "rk"}},
  {type: "arrow", x: 390, y: 220, width: 0, height: -110, start: {id: "ix"}, end: {id: "fs"}},
];
room.api.updateScene({elements: room.convertToExcalidrawElements(s, {regenerateIds: false})});
room.api.scrollToContent();
"""


def until(condition, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.1)
    return value


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="room-shots-"))
    answer = np.concatenate(
        [
            np.zeros(16000 * 16, dtype=np.float32),  # the question plays out first
            load_audio(EXAMPLES / "strong-01.flac").samples,
            np.zeros(16000 * 120, dtype=np.float32),
        ]
    )
    save_wav(tmp / "mic.wav", answer)
    env = {**os.environ, "INTERVIEWER_HOME": str(tmp / "home"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interviewer",
            "room",
            "--no-browser",
            "--question",
            "recsys-low-latency",
            "--minutes",
            "30",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    url = next(x.split(" ", 1)[1].strip() for x in proc.stdout if x.startswith("room: "))
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    d = chromium(
        tmp / "chromium",
        "--window-size=1440,860",
        "--hide-scrollbars",
        *fake_microphone(tmp / "mic.wav"),
    )
    try:
        d.get(url)
        until(lambda: d.execute_script("return !!(window.room && window.room.api)"), 60, "page")
        d.find_element(By.CSS_SELECTOR, "button.start").click()
        d.execute_script(DIAGRAM)
        folder = until(lambda: next((tmp / "home" / "recordings").glob("*"), None), 30, "session")

        # The interviewer has answered the first turn and listens to the second.
        def answered() -> bool:
            try:
                turns = json.loads((folder / "session.json").read_text())["turns"]
            except (OSError, ValueError, KeyError):
                return False
            return any(t["role"] == "candidate" for t in turns) and turns[-1]["role"] != "candidate"

        until(answered, 300, "the first answer and its reply")
        until(lambda: "thinking" not in d.find_element(By.TAG_NAME, "body").text, 60, "the reply")
        time.sleep(2)  # a screenshot, not a test: let the meter and panel settle
        d.save_screenshot(str(ROOT / "docs" / "room.png"))
        end = d.find_element(By.CSS_SELECTOR, "button.end")
        end.click()
        end.click()
        link = until(lambda: d.find_elements(By.LINK_TEXT, "Open the report"), 600, "report")
        link[0].click()
        until(lambda: d.find_elements(By.CSS_SELECTOR, "img"), 30, "the report's board")
        img = d.find_elements(By.CSS_SELECTOR, "img")[0]
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", img)
        time.sleep(1)
        d.save_screenshot(str(ROOT / "docs" / "report-board.png"))
        print(json.dumps(json.loads((folder / "report.json").read_text())["board"], indent=1))
        d.get("about:blank")
    finally:
        d.quit()
        proc.wait(60)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
