"""The extraction cache: incremental rebuilds equal fresh builds; bad entries are recomputed."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from kg.builder.cache import (
    CACHE_FILE,
    _package_files,
    article_key,
    files_fingerprint,
)
from kg.builder.pipeline import build
from kg.model import Article

from .conftest import write_articles

GRAPH = ("graph.ttl", "graph.nt", "graph.trig", "graph.jsonld", "graph.graphml", "graph.html")


def _files(folder):
    return {f: (folder / f).read_bytes() for f in GRAPH}


def _fresh(tmp_path, src, name="fresh"):
    build([src], tmp_path / name, workers=1, cache=False)
    return _files(tmp_path / name)


def test_fingerprint_covers_extraction_code_and_data_not_the_view():
    names = {rel for rel, _ in _package_files()}
    assert "builder/extract/document.py" in names
    assert "builder/chunk.py" in names and "model.py" in names
    assert "data/lexicon.json" in names and "data/countries.tsv" in names
    assert not [n for n in names if n.startswith("data/view")]


def test_key_is_content_not_source(tmp_path):
    a = Article("x.txt", "Text.", source="/one/x.txt")
    assert article_key("fp", a) == article_key("fp", Article("x.txt", "Text.", source="/two"))
    assert article_key("fp", a) != article_key("fp", Article("x.txt", "Text!"))
    assert article_key("fp", a) != article_key("other", a)
    p = tmp_path / "p.json"
    p.write_text("{}")
    before = files_fingerprint([p], [])
    p.write_text('{"lexicon": {}}')
    assert files_fingerprint([p], []) != before


@pytest.mark.model
def test_incremental_add_remove_and_pattern_change(tmp_path):
    src = tmp_path / "in"
    write_articles(src, 6)
    out = tmp_path / "out"
    first = build([src], out, workers=1)
    assert first.stats["extracted"] == 6 and first.stats["cache"]["hits"] == 0

    write_articles(src, 2, start=6)
    added = build([src], out, workers=1)
    assert added.stats["extracted"] == 2 and added.stats["cache"]["hits"] == 6
    assert _files(out) == _fresh(tmp_path, src, "fresh-8")

    removed = src / "a000.txt"
    removed.unlink()
    after = build([src], out, workers=1)
    assert after.stats["extracted"] == 0 and after.documents == 7
    assert "a000.txt" not in (out / "graph.nt").read_text()
    assert _files(out) == _fresh(tmp_path, src, "fresh-7")

    patterns = tmp_path / "p.json"
    patterns.write_text(json.dumps({"lexicon": {"word_lists": {"protest_nouns": ["vigil"]}}}))
    changed = build([src], out, workers=1, patterns=[patterns])
    assert changed.stats["extracted"] == 7

    moved = tmp_path / "elsewhere"
    shutil.copytree(src, moved)
    relocated = build([moved], out, workers=1, patterns=[patterns])
    assert relocated.stats["extracted"] == 0, "moving the files keeps their entries"


@pytest.mark.model
def test_corrupt_entry_and_corrupt_store_are_recomputed_with_a_warning(tmp_path):
    src = tmp_path / "in"
    write_articles(src, 4)
    out = tmp_path / "out"
    build([src], out, workers=1)
    db = sqlite3.connect(out / ".kg" / CACHE_FILE)
    key = db.execute("SELECT key FROM results ORDER BY key LIMIT 1").fetchone()[0]
    with db:
        db.execute("UPDATE results SET data = x'00ff00' WHERE key = ?", (key,))
        other = db.execute("SELECT key FROM results WHERE key != ? LIMIT 1", (key,)).fetchone()[0]
        db.execute("UPDATE results SET digest = 'bad' WHERE key = ?", (other,))
    db.close()
    again = build([src], out, workers=1)
    assert again.stats["extracted"] == 2 and again.stats["cache"]["hits"] == 2
    bad = [w for w in again.warnings if "cached extraction result unreadable" in w]
    assert len(bad) == 2 and "checksum mismatch" in "".join(bad)
    assert _files(out) == _fresh(tmp_path, src)

    (out / ".kg" / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    for extra in ("-wal", "-shm"):
        (out / ".kg" / (CACHE_FILE + extra)).unlink(missing_ok=True)
    rebuilt = build([src], out, workers=1)
    assert any("extraction cache unreadable" in w for w in rebuilt.warnings)
    assert rebuilt.stats["extracted"] == 4
    assert _files(out) == _fresh(tmp_path, src, "fresh2")
    assert build([src], out, workers=1).stats["extracted"] == 0


@pytest.mark.model
def test_cache_folder_elsewhere_and_no_cache(tmp_path):
    src = tmp_path / "in"
    write_articles(src, 3)
    cache = tmp_path / "cache"
    build([src], tmp_path / "out", workers=1, cache_dir=cache)
    assert (cache / CACHE_FILE).exists() and not (tmp_path / "out" / ".kg" / CACHE_FILE).exists()
    again = build([src], tmp_path / "out2", workers=1, cache_dir=cache)
    assert again.stats["extracted"] == 0
    plain = build([src], tmp_path / "out3", workers=1, cache=False)
    assert plain.stats["extracted"] == 3 and "cache" not in plain.stats
    assert not (tmp_path / "out3" / ".kg" / CACHE_FILE).exists()
