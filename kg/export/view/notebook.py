"""Show the interactive view inline in Jupyter: the self-contained page in a sandboxed iframe.

The page goes into the iframe's ``srcdoc`` (nothing is served or fetched). The iframe is sandboxed
without ``allow-same-origin``, so the page runs in an opaque origin and cannot reach the notebook,
its cookies or its kernel; the page's own Content-Security-Policy still applies inside it.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import networkx as nx

#: What the iframe may do: run the page's scripts, open the http(s) links of its panel in a tab.
SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox"


def page_for(graph_or_path: nx.MultiDiGraph | str | Path, **kw: Any) -> str:
    """Return the view page of a graph, an export folder, a kg page or an RDF export file.

    A folder's ``graph.html`` (as written by ``kg build``) is used as it is unless options are
    given; otherwise the graph is loaded with :func:`kg.load_graph` and its page generated.

    Raises:
        FileNotFoundError: if the path does not exist.
    """
    from kg.export.view import generate_html

    if isinstance(graph_or_path, nx.Graph):
        return generate_html(graph_or_path, **kw)
    path = Path(graph_or_path)
    if not path.exists():
        raise FileNotFoundError(f"no such graph, export folder or page: {path}")
    page = path / "graph.html" if path.is_dir() else path
    if page.suffix.lower() in (".html", ".htm") and page.is_file() and not kw:
        return page.read_text(encoding="utf-8")
    from kg.analyze.load import load_graph

    kw.setdefault("title", path.stem if path.is_file() else path.name)
    return generate_html(load_graph(path), **kw)


def iframe(page: str, *, height: int = 720, title: str = "kg graph view") -> str:
    """Return the markup of a sandboxed iframe whose ``srcdoc`` is ``page``."""
    return (
        '<div class="kg-view">'
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="{SANDBOX}" '
        f'referrerpolicy="no-referrer" title="{html.escape(title, quote=True)}" '
        f'style="width: 100%; height: {int(height)}px; border: 1px solid #e4e7eb; '
        'border-radius: 4px;"></iframe></div>'
    )


def show(graph_or_path: nx.MultiDiGraph | str | Path, *, height: int = 720, **kw: Any) -> Any:
    """Display the interactive view inline in Jupyter (self-contained, offline, sandboxed).

    Args:
        graph_or_path: A graph (``kg.load_graph(...)``, ``kg.build(...).graph``), an export folder,
            a ``graph.html`` written by kg, or an RDF export file.
        height: Height of the view in pixels.
        **kw: Passed to :func:`kg.export.view.generate_html` (``title``, ``corpus_above``, …).

    Returns:
        An :class:`IPython.display.HTML` object: Jupyter displays it when it ends a cell.

    """
    from IPython.display import HTML  # installed with pyvis

    return HTML(iframe(page_for(graph_or_path, **kw), height=height))
