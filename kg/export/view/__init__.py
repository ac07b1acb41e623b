"""The interactive, self-contained HTML view of a graph (pyvis + vis-network), offline and safe.

One page, two views. A small graph (at most :data:`CORPUS_ABOVE` nodes) gets the detailed view of
:mod:`kg.export.view.detail`: every entity and event is a node, laid out by vis-network. A larger
one gets the corpus view of :mod:`kg.export.view.corpus`: the entity graph, with events folded into
their participants' timelines, positions and clusters computed in Python
(:mod:`kg.export.view.layout`), so the browser never simulates thousands of nodes.

Output is deterministic: everything is sorted, layouts are seeded and nothing depends on time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from kg.export.view.browser import CHROMIUM, CHROMIUM_ARGS, screenshot, wait_until_ready
from kg.export.view.corpus import CANVAS_MAX, corpus_data
from kg.export.view.detail import ENTITY_SHAPE, EVENT_SHAPE, detail_data
from kg.export.view.page import (
    ASSET_DIR,
    ViewAssets,
    json_for_script,
    load_assets,
    read_page_data,
    render,
    safe_url,
    script_hash,
    vis_dir,
)

#: Graphs with more nodes than this open on the corpus view.
CORPUS_ABOVE = 500

__all__ = [
    "ASSET_DIR",
    "CANVAS_MAX",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "CORPUS_ABOVE",
    "ENTITY_SHAPE",
    "EVENT_SHAPE",
    "ViewAssets",
    "corpus_data",
    "generate_html",
    "json_for_script",
    "load_assets",
    "read_page_data",
    "render",
    "safe_url",
    "screenshot",
    "script_hash",
    "view_data",
    "vis_dir",
    "wait_until_ready",
    "write_html",
]


def view_data(
    G: nx.MultiDiGraph,
    *,
    title: str = "kg",
    corpus_above: int = CORPUS_ABOVE,
    canvas_max: int = CANVAS_MAX,
) -> dict[str, Any]:
    """Return the page's data: the detailed view, or the corpus view above ``corpus_above`` nodes.

    Args:
        G: Graph following the schema of :mod:`kg.model`.
        title: Page title.
        corpus_above: Graphs with more nodes get the corpus view (``0``: any non-empty graph;
            ``-1``: none).
        canvas_max: Corpus view: most entities drawn one by one before clusters stand for them.
    """
    if corpus_above >= 0 and G.number_of_nodes() > corpus_above:
        return corpus_data(G, title=title, canvas_max=canvas_max)
    return detail_data(G, title=title)


def generate_html(G: nx.MultiDiGraph, *, title: str = "kg", **kw: Any) -> str:
    """Return the interactive, self-contained HTML view of ``G``.

    Args:
        G: Graph following the schema of :mod:`kg.model`.
        title: Page title.
        **kw: ``corpus_above`` and ``canvas_max`` (see :func:`view_data`).

    Returns:
        The HTML text; the same graph always gives the same bytes.

    """
    return render(view_data(G, title=title, **kw), load_assets())


def write_html(G: nx.MultiDiGraph, path: Path, **kw: Any) -> Path:
    """Write :func:`generate_html` of ``G`` to ``path`` atomically and return the path.

    Args:
        G: The graph.
        path: Output file.
        **kw: Passed to :func:`generate_html` (``title``, ``corpus_above``, ``canvas_max``).

    """
    from kg.io import atomic_write_text

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, generate_html(G, **kw))
    return path
