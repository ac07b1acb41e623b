"""Export the graph for graph tools: GraphML, GEXF, Neo4j admin-import CSV and Gephi CSV.

Follows the networkx ``readwrite`` style: pure ``generate_*`` functions return text, thin
``write_*`` functions write it atomically. Every attribute is flattened to a GraphML-safe scalar
by :func:`to_simple_attrs` first, and nodes, edges and columns are sorted, so the same graph always
gives byte-identical files.

Example:
    >>> from kg.export.tabular import write_graphml, write_neo4j_csv
    >>> write_graphml(G, "exports/graph.graphml")          # doctest: +SKIP
    >>> write_neo4j_csv(G, "exports/csv")                  # doctest: +SKIP

"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import networkx as nx

from kg.io import atomic_write_files, atomic_write_text
from kg.vocab import EVENT_CLASSES, GN_NS, SUPERCLASS, WD_NS

__all__ = [
    "JOIN",
    "to_simple_attrs",
    "generate_graphml",
    "write_graphml",
    "generate_gexf",
    "write_gexf",
    "generate_neo4j_csv",
    "generate_gephi_csv",
    "write_neo4j_csv",
    "write_gephi_csv",
    "write_tabular",
]

#: Separator used to join tuples of strings into one GraphML/GEXF attribute value.
JOIN = " | "
#: Array delimiter of the Neo4j CSV files (``neo4j-admin import --array-delimiter``, default ``;``).
NEO4J_ARRAY_DELIMITER = ";"

# characters XML 1.0 cannot carry (GraphML/GEXF readers reject them)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_GEXF_DATE = re.compile(r' lastmodifieddate="[^"]*"')
# node attributes every node gets (as strings, "" when unknown), in column order
_NODE_STRINGS = (
    "label",
    "class",
    "kind",
    "aliases",
    "wikidata",
    "geonames",
    "same_as",
    "titles",
    "documents",
    "date",
    "topics",
    "trigger",
)


# --------------------------------------------------------------------------- flattening


def _clean(text: str) -> str:
    """Remove characters XML cannot represent."""
    return _XML_ILLEGAL.sub("", text)


def _strings(value: Any) -> list[str]:
    """Return a sorted, de-duplicated list of the strings in a tuple/list/set (or one value)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, Iterable):
        return sorted({str(v) for v in value if v is not None and str(v) != ""})
    return [str(value)]


def _join(value: Any) -> str:
    """Join a collection of strings with :data:`JOIN` (sorted)."""
    return _clean(JOIN.join(_strings(value)))


def _evidence_dict(ev: Any) -> dict[str, Any]:
    """Return one evidence item (an :class:`kg.model.Evidence` or a mapping) as a plain dict."""
    if dataclasses.is_dataclass(ev) and not isinstance(ev, type):
        raw = dataclasses.asdict(ev)
    elif isinstance(ev, Mapping):
        raw = dict(ev)
    else:
        raw = {"sentence": str(ev)}
    out = {
        "doc": raw.get("doc_id", raw.get("doc")),
        "start": raw.get("start"),
        "end": raw.get("end"),
        "sentence": raw.get("sentence"),
        "rule": raw.get("rule"),
        "confidence": raw.get("confidence"),
    }
    return {k: v for k, v in out.items() if v is not None}


def _evidence_list(evidence: Any) -> list[dict[str, Any]]:
    """Return evidence as a list of dicts, ordered by document and offset."""
    items = [_evidence_dict(e) for e in (evidence or ())]
    return sorted(items, key=_evidence_order)


def _evidence_order(item: Mapping[str, Any]) -> tuple[Any, ...]:
    """Sort key of an evidence dict: document, offsets, then the rest (like :class:`Evidence`)."""
    return (
        str(item.get("doc", "")),
        int(item.get("start", -1)),
        int(item.get("end", -1)),
        str(item.get("sentence", "")),
        str(item.get("rule", "")),
        float(item.get("confidence", 0.0)),
    )


def _evidence_json(items: list[dict[str, Any]]) -> str:
    """Serialise evidence dicts as compact, key-sorted JSON."""
    text = json.dumps(items, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _clean(text)


def _ext_id(same_as: Iterable[str], base: str) -> str:
    """Return the local id (``Q142``, ``1522867``) of the first IRI under ``base``, or ``""``."""
    for iri in sorted(same_as):
        if iri.startswith(base):
            return iri[len(base) :].strip("/")
    return ""


def _confidence(value: Any) -> float:
    """Return a confidence as a float rounded to 6 places (0.0 when missing)."""
    try:
        return round(float(value), 6)
    except (TypeError, ValueError):
        return 0.0


def _scalar(value: Any) -> str | int | float | bool | None:
    """Flatten any other attribute value to a GraphML-safe scalar (``None`` drops it)."""
    if value is None:
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, Mapping) or (dataclasses.is_dataclass(value)):
        return _clean(json.dumps(value, default=str, sort_keys=True, ensure_ascii=False))
    if isinstance(value, Iterable):
        return _join(value)
    return _clean(str(value))


def _provenance(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``evidence`` (JSON), ``sentence``, ``confidence`` and ``support`` for a node/edge."""
    items = _evidence_list(data.get("evidence"))
    sentences = [str(e.get("sentence", "")) for e in items if e.get("sentence")]
    if data.get("confidence") is not None:
        confidence = _confidence(data.get("confidence"))
    else:
        confidence = max((_confidence(e.get("confidence")) for e in items), default=0.0)
    support = data.get("support")
    support = int(support) if support is not None else len(items)
    documents = _strings(e.get("doc") for e in items)
    return {
        "confidence": confidence,
        "support": support,
        "sentence": _clean(sentences[0]) if sentences else "",
        "evidence": _evidence_json(items),
        "documents": _clean(JOIN.join(documents)),
    }


def _kind(data: Mapping[str, Any]) -> str:
    """Return the node kind, inferring it from the class when the attribute is missing."""
    kind = data.get("kind")
    if kind:
        return str(kind)
    return "event" if data.get("cls") in EVENT_CLASSES else "entity"


def _simple_node(data: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten one node's attributes."""
    same_as = _strings(data.get("same_as"))
    kind = _kind(data)
    out: dict[str, Any] = {
        "label": _clean(str(data.get("label") or "")),
        "class": str(data.get("cls") or ""),
        "kind": kind,
        "aliases": _join(data.get("alt_labels")),
        "wikidata": _ext_id(same_as, WD_NS),
        "geonames": _ext_id(same_as, GN_NS),
        "same_as": _join(same_as),
        "titles": _join(data.get("titles")),
        "documents": _join(data.get("documents")),
        "date": str(data.get("date") or ""),
        "topics": _join(data.get("topics")),
        "trigger": _clean(str(data.get("trigger") or "")),
    }
    if kind == "event" or "evidence" in data or "confidence" in data:
        prov = _provenance(data)
        prov.pop("documents")
        out.update(prov)
    handled = {"cls", "alt_labels", *out}
    for key in sorted(data):
        if key not in handled and (value := _scalar(data[key])) is not None:
            out[key] = value
    return out


def _simple_edge(key: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten one edge's attributes."""
    prop = str(data.get("prop") or key)
    out: dict[str, Any] = {"label": prop, "prop": prop, **_provenance(data)}
    handled = set(out)
    for name in sorted(data):
        if name not in handled and (value := _scalar(data[name])) is not None:
            out[name] = value
    return out


def _edge_order(edge: tuple[Any, Any, Any, Any]) -> tuple[str, str, str]:
    """Sort key of an ``(u, v, key, data)`` edge."""
    return (str(edge[0]), str(edge[1]), str(edge[2]))


def to_simple_attrs(G: nx.Graph) -> nx.MultiDiGraph:
    """Return a sorted copy of ``G`` whose every attribute is a GraphML-safe scalar.

    Node attributes: ``label``, ``class`` (the ``cls``), ``kind``, ``aliases`` (the
    ``alt_labels`` joined with ``" | "``), ``wikidata`` (``Q142``), ``geonames`` (``1522867``),
    ``same_as``, ``titles``, ``documents``, ``date``, ``topics``, ``trigger`` (all strings, ``""``
    when unknown); events add ``confidence``, ``support``, ``sentence`` (first evidence sentence)
    and ``evidence`` (compact JSON). Edge attributes: ``label`` and ``prop`` (the property),
    ``confidence``, ``support`` (number of evidence sentences), ``sentence``, ``documents`` and
    ``evidence``. Other scalar attributes are kept; collections are joined; graph-level
    attributes are dropped.

    Args:
        G: A graph in the :mod:`kg.model` schema (or one from :func:`kg.analyze.load.load_graph`).

    Returns:
        A new :class:`networkx.MultiDiGraph` keyed like ``G``.

    """
    H = nx.MultiDiGraph()
    for node in sorted(G.nodes, key=str):
        H.add_node(str(node), **_simple_node(G.nodes[node]))
    if G.is_multigraph():
        edges = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)]
    else:
        edges = [(u, v, d.get("prop", ""), d) for u, v, d in G.edges(data=True)]
    for u, v, key, data in sorted(edges, key=_edge_order):
        H.add_edge(str(u), str(v), key=str(key), **_simple_edge(key, data))
    return H


# --------------------------------------------------------------------------- GraphML / GEXF


_XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"


def _graphml_lines(simple: nx.MultiDiGraph) -> Iterator[str]:
    """The lines of the GraphML text of a graph already flattened by :func:`to_simple_attrs`."""
    yield _XML_DECLARATION
    yield from nx.generate_graphml(simple, prettyprint=True)


def _gexf_lines(simple: nx.MultiDiGraph) -> Iterator[str]:
    """The lines of the GEXF text of a flattened graph, without the writer's modification date."""
    yield _XML_DECLARATION
    dated = True
    for line in nx.generate_gexf(simple, prettyprint=True, version="1.2draft"):
        if dated:
            line, found = _GEXF_DATE.subn("", line, count=1)
            dated = not found
        yield line


def _text(lines: Iterable[str]) -> str:
    return "".join(line + "\n" for line in lines)


def _write_lines(path: str | os.PathLike[str], lines: Iterable[str]) -> Path:
    """Write lines (each ended by a newline) to ``path`` atomically, streaming them to disk."""

    def write(fh: BinaryIO) -> None:
        for line in lines:
            fh.write(line.encode("utf-8") + b"\n")

    return atomic_write_files({path: write})[0]


def generate_graphml(G: nx.Graph) -> str:
    """Return ``G`` as GraphML text (flattened by :func:`to_simple_attrs`).

    ``networkx.read_graphml`` reads it back with the same node ids and attributes; edge keys
    (the property) are the GraphML edge ids and also the ``prop`` attribute. networkx returns a
    ``MultiDiGraph`` only when the file has parallel edges: pass ``force_multigraph=True`` to
    always get one keyed by property. Gephi, yEd and igraph read the file too.
    """
    return _text(_graphml_lines(to_simple_attrs(G)))


def write_graphml(G: nx.Graph, path: str | os.PathLike[str]) -> Path:
    """Write ``G`` as GraphML to ``path`` atomically and return the path."""
    return _write_lines(path, _graphml_lines(to_simple_attrs(G)))


def generate_gexf(G: nx.Graph) -> str:
    """Return ``G`` as GEXF 1.2 text (flattened by :func:`to_simple_attrs`).

    Node labels become GEXF labels; the networkx writer's modification date is removed so the
    output is reproducible. Edge keys are stored in the ``networkx_key`` attribute.
    """
    return _text(_gexf_lines(to_simple_attrs(G)))


def write_gexf(G: nx.Graph, path: str | os.PathLike[str]) -> Path:
    """Write ``G`` as GEXF 1.2 to ``path`` atomically and return the path."""
    return _write_lines(path, _gexf_lines(to_simple_attrs(G)))


# --------------------------------------------------------------------------- CSV


def _csv_text(header: list[str], rows: Iterable[list[Any]]) -> str:
    """Return a CSV document (LF line ends, minimal quoting, quotes doubled)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def _labels(cls: str, kind: str) -> str:
    """Return the Neo4j ``:LABEL`` value: the class chain, most general first (``Entity;City``)."""
    chain: list[str] = []
    current = cls or ("Event" if kind == "event" else "Entity")
    while current and current not in chain:
        chain.append(current)
        current = SUPERCLASS.get(current, "")
    root = "Event" if kind == "event" else "Entity"
    if chain[-1] != root:
        chain.append(root)
    return NEO4J_ARRAY_DELIMITER.join(reversed(chain))


def _array(joined: str) -> str:
    """Turn a ``" | "``-joined value into a Neo4j array field (``;``-delimited)."""
    return NEO4J_ARRAY_DELIMITER.join(joined.split(JOIN)) if joined else ""


def _num(value: Any) -> str:
    """Format a number for CSV (``""`` when missing)."""
    if value is None or value == "":
        return ""
    return repr(round(float(value), 6)) if isinstance(value, float) else str(value)


_NEO4J_NODE_HEADER = [
    "id:ID",
    "label",
    ":LABEL",
    "aliases:string[]",
    "class",
    "kind",
    "wikidata",
    "geonames",
    "same_as:string[]",
    "titles:string[]",
    "documents:string[]",
    "date",
    "topics:string[]",
    "trigger",
    "confidence:float",
    "sentence",
]
_NEO4J_EDGE_HEADER = [
    ":START_ID",
    ":END_ID",
    ":TYPE",
    "confidence:float",
    "support:int",
    "sentence",
    "documents:string[]",
]
_GEPHI_NODE_HEADER = [
    "Id",
    "Label",
    "class",
    "kind",
    "aliases",
    "wikidata",
    "geonames",
    "titles",
    "documents",
    "date",
]
_GEPHI_EDGE_HEADER = [
    "Source",
    "Target",
    "Type",
    "Label",
    "Weight",
    "confidence",
    "support",
    "sentence",
    "documents",
]


def generate_neo4j_csv(G: nx.Graph) -> dict[str, str]:
    """Return ``{"nodes.csv": text, "edges.csv": text}`` for ``neo4j-admin database import``.

    Headers follow the Neo4j import conventions (``id:ID``, ``:LABEL``, ``:START_ID``,
    ``:END_ID``, ``:TYPE``, typed ``name:float`` / ``name:int`` / ``name:string[]`` columns); arrays
    and labels use the default array delimiter ``;``. Sentences may contain newlines: import with
    ``--multiline-fields=true``. Relationship types are the ``kg:`` property local names.
    """
    H = to_simple_attrs(G)
    node_rows = []
    for node, d in H.nodes(data=True):
        node_rows.append(
            [
                node,
                d["label"],
                _labels(d["class"], d["kind"]),
                _array(d["aliases"]),
                d["class"],
                d["kind"],
                d["wikidata"],
                d["geonames"],
                _array(d["same_as"]),
                _array(d["titles"]),
                _array(d["documents"]),
                d["date"],
                _array(d["topics"]),
                d["trigger"],
                _num(d.get("confidence")),
                d.get("sentence", ""),
            ]
        )
    edge_rows = [
        [
            u,
            v,
            d["prop"],
            _num(d["confidence"]),
            _num(d["support"]),
            d["sentence"],
            _array(d["documents"]),
        ]
        for u, v, d in H.edges(data=True)
    ]
    return {
        "nodes.csv": _csv_text(_NEO4J_NODE_HEADER, node_rows),
        "edges.csv": _csv_text(_NEO4J_EDGE_HEADER, edge_rows),
    }


def generate_gephi_csv(G: nx.Graph) -> dict[str, str]:
    """Return ``{"gephi_nodes.csv": text, "gephi_edges.csv": text}`` for Gephi's spreadsheet import.

    Nodes have ``Id`` and ``Label`` columns, edges ``Source``, ``Target``, ``Type``
    (``Directed``), ``Label`` (the property) and ``Weight`` (the number of evidence sentences,
    at least 1), followed by plain attribute columns.
    """
    H = to_simple_attrs(G)
    node_rows = [
        [node] + [d[c] for c in ("label", *_GEPHI_NODE_HEADER[2:])]
        for node, d in H.nodes(data=True)
    ]
    edge_rows = [
        [
            u,
            v,
            "Directed",
            d["prop"],
            str(max(1, int(d["support"]))),
            _num(d["confidence"]),
            _num(d["support"]),
            d["sentence"],
            d["documents"],
        ]
        for u, v, d in H.edges(data=True)
    ]
    return {
        "gephi_nodes.csv": _csv_text(_GEPHI_NODE_HEADER, node_rows),
        "gephi_edges.csv": _csv_text(_GEPHI_EDGE_HEADER, edge_rows),
    }


def _write_files(files: Mapping[str, str], out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``{name: text}`` into ``out_dir`` atomically, in name order."""
    return [atomic_write_text(Path(out_dir) / name, files[name]) for name in sorted(files)]


def write_gephi_csv(G: nx.Graph, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``gephi_nodes.csv`` and ``gephi_edges.csv`` into ``out_dir``; return their paths."""
    return _write_files(generate_gephi_csv(G), out_dir)


def write_neo4j_csv(
    G: nx.Graph, out_dir: str | os.PathLike[str], *, gephi: bool = True
) -> list[Path]:
    """Write ``nodes.csv`` and ``edges.csv`` (Neo4j import) into ``out_dir``.

    Import with ``neo4j-admin database import full --nodes=nodes.csv
    --relationships=edges.csv --multiline-fields=true neo4j``.

    Args:
        G: The graph.
        out_dir: Destination folder (created if missing).
        gephi: Also write ``gephi_nodes.csv`` and ``gephi_edges.csv``
            (see :func:`generate_gephi_csv`).

    Returns:
        The written paths, sorted by file name.

    """
    files = dict(generate_neo4j_csv(G))
    if gephi:
        files.update(generate_gephi_csv(G))
    return _write_files(files, out_dir)


def write_tabular(G: nx.Graph, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``graph.graphml``, ``graph.gexf`` and the Neo4j/Gephi CSV files into ``out_dir``.

    Returns:
        The written paths.

    """
    out = Path(out_dir)
    simple = to_simple_attrs(G)  # flattened once for both XML formats
    paths = [
        _write_lines(out / "graph.graphml", _graphml_lines(simple)),
        _write_lines(out / "graph.gexf", _gexf_lines(simple)),
    ]
    return paths + write_neo4j_csv(G, out / "csv")
