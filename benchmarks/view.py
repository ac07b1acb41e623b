"""Measure the HTML view: page size, Python generation time and time to interactive in Chromium.

Usage::

    python benchmarks/view.py [--graphs seed,bbc200,reuters] [--bbc-export DIR]
                              [--reuters-export DIR] [--runs 3] [--keep DIR]

Graphs (each loaded or built first; that is not timed):

* ``seed``: the committed seed export, ``exports/`` (:func:`kg.load_graph`);
* ``bbc200``: the first 200 articles of ``../shared/corpora/bbc/*/*.txt`` in sorted path order,
  built in memory with :func:`kg.build` (or an export of them, ``--bbc-export``);
* ``reuters``: an export of the whole Reuters-21578 corpus (``--reuters-export``, e.g. made with
  ``kg build ../shared/corpora/reuters21578.jsonl --out DIR``); without it, a synthetic graph of
  the same size and shape (``tests/view_graphs.py``: 86,269 nodes, 38,792 entities, 47,477 events).

For each: the seconds :func:`kg.export.view.write_html` takes, the page's size, and the time to
interactive: a fresh headless Chromium page (network cut off) loads the file and the figure is
the page's own ``performance.now()`` when the view is drawn and wired (``window.kgReadyAt``; a page
without it is timed from Python, from ``goto`` to ``window.kgReady``). Median of ``--runs``.
``steps_ms`` gives the milestones of the last load: ``script`` (the view's script starts),
``parsed`` (data decoded), ``model``, ``drawn``, ``ready``, and ``text`` (the corpus view's
sentences decoded, after the first drawing).
It prints a table and, last, one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from a checkout without installing kg
    sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
BBC = SHARED / "corpora" / "bbc"
GRAPHS = ("seed", "bbc200", "reuters")


def _view_graphs():
    """The synthetic corpus graphs of the view's tests (``tests/view_graphs.py``)."""
    spec = importlib.util.spec_from_file_location("view_graphs", REPO / "tests" / "view_graphs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def load(name: str, args: argparse.Namespace) -> tuple[Any, str]:
    """Return the graph called ``name`` and where it came from."""
    import kg

    if name == "seed":
        return kg.load_graph(REPO / "exports"), "exports/"
    if name == "bbc200":
        if args.bbc_export:
            return kg.load_graph(args.bbc_export), str(args.bbc_export)
        paths = sorted(BBC.glob("*/*.txt"))[:200]
        if len(paths) < 200:
            raise SystemExit(f"benchmarks/view.py: needs {BBC} (200 articles), or --bbc-export")
        return kg.build(paths, None).graph, "first 200 BBC articles, built"
    if args.reuters_export:
        return kg.load_graph(args.reuters_export), str(args.reuters_export)
    vg = _view_graphs()
    return vg.news_graph(vg.REUTERS), "synthetic, Reuters-21578 size and shape"


def time_to_interactive(browser: Any, html: Path, runs: int) -> dict[str, float]:
    """Median seconds to interactive over ``runs`` fresh pages, as the page and Python see it."""
    from kg.export.view.browser import offline, wait_until_ready

    page_s, wall_s, steps = [], [], {}
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        offline(page)
        t0 = time.perf_counter()
        page.goto(html.resolve().as_uri(), timeout=300_000)
        wait_until_ready(page, 300_000)
        wall_s.append(time.perf_counter() - t0)
        ready = page.evaluate("() => window.kgReadyAt")
        if ready is not None:
            page_s.append(ready / 1000)
            # the corpus view decodes its sentences after the first drawing
            while page.evaluate("() => window.kgTextReady === false"):
                page.wait_for_timeout(20)
            steps = page.evaluate("() => window.kgTimings") or {}
        context.close()
    out = {"wall_s": round(statistics.median(wall_s), 2)}
    if page_s:
        out["page_s"] = round(statistics.median(page_s), 2)
        out["steps_ms"] = steps
    return out


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark; return (and print) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--graphs", default=",".join(GRAPHS), help="comma-separated, of: seed, bbc200, reuters"
    )
    parser.add_argument("--bbc-export", type=Path, help="an export of the first 200 BBC articles")
    parser.add_argument("--reuters-export", type=Path, help="an export of the Reuters corpus")
    parser.add_argument("--runs", type=int, default=3, help="page loads per graph (median)")
    parser.add_argument("--keep", type=Path, help="write the pages into this folder")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from kg.export.view import write_html
    from kg.export.view.browser import CHROMIUM, CHROMIUM_ARGS

    names = [n.strip() for n in args.graphs.split(",") if n.strip()]
    unknown = sorted(set(names) - set(GRAPHS))
    if unknown:
        raise SystemExit(f"benchmarks/view.py: unknown graph(s) {unknown}; use {GRAPHS}")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kg-view-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        for name in names:
            G, source = load(name, args)
            html = folder / f"{name}.html"
            t0 = time.perf_counter()
            write_html(G, html, title=name)
            generate_s = time.perf_counter() - t0
            results[name] = {
                "source": source,
                "nodes": G.number_of_nodes(),
                "edges": G.number_of_edges(),
                "page_mb": round(html.stat().st_size / 1e6, 2),
                "generate_s": round(generate_s, 2),
                **time_to_interactive(browser, html, args.runs),
            }
            r = results[name]
            print(
                f"{name:8} {r['nodes']:>7,} nodes  {r['page_mb']:>6.2f} MB  generate "
                f"{r['generate_s']:>6.2f} s  interactive {r.get('page_s', r['wall_s']):>5.2f} s "
                f"(wall {r['wall_s']:.2f} s)  [{source}]",
                flush=True,
            )
        browser.close()
    print(json.dumps(results, sort_keys=True))
    return results


if __name__ == "__main__":
    main()
