"""kg: build a knowledge graph of who did what to whom, where and when, from news articles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["build", "load_graph", "load_tables", "show", "__version__"]

if TYPE_CHECKING:
    from kg.builder.pipeline import BuildResult


def build(*args: Any, **kwargs: Any) -> BuildResult:
    """Build a graph from articles; see :func:`kg.builder.build`."""
    from kg.builder.pipeline import build as _build

    return _build(*args, **kwargs)


def load_graph(*args: Any, **kwargs: Any):
    """Load an export as a networkx graph; see :func:`kg.analyze.load.load_graph`."""
    from kg.analyze.load import load_graph as _load

    return _load(*args, **kwargs)


def load_tables(*args: Any, **kwargs: Any):
    """Load the tables of an export as DataFrames; see :func:`kg.analyze.tables.load_tables`."""
    from kg.analyze.tables import load_tables as _load

    return _load(*args, **kwargs)


def show(*args: Any, **kwargs: Any):
    """Display the interactive view inline in Jupyter; see :func:`kg.export.view.notebook.show`."""
    from kg.export.view.notebook import show as _show

    return _show(*args, **kwargs)
