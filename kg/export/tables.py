"""Export the graph as Parquet tables: documents, entities, relations, events, roles, evidence.

The tables hold what the RDF export holds (``docs/rdf-model.md``), one row per resource, with the
same IRIs, the same evidence (merged per evidence IRI) and the same two-place confidences, so they
round-trip with ``graph.ttl`` and :func:`kg.load_graph` reads the same graph from either. They are
written into ``tables/`` of the export folder, one ``<name>.parquet`` file per table (see
:data:`SCHEMAS` for the columns). DuckDB, pandas, polars and Spark read them in place::

    SELECT s.label, e.sentence
    FROM 'exports/tables/relations.parquet' r
    JOIN 'exports/tables/entities.parquet' s ON s.iri = r.subject
    JOIN 'exports/tables/evidence.parquet' e ON e.target = r.assertion
    WHERE r.property = 'contributesTo';

Rows are sorted and the files carry no timestamp, so the same graph gives byte-identical files
(with the same pyarrow version).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq

from kg.export.rdf import (
    all_documents,
    assertion_iri,
    distinct_evidence,
    document_iri,
    is_role,
    kg_term,
    resource_iri,
    rounded,
    sorted_edges,
    source_iri,
    stated_confidence,
)
from kg.io import atomic_write_files
from kg.model import Evidence, is_event_node

__all__ = ["SCHEMAS", "TABLES", "TABLES_DIR", "generate_tables", "write_tables"]

#: Sub-folder of an export folder that holds the tables.
TABLES_DIR = "tables"
_STRINGS = pa.list_(pa.string())

#: The columns of every table, in order (``iri`` columns hold the IRIs of the RDF export).
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("doc_id", pa.string()),
            ("iri", pa.string()),
            ("title", pa.string()),
            ("date", pa.date32()),
            ("url", pa.string()),
        ]
    ),
    "entities": pa.schema(
        [
            ("iri", pa.string()),
            ("class", pa.string()),
            ("label", pa.string()),
            ("aliases", _STRINGS),
            ("same_as", _STRINGS),
            ("titles", _STRINGS),
            ("documents", _STRINGS),
        ]
    ),
    "relations": pa.schema(
        [
            ("subject", pa.string()),
            ("property", pa.string()),
            ("object", pa.string()),
            ("assertion", pa.string()),
            ("confidence", pa.float64()),
            ("support", pa.int64()),
        ]
    ),
    "events": pa.schema(
        [
            ("iri", pa.string()),
            ("class", pa.string()),
            ("label", pa.string()),
            ("date", pa.date32()),
            ("trigger", pa.string()),
            ("topics", _STRINGS),
            ("documents", _STRINGS),
            ("confidence", pa.float64()),
            ("support", pa.int64()),
        ]
    ),
    "event_roles": pa.schema(
        [("event", pa.string()), ("role", pa.string()), ("entity", pa.string())]
    ),
    "evidence": pa.schema(
        [
            ("iri", pa.string()),
            ("target", pa.string()),
            ("doc_id", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("sentence", pa.string()),
            ("rule", pa.string()),
            ("confidence", pa.float64()),
        ]
    ),
}
# the columns that identify a row (rows are sorted by them)
_KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "entities": ("iri",),
    "relations": ("subject", "property", "object"),
    "events": ("iri",),
    "event_roles": ("event", "role", "entity"),
    "evidence": ("iri",),
}
#: Table names, in the order they are written.
TABLES: tuple[str, ...] = tuple(SCHEMAS)

Row = dict[str, Any]


def _strings(value: object) -> list[str]:
    """The non-empty strings of a collection attribute (or one string), sorted and distinct."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return sorted({str(v) for v in value if v is not None and str(v)})


def _confidence(value: float | None) -> float | None:
    """A confidence as the exports state it (two places), or ``None``."""
    return None if value is None else float(rounded(value))


def _date(value: object) -> dt.date | None:
    """A date attribute (``datetime.date`` or ISO string) as a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _evidence_rows(target: str, evidence: Iterable[Evidence]) -> list[Row]:
    """The rows of the distinct evidence of an assertion or event."""
    return [
        {
            "iri": iri.value,
            "target": target,
            "doc_id": ev.doc_id,
            "start": int(ev.start),
            "end": int(ev.end),
            "sentence": ev.sentence,
            "rule": ev.rule or None,
            "confidence": _confidence(ev.confidence),
        }
        for iri, ev in distinct_evidence(resource_iri(target), evidence)
    ]


def _entity_row(iri: str, data: Mapping[str, Any]) -> Row:
    return {
        "iri": iri,
        "class": str(data.get("cls") or "Entity"),
        "label": str(data["label"]) if data.get("label") else None,
        "aliases": _strings(data.get("alt_labels")),
        "same_as": [resource_iri(s).value for s in _strings(data.get("same_as"))],
        "titles": _strings(data.get("titles")),
        "documents": _strings(data.get("documents")),
    }


def _event_row(iri: str, data: Mapping[str, Any], evidence: list[Row]) -> Row:
    return {
        "iri": iri,
        "class": str(data.get("cls") or "Event"),
        "label": str(data["label"]) if data.get("label") else None,
        "date": _date(data.get("date")),
        "trigger": str(data["trigger"]) if data.get("trigger") else None,
        "topics": _strings(data.get("topics")),
        "documents": _strings(data.get("documents")),
        "confidence": _confidence(stated_confidence(data, data.get("evidence") or ())),
        "support": len(evidence),
    }


def generate_tables(G: nx.MultiDiGraph) -> dict[str, pa.Table]:
    """Return the tables of a graph (schema in :mod:`kg.model`) as pyarrow tables, rows sorted.

    Args:
        G: The knowledge graph.

    Returns:
        One table per name of :data:`TABLES`, with the columns of :data:`SCHEMAS`.

    Raises:
        ValueError: On a class or property that is not a ``kg:`` term, or a node key that is no
            IRI (as the RDF export).

    """
    rows: dict[str, list[Row]] = {name: [] for name in TABLES}
    for doc_id, doc in all_documents(G).items():
        url = source_iri(doc.url) if doc is not None and doc.url else None
        rows["documents"].append(
            {
                "doc_id": doc_id,
                "iri": document_iri(doc_id).value,
                "title": (doc.title or None) if doc is not None else None,
                "date": _date(doc.date) if doc is not None else None,
                "url": url.value if url is not None else None,
            }
        )
    for node, data in G.nodes(data=True):
        kg_term(str(data.get("cls") or "Entity"))  # fails on an unknown class, as the RDF export
        iri = resource_iri(node).value
        if is_event_node(data):
            evidence = _evidence_rows(iri, data.get("evidence") or ())
            rows["evidence"] += evidence
            rows["events"].append(_event_row(iri, data, evidence))
        else:
            rows["entities"].append(_entity_row(iri, data))
    for u, v, prop, data in sorted_edges(G):
        s, o = resource_iri(u).value, resource_iri(v).value
        kg_term(prop)
        if is_role(G, u, prop):
            rows["event_roles"].append({"event": s, "role": prop, "entity": o})
            continue
        assertion = assertion_iri(s, kg_term(prop), o).value if data.get("evidence") else None
        evidence = _evidence_rows(assertion, data["evidence"]) if assertion else []
        rows["evidence"] += evidence
        confidence = stated_confidence(data, data["evidence"]) if evidence else None
        rows["relations"].append(
            {
                "subject": s,
                "property": prop,
                "object": o,
                "assertion": assertion,
                "confidence": _confidence(confidence),
                "support": len(evidence),
            }
        )
    return {name: _table(name, rows[name]) for name in TABLES}


def _table(name: str, rows: list[Row]) -> pa.Table:
    """A pyarrow table of rows, sorted by (and distinct in) the table's key columns."""
    keys = _KEYS[name]
    unique = {tuple(r[k] for k in keys): r for r in rows}
    return pa.Table.from_pylist([unique[k] for k in sorted(unique)], schema=SCHEMAS[name])


def _write(table: pa.Table) -> Any:
    def write(fh: IO[bytes]) -> None:
        pq.write_table(table, fh, compression="zstd", write_statistics=True)

    return write


def write_tables(G: nx.MultiDiGraph, out_dir: Path) -> list[Path]:
    """Write the tables into ``out_dir/tables/<name>.parquet`` (all files together).

    Args:
        G: The knowledge graph.
        out_dir: The export folder.

    Returns:
        The paths written, in :data:`TABLES` order.

    """
    tables = generate_tables(G)
    folder = Path(out_dir) / TABLES_DIR
    return atomic_write_files({folder / f"{n}.parquet": _write(tables[n]) for n in TABLES})
