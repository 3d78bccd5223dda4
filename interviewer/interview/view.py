"""The live terminal view while the candidate talks: phase, clock against budget, input level,
a running transcript of the current answer, and what the interviewer is waiting for.

The running transcript is the streaming transcriber's text so far (chunks closed at short
silences, transcribed in the background while the candidate goes on; Whisper's stock phrases on
silence are dropped there). The phase and its clock move with the answer: each new chunk is
read by the same understanding the interviewer and the report use, and the panel shows where
that reading puts the candidate now (pipeline.where_now). Once the turn ends, the panel stays and
says the interviewer is thinking, with the seconds it has taken, until the reply starts.
"""

from __future__ import annotations

from typing import Any

from interviewer.audio.mic import LiveStatus
from interviewer.interview.lines import minutes_text
from interviewer.transcript import clock

# Where the answer so far puts the candidate: (phase, seconds into the turn that phase began),
# or None when there are no words yet.
Reading = tuple[str, float] | None


def live_phase(
    state: dict[str, Any], reading: Reading, steps: list[str], seconds: float
) -> tuple[str, float]:
    """The phase to show while the candidate talks, and the seconds spent in it so far: where
    the answer so far puts them (as assess will read it when the turn ends), else the phase the
    turn began in, its time running on with the turn."""
    phase = state.get("phase", "")
    used = state.get("time_used", {})
    if reading is None or reading[0] not in steps:
        return phase, used.get(phase, 0.0) + seconds
    step, began = reading
    return step, used.get(step, 0.0) + max(0.0, seconds - began)


class LiveView:
    def __init__(self, agenda_names: dict[str, str], phases: Any = None):
        from rich.console import Console

        self.console = Console()
        self.names = agenda_names
        # Transcript -> Reading, by the same understanding the interviewer and report use
        self.phases = phases
        self._reading: Reading = None
        self._pieces = 0  # stream pieces the reading was computed from
        self.thinking_since = 0.0  # time.monotonic() when the turn ended; 0 while listening
        self.live: Any = None
        self.status: LiveStatus | None = None
        self.state: dict[str, Any] = {}
        self.turn = 0
        self.stream: Any = None  # StreamingTurn: its text so far is the running transcript

    @property
    def text(self) -> str:
        return self.stream.text if self.stream is not None else ""

    # -- hooks ----------------------------------------------------------------------------------
    def begin(self, state: dict[str, Any], turn: int, stream: Any = None) -> None:
        from rich.live import Live

        self.end()
        self.state, self.turn, self.stream, self.status = state, turn, stream, None
        self._reading, self._pieces, self.thinking_since = None, 0, 0.0
        self.live = Live(
            get_renderable=self._render, console=self.console, refresh_per_second=8, transient=True
        )
        self.live.start()

    def think(self) -> None:
        """The turn is over and the interviewer is working on its reply: the panel stays and
        says so (on a busy machine that can take seconds), until `end`."""
        import time

        self.thinking_since = time.monotonic()

    def end(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None

    def on_status(self, status: LiveStatus) -> None:
        self.status = status
        if self.live is not None:
            self.live.update(self._render())

    def _render(self) -> Any:
        from rich.panel import Panel
        from rich.text import Text

        s = self.state
        st = self.status
        phase, used = live_phase(
            s, self._live_reading(), list(self.names), st.seconds if st else 0.0
        )
        budget = s.get("budget_s", {}).get(phase, 0.0)
        total = s.get("minutes", 0) * 60
        level = 0 if st is None else max(0, min(20, int((st.level_db + 60) / 3)))
        line1 = Text.assemble(
            ("phase ", "dim"),
            (self.names.get(phase, phase), "bold"),
            f"  {clock(used)} of {minutes_text(budget)}",
            ("   clock ", "dim"),
            f"{clock(s.get('clock', 0.0) + (st.seconds if st else 0))} of {minutes_text(total)}",
        )
        meter = Text.assemble(
            ("input ", "dim"), ("#" * level, "green"), ("." * (20 - level), "dim")
        )
        if self.thinking_since:
            import time

            took = time.monotonic() - self.thinking_since
            waiting = f"thinking about your answer... {took:.0f} s"
        elif st is None or not st.heard_speech:
            waiting = "waiting for your answer: take your time, then speak"
        elif st.expect and st.silence_s >= 0.2:
            # The end-of-turn judge's reading of this pause: mid-sentence, thinking, finished.
            waiting = f"{st.expect}  (silence {st.silence_s:.1f} s; Enter ends your turn)"
        else:
            waiting = (
                f"listening; up to {st.patience_s:.0f} s of silence ends the turn, or press Enter"
            )
        body = Text("\n").join(
            [
                line1,
                meter,
                Text(waiting, style="italic"),
                Text(self.text[-400:] or "(your words appear at each short pause)", style="cyan"),
            ]
        )
        return Panel(body, title=f"turn {self.turn}")

    def _live_reading(self) -> Reading:
        """Where the answer so far puts the candidate, recomputed only when a new chunk arrives."""
        if self.stream is None or self.phases is None or not hasattr(self.stream, "so_far"):
            return None
        pieces = len(self.stream.pieces)
        if pieces != self._pieces:
            t = self.stream.so_far()
            self._reading = self.phases(t) if t.words else None
            self._pieces = pieces
        return self._reading
