"""Scoring a whole session folder, and publishing a report (json, md, html, index, progress).

Used at the end of a live interview, by `interviewer answer`, and by `interviewer report` to
rebuild a report from the saved audio and transcripts (e.g. after editing a rubric).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import soundfile as sf

from interviewer.audio import SAMPLE_RATE, Audio, load_audio
from interviewer.board.snapshots import read_boards
from interviewer.files import atomic_write_json
from interviewer.index import refresh
from interviewer.pipeline import FILLER_NOTE, Context, judge_transcript
from interviewer.report import Report, write_report
from interviewer.report.advice import next_time
from interviewer.report.model import SttInfo, ended_from
from interviewer.report.writer import write_json
from interviewer.session import inside, read_transcript
from interviewer.transcript import Transcript, combine

if TYPE_CHECKING:
    from interviewer.stt import StreamingTranscriber


def session_report(
    folder: Path,
    turns: list[dict[str, Any]],
    ctx: Context,
    stt: SttInfo,
    probed: dict[str, float],
    clock: float,
    transcriber: StreamingTranscriber | None = None,
    rescore: bool = False,
    minutes: float | None = None,
) -> Report:
    """Judge every candidate turn together on the session clock, with the board each saved."""
    parts: list[tuple[float, float, Transcript]] = []
    notes: list[str] = []
    answers = [t for t in turns if t["role"] == "candidate"]
    redo: dict[int, Transcript] = {}
    used: dict[int, str] = {}  # turn n -> the text scored
    # A recording that no longer reads as audio (overwritten, damaged) is never handed to the
    # model: the others are scored, and the report says which one and what stood in for it.
    unreadable = {
        i: why
        for i, t in enumerate(answers)
        if transcriber is not None
        and (w := _wav(folder, t)) is not None
        and (why := _unreadable(w)) is not None
    }
    if transcriber is not None:
        todo = [
            i
            for i, t in enumerate(answers)
            if _wav(folder, t) is not None
            and i not in unreadable
            and (rescore or _saved(folder, t) is None)
        ]
        previous = [_saved(folder, answers[i]) for i in todo]
        redo = retranscribe(
            transcriber,
            [w for i in todo if (w := _wav(folder, answers[i])) is not None],  # all of them
            [read_transcript(p) if p else None for p in previous],
        )
        redo = {todo[k]: tr for k, tr in redo.items()}
    for i, t in enumerate(answers):
        wav, saved = _wav(folder, t), _saved(folder, t)
        if t.get("audio") and wav is None:
            notes.append(
                f"{t['audio']} is missing"
                + (
                    ": its saved transcript was used."
                    if saved
                    else " and so is its transcript: the turn is left out."
                )
            )
        if i in unreadable:
            notes.append(
                f"{t['audio']} could not be read ({unreadable[i]})"
                + (
                    ": its saved transcript was used."
                    if saved
                    else " and it has no saved transcript: the turn is left out."
                )
            )
        if i in redo:
            tr = redo[i]
            if t.get("transcript"):
                atomic_write_json(inside(folder, t["transcript"]), tr.model_dump(mode="json"))
        elif saved is not None:
            tr = read_transcript(saved)
        else:
            continue
        parts.append((t["start"], t["end"], tr))
        used[t.get("n", i)] = tr.text
    made_by: dict[str, int] = {}
    for _, _, tr in parts:
        made_by[tr.model or "unknown"] = made_by.get(tr.model or "unknown", 0) + 1
    stt = stt.model_copy(update={"transcripts": made_by})
    # The whiteboard, where the session saved one (board/turn-NN.json): judged with the talk.
    boards = read_boards(folder, turns)
    report = judge_transcript(
        combine(parts, clock), ctx, str(folder), stt, probed=probed, minutes=minutes, boards=boards
    )
    report.turns = [dict(t) for t in turns]
    for t in report.turns:  # the text the report scored (one pass), not what was streamed live
        if t.get("role") == "candidate" and t.get("n") in used:
            t["text"] = used[t["n"]]
    report.ended = ended_from(report.turns, minutes)
    if report.typed:  # the note on what Whisper drops is about speech
        report.notes = [n for n in report.notes if n != FILLER_NOTE]
        report.notes.append("Answers were typed: pace, pauses and fillers were not measured.")
    report.notes += notes
    # Again, now that it knows the turns (typed or spoken).
    report.next_time = next_time(report, ctx.rubric.advice)
    return report


def _wav(folder: Path, turn: dict[str, Any]) -> Path | None:
    path = inside(folder, turn["audio"]) if turn.get("audio") else None
    return path if path is not None and path.exists() else None


def _unreadable(wav: Path) -> str | None:
    """Why a recording cannot be decoded, or None when it can (its header is read, quickly)."""
    from interviewer.audio.io import load_audio
    from interviewer.errors import AudioError, first_line

    try:
        import soundfile as sf

        sf.info(str(wav))
        return None
    except Exception:
        pass  # not a format libsndfile knows: FFmpeg may still read it (an mp3)
    try:
        load_audio(wav)
        return None
    except AudioError as exc:
        return first_line(exc, 100).strip()
    except Exception as exc:
        return first_line(exc, 100).strip()


def _saved(folder: Path, turn: dict[str, Any]) -> Path | None:
    path = inside(folder, turn["transcript"]) if turn.get("transcript") else None
    return path if path is not None and path.exists() else None


GAP_S = 1.0  # silence between turns laid end to end for one batched pass


GROUP_S = 300.0  # audio per batched pass: full batches, bounded memory (45 min at once: 1.3 GB)


def retranscribe(
    transcriber: StreamingTranscriber,
    wavs: list[Path],
    saved: list[Transcript | None] | None = None,
) -> dict[int, Transcript]:
    """The turns in batched passes of up to GROUP_S seconds each (fuller batches: ~13% faster
    than turn by turn), split back into one transcript per turn with its own times."""
    saved = saved or [None] * len(wavs)
    out: dict[int, Transcript] = {}
    group: list[int] = []
    seconds = 0.0
    for i, wav in enumerate(wavs):
        length = sf.info(str(wav)).duration
        if group and seconds + length > GROUP_S:
            out.update(_retranscribe_group(transcriber, wavs, saved, group))
            group, seconds = [], 0.0
        group.append(i)
        seconds += length
    if group:
        out.update(_retranscribe_group(transcriber, wavs, saved, group))
    return out


def _retranscribe_group(
    transcriber: StreamingTranscriber,
    wavs: list[Path],
    saved: list[Transcript | None],
    group: list[int],
) -> dict[int, Transcript]:
    """One batched pass over several turns laid end to end. Speech regions already saved for a
    turn are reused (the VAD on the same audio gives the same regions)."""
    clips = [load_audio(wavs[i]).samples for i in group]
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32)
    offsets, pos = [], 0
    for c in clips:
        offsets.append(pos / SAMPLE_RATE)
        pos += len(c) + len(gap)
    regions = None
    known = [saved[i] for i in group]
    if all(t is not None for t in known):
        regions = [
            r.shifted(o)
            for o, t in zip(offsets, known, strict=True)
            if t is not None
            for r in t.speech_regions
        ]
    whole = transcriber.transcribe_batched(
        Audio(np.concatenate([x for c in clips for x in (c, gap)])), regions=regions
    )
    out: dict[int, Transcript] = {}
    for i, start, clip in zip(group, offsets, clips, strict=True):
        # Each turn takes half the silence on either side of it: the split falls mid-gap.
        out[i] = whole.window(start, start + len(clip) / SAMPLE_RATE, pad=GAP_S / 2)
    return out


def publish(report: Report, folder: Path, root: Path | None = None, index: bool = True) -> Path:
    """Write report.json, report.md and report.html with the progress so far; returns the json."""
    if not index:
        return write_report(report, folder)[0]
    json_path = write_json(report, folder)  # first, so the index sees this session
    # The trend compares like with like: typed, spoken and single-answer sessions apart.
    points = [p for p in refresh(root or folder.parent) if p.kind == report.kind]
    mine = next((i for i, p in enumerate(points) if p.session == folder.name), None)
    report.progress = points[: mine + 1] if mine is not None else []
    if report.kind == "demo":
        # Two example candidates are not one person's trend: the weak one is never shown as
        # a fall from the strong one (`progress` leaves demos out too).
        report.progress = []
    write_report(report, folder)
    return json_path
