"""The boards a session saved: board/turn-NN.json at the end of the candidate's answer NN (from 1,
as turn-NN.json holds its transcript), board/turn-NN.svg beside it.

Both files come from the browser: read with a size bound, any damage reads as no board (never an
error: a report without the drawing is still a report), and an SVG is only ever passed on as an
image after `svg_bytes` checked it is one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from interviewer.board.model import BoardEdge, BoardLine, BoardTurn
from interviewer.board.scene import Diagram, Shown, read_scene
from interviewer.board.sentences import Wording, load_wording, say
from interviewer.meaning.units import Drawn

FOLDER = "board"
MAX_SCENE_BYTES = 4 * 1024 * 1024  # a saved scene (the room refuses a scene message over 2 MiB)
MAX_SVG_BYTES = 4 * 1024 * 1024  # a snapshot (the room refuses one over 4 MiB)

# An SVG document: optional byte-order mark, XML declaration, comments and whitespace, then the
# <svg root. A DOCTYPE (entities) is refused: a snapshot has no use for one.
_SVG_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*<svg[\s>]",
    re.DOTALL,
)


def scene_file(folder: Path, answer: int) -> Path:
    return folder / FOLDER / f"turn-{answer:02d}.json"


def svg_file(folder: Path, answer: int) -> Path:
    return folder / FOLDER / f"turn-{answer:02d}.svg"


def _bounded(path: Path, limit: int) -> bytes | None:
    """The file's bytes if it is a plain file (not a link) of at most `limit` bytes whose real
    path is inside the session folder (its board folder's parent)."""
    try:
        session = path.parent.parent.resolve()
        if (
            path.is_symlink()
            or not path.resolve().is_relative_to(session)
            or not path.is_file()
            or path.stat().st_size > limit
        ):
            return None
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None


def read_elements(path: Path) -> list[Any] | None:
    """The `elements` of a saved scene, or None when it is missing, too big or not one."""
    data = _bounded(path, MAX_SCENE_BYTES)
    if data is None:
        return None
    try:
        scene = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    elements = scene.get("elements") if isinstance(scene, dict) else None
    return elements if isinstance(elements, list) else None


def svg_bytes(path: Path) -> bytes | None:
    """A snapshot's bytes if it is an SVG document within MAX_SVG_BYTES, else None."""
    data = _bounded(path, MAX_SVG_BYTES)
    if data is None or not _SVG_START.match(data[:4096]) or b"<!DOCTYPE" in data[:4096].upper():
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return data


def read_boards(
    folder: Path, turns: Sequence[Mapping[str, Any]], wording: Wording | None = None
) -> list[BoardTurn]:
    """Each candidate turn's saved board, with the sentences its new part says (timed at the
    turn's end). New means not shown by any earlier turn's board: a box erased and drawn again
    is not new. Turns without a readable board, or with an empty one, are left out."""
    answers = [t for t in turns if t.get("role") == "candidate"]
    if not answers or not (folder / FOLDER).is_dir():
        return []
    wording = wording or load_wording()
    seen = Shown()
    out: list[BoardTurn] = []
    for k, t in enumerate(answers, start=1):
        elements = read_elements(scene_file(folder, k))
        if elements is None:
            continue
        board = read_scene(elements)
        if board.empty:
            continue
        at = float(t.get("end") or 0.0)
        said = say(board.since(seen), at, wording)
        seen = seen | board.shown()
        out.append(_turn(board, said, int(t.get("n", k - 1)), k, at, folder))
    return out


def _turn(board: Diagram, said: list[Drawn], n: int, k: int, at: float, folder: Path) -> BoardTurn:
    svg = svg_file(folder, k)
    return BoardTurn(
        turn=n,
        answer=k,
        at_s=round(at, 3),
        svg=f"{FOLDER}/{svg.name}" if svg_bytes(svg) is not None else None,
        components=[c.label for c in board.components],
        edges=[
            BoardEdge(
                source=board.label(e.source),
                target=board.label(e.target),
                label=e.label,
                connector=e.connector,
            )
            for e in board.edges
        ],
        notes=list(board.notes),
        graph=board.describe().splitlines(),
        lines=[BoardLine(shown=d.shown, sentence=d.text) for d in said],
    )


def graph_lines(folder: Path, answer: int) -> list[str]:
    """The component graph of answer `answer`'s saved board, line by line (none: no board)."""
    elements = read_elements(scene_file(folder, answer))
    return [] if elements is None else read_scene(elements).describe().splitlines()


def drawn(boards: Sequence[BoardTurn]) -> list[Drawn]:
    """The sentences of every board, in turn order: what the judge reads besides the talk."""
    return [Drawn(line.sentence, line.shown, b.at_s) for b in boards for line in b.lines]
