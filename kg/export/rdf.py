"""Map the graph to RDF terms and write Turtle, N-Triples, JSON-LD and TriG through :mod:`kg.rdf`.

The modelling is described in ``docs/rdf-model.md``. Pure functions map the in-memory graph to
pyoxigraph triples and quads (:func:`generate_triples`, :func:`generate_quads`); the writing is
:mod:`kg.rdf`'s (pyoxigraph's serialisers, compact JSON-LD through :mod:`json`), so every string
is escaped by the format's rules. :func:`write_rdf` writes the four files together. No blank nodes
are produced, every IRI is derived from content (node keys, document ids, SHA-1 of triples and
evidence) and statements are sorted before they are written, so the same graph always gives
byte-identical files, whatever ``PYTHONHASHSEED``.

Example:
    >>> from kg.export.rdf import serialize_turtle, write_rdf
    >>> print(serialize_turtle(G))                       # doctest: +SKIP
    >>> write_rdf(G, Path("exports"))                    # doctest: +SKIP

"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote

import networkx as nx
import pyoxigraph as ox

import kg.rdf as rdfio
from kg.io import atomic_write_files
from kg.model import Document, Evidence, is_event_node
from kg.vocab import KG_NS, KGR_NS, PREFIXES, ROLES, ontology

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

__all__ = [
    "RDF_FILES",
    "all_documents",
    "assertion_iri",
    "distinct_evidence",
    "document_iri",
    "evidence_iri",
    "generate_quads",
    "generate_rdf",
    "generate_triples",
    "is_role",
    "jsonld_context",
    "kg_term",
    "resource_iri",
    "rounded",
    "serialize_jsonld",
    "serialize_ntriples",
    "serialize_trig",
    "serialize_turtle",
    "sorted_edges",
    "source_iri",
    "stated_confidence",
    "to_dataset",
    "to_graph",
    "write_rdf",
]

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


# ASCII that an IRI cannot hold, a "%" that starts no escape, and every non-ASCII character
# (kept by _encode_char when it is an IRI character)
_IRI_SUSPECT = re.compile(r'[^\x21-\x7e]|[<>"{}|^`\\]|%(?![0-9A-Fa-f]{2})')


def _encode_char(match: re.Match[str]) -> str:
    """Percent-encode a character an IRI cannot (or should not) hold; keep the others.

    Beyond RFC 3987 (controls, surrogates, private use, non-characters, the tag block), spaces,
    line and paragraph separators and format characters are encoded too: parsers that split on
    Unicode white space (rdflib's N-Triples and Turtle readers) would break such an IRI.
    """
    ch = match.group(0)
    if ch > "\x7f":
        cp = ord(ch)
        category = unicodedata.category(ch)
        if (
            category[0] not in "ZC"
            and (cp & 0xFFFE) != 0xFFFE
            and not 0xFDD0 <= cp <= 0xFDEF
            and not 0xE0000 <= cp <= 0xE0FFF
        ):
            return ch
    return quote(ch, safe="")


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# what a URL keeps unencoded when it is no IRI as it is (brackets, non-ASCII, … are encoded)
_URL_SAFE = ":/?#@!$&'()*+,;=%~"
_TWO_PLACES = Decimal("0.01")


def _ns(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


_TYPE = _ns("rdf", "type")
_SUBJECT = _ns("rdf", "subject")
_PREDICATE = _ns("rdf", "predicate")
_OBJECT = _ns("rdf", "object")
_LABEL = _ns("rdfs", "label")
_ALT_LABEL = _ns("skos", "altLabel")
_SAME_AS = _ns("owl", "sameAs")
_IDENTIFIER = _ns("dcterms", "identifier")
_TITLE = _ns("dcterms", "title")
_DATE = _ns("dcterms", "date")
_SOURCE = _ns("dcterms", "source")
_XSD_DATE = _ns("xsd", "date")
_XSD_DECIMAL = _ns("xsd", "decimal")
_XSD_INTEGER = _ns("xsd", "integer")


# --------------------------------------------------------------------------- IRIs and literals


@cache
def kg_term(local: str) -> ox.NamedNode:
    """Return the IRI of a ``kg:`` term by local name.

    Raises:
        ValueError: For a name the ontology does not declare.

    """
    if local not in ontology().terms:
        raise ValueError(f"not a kg: term: {local!r}")
    return ox.NamedNode(KG_NS + local)


@lru_cache(maxsize=1 << 16)
def resource_iri(value: str) -> ox.NamedNode:
    """Return ``value`` as an IRI, percent-encoding the characters IRIs cannot contain.

    Raises:
        ValueError: If it is no absolute IRI even then.

    """
    encoded = _IRI_SUSPECT.sub(_encode_char, value)
    try:
        return ox.NamedNode(encoded)
    except ValueError as exc:
        raise ValueError(f"not an absolute IRI: {value!r}") from exc


@lru_cache(maxsize=1 << 16)
def document_iri(doc_id: str) -> ox.NamedNode:
    """Return the IRI of a document: ``kgr:doc/`` + the percent-encoded document id.

    Args:
        doc_id: Document identifier (file name or JSON Lines ``id``).

    Returns:
        For example ``https://w3id.org/newskg/id/doc/000_8de8a0582fcf7fc5.txt``.

    """
    return ox.NamedNode(KGR_NS + "doc/" + quote(doc_id, safe=""))


def _sha1(*parts: object) -> str:
    """Return the SHA-1 hex digest of the parts joined by a space."""
    return hashlib.sha1(" ".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def _value(term: ox.NamedNode | str) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def assertion_iri(
    subj: ox.NamedNode | str, prop: ox.NamedNode | str, obj: ox.NamedNode | str
) -> ox.NamedNode:
    """Return the IRI of the ``kg:Assertion`` of a triple, stable across runs.

    Args:
        subj: Subject IRI.
        prop: Predicate IRI.
        obj: Object IRI.

    Returns:
        ``kgr:assertion/`` + SHA-1 of the three IRIs (an :class:`pyoxigraph.NamedNode`).

    """
    return ox.NamedNode(KGR_NS + "assertion/" + _sha1(_value(subj), _value(prop), _value(obj)))


def evidence_iri(target: ox.NamedNode | str, evidence: Evidence) -> ox.NamedNode:
    """Return the IRI of one ``kg:Evidence`` of an assertion or event, stable across runs.

    Args:
        target: IRI of the assertion or event the evidence supports.
        evidence: The evidence.

    Returns:
        ``kgr:evidence/`` + SHA-1 of target, document, offsets and rule.

    """
    key = _sha1(_value(target), evidence.doc_id, evidence.start, evidence.end, evidence.rule)
    return ox.NamedNode(KGR_NS + "evidence/" + key)


def rounded(confidence: float) -> Decimal:
    """Return a confidence rounded to two places, as the exports state it (``0.85``)."""
    return Decimal(repr(float(confidence))).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)


def _decimal(value: float) -> ox.Literal:
    """Return a confidence as an ``xsd:decimal`` literal with two decimal places."""
    return ox.Literal(str(rounded(value)), datatype=_XSD_DECIMAL)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_XSD_INTEGER)


def _date(value: object) -> ox.Literal:
    """Return a date (``datetime.date`` or ISO string) as an ``xsd:date`` literal."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=_XSD_DATE)
    text = str(value)
    dt.date.fromisoformat(text)  # raises ValueError on anything but YYYY-MM-DD
    return ox.Literal(text, datatype=_XSD_DATE)


def source_iri(url: str) -> ox.NamedNode | None:
    """Return a document URL as an IRI, or ``None`` when it is none even percent-encoded.

    A URL without a scheme, or whose scheme is an export prefix (``kg:x`` would read as a
    prefixed name in JSON-LD), is left out.
    """
    match = _SCHEME.match(url)
    if not match or match.group(0)[:-1].lower() in PREFIXES:
        return None
    for candidate in (url, quote(url, safe=_URL_SAFE)):
        try:
            return resource_iri(candidate)
        except ValueError:
            continue
    return None


def _strings(value: object) -> list[str]:
    """Return the non-empty strings of a tuple/list/set attribute (or one string), sorted."""
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return sorted({v if isinstance(v, str) else str(v) for v in value if v is not None} - {""})


# --------------------------------------------------------------------------- statements

_Term = ox.NamedNode | ox.Literal
#: A statement as mapped: ``(subject, predicate, object)``. pyoxigraph ``Triple``/``Quad`` objects
#: are made only on the way to the serialiser (they cost more to build and to read than tuples).
_Stmt = tuple[ox.NamedNode, ox.NamedNode, _Term]


def _about(s: ox.NamedNode, pairs: Iterable[tuple[ox.NamedNode, _Term]]) -> list[_Stmt]:
    return [(s, p, o) for p, o in pairs]


def _document_triples(doc_id: str, doc: Document | None) -> list[_Stmt]:
    """Return the description of one document."""
    pairs: list[tuple[ox.NamedNode, _Term]] = [
        (_TYPE, kg_term("Document")),
        (_IDENTIFIER, ox.Literal(doc_id)),
    ]
    if doc is not None:
        if doc.title:
            pairs.append((_TITLE, ox.Literal(doc.title)))
        if doc.date is not None:
            pairs.append((_DATE, _date(doc.date)))
        if doc.url and (url := source_iri(doc.url)) is not None:
            pairs.append((_SOURCE, url))
    return _about(document_iri(doc_id), pairs)


def _entity_triples(node: str, data: Mapping[str, Any], docs: Iterable[str]) -> list[_Stmt]:
    """Return type, labels, links, titles and ``kg:mentionedIn`` (for ``docs``) of an entity."""
    cls = str(data.get("cls") or "Entity")
    pairs: list[tuple[ox.NamedNode, _Term]] = [(_TYPE, kg_term(cls)), (_TYPE, kg_term("Entity"))]
    label = data.get("label")
    if label:
        pairs.append((_LABEL, ox.Literal(str(label))))
    pairs += [(_ALT_LABEL, ox.Literal(a)) for a in _strings(data.get("alt_labels"))]
    pairs += [(_SAME_AS, resource_iri(s)) for s in _strings(data.get("same_as"))]
    pairs += [(kg_term("title"), ox.Literal(t)) for t in _strings(data.get("titles"))]
    pairs += [(kg_term("mentionedIn"), document_iri(d)) for d in sorted(set(docs))]
    return _about(resource_iri(node), pairs)


def distinct_evidence(
    target: ox.NamedNode, evidence: Iterable[Evidence]
) -> list[tuple[ox.NamedNode, Evidence]]:
    """Return the evidence of an assertion or event as written: one item per evidence IRI.

    Items with the same IRI (same document, offsets and rule) are one; the most confident is
    kept. Sorted by IRI.
    """
    merged: dict[str, tuple[ox.NamedNode, Evidence]] = {}
    for ev in sorted(evidence):
        iri = evidence_iri(target, ev)
        if iri.value not in merged or ev.confidence > merged[iri.value][1].confidence:
            merged[iri.value] = (iri, ev)
    return [merged[k] for k in sorted(merged)]


def _evidence_triples(
    target: ox.NamedNode, evidence: list[tuple[ox.NamedNode, Evidence]]
) -> list[_Stmt]:
    """Return ``target kg:evidence e`` and the description of every distinct evidence ``e``."""
    has_evidence = kg_term("evidence")
    out: list[_Stmt] = []
    for iri, ev in evidence:
        pairs: list[tuple[ox.NamedNode, _Term]] = [
            (_TYPE, kg_term("Evidence")),
            (kg_term("inDocument"), document_iri(ev.doc_id)),
            (kg_term("sentenceText"), ox.Literal(ev.sentence)),
            (kg_term("startOffset"), _integer(ev.start)),
            (kg_term("endOffset"), _integer(ev.end)),
            (kg_term("confidence"), _decimal(ev.confidence)),
        ]
        if ev.rule:
            pairs.append((kg_term("extractionRule"), ox.Literal(ev.rule)))
        out.append((target, has_evidence, iri))
        out += _about(iri, pairs)
    return out


def _event_triples(
    node: str, data: Mapping[str, Any], docs: Iterable[str], evidence: Iterable[Evidence]
) -> list[_Stmt]:
    """Return the description of an event node, with ``kg:mentionedIn`` and evidence as given."""
    iri = resource_iri(node)
    cls = str(data.get("cls") or "Event")
    pairs: list[tuple[ox.NamedNode, _Term]] = [(_TYPE, kg_term(cls)), (_TYPE, kg_term("Event"))]
    if data.get("label"):
        pairs.append((_LABEL, ox.Literal(str(data["label"]))))
    if data.get("trigger"):
        pairs.append((kg_term("trigger"), ox.Literal(str(data["trigger"]))))
    if data.get("date"):
        pairs.append((kg_term("date"), _date(data["date"])))
    pairs += [(kg_term("topic"), ox.Literal(t)) for t in _strings(data.get("topics"))]
    pairs += [(kg_term("mentionedIn"), document_iri(d)) for d in sorted(set(docs))]
    evidence = list(evidence)
    if (confidence := stated_confidence(data, evidence)) is not None:
        pairs.append((kg_term("confidence"), _decimal(confidence)))
    return _about(iri, pairs) + _evidence_triples(iri, distinct_evidence(iri, evidence))


def stated_confidence(data: Mapping[str, Any], evidence: Iterable[Evidence]) -> float | None:
    """Return the confidence an event or assertion states: its own, else its best evidence's."""
    confidence = data.get("confidence")
    if confidence is None:
        confidence = max((ev.confidence for ev in evidence), default=None)
    return confidence


def _relation_triples(
    subj: str, prop: ox.NamedNode, obj: str, evidence: list[Evidence], confidence: float | None
) -> list[_Stmt]:
    """Return a relation triple and, if it has evidence, its ``kg:Assertion`` with the support."""
    s, o = resource_iri(subj), resource_iri(obj)
    out: list[_Stmt] = [(s, prop, o)]
    if not evidence:
        return out
    a = assertion_iri(s, prop, o)
    distinct = distinct_evidence(a, evidence)
    pairs: list[tuple[ox.NamedNode, _Term]] = [
        (_TYPE, kg_term("Assertion")),
        (_SUBJECT, s),
        (_PREDICATE, prop),
        (_OBJECT, o),
        (kg_term("confidence"), _decimal(stated_confidence({"confidence": confidence}, evidence))),
        (kg_term("supportCount"), _integer(len(distinct))),
    ]
    return out + _about(a, pairs) + _evidence_triples(a, distinct)


def all_documents(G: nx.MultiDiGraph) -> dict[str, Document | None]:
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


def sorted_edges(G: nx.MultiDiGraph) -> list[tuple[str, str, str, Mapping[str, Any]]]:
    """Return the edges as ``(u, v, prop, data)`` sorted by ``(u, prop, v)``."""
    out = [
        (u, v, str(data.get("prop") or k), data) for u, v, k, data in G.edges(keys=True, data=True)
    ]
    return sorted(out, key=lambda e: (str(e[0]), e[2], str(e[1])))


def is_role(G: nx.MultiDiGraph, u: str, prop: str) -> bool:
    """Whether an edge is an event role (a plain triple; its provenance is the event's)."""
    return prop in ROLES and is_event_node(G.nodes[u])


def _graph_name(doc_id: str | None) -> ox.NamedNode | ox.DefaultGraph:
    """Return the named graph of a document id (``None``: the default graph)."""
    return ox.DefaultGraph() if doc_id is None else document_iri(doc_id)


def _event_docs(data: Mapping[str, Any]) -> list[str]:
    """Return the documents an event belongs to: those it is mentioned in or has evidence from."""
    docs = set(_strings(data.get("documents")))
    docs.update(ev.doc_id for ev in data.get("evidence") or ())
    return sorted(docs)


# predicates written first in a subject's block (Turtle), and classes written after the others
_FIRST = {t.value: i for i, t in enumerate((_TYPE, _LABEL, _SUBJECT, _PREDICATE, _OBJECT))}
_GENERAL = frozenset({KG_NS + "Entity", KG_NS + "Event"})


def _order(t: _Stmt) -> tuple[str, int, str, bool, str]:
    """Sort key of a statement: by subject; type, label and reification first; general types last.

    Every writer uses this one order (Turtle groups a subject's statements; N-Triples lines
    follow it too).
    """
    s, p, o = t
    pv = p.value
    return (s.value, _FIRST.get(pv, len(_FIRST)), pv, o.value in _GENERAL, str(o))


def _distinct(ordered: list[Any]) -> list[Any]:
    """Drop repeated neighbours of a sorted list (two node keys may encode to one IRI)."""
    return [t for i, t in enumerate(ordered) if i == 0 or t != ordered[i - 1]]


def _statements(G: nx.MultiDiGraph) -> list[_Stmt]:
    """The statements of ``graph.ttl``, sorted by :func:`_order`, without duplicates."""
    out: list[_Stmt] = []
    for doc_id, doc in all_documents(G).items():
        out += _document_triples(doc_id, doc)
    for node, data in G.nodes(data=True):
        if is_event_node(data):
            evidence = data.get("evidence") or ()
            out += _event_triples(node, data, _strings(data.get("documents")), evidence)
        else:
            out += _entity_triples(node, data, _strings(data.get("documents")))
    for u, v, prop, data in sorted_edges(G):
        if is_role(G, u, prop):
            out.append((resource_iri(u), kg_term(prop), resource_iri(v)))
        else:
            evidence = list(data.get("evidence") or ())
            out += _relation_triples(u, kg_term(prop), v, evidence, data.get("confidence"))
    return _distinct(sorted(out, key=_order))


_Quad = tuple[ox.NamedNode, ox.NamedNode, _Term, ox.NamedNode | ox.DefaultGraph]


def _quad_statements(G: nx.MultiDiGraph) -> list[_Quad]:
    """The statements of ``graph.trig``: default graph first, then by graph name and order."""
    keyed: list[tuple[tuple[Any, ...], _Quad]] = []

    def add(triples: Iterable[_Stmt], doc_id: str | None) -> None:
        graph = _graph_name(doc_id)
        name = "" if doc_id is None else graph.value
        keyed.extend(((doc_id is not None, name, *_order(t)), (*t, graph)) for t in triples)

    for doc_id, doc in all_documents(G).items():
        add(_document_triples(doc_id, doc), doc_id)
    for node, data in G.nodes(data=True):
        mentioned = set(_strings(data.get("documents")))
        if is_event_node(data):
            evidence = list(data.get("evidence") or ())
            for d in _event_docs(data) or [None]:
                docs = [d] if d in mentioned else []
                evs = [ev for ev in evidence if ev.doc_id == d]
                add(_event_triples(node, data, docs, evs), d)
        elif mentioned:
            for d in sorted(mentioned):
                add(_entity_triples(node, data, [d]), d)
        else:
            add(_entity_triples(node, data, []), None)
    for u, v, prop, data in sorted_edges(G):
        if is_role(G, u, prop):
            triple = (resource_iri(u), kg_term(prop), resource_iri(v))
            for d in _event_docs(G.nodes[u]) or [None]:
                add([triple], d)
            continue
        by_doc: dict[str, list[Evidence]] = defaultdict(list)
        for ev in data.get("evidence") or ():
            by_doc[ev.doc_id].append(ev)
        if not by_doc:
            add(_relation_triples(u, kg_term(prop), v, [], None), None)
        for d, evs in sorted(by_doc.items()):
            add(_relation_triples(u, kg_term(prop), v, evs, None), d)
    keyed.sort(key=lambda kq: kq[0])
    return _distinct([q for _, q in keyed])


def generate_triples(G: nx.MultiDiGraph) -> list[ox.Triple]:
    """Return the triples of the whole graph (the content of ``graph.ttl``), sorted.

    Assertions carry the total support: all their evidence over every document. The order is the
    one written: by subject, then ``rdf:type``, ``rdfs:label``, the reification properties and
    the other predicates by IRI.

    Args:
        G: The knowledge graph (schema in :mod:`kg.model`).

    Returns:
        Sorted, de-duplicated :class:`pyoxigraph.Triple` values.

    Raises:
        ValueError: On a class or property name that is not a ``kg:`` term, a node key that is no
            IRI, or a malformed date.

    """
    return [ox.Triple(*t) for t in _statements(G)]


def generate_quads(G: nx.MultiDiGraph) -> list[ox.Quad]:
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
        Sorted, de-duplicated quads: the default graph first, then by graph name.

    """
    return [ox.Quad(*q) for q in _quad_statements(G)]


def to_graph(G: nx.MultiDiGraph) -> Graph:
    """Return the whole graph as an rdflib :class:`~rdflib.Graph` (assertions with total support).

    For rdflib's tools (pySHACL, :mod:`rdflib.compare`); the export prefixes are bound.
    """
    from kg.rdf import to_rdflib

    return to_rdflib(generate_triples(G))


def to_dataset(G: nx.MultiDiGraph) -> Dataset:
    """Return the graph as an rdflib :class:`~rdflib.Dataset` with one named graph per document.

    Args:
        G: The knowledge graph.

    Returns:
        A dataset whose named graphs are named by :func:`document_iri` (see :func:`generate_quads`).

    """
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(data=rdfio.serialize(generate_quads(G), ox.RdfFormat.N_QUADS), format="nquads")
    return ds


# --------------------------------------------------------------------------- JSON-LD context


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
    for name in sorted(ontology().terms):
        if name[0].isupper():
            ctx[name] = f"kg:{name}"
        elif name in _OBJECT_PROPERTIES:
            ctx[name] = {"@id": f"kg:{name}", "@type": "@id"}
        elif _DATATYPE_PROPERTIES.get(name):
            ctx[name] = {"@id": f"kg:{name}", "@type": _DATATYPE_PROPERTIES[name]}
        else:
            ctx[name] = f"kg:{name}"
    return ctx


# --------------------------------------------------------------------------- writing

_GENERAL_JSON = frozenset({"Entity", "Event"})
_Writer = Callable[[IO[bytes]], object]


def _triples(statements: list[_Stmt]) -> Iterator[ox.Triple]:
    return (ox.Triple(*t) for t in statements)


def _quads(statements: list[_Quad]) -> Iterator[ox.Quad]:
    return (ox.Quad(*q) for q in statements)


def _writers(G: nx.MultiDiGraph, release: bool = False) -> dict[str, _Writer]:
    """Return a function writing each RDF export file, by name (statements mapped once, lazily).

    With ``release``, the triples are dropped once ``graph.jsonld`` is written (the files are
    written in :data:`RDF_FILES` order), so that they and the quads are never held together.

    The mapping is checked (unknown terms, bad IRIs, bad dates raise) before anything is written,
    since :func:`write_rdf` calls every writer before it replaces a file.
    """
    triples = cache(lambda: _statements(G))
    quads = cache(lambda: _quad_statements(G))

    def jsonld(fh: IO[bytes]) -> None:
        rdfio.serialize_jsonld(triples(), jsonld_context(), fh, last_types=_GENERAL_JSON)
        if release:
            triples.cache_clear()  # the last file of the triples: free them before the quads

    return {
        "graph.ttl": lambda fh: rdfio.serialize(_triples(triples()), ox.RdfFormat.TURTLE, fh),
        "graph.nt": lambda fh: rdfio.serialize(_triples(triples()), ox.RdfFormat.N_TRIPLES, fh),
        "graph.jsonld": jsonld,
        "graph.trig": lambda fh: rdfio.serialize(_quads(quads()), ox.RdfFormat.TRIG, fh),
    }


def _text(write: _Writer) -> str:
    """Return what a writer writes, as text."""
    buffer = io.BytesIO()
    write(buffer)
    return buffer.getvalue().decode("utf-8")


def serialize_turtle(G: nx.MultiDiGraph) -> str:
    """Return ``graph.ttl``: the whole graph as Turtle, by subject.

    Resources under ``kgr:`` are written relative to ``@base <https://w3id.org/newskg/id/>``.
    """
    return _text(_writers(G)["graph.ttl"])


def serialize_ntriples(G: nx.MultiDiGraph) -> str:
    """Return ``graph.nt``: the whole graph as canonical N-Triples, by subject."""
    return _text(_writers(G)["graph.nt"])


def serialize_trig(G: nx.MultiDiGraph) -> str:
    """Return ``graph.trig``: one named graph per document (see :func:`generate_quads`)."""
    return _text(_writers(G)["graph.trig"])


def serialize_jsonld(G: nx.MultiDiGraph) -> str:
    """Return ``graph.jsonld``: the whole graph as JSON-LD with a readable ``@context``.

    Nodes are sorted by ``@id``, keys and values sorted, IRIs compacted with the export prefixes
    (``"kgr:country/…"``, ``"wd:Q142"``), ``kg:`` terms written by local name.
    """
    return _text(_writers(G)["graph.jsonld"])


def generate_rdf(G: nx.MultiDiGraph) -> dict[str, str]:
    """Return the text of every RDF export file, keyed by file name (see :data:`RDF_FILES`).

    For small graphs and tests; :func:`write_rdf` streams to the files instead.
    """
    return {name: _text(write) for name, write in _writers(G).items()}


def write_rdf(G: nx.MultiDiGraph, out_dir: Path) -> list[Path]:
    """Write ``graph.ttl``, ``graph.nt``, ``graph.jsonld`` and ``graph.trig`` into ``out_dir``.

    Each file is written to a temporary file first; only when all four are complete do they
    replace the previous files, so a failure leaves the previous files intact.

    Args:
        G: The knowledge graph.
        out_dir: Output folder (created if needed).

    Returns:
        The paths written, in :data:`RDF_FILES` order.

    """
    writers = _writers(G, release=True)
    return atomic_write_files({Path(out_dir) / name: writers[name] for name in RDF_FILES})
