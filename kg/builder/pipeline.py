"""Build a knowledge graph from articles: read → nlp → extract → resolve → graph → export.

:func:`build` checks the output folder, the model and the users' files before reading
anything; locks the output folder; streams the articles through the extraction cache
(:mod:`kg.builder.cache`) and an engine (this process, a pool of worker processes or a Dask
cluster, :mod:`kg.builder.parallel`) keeping only the results; resolves identities and builds
the graph in this process; writes every export into a staging folder and publishes the set as
one generation (:mod:`kg.builder.output`). The files are the same whatever the number of
workers, the engine or the cache.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

import networkx as nx

from kg.builder.read import MAX_CHARS, ArticleStream
from kg.model import Article, DocResult, Document

if TYPE_CHECKING:
    from kg.builder.cache import ResultCache
    from kg.builder.distributed import DaskEngine
    from kg.builder.output import OutputFolder
    from kg.builder.parallel import Engine, ExtractorSpec

#: Called with ``(phase, done, total)``: ``"extracting"`` after each article (``total`` is the
#: number of articles, known from the start); ``"resolving"`` and ``"exporting"`` with
#: ``(0, None)`` when the phase starts and ``(1, 1)`` when it ends.
Progress = Callable[[str, int, "int | None"], None]


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
        stats: How the build ran: ``workers``, ``engine``, ``cache`` (hits, misses, corrupt),
            ``extracted`` (articles parsed) and seconds per phase.
    """

    graph: nx.MultiDiGraph
    documents: int
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    files: list[Path] = field(default_factory=list)
    model: str = ""
    stats: dict[str, object] = field(default_factory=dict)

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
    extractor,
    warnings: list[str],
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 32,
) -> list[DocResult]:
    """Parse and extract articles with one extractor; a failing document is left out.

    Long articles are processed in pieces (:mod:`kg.builder.chunk`). Results keep their text.
    """
    from kg.builder.chunk import merge_results, split_article

    results: list[DocResult] = []
    split = [split_article(a) for a in articles]
    pieces = [(i, offset, piece) for i, ps in enumerate(split) for offset, piece in ps]
    parts: dict[int, list[tuple[int, DocResult]]] = {}
    stream = extractor.pipe((p for _, _, p in pieces), batch_size=batch_size)
    done = 0
    for (index, offset, _), result in zip(pieces, stream, strict=True):
        parts.setdefault(index, []).append((offset, result))
        if len(parts[index]) < len(split[index]):
            continue
        merged = merge_results(articles[index], parts.pop(index))
        warnings.extend(merged.warnings)
        if not merged.failed:
            results.append(merged)
        done += 1
        if progress:
            progress(done, len(articles))
    return results


def _documents(results: Iterable[DocResult]) -> list[Document]:
    """Graph metadata of the built articles (their text is not kept: evidence has sentences)."""
    return [Document(r.article.id, r.article.title, r.article.date, r.article.url) for r in results]


def build_graph_from_articles(
    articles: list[Article],
    *,
    model: str | None = None,
    patterns: Sequence[Path] = (),
    gazetteers: Sequence[Path] = (),
    warnings: list[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> nx.MultiDiGraph:
    """Build the graph of already-read articles in this process (no files written)."""
    from kg.builder.extract.document import Extractor
    from kg.builder.graph import build_graph
    from kg.builder.resolve import resolve

    warnings = warnings if warnings is not None else []
    extractor = Extractor(model, patterns, gazetteers)
    results = extract_all(articles, extractor, warnings, progress)
    return build_graph(resolve(results), _documents(results))


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
    """Write ``report.json``: counts, warnings, model, how the build ran and its time."""
    from kg.io import atomic_write_text

    report = {
        "kg_report": 1,
        "model": result.model,
        **result.counts(),
        "warnings": result.warnings,
        "seconds": round(result.seconds, 2),
        "build": result.stats,
        "files": sorted(p.relative_to(out_dir).as_posix() for p in result.files),
    }
    return atomic_write_text(out_dir / "report.json", json.dumps(report, indent=2) + "\n")


# --------------------------------------------------------------------------- the build


@dataclass
class _Setup:
    """Everything checked before reading: engine choice, fingerprint, users' files."""

    model: str
    spec: ExtractorSpec
    workers: int
    fingerprint: str
    dask: DaskEngine | None = None


def _check_setup(
    model: str | None,
    patterns: Sequence[Path],
    gazetteers: Sequence[Path],
    workers: int,
    scheduler: str | None,
) -> _Setup:
    """Check model, patterns and gazetteers (and reach the cluster) before any reading."""
    from kg.builder.cache import files_fingerprint, fingerprint, setup_fingerprint
    from kg.builder.nlp import choose_model
    from kg.builder.parallel import ExtractorSpec, SetupError

    try:  # their content is checked by the extractor, whose errors become SetupError
        files = files_fingerprint(patterns, gazetteers)
    except OSError as err:
        raise SetupError(f"{err.filename}: cannot read ({err.strerror or err})") from None
    spec = ExtractorSpec(model, tuple(patterns), tuple(gazetteers))
    if scheduler:
        from kg.builder.distributed import DaskEngine

        engine = DaskEngine(scheduler, spec)
        return _Setup(
            choose_model(model),
            spec,
            engine.workers,
            fingerprint(engine.fingerprint, files),
            engine,
        )
    name = choose_model(model)
    setup = setup_fingerprint(name)  # raises ModelNotFoundError when it is not installed
    if workers < 1:
        raise SetupError(f"--workers must be at least 1, not {workers}")
    return _Setup(name, spec, workers, fingerprint(setup, files))


def _engine_factory(setup: _Setup) -> Callable[[int], Engine]:
    """Choose the engine when the first batch is ready (small jobs stay in this process)."""
    from kg.builder.parallel import MIN_PARALLEL, InProcessEngine, PoolEngine

    def factory(remaining: int) -> Engine:
        if setup.dask is not None:
            return setup.dask
        if setup.workers > 1 and remaining >= MIN_PARALLEL:
            return PoolEngine(setup.spec, min(setup.workers, max(1, remaining // 16)))
        return InProcessEngine(setup.spec)

    return factory


def _extract(
    stream: ArticleStream,
    setup: _Setup,
    cache: ResultCache | None,
    warnings: list[str],
    progress: Progress | None,
    stats: dict[str, object],
) -> list[DocResult]:
    """Stream articles through the cache and the engine; keep the results (without text)."""
    from kg.builder.parallel import OrderedExtraction, strip_text

    seen = 0

    def items() -> Iterator[tuple[Article, str | None, DocResult | None]]:
        nonlocal seen
        for article in stream:
            seen += 1
            key = cache.key(article) if cache is not None else None
            cached = cache.get(key, article) if cache is not None else None
            yield article, key, cached

    def remaining() -> int:
        return max(0, stream.estimate - stream.skipped - seen)

    ordered = OrderedExtraction(_engine_factory(setup), remaining)
    results: list[DocResult] = []
    done = 0
    if progress:
        progress("extracting", 0, stream.estimate)
    for entry, result in ordered.run(items()):
        done += 1
        warnings.extend(result.warnings)
        if entry.parts and entry.key is not None and cache is not None:
            cache.put(entry.key, result)  # extracted now (a hit has no parts)
        if not result.failed:
            results.append(strip_text(result))
        if progress:
            progress("extracting", done, max(done, stream.estimate - stream.skipped))
    engine = ordered.engine
    stats["workers"] = engine.workers if engine is not None else 0
    stats["engine"] = type(engine).__name__ if engine is not None else None
    stats["extracted"] = ordered.extracted
    return results


def build(
    inputs: Iterable[str | Path],
    out: str | Path | None = None,
    *,
    model: str | None = None,
    patterns: Sequence[str | Path] = (),
    gazetteers: Sequence[str | Path] = (),
    stdin: TextIO | BinaryIO | None = None,
    progress: Progress | None = None,
    title: str = "kg",
    workers: int | None = None,
    scheduler: str | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    max_chars: int = MAX_CHARS,
) -> BuildResult:
    """Build a knowledge graph from news articles and (optionally) write every export.

    Args:
        inputs: Files, folders (recursive), glob patterns, ``-`` for stdin, ``.jsonl`` files.
        out: Output folder; ``None`` builds in memory only.
        model: spaCy pipeline name; ``None`` uses ``$KG_MODEL`` or the best installed one.
        patterns: Users' pattern files extending the extraction lexicon.
        gazetteers: Users' gazetteer TSV files (same columns as the packaged ones).
        stdin: Stream read for ``-``.
        progress: Told about each article and each phase (see :data:`Progress`).
        title: Title of the HTML view.
        workers: Processes that parse and extract (default: this machine's cores).
        scheduler: Address of a Dask scheduler to extract on instead (``tcp://HOST:PORT``).
        cache: Keep and reuse per-article results (in ``<out>/.kg/`` or ``cache_dir``).
        cache_dir: Folder of the extraction cache (default ``<out>/.kg``; with ``out=None``
            there is no cache unless this is given).
        max_chars: Articles longer than this are skipped with a warning.

    Returns:
        The graph, counts, warnings, time, files written and how the build ran.

    Raises:
        kg.builder.output.OutputError: the output folder is unusable or locked (before any
            reading).
        kg.builder.nlp.ModelNotFoundError, kg.builder.extract.lexicon.PatternsError,
        kg.builder.parallel.SetupError: the extraction cannot be set up.
        NothingBuiltError: if no article could be read.
    """
    from kg.builder.cache import ResultCache
    from kg.builder.output import OutputFolder
    from kg.builder.parallel import default_workers

    started = time.perf_counter()
    folder = OutputFolder.prepare(out) if out is not None else None
    if folder is not None:
        folder.acquire()
    setup = None
    try:
        if folder is not None:
            folder.recover()
        setup = _check_setup(
            model,
            [Path(p) for p in patterns],
            [Path(p) for p in gazetteers],
            workers if workers is not None else default_workers(),
            scheduler,
        )
        warnings: list[str] = list(folder.warnings) if folder is not None else []
        extraction_warnings: list[str] = []
        store = None
        if cache and (cache_dir is not None or folder is not None):
            where = Path(cache_dir) if cache_dir is not None else folder.meta
            store = ResultCache(where, setup.fingerprint, extraction_warnings)
        stream = ArticleStream(
            inputs, stdin=stdin if stdin is not None else sys.stdin, max_chars=max_chars
        )
        stats: dict[str, object] = {}
        try:
            results = _extract(stream, setup, store, extraction_warnings, progress, stats)
            if store is not None and results:
                store.finish()
        finally:
            if store is not None:
                store.close()
        warnings += stream.warnings + extraction_warnings
        if store is not None:
            stats["cache"] = {"hits": store.stats.hits, "misses": store.stats.misses}
        stats["read_extract_s"] = round(time.perf_counter() - started, 3)
        if not results:
            more = f"; … {len(warnings) - 5} more" if len(warnings) > 5 else ""
            raise NothingBuiltError(
                "no article could be read: " + "; ".join(warnings[:5] or ["no input"]) + more
            )
        return _finish(results, warnings, setup.model, folder, title, progress, stats, started)
    finally:
        if setup is not None and setup.dask is not None:
            setup.dask.close()
        if folder is not None:
            folder.release()


def _finish(
    results: list[DocResult],
    warnings: list[str],
    model: str,
    folder: OutputFolder | None,
    title: str,
    progress: Progress | None,
    stats: dict[str, object],
    started: float,
) -> BuildResult:
    """Resolve, build the graph and (with an output folder) export and publish it."""
    from kg.builder.graph import build_graph
    from kg.builder.resolve import resolve

    t0 = time.perf_counter()
    if progress:
        progress("resolving", 0, None)
    documents = _documents(results)
    G = build_graph(resolve(results), documents)
    del results
    if progress:
        progress("resolving", 1, 1)
    stats["resolve_s"] = round(time.perf_counter() - t0, 3)
    result = BuildResult(G, len(G.graph["documents"]), warnings, model=model, stats=stats)
    if folder is not None:
        t0 = time.perf_counter()
        if progress:
            progress("exporting", 0, None)
        staging = folder.staging()
        result.files = write_outputs(G, staging, title)
        stats["export_s"] = round(time.perf_counter() - t0, 3)
        result.seconds = time.perf_counter() - started
        result.files.append(write_report(result, staging))
        result.files = folder.publish(staging)
        if progress:
            progress("exporting", 1, 1)
    result.seconds = time.perf_counter() - started
    return result
