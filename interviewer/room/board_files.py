"""The whiteboard in the session folder, crash-safe like the audio.

    board/scene.json      the latest scene, rewritten (atomically) each time a change settles
                          in the page (about a second after the last edit): a kill loses at
                          most the drawing of the last seconds
    board/turn-NN.json    the scene as it stood when candidate turn NN ended
    board/turn-NN.svg     the page's SVG snapshot of it, for the report

The scene is Excalidraw's element list as the page sent it: untrusted. It is stored as data
(bounded in size and count) and read back by interviewer/board, which treats every string in it
as text.
"""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

from interviewer.files import atomic_write_bytes, atomic_write_json

MAX_ELEMENTS = 5000
MAX_SCENE_BYTES = 2 * 1024 * 1024
MAX_SVG_BYTES = 4 * 1024 * 1024
_SVG_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<svg[\s>]", re.S)


class BoardFiles:
    def __init__(self, session_dir: Path):
        self.dir = session_dir / "board"
        self._lock = threading.Lock()
        self.turns_saved: set[int] = set()

    def latest(self) -> list[dict[str, Any]] | None:
        """The scene to draw on a page that (re)opens: what was last saved."""
        try:
            data = json.loads((self.dir / "scene.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        elements = data.get("elements") if isinstance(data, dict) else None
        return elements if isinstance(elements, list) else None

    def scene(self, message: dict[str, Any]) -> bool:
        """Save the page's scene; False when it is not one (wrong shape, too big)."""
        elements = message.get("elements")
        if not isinstance(elements, list) or len(elements) > MAX_ELEMENTS:
            return False
        elements = [e for e in elements if isinstance(e, dict)]
        if len(json.dumps(elements)) > MAX_SCENE_BYTES:
            return False
        with self._lock:
            self.dir.mkdir(exist_ok=True)
            atomic_write_json(
                self.dir / "scene.json", {"elements": elements, "saved_at": round(time.time(), 3)}
            )
        return True

    def turn_end(self, n: int) -> Path | None:
        """The board as it stands at the end of candidate turn n (nothing drawn yet: None)."""
        elements = self.latest()
        if elements is None:
            return None
        with self._lock:
            path = atomic_write_json(
                self.dir / f"turn-{n:02d}.json",
                {"elements": elements, "saved_at": round(time.time(), 3)},
            )
        self.turns_saved.add(n)
        return path

    def snapshot(self, n: int, svg: str) -> bool:
        """The page's SVG of the board at turn n; only for a turn whose scene was saved, and
        only an SVG document (it is shown in the report as an image, never as markup)."""
        data = svg.encode("utf-8", "replace")
        if n not in self.turns_saved or len(data) > MAX_SVG_BYTES or not _SVG_START.match(data):
            return False
        with self._lock:
            atomic_write_bytes(self.dir / f"turn-{n:02d}.svg", data)
        return True
