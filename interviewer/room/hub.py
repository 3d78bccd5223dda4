"""The bridge between the interview (plain threads: the recorder, the voice, the graph driver)
and the browser (the server's asyncio loop).

Threads call `send(message)`, which never blocks: messages go through one queue, so the page
gets them in the order they were sent. The loop calls `audio(frame)` and `message(data)` for
what the page sends; audio reaches whoever listens (the recorder, the barge-in detector).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_AUDIO_FRAME = 64 * 1024  # bytes: about 2 s of 16 kHz 16-bit audio; the page sends 40 ms
LINES_KEPT = 64  # rendered lines kept for the page to fetch (a reload re-fetches the last)

Listener = Callable[[bytes], None]


@dataclass
class LinePlay:
    """One line handed to the page, and what became of it."""

    id: int
    done: threading.Event = field(default_factory=threading.Event)
    stopped_at_s: float | None = None  # seconds played when the page stopped it


class Keys:
    """The page's "I'm done" and push-to-talk, as key presses for the recorder."""

    available = True

    def __init__(self) -> None:
        self.presses: queue.Queue[str] = queue.Queue()

    def press(self, what: str) -> None:
        self.presses.put(what)

    def pressed(self) -> bool:
        try:
            self.presses.get_nowait()
            return True
        except queue.Empty:
            return False

    def drain(self) -> None:
        while self.pressed():
            pass


class Hub:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self._outbox: asyncio.Queue[dict[str, Any]] | None = None
        self._socket: Any = None  # the page connected now (the newest one)
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self.keys = Keys()
        self.ready = threading.Event()  # the page's audio runs: its first audio frame came
        self.closed = threading.Event()  # the room is shutting down
        self.end_requested = threading.Event()  # the candidate ended the interview
        self.lines: dict[int, bytes] = {}  # line id -> WAV, for the page to fetch
        self._ids = itertools.count(1)
        self._plays: dict[int, LinePlay] = {}
        self.playing: dict[str, Any] | None = None  # the `say` not yet played: resent on reload
        self.said = ""  # the interviewer's latest line, shown before the interview records it
        # The page's state from nothing: set by the view; sent to each page that says hello.
        self.state: Callable[[], dict[str, Any]] = lambda: {"type": "state", "turns": []}
        # Whiteboard messages, handled off the loop (board_files.BoardFiles).
        self.on_scene: Callable[[dict[str, Any]], object] | None = None
        self.on_snapshot: Callable[[int, str], object] | None = None
        self.last_frame_at = 0.0

    # -- from the interview's threads -----------------------------------------------------------
    def send(self, message: dict[str, Any]) -> None:
        loop, outbox = self.loop, self._outbox
        if loop is None or outbox is None or loop.is_closed():
            return  # no server (yet): the page draws everything from `state` when it comes
        with contextlib.suppress(RuntimeError):  # the loop closed in between
            loop.call_soon_threadsafe(outbox.put_nowait, message)

    def listen(self, listener: Listener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def unlisten(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    @property
    def connected(self) -> bool:
        return self._socket is not None

    def new_line(self, wav: bytes) -> LinePlay:
        play = LinePlay(next(self._ids))
        self.lines[play.id] = wav
        self._plays[play.id] = play
        for old in [k for k in self.lines if k <= play.id - LINES_KEPT]:
            self.lines.pop(old, None)
            self._plays.pop(old, None)
        return play

    # -- from the server's loop -----------------------------------------------------------------
    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._outbox = asyncio.Queue()

    async def deliver(self) -> None:
        """Send the outbox to the page connected now, forever (one task on the loop)."""
        assert self._outbox is not None
        while True:
            message = await self._outbox.get()
            socket = self._socket
            if socket is None:
                continue  # nobody to tell: the next page asks for the whole state
            with contextlib.suppress(Exception):  # a page going away mid-send
                await socket.send_json(message)

    async def attach(self, socket: Any) -> None:
        old, self._socket = self._socket, socket
        if old is not None:
            with contextlib.suppress(Exception):
                await old.send_json(
                    {"type": "error", "message": "the room was opened in another tab"}
                )
                await old.close(code=4409)

    def detach(self, socket: Any) -> None:
        if self._socket is socket:
            self._socket = None

    def audio(self, frame: bytes) -> None:
        if len(frame) > MAX_AUDIO_FRAME or len(frame) % 2:
            return  # not 16-bit PCM in the page's block size: never fed to the recorder
        self.last_frame_at = time.monotonic()
        self.ready.set()
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(frame)

    async def message(self, data: dict[str, Any], socket: Any) -> None:
        kind = data.get("type")
        if kind == "hello":
            await socket.send_json(self.state())
            if self.playing is not None:
                await socket.send_json(self.playing)  # a line that was playing when it reloaded
        elif kind == "done":
            self.keys.press("done")
        elif kind == "talk":
            self.keys.press("talk")
        elif kind == "end":
            self.end_requested.set()
            self.keys.press("end")  # a turn being recorded ends now, and is kept
        elif kind in ("played", "stopped"):
            play = self._plays.get(_int(data.get("n")))
            if play is not None:
                if kind == "stopped":
                    play.stopped_at_s = max(0.0, _float(data.get("at_s")))
                play.done.set()
        elif kind == "scene" and self.on_scene is not None:
            await asyncio.to_thread(self.on_scene, data)
        elif kind == "snapshot" and self.on_snapshot is not None:
            svg = data.get("svg")
            if isinstance(svg, str):
                await asyncio.to_thread(self.on_snapshot, _int(data.get("turn")), svg)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def _float(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return float(min(value, 24 * 3600))
    return 0.0
