"""Measure kg's build throughput on the BBC corpus next to a bare spaCy ``nlp.pipe`` pass.

Usage::

    python benchmarks/throughput.py --n 500 [--model NAME] [--batch-size 32] [--rounds 2]
                                    [--no-memory] [--profile]

The first N articles of ``../shared/corpora/bbc/*/*.txt`` (sorted paths) are read with
:func:`kg.builder.read.read_inputs`. The model is loaded and warmed (one small document through
spaCy and through kg's extractor, export modules imported) before anything is timed. Then, in one
process:

* round 1: the bare pass (``nlp.pipe`` over the texts, same model and batch size), then the kg
  pass (fresh context, :func:`kg.builder.extract_all`, :func:`kg.builder.resolve.resolve`,
  :func:`kg.builder.graph.build_graph`: what :func:`kg.builder.build_graph_from_articles` does,
  timed by stage), then the export of every format to a temporary folder
  (:func:`kg.builder.write_outputs`);
* round 2 (``--rounds 2``): kg first, then bare, to show order effects;
* memory round (unless ``--no-memory``): bare, kg and export again under ``tracemalloc`` (which
  slows Python code, so its times are not reported), recording the peak of Python allocations;
  ``ru_maxrss`` (the process's resident high-water mark) is read after every pass;
* ``--profile``: one more kg pass under cProfile, top 15 functions by cumulative time.

It prints a table and, last, one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from a checkout without installing kg
    sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
DEFAULT_CORPUS = SHARED / "corpora" / "bbc"
WARMUP_TEXT = "The United Nations said on Monday that France sent troops to Mali."


@dataclass
class Timing:
    """One timed pass over the corpus."""

    name: str
    round: int
    seconds: float
    documents: int
    words: int
    maxrss_mb: float

    @property
    def docs_per_s(self) -> float:
        """Documents per second."""
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def words_per_s(self) -> float:
        """Whitespace-separated words per second."""
        return self.words / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain values for the JSON line."""
        out = asdict(self)
        out["seconds"] = round(self.seconds, 3)
        out["docs_per_s"] = round(self.docs_per_s, 2)
        out["words_per_s"] = round(self.words_per_s, 1)
        return out


def select_files(root: Path, n: int) -> list[Path]:
    """The first ``n`` article files ``root/*/*.txt`` in sorted path order."""
    return sorted(root.glob("*/*.txt"))[:n]


def count_words(texts: Sequence[str]) -> int:
    """Number of whitespace-separated words in all texts."""
    return sum(len(t.split()) for t in texts)


def maxrss_mb() -> float:
    """The process's peak resident set size so far, in MiB (``ru_maxrss`` is KiB on Linux)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024, 1)


def bare_pass(nlp, texts: Sequence[str], batch_size: int) -> int:
    """Run the texts through spaCy only; returns the number of tokens."""
    return sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))


def kg_pass(model: str, articles: list, batch_size: int) -> tuple[Any, dict[str, float], list[str]]:
    """Build the graph as :func:`kg.builder.build_graph_from_articles` does, timing each stage.

    Returns:
        The graph, seconds per stage, and the extraction warnings.
    """
    from kg.builder.extract.document import Extractor
    from kg.builder.graph import build_graph
    from kg.builder.pipeline import extract_all
    from kg.builder.resolve import resolve
    from kg.model import Document

    stages: dict[str, float] = {}
    warnings: list[str] = []
    t0 = time.perf_counter()
    extractor = Extractor(model)
    t1 = time.perf_counter()
    results = extract_all(articles, extractor, warnings, batch_size=batch_size)
    t2 = time.perf_counter()
    resolution = resolve(results)
    t3 = time.perf_counter()
    documents = [
        Document(r.article.id, r.article.title, r.article.date, r.article.url, r.article.text)
        for r in results
    ]
    G = build_graph(resolution, documents)
    t4 = time.perf_counter()
    stages = {
        "context": t1 - t0,
        "nlp+extract": t2 - t1,
        "resolve": t3 - t2,
        "graph": t4 - t3,
    }
    return G, stages, warnings


def export_pass(G, out_dir: Path) -> tuple[int, int]:
    """Write every export format; returns (files, bytes) written."""
    from kg.builder.pipeline import write_outputs

    files = write_outputs(G, out_dir)
    return len(files), sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())


def warm_up(nlp, model: str) -> None:
    """Load every lazily-loaded resource so that no pass pays for it."""
    import kg.export.rdf  # noqa: F401 - imported for their import time
    import kg.export.tabular  # noqa: F401
    import kg.export.view  # noqa: F401
    from kg.builder.extract.document import Extractor
    from kg.builder.pipeline import extract_all
    from kg.model import Article

    list(nlp.pipe([WARMUP_TEXT]))
    extract_all([Article("warmup", WARMUP_TEXT)], Extractor(model), [])


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``fn`` after a garbage collection; returns its result and wall-clock seconds."""
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def traced(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``fn`` under tracemalloc; returns its result and the peak of Python allocations (MiB)."""
    gc.collect()
    tracemalloc.start()
    try:
        out = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return out, round(peak / (1024 * 1024), 1)


def profile_kg(model: str, articles: list, batch_size: int, top: int = 15) -> str:
    """One kg pass under cProfile; the ``top`` functions by cumulative time, as text."""
    profiler = cProfile.Profile()
    profiler.enable()
    kg_pass(model, articles, batch_size)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(top)
    return stream.getvalue()


def run(
    corpus: Path,
    n: int,
    model: str | None = None,
    batch_size: int = 32,
    rounds: int = 2,
    memory: bool = True,
    profile: bool = False,
) -> dict[str, Any]:
    """Run the benchmark and return every figure (see the module docstring)."""
    from kg.builder.nlp import choose_model, load_model
    from kg.builder.read import read_inputs

    files = select_files(corpus, n)
    read = read_inputs([str(p) for p in files])
    articles = read.articles
    texts = [a.text for a in articles]
    words = count_words(texts)
    started = time.perf_counter()
    nlp = load_model(model)
    load_seconds = time.perf_counter() - started
    warm_up(nlp, model)

    timings: list[Timing] = []
    stages: list[dict[str, float]] = []
    graph = None
    warnings: list[str] = []

    def bare(r: int) -> None:
        _, secs = timed(lambda: bare_pass(nlp, texts, batch_size))
        timings.append(Timing("bare", r, secs, len(texts), words, maxrss_mb()))

    def kg(r: int) -> None:
        nonlocal graph, warnings
        (graph, st, warnings), secs = timed(lambda: kg_pass(model, articles, batch_size))
        timings.append(Timing("kg", r, secs, len(texts), words, maxrss_mb()))
        stages.append({k: round(v, 3) for k, v in st.items()})

    for r in range(1, rounds + 1):
        order = (bare, kg) if r % 2 else (kg, bare)
        for step in order:
            step(r)

    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        (n_files, n_bytes), export_seconds = timed(lambda: export_pass(graph, Path(tmp) / "out"))
    timings.append(Timing("export", 1, export_seconds, len(texts), words, maxrss_mb()))

    mem: dict[str, Any] = {}
    if memory:
        _, mem["bare_tracemalloc_peak_mb"] = traced(lambda: bare_pass(nlp, texts, batch_size))
        mem["bare_maxrss_mb"] = maxrss_mb()
        (graph, _, _), mem["kg_tracemalloc_peak_mb"] = traced(
            lambda: kg_pass(model, articles, batch_size)
        )
        mem["kg_maxrss_mb"] = maxrss_mb()
        with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
            _, mem["export_tracemalloc_peak_mb"] = traced(
                lambda: export_pass(graph, Path(tmp) / "out")
            )
        mem["export_maxrss_mb"] = maxrss_mb()

    by_round = {
        r: {t.name: t.seconds for t in timings if t.round == r} for r in range(1, rounds + 1)
    }
    ratios = {str(r): round(d["kg"] / d["bare"], 2) for r, d in by_round.items() if d.get("bare")}
    best = {
        name: min(t.seconds for t in timings if t.name == name)
        for name in ("bare", "kg")
        if any(t.name == name for t in timings)
    }
    report: dict[str, Any] = {
        "benchmark": "throughput-bbc",
        "model": choose_model(model),
        "batch_size": batch_size,
        "documents": len(texts),
        "words": words,
        "read_warnings": len(read.warnings),
        "extract_warnings": len(warnings),
        "model_load_seconds": round(load_seconds, 2),
        "timings": [t.as_dict() for t in timings],
        "kg_stages": stages,
        "export": {"seconds": round(export_seconds, 3), "files": n_files, "bytes": n_bytes},
        "graph": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()},
        "memory": mem,
        "ratio_kg_over_bare": ratios,
        "ratio_kg_over_bare_best": round(best["kg"] / best["bare"], 2) if "bare" in best else None,
        "final_maxrss_mb": maxrss_mb(),
    }
    if profile:
        report["profile"] = profile_kg(model, articles, batch_size)
    return report


def format_table(report: dict[str, Any]) -> str:
    """A plain-text summary of the report."""
    lines = [
        f"BBC: first {report['documents']} articles, {report['words']} words; model "
        f"{report['model']} (loaded in {report['model_load_seconds']} s), batch "
        f"{report['batch_size']}; read warnings {report['read_warnings']}",
        f"{'pass':8} {'round':>5} {'seconds':>9} {'docs/s':>8} {'words/s':>9} {'maxrss MiB':>11}",
    ]
    for t in report["timings"]:
        lines.append(
            f"{t['name']:8} {t['round']:5d} {t['seconds']:9.2f} {t['docs_per_s']:8.1f} "
            f"{t['words_per_s']:9.0f} {t['maxrss_mb']:11.1f}"
        )
    for i, st in enumerate(report["kg_stages"], start=1):
        lines.append(f"kg stages (pass {i}): " + ", ".join(f"{k} {v:.2f} s" for k, v in st.items()))
    ex = report["export"]
    lines.append(
        f"export: {ex['files']} files, {ex['bytes'] / 1e6:.1f} MB in {ex['seconds']:.2f} s"
    )
    g = report["graph"]
    lines.append(f"graph: {g['nodes']} nodes, {g['edges']} edges")
    if report["memory"]:
        m = report["memory"]
        lines.append(
            f"memory (traced round): tracemalloc peak bare {m['bare_tracemalloc_peak_mb']} MiB, "
            f"kg {m['kg_tracemalloc_peak_mb']} MiB, export {m['export_tracemalloc_peak_mb']} MiB"
        )
    lines.append(
        f"ratio kg/bare by round: {report['ratio_kg_over_bare']}; best-of: "
        f"{report['ratio_kg_over_bare_best']}; process maxrss {report['final_maxrss_mb']} MiB"
    )
    if "profile" in report:
        lines.append("cProfile of one kg pass (top 15 by cumulative time):")
        lines.append(report["profile"].rstrip())
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Command-line entry point; returns the report (also printed as a table and a JSON line)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="number of articles")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="BBC corpus folder")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: kg's choice)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2, help="1: bare→kg; 2: also kg→bare")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc round")
    parser.add_argument("--profile", action="store_true", help="cProfile one kg pass")
    args = parser.parse_args(argv)
    if not select_files(args.corpus, 1):
        sys.exit(f"throughput: no articles under {args.corpus} (needs ../shared next to the repo)")
    report = run(
        args.corpus,
        args.n,
        args.model,
        args.batch_size,
        max(1, args.rounds),
        not args.no_memory,
        args.profile,
    )
    print(format_table(report))
    print(json.dumps({k: v for k, v in report.items() if k != "profile"}, sort_keys=True))
    return report


if __name__ == "__main__":
    main()
