"""Files under the storage root (STORAGE_ROOT, /storage by default): the only place the agents read
and write persistent files. A path from a row is always resolved inside the root."""

from __future__ import annotations

import os
from pathlib import Path

from listeners import PermanentError


def root() -> Path:
    return Path(os.environ.get("STORAGE_ROOT", "/storage")).resolve()


def resolve(relative: str) -> Path:
    """The absolute path of `relative` under the root; refuses anything that would leave it."""
    base = root()
    path = (base / relative.lstrip("/")).resolve()
    if not path.is_relative_to(base):
        raise PermanentError(f"path {relative!r} is outside the storage root")
    return path
