"""The output folder: checked before any work, locked, and published one generation at a time.

Layout of ``<out>/`` (the exports stay where users look for them)::

    graph.ttl graph.nt graph.trig graph.jsonld graph.graphml graph.gexf graph.html report.json
    csv/…                      the exports of the last complete build (a "generation")
    .kg/lock                   held (``flock``) by the build writing into the folder
    .kg/manifest.json          the published generation: id, every file with size and SHA-256
    .kg/publishing.json        only while a generation is being published (the journal)
    .kg/staging-<id>/          a generation being written
    .kg/cache.sqlite           the extraction cache (:mod:`kg.builder.cache`)

A build writes every export into a fresh staging folder. Publication then (1) writes the new
generation's manifest into the journal (the commit point), (2) moves each staged file over
its published name with an atomic rename (``report.json`` last), removes files of the old
generation that the new one lacks, (3) writes ``.kg/manifest.json`` and deletes the journal and
the staging folder. Every file a reader opens is complete (old or new); only during step (2), a
few renames long, can a reader see new files next to old ones, and ``.kg/publishing.json`` says
so. A build killed before (1) leaves the old generation untouched and an orphan staging folder;
killed after (1), the journal lets the next build finish the publication (roll forward) before
anything else. Orphans (staging folders, temporary files) are deleted by the next build.
:func:`verify` checks that a folder holds one complete generation.

The lock (``fcntl.flock`` through :mod:`filelock`, released by the kernel when a build dies)
makes a second build into the same folder stop at once with a clear message.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from kg.io import atomic_write_text, fsync_dir

#: Folder of kg's own files inside the output folder.
META = ".kg"
#: Export files and folders a build writes (checked before any work; the staged set rules).
EXPORT_FILES = (
    "graph.ttl",
    "graph.nt",
    "graph.trig",
    "graph.jsonld",
    "graph.graphml",
    "graph.gexf",
    "graph.html",
    "report.json",
)
EXPORT_DIRS = ("csv",)
#: Published last, so that a complete report means a complete generation.
LAST = "report.json"
_TMP = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")


class OutputError(RuntimeError):
    """The output folder cannot be used (the message is one line)."""


class OutputLockedError(OutputError):
    """Another build is writing into the output folder."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(root: Path) -> list[str]:
    """Relative POSIX paths of the files under ``root``, sorted."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink()
    )


@dataclass
class OutputFolder:
    """An output folder of ``kg build`` (see the module docstring).

    Use :meth:`prepare` (checks, before any work), then ``with folder.locked():`` around the
    build, :meth:`staging` to get a folder to write into and :meth:`publish` to publish it.
    """

    root: Path
    warnings: list[str] = field(default_factory=list)
    _lock: FileLock | None = None

    @property
    def meta(self) -> Path:
        """The folder of kg's own files inside the output folder."""
        return self.root / META

    @classmethod
    def prepare(cls, out: str | os.PathLike[str]) -> OutputFolder:
        """Check the output folder and create it (with ``.kg/``) before any work is done.

        Raises:
            OutputError: if it is a file, cannot be created or written, or an export name in it
                is taken by something of the wrong kind (a file named ``csv``, a folder named
                ``graph.ttl``).
        """
        root = Path(out)
        if root.exists() and not root.is_dir():
            raise OutputError(f"--out {root}: exists and is not a folder")
        for name in EXPORT_DIRS:
            if (root / name).exists() and not (root / name).is_dir():
                raise OutputError(f"--out {root}: {root / name} is in the way (not a folder)")
        for name in EXPORT_FILES:
            if (root / name).is_dir():
                raise OutputError(f"--out {root}: {root / name} is in the way (a folder)")
        if (root / META).exists() and not (root / META).is_dir():
            raise OutputError(f"--out {root}: {root / META} is in the way (not a folder)")
        try:
            (root / META).mkdir(parents=True, exist_ok=True)
            probe = root / META / f".probe-{uuid.uuid4().hex}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as err:
            raise OutputError(
                f"--out {root}: cannot write there ({err.strerror or err.__class__.__name__})"
            ) from None
        return cls(root)

    # ----------------------------------------------------------------- locking

    def acquire(self) -> None:
        """Take the folder's lock, or stop at once if another build holds it.

        Raises:
            OutputLockedError: if another build is writing into the folder.
        """
        lock = FileLock(str(self.meta / "lock"), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise OutputLockedError(
                f"another kg build is writing to {self.root} (lock {self.meta / 'lock'}); "
                "wait for it to finish or choose another --out"
            ) from None
        except OSError as err:
            raise OutputError(f"--out {self.root}: cannot lock it ({err})") from None
        self._lock = lock

    def release(self) -> None:
        """Release the lock."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> OutputFolder:
        self.acquire()
        try:
            self.recover()
        except BaseException:
            self.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    # ----------------------------------------------------------------- generations

    def staging(self) -> Path:
        """A fresh folder to write a generation into."""
        folder = self.meta / f"staging-{uuid.uuid4().hex[:12]}"
        folder.mkdir()
        return folder

    def manifest(self, staging: Path) -> dict[str, object]:
        """The manifest of a staged generation: every file's size and SHA-256, and its id.

        ``report.json`` records the build's time, so it is listed without size and hash (it is
        published last); the id is a hash of the rest, so the same input gives the same
        manifest.
        """
        files: dict[str, dict[str, object]] = {}
        for rel in _files(staging):
            if rel == LAST:
                files[rel] = {"size": None, "sha256": None}
            else:
                path = staging / rel
                files[rel] = {"size": path.stat().st_size, "sha256": _sha256(path)}
        digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
        return {"kg_manifest": 1, "generation": digest[:16], "files": files}

    def publish(self, staging: Path) -> list[Path]:
        """Publish a staged generation in place of the current one (see the module docstring).

        Raises:
            OutputError: if a staged name is taken by something of the wrong kind (checked
                before anything is moved).

        Returns:
            The published files.
        """
        for entry in staging.iterdir():
            dest = self.root / entry.name
            if entry.is_dir() and dest.exists() and not dest.is_dir():
                raise OutputError(f"--out {self.root}: {dest} is in the way (not a folder)")
            if entry.is_file() and dest.is_dir():
                raise OutputError(f"--out {self.root}: {dest} is in the way (a folder)")
        manifest = self.manifest(staging)
        journal = {"staging": staging.name, "manifest": manifest, "previous": self._published()}
        atomic_write_text(self.meta / "publishing.json", json.dumps(journal, indent=1) + "\n")
        self._roll_forward(journal)
        return [self.root / rel for rel in manifest["files"]]  # type: ignore[union-attr]

    def _published(self) -> list[str]:
        """Files of the currently published generation (from its manifest)."""
        try:
            doc = json.loads((self.meta / "manifest.json").read_text(encoding="utf-8"))
            return sorted(doc["files"])
        except (OSError, ValueError, KeyError, TypeError):
            return []

    def _roll_forward(self, journal: dict[str, object]) -> None:
        """Move the staged files into place, drop stale ones, then write the manifest."""
        staging = self.meta / str(journal["staging"])
        manifest = journal["manifest"]
        files = sorted(manifest["files"], key=lambda rel: (rel == LAST, rel))  # type: ignore[index]
        for rel in files:
            src, dest = staging / rel, self.root / rel
            if src.is_file():
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dest)
        for rel in journal.get("previous") or []:  # type: ignore[union-attr]
            if rel not in manifest["files"]:  # type: ignore[index]
                with contextlib.suppress(OSError):
                    (self.root / rel).unlink()
        fsync_dir(self.root)
        atomic_write_text(self.meta / "manifest.json", json.dumps(manifest, indent=1) + "\n")
        (self.meta / "publishing.json").unlink()
        shutil.rmtree(staging, ignore_errors=True)
        fsync_dir(self.meta)

    def recover(self) -> None:
        """Finish a publication a killed build left half done; delete orphans of killed builds.

        Must hold the lock.
        """
        journal_path = self.meta / "publishing.json"
        if journal_path.exists():
            try:
                journal = json.loads(journal_path.read_text(encoding="utf-8"))
                self._roll_forward(journal)
                self.warnings.append(
                    f"{self.root}: finished publishing generation "
                    f"{journal['manifest']['generation']} left half done by a killed build"
                )
            except (OSError, ValueError, KeyError, TypeError) as err:
                journal_path.unlink(missing_ok=True)
                self.warnings.append(f"{self.root}: unusable publication journal removed ({err})")
        for orphan in self.meta.glob("staging-*"):
            shutil.rmtree(orphan, ignore_errors=True)
        for folder in (self.root, self.meta, *(self.root / d for d in EXPORT_DIRS)):
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                if _TMP.match(entry.name) and entry.is_file():
                    with contextlib.suppress(OSError):
                        entry.unlink()


def verify(out: str | os.PathLike[str]) -> list[str]:
    """Check that an output folder holds exactly one complete generation.

    Returns:
        Problems found (empty when the published files are exactly those of the manifest, each
        with its size and SHA-256, and no publication is under way).
    """
    root = Path(out)
    meta = root / META
    problems: list[str] = []
    if (meta / "publishing.json").exists():
        problems.append("a publication is under way or was interrupted")
    try:
        manifest = json.loads((meta / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return [*problems, f"no readable manifest ({err.__class__.__name__})"]
    for rel, info in sorted(manifest["files"].items()):
        path = root / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif info["sha256"] is None:
            continue
        elif path.stat().st_size != info["size"] or _sha256(path) != info["sha256"]:
            problems.append(f"{rel}: not the file of generation {manifest['generation']}")
    for name in EXPORT_FILES:
        if (root / name).exists() and name not in manifest["files"]:
            problems.append(f"{name}: not part of generation {manifest['generation']}")
    return problems
