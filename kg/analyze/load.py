"""Load an export of kg back into networkx: the Python API for users' own analysis scripts.

Example:
    >>> from kg.analyze.load import load_graph, to_simple_graph
    >>> G = load_graph("exports/")                 # doctest: +SKIP
    >>> G.nodes["https://w3id.org/newskg/id/country/france"]["label"]  # doctest: +SKIP
    'France'
    >>> for u, v, prop, d in G.edges(keys=True, data=True):   # doctest: +SKIP
    ...     print(G.nodes[u]["label"], prop, G.nodes[v]["label"], d["confidence"], d["support"])
    >>> import networkx as nx
    >>> nx.pagerank(to_simple_graph(G), weight="weight")   # doctest: +SKIP

The result follows the in-memory schema of :mod:`kg.model` (its records are made by
:func:`kg.model.entity_node`, :func:`kg.model.event_node` and :func:`kg.model.edge_data`), so the
exporters and :mod:`kg.analyze.report` work on it unchanged. An export folder is read from its
Parquet tables (``tables/``, written by ``kg build``) when it has them, else from its RDF
(:func:`kg.rdf.export_file`), parsed by pyoxigraph in one pass.

"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.model import Document, Evidence, edge_data, entity_node, event_node
from kg.rdf import read_quads
from kg.vocab import ENTITY_CLASSES, EVENT_CLASSES, KG_NS, PREFIXES, RELATIONS, ROLES, SUPERCLASS

__all__ = ["load_graph", "most_specific", "rdf_to_networkx", "to_simple_graph"]

_CLASSES = set(ENTITY_CLASSES) | set(EVENT_CLASSES)
_EDGE_PROPS = {KG_NS + p: p for p in (*RELATIONS, *ROLES)}
_RDF_TYPE = PREFIXES["rdf"] + "type"
# the properties read, by IRI → the short key they are collected under
_VALUES: dict[str, str] = {
    PREFIXES["rdfs"] + "label": "label",
    PREFIXES["skos"] + "altLabel": "alt",
    PREFIXES["owl"] + "sameAs": "same_as",
    PREFIXES["dcterms"] + "identifier": "identifier",
    PREFIXES["dcterms"] + "title": "doc_title",
    PREFIXES["dcterms"] + "date": "doc_date",
    PREFIXES["dcterms"] + "source": "url",
    PREFIXES["rdf"] + "subject": "s",
    PREFIXES["rdf"] + "predicate": "p",
    PREFIXES["rdf"] + "object": "o",
    **{
        KG_NS + name: name
        for name in (
            "title",
            "mentionedIn",
            "date",
            "topic",
            "trigger",
            "confidence",
            "evidence",
            "inDocument",
            "sentenceText",
            "startOffset",
            "endOffset",
            "extractionRule",
        )
    },
}


class _Index:
    """The statements of an export that the graph is made of, collected in one pass."""

    def __init__(self, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        self.types: dict[str, set[str]] = defaultdict(set)
        # property key -> subject -> values (a named graph may repeat a statement: sets)
        self.values: dict[str, dict[str, set[str]]] = {k: {} for k in _VALUES.values()}
        self.edges: set[tuple[str, str, str]] = set()
        self.documents: list[str] = []
        self._doc_ids: dict[str, str] = {}
        named = ox.NamedNode
        for s, p, o, *_ in quads:
            if type(s) is not named:
                continue
            p = p.value
            if (key := _VALUES.get(p)) is not None:
                by_subject = self.values[key]
                sv, ov = s.value, o.value
                if (found := by_subject.get(sv)) is None:
                    by_subject[sv] = {ov}
                else:
                    found.add(ov)
            elif p == _RDF_TYPE:
                local = o.value[len(KG_NS) :] if o.value.startswith(KG_NS) else None
                if local in _CLASSES:
                    self.types[s.value].add(local)
                elif local == "Document":
                    self.documents.append(s.value)
            elif (prop := _EDGE_PROPS.get(p)) is not None and type(o) is named:
                self.edges.add((s.value, prop, o.value))

    def all(self, s: str, key: str) -> tuple[str, ...]:
        """The sorted distinct values of ``s key ?o``."""
        return tuple(sorted(self.values[key].get(s, ())))

    def one(self, s: str, key: str) -> str | None:
        """The smallest value of ``s key ?o`` (deterministic), or ``None``."""
        values = self.values[key].get(s)
        return min(values) if values else None

    def number(self, s: str, key: str) -> float | None:
        """The largest numeric value of ``s key ?o``, or ``None``."""
        found = []
        for v in self.values[key].get(s, ()):
            try:
                found.append(float(v))
            except ValueError:
                continue
        return max(found) if found else None

    def doc_id(self, doc: str) -> str:
        """A document's identifier (``dcterms:identifier``, else the IRI's last segment)."""
        if (known := self._doc_ids.get(doc)) is None:
            ident = self.one(doc, "identifier")
            known = ident if ident is not None else doc.rstrip("/").rsplit("/", 1)[-1]
            self._doc_ids[doc] = known
        return known

    def evidence(self, holders: Iterable[str]) -> tuple[Evidence, ...]:
        """The evidence of assertions or events, as :class:`kg.model.Evidence` values."""
        out = set()
        for h in holders:
            for ev in self.values["evidence"].get(h, ()):
                doc = self.one(ev, "inDocument")
                start, end = self.number(ev, "startOffset"), self.number(ev, "endOffset")
                out.add(
                    Evidence(
                        doc_id=self.doc_id(doc) if doc is not None else "",
                        start=int(start) if start is not None else -1,
                        end=int(end) if end is not None else -1,
                        sentence=self.one(ev, "sentenceText") or "",
                        rule=self.one(ev, "extractionRule") or "",
                        confidence=self.number(ev, "confidence") or 0.0,
                    )
                )
        return tuple(sorted(out))

    def confidence(self, holders: Iterable[str], evidence: tuple[Evidence, ...]) -> float:
        """The largest stated confidence of the holders, else of their evidence, else 0."""
        stated = [c for h in holders if (c := self.number(h, "confidence")) is not None]
        return max(stated or [e.confidence for e in evidence] or [0.0])

    def assertions(self) -> dict[tuple[str, str, str], list[str]]:
        """The reified statements (``kg:Assertion``) by the triple they describe."""
        index: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for a in self.values["s"]:
            for s in self.all(a, "s"):
                for p in self.all(a, "p"):
                    for o in self.all(a, "o"):
                        if p in _EDGE_PROPS:
                            index[(s, _EDGE_PROPS[p], o)].append(a)
        return index


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


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _documents(ix: _Index) -> dict[str, Document]:
    """The ``kg:Document`` resources as :class:`kg.model.Document` values, by id."""
    docs: dict[str, Document] = {}
    for doc in sorted(set(ix.documents)):
        ident = ix.doc_id(doc)
        docs[ident] = Document(
            id=ident,
            title=ix.one(doc, "doc_title"),
            date=_date(ix.one(doc, "doc_date")),
            url=ix.one(doc, "url"),
        )
    return dict(sorted(docs.items()))


def _node(ix: _Index, node: str, classes: Iterable[str]) -> dict[str, Any]:
    """The :mod:`kg.model` record of an entity or event resource."""
    cls = most_specific(classes)
    label = ix.one(node, "label") or node.rstrip("/").rsplit("/", 1)[-1]
    documents = sorted({ix.doc_id(d) for d in ix.values["mentionedIn"].get(node, ())})
    if cls not in EVENT_CLASSES:
        return dict(
            entity_node(
                cls,
                label,
                alt_labels=ix.all(node, "alt"),
                same_as=ix.all(node, "same_as"),
                titles=ix.all(node, "title"),
                documents=documents,
            )
        )
    evidence = ix.evidence([node])
    return dict(
        event_node(
            cls,
            label,
            documents=documents,
            evidence=evidence,
            date=ix.one(node, "date"),
            topics=ix.all(node, "topic"),
            trigger=ix.one(node, "trigger") or "",
            confidence=ix.confidence([node], evidence),
        )
    )


def rdf_to_networkx(quads: Iterable[ox.Quad | ox.Triple]) -> nx.MultiDiGraph:
    """Convert the statements of a kg export into the :mod:`kg.model` networkx schema.

    Nodes are the resources typed with a ``kg:`` entity or event class (plus untyped ends of
    core relations), keyed by IRI. Edges are the core relations and event roles, keyed by the
    property local name, with the evidence, confidence and support of the matching
    ``kg:Assertion``; a role takes its event's provenance. Named graphs are merged.

    Args:
        quads: Parsed statements (e.g. :func:`kg.rdf.read_quads`).

    Returns:
        The graph, nodes and edges added in sorted order.

    """
    ix = _Index(quads)
    for s, _prop, o in ix.edges:
        ix.types.setdefault(s, set())
        ix.types.setdefault(o, set())
    G = nx.MultiDiGraph()
    G.graph["documents"] = _documents(ix)
    for node in sorted(ix.types):
        G.add_node(node, **_node(ix, node, ix.types[node]))
    assertions = ix.assertions()
    for s, prop, o in sorted(ix.edges):
        holders = assertions.get((s, prop, o), [])
        if not holders and prop in ROLES:
            holders = [s]
        evidence = ix.evidence(holders)
        confidence = ix.confidence(holders, evidence)
        G.add_edge(s, o, key=prop, **edge_data(prop, evidence, confidence))
    return G


def load_graph(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Load a kg export as a :class:`networkx.MultiDiGraph` (schema in :mod:`kg.model`).

    Node keys are IRIs; node attributes ``kind`` (``"entity"``/``"event"``), ``cls`` (most
    specific ``kg:`` class), ``label``, ``documents`` (document ids); entities also
    ``alt_labels``, ``same_as``, ``titles``; events ``date`` (ISO string or ``None``),
    ``topics``, ``trigger``, ``evidence``, ``confidence`` and ``support``. Edge keys are property
    local names (``"contributesTo"``, ``"agent"`` …) with ``prop``, ``evidence`` (a tuple of
    :class:`kg.model.Evidence`: document, offsets, sentence, rule, confidence), ``confidence``
    and ``support`` (number of evidence sentences; 0 when the export carries no assertion for the
    triple). ``G.graph["documents"]`` maps document ids to :class:`kg.model.Document`.

    Args:
        path: An export folder (read from ``tables/`` when present, else from its RDF export), or
            an RDF file (``.ttl``, ``.nt``, ``.trig``, ``.nq``, ``.jsonld``) or a ``tables``
            folder.

    Returns:
        The graph.

    Raises:
        FileNotFoundError: If there is no such file or export.
        kg.rdf.RdfError: If the RDF is of an unknown format or not valid.

    Example:
        >>> G = load_graph("exports/")                                   # doctest: +SKIP
        >>> [G.nodes[u]["label"] for u, v, k in G.edges(keys=True) if k == "contributesTo"]
        ['Armenia', 'Belarus', ...]                                      # doctest: +SKIP

    """
    from kg.analyze.tables import graph_from_tables, tables_dir

    folder = tables_dir(path)
    if folder is not None:
        return graph_from_tables(folder)
    return rdf_to_networkx(read_quads(path, lenient=True))


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
