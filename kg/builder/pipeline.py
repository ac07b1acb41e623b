"""Build a knowledge graph from articles: read → nlp → extract → resolve → graph → export."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import networkx as nx

from kg.builder.extract.document import Extractor
from kg.builder.read import read_inputs
from kg.builder.resolve import resolve
from kg.model import Article, DocResult, Document

#: Called after each document with (documents done, documents in all).
Progress = Callable[[int, int], None]


class NothingBuiltError(RuntimeError):
    """No article could be read, so no graph was built."""


@dataclass
class BuildResult:
    """What a build produced.

    Attributes:
        graph: The corpus graph (schema in :mod:`kg.model`).
        documents: Number of documents built.
        warnings: Every input or extraction problem, naming its source.
        seconds: Wall-clock time of the build.
        files: Files written (empty when no output folder was given).
        model: Name of the spaCy pipeline used.
    """

    graph: nx.MultiDiGraph
    documents: int
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    files: list[Path] = field(default_factory=list)
    model: str = ""

    def counts(self) -> dict[str, object]:
        """Counts for the report: entities by class, events by class, edges by property."""
        G = self.graph
        kinds = Counter(d["kind"] for _, d in G.nodes(data=True))
        entities = Counter(d["cls"] for _, d in G.nodes(data=True) if d["kind"] == "entity")
        events = Counter(d["cls"] for _, d in G.nodes(data=True) if d["kind"] == "event")
        props = Counter(k for _, _, k in G.edges(keys=True))
        return {
            "documents": self.documents,
            "entities": kinds.get("entity", 0),
            "events": kinds.get("event", 0),
            "entities_by_class": dict(sorted(entities.items())),
            "events_by_class": dict(sorted(events.items())),
            "edges_by_property": dict(sorted(props.items())),
            "edges": G.number_of_edges(),
        }


def extract_all(
    articles: list[Article],
    extractor: Extractor,
    warnings: list[str],
    progress: Progress | None = None,
    batch_size: int = 32,
) -> list[DocResult]:
    """Parse and extract articles; a failing document is left out with a warning."""
    results: list[DocResult] = []
    for done, result in enumerate(extractor.pipe(articles, batch_size=batch_size), start=1):
        warnings.extend(result.warnings)
        if not result.failed:
            results.append(result)
        if progress:
            progress(done, len(articles))
    return results


def build_graph_from_articles(
    articles: list[Article],
    *,
    model: str | None = None,
    patterns: Sequence[Path] = (),
    gazetteers: Sequence[Path] = (),
    warnings: list[str] | None = None,
    progress: Progress | None = None,
) -> nx.MultiDiGraph:
    """Build the graph of already-read articles (no files written)."""
    from kg.builder.graph import build_graph

    warnings = warnings if warnings is not None else []
    extractor = Extractor(model, patterns, gazetteers)
    results = extract_all(articles, extractor, warnings, progress)
    documents = [
        Document(r.article.id, r.article.title, r.article.date, r.article.url, r.article.text)
        for r in results
    ]
    return build_graph(resolve(results), documents)


def write_outputs(G: nx.MultiDiGraph, out_dir: Path, title: str = "kg") -> list[Path]:
    """Write every export format into ``out_dir`` (each file atomically)."""
    from kg.export.rdf import write_rdf
    from kg.export.tables import write_tables
    from kg.export.tabular import write_tabular
    from kg.export.view import write_html

    out_dir.mkdir(parents=True, exist_ok=True)
    files = list(write_rdf(G, out_dir))
    files.extend(write_tables(G, out_dir))  # tables/*.parquet
    files.extend(write_tabular(G, out_dir))  # graph.graphml, graph.gexf, csv/
    files.append(write_html(G, out_dir / "graph.html", title=title))
    return files


def write_report(result: BuildResult, out_dir: Path) -> Path:
    """Write ``report.json``: counts, warnings, model and time of the build."""
    from kg.io import atomic_write_text

    report = {
        "kg_report": 1,
        "model": result.model,
        **result.counts(),
        "warnings": result.warnings,
        "seconds": round(result.seconds, 2),
        "files": sorted(p.relative_to(out_dir).as_posix() for p in result.files),
    }
    return atomic_write_text(out_dir / "report.json", json.dumps(report, indent=2) + "\n")


def build(
    inputs: Iterable[str | Path],
    out: str | Path | None = None,
    *,
    model: str | None = None,
    patterns: Sequence[str | Path] = (),
    gazetteers: Sequence[str | Path] = (),
    stdin: TextIO | None = None,
    progress: Progress | None = None,
    title: str = "kg",
) -> BuildResult:
    """Build a knowledge graph from news articles and (optionally) write every export.

    Args:
        inputs: Files, folders (recursive), glob patterns, ``-`` for stdin, ``.jsonl`` files.
        out: Output folder; ``None`` builds in memory only.
        model: spaCy pipeline name; ``None`` uses ``$KG_MODEL`` or the best installed one.
        patterns: Users' pattern files extending the extraction lexicon.
        gazetteers: Users' gazetteer TSV files (same columns as the packaged ones).
        stdin: Stream read for ``-``.
        progress: Callback after each document.
        title: Title of the HTML view.

    Returns:
        The graph, counts, warnings, time and files written.

    Raises:
        NothingBuiltError: if no article could be read.
    """
    from kg.builder.nlp import choose_model

    started = time.perf_counter()
    read = read_inputs(inputs, stdin=stdin)
    warnings = list(read.warnings)
    if not read.articles:
        raise NothingBuiltError("no article could be read: " + "; ".join(warnings or ["no input"]))
    G = build_graph_from_articles(
        read.articles,
        model=model,
        patterns=[Path(p) for p in patterns],
        gazetteers=[Path(p) for p in gazetteers],
        warnings=warnings,
        progress=progress,
    )
    result = BuildResult(G, len(G.graph["documents"]), warnings, model=choose_model(model))
    if out is not None:
        out_dir = Path(out)
        result.files = write_outputs(G, out_dir, title)
        result.seconds = time.perf_counter() - started
        result.files.append(write_report(result, out_dir))
    result.seconds = time.perf_counter() - started
    return result
