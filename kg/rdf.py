"""RDF files in and out, on pyoxigraph: formats, which export file is read, parsing, writing.

Every part of kg that reads or writes RDF goes through this module:

* **formats**: one extension map, :func:`rdf_format` (``pyoxigraph.RdfFormat.from_extension``);
* **which file**: :func:`export_file` — a file is read as it is; in an export folder the first
  of :data:`EXPORT_FILES` that exists: the whole graph as triples (``graph.nt`` first, it parses
  fastest), else ``graph.trig`` (its named graphs merged). :data:`DATASET_FILE` (``graph.trig``)
  keeps one named graph per document, for ``GRAPH`` queries;
* **reading**: :func:`read_quads` (a streaming parser), :func:`open_store` (an in-memory
  :class:`pyoxigraph.Store` for SPARQL) and :func:`to_rdflib` (an rdflib graph, where rdflib is
  the better tool: SHACL validation, graph isomorphism);
* **writing**: :func:`serialize` (N-Triples, N-Quads, Turtle, TriG, RDF/XML through pyoxigraph's
  serialisers, which escape every string by the format's rules), :func:`serialize_jsonld`
  (compact JSON-LD under a given ``@context``, written by :mod:`json`) and
  :func:`serialize_results` (SPARQL query results).

Writers keep the order they are given, so sorted input gives byte-identical files. Turtle and TriG
declare ``@base <https://w3id.org/newskg/id/>`` and the prefixes of :data:`kg.vocab.PREFIXES`,
and write graph resources relative to the base (``<country/kazakhstan>``).

Example:
    >>> from kg.rdf import open_store
    >>> store = open_store("exports/")              # doctest: +SKIP
    >>> len(store)                                  # doctest: +SKIP

"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.vocab import KGR_NS, PREFIXES

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "DATASET_FILE",
    "EXPORT_FILES",
    "RESULTS_FORMATS",
    "RdfError",
    "export_file",
    "open_store",
    "rdf_format",
    "rdflib_term",
    "load_into",
    "read_quads",
    "serialize",
    "serialize_jsonld",
    "serialize_results",
    "to_rdflib",
]

#: The files of an export folder that hold the whole graph, in the order :func:`export_file` looks:
#: triples first (N-Triples parse fastest), then the union of ``graph.trig``'s named graphs.
EXPORT_FILES: tuple[str, ...] = ("graph.nt", "graph.ttl", "graph.jsonld", "graph.trig")
#: The file of an export folder with one named graph per document.
DATASET_FILE = "graph.trig"
#: SPARQL query results formats by name (:func:`serialize_results`).
RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_XSD_STRING = PREFIXES["xsd"] + "string"
_XSD_INTEGER = PREFIXES["xsd"] + "integer"
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
# prefixes of Turtle and TriG: graph resources are written relative to @base instead of kgr:
_TTL_PREFIXES = {p: ns for p, ns in PREFIXES.items() if ns != KGR_NS}
_WITH_BASE = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3)
_WITH_PREFIXES = (*_WITH_BASE, ox.RdfFormat.RDF_XML)


class RdfError(ValueError):
    """An RDF file cannot be read: unknown format or invalid content (the message says which)."""


# --------------------------------------------------------------------------- formats and files


def rdf_format(path: str | os.PathLike[str]) -> ox.RdfFormat:
    """Return the RDF format of a file from its extension (``.ttl``, ``.nt``, ``.trig`` …).

    Raises:
        RdfError: If the extension names no RDF format pyoxigraph reads.

    """
    suffix = Path(path).suffix
    fmt = ox.RdfFormat.from_extension(suffix[1:].lower()) if suffix else None
    if fmt is None:
        raise RdfError(
            f"{path}: unknown RDF format {suffix!r} "
            "(expected .ttl, .nt, .trig, .nq, .jsonld, .rdf, .n3)"
        )
    return fmt


def export_file(path: str | os.PathLike[str]) -> Path:
    """Return the RDF file to read for ``path``: the file itself, or the export of a folder.

    In a folder, the first of :data:`EXPORT_FILES` that exists is read.

    Raises:
        FileNotFoundError: If there is no such file, or the folder holds no export.

    """
    p = Path(path)
    if p.is_dir():
        for name in EXPORT_FILES:
            if (p / name).is_file():
                return p / name
        raise FileNotFoundError(f"no graph export ({', '.join(EXPORT_FILES)}) in {p}")
    if not p.is_file():
        raise FileNotFoundError(f"no such file or folder: {p}")
    return p


def _message(exc: BaseException) -> str:
    """The first line of a parser's error message."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def read_quads(path: str | os.PathLike[str], *, lenient: bool = False) -> Iterator[ox.Quad]:
    """Parse an RDF file (or the export of a folder) as a stream of quads.

    Triple formats give quads in the default graph; named graphs of TriG and N-Quads are kept.

    Args:
        path: An RDF file (format from its extension) or an export folder (:func:`export_file`).
        lenient: Skip IRI validation (faster; for files kg wrote itself).

    Raises:
        FileNotFoundError: If there is no such file or export.
        RdfError: If the format is unknown or the content is not valid (raised while iterating).

    """
    file = export_file(path)
    fmt = rdf_format(file)
    try:
        yield from ox.parse(path=file, format=fmt, lenient=lenient)
    except (SyntaxError, ValueError) as exc:
        raise RdfError(f"{file}: not valid {fmt.name}: {_message(exc)}") from exc


def load_into(store: ox.Store, file: str | os.PathLike[str], *, fold: bool = False) -> None:
    """Load one RDF file into a store; with ``fold``, its quads also go to the default graph.

    Raises:
        RdfError: If the format is unknown or the content is not valid.
    """
    file = Path(file)
    fmt = rdf_format(file)
    try:
        store.bulk_load(path=file, format=fmt)
        if fold and fmt.supports_datasets:
            store.bulk_extend(
                ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                for q in ox.parse(path=file, format=fmt)
            )
    except (SyntaxError, ValueError) as exc:
        raise RdfError(f"{file}: not valid {fmt.name}: {_message(exc)}") from exc


def open_store(path: str | os.PathLike[str]) -> ox.Store:
    """Load an export folder, or one RDF file, into an in-memory store for SPARQL.

    The default graph holds the whole graph (:func:`export_file`: ``graph.nt``, ``graph.ttl`` or
    ``graph.jsonld``; else the union of ``graph.trig``), so a triple stated in several documents
    is answered once; the named graphs of :data:`DATASET_FILE` (one per document) are kept for
    ``GRAPH ?g { … }`` queries. A lone TriG or N-Quads file gives its named graphs and their
    union as the default graph.

    Raises:
        FileNotFoundError: If there is no such file or export.
        RdfError: If the format is unknown or the content is not valid.

    """
    file = export_file(path)
    store = ox.Store()
    load_into(store, file, fold=True)
    dataset = Path(path) / DATASET_FILE
    if Path(path).is_dir() and dataset.is_file() and dataset != file:
        load_into(store, dataset)
    return store


def rdflib_term(term: Any) -> rdflib.term.Node:
    """Convert a pyoxigraph term to rdflib (``xsd:string`` literals become plain literals)."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))
    raise RdfError(f"unsupported RDF term {term!r}")


def to_rdflib(source: str | os.PathLike[str] | Iterable[ox.Quad | ox.Triple]) -> rdflib.Graph:
    """Return an RDF file, an export folder or some quads as one rdflib graph (named graphs merged).

    Parsing is pyoxigraph's; use it where rdflib is the better tool (SHACL with pySHACL,
    isomorphism with :mod:`rdflib.compare`, the scorer's graph walks).

    Raises:
        FileNotFoundError: If there is no such file or export.
        RdfError: If the format is unknown or the content is not valid.

    """
    import rdflib

    quads = read_quads(source) if isinstance(source, (str, os.PathLike)) else source
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    cache: dict[Any, rdflib.term.Node] = {}

    def term(t: Any) -> rdflib.term.Node:
        if (node := cache.get(t)) is None:
            node = cache[t] = rdflib_term(t)
        return node

    add = graph.add
    for q in quads:
        add((term(q.subject), term(q.predicate), term(q.object)))
    return graph


# --------------------------------------------------------------------------- writing


def _header() -> bytes:
    """The ``@base`` and ``@prefix`` lines of kg's Turtle and TriG files (absolute IRIs)."""
    lines = [f"@base <{KGR_NS}> ."]
    lines += [f"@prefix {prefix}: <{ns}> ." for prefix, ns in _TTL_PREFIXES.items()]
    return ("\n".join(lines) + "\n").encode("utf-8")


class _AbsoluteHeader(io.RawIOBase):
    """Forward a Turtle/TriG stream, replacing its leading ``@base``/``@prefix`` lines.

    Given a base IRI, pyoxigraph also writes the prefix IRIs relative to it
    (``@prefix kg: </newskg/ontology#>``): valid Turtle, but a trap for anyone who copies the
    prefix into a SPARQL query. The header is replaced by :func:`_header`; the body passes on.
    """

    def __init__(self, out: IO[bytes]) -> None:
        super().__init__()
        self._out = out
        self._pending: bytearray | None = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        if self._pending is None:
            self._out.write(data)
            return len(data)
        self._pending += data
        if (start := self._body_start(final=False)) is not None:
            self._emit(start)
        return len(data)

    def _body_start(self, *, final: bool) -> int | None:
        """Offset of the first line after the ``@base``/``@prefix`` lines (``None``: not yet)."""
        assert self._pending is not None
        start = 0
        while start < len(self._pending):
            if not self._pending.startswith((b"@base ", b"@prefix "), start):
                return start
            end = self._pending.find(b"\n", start)
            if end < 0:
                break
            start = end + 1
        return len(self._pending) if final else None

    def _emit(self, body_start: int) -> None:
        assert self._pending is not None
        self._out.write(_header() + bytes(self._pending[body_start:]))
        self._pending = None

    def finish(self) -> None:
        """Write what is still held back (just the header for an empty graph)."""
        if self._pending is not None:
            self._emit(self._body_start(final=True) or 0)


def serialize(
    statements: Iterable[ox.Triple | ox.Quad],
    fmt: ox.RdfFormat,
    output: IO[bytes] | None = None,
) -> bytes | None:
    """Write triples or quads in an RDF format through pyoxigraph's serialiser, in the given order.

    Turtle, TriG and N3 get ``@base <https://w3id.org/newskg/id/>`` and the prefixes of
    :data:`kg.vocab.PREFIXES` (with absolute IRIs); N-Triples and N-Quads are canonical
    (one statement a line, full IRIs). Strings are escaped by the format's rules, so any text
    (line and paragraph separators, control characters, astral characters) stays inside its
    literal. Pass sorted statements for byte-identical files.

    Args:
        statements: The triples (triple formats) or quads (TriG, N-Quads).
        fmt: The format.
        output: A binary file to write to; ``None`` returns the bytes.

    Returns:
        The serialisation when ``output`` is ``None``, else ``None``.

    """
    if output is None:
        buffer = io.BytesIO()
        serialize(statements, fmt, buffer)
        return buffer.getvalue()
    prefixes = _TTL_PREFIXES if fmt in _WITH_PREFIXES else None
    if fmt not in _WITH_BASE:
        ox.serialize(statements, output, fmt, prefixes=prefixes)
        return None
    wrapper = _AbsoluteHeader(output)
    ox.serialize(statements, wrapper, fmt, prefixes=prefixes, base_iri=KGR_NS)
    wrapper.finish()
    return None


def serialize_results(
    results: ox.QuerySolutions | ox.QueryBoolean, fmt: str, output: IO[bytes] | None = None
) -> bytes | None:
    """Write SPARQL ``SELECT``/``ASK`` results (from ``Store.query``) through pyoxigraph.

    Args:
        results: The solutions or boolean of a query (consumed).
        fmt: A key of :data:`RESULTS_FORMATS` (``json``, ``xml``, ``csv``, ``tsv``).
        output: A binary file to write to; ``None`` returns the bytes.

    Raises:
        RdfError: For an unknown format name.

    """
    if fmt not in RESULTS_FORMATS:
        raise RdfError(
            f"unknown results format {fmt!r}; expected one of {', '.join(RESULTS_FORMATS)}"
        )
    return results.serialize(output, RESULTS_FORMATS[fmt])


# --------------------------------------------------------------------------- JSON-LD


class _Compactor:
    """The terms, prefixes and coercions of a JSON-LD context, for compacting values."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        # a simple term whose IRI ends with "/" or "#" can serve as a prefix (JSON-LD 1.1)
        self.prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v[-1] in "/#"}
        self.terms: dict[str, tuple[str, Any]] = {}
        for name, definition in context.items():
            if name in self.prefixes:
                continue
            compact = definition if isinstance(definition, str) else definition["@id"]
            prefix, local = compact.split(":", 1)
            self.terms[self.prefixes[prefix] + local] = (name, definition)
        self._iris: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        """Return ``prefix:rest`` for an IRI under a prefix (longest wins), else the IRI."""
        if (compact := self._iris.get(iri)) is None:
            compact, best = iri, ""
            for prefix, ns in self.prefixes.items():
                rest = iri[len(ns) :]
                if len(ns) > len(best) and iri.startswith(ns) and rest and rest[:2] != "//":
                    compact, best = f"{prefix}:{rest}", ns
            self._iris[iri] = compact
        return compact

    def vocab(self, iri: str) -> str:
        return self.terms[iri][0] if iri in self.terms else self.iri(iri)

    def value(self, o: Any, definition: Any) -> Any:
        """The JSON-LD value of an object under a term definition (``None``: no term)."""
        coerce = definition.get("@type") if isinstance(definition, dict) else None
        if isinstance(o, ox.NamedNode):
            if coerce == "@vocab":
                return self.vocab(o.value)
            return self.iri(o.value) if coerce == "@id" else {"@id": self.iri(o.value)}
        if isinstance(o, ox.BlankNode):
            return {"@id": f"_:{o.value}"}
        lex = o.value
        if o.language:
            return {"@value": lex, "@language": o.language}
        datatype = o.datatype.value
        plain = datatype == _XSD_STRING
        if coerce not in (None, "@id", "@vocab") and not plain and self.iri(datatype) == coerce:
            return lex
        if coerce is None and plain:
            return lex
        if coerce is None and datatype == _XSD_INTEGER and _INTEGER.match(lex):
            return int(lex)
        if plain:
            return {"@value": lex}
        return {"@value": lex, "@type": self.iri(datatype)}


def serialize_jsonld(
    triples: Iterable[ox.Triple | tuple[Any, Any, Any]],
    context: Mapping[str, Any],
    output: IO[bytes] | None = None,
    *,
    last_types: frozenset[str] = frozenset(),
) -> bytes | None:
    """Write triples as compact JSON-LD: a ``@graph`` of node objects under ``context``.

    The context maps prefixes to namespaces and terms to IRIs, optionally with ``@type``
    coercion (``@id``, ``@vocab`` or a datatype) and ``@container: @set``. Node objects keep the
    order of their subjects' first triples, one node a line; their keys and values are sorted.
    :mod:`json` writes the text (every string escaped by JSON's rules).

    Args:
        triples: The triples (``Triple`` objects or ``(subject, predicate, object)`` tuples).
        context: The ``@context`` (prefixes and term definitions).
        output: A binary file to write to; ``None`` returns the bytes.
        last_types: Types written after the others in ``@type`` (e.g. ``Entity``).

    """
    if output is None:
        buffer = io.BytesIO()
        serialize_jsonld(triples, context, buffer, last_types=last_types)
        return buffer.getvalue()
    c = _Compactor(context)
    by_subject: dict[Any, dict[str, list[Any]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p.value, []).append(o)
    rdf_type = PREFIXES["rdf"] + "type"
    head = json.dumps({"@context": dict(context)}, indent=2, ensure_ascii=False)
    output.write(head[: head.rindex("}")].rstrip().encode("utf-8") + b',\n  "@graph": [')
    for i, (s, preds) in enumerate(by_subject.items()):
        node: dict[str, Any] = {
            "@id": c.iri(s.value) if isinstance(s, ox.NamedNode) else f"_:{s.value}"
        }
        types = sorted(
            (c.vocab(t.value) for t in preds.pop(rdf_type, [])),
            key=lambda name: (name in last_types, name),
        )
        if types:
            node["@type"] = types[0] if len(types) == 1 else types
        props: dict[str, Any] = {}
        for p, objs in preds.items():
            name, definition = c.terms.get(p, (c.iri(p), None))
            values = [c.value(o, definition) for o in objs]
            if len(values) > 1:
                values.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
            is_set = isinstance(definition, dict) and definition.get("@container") == "@set"
            props[name] = values if is_set or len(values) > 1 else values[0]
        node.update(sorted(props.items()))
        line = json.dumps(node, ensure_ascii=False)
        output.write((("," if i else "") + "\n    " + line).encode("utf-8"))
    output.write(b"\n  ]\n}\n")
    return None
