"""Run one read-only SPARQL query on a pyoxigraph store and write its result in a negotiated format.

Shared by ``kg query`` (in process) and the endpoint's worker processes, so it imports nothing but
pyoxigraph. Result formats are pyoxigraph's: SELECT/ASK results are written by
``QuerySolutions.serialize`` (SPARQL JSON, XML, CSV, TSV), CONSTRUCT/DESCRIBE results by
``pyoxigraph.serialize`` (Turtle, N-Triples, RDF/XML, JSON-LD) or as a subject/predicate/object
table (CSV, TSV). A result is counted while it is read and refused past ``max_rows``: never
cut silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

#: A result format: SPARQL results (SELECT/ASK) or RDF (CONSTRUCT/DESCRIBE).
Format = ox.QueryResultsFormat | ox.RdfFormat

#: Formats offered for SELECT/ASK results, the first is the default.
SOLUTION_FORMATS: tuple[ox.QueryResultsFormat, ...] = (
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
)
#: Formats offered for CONSTRUCT/DESCRIBE results, the first is the default.
GRAPH_FORMATS: tuple[Format, ...] = (
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.RDF_XML,
    ox.RdfFormat.JSON_LD,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
)
# Short names accepted by ``format=`` / ``--format`` besides media types and file extensions.
_ALIASES: dict[str, str] = {
    "turtle": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "rdfxml": "rdf",
    "rdf+xml": "rdf",
    "json-ld": "jsonld",
    "n3": "ttl",  # Turtle is N3
    "text/n3": "ttl",
    "text/rdf+n3": "ttl",
}
_GRAPH_COLUMNS = ("subject", "predicate", "object")
_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
# Strings, IRIs and comments are blanked out before looking for keywords.
_LEXICAL = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:.-])", re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[\w.-]*:\s*|BASE\s+)\s*)", re.IGNORECASE)


class QueryError(Exception):
    """A query could not be loaded, parsed or run; the message says why.

    Attributes:
        status: The HTTP status the endpoint answers with.

    """

    status = 500


class QuerySyntaxError(QueryError):
    """The request is malformed: the SPARQL parser's message, or a bad parameter."""

    status = 400


class ReadOnlyError(QueryError):
    """The request would modify data or reach the network: refused."""

    status = 403


class NotAcceptable(QueryError):
    """No offered format fits the one requested."""

    status = 406


class ResultLimitError(QueryError):
    """The result has more rows (or triples) than allowed."""

    status = 413


class QueryTimeout(QueryError):
    """The query did not finish within the time limit (it was stopped)."""

    status = 503


class QueryBusyError(QueryError):
    """Too many queries are running or waiting."""

    status = 503


class QueryMemoryError(QueryError):
    """The query needed more memory than allowed (it was stopped)."""

    status = 503


@dataclass(frozen=True)
class QueryResult:
    """The result of a query.

    Attributes:
        kind: ``"select"``, ``"ask"`` or ``"graph"`` (``CONSTRUCT`` / ``DESCRIBE``).
        variables: Projected variable names (``select``).
        bindings: One tuple of pyoxigraph terms (``None`` when unbound) per solution (``select``).
        boolean: The answer (``ask``).
        triples: The triples (``graph``).

    """

    kind: str
    variables: tuple[str, ...] = ()
    bindings: tuple[tuple[Any, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = field(default=())

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """Solutions (or sorted subject/predicate/object triples) as python values."""
        from kg.query.sparql import to_python

        return [tuple(to_python(t) for t in row) for row in self.table()[1]]

    @property
    def size(self) -> int:
        """Number of solutions (``select``) or triples (``graph``); 0 for ``ask``."""
        return len(self.triples) if self.kind == "graph" else len(self.bindings)

    def table(self) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        """Column names and rows of terms; a graph as sorted subject/predicate/object rows."""
        if self.kind == "graph":
            triples = sorted(self.triples, key=str)
            return _GRAPH_COLUMNS, [(t.subject, t.predicate, t.object) for t in triples]
        return self.variables, list(self.bindings)


# --------------------------------------------------------------------------- checking


def blank_lexical(sparql: str) -> str:
    """Replace strings, IRIs and comments by spaces so keywords can be searched for."""
    return _LEXICAL.sub(lambda m: " " * len(m.group(0)), sparql)


def is_update(sparql: str) -> bool:
    """Tell whether ``sparql`` is a SPARQL Update request (first keyword after the prologue)."""
    body = blank_lexical(sparql)
    while match := _PROLOGUE.match(body):
        body = body[match.end() :]
    word = re.match(r"\s*([A-Za-z]+)", body)
    return bool(word) and word.group(1).upper() in _UPDATE_KEYWORDS


def uses_service(sparql: str) -> bool:
    """Tell whether ``sparql`` contains a federated ``SERVICE`` clause."""
    return bool(_SERVICE.search(blank_lexical(sparql)))


def check_read_only(sparql: str) -> None:
    """Refuse SPARQL Update and ``SERVICE`` clauses (which would reach the network).

    Raises:
        ReadOnlyError: With a message saying what was refused.

    """
    if is_update(sparql):
        raise ReadOnlyError("SPARQL Update is not allowed: the graph is read-only")
    if uses_service(sparql):
        raise ReadOnlyError("federated queries (SERVICE) are disabled")


# --------------------------------------------------------------------------- running


def _graphs(iris: Sequence[str], what: str) -> list[ox.NamedNode]:
    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as exc:
        raise QuerySyntaxError(f"invalid {what} IRI: {exc}") from exc


def _parser_message(exc: SyntaxError, limit: int = 400) -> str:
    """Return the parser's message, cut after ``limit`` characters (its token lists can be huge)."""
    message = str(exc)
    return message if len(message) <= limit else message[:limit].rstrip() + " …"


def evaluate(
    store: ox.Store,
    sparql: str,
    *,
    prefixes: Mapping[str, str] | None = None,
    max_rows: int | None = None,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> QueryResult:
    """Run a read-only query and read its whole result (at most ``max_rows`` rows).

    Args:
        store: The store to query.
        sparql: The query text.
        prefixes: Prefixes declared before the query's own (``kg:``, ``rdfs:`` …).
        max_rows: Largest number of solutions (or triples) accepted.
        default_graphs: IRIs of graphs forming the default graph (``default-graph-uri``); without
            them the default graph is the store's (the distinct triples of the graph).
        named_graphs: IRIs of the graphs visible to ``GRAPH`` (``named-graph-uri``).

    Raises:
        ReadOnlyError: For SPARQL Update or ``SERVICE``.
        QuerySyntaxError: With the parser's message, or for an invalid graph IRI.
        ResultLimitError: If the result exceeds ``max_rows``.
        QueryError: For any other evaluation error.

    """
    check_read_only(sparql)
    options: dict[str, Any] = {"prefixes": dict(prefixes or {})}
    if default_graphs:
        options["default_graph"] = _graphs(default_graphs, "default-graph-uri")
    if named_graphs:
        options["named_graphs"] = _graphs(named_graphs, "named-graph-uri")
    try:
        raw = store.query(sparql, **options)
    except SyntaxError as exc:
        raise QuerySyntaxError(_parser_message(exc)) from exc
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise QueryError(str(exc)) from exc
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(raw))
    items: list[Any] = []
    try:
        for item in raw:
            if max_rows is not None and len(items) >= max_rows:
                raise ResultLimitError(f"result exceeds {max_rows} rows; add a LIMIT to the query")
            items.append(item)
    except (OSError, RuntimeError) as exc:
        raise QueryError(str(exc)) from exc
    if isinstance(raw, ox.QueryTriples):
        return QueryResult(kind="graph", triples=tuple(items))
    variables = tuple(v.value for v in raw.variables)
    return QueryResult(kind="select", variables=variables, bindings=tuple(tuple(s) for s in items))


# --------------------------------------------------------------------------- formats


def find_format(name: str, kind: str) -> Format | None:
    """Return the offered format named ``name`` (media type, extension or alias) for ``kind``."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    offered = GRAPH_FORMATS if kind == "graph" else SOLUTION_FORMATS
    readers = [ox.QueryResultsFormat.from_media_type, ox.QueryResultsFormat.from_extension]
    if kind == "graph":
        readers = [ox.RdfFormat.from_media_type, ox.RdfFormat.from_extension, *readers]
    for read in readers:
        fmt = read(key)
        if fmt is not None:
            return fmt if fmt in offered else None
    return None


def parse_accept(header: str | None) -> list[str]:
    """Return the media types of an ``Accept`` header, best first (stable for equal ``q``)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        media, *params = (f.strip() for f in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, index, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(kind: str, accept: str | None = None, requested: Sequence[str] = ()) -> Format:
    """Pick the format of a result: the first recognised ``requested`` name, else ``Accept``.

    Args:
        kind: ``"select"``, ``"ask"`` or ``"graph"``.
        accept: The ``Accept`` header.
        requested: ``format``/``output`` parameter values (names, extensions or media types).

    Raises:
        NotAcceptable: If formats were requested by name and none fits this kind of result.

    """
    offered = GRAPH_FORMATS if kind == "graph" else SOLUTION_FORMATS
    names = [r for r in requested if r and r.strip()]
    for name in names:
        if fmt := find_format(name, kind):
            return fmt
    if names:
        wanted = "CONSTRUCT/DESCRIBE" if kind == "graph" else "SELECT/ASK"
        shown = ", ".join(f.file_extension for f in offered)
        raise NotAcceptable(f"format {names[0]!r} is not available for {wanted} results: {shown}")
    for media in parse_accept(accept):
        if media == "*/*":
            break
        if media.endswith("/*"):
            family = [f for f in offered if f.media_type.startswith(media[:-1])]
            if family:
                return family[0]
        elif fmt := find_format(media, kind):
            return fmt
    return offered[0]


def _tsv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """SPARQL TSV of rows of terms (terms in N-Triples syntax, as ``str`` gives them)."""
    lines = ["\t".join(f"?{c}" for c in columns)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def serialize(result: QueryResult, fmt: Format, prefixes: Mapping[str, str] | None = None) -> bytes:
    """Write a result in ``fmt`` with pyoxigraph's writers.

    The rows read by :func:`evaluate` are handed to ``QuerySolutions.serialize`` through
    pyoxigraph's own TSV reader (the lossless form of SPARQL results).

    Args:
        result: The result.
        fmt: A format of :data:`SOLUTION_FORMATS` or :data:`GRAPH_FORMATS` fitting the result.
        prefixes: Prefixes for Turtle and RDF/XML output (only those used are written).

    Raises:
        NotAcceptable: If the format does not fit the kind of result.

    """
    if isinstance(fmt, ox.RdfFormat):
        if result.kind != "graph":
            raise NotAcceptable(f"format {fmt.name} is only for CONSTRUCT and DESCRIBE results")
        triples = sorted(result.triples, key=str)
        used = None
        if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
            used = _used_prefixes(triples, prefixes or {})
        return ox.serialize(triples, format=fmt, prefixes=used) or b""
    if result.kind == "ask":
        text = b"true" if result.boolean else b"false"
    else:
        text = _tsv(*result.table())
    if fmt == ox.QueryResultsFormat.TSV:
        return text
    parsed = ox.parse_query_results(text, format=ox.QueryResultsFormat.TSV)
    return parsed.serialize(format=fmt) or b""


def _used_prefixes(triples: Sequence[ox.Triple], prefixes: Mapping[str, str]) -> dict[str, str]:
    """Return the prefixes that shorten some IRI of ``triples`` (datatypes included)."""
    iris: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in sorted(prefixes.items()) if any(i.startswith(ns) for i in iris)}
