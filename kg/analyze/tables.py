"""Read the Parquet tables of an export: as pandas DataFrames, or as the networkx graph.

``kg build`` writes ``tables/`` next to the RDF files (:mod:`kg.export.tables`). They hold the
same graph as ``graph.ttl``, so :func:`graph_from_tables` gives the graph that
:func:`kg.analyze.load.rdf_to_networkx` gives from the RDF, much faster.

Example:
    >>> import kg
    >>> t = kg.load_tables("exports/")                                  # doctest: +SKIP
    >>> t["relations"].query("property == 'contributesTo'")             # doctest: +SKIP

"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq

from kg.export.tables import SCHEMAS, TABLES, TABLES_DIR
from kg.model import Document, Evidence, edge_data, entity_node, event_node
from kg.vocab import EVENT_CLASSES, ROLES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["graph_from_tables", "load_tables", "tables_dir"]


def tables_dir(path: str | os.PathLike[str]) -> Path | None:
    """Return the folder of tables of an export folder (or the tables folder itself), if any."""
    p = Path(path)
    if not p.is_dir():
        return None
    for folder in (p / TABLES_DIR, p):
        if all((folder / f"{name}.parquet").is_file() for name in TABLES):
            return folder
    return None


def _folder(path: str | os.PathLike[str]) -> Path:
    folder = tables_dir(path)
    if folder is None:
        names = ", ".join(f"{n}.parquet" for n in TABLES)
        raise FileNotFoundError(f"no tables ({TABLES_DIR}/ with {names}) in {path}")
    return folder


def load_tables(path: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """Load the tables of an export as pandas DataFrames, by name.

    Tables (columns in :data:`kg.export.tables.SCHEMAS`): ``documents``, ``entities`` (with
    ``aliases`` and ``same_as`` links), ``relations`` (with ``confidence`` and ``support``),
    ``events``, ``event_roles`` and ``evidence`` (offsets and sentences; ``target`` is the
    relation's ``assertion`` or the event's ``iri``).

    Args:
        path: An export folder (with ``tables/``) or the tables folder.

    Raises:
        FileNotFoundError: If there are no tables there.
        ValueError: If they are tables of another kg version (other columns).

    """
    folder = _folder(path)
    return {name: _read(folder, name).to_pandas() for name in TABLES}


def _read(folder: Path, name: str) -> pa.Table:
    """Read one table, checking it has the columns this version of kg writes.

    Raises:
        ValueError: If its columns differ (tables of another kg version).

    """
    file = folder / f"{name}.parquet"
    table = pq.read_table(file)
    if table.column_names != SCHEMAS[name].names:
        raise ValueError(
            f"{file}: columns {table.column_names} are not those of this kg version "
            f"({SCHEMAS[name].names}); rebuild the export, or load its RDF file"
        )
    return table


def _rows(folder: Path, name: str) -> list[dict[str, Any]]:
    """The rows of a table as dicts (built column by column: faster than row by row)."""
    table = _read(folder, name)
    names = table.column_names
    columns = [table.column(n).to_pylist() for n in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _last_segment(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _confidence(stated: float | None, evidence: list[Evidence]) -> float:
    """The stated confidence, else the best evidence's, else 0 (as the RDF loader)."""
    return stated if stated is not None else max((e.confidence for e in evidence), default=0.0)


def graph_from_tables(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Build the :mod:`kg.model` networkx graph from the tables of an export.

    The result equals :func:`kg.analyze.load.rdf_to_networkx` of the export's RDF: same nodes,
    edges, attributes and insertion order.

    Args:
        path: An export folder (with ``tables/``) or the tables folder.

    Raises:
        FileNotFoundError: If there are no tables there.

    """
    from kg.analyze.load import most_specific

    folder = _folder(path)
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for r in _rows(folder, "evidence"):
        evidence[r["target"]].append(
            Evidence(
                r["doc_id"], r["start"], r["end"], r["sentence"], r["rule"] or "", r["confidence"]
            )
        )

    def evidence_of(target: str | None) -> list[Evidence]:
        return evidence.get(target, []) if target else []

    G = nx.MultiDiGraph()
    G.graph["documents"] = {
        r["doc_id"]: Document(r["doc_id"], r["title"], r["date"], r["url"])
        for r in _rows(folder, "documents")
    }
    nodes: dict[str, dict[str, Any]] = {}
    for r in _rows(folder, "entities"):
        nodes[r["iri"]] = dict(
            entity_node(
                most_specific([r["class"]]),
                r["label"] or _last_segment(r["iri"]),
                alt_labels=r["aliases"],
                same_as=r["same_as"],
                titles=r["titles"],
                documents=r["documents"],
            )
        )
    events: dict[str, float | None] = {}
    for r in _rows(folder, "events"):
        ev = evidence_of(r["iri"])
        events[r["iri"]] = r["confidence"]
        cls = most_specific([r["class"]])
        label = r["label"] or _last_segment(r["iri"])
        if cls not in EVENT_CLASSES:
            nodes[r["iri"]] = dict(entity_node(cls, label, documents=r["documents"]))
            continue
        nodes[r["iri"]] = dict(
            event_node(
                cls,
                label,
                documents=r["documents"],
                evidence=ev,
                date=r["date"],
                topics=r["topics"],
                trigger=r["trigger"] or "",
                confidence=_confidence(r["confidence"], ev),
            )
        )
    edges: list[tuple[str, str, str, float | None, str | None]] = [
        (r["subject"], r["property"], r["object"], r["confidence"], r["assertion"])
        for r in _rows(folder, "relations")
    ]
    edges += [
        (r["event"], r["role"], r["entity"], events.get(r["event"]), r["event"])
        for r in _rows(folder, "event_roles")
    ]
    for s, _, o, _, _ in edges:
        for end in (s, o):
            if end not in nodes:
                nodes[end] = dict(entity_node("Entity", _last_segment(end)))
    for iri in sorted(nodes):
        G.add_node(iri, **nodes[iri])
    for s, prop, o, stated, holder in sorted(edges, key=lambda e: e[:3]):
        if holder is None and prop in ROLES:
            holder = s
        ev = evidence_of(holder)
        G.add_edge(s, o, key=prop, **edge_data(prop, ev, _confidence(stated, ev)))
    return G
