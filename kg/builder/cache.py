"""The extraction cache: per-article results in SQLite, keyed by content and a fingerprint.

A rebuild looks every article up here and extracts only those it does not find, so adding
articles parses only the new ones, and the result is the same as a fresh build's.

* **Key**: SHA-256 of the fingerprint and the article's content (id, text, date, title, url;
  not where it was read from, so moving a file or shifting a JSON Lines record keeps its entry).
* **Fingerprint** (:func:`fingerprint`): SHA-256 of everything that changes extraction: kg's
  version, spaCy's version, the model's name/version/pipeline (its ``meta.json``), the source of
  kg's extraction code (``kg/builder/extract/``, the piece splitter, the model loader, the value
  types and the vocabulary), the data files under ``kg/data/`` (but the HTML view's) and the
  bytes of the users' pattern and gazetteer files. Changing any of them re-extracts everything.
* **Store**: one SQLite file (``cache.sqlite``) in WAL mode, written in transactions, so a
  killed build leaves it usable and concurrent builds sharing it wait for each other instead
  of corrupting it. A value is a zlib-compressed pickle of the :class:`~kg.model.DocResult`
  (the article's text left out), with its SHA-256: an entry that does not check out, or does
  not load, is recomputed with a warning; a file that is not a database is replaced with one.
* **Lifetime**: every build stamps the entries it used; entries unused for
  :data:`KEEP_BUILDS` builds (removed articles, old fingerprints) are deleted.

The cache is trusted like the output folder it lives in (pickle runs code when loaded): do not
load a cache folder from someone you would not take code from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
import sqlite3
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from kg.model import Article, DocResult

#: Version of the stored format (bump when the schema or the value encoding changes).
CACHE_FORMAT = "1"
#: File name of the store inside the cache folder.
CACHE_FILE = "cache.sqlite"
#: Entries not used by the last this-many builds are deleted.
KEEP_BUILDS = 2
#: Warnings are stored with the article's name replaced by this placeholder.
_NAME = "\x00name\x00"
#: Source files of kg whose change changes what extraction produces (package-relative).
CODE_FILES = (
    "builder/extract",
    "builder/chunk.py",
    "builder/nlp.py",
    "model.py",
    "text.py",
    "vocab.py",
    "ontology",
    "data",
)
#: Parts of ``kg/data`` that only the exports use.
_NOT_EXTRACTION = ("data/view", "data/query.html")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,      -- sha256(fingerprint, article content)
    digest TEXT NOT NULL,      -- sha256 of data
    data BLOB NOT NULL,        -- zlib(pickle(DocResult without the article))
    used INTEGER NOT NULL      -- number of the last build that used it
);
"""


# --------------------------------------------------------------------------- fingerprint


def _package_files() -> list[tuple[str, bytes]]:
    root = resources.files("kg")
    out: list[tuple[str, bytes]] = []

    def visit(node, rel: str) -> None:
        if rel.startswith(_NOT_EXTRACTION) or node.name in ("__pycache__",):
            return
        if node.is_dir():
            for child in sorted(node.iterdir(), key=lambda c: c.name):
                visit(child, f"{rel}/{child.name}")
        elif node.is_file() and not node.name.endswith((".pyc", ".pyo")):
            out.append((rel, node.read_bytes()))

    for rel in CODE_FILES:
        node = root
        for part in rel.split("/"):
            node = node / part
        visit(node, rel)
    return out


def code_fingerprint() -> str:
    """SHA-256 of kg's version, spaCy's version and kg's extraction code and data."""
    import spacy

    import kg

    h = hashlib.sha256(f"kg {kg.__version__} spacy {spacy.__version__} {CACHE_FORMAT}".encode())
    for rel, data in _package_files():
        h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def model_meta(name: str) -> dict[str, object]:
    """The ``meta.json`` of an installed spaCy pipeline (package or path), without loading it.

    Raises:
        kg.builder.nlp.ModelNotFoundError: if the pipeline is not installed.
    """
    import importlib.util

    from kg.builder.nlp import INSTALL_HINT, ModelNotFoundError

    spec = importlib.util.find_spec(name) if name.isidentifier() else None
    if spec is not None and spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations)))
    else:
        folder = Path(name)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelNotFoundError(
            f"cannot load spaCy model {name!r} ({err.__class__.__name__}); run: {INSTALL_HINT}"
        ) from err
    keys = ("lang", "name", "version", "spacy_version", "pipeline", "components", "disabled")
    return {"model": name, **{k: meta.get(k) for k in keys}}


def files_fingerprint(patterns: Sequence[Path], gazetteers: Sequence[Path]) -> str:
    """SHA-256 of the users' pattern and gazetteer files (contents and order).

    Raises:
        OSError: if a file cannot be read.
    """
    h = hashlib.sha256()
    for role, paths in (("patterns", patterns), ("gazetteers", gazetteers)):
        for path in paths:
            h.update(role.encode() + b"\0" + hashlib.sha256(Path(path).read_bytes()).digest())
    return h.hexdigest()


def setup_fingerprint(model: str | None) -> str:
    """SHA-256 of kg's extraction code and data and the model (what a worker must share).

    Raises:
        kg.builder.nlp.ModelNotFoundError: if the model is not installed.
    """
    from kg.builder.nlp import choose_model

    meta = model_meta(choose_model(model))
    doc = json.dumps({"code": code_fingerprint(), "model": meta}, sort_keys=True)
    return hashlib.sha256(doc.encode()).hexdigest()


def fingerprint(setup: str, files: str) -> str:
    """The cache fingerprint: the setup's (:func:`setup_fingerprint`) and the users' files'."""
    return hashlib.sha256(f"{setup}\0{files}".encode()).hexdigest()


def article_key(fp: str, article: Article) -> str:
    """Cache key of an article: its content (not its source) under a fingerprint."""
    content = [
        article.id,
        article.text,
        article.date.isoformat() if article.date else None,
        article.title,
        article.url,
    ]
    data = json.dumps(content, ensure_ascii=False).encode("utf-8", errors="surrogatepass")
    return hashlib.sha256(fp.encode() + b"\0" + data).hexdigest()


# --------------------------------------------------------------------------- the store


def _name(article: Article) -> str:
    return article.source or article.id


def _encode(result: DocResult) -> bytes:
    name = _name(result.article)
    warnings = [_NAME + w[len(name) :] if w.startswith(name + ":") else w for w in result.warnings]
    stored = replace(result, article=None, warnings=warnings)
    return zlib.compress(pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL), 3)


def _decode(data: bytes, article: Article) -> DocResult:
    result = pickle.loads(zlib.decompress(data))
    if not isinstance(result, DocResult):
        raise TypeError(f"stored value is a {type(result).__name__}")
    name = _name(article)
    result.article = article
    result.warnings = [
        name + w[len(_NAME) :] if w.startswith(_NAME) else w for w in result.warnings
    ]
    return result


@dataclass
class CacheStats:
    """What the cache did in one build."""

    hits: int = 0
    misses: int = 0
    corrupt: int = 0
    stored: int = 0
    purged: int = 0


class ResultCache:
    """Per-article extraction results in a SQLite file (see the module docstring).

    Args:
        folder: Cache folder (created); the store is ``folder/cache.sqlite``.
        fp: Fingerprint of the extraction setup (:func:`fingerprint`).
        warnings: Gets a warning for every corrupt entry or store.
    """

    def __init__(self, folder: Path, fp: str, warnings: list[str]) -> None:
        self.folder = Path(folder)
        self.path = self.folder / CACHE_FILE
        self.fp = fp
        self.warnings = warnings
        self.stats = CacheStats()
        self._pending: list[tuple[str, str, bytes, int]] = []
        self._touched: list[str] = []
        self._flushed = time.monotonic()
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self.db = self._open()
        except sqlite3.DatabaseError as err:
            self.warnings.append(
                f"{self.path}: extraction cache unreadable ({err}); starting a new one"
            )
            self._remove_files()
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE name='format'").fetchone()
            if row is None or row[0] != CACHE_FORMAT:
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    db.execute("DELETE FROM results")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (CACHE_FORMAT,))
            with db:
                db.execute("BEGIN IMMEDIATE")
                row = db.execute("SELECT value FROM meta WHERE name='builds'").fetchone()
                self.build = int(row[0]) + 1 if row else 1
                db.execute("INSERT OR REPLACE INTO meta VALUES ('builds', ?)", (str(self.build),))
            db.execute("SELECT count(*) FROM results").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                Path(str(self.path) + suffix).unlink()

    def key(self, article: Article) -> str:
        """The cache key of an article."""
        return article_key(self.fp, article)

    def get(self, key: str, article: Article) -> DocResult | None:
        """The stored result of an article (with ``article`` attached), or ``None``."""
        try:
            row = self.db.execute("SELECT digest, data FROM results WHERE key=?", (key,)).fetchone()
        except sqlite3.DatabaseError as err:
            self._corrupt(article, err)
            return None
        if row is None:
            self.stats.misses += 1
            return None
        digest, data = row
        try:
            if hashlib.sha256(data).hexdigest() != digest:
                raise ValueError("checksum mismatch")
            result = _decode(data, article)
        except Exception as err:  # noqa: BLE001 - any undecodable entry is recomputed
            self._corrupt(article, err)
            return None
        self.stats.hits += 1
        self._touched.append(key)
        self._maybe_flush()
        return result

    def _corrupt(self, article: Article, err: Exception) -> None:
        self.stats.corrupt += 1
        self.stats.misses += 1
        self.warnings.append(
            f"{_name(article)}: cached extraction result unreadable "
            f"({err.__class__.__name__}: {err}); extracted again"
        )

    def put(self, key: str, result: DocResult) -> None:
        """Store a result (written in batches; :meth:`close` writes the rest)."""
        if result.failed:
            return
        data = _encode(result)
        self._pending.append((key, hashlib.sha256(data).hexdigest(), data, self.build))
        self.stats.stored += 1
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self._pending) + len(self._touched) >= 256 or (
            time.monotonic() - self._flushed > 2.0
        ):
            self.flush()

    def flush(self) -> None:
        """Write pending results and use stamps in one transaction."""
        self._flushed = time.monotonic()
        if not self._pending and not self._touched:
            return
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)", self._pending
                )
                self.db.executemany(
                    "UPDATE results SET used=? WHERE key=?",
                    ((self.build, k) for k in self._touched),
                )
        except sqlite3.DatabaseError as err:
            self.warnings.append(f"{self.path}: could not write the extraction cache ({err})")
        self._pending.clear()
        self._touched.clear()

    def finish(self) -> None:
        """After a successful build: write everything and delete entries no longer used."""
        self.flush()
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                cur = self.db.execute(
                    "DELETE FROM results WHERE used <= ?", (self.build - KEEP_BUILDS,)
                )
                self.stats.purged = cur.rowcount
        except sqlite3.DatabaseError as err:
            self.warnings.append(f"{self.path}: could not clean the extraction cache ({err})")

    def close(self) -> None:
        """Write pending entries and close the store."""
        self.flush()
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self.db.close()

    def keys(self) -> Iterable[str]:
        """Every stored key (for tests and tools)."""
        return [k for (k,) in self.db.execute("SELECT key FROM results")]
