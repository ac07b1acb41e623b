"""The graph's on-disk Oxigraph store, kept next to the exports and rebuilt when they change.

Layout of an exports folder ``OUT/``::

    OUT/graph.ttl, graph.trig, …        the exports
    OUT/graph.oxigraph/<key>/           an Oxigraph (RocksDB) store of them
    OUT/graph.oxigraph/.lock            held while a store is being built

``<key>`` is a digest of the sources' names, sizes and modification times (and of the store's
format), so a store is *fresh* exactly while the exports are unchanged: :func:`update_store` finds
it in a few ``stat`` calls or builds a new one (into a temporary folder renamed into place, under a
file lock) and removes older ones, keeping the previous one for processes that still read it.

What a store holds (the same for ``kg query`` and ``kg serve``):

* the **default graph**: the distinct triples of the whole graph (``graph.nt``, ``graph.ttl`` or
  ``graph.jsonld``), so a triple stated in many documents is answered once;
* one **named graph per document** (``graph.trig``), for ``GRAPH ?g { … }`` queries.

A single file is stored the same way (``graph.ttl.oxigraph/`` next to it); the named graphs of a
lone TriG or N-Quads file are also merged into the default graph. Where the folder is not writable
the store goes to the system's temporary folder instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg import rdf
from kg.query.results import QueryError
from kg.rdf import DATASET_FILE, EXPORT_FILES

#: Folder (next to the exports) holding the stores.
STORE_DIR = "graph.oxigraph"
#: Bump when the store's content or layout changes: every existing store is then rebuilt.
STORE_FORMAT = 1
#: Files giving the default graph of an exports folder, first found wins (N-Triples parse fastest).
TRIPLE_FILES: tuple[str, ...] = tuple(f for f in EXPORT_FILES if f != DATASET_FILE)


class StoreError(QueryError):
    """The graph could not be found, read or stored; the message says why."""


@dataclass(frozen=True)
class Sources:
    """The export files a store is built from.

    Attributes:
        triples: The file whose triples form the default graph (``None``: fold ``dataset``).
        dataset: The file whose named graphs are kept (``None``: none).
        home: Where the store folder goes (the exports folder, or the file's folder).
        name: Name of the store folder inside ``home``.

    """

    triples: Path | None
    dataset: Path | None
    home: Path
    name: str

    @property
    def files(self) -> tuple[Path, ...]:
        """The source files, default graph first."""
        return tuple(p for p in (self.triples, self.dataset) if p is not None)


def rdf_format(path: Path) -> ox.RdfFormat:
    """Return the RDF format of a file from its extension (:func:`kg.rdf.rdf_format`).

    Raises:
        StoreError: If the extension is not an RDF format pyoxigraph reads.

    """
    try:
        return rdf.rdf_format(path)
    except rdf.RdfError as exc:
        raise StoreError(str(exc)) from exc


def find_sources(path: Path) -> Sources:
    """Return the export files of ``path`` (an exports folder or one graph file).

    Raises:
        StoreError: If there is no such file, or the folder holds no graph export.

    """
    path = Path(path)
    if path.is_dir():
        triples = next((path / n for n in TRIPLE_FILES if (path / n).is_file()), None)
        dataset = path / DATASET_FILE if (path / DATASET_FILE).is_file() else None
        if triples is None and dataset is None:
            names = ", ".join((*TRIPLE_FILES, DATASET_FILE))
            raise StoreError(f"no graph export ({names}) in {path}")
        return Sources(triples, dataset, path, STORE_DIR)
    if not path.is_file():
        raise StoreError(f"no such file or folder: {path}")
    if rdf_format(path).supports_datasets:
        return Sources(None, path, path.parent, f"{path.name}.oxigraph")
    return Sources(path, None, path.parent, f"{path.name}.oxigraph")


def load_graph_file(store: ox.Store, path: Path, *, fold: bool = False) -> None:
    """Load one export file into ``store`` (:func:`kg.rdf.load_into`).

    Triples go to the default graph, quads to their named graph; with ``fold`` the quads also go
    to the default graph (the union of a lone TriG file's documents).

    Raises:
        StoreError: If the file is not valid RDF of the format its extension says.

    """
    try:
        rdf.load_into(store, path, fold=fold)
    except (rdf.RdfError, OSError) as exc:
        raise StoreError(f"cannot load {path}: {exc}") from exc


def fill_store(store: ox.Store, sources: Sources) -> None:
    """Load the sources into an empty store: default graph, then the named graphs."""
    if sources.triples is not None:
        load_graph_file(store, sources.triples)
    if sources.dataset is not None:
        load_graph_file(store, sources.dataset, fold=sources.triples is None)


def memory_store(path: Path) -> ox.Store:
    """Load a graph file or exports folder into a new in-memory store (nothing written)."""
    store = ox.Store()
    fill_store(store, find_sources(path))
    return store


def store_key(sources: Sources) -> str:
    """Digest of the sources' names, sizes and modification times (and the store format)."""
    parts: list[object] = [STORE_FORMAT, ox.__version__]
    for file in sources.files:
        stat = file.stat()
        parts.append([file.name, stat.st_size, stat.st_mtime_ns])
    return hashlib.sha1(json.dumps(parts).encode()).hexdigest()[:16]


def _store_home(sources: Sources) -> Path:
    """Folder of the stores: next to the exports when writable, else in the temporary folder."""
    home = sources.home / sources.name
    try:
        home.mkdir(exist_ok=True)
        probe = home / ".write-test"
        probe.touch()
        probe.unlink()
        return home
    except OSError:
        digest = hashlib.sha1(str(sources.home.resolve()).encode()).hexdigest()[:12]
        fallback = Path(tempfile.gettempdir()) / f"kg-store-{digest}" / sources.name
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback


@contextlib.contextmanager
def _locked(home: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``home`` (one builder at a time)."""
    with (home / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(home: Path, keep: str) -> None:
    """Remove unfinished builds and every store but ``keep`` and the newest older one.

    The older one stays for processes that opened it before ``keep`` was built.
    """
    folders = [p for p in home.iterdir() if p.is_dir() and p.name != keep]
    unfinished = [p for p in folders if p.name.startswith(".tmp-")]
    older = sorted(
        (p for p in folders if not p.name.startswith(".tmp-")),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for stale in unfinished + older[1:]:
        shutil.rmtree(stale, ignore_errors=True)


def store_path(path: Path) -> Path | None:
    """Return the fresh store of ``path`` (exports folder or graph file), or ``None``."""
    sources = find_sources(path)
    found = _store_home(sources) / store_key(sources)
    return found if found.is_dir() else None


def update_store(path: Path) -> Path:
    """Make sure the exports of ``path`` have a fresh on-disk store; return its folder.

    Fast when the store is fresh (a few ``stat`` calls); otherwise builds it, which takes about as
    long as parsing the exports. Safe to call from several processes at once. ``kg build`` calls
    it after writing the exports; ``kg query`` and ``kg serve`` before opening the store.

    Args:
        path: An exports folder or a graph file.

    Returns:
        The store folder, to open with ``pyoxigraph.Store.read_only``.

    Raises:
        StoreError: If there is no export, or it is not valid RDF.

    """
    sources = find_sources(path)
    home = _store_home(sources)
    key = store_key(sources)
    final = home / key
    if final.is_dir():
        return final
    with _locked(home):
        if not final.is_dir():
            building = home / f".tmp-{key}-{os.getpid()}"
            shutil.rmtree(building, ignore_errors=True)
            try:
                store = ox.Store(str(building))
                fill_store(store, sources)
                store.optimize()
                store.flush()
                del store
                os.replace(building, final)
            finally:
                shutil.rmtree(building, ignore_errors=True)
        _prune(home, key)
    return final


def open_store(path: Path) -> ox.Store:
    """Open the graph of ``path`` read-only from its on-disk store (built first if needed)."""
    location = update_store(path)
    try:
        return ox.Store.read_only(str(location))
    except OSError as exc:
        raise StoreError(f"cannot open the store {location}: {exc}") from exc
