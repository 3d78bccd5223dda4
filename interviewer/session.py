"""Session folders: recordings/<session-id>/ with session.json, turn-NN.wav, interviewer-NN.wav,
turn-NN.json transcripts, checkpoints.sqlite (the graph's state) and the reports.

session.json is one typed record (SessionRecord), validated on read and written atomically.
Every file it names is a plain name inside the folder: a record naming `../x` or `/etc/x` is
refused when read, so nothing read from a session file reaches outside its folder.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from interviewer.errors import SessionError, first_line
from interviewer.files import atomic_write_json, disk_full
from interviewer.settings import Paths

if TYPE_CHECKING:
    from interviewer.transcript import Transcript

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_ID = 80


def sanitize(name: str) -> str:
    """A user-supplied name as a safe folder name: no separators, no '..', no hidden files."""
    clean = _UNSAFE.sub("-", name.strip()).strip(".-")
    # cut to length, then trimmed again: a cut must not leave a name ending in "-" or "."
    clean = re.sub(r"\.{2,}", ".", clean)[:MAX_ID].strip(".-")
    if not clean:
        raise SessionError(
            f"'{name}' cannot be used as a session name (use letters, digits, - or _)"
        )
    if clean.lower() in RESERVED or clean.lower().startswith("index.sqlite"):
        raise SessionError(
            f"'{name}' is a name the recordings folder uses for itself; pick another name"
        )
    return clean


# Names the recordings folder holds besides sessions (the index and its journal files).
RESERVED = frozenset({"index.sqlite", "index.sqlite-wal", "index.sqlite-shm"})


def new_id(question_id: str, name: str | None = None) -> str:
    if name:
        return sanitize(name)
    return f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{sanitize(question_id)}"


def file_name(value: str) -> str:
    """A name of a file inside a session folder: no folder part, no '..', not hidden."""
    if (
        not value
        or value != Path(value).name
        or "\\" in value
        or value.startswith(".")
        or "\x00" in value
    ):
        raise ValueError(f"'{value[:80]}' is not a file name inside the session folder")
    return value


def inside(folder: Path, name: str) -> Path:
    """`name` (from a session file) as a path in `folder`: a plain file name whose real path,
    links followed, is still in the folder; anything else is a SessionError."""
    try:
        path = folder / file_name(str(name))
    except ValueError as exc:
        raise SessionError(f"{folder / 'session.json'}: {exc}") from None
    if not path.resolve().is_relative_to(folder.resolve()):
        raise SessionError(f"{folder / 'session.json'}: '{name}' points outside the session folder")
    return path


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Turn(BaseModel):
    """One line or answer as saved in session.json (the graph's state.Turn, validated)."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)

    n: int = Field(ge=0)
    role: Literal["interviewer", "candidate"]
    kind: str
    text: str = ""
    audio: str | None = None  # a file in the session folder
    transcript: str | None = None  # turn-NN.json, candidate turns only
    start: float = 0.0
    end: float = 0.0
    step: str | None = None
    ended_by: str | None = None

    @field_validator("audio", "transcript")
    @classmethod
    def _inside(cls, v: str | None) -> str | None:
        return None if v is None else file_name(v)


class QuestionRef(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1)
    text: str = ""


class SessionRecord(BaseModel):
    """session.json. Fields other code adds are kept (extra="allow")."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)

    id: str
    kind: Literal["practice", "answer"] = "practice"
    # starting (folder made, nothing asked yet), in-progress, interrupted, finished
    status: str = "starting"
    created_at: str = Field(default_factory=now)
    question: QuestionRef | None = None
    agenda_id: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    minutes: float | None = Field(default=None, gt=0)
    # the interview state, mirrored from the graph's checkpoint (and enough to rebuild it)
    budget_s: dict[str, float] = Field(default_factory=dict)
    phase: str | None = None
    clock: float = 0.0
    agenda: dict[str, str] = Field(default_factory=dict)
    probed: dict[str, float] = Field(default_factory=dict)
    time_used: dict[str, float] = Field(default_factory=dict)
    nudged: list[str] = Field(default_factory=list)
    follow_ups_used: list[int] = Field(default_factory=list)
    curveballs_used: list[int] = Field(default_factory=list)
    turns: list[Turn] = Field(default_factory=list)
    # a candidate turn recorded (its audio on disk) and not yet taken by the graph
    pending: dict[str, Any] | None = None
    lines_voiced: int = 0
    partial_recordings: list[str] = Field(default_factory=list)
    overflows: int = 0
    latency_ms: list[float] = Field(default_factory=list)
    first_line_at: float | None = None
    report: str | None = None
    stt: dict[str, Any] | None = None

    @field_validator("partial_recordings")
    @classmethod
    def _names(cls, v: list[str]) -> list[str]:
        return [file_name(x) for x in v]

    @field_validator("pending")
    @classmethod
    def _pending(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        for key in ("audio", "transcript"):
            if v and v.get(key) is not None:
                file_name(str(v[key]))
        return v

    @field_validator("report")
    @classmethod
    def _report(cls, v: str | None) -> str | None:
        return None if v is None else Path(v).name  # older files held a full path

    def answers(self) -> int:
        return sum(t.role == "candidate" for t in self.turns)


@dataclass(frozen=True)
class Session:
    id: str
    dir: Path

    @property
    def json_path(self) -> Path:
        return self.dir / "session.json"

    @property
    def checkpoints(self) -> Path:
        return self.dir / "checkpoints.sqlite"

    def turn_wav(self, n: int) -> Path:
        return self.dir / f"turn-{n:02d}.wav"

    def line_wav(self, n: int) -> Path:
        return self.dir / f"interviewer-{n:02d}.wav"

    def file(self, name: str) -> Path:
        """A file named in a session record, resolved inside this folder or refused."""
        return inside(self.dir, name)

    def load(self) -> SessionRecord | None:
        """The validated record, or None when the folder has none yet."""
        try:
            text = self.json_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise SessionError(f"{self.json_path} is unreadable ({first_line(exc)})") from None
        try:
            return SessionRecord.model_validate_json(text)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise SessionError(f"{self.json_path} is malformed ({where}: {err['msg']})") from None

    def read(self) -> dict[str, Any]:
        record = self.load()
        return {} if record is None else record.model_dump(mode="json")

    def write(self, data: dict[str, Any] | SessionRecord) -> None:
        record = data if isinstance(data, SessionRecord) else SessionRecord.model_validate(data)
        atomic_write_json(self.json_path, record.model_dump(mode="json"))


def _orphan(path: Path) -> bool:
    """A folder left by a start killed before its session.json existed (older versions)."""
    return path.is_dir() and not (path / "session.json").exists()


def create(session_id: str, root: Path | None = None, **fields: Any) -> Session:
    """A new session folder that holds its session.json from the first instant: it is built
    under a hidden name and renamed into place, so a kill never leaves a folder without one."""
    root = root or Paths().recordings
    path = root / session_id
    if _orphan(path) and not any(path.iterdir()):
        path.rmdir()  # an empty leftover: nothing to keep
    if path.exists():
        if _orphan(path):
            raise SessionError(
                f"folder {path} exists but holds no session.json (a start that was "
                "interrupted); move it away or pick another name"
            )
        raise SessionError(
            f"session '{session_id}' already exists in {root}; "
            f"resume it with --resume {session_id} or pick another name"
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{session_id}.", dir=root))
    except OSError as exc:
        raise _os_error(exc, root) from None
    try:
        Session(session_id, tmp).write(SessionRecord(id=session_id, **fields))
        os.rename(tmp, path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if path.exists():
            raise SessionError(f"session '{session_id}' already exists in {root}") from None
        raise _os_error(exc, root) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Session(session_id, path)


def _os_error(exc: OSError, where: Path) -> Exception:
    reason = exc.strerror or first_line(exc)
    return disk_full(exc, f"a new session in {where}") or SessionError(
        f"cannot create a session in {where} ({reason})"
    )


def open_existing(session_id: str, root: Path | None = None) -> Session:
    root = root or Paths().recordings
    clean = sanitize(session_id)
    path = root / clean
    if clean == session_id and _orphan(path):
        raise SessionError(
            f"folder {path} exists but holds no session.json (a start that was "
            "interrupted before anything was recorded); move it away to start again"
        )
    if clean != session_id or not (path / "session.json").is_file():
        known = sorted(p.parent.name for p in root.glob("*/session.json"))[-5:]
        hint = f" (recent: {', '.join(known)})" if known else ""
        raise SessionError(f"no session '{session_id}' in {root}{hint}")
    return Session(clean, path)


def is_session(folder: Path) -> bool:
    return (folder / "session.json").is_file() or (folder / "checkpoints.sqlite").exists()


def check_out(out: Path, source: Path) -> None:
    """`answer --out`: a new or plain folder that does not hold the input, checked before any
    audio work, so a saved session or the input itself is never written over."""
    from interviewer.errors import UsageError

    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a folder")
    if is_session(out):
        raise UsageError(
            f"--out {out} holds a saved session; pick a new folder "
            "(a recorded session is never written over)"
        )
    if source.resolve().parent == out.resolve():
        raise UsageError(
            f"--out {out} holds the input audio; pick another folder (inputs are never touched)"
        )
    existing = next(p for p in [out, *out.parents] if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out} cannot be written ({existing} is not a writable folder)")


def read_transcript(path: Path) -> Transcript:
    """A saved turn-NN.json; a damaged one is a SessionError naming it."""
    from interviewer.transcript import Transcript

    try:
        return Transcript.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValidationError) as exc:
        reason = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else first_line(exc)
        raise SessionError(
            f"{path} is damaged ({reason}); `interviewer report --rescore` "
            "transcribes its audio again"
        ) from None
