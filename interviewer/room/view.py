"""The live panel in the page: the terminal LiveView's reading (phase, clock, what the
interviewer waits for, the words so far), sent as messages instead of drawn with rich."""

from __future__ import annotations

import json
import time
from typing import Any

from interviewer.audio.mic import LiveStatus
from interviewer.interview.view import LiveView, live_phase
from interviewer.room.board_files import BoardFiles
from interviewer.room.hub import Hub

LIVE_EVERY_S = 0.1  # the page's panel is refreshed at most this often


class RoomView(LiveView):
    def __init__(
        self,
        hub: Hub,
        agenda_names: dict[str, str],
        question: str,
        push_to_talk: bool,
        phases: Any = None,
    ):
        super().__init__(agenda_names, phases)
        self.hub = hub
        self.question = question
        self.push_to_talk = push_to_talk
        self.board: BoardFiles | None = None
        self._sent_at = 0.0
        hub.state = self.page_state

    def page_state(self) -> dict[str, Any]:
        s = self.state or self._saved()
        budget = s.get("budget_s", {})
        return {
            "type": "state",
            "question": self.question,
            "phases": [
                {"id": k, "name": name, "budget_s": budget.get(k, 0.0)}
                for k, name in self.names.items()
            ],
            "minutes": s.get("minutes", 0),
            "turns": self._turns(s),
            "scene": self.board.latest() if self.board is not None else None,
            "push_to_talk": self.push_to_talk,
        }

    def _turns(self, s: dict[str, Any]) -> list[dict[str, Any]]:
        turns = [
            {"role": t["role"], "n": t["n"], "text": t.get("text", "")} for t in s.get("turns", [])
        ]
        said = self.hub.said
        if said and not any(t["role"] == "interviewer" and t["text"] == said for t in turns):
            turns.append({"role": "interviewer", "n": len(turns), "text": said})
        return turns

    def _saved(self) -> dict[str, Any]:
        """Before the first turn of this run (a page opened on a resumed session): the
        interview as session.json has it."""
        if self.board is None:
            return {}
        try:
            data = json.loads((self.board.dir.parent / "session.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    # -- the LiveView hooks practice calls ------------------------------------------------------
    def begin(self, state: dict[str, Any], turn: int, stream: Any = None) -> None:
        self.state, self.turn, self.stream, self.status = state, turn, stream, None
        self._reading, self._pieces, self.thinking_since = None, 0, 0.0
        self.hub.send(self.page_state())

    def think(self) -> None:
        self.thinking_since = time.monotonic()
        self.hub.send({"type": "thinking"})
        if self.board is not None and self.board.turn_end(self.turn) is not None:
            self.hub.send({"type": "snapshot?", "turn": self.turn})

    def end(self) -> None:
        pass  # the page keeps its panel; the next `state` or `say` moves it on

    def on_status(self, status: LiveStatus) -> None:
        self.status = status
        now = time.monotonic()
        if now - self._sent_at < LIVE_EVERY_S:
            return
        self._sent_at = now
        phase, _ = live_phase(self.state, self._live_reading(), list(self.names), status.seconds)
        self.hub.send(
            {
                "type": "live",
                "seconds": round(status.seconds, 2),
                "level_db": round(max(-100.0, status.level_db), 1),
                "silence_s": round(status.silence_s, 2),
                "wait_s": round(status.wait_s, 2),
                "expect": status.expect
                or ("listening" if status.heard_speech else "waiting for your answer"),
                "heard": self.text[-600:],
                "phase": phase,
                "clock_s": round(self.state.get("clock", 0.0) + status.seconds, 1),
            }
        )
