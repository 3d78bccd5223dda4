"""The live terminal view while the candidate talks: phase, clock against budget, input level,
a running transcript of the current answer, and what the interviewer is waiting for.

The running transcript is the streaming transcriber's text so far (chunks closed at short
silences, transcribed in the background while the candidate goes on).
"""

from __future__ import annotations

from typing import Any

from interviewer.audio.mic import LiveStatus
from interviewer.interview.lines import minutes_text
from interviewer.report.markdown import clock


class LiveView:
    def __init__(self, agenda_names: dict[str, str]):
        from rich.console import Console

        self.console = Console()
        self.names = agenda_names
        self.live: Any = None
        self.status: LiveStatus | None = None
        self.state: dict = {}
        self.turn = 0
        self.stream: Any = None  # StreamingTurn: its text so far is the running transcript

    @property
    def text(self) -> str:
        return self.stream.text if self.stream is not None else ""

    # -- hooks ----------------------------------------------------------------------------------
    def begin(self, state: dict, turn: int, stream: Any = None) -> None:
        from rich.live import Live

        self.state, self.turn, self.stream, self.status = state, turn, stream, None
        self.live = Live(self._render(), console=self.console, refresh_per_second=8, transient=True)
        self.live.start()

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
        phase = s.get("phase", "")
        used = s.get("time_used", {}).get(phase, 0.0)
        budget = s.get("budget_s", {}).get(phase, 0.0)
        total = s.get("minutes", 0) * 60
        st = self.status
        level = 0 if st is None else max(0, min(20, int((st.level_db + 60) / 3)))
        line1 = Text.assemble(("phase ", "dim"), (self.names.get(phase, phase), "bold"),
                              f"  {clock(used)} of {minutes_text(budget)}",
                              ("   clock ", "dim"), f"{clock(s.get('clock', 0.0) + (st.seconds if st else 0))}"
                              f" of {minutes_text(total)}")
        meter = Text.assemble(("input ", "dim"), ("#" * level, "green"), ("." * (20 - level), "dim"))
        if st is None or not st.heard_speech:
            waiting = "waiting for your answer: take your time, then speak"
        else:
            waiting = (f"listening; silence {st.silence_s:.1f} of {st.patience_s:.0f} s ends the turn, "
                       "or press Enter")
        body = Text("\n").join([line1, meter, Text(waiting, style="italic"),
                                Text(self.text[-400:] or "...", style="cyan")])
        return Panel(body, title=f"turn {self.turn}")
