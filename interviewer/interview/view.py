"""The live terminal view while the candidate talks: phase, clock against budget, input level,
a running transcript of the current answer, and what the interviewer is waiting for.

The running transcript comes from chunks the microphone closes at short silences, transcribed on
a background thread; the turn's final transcript is still made from the whole WAV.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path
from typing import Any

from interviewer.audio.io import SAMPLE_RATE, Audio
from interviewer.audio.mic import LiveStatus
from interviewer.interview.lines import minutes_text
from interviewer.report.markdown import clock


class LiveView:
    def __init__(self, transcriber: Any, agenda_names: dict[str, str]):
        from rich.console import Console

        self.console = Console()
        self.transcriber = transcriber
        self.names = agenda_names
        self.live: Any = None
        self.status: LiveStatus | None = None
        self.state: dict = {}
        self.turn = 0
        self.text: list[str] = []
        self.chunks: queue.Queue[tuple[Path, float, float] | None] = queue.Queue()
        threading.Thread(target=self._transcribe_chunks, daemon=True, name="live-stt").start()

    # -- hooks ----------------------------------------------------------------------------------
    def begin(self, state: dict, turn: int) -> None:
        from rich.live import Live

        self.state, self.turn, self.text, self.status = state, turn, [], None
        self.live = Live(self._render(), console=self.console, refresh_per_second=8, transient=True)
        self.live.start()

    def end(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
        if self.text:
            self.console.print(f"[dim]you: {' '.join(self.text)}[/dim]")

    def on_status(self, status: LiveStatus) -> None:
        self.status = status
        if self.live is not None:
            self.live.update(self._render())

    def on_chunk(self, path: Path, start: float, end: float) -> None:
        self.chunks.put((path, start, end))

    # -- work -----------------------------------------------------------------------------------
    def _transcribe_chunks(self) -> None:
        import soundfile as sf

        while True:
            item = self.chunks.get()
            if item is None:
                return
            path, start, end = item
            try:
                samples, _ = sf.read(str(path), start=int(start * SAMPLE_RATE),
                                     stop=int(end * SAMPLE_RATE), dtype="float32")
                text = self.transcriber.transcribe(Audio(samples)).text
            except Exception:
                continue  # the live transcript is a convenience; the final one is what counts
            if text:
                self.text.append(text)

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
                                Text(" ".join(self.text[-6:]) or "...", style="cyan")])
        return Panel(body, title=f"turn {self.turn}")
