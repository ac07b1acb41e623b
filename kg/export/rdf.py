"""Export the graph as RDF: Turtle, N-Triples, JSON-LD and TriG (one named graph per document).

The modelling is described in ``docs/rdf-model.md``. Follows the networkx ``readwrite`` style: pure
functions build triples (:func:`generate_triples`, :func:`generate_quads`), rdflib objects
(:func:`to_graph`, :func:`to_dataset`) or text (``serialize_*``); :func:`write_rdf` writes the four
files atomically. No blank nodes are produced, every IRI is derived from content (node keys,
document ids, SHA-1 of triples and evidence), and every serialiser sorts what it writes, so the same
graph always gives byte-identical files, whatever ``PYTHONHASHSEED``.

Example:
    >>> from kg.export.rdf import serialize_turtle, write_rdf
    >>> print(serialize_turtle(G))                       # doctest: +SKIP
    >>> write_rdf(G, Path("exports"))                    # doctest: +SKIP

"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx
from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg.io import atomic_write_text
from kg.model import Document, Evidence, is_event_node
from kg.vocab import KG, KG_NS, KGR, KGR_NS, ROLES, WD

__all__ = [
    "PREFIXES",
    "RDF_FILES",
    "assertion_iri",
    "document_iri",
    "evidence_iri",
    "generate_quads",
    "generate_rdf",
    "generate_triples",
    "jsonld_context",
    "serialize_jsonld",
    "serialize_ntriples",
    "serialize_trig",
    "serialize_turtle",
    "to_dataset",
    "to_graph",
    "write_rdf",
]

#: An RDF triple as produced here (no blank nodes).
Triple = tuple[URIRef, URIRef, URIRef | Literal]
#: A triple with the name of its graph (``None``: the default graph).
Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef | None]

#: Prefixes used in every serialisation.
PREFIXES: dict[str, str] = {
    "dcterms": str(DCTERMS),
    "kg": KG_NS,
    "kgr": KGR_NS,
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "wd": str(WD),
    "xsd": str(XSD),
}
# (prefix, namespace) pairs, longest namespace first, for abbreviating IRIs
_BY_LENGTH: tuple[tuple[str, str], ...] = tuple(
    sorted(PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0]))
)
#: File names written by :func:`write_rdf`, in order.
RDF_FILES: tuple[str, ...] = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.trig")

# kg properties whose values are IRIs (the others carry literals)
_OBJECT_PROPERTIES: tuple[str, ...] = (
    "contributesTo",
    "partOf",
    "memberOf",
    "deployedTo",
    "ledBy",
    "requestedAssistanceFrom",
    "leaderOf",
    "spokespersonFor",
    "worksFor",
    "locatedIn",
    "basedIn",
    "mentionedIn",
    "agent",
    "target",
    "participant",
    "place",
    "evidence",
    "inDocument",
)
# kg datatype properties with the datatype JSON-LD coerces them to (None: plain strings/numbers)
_DATATYPE_PROPERTIES: dict[str, str | None] = {
    "title": None,
    "date": "xsd:date",
    "topic": None,
    "trigger": None,
    "sentenceText": None,
    "startOffset": None,
    "endOffset": None,
    "extractionRule": None,
    "confidence": "xsd:decimal",
    "supportCount": None,
}
# characters that may not appear in an IRIREF (Turtle, N-Triples): percent-encoded
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# conservative PN_LOCAL for prefixed names
_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_TWO_PLACES = Decimal("0.01")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CONTROL = re.compile(r'[\x00-\x1f\x7f\\"]')
_INDENT = "    "


# --------------------------------------------------------------------------- IRIs and literals


def _iri(value: str) -> URIRef:
    """Return ``value`` as a URIRef, percent-encoding characters IRIs cannot contain."""
    return URIRef(_IRI_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), value))


def document_iri(doc_id: str) -> URIRef:
    """Return the IRI of a document: ``kgr:doc/`` + the percent-encoded document id.

    Args:
        doc_id: Document identifier (file name or JSON Lines ``id``).

    Returns:
        For example ``https://w3id.org/newskg/id/doc/000_8de8a0582fcf7fc5.txt``.

    """
    return KGR["doc/" + quote(doc_id, safe="")]


def _sha1(*parts: object) -> str:
    """Return the SHA-1 hex digest of the parts joined by a space."""
    return hashlib.sha1(" ".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def assertion_iri(subj: str, prop: URIRef, obj: str) -> URIRef:
    """Return the IRI of the ``kg:Assertion`` of a triple, stable across runs.

    Args:
        subj: Subject IRI.
        prop: Predicate IRI.
        obj: Object IRI.

    Returns:
        ``kgr:assertion/`` + SHA-1 of the three IRIs.

    """
    return KGR["assertion/" + _sha1(subj, prop, obj)]


def evidence_iri(target: str, evidence: Evidence) -> URIRef:
    """Return the IRI of one ``kg:Evidence`` of an assertion or event, stable across runs.

    Args:
        target: IRI of the assertion or event the evidence supports.
        evidence: The evidence.

    Returns:
        ``kgr:evidence/`` + SHA-1 of target, document, offsets and rule.

    """
    key = _sha1(target, evidence.doc_id, evidence.start, evidence.end, evidence.rule)
    return KGR["evidence/" + key]


def _decimal(value: float) -> Literal:
    """Return a confidence as an ``xsd:decimal`` literal with two decimal places."""
    rounded = Decimal(repr(float(value))).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)
    return Literal(str(rounded), datatype=XSD.decimal)


def _date(value: object) -> Literal:
    """Return a date (``datetime.date`` or ISO string) as an ``xsd:date`` literal."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    text = str(value)
    dt.date.fromisoformat(text)  # raises ValueError on anything but YYYY-MM-DD
    return Literal(text, datatype=XSD.date)


def _term(local: str) -> URIRef:
    """Return a ``kg:`` IRI by local name, raising ValueError for unknown names."""
    try:
        return KG[local]
    except AttributeError as exc:
        raise ValueError(f"not a kg: term: {local!r}") from exc


def _strings(value: object) -> list[str]:
    """Return the non-empty strings of a tuple/list/set attribute (or one string), sorted."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return sorted({str(v) for v in value if v is not None and str(v)})


# --------------------------------------------------------------------------- triples


def _document_triples(doc_id: str, doc: Document | None) -> list[Triple]:
    """Return the description of one document."""
    iri = document_iri(doc_id)
    out: list[Triple] = [(iri, RDF.type, KG.Document), (iri, DCTERMS.identifier, Literal(doc_id))]
    if doc is not None:
        if doc.title:
            out.append((iri, DCTERMS.title, Literal(doc.title)))
        if doc.date is not None:
            out.append((iri, DCTERMS.date, _date(doc.date)))
        if doc.url and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", doc.url):
            out.append((iri, DCTERMS.source, _iri(doc.url)))
    return out


def _entity_triples(node: str, data: Mapping[str, Any], docs: Iterable[str]) -> list[Triple]:
    """Return type, labels, links, titles and ``kg:mentionedIn`` (for ``docs``) of an entity."""
    iri = _iri(node)
    cls = str(data.get("cls") or "Entity")
    out: list[Triple] = [(iri, RDF.type, _term(cls)), (iri, RDF.type, KG.Entity)]
    label = data.get("label")
    if label:
        out.append((iri, RDFS.label, Literal(str(label))))
    out += [(iri, SKOS.altLabel, Literal(a)) for a in _strings(data.get("alt_labels"))]
    out += [(iri, OWL.sameAs, _iri(s)) for s in _strings(data.get("same_as"))]
    out += [(iri, KG.title, Literal(t)) for t in _strings(data.get("titles"))]
    out += [(iri, KG.mentionedIn, document_iri(d)) for d in sorted(set(docs))]
    return out


def _evidence_triples(target: URIRef, evidence: Iterable[Evidence]) -> list[Triple]:
    """Return ``target kg:evidence e`` and the description of every distinct evidence ``e``."""
    merged: dict[URIRef, Evidence] = {}
    for ev in sorted(evidence):
        iri = evidence_iri(target, ev)
        if iri not in merged or ev.confidence > merged[iri].confidence:
            merged[iri] = ev
    out: list[Triple] = []
    for iri, ev in sorted(merged.items()):
        out += [
            (target, KG.evidence, iri),
            (iri, RDF.type, KG.Evidence),
            (iri, KG.inDocument, document_iri(ev.doc_id)),
            (iri, KG.sentenceText, Literal(ev.sentence)),
            (iri, KG.startOffset, Literal(int(ev.start))),
            (iri, KG.endOffset, Literal(int(ev.end))),
            (iri, KG.confidence, _decimal(ev.confidence)),
        ]
        if ev.rule:
            out.append((iri, KG.extractionRule, Literal(ev.rule)))
    return out


def _support_count(target: URIRef, evidence: Iterable[Evidence]) -> int:
    """Return the number of distinct evidence IRIs of ``target``."""
    return len({evidence_iri(target, ev) for ev in evidence})


def _event_triples(
    node: str, data: Mapping[str, Any], docs: Iterable[str], evidence: Iterable[Evidence]
) -> list[Triple]:
    """Return the description of an event node, with ``kg:mentionedIn`` and evidence as given."""
    iri = _iri(node)
    cls = str(data.get("cls") or "Event")
    out: list[Triple] = [(iri, RDF.type, _term(cls)), (iri, RDF.type, KG.Event)]
    if data.get("label"):
        out.append((iri, RDFS.label, Literal(str(data["label"]))))
    if data.get("trigger"):
        out.append((iri, KG.trigger, Literal(str(data["trigger"]))))
    if data.get("date"):
        out.append((iri, KG.date, _date(data["date"])))
    out += [(iri, KG.topic, Literal(t)) for t in _strings(data.get("topics"))]
    out += [(iri, KG.mentionedIn, document_iri(d)) for d in sorted(set(docs))]
    evidence = list(evidence)
    confidence = data.get("confidence")
    if confidence is None and evidence:
        confidence = max(ev.confidence for ev in evidence)
    if confidence is not None:
        out.append((iri, KG.confidence, _decimal(confidence)))
    return out + _evidence_triples(iri, evidence)


def _relation_triples(
    subj: str, prop: URIRef, obj: str, evidence: list[Evidence], confidence: float | None
) -> list[Triple]:
    """Return a relation triple and, if it has evidence, its ``kg:Assertion`` with the support."""
    s, o = _iri(subj), _iri(obj)
    out: list[Triple] = [(s, prop, o)]
    if not evidence:
        return out
    a = assertion_iri(s, prop, o)
    if confidence is None:
        confidence = max(ev.confidence for ev in evidence)
    out += [
        (a, RDF.type, KG.Assertion),
        (a, RDF.subject, s),
        (a, RDF.predicate, prop),
        (a, RDF.object, o),
        (a, KG.confidence, _decimal(confidence)),
        (a, KG.supportCount, Literal(_support_count(a, evidence))),
    ]
    return out + _evidence_triples(a, evidence)


def _is_event(data: Mapping[str, Any]) -> bool:
    """Return True for event nodes."""
    return is_event_node(data)


def _documents(G: nx.MultiDiGraph) -> dict[str, Document | None]:
    """Return every document id of the graph (described or only referenced), with its metadata."""
    docs: dict[str, Document | None] = dict(G.graph.get("documents") or {})
    for _, data in G.nodes(data=True):
        for d in _strings(data.get("documents")):
            docs.setdefault(d, None)
        for ev in data.get("evidence") or ():
            docs.setdefault(ev.doc_id, None)
    for _, _, data in G.edges(data=True):
        for ev in data.get("evidence") or ():
            docs.setdefault(ev.doc_id, None)
    return dict(sorted(docs.items()))


def _edges(G: nx.MultiDiGraph) -> list[tuple[str, str, str, Mapping[str, Any]]]:
    """Return the edges as ``(u, v, prop, data)`` sorted by ``(u, prop, v)``."""
    edges = [
        (u, v, str(data.get("prop") or k), data) for u, v, k, data in G.edges(keys=True, data=True)
    ]
    return sorted(edges, key=lambda e: (str(e[0]), e[2], str(e[1])))


def _graph_name(doc_id: str | None) -> URIRef | None:
    """Return the named graph of a document id (``None``: the default graph)."""
    return None if doc_id is None else document_iri(doc_id)


def _event_docs(data: Mapping[str, Any]) -> list[str]:
    """Return the documents an event belongs to: those it is mentioned in or has evidence from."""
    docs = set(_strings(data.get("documents")))
    docs.update(ev.doc_id for ev in data.get("evidence") or ())
    return sorted(docs)


def generate_triples(G: nx.MultiDiGraph) -> list[Triple]:
    """Return the triples of the whole graph (the content of ``graph.ttl``), sorted.

    Assertions carry the total support: all their evidence over every document.

    Args:
        G: The knowledge graph (schema in :mod:`kg.model`).

    Returns:
        Sorted, de-duplicated triples.

    Raises:
        ValueError: On a class or property name that is not a ``kg:`` term, or a malformed date.

    """
    out: set[Triple] = set()
    for doc_id, doc in _documents(G).items():
        out.update(_document_triples(doc_id, doc))
    for node, data in sorted(G.nodes(data=True), key=lambda n: str(n[0])):
        if _is_event(data):
            evidence = data.get("evidence") or ()
            out.update(_event_triples(node, data, _strings(data.get("documents")), evidence))
        else:
            out.update(_entity_triples(node, data, _strings(data.get("documents"))))
    for u, v, prop, data in _edges(G):
        if prop in ROLES and _is_event(G.nodes[u]):
            out.add((_iri(u), _term(prop), _iri(v)))
        else:
            evidence = list(data.get("evidence") or ())
            out.update(_relation_triples(u, _term(prop), v, evidence, data.get("confidence")))
    return sorted(out)


def generate_quads(G: nx.MultiDiGraph) -> list[Quad]:
    """Return the quads of ``graph.trig``: one named graph per document, sorted.

    The graph of a document (named by :func:`document_iri`) holds its description, the
    descriptions of the entities mentioned in it (with ``kg:mentionedIn`` that document), the
    relation triples with evidence from it and their assertions with that document's support only,
    and its events. Triples without any document provenance (an entity mentioned nowhere, a
    relation without evidence) go to the default graph, so that the union of all graphs holds
    every triple of :func:`generate_triples` (apart from the assertions' support figures).

    Args:
        G: The knowledge graph.

    Returns:
        Sorted, de-duplicated ``(s, p, o, graph)`` quads (``graph`` is ``None`` for the default).

    """
    out: set[Quad] = set()

    def add(triples: Iterable[Triple], graph: URIRef | None) -> None:
        out.update((s, p, o, graph) for s, p, o in triples)

    for doc_id, doc in _documents(G).items():
        add(_document_triples(doc_id, doc), document_iri(doc_id))
    for node, data in sorted(G.nodes(data=True), key=lambda n: str(n[0])):
        mentioned = set(_strings(data.get("documents")))
        if _is_event(data):
            evidence = list(data.get("evidence") or ())
            for d in _event_docs(data) or [None]:
                docs = [d] if d in mentioned else []
                evs = [ev for ev in evidence if ev.doc_id == d]
                add(_event_triples(node, data, docs, evs), _graph_name(d))
        elif mentioned:
            for d in sorted(mentioned):
                add(_entity_triples(node, data, [d]), document_iri(d))
        else:
            add(_entity_triples(node, data, []), None)
    for u, v, prop, data in _edges(G):
        if prop in ROLES and _is_event(G.nodes[u]):
            triple = (_iri(u), _term(prop), _iri(v))
            for d in _event_docs(G.nodes[u]) or [None]:
                add([triple], _graph_name(d))
            continue
        by_doc: dict[str, list[Evidence]] = defaultdict(list)
        for ev in data.get("evidence") or ():
            by_doc[ev.doc_id].append(ev)
        if not by_doc:
            add(_relation_triples(u, _term(prop), v, [], None), None)
        for d, evs in sorted(by_doc.items()):
            add(_relation_triples(u, _term(prop), v, evs, None), document_iri(d))
    return sorted(out, key=lambda q: (q[3] or "", q[0], q[1], q[2]))


def _bind(graph: Graph) -> None:
    """Bind the export prefixes on an rdflib graph or dataset."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def to_graph(G: nx.MultiDiGraph) -> Graph:
    """Return the whole graph as an rdflib :class:`~rdflib.Graph` (assertions with total support).

    Args:
        G: The knowledge graph.

    Returns:
        A new rdflib graph with the export prefixes bound.

    """
    graph = Graph(bind_namespaces="none")
    _bind(graph)
    for triple in generate_triples(G):
        graph.add(triple)
    return graph


def to_dataset(G: nx.MultiDiGraph) -> Dataset:
    """Return the graph as an rdflib :class:`~rdflib.Dataset` with one named graph per document.

    Args:
        G: The knowledge graph.

    Returns:
        A dataset whose named graphs are named by :func:`document_iri` (see :func:`generate_quads`).

    """
    ds = Dataset()
    _bind(ds)
    for s, p, o, g in generate_quads(G):
        (ds.graph(g) if g is not None else ds.default_graph).add((s, p, o))
    return ds


# --------------------------------------------------------------------------- Turtle and TriG


def _escape(text: str) -> str:
    """Return ``text`` as the body of a double-quoted Turtle / N-Triples string."""
    return _CONTROL.sub(lambda m: _ESCAPES.get(m.group(0), f"\\u{ord(m.group(0)):04X}"), text)


def _prefixed(iri: str) -> str | None:
    """Return ``prefix:local`` for an IRI under an export prefix, if ``local`` is a safe name."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and _PN_LOCAL.match(iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return None


def _relative(iri: str) -> str | None:
    """Return an IRI under ``kgr:`` relative to the ``@base``, if it resolves back unchanged."""
    if not iri.startswith(KGR_NS):
        return None
    rel = iri[len(KGR_NS) :]
    first = re.split(r"[/?#]", rel, maxsplit=1)[0]
    if not first or ":" in first or rel.startswith(("?", "#")):
        return None
    if any(seg in (".", "..") for seg in re.split(r"[?#]", rel, maxsplit=1)[0].split("/")):
        return None
    return rel


def _ttl_term(term: URIRef | Literal) -> str:
    """Return the Turtle form of an IRI or literal."""
    if isinstance(term, URIRef):
        iri = str(term)
        name = _prefixed(iri)
        if name is not None:
            return name
        rel = _relative(iri)
        return f"<{rel if rel is not None else iri}>"
    lex = str(term)
    if term.language:
        return f'"{_escape(lex)}"@{term.language}'
    if term.datatype is None or term.datatype == XSD.string:
        return f'"{_escape(lex)}"'
    if term.datatype == XSD.integer and _INTEGER.match(lex):
        return lex
    if term.datatype == XSD.decimal and _DECIMAL.match(lex):
        return lex
    return f'"{_escape(lex)}"^^{_ttl_term(term.datatype)}'


def _ttl_header() -> str:
    """Return the ``@base`` and ``@prefix`` lines shared by Turtle and TriG."""
    lines = [f"@base <{KGR_NS}> ."]
    lines += [f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted(PREFIXES.items())]
    return "\n".join(lines) + "\n"


# kg:Entity and kg:Event are written after the specific class of a node
_GENERAL_TTL = frozenset({"kg:Entity", "kg:Event"})
_GENERAL_JSON = frozenset({"Entity", "Event"})
_FIRST_PREDICATES = {RDF.type: 0, RDFS.label: 1, RDF.subject: 2, RDF.predicate: 3, RDF.object: 4}


def _predicate_order(p: URIRef) -> tuple[int, str]:
    """Sort key of predicates: type, label and reification first, then by IRI."""
    return (_FIRST_PREDICATES.get(p, len(_FIRST_PREDICATES)), str(p))


def _ttl_blocks(triples: Iterable[Triple]) -> list[str]:
    """Return one Turtle block (``subject p o, o ; p o .``) per subject, sorted by subject IRI."""
    by_subject: dict[URIRef, dict[URIRef, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in triples:
        by_subject[s][p].add(_ttl_term(o))
    blocks = []
    for s in sorted(by_subject):
        preds = by_subject[s]
        parts = [
            ("a" if p == RDF.type else _ttl_term(p))
            + " "
            + ", ".join(sorted(preds[p], key=lambda o: (o in _GENERAL_TTL, o)))
            for p in sorted(preds, key=_predicate_order)
        ]
        blocks.append(_ttl_term(s) + " " + (" ;\n" + _INDENT).join(parts) + " .\n")
    return blocks


def _turtle(triples: Iterable[Triple]) -> str:
    """Return Turtle text for the triples."""
    return _ttl_header() + "".join("\n" + block for block in _ttl_blocks(triples))


def _trig(quads: Iterable[Quad]) -> str:
    """Return TriG text for the quads: the default graph (if any), then named graphs by IRI."""
    graphs: dict[URIRef | None, list[Triple]] = defaultdict(list)
    for s, p, o, g in quads:
        graphs[g].append((s, p, o))
    out = [_ttl_header()]
    for g in sorted(graphs, key=lambda name: (name is not None, name or "")):
        body = "\n\n".join(
            "\n".join(_INDENT + line if line else line for line in block.splitlines())
            for block in _ttl_blocks(graphs[g])
        )
        name = "" if g is None else _ttl_term(g) + " "
        out.append(f"\n{name}{{\n{body}\n}}\n")
    return "".join(out)


def serialize_turtle(G: nx.MultiDiGraph) -> str:
    """Return ``graph.ttl``: the whole graph as Turtle, subjects and objects sorted.

    Resources under ``kgr:`` are written relative to ``@base <https://w3id.org/newskg/id/>``.

    Args:
        G: The knowledge graph.

    Returns:
        The Turtle text (identical for identical graphs).

    """
    return _turtle(generate_triples(G))


def serialize_trig(G: nx.MultiDiGraph) -> str:
    """Return ``graph.trig``: one named graph per document (see :func:`generate_quads`).

    Args:
        G: The knowledge graph.

    Returns:
        The TriG text (identical for identical graphs).

    """
    return _trig(generate_quads(G))


# --------------------------------------------------------------------------- N-Triples


def _nt_term(term: URIRef | Literal) -> str:
    """Return the N-Triples form of an IRI or literal."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    body = f'"{_escape(str(term))}"'
    if term.language:
        return f"{body}@{term.language}"
    if term.datatype is None or term.datatype == XSD.string:
        return body
    return f"{body}^^<{term.datatype}>"


def _ntriples(triples: Iterable[Triple]) -> str:
    """Return N-Triples text for the triples, lines sorted."""
    lines = sorted({f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} ." for s, p, o in triples})
    return "".join(line + "\n" for line in lines)


def serialize_ntriples(G: nx.MultiDiGraph) -> str:
    """Return ``graph.nt``: the whole graph as N-Triples, one triple per line, lines sorted.

    Args:
        G: The knowledge graph.

    Returns:
        The N-Triples text (identical for identical graphs).

    """
    return _ntriples(generate_triples(G))


# --------------------------------------------------------------------------- JSON-LD


def jsonld_context() -> dict[str, Any]:
    """Return the JSON-LD ``@context`` of ``graph.jsonld``.

    It declares the export prefixes and a short term for every ``kg:`` class and property
    (``"Country"``, ``"contributesTo"``), plus ``label`` (rdfs), ``altLabel`` (skos), ``sameAs``
    (owl), ``identifier`` (dcterms) and ``subject``/``predicate``/``object`` (rdf reification),
    with IRI and datatype coercions so that values read as plain JSON strings and numbers.

    Returns:
        The context, as an insertion-ordered dict.

    """
    ctx: dict[str, Any] = dict(sorted(PREFIXES.items()))
    ctx["label"] = "rdfs:label"
    ctx["altLabel"] = {"@id": "skos:altLabel", "@container": "@set"}
    ctx["sameAs"] = {"@id": "owl:sameAs", "@type": "@id", "@container": "@set"}
    ctx["identifier"] = "dcterms:identifier"
    ctx["subject"] = {"@id": "rdf:subject", "@type": "@id"}
    ctx["predicate"] = {"@id": "rdf:predicate", "@type": "@vocab"}
    ctx["object"] = {"@id": "rdf:object", "@type": "@id"}
    for name in sorted(KG.__annotations__):
        if name[0].isupper():
            ctx[name] = f"kg:{name}"
        elif name in _OBJECT_PROPERTIES:
            ctx[name] = {"@id": f"kg:{name}", "@type": "@id"}
        elif _DATATYPE_PROPERTIES.get(name):
            ctx[name] = {"@id": f"kg:{name}", "@type": _DATATYPE_PROPERTIES[name]}
        else:
            ctx[name] = f"kg:{name}"
    return ctx


def _compact(iri: str) -> str:
    """Return ``prefix:rest`` for an IRI under an export prefix (JSON-LD compact IRI), else it."""
    for prefix, ns in _BY_LENGTH:
        rest = iri[len(ns) :]
        if iri.startswith(ns) and rest and not rest.startswith("//"):
            return f"{prefix}:{rest}"
    return iri


def _terms(ctx: Mapping[str, Any]) -> dict[str, tuple[str, Any]]:
    """Map full IRIs to ``(term, definition)`` for the terms of a context."""
    out: dict[str, tuple[str, Any]] = {}
    for name, definition in ctx.items():
        if name in PREFIXES:
            continue
        compact = definition if isinstance(definition, str) else definition["@id"]
        prefix, local = compact.split(":", 1)
        out[PREFIXES[prefix] + local] = (name, definition)
    return out


def _json_value(o: URIRef | Literal, definition: Any, terms: Mapping[str, tuple[str, Any]]) -> Any:
    """Return the JSON-LD value of an object under a term definition (``None``: no term)."""
    coerce = definition.get("@type") if isinstance(definition, dict) else None
    if isinstance(o, URIRef):
        if coerce == "@vocab":
            return terms[str(o)][0] if str(o) in terms else _compact(str(o))
        return _compact(str(o)) if coerce == "@id" else {"@id": _compact(str(o))}
    lex = str(o)
    if o.language:
        return {"@value": lex, "@language": o.language}
    plain = o.datatype is None or o.datatype == XSD.string
    if coerce not in (None, "@id", "@vocab") and not plain and _compact(str(o.datatype)) == coerce:
        return lex
    if coerce is None and plain:
        return lex
    if coerce is None and o.datatype == XSD.integer and _INTEGER.match(lex):
        return int(lex)
    if plain:
        return {"@value": lex}
    return {"@value": lex, "@type": _compact(str(o.datatype))}


def _jsonld(triples: Iterable[Triple]) -> str:
    """Return JSON-LD text (a ``@graph`` of node objects sorted by ``@id``) for the triples."""
    ctx = jsonld_context()
    terms = _terms(ctx)
    by_subject: dict[URIRef, dict[URIRef, list[URIRef | Literal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for s, p, o in triples:
        by_subject[s][p].append(o)
    nodes = []
    for s in sorted(by_subject):
        preds = by_subject[s]
        node: dict[str, Any] = {"@id": _compact(str(s))}
        types = sorted(
            (
                terms[str(t)][0] if str(t) in terms else _compact(str(t))
                for t in preds.pop(RDF.type, [])
            ),
            key=lambda name: (name in _GENERAL_JSON, name),
        )
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        props: dict[str, Any] = {}
        for p, objs in preds.items():
            name, definition = terms.get(str(p), (_compact(str(p)), None))
            values = sorted(
                (_json_value(o, definition, terms) for o in objs),
                key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False),
            )
            is_set = isinstance(definition, dict) and definition.get("@container") == "@set"
            props[name] = values if is_set or len(values) > 1 else values[0]
        node.update(sorted(props.items()))
        nodes.append(node)
    doc = {"@context": ctx, "@graph": nodes}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def serialize_jsonld(G: nx.MultiDiGraph) -> str:
    """Return ``graph.jsonld``: the whole graph as JSON-LD with a readable ``@context``.

    Nodes are sorted by ``@id``, keys and values sorted, IRIs compacted with the export prefixes
    (``"kgr:country/…"``, ``"wd:Q142"``), ``kg:`` terms written by local name.

    Args:
        G: The knowledge graph.

    Returns:
        The JSON-LD text (identical for identical graphs).

    """
    return _jsonld(generate_triples(G))


# --------------------------------------------------------------------------- files


def generate_rdf(G: nx.MultiDiGraph) -> dict[str, str]:
    """Return the text of every RDF export file, keyed by file name (see :data:`RDF_FILES`).

    Args:
        G: The knowledge graph.

    Returns:
        ``{"graph.ttl": …, "graph.nt": …, "graph.jsonld": …, "graph.trig": …}``.

    """
    triples = generate_triples(G)
    return {
        "graph.ttl": _turtle(triples),
        "graph.nt": _ntriples(triples),
        "graph.jsonld": _jsonld(triples),
        "graph.trig": _trig(generate_quads(G)),
    }


def write_rdf(G: nx.MultiDiGraph, out_dir: Path) -> list[Path]:
    """Write ``graph.ttl``, ``graph.nt``, ``graph.jsonld`` and ``graph.trig`` into ``out_dir``.

    Every text is produced before anything is written, and each file is replaced atomically, so
    a failure leaves the previous files intact.

    Args:
        G: The knowledge graph.
        out_dir: Output folder (created if needed).

    Returns:
        The paths written, in :data:`RDF_FILES` order.

    """
    texts = generate_rdf(G)
    return [atomic_write_text(Path(out_dir) / name, texts[name]) for name in RDF_FILES]
