"""Files written whole or not at all: atomic writes through a temporary file and a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_write_bytes", "atomic_write_files", "atomic_write_text", "fsync_dir"]

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
    return atomic_write_files({path: lambda fh: fh.write(data)})[0]


def atomic_write_files(
    writers: Mapping[str | os.PathLike[str], Callable[[BinaryIO], object]],
) -> list[Path]:
    """Write several files all or nothing: each is complete before any replaces its destination.

    Each writer is called with a binary file open on a temporary file in its destination folder
    (so large outputs stream to disk instead of being held in memory). When every writer has
    returned, the files are flushed, fsynced and moved over their destinations with
    :func:`os.replace`, in the order given. If a writer fails, every temporary file is removed and
    every destination is left untouched.

    Args:
        writers: Destination path → function writing the content to the file it is given.

    Returns:
        The destination paths, in the order given.

    """
    done: list[tuple[str, Path]] = []
    try:
        for path, write in writers.items():
            dest = Path(path)
            dest.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
            done.append((tmp, dest))
            with os.fdopen(fd, "wb") as fh:
                write(fh)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, dest in done:
            os.chmod(tmp, _mode(dest))
    except BaseException:
        for tmp, _ in done:
            Path(tmp).unlink(missing_ok=True)
        raise
    for i, (tmp, dest) in enumerate(done):
        try:
            os.replace(tmp, dest)
        except BaseException:
            for rest, _ in done[i:]:
                Path(rest).unlink(missing_ok=True)
            raise
    for folder in dict.fromkeys(dest.parent for _, dest in done):
        fsync_dir(folder)
    return [dest for _, dest in done]


def _mode(dest: Path) -> int:
    """Permission bits for ``dest``: those of the file it replaces, else :data:`_NEW_FILE_MODE`."""
    try:
        return dest.stat().st_mode & 0o777
    except FileNotFoundError:
        return _NEW_FILE_MODE


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
