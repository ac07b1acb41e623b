"""Workers and long articles: the same files for every number of workers; long texts in pieces."""

from __future__ import annotations

import re

import pytest

import kg.builder.parallel as parallel
from kg.builder.chunk import PIECE_CHARS, merge_results, split_article
from kg.builder.pipeline import build
from kg.model import Article, DocResult, EventRecord, Evidence, Mention, Relation

from .conftest import SENTENCES, write_articles

GRAPH = ("graph.ttl", "graph.nt", "graph.trig", "graph.jsonld", "graph.graphml", "graph.html")


def _files(folder):
    return {f: (folder / f).read_bytes() for f in GRAPH}


def _long_text(chars: int) -> str:
    paragraphs, i = [], 0
    while sum(len(p) + 2 for p in paragraphs) < chars:
        paragraphs.append(" ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(4)))
        i += 1
    return "\n\n".join(paragraphs)[:chars]


def test_split_covers_the_text_at_paragraph_boundaries():
    text = _long_text(1_500_000)
    pieces = split_article(Article("long", text))
    assert len(pieces) > 70
    assert "".join(p.text for _, p in pieces) == text
    for offset, piece in pieces:
        assert text[offset : offset + len(piece.text)] == piece.text
        assert len(piece.text) <= PIECE_CHARS
        assert offset == 0 or text[offset - 2 : offset] == "\n\n"
    assert split_article(Article("short", "Short text.")) == [(0, Article("short", "Short text."))]


def test_split_without_paragraphs_cuts_at_sentences_or_spaces():
    text = ("A sentence without breaks. " * 5000).strip()
    pieces = split_article(Article("flat", text))
    assert "".join(p.text for _, p in pieces) == text
    assert all(p.text.endswith(". ") or p is pieces[-1][1] for _, p in pieces)
    blob = "x" * 120_000
    assert "".join(p.text for _, p in split_article(Article("blob", blob))) == blob


def test_merge_shifts_offsets_and_event_ids():
    article = Article("d", "x" * 100)
    ev = Evidence("d", 3, 9, "sentence", "rule", 0.5)
    part = DocResult(
        article=article,
        mentions=[Mention("d", 3, 5, "Xx", "Country", "country:x", "X", token_start=1)],
        relations=[Relation("a", "memberOf", "b", ev)],
        events=[EventRecord("d-3-protest", "Protest", "t", None, (), (), (), (), (), ev)],
    )
    merged = merge_results(article, [(0, part), (40, part)])
    assert [m.start for m in merged.mentions] == [3, 43]
    assert [r.evidence.start for r in merged.relations] == [3, 43]
    assert [e.id for e in merged.events] == ["d-3-protest", "d-43-protest"]
    assert all(m.token_start == -1 for m in merged.mentions)
    failed = DocResult(article=article, warnings=["d: extraction failed"], failed=True)
    half = merge_results(article, [(0, part), (40, failed)])
    assert not half.failed and half.warnings == ["d: extraction failed"]
    assert merge_results(article, [(0, failed), (40, failed)]).failed


@pytest.mark.model
@pytest.mark.slow
def test_two_workers_give_the_same_files_as_one(tmp_path, monkeypatch):
    src = tmp_path / "in"
    write_articles(src, 40)
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)  # use the pool even for 40 articles
    one = build([src], tmp_path / "w1", workers=1, cache=False)
    two = build([src], tmp_path / "w2", workers=2, cache=False)
    assert one.stats["engine"] == "InProcessEngine"
    assert two.stats["engine"] == "PoolEngine" and two.stats["workers"] == 2
    assert _files(tmp_path / "w1") == _files(tmp_path / "w2")


@pytest.mark.model
@pytest.mark.slow
def test_long_article_builds_in_pieces_next_to_good_ones(tmp_path):
    src = tmp_path / "in"
    write_articles(src, 2)
    text = _long_text(120_000)
    (src / "long.txt").write_text(text + "\n", encoding="utf-8")
    result = build([src], tmp_path / "out", workers=1, cache=False)
    assert result.documents == 3
    G = result.graph
    evidence = [
        ev
        for _, _, data in G.edges(data=True)
        for ev in data["evidence"]
        if ev.doc_id == "long.txt"
    ]
    assert evidence and max(ev.start for ev in evidence) > 2 * PIECE_CHARS
    for ev in evidence:
        assert text[ev.start : ev.end] == ev.sentence
    events = [(n, d) for n, d in G.nodes(data=True) if d["kind"] == "event"]
    late = 0
    for iri, data in events:
        for ev in data["evidence"]:
            if ev.doc_id == "long.txt":
                offset = int(re.search(r"long\.txt-(\d+)-", iri).group(1))
                assert offset == ev.start
                late += offset > PIECE_CHARS
    assert late, "events after the first piece carry whole-article offsets"
