"""Load an RDF export of kg back into networkx: the Python API for users' own analysis scripts.

Example:
    >>> from kg.analyze.load import load_graph, to_simple_graph
    >>> G = load_graph("exports/")                 # doctest: +SKIP
    >>> G.nodes["https://w3id.org/newskg/id/country/france"]["label"]  # doctest: +SKIP
    'France'
    >>> for u, v, prop, d in G.edges(keys=True, data=True):   # doctest: +SKIP
    ...     print(G.nodes[u]["label"], prop, G.nodes[v]["label"], d["confidence"], d["sentences"])
    >>> import networkx as nx
    >>> nx.pagerank(to_simple_graph(G), weight="weight")   # doctest: +SKIP

The result follows the in-memory schema of :mod:`kg.model`, so the exporters
(:mod:`kg.export.tabular`) and :mod:`kg.analyze.report` work on it unchanged.

"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS
from rdflib.term import Node

from kg.model import Document, Evidence
from kg.vocab import ENTITY_CLASSES, EVENT_CLASSES, KG, KG_NS, RELATIONS, ROLES, SUPERCLASS

__all__ = [
    "EXPORT_FILES",
    "RDF_FORMATS",
    "load_graph",
    "load_rdf",
    "most_specific",
    "rdf_to_networkx",
    "to_simple_graph",
]

#: RDF serialisations understood, by file suffix (rdflib format names).
RDF_FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".trig": "trig",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}
#: Files looked for, in order, when :func:`load_graph` is given a folder.
EXPORT_FILES: tuple[str, ...] = ("graph.ttl", "graph.nt", "graph.trig", "graph.jsonld", "graph.nq")
_QUAD_FORMATS = {"trig", "nquads"}
_CLASSES = set(ENTITY_CLASSES) | set(EVENT_CLASSES)
_EDGE_PROPS = set(RELATIONS) | set(ROLES)


@dataclass(frozen=True)
class _Support:
    """Provenance of one triple or event: confidence, support count and evidence."""

    confidence: float
    support: int
    evidence: tuple[Evidence, ...]


def _resolve(path: str | os.PathLike[str]) -> Path:
    """Return the RDF file to read for ``path`` (a file, or an exports folder)."""
    p = Path(path)
    if p.is_dir():
        for name in EXPORT_FILES:
            if (p / name).is_file():
                return p / name
        found = sorted(f for f in p.iterdir() if f.suffix in RDF_FORMATS and f.is_file())
        if not found:
            raise FileNotFoundError(f"no RDF export ({', '.join(EXPORT_FILES)}) in {p}")
        return found[0]
    if not p.is_file():
        raise FileNotFoundError(p)
    return p


def load_rdf(path: str | os.PathLike[str]) -> Graph:
    """Parse an RDF export into one rdflib :class:`~rdflib.Graph` (named graphs are merged).

    Args:
        path: A ``.ttl``, ``.nt``, ``.trig``, ``.nq``, ``.jsonld`` file or an exports folder
            (``graph.ttl`` is preferred, then ``graph.nt``, ``graph.trig``, ``graph.jsonld``).

    Raises:
        FileNotFoundError: If there is no such file or no export in the folder.
        ValueError: If the file suffix is not a known RDF serialisation.

    """
    file = _resolve(path)
    fmt = RDF_FORMATS.get(file.suffix.lower())
    if fmt is None:
        raise ValueError(f"unknown RDF format for {file} (expected one of {sorted(RDF_FORMATS)})")
    if fmt not in _QUAD_FORMATS:
        return Graph().parse(file, format=fmt)
    ds = Dataset()
    ds.parse(file, format=fmt)
    merged = Graph()
    for s, p, o, _g in ds.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def _local(iri: Node) -> str | None:
    """Return the local name of a ``kg:`` term, or ``None`` for other IRIs."""
    text = str(iri)
    return text[len(KG_NS) :] if isinstance(iri, URIRef) and text.startswith(KG_NS) else None


def _depth(cls: str) -> int:
    """Return how many superclass steps separate ``cls`` from its root class."""
    depth = 0
    while cls in SUPERCLASS:
        cls = SUPERCLASS[cls]
        depth += 1
    return depth


def most_specific(classes: Iterable[str]) -> str:
    """Return the most specific of some ``kg:`` class local names (deepest; ties by name)."""
    known = sorted(c for c in classes if c in _CLASSES)
    if not known:
        return "Entity"
    return min(known, key=lambda c: (-_depth(c), c))


def _literals(g: Graph, s: Node, p: URIRef) -> tuple[str, ...]:
    """Return the sorted distinct string values of ``s p ?o``."""
    return tuple(sorted({str(o) for o in g.objects(s, p)}))


def _one(g: Graph, s: Node, p: URIRef) -> str | None:
    """Return the smallest string value of ``s p ?o`` (deterministic), or ``None``."""
    values = _literals(g, s, p)
    return values[0] if values else None


def _float(g: Graph, s: Node, p: URIRef) -> float | None:
    """Return the largest numeric value of ``s p ?o``, or ``None``."""
    values = []
    for o in g.objects(s, p):
        try:
            values.append(float(o.toPython() if isinstance(o, Literal) else o))
        except (TypeError, ValueError):
            continue
    return max(values) if values else None


def _doc_id(g: Graph, doc: Node) -> str:
    """Return a document's identifier (``dcterms:identifier``, else the IRI's last segment)."""
    ident = _one(g, doc, DCTERMS.identifier)
    return ident if ident is not None else str(doc).rstrip("/").rsplit("/", 1)[-1]


def _evidence(g: Graph, ev: Node) -> Evidence:
    """Rebuild a :class:`kg.model.Evidence` from a ``kg:Evidence`` resource."""
    doc = next(iter(sorted(g.objects(ev, KG.inDocument))), None)
    start = _float(g, ev, KG.startOffset)
    end = _float(g, ev, KG.endOffset)
    return Evidence(
        doc_id=_doc_id(g, doc) if doc is not None else "",
        start=int(start) if start is not None else -1,
        end=int(end) if end is not None else -1,
        sentence=_one(g, ev, KG.sentenceText) or "",
        rule=_one(g, ev, KG.extractionRule) or "",
        confidence=_float(g, ev, KG.confidence) or 0.0,
    )


def _support(g: Graph, holders: Iterable[Node]) -> _Support:
    """Merge the confidence, support count and evidence of one or more assertions/events."""
    evidence: set[Evidence] = set()
    confidences: list[float] = []
    counts: list[int] = []
    for h in holders:
        evidence.update(_evidence(g, ev) for ev in g.objects(h, KG.evidence))
        if (c := _float(g, h, KG.confidence)) is not None:
            confidences.append(c)
        if (n := _float(g, h, KG.supportCount)) is not None:
            counts.append(int(n))
    ordered = tuple(sorted(evidence))
    confidence = max(confidences or [e.confidence for e in ordered] or [0.0])
    support = len(ordered) if ordered else max(counts, default=0)
    return _Support(confidence=confidence, support=support, evidence=ordered)


def _assertions(g: Graph) -> dict[tuple[Node, Node, Node], list[Node]]:
    """Index the reified statements (``kg:Assertion`` / ``rdf:Statement``) by their triple."""
    index: dict[tuple[Node, Node, Node], list[Node]] = defaultdict(list)
    for a in set(g.subjects(RDF.subject, None)):
        for s in g.objects(a, RDF.subject):
            for p in g.objects(a, RDF.predicate):
                for o in g.objects(a, RDF.object):
                    index[(s, p, o)].append(a)
    return index


def _documents(g: Graph) -> dict[str, Document]:
    """Return the ``kg:Document`` resources as :class:`kg.model.Document` values by id."""
    docs: dict[str, Document] = {}
    for doc in sorted(set(g.subjects(RDF.type, KG.Document))):
        date = _one(g, doc, DCTERMS.date)
        try:
            parsed = dt.date.fromisoformat(date[:10]) if date else None
        except ValueError:
            parsed = None
        ident = _doc_id(g, doc)
        docs[ident] = Document(
            id=ident,
            title=_one(g, doc, DCTERMS.title),
            date=parsed,
            url=_one(g, doc, DCTERMS.source),
        )
    return dict(sorted(docs.items()))


def _node_attrs(g: Graph, node: URIRef, classes: Iterable[str]) -> dict[str, object]:
    """Return the :mod:`kg.model` node attributes of an entity or event resource."""
    cls = most_specific(classes)
    kind = "event" if cls in EVENT_CLASSES else "entity"
    label = _one(g, node, RDFS.label) or str(node).rstrip("/").rsplit("/", 1)[-1]
    attrs: dict[str, object] = {
        "kind": kind,
        "cls": cls,
        "label": label,
        "alt_labels": tuple(a for a in _literals(g, node, SKOS.altLabel) if a != label),
        "same_as": _literals(g, node, OWL.sameAs),
        "titles": _literals(g, node, KG.title),
        "documents": tuple(sorted({_doc_id(g, d) for d in g.objects(node, KG.mentionedIn)})),
    }
    if kind == "event":
        date = _one(g, node, KG.date)
        support = _support(g, [node])
        attrs.update(
            date=date[:10] if date else None,
            topics=_literals(g, node, KG.topic),
            trigger=_one(g, node, KG.trigger) or "",
            evidence=support.evidence,
            confidence=support.confidence,
            support=support.support,
        )
    return attrs


def rdf_to_networkx(g: Graph) -> nx.MultiDiGraph:
    """Convert a parsed kg RDF graph into the :mod:`kg.model` networkx schema.

    Nodes are the resources typed with a ``kg:`` entity or event class (plus untyped ends of
    core relations), keyed by IRI. Edges are the core relations and event roles, keyed by the
    property local name, with ``prop``, ``confidence``, ``support``, ``evidence`` (tuple of
    :class:`kg.model.Evidence`) and ``sentences`` taken from the matching ``kg:Assertion``; a role
    without an assertion of its own takes its event's provenance.
    """
    types: dict[URIRef, set[str]] = defaultdict(set)
    for s, o in g.subject_objects(RDF.type):
        local = _local(o)
        if isinstance(s, URIRef) and local in _CLASSES:
            types[s].add(local)
    triples = sorted(
        (s, _local(p), o)
        for s, p, o in g
        if _local(p) in _EDGE_PROPS and isinstance(s, URIRef) and isinstance(o, URIRef)
    )
    for s, _p, o in triples:
        types.setdefault(s, set())
        types.setdefault(o, set())

    G = nx.MultiDiGraph()
    G.graph["documents"] = _documents(g)
    for node in sorted(types):
        G.add_node(str(node), **_node_attrs(g, node, types[node]))

    assertions = _assertions(g)
    for s, prop, o in triples:
        holders = assertions.get((s, KG[prop], o), [])
        if not holders and prop in ROLES:
            holders = [s]
        support = _support(g, holders)
        G.add_edge(
            str(s),
            str(o),
            key=prop,
            prop=prop,
            confidence=support.confidence,
            support=support.support,
            evidence=support.evidence,
            sentences=tuple(sorted({e.sentence for e in support.evidence if e.sentence})),
        )
    return G


def load_graph(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Load a kg RDF export as a :class:`networkx.MultiDiGraph`.

    Node keys are IRIs; node attributes ``label``, ``cls`` (most specific ``kg:`` class),
    ``kind`` (``"entity"``/``"event"``), ``alt_labels``, ``same_as``, ``titles``, ``documents``
    (document ids); events also ``date`` (ISO string or ``None``), ``topics``, ``trigger``,
    ``confidence``, ``support`` and ``evidence``. Edge keys are property local names
    (``"contributesTo"``, ``"agent"`` …) with ``confidence``, ``support`` (number of evidence
    sentences; 0 when the export carries no assertion for the triple), ``sentences`` and
    ``evidence``. ``G.graph["documents"]`` maps document ids to :class:`kg.model.Document`.

    Args:
        path: ``graph.ttl`` / ``.nt`` / ``.trig`` / ``.nq`` / ``.jsonld``, or an exports folder.

    Returns:
        The graph.

    Example:
        >>> G = load_graph("exports/")                                   # doctest: +SKIP
        >>> [G.nodes[u]["label"] for u, v, k in G.edges(keys=True) if k == "contributesTo"]
        ['Armenia', 'Belarus', ...]                                      # doctest: +SKIP

    """
    return rdf_to_networkx(load_rdf(path))


def to_simple_graph(G: nx.Graph) -> nx.Graph:
    """Collapse a multigraph into an undirected :class:`networkx.Graph` weighted by edge count.

    Each pair of nodes linked by one or more edges (in either direction, any property) gets one
    edge whose ``weight`` is the number of those edges and ``props`` the sorted property names.
    Node attributes are copied. Use it for algorithms that need a simple graph (clustering,
    betweenness, community detection).

    Example:
        >>> H = to_simple_graph(load_graph("exports/"))                  # doctest: +SKIP
        >>> nx.community.louvain_communities(H, weight="weight", seed=1) # doctest: +SKIP

    """
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes(data=True), key=lambda item: str(item[0])))
    weights: dict[tuple[str, str], int] = defaultdict(int)
    props: dict[tuple[str, str], set[str]] = defaultdict(set)
    if G.is_multigraph():
        edges = [(u, v, k) for u, v, k in G.edges(keys=True)]
    else:
        edges = [(u, v, G.edges[u, v].get("prop", "")) for u, v in G.edges()]
    for u, v, key in edges:
        pair = (u, v) if str(u) <= str(v) else (v, u)
        weights[pair] += 1
        props[pair].add(str(key))
    for pair in sorted(weights, key=lambda p: (str(p[0]), str(p[1]))):
        H.add_edge(*pair, weight=weights[pair], props=tuple(sorted(props[pair])))
    return H
