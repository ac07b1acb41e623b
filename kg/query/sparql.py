"""Read-only SPARQL over the exported graph: load a store, run and format queries, named queries.

The exported graph (``graph.trig``, ``graph.ttl``, ``graph.nt`` or ``graph.jsonld``) is loaded into
an in-memory :class:`pyoxigraph.Store`. Queries always see the union of the default graph and every
named graph (``graph.trig`` holds one named graph per document), so the same query works on every
export format. Only SPARQL 1.1 *queries* are accepted: updates and federated ``SERVICE`` calls are
refused (the latter would make the query engine fetch from the network).

Named queries are the ``.rq`` files of ``ontology/queries`` (in a source checkout) or of the copy
shipped as package data in ``kg/data/queries``. Each starts with ``# title: ...`` and
``# description: ...`` comment lines.

Time limits: pyoxigraph cannot cancel a running query. :func:`run_query` runs it in a worker thread
and stops *waiting* after the limit; the worker stops at the next solution it produces, but a query
that computes for a long time before producing one (``ORDER BY``, aggregates, a join that matches
nothing) keeps one CPU busy until it finishes. Use ``slots`` to cap how many can run at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import re
import shutil
import sys
import threading
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.vocab import PREFIXES

RDF_NS = PREFIXES["rdf"]
XSD_NS = PREFIXES["xsd"]

#: Graph file formats by file extension.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".trig": ox.RdfFormat.TRIG,
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".n3": ox.RdfFormat.N3,
}
#: Files looked for, in order, when a folder of exports is given.
EXPORT_FILES: tuple[str, ...] = ("graph.trig", "graph.ttl", "graph.nt", "graph.jsonld")

#: Canonical named queries (source checkout) and the copy shipped as package data.
#: The named queries, packaged with the ontology (``ontology/queries``).
QUERIES_DIR = Path(str(resources.files("kg") / "ontology" / "queries"))

#: Output formats of :func:`format_result`.
FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "xml", "turtle", "nt")

_UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_INT_TYPES = frozenset(
    XSD_NS + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte",
    )
)  # fmt: skip
_XSD_STRING = XSD_NS + "string"
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
    """A query could not be loaded, parsed or run; the message says why."""


class QuerySyntaxError(QueryError):
    """The SPARQL parser rejected the query (the message is the parser's)."""


class ReadOnlyError(QueryError):
    """The request would modify data or reach the network: refused."""


class QueryTimeout(QueryError):
    """The query did not finish within the time limit."""


class ResultLimitError(QueryError):
    """The result has more rows (or triples) than allowed."""


class QueryBusyError(QueryError):
    """Too many queries are already running."""


@dataclass(frozen=True)
class NamedQuery:
    """A named query from an ``.rq`` file.

    Attributes:
        name: File name without ``.rq`` (``"contributors"``).
        title: The ``# title:`` comment.
        description: The ``# description:`` comment (the competency question).
        text: The whole file, comments included.
        path: Where it was read from.

    """

    name: str
    title: str
    description: str
    text: str
    path: Path


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
        """Solutions as python values (IRIs as strings, typed literals as int/float/date …)."""
        if self.kind == "graph":
            return [tuple(to_python(t) for t in _spo(tr)) for tr in self.triples]
        return [tuple(to_python(t) for t in row) for row in self.bindings]

    @property
    def size(self) -> int:
        """Number of solutions (``select``) or triples (``graph``); 0 for ``ask``."""
        return len(self.triples) if self.kind == "graph" else len(self.bindings)


# --------------------------------------------------------------------------- loading


def export_file(path: Path) -> Path:
    """Return the graph file to load for ``path`` (a graph file, or a folder of exports).

    Raises:
        QueryError: If there is no such file, or the folder holds no graph export.

    """
    path = Path(path)
    if path.is_dir():
        for name in EXPORT_FILES:
            if (path / name).is_file():
                return path / name
        raise QueryError(f"no graph export ({', '.join(EXPORT_FILES)}) in {path}")
    if not path.is_file():
        raise QueryError(f"no such file or folder: {path}")
    return path


def load_store(path: Path) -> ox.Store:
    """Load a graph file, or the ``graph.trig`` / ``graph.ttl`` of an exports folder, in memory.

    Args:
        path: A graph file (format from its extension) or a folder of exports.

    Returns:
        An in-memory store; named graphs of TriG files are kept (queries see their union).

    Raises:
        QueryError: If the file is missing, of unknown format, or not valid RDF.

    """
    file = export_file(path)
    fmt = RDF_FORMATS.get(file.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(RDF_FORMATS))
        raise QueryError(f"unknown graph format {file.suffix!r} ({file}); expected one of {known}")
    store = ox.Store()
    try:
        store.bulk_load(path=str(file), format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(f"cannot load {file}: {exc}") from exc
    return store


# --------------------------------------------------------------------------- named queries


def queries_dir() -> Path:
    """Return the named-queries folder (``ontology/queries``, shipped inside the package)."""
    return QUERIES_DIR


def parse_named_query(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its ``# title:`` / ``# description:`` header comments."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        key, sep, value = stripped.lstrip("#").strip().partition(":")
        if sep and key.strip().lower() in ("title", "description"):
            meta.setdefault(key.strip().lower(), value.strip())
    return NamedQuery(
        name=path.stem,
        title=meta.get("title", path.stem),
        description=meta.get("description", ""),
        text=text,
        path=path,
    )


def named_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Return the named queries, by name, sorted by name.

    Args:
        directory: Folder of ``.rq`` files; default :func:`queries_dir`.

    """
    folder = directory if directory is not None else queries_dir()
    if not folder.is_dir():
        return {}
    return {p.stem: parse_named_query(p) for p in sorted(folder.glob("*.rq"))}


def resolve_query_arg(arg: str | None, name: str | None = None) -> str:
    """Turn a command-line query argument into SPARQL text.

    Args:
        arg: A SPARQL string, a path to a ``.rq``/``.sparql`` file, the name of a named query, or
            ``-`` for standard input.
        name: The name of a named query (takes precedence over ``arg``).

    Returns:
        The query text.

    Raises:
        QueryError: If nothing was given, the name is unknown or the file is missing.

    """
    queries = named_queries()
    if name is not None:
        if name not in queries:
            known = ", ".join(queries) or "none found"
            raise QueryError(f"unknown named query {name!r} (known: {known})")
        return queries[name].text
    if arg is None or not arg.strip():
        raise QueryError("no query given: pass a SPARQL string, a .rq file or a named query")
    if arg in queries:
        return queries[arg].text
    if arg == "-":
        return sys.stdin.read()
    looks_like_path = "\n" not in arg and len(arg) < 4096
    if looks_like_path and Path(arg).suffix.lower() in (".rq", ".sparql"):
        path = Path(arg)
        if not path.is_file():
            raise QueryError(f"no such query file: {path}")
        return path.read_text(encoding="utf-8")
    if looks_like_path and Path(arg).is_file():
        return Path(arg).read_text(encoding="utf-8")
    return arg


# --------------------------------------------------------------------------- checking


def _blank_lexical(sparql: str) -> str:
    """Replace strings, IRIs and comments by spaces so keywords can be searched for."""
    return _LEXICAL.sub(lambda m: " " * len(m.group(0)), sparql)


def is_update(sparql: str) -> bool:
    """Tell whether ``sparql`` is a SPARQL Update request (first keyword after the prologue)."""
    body = _blank_lexical(sparql)
    while True:
        match = _PROLOGUE.match(body)
        if not match:
            break
        body = body[match.end() :]
    word = re.match(r"\s*([A-Za-z]+)", body)
    return bool(word) and word.group(1).upper() in _UPDATE_KEYWORDS


def uses_service(sparql: str) -> bool:
    """Tell whether ``sparql`` contains a federated ``SERVICE`` clause."""
    return bool(_SERVICE.search(_blank_lexical(sparql)))


def check_read_only(sparql: str, *, allow_service: bool = False) -> None:
    """Refuse SPARQL Update and (unless allowed) ``SERVICE`` clauses.

    Raises:
        ReadOnlyError: With a message saying what was refused.

    """
    if is_update(sparql):
        raise ReadOnlyError("SPARQL Update is not allowed: the graph is read-only")
    if not allow_service and uses_service(sparql):
        raise ReadOnlyError("federated queries (SERVICE) are disabled")


# --------------------------------------------------------------------------- running


def _spo(triple: ox.Triple) -> tuple[Any, Any, Any]:
    return (triple.subject, triple.predicate, triple.object)


def _parser_message(exc: SyntaxError, limit: int = 400) -> str:
    """Return the parser's message, cut after ``limit`` characters (its token lists can be huge)."""
    message = str(exc)
    return message if len(message) <= limit else message[:limit].rstrip() + " …"


def _collect(
    store: ox.Store,
    sparql: str,
    options: dict[str, Any],
    max_rows: int | None,
    cancel: threading.Event,
) -> QueryResult:
    """Evaluate a query and materialise its result (stops early on ``cancel`` or the limit)."""
    try:
        raw = store.query(sparql, **options)
    except SyntaxError as exc:
        raise QuerySyntaxError(_parser_message(exc)) from exc
    except (OSError, ValueError, TypeError) as exc:
        raise QueryError(str(exc)) from exc
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(raw))
    items: list[Any] = []
    try:
        for item in raw:
            if cancel.is_set():
                raise QueryTimeout("query cancelled")
            if max_rows is not None and len(items) >= max_rows:
                raise ResultLimitError(f"result exceeds {max_rows} rows; add a LIMIT to the query")
            items.append(item)
    except OSError as exc:
        raise QueryError(str(exc)) from exc
    if isinstance(raw, ox.QueryTriples):
        return QueryResult(kind="graph", triples=tuple(items))
    variables = tuple(v.value for v in raw.variables)
    rows = tuple(tuple(sol[v] for v in variables) for sol in items)
    return QueryResult(kind="select", variables=variables, bindings=rows)


def run_query(
    store: ox.Store,
    sparql: str,
    *,
    timeout: float | None = None,
    max_rows: int | None = None,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    allow_service: bool = False,
    slots: threading.Semaphore | None = None,
) -> QueryResult:
    """Run a read-only SPARQL query.

    The default graph is the union of all graphs unless ``default_graphs`` names some.

    Args:
        store: The store to query.
        sparql: The query text.
        timeout: Seconds to wait for the result; ``None`` waits forever (and runs in this thread).
        max_rows: Largest number of solutions (or triples) accepted.
        default_graphs: IRIs of graphs forming the default graph (``default-graph-uri``).
        named_graphs: IRIs of the graphs visible to ``GRAPH`` (``named-graph-uri``).
        allow_service: Let ``SERVICE`` clauses reach the network (off by default).
        slots: Semaphore capping concurrently running queries; a slot is held until the worker
            really finishes, even after a timeout.

    Returns:
        The materialised result.

    Raises:
        ReadOnlyError: For SPARQL Update or a refused ``SERVICE``.
        QuerySyntaxError: With the parser's message.
        QueryTimeout: If the time limit passed (the worker may still be computing).
        ResultLimitError: If the result exceeds ``max_rows``.
        QueryBusyError: If ``slots`` has no free slot.
        QueryError: For any other evaluation error.

    """
    check_read_only(sparql, allow_service=allow_service)
    options: dict[str, Any] = {}
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(iri) for iri in default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    cancel = threading.Event()
    if timeout is None and slots is None:
        return _collect(store, sparql, options, max_rows, cancel)
    if slots is not None and not slots.acquire(blocking=False):
        raise QueryBusyError("too many queries are running; try again later")
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = _collect(store, sparql, options, max_rows, cancel)
        except BaseException as exc:  # noqa: BLE001 - handed over to the waiting thread
            # pyoxigraph result iterators are "unsendable": they must be dropped on this thread,
            # not later through the traceback's frames on the thread that reads the error.
            traceback.clear_frames(exc.__traceback__)
            outcome["error"] = exc
        finally:
            if slots is not None:
                slots.release()

    worker = threading.Thread(target=work, name="kg-sparql-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        cancel.set()
        raise QueryTimeout(f"query exceeded the time limit of {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


# --------------------------------------------------------------------------- values


def to_python(term: Any) -> Any:
    """Convert a pyoxigraph term to a python value.

    IRIs become their string, blank nodes ``_:id``, numeric/boolean/date literals ``int``,
    ``decimal.Decimal``, ``float``, ``bool`` or ``datetime.date``; other literals their lexical
    form.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, ox.Literal):
        return str(term)
    datatype = term.datatype.value
    value = term.value
    try:
        if datatype in _INT_TYPES:
            return int(value)
        if datatype == XSD_NS + "decimal":
            return decimal.Decimal(value)
        if datatype in (XSD_NS + "double", XSD_NS + "float"):
            return float(value)
        if datatype == XSD_NS + "boolean":
            return value in ("true", "1")
        if datatype == XSD_NS + "date":
            return dt.date.fromisoformat(value)
    except (ValueError, decimal.InvalidOperation):
        return value
    return value


def compact_iri(iri: str) -> str:
    """Shorten an IRI with :data:`PREFIXES` (longest namespace first); unchanged if none fits."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def display(term: Any) -> str:
    """Render a term for a human: compact IRIs, plain lexical forms for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _csv_value(term: Any) -> str:
    """Write a term as in SPARQL 1.1 CSV results: IRI, ``_:id`` or the lexical form."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _json_term(term: Any) -> dict[str, Any]:
    """Encode a term as in SPARQL 1.1 JSON results."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


def _xml_term(term: Any) -> str:
    """Encode a term as in SPARQL XML results."""
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != _XSD_STRING:
            attr = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attr = ""
        return f"<literal{attr}>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        parts = "".join(
            f"<{role}>{_xml_term(t)}</{role}>"
            for role, t in zip(("subject", "predicate", "object"), _spo(term), strict=True)
        )
        return f"<triple>{parts}</triple>"
    raise TypeError(f"unexpected term {term!r}")


# --------------------------------------------------------------------------- formats


def to_json(result: QueryResult) -> str:
    """Serialise a ``select``/``ask`` result as SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, ensure_ascii=False)
    _require_solutions(result, "json")
    bindings = [
        {var: _json_term(t) for var, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.bindings
    ]
    doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1)


def to_xml(result: QueryResult) -> str:
    """Serialise a ``select``/``ask`` result as SPARQL Query Results XML."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<sparql xmlns="http://www.w3.org/2005/sparql-results#">')
    if result.kind == "ask":
        lines += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>"]
    else:
        _require_solutions(result, "xml")
        lines.append("<head>")
        lines += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
        lines += ["</head>", "<results>"]
        for row in result.bindings:
            cells = "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(result.variables, row, strict=True)
                if t is not None
            )
            lines.append(f"<result>{cells}</result>")
        lines.append("</results>")
    lines.append("</sparql>")
    return "\n".join(lines) + "\n"


def to_csv(result: QueryResult) -> str:
    """Serialise as SPARQL 1.1 CSV (CRLF lines); graphs as ``subject,predicate,object``."""
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    header, rows = _table_rows(result)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return buf.getvalue()


def to_tsv(result: QueryResult) -> str:
    """Serialise as SPARQL 1.1 TSV (N-Triples terms); graphs as subject/predicate/object."""
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    header, rows = _table_rows(result)
    lines = ["\t".join(f"?{v}" for v in header)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def to_rdf(result: QueryResult, fmt: ox.RdfFormat) -> bytes:
    """Serialise the triples of a ``graph`` result in an RDF format."""
    if result.kind != "graph":
        raise QueryError("only CONSTRUCT and DESCRIBE results can be written as RDF")
    triples = sorted(result.triples, key=str)
    prefixes = None
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        prefixes = _used_prefixes(triples, exclude=("kgr",))
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""


def _used_prefixes(triples: Sequence[ox.Triple], exclude: Sequence[str] = ()) -> dict[str, str]:
    """Return the :data:`PREFIXES` that shorten some IRI of ``triples`` (datatypes included)."""
    iris: set[str] = set()
    for triple in triples:
        for term in _spo(triple):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {
        prefix: ns
        for prefix, ns in sorted(PREFIXES.items())
        if prefix not in exclude and any(i.startswith(ns) and len(i) > len(ns) for i in iris)
    }


def to_table(result: QueryResult, *, width: int | None = None) -> str:
    """Render a result as a plain-text table (rich), IRIs shortened with :data:`PREFIXES`."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if width is None:
        width = shutil.get_terminal_size((120, 24)).columns
    console = Console(
        file=io.StringIO(), width=width, color_system=None, force_terminal=False, soft_wrap=False
    )
    if result.kind == "ask":
        console.print(Text("true" if result.boolean else "false"))
    else:
        header, rows = _table_rows(result)
        table = Table(*header, show_lines=False, expand=False)
        for row in rows:
            table.add_row(*(Text(display(t)) for t in row))
        console.print(table)
        noun = "triple" if result.kind == "graph" else "row"
        console.print(Text(f"{len(rows)} {noun}{'' if len(rows) == 1 else 's'}"))
    return console.file.getvalue()  # type: ignore[attr-defined]


def format_result(result: QueryResult, fmt: str = "table", *, width: int | None = None) -> str:
    """Format a result as text.

    Args:
        result: The query result.
        fmt: ``table`` (rich), ``csv``, ``tsv``, ``json`` (SPARQL 1.1 JSON results; JSON-LD for
            graphs), ``xml`` (SPARQL XML results; RDF/XML for graphs), ``turtle`` or ``nt``
            (graphs only).
        width: Table width in characters (default: the terminal's).

    Raises:
        QueryError: For an unknown format or one that does not fit the result kind.

    """
    if fmt == "table":
        return to_table(result, width=width)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    if result.kind == "graph":
        rdf = {
            "json": ox.RdfFormat.JSON_LD,
            "xml": ox.RdfFormat.RDF_XML,
            "turtle": ox.RdfFormat.TURTLE,
            "nt": ox.RdfFormat.N_TRIPLES,
        }
        if fmt not in rdf:
            raise QueryError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
        return to_rdf(result, rdf[fmt]).decode("utf-8")
    if fmt == "json":
        return to_json(result) + "\n"
    if fmt == "xml":
        return to_xml(result)
    if fmt in ("turtle", "nt"):
        raise QueryError(f"format {fmt!r} is only for CONSTRUCT and DESCRIBE results")
    raise QueryError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _require_solutions(result: QueryResult, fmt: str) -> None:
    if result.kind != "select":
        raise QueryError(f"format {fmt!r} needs a SELECT or ASK result")


def _table_rows(result: QueryResult) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Header and rows of terms, for ``select`` and ``graph`` results."""
    if result.kind == "graph":
        triples = sorted(result.triples, key=str)
        return ["subject", "predicate", "object"], [_spo(t) for t in triples]
    return list(result.variables), list(result.bindings)


def format_named_queries(queries: dict[str, NamedQuery] | None = None) -> str:
    """One line per named query: ``name  title — description``."""
    queries = named_queries() if queries is None else queries
    width = max((len(n) for n in queries), default=0)
    return "".join(f"{n:<{width}}  {q.title} — {q.description}\n" for n, q in queries.items())
