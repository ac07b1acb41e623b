r"""Read-only SPARQL over the exported graph: named queries, their parameters, results for people.

The graph is read from its on-disk store (:mod:`kg.query.store`): the default graph holds each
distinct triple once, and every document keeps its named graph for ``GRAPH ?g { … }``. The common
prefixes (:data:`kg.vocab.PREFIXES`: ``kg:``, ``kgr:``, ``rdf:``, ``rdfs:``, ``skos:``, ``owl:``,
``xsd:``, ``dcterms:``, ``prov:`` …) are declared before every query, and tables print IRIs as
prefixed names that can be pasted back into a query (``kgr:country\/kazakhstan``).

Named queries are the ``.rq`` files of ``ontology/queries`` (shipped in the package). Each starts
with ``# title:``, ``# description:`` and, for each parameter, ``# param: NAME description`` comment
lines (``# param: NAME (optional) description`` for one the query can do without). A parameter is
an entity given by label, alias or IRI (:func:`resolve_entity`) and is bound to the variable
``?NAME`` by a ``VALUES`` clause appended to the query (:func:`bind_params`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import re
import shutil
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.query.results import (
    QueryError,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    ReadOnlyError,
    ResultLimitError,
    blank_lexical,
    evaluate,
    find_format,
    serialize,
)
from kg.query.store import open_store
from kg.vocab import PREFIXES

XSD_NS = PREFIXES["xsd"]

#: The named queries, packaged with the ontology (``ontology/queries``).
QUERIES_DIR = Path(str(resources.files("kg") / "ontology" / "queries"))

#: Output formats of :func:`format_result` (besides ``table``).
FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json", "xml", "turtle", "nt")

_INT_TYPES = frozenset(
    XSD_NS + t
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
        "unsignedByte",
    )
)  # fmt: skip
# Characters a prefixed name's local part may hold as they are, and those it may hold escaped.
_PN_ESCAPABLE = frozenset("_~.-!$&'()*+,;=/?#@%")
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PREFIXED = re.compile(r"([A-Za-z][\w.-]*)?:((?:[^\s\\]|\\.)*)")


class ParameterError(QueryError):
    """A parameter is missing, unknown or names no entity."""

    status = 400


@dataclass(frozen=True)
class Param:
    """A parameter of a named query: an entity bound to ``?name``.

    Attributes:
        name: The variable name (without ``?``).
        description: What it is.
        optional: Whether the query also runs without it (then ``?name`` stays unbound).

    """

    name: str
    description: str
    optional: bool = False


@dataclass(frozen=True)
class NamedQuery:
    """A named query from an ``.rq`` file.

    Attributes:
        name: File name without ``.rq`` (``"contributors"``).
        title: The ``# title:`` comment.
        description: The ``# description:`` comment (the question it answers).
        text: The whole file, comments included.
        path: Where it was read from.
        params: Its ``# param:`` comments.

    """

    name: str
    title: str
    description: str
    text: str
    path: Path
    params: tuple[Param, ...] = ()


# --------------------------------------------------------------------------- named queries


def queries_dir() -> Path:
    """Return the named-queries folder (``ontology/queries``, shipped inside the package)."""
    return QUERIES_DIR


def parse_named_query(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its ``# title:``, ``# description:``, ``# param:`` comments."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        key, sep, value = stripped.lstrip("#").strip().partition(":")
        key = key.strip().lower()
        if sep and key == "param":
            name, _, description = value.strip().partition(" ")
            optional = description.startswith("(optional)")
            description = description.removeprefix("(optional)").strip().lstrip("—-: ")
            params.append(Param(name, description.strip(), optional))
        elif sep and key in ("title", "description"):
            meta.setdefault(key, value.strip())
    return NamedQuery(
        name=path.stem,
        title=meta.get("title", path.stem),
        description=meta.get("description", ""),
        text=text,
        path=path,
        params=tuple(params),
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

    Raises:
        QueryError: If nothing was given, the name is unknown or the file is missing.

    """
    named = find_named_query(arg, name)
    if named is not None:
        return named.text
    if arg is None or not arg.strip():
        raise QueryError("no query given: pass a SPARQL string, a .rq file or a named query")
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


def find_named_query(arg: str | None, name: str | None = None) -> NamedQuery | None:
    """Return the named query ``name`` (or ``arg`` when it is a name), else ``None``.

    Raises:
        QueryError: If ``name`` is given but unknown.

    """
    queries = named_queries()
    if name is not None:
        if name not in queries:
            known = ", ".join(queries) or "none found"
            raise QueryError(f"unknown named query {name!r} (known: {known})")
        return queries[name]
    return queries.get(arg) if arg else None


# --------------------------------------------------------------------------- parameters


def parse_params(items: Sequence[str]) -> dict[str, str]:
    """Parse ``name=VALUE`` command-line items.

    Raises:
        ParameterError: For an item without ``=`` or with an invalid name.

    """
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not _PARAM_NAME.fullmatch(name):
            raise ParameterError(f"parameter {item!r} is not name=VALUE")
        params[name] = value.strip()
    return params


def expand_iri(text: str) -> str | None:
    """Return the IRI written as ``<iri>``, ``http(s)://…`` or a prefixed name; else ``None``."""
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if text.startswith(("http://", "https://", "urn:")):
        return text
    match = _PREFIXED.fullmatch(text)
    if match and (match.group(1) or "") in PREFIXES:
        return PREFIXES[match.group(1) or ""] + re.sub(r"\\(.)", r"\1", match.group(2))
    return None


def resolve_entity(store: ox.Store, value: str) -> list[str]:
    """Return the IRIs of the nodes named ``value``.

    ``value`` is an IRI (``<…>``, ``http…`` or a prefixed name), else a ``rdfs:label`` or
    ``skos:altLabel`` equal to it, else one equal to it ignoring case.

    Raises:
        ParameterError: If nothing is named so.

    """
    iri = expand_iri(value)
    if iri is not None:
        return [iri]
    literal = str(ox.Literal(value))
    lowered = str(ox.Literal(value.lower()))
    names = "{ ?e rdfs:label ?l } UNION { ?e skos:altLabel ?l }"
    for text in (
        f"SELECT DISTINCT ?e WHERE {{ VALUES ?l {{ {literal} }} {names} }} ORDER BY ?e",
        f"SELECT DISTINCT ?e WHERE {{ {names} FILTER(LCASE(STR(?l)) = {lowered}) }} ORDER BY ?e",
    ):
        found = evaluate(store, text, prefixes=PREFIXES)
        iris = [row[0].value for row in found.bindings if isinstance(row[0], ox.NamedNode)]
        if iris:
            return iris
    raise ParameterError(f"no entity is named {value!r} (by rdfs:label or skos:altLabel)")


def bind_params(store: ox.Store, query: NamedQuery, params: Mapping[str, str]) -> str:
    """Return the text of ``query`` with its parameters bound by ``VALUES`` clauses.

    The clauses open the ``WHERE`` group (a trailing ``VALUES`` would only be joined after
    ``GROUP BY``), so evaluation starts from the given entities.

    Raises:
        ParameterError: If a parameter is missing, unknown, or names no entity.

    """
    declared = {p.name for p in query.params}
    unknown = sorted(set(params) - declared)
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise ParameterError(f"{query.name} has no parameter {unknown[0]!r} (parameters: {known})")
    missing = [p.name for p in query.params if p.name not in params and not p.optional]
    if missing:
        example = " ".join(f"--param {n}=VALUE" for n in missing)
        raise ParameterError(f"named query {query.name!r} needs {example}")
    clauses = ""
    for param in (p for p in query.params if p.name in params):
        iris = " ".join(f"<{iri}>" for iri in resolve_entity(store, params[param.name]))
        clauses += f"\n  VALUES ?{param.name} {{ {iris} }}"
    if not clauses:
        return query.text
    where = _WHERE.search(blank_lexical(query.text))
    if where is None:
        raise ParameterError(
            f"named query {query.name!r} has no WHERE {{ … }} to bind parameters in"
        )
    return query.text[: where.end()] + clauses + query.text[where.end() :]


# --------------------------------------------------------------------------- running


def load_store(path: Path) -> ox.Store:
    """Open the graph of an exports folder or graph file, read-only, from its on-disk store.

    The store is built next to the exports on first use and rebuilt when they change (see
    :mod:`kg.query.store`).

    Raises:
        StoreError: If there is no export, or it is not valid RDF.

    """
    return open_store(path)


def run_query(
    store: ox.Store, sparql: str, *, timeout: float | None = None, **options: Any
) -> QueryResult:
    """Run a read-only SPARQL query with the common prefixes predeclared.

    Args:
        store: The store to query.
        sparql: The query text.
        timeout: Seconds to wait. The query then runs in a daemon thread that is *abandoned* past
            the limit (pyoxigraph cannot cancel it): for one-shot processes such as ``kg query``,
            which exit. The endpoint runs queries in worker processes that it kills instead.
        **options: ``max_rows``, ``default_graphs``, ``named_graphs`` of
            :func:`kg.query.results.evaluate`.

    Raises:
        QueryTimeout: Past the time limit.
        QueryError: See :func:`kg.query.results.evaluate`.

    """
    if timeout is None:
        return evaluate(store, sparql, prefixes=PREFIXES, **options)
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = evaluate(store, sparql, prefixes=PREFIXES, **options)
        except QueryError as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="kg-sparql-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
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
    datatype, value = term.datatype.value, term.value
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


def _local_name(local: str) -> str | None:
    """Escape ``local`` as the local part of a SPARQL/Turtle prefixed name; ``None`` if it can't."""
    out = []
    for i, char in enumerate(local):
        if char.isalnum() or char == "_" or (char in "-:" and i > 0):
            out.append(char)
        elif char in _PN_ESCAPABLE:
            out.append("\\" + char)
        else:
            return None
    return "".join(out)


def compact_iri(iri: str) -> str:
    """Write an IRI so it can be pasted into a query: ``prefix:local`` (escaped) or ``<iri>``."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            local = _local_name(iri[len(ns) :])
            if local is not None:
                return f"{prefix}:{local}"
    return f"<{iri}>"


def _is_iri(term: Any) -> bool:
    return isinstance(term, ox.NamedNode)


def display(term: Any) -> str:
    """Render a term for a human: pasteable IRIs, plain lexical forms for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


# --------------------------------------------------------------------------- formats


def to_table(result: QueryResult, *, width: int | None = None) -> str:
    """Render a result as a plain-text table (rich), IRIs as pasteable prefixed names."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if width is None:
        width = shutil.get_terminal_size((120, 24)).columns
    header, body = result.table() if result.kind != "ask" else ((), [])
    cells = [[display(t) for t in row] for row in body]
    # IRI columns are as wide as their longest IRI (a cut or folded IRI could not be pasted
    # back); other values fold. The table may then be wider than the terminal.
    iri_widths = [
        max((len(c[i]) for c, row in zip(cells, body, strict=True) if _is_iri(row[i])), default=0)
        for i in range(len(header))
    ]
    width = max(width, sum(w + 3 for w in iri_widths) + 1)
    console = Console(
        file=io.StringIO(), width=width, color_system=None, force_terminal=False, soft_wrap=False
    )
    if result.kind == "ask":
        console.print(Text("true" if result.boolean else "false"))
    else:
        table = Table(show_lines=False, expand=False)
        for name, iri_width in zip(header, iri_widths, strict=True):
            table.add_column(name, overflow="fold", min_width=iri_width or None)
        for row in cells:
            table.add_row(*(Text(c) for c in row))
        console.print(table)
        noun = "triple" if result.kind == "graph" else "row"
        console.print(Text(f"{len(body)} {noun}{'' if len(body) == 1 else 's'}"))
    return console.file.getvalue()  # type: ignore[attr-defined]


def format_result(result: QueryResult, fmt: str = "table", *, width: int | None = None) -> str:
    """Format a result as text.

    Args:
        result: The query result.
        fmt: ``table`` (rich), or a result format: ``csv``, ``tsv``, ``json`` (SPARQL JSON
            results; JSON-LD for graphs), ``xml`` (SPARQL XML results; RDF/XML for graphs),
            ``turtle`` or ``nt`` (graphs only), or any media type pyoxigraph knows.
        width: Table width in characters (default: the terminal's).

    Raises:
        QueryError: For an unknown format or one that does not fit the result kind.

    """
    if fmt == "table":
        return to_table(result, width=width)
    found = find_format(fmt, result.kind)
    if found is None:
        if find_format(fmt, "graph") is not None:
            raise QueryError(f"format {fmt!r} is only for CONSTRUCT and DESCRIBE results")
        raise QueryError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return serialize(result, found, PREFIXES).decode("utf-8")


def format_named_queries(queries: dict[str, NamedQuery] | None = None) -> str:
    """One line per named query: ``name  title — description`` (and its parameters)."""
    queries = named_queries() if queries is None else queries
    width = max((len(n) for n in queries), default=0)
    lines = []
    for name, query in queries.items():
        params = "".join(
            f" [--param {p.name}=…]" if p.optional else f" --param {p.name}=…" for p in query.params
        )
        lines.append(f"{name:<{width}}  {query.title} — {query.description}{params}\n")
    return "".join(lines)


__all__ = [
    "FORMATS",
    "QUERIES_DIR",
    "NamedQuery",
    "Param",
    "ParameterError",
    "QueryError",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "ReadOnlyError",
    "ResultLimitError",
    "bind_params",
    "compact_iri",
    "display",
    "expand_iri",
    "find_named_query",
    "format_named_queries",
    "format_result",
    "named_queries",
    "parse_params",
    "queries_dir",
    "resolve_entity",
    "resolve_query_arg",
    "load_store",
    "run_query",
    "to_python",
    "to_table",
]
