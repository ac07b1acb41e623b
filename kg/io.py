"""Files written whole or not at all: atomic writes through a temporary file and a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text", "fsync_dir"]

#: Permission bits of a newly created export file (the temp file would otherwise keep 0600).
_NEW_FILE_MODE = 0o644


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically.

    The bytes go to a temporary file in the destination folder, which is flushed, fsynced and
    then moved over ``path`` with :func:`os.replace`; readers therefore see either the old file
    or the complete new one. If anything fails, the temporary file is removed and an existing
    ``path`` is left untouched.

    Args:
        path: Destination file; its parent folders are created.
        data: The content.

    Returns:
        The destination path.

    """
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = dest.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = _NEW_FILE_MODE
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(dest.parent)
    return dest


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    r"""Write ``text`` as UTF-8 to ``path`` atomically (see :func:`atomic_write_bytes`).

    The text is encoded before anything touches the disk, and line ends are written as given
    (``\n`` stays ``\n`` on every platform).

    Args:
        path: Destination file; its parent folders are created.
        text: The content.

    Returns:
        The destination path.

    """
    return atomic_write_bytes(path, text.encode("utf-8"))


def fsync_dir(folder: Path) -> None:
    """Flush a directory entry to disk where the platform allows it (best effort)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
