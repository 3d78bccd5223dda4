"""Atomic file writes: a crash leaves the old file or the new one, never half of either."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

from interviewer.errors import DiskError

DISK_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno in DISK_FULL:
            raise DiskError(f"the disk is full while writing {path} ({exc.strerror})") from None
        raise
    return path


def atomic_write_json(path: Path, data: Any) -> Path:
    return atomic_write_text(path, json.dumps(data, indent=2) + "\n")
