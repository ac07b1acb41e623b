"""Time `kg analyze` on an export: loading, each analysis step, and peak memory.

usage: python benchmarks/analyze.py EXPORT_DIR [--top 10]

Prints seconds per step (load, entity graph, PageRank, betweenness, communities, co-occurrence,
components, the whole analysis, the report files) and the process's peak resident memory, then
one JSON object with every figure. Build the export first, e.g. the whole Reuters corpus:
``kg build ../shared/corpora/reuters21578.jsonl --out /tmp/reuters``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", type=Path)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()

    import kg
    from kg.analyze import report as r

    figures: dict[str, float] = {}

    def step(name, fn):
        started = time.perf_counter()
        value = fn()
        figures[f"{name}_s"] = round(time.perf_counter() - started, 2)
        print(f"{name:14} {figures[f'{name}_s']:8.2f} s   peak {peak_mb():8.1f} MB", flush=True)
        return value

    G = step("load", lambda: kg.load_graph(args.export))
    H = step("entity_graph", lambda: r.entity_graph(G))
    step("pagerank", lambda: r.pagerank(H))
    step("betweenness", lambda: r._betweenness(H))
    step("communities", lambda: r._communities(G, H, r.SEED, args.top, 10))
    step("cooccurrence", lambda: r._cooccurrence(G, 2, args.top))
    step("components", lambda: r._components(G, H, 10))
    step("analyze", lambda: r.analyze(G, top_n=args.top))
    with tempfile.TemporaryDirectory() as tmp:
        step("write_report", lambda: r.write_report(G, tmp, top_n=args.top))
    figures.update(
        nodes=G.number_of_nodes(),
        entities=H.number_of_nodes(),
        linked_entities=r.linked(H).number_of_nodes(),
        peak_mb=peak_mb(),
        load_plus_analyze_s=round(figures["load_s"] + figures["analyze_s"], 2),
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
