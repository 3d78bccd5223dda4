"""`interviewer room` / `practice --room`: the parts `practice` swaps for the browser's.

practice (interview/run.py) builds the same session, graph, models, judge and report; the room
only changes where the audio comes from and goes to, and where the live panel is drawn.
"""

from __future__ import annotations

import argparse
import sys
import time
import webbrowser
from pathlib import Path
from typing import Any

from interviewer.errors import UsageError
from interviewer.room.board_files import BoardFiles
from interviewer.room.devices import BrowserInput, BrowserMicrophone, BrowserOutput
from interviewer.room.hub import Hub
from interviewer.room.server import RoomServer
from interviewer.room.view import RoomView

LINGER_S = 5.0  # after the interview, the room closes this long after the page does
LINGER_MAX_S = 30 * 60.0


class Room:
    def __init__(self, args: argparse.Namespace):
        for flag, on in (
            ("--text", args.text),
            ("--answers", args.answers),
            ("--no-voice", args.no_voice),
            ("--barge-in", args.barge_in),
        ):
            if on:
                raise UsageError(
                    f"the room listens and speaks through the browser: {flag} does not apply "
                    "(barge-in is always on there: the browser cancels the echo)"
                )
        if not 0 <= args.port <= 65535:
            raise UsageError(f"--port must be 0-65535, not {args.port}")
        self.hub = Hub()
        self.session_dir: Path | None = None
        self.server = RoomServer(self.hub, lambda: self.session_dir, port=args.port)
        self.open_browser = not args.no_browser
        self.board: BoardFiles | None = None
        self.view: RoomView | None = None
        self.server.start()

    def microphone(self, *args: Any, **kwargs: Any) -> BrowserMicrophone:
        """The recorder practice uses, over the page's audio and buttons."""
        return BrowserMicrophone(self.hub, *args, **kwargs)

    def speak_with(self, voice: Any) -> None:
        """The voice renders as it would for the speaker; the page plays its lines, and stops
        them when the candidate speaks over them."""
        from interviewer.audio.barge_in import BargeIn

        voice.output = BrowserOutput(self.hub)
        voice.barge_in = BargeIn(stream_factory=BrowserInput(self.hub))

    def open(self, session_dir: Path) -> None:
        """The session exists: its board files, then the page."""
        self.session_dir = session_dir
        self.board = BoardFiles(session_dir)
        self.hub.on_scene = self.board.scene
        self.hub.on_snapshot = self.board.snapshot
        if self.view is not None:
            self.view.board = self.board
        print(f"room: {self.server.url}", flush=True)
        if self.open_browser and not webbrowser.open(self.server.url):
            print("no browser could be opened: open the address above in one", file=sys.stderr)

    def make_view(self, names: dict[str, str], question: str, push_to_talk: bool) -> RoomView:
        self.view = RoomView(self.hub, names, question, push_to_talk)
        self.view.board = self.board
        self.hub.send(self.view.page_state())  # a page opened before this knows the question now
        return self.view

    def finish(self, report: Path | None) -> None:
        """Tell the page the interview is over and where its report is; serve it until the
        page is closed (or LINGER_MAX_S)."""
        if report is not None:
            self.hub.send(
                {"type": "ended", "report": f"session/{report.with_suffix('.html').name}"}
            )
            print("the room shows your report; close its tab (or press Ctrl-C) to finish")
            start = time.monotonic()
            gone_since = 0.0
            while time.monotonic() - start < LINGER_MAX_S:
                if self.hub.connected:
                    gone_since = 0.0
                elif not gone_since:
                    gone_since = time.monotonic()
                elif time.monotonic() - gone_since > LINGER_S:
                    break
                time.sleep(0.2)
        self.server.stop()

    def close(self) -> None:
        self.server.stop()
