"""Read-only SPARQL 1.1 Protocol endpoint over an exported graph, with a query page (stdlib only).

Endpoints (all on ``127.0.0.1:7878`` by default):

* ``GET /sparql?query=...`` and ``POST /sparql`` (``application/x-www-form-urlencoded`` with
  ``query=``, or an ``application/sparql-query`` body); optional ``default-graph-uri`` /
  ``named-graph-uri`` (without them the default graph is the union of all graphs).
  The result format follows the ``format`` (or ``output``) parameter, else the ``Accept`` header:
  SELECT/ASK → SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE → Turtle (default),
  N-Triples, RDF/XML or JSON-LD. An explicitly requested format that does not fit → 406.
* ``GET /`` the query page; ``GET /queries.json`` the named queries; ``GET /view`` the exports
  folder's ``graph.html`` when there is one.

Read-only: an ``update`` parameter, an ``application/sparql-update`` body or a query that is a
SPARQL Update → 403; ``SERVICE`` (which would reach the network) → 403; PUT/DELETE/PATCH → 405.

Limits and status codes:

* malformed query → 400 with the parser's message;
* time limit (``timeout_s``) → 503. The query runs in a worker thread and the request stops
  waiting at the limit. pyoxigraph cannot cancel a query: the worker stops at the next solution it
  produces, but a query that computes long before producing one (aggregates, ``ORDER BY``, joins
  matching nothing) keeps a CPU busy until it ends. At most ``max_concurrent`` queries run at once
  (timed-out ones included); beyond that → 503 with ``Retry-After``;
* result limit (``max_results`` rows or triples) → 413 "result exceeds N rows; add a LIMIT": the
  result is never truncated silently;
* request bodies over ``max_body`` bytes → 413; unknown body type → 415.

When bound to a loopback address, requests whose ``Host`` header names another host are refused
(403), which blocks DNS-rebinding pages from reading the graph through the browser.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import ipaddress
import json
import re
import socket
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.query.sparql import (
    QueryBusyError,
    QueryError,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    ReadOnlyError,
    ResultLimitError,
    load_store,
    named_queries,
    run_query,
    to_csv,
    to_json,
    to_rdf,
    to_tsv,
    to_xml,
)

QUERY_PAGE = Path(__file__).resolve().parents[1] / "data" / "query.html"

#: Output formats of SELECT/ASK results: key → media type.
SOLUTION_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: Output formats of CONSTRUCT/DESCRIBE results: key → media type.
GRAPH_FORMATS: dict[str, str] = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_GRAPH_RDF: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
# ``format=`` values and media types (Accept), per result kind, mapped to a format key.
_SOLUTION_NAMES: dict[str, str] = {
    **{k: k for k in SOLUTION_FORMATS},
    **{v: k for k, v in SOLUTION_FORMATS.items()},
    "srj": "json",
    "srx": "xml",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
_GRAPH_NAMES: dict[str, str] = {
    **{k: k for k in GRAPH_FORMATS},
    **{v: k for k, v in GRAPH_FORMATS.items()},
    "ttl": "turtle",
    "n3": "turtle",
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "ntriples": "nt",
    "n-triples": "nt",
    "text/plain": "nt",
    "xml": "rdfxml",
    "rdf": "rdfxml",
    "rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
    "json": "jsonld",
    "json-ld": "jsonld",
    "application/json": "jsonld",
}
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_ALLOW = "GET, HEAD, POST, OPTIONS"


@dataclass(frozen=True)
class ServerConfig:
    """Limits and files of a server.

    Attributes:
        timeout_s: Seconds a request waits for its query.
        max_results: Largest number of result rows (or triples).
        static_dir: Folder whose ``graph.html`` is served at ``/view`` (the exports folder).
        max_concurrent: Queries that may run at once (timed-out ones still count until they end).
        max_body: Largest accepted request body, in bytes.
        quiet: Do not log requests to stderr.

    """

    timeout_s: float = 10.0
    max_results: int = 10000
    static_dir: Path | None = None
    max_concurrent: int = 4
    max_body: int = 1_000_000
    quiet: bool = False


class NotAcceptable(Exception):
    """No supported format fits the requested one."""


@dataclass(frozen=True)
class Response:
    """An HTTP response to send."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def text_response(status: int, message: str, *headers: tuple[str, str]) -> Response:
    """Build a plain-text response (used for every error)."""
    return Response(status, (message.rstrip("\n") + "\n").encode("utf-8"), headers=headers)


# --------------------------------------------------------------------------- negotiation


def parse_accept(header: str | None) -> list[str]:
    """Return the media types of an ``Accept`` header, best first (stable for equal ``q``)."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        quality = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, index, media))
    return [media for _, _, media in sorted(ranked)]


def negotiate(kind: str, accept: str | None, fmts: Sequence[str] = ()) -> tuple[str, str]:
    """Pick the output format of a result.

    Args:
        kind: ``"select"``, ``"ask"`` or ``"graph"``.
        accept: The ``Accept`` header.
        fmts: Values of the ``format``/``output`` parameters (short names or media types); the
            first one recognised wins over ``Accept``.

    Returns:
        ``(format key, media type)``.

    Raises:
        NotAcceptable: If formats were requested by parameter and none fits this kind of result.

    """
    graph = kind == "graph"
    names = _GRAPH_NAMES if graph else _SOLUTION_NAMES
    formats = GRAPH_FORMATS if graph else SOLUTION_FORMATS
    default = "turtle" if graph else "json"
    requested = [f.strip().lower() for f in fmts if f and f.strip()]
    for fmt in requested:
        if fmt in names:
            return names[fmt], formats[names[fmt]]
    if requested:
        wanted = "CONSTRUCT/DESCRIBE" if graph else "SELECT/ASK"
        raise NotAcceptable(
            f"format {requested[0]!r} is not available for {wanted} results; use one of "
            + ", ".join(formats)
        )
    for media in parse_accept(accept):
        if media == "*/*":
            return default, formats[default]
        if media.endswith("/*"):
            family = media[:-1]
            for key, full in formats.items():
                if full.startswith(family):
                    return key, full
        elif media in names:
            return names[media], formats[names[media]]
    return default, formats[default]


def serialize(result: QueryResult, key: str) -> bytes:
    """Serialise a result in a format of :data:`SOLUTION_FORMATS` or :data:`GRAPH_FORMATS`."""
    if key == "csv":
        return to_csv(result).encode("utf-8")
    if key == "tsv":
        return to_tsv(result).encode("utf-8")
    if result.kind == "graph":
        return to_rdf(result, _GRAPH_RDF[key])
    if key == "xml":
        return to_xml(result).encode("utf-8")
    return to_json(result).encode("utf-8")


# --------------------------------------------------------------------------- static content


def _csp_hashes(html: str, tag: str) -> str:
    """Return CSP ``'sha256-…'`` sources for the inline ``<tag>`` elements of a page."""
    blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.DOTALL)
    digests = [base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() for b in blocks]
    return " ".join(f"'sha256-{d}'" for d in digests) or "'none'"


def page_csp(html: str) -> str:
    """Content-Security-Policy for the query page: its own inline code, requests to itself only."""
    return (
        "default-src 'none'; "
        f"script-src {_csp_hashes(html, 'script')}; "
        f"style-src {_csp_hashes(html, 'style')}; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )


def queries_json() -> bytes:
    """Return the ``/queries.json`` document: the named queries as a list, sorted by name."""
    items = [
        {"name": nq.name, "title": nq.title, "description": nq.description, "query": nq.text}
        for nq in named_queries().values()
    ]
    return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")


# --------------------------------------------------------------------------- server


class SparqlServer(ThreadingHTTPServer):
    """A threading HTTP server holding the store, the limits and the static content."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: ox.Store, config: ServerConfig) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, SparqlHandler)
        self.store = store
        self.config = config
        self.slots = threading.BoundedSemaphore(max(1, config.max_concurrent))
        self.page = QUERY_PAGE.read_bytes() if QUERY_PAGE.is_file() else b""
        self.csp = page_csp(self.page.decode("utf-8"))
        self.queries = queries_json()
        host = address[0]
        self.loopback_only = _is_loopback(host)
        self.allowed_hosts = _LOOPBACK_NAMES | {host.lower(), f"[{host.lower()}]"}

    @property
    def url(self) -> str:
        """Base URL of the server (``http://127.0.0.1:7878``)."""
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class SparqlHandler(BaseHTTPRequestHandler):
    """Handle the SPARQL protocol, the query page and the named queries."""

    server: SparqlServer
    server_version = "kg-sparql/0.1"
    sys_version = ""
    timeout = 60  # seconds a client may take to send its request

    def version_string(self) -> str:
        """Return the ``Server`` header (no Python version)."""
        return self.server_version

    # ---- plumbing

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Log a request line to stderr unless the server is quiet."""
        if not self.server.config.quiet:
            super().log_message(format, *args)

    def _send(self, response: Response, *, head: bool = False) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def _host_ok(self) -> bool:
        if not self.server.loopback_only:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        name = host[: host.find("]") + 1] if host.startswith("[") else host.split(":")[0]
        return name in self.server.allowed_hosts

    def _dispatch(self, method: str) -> None:
        if not self._host_ok():
            self._send(text_response(403, "Host header not allowed for a loopback-only server"))
            return
        route = urlsplit(self.path).path
        try:
            response = self._route(method, route)
        except Exception as exc:  # noqa: BLE001 - never drop a connection without an answer
            response = text_response(500, f"internal error: {exc}")
        self._send(response, head=method == "HEAD")

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        """Answer GET requests."""
        self._dispatch("GET")

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        """Answer HEAD requests (as GET, without a body)."""
        self._dispatch("HEAD")

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        """Answer POST requests (queries only)."""
        self._dispatch("POST")

    def do_OPTIONS(self) -> None:  # noqa: N802 - stdlib name
        """Tell which methods are allowed."""
        self._send(Response(204, b"", headers=(("Allow", _ALLOW),)))

    def _refuse_write(self) -> None:
        self._send(
            text_response(405, "this SPARQL endpoint is read-only", ("Allow", _ALLOW)),
        )

    do_PUT = do_DELETE = do_PATCH = _refuse_write  # noqa: N815 - stdlib names

    # ---- routes

    def _route(self, method: str, route: str) -> Response:
        if route == "/sparql":
            if method == "POST":
                return self._post_sparql()
            return self._sparql(parse_qs(urlsplit(self.path).query, keep_blank_values=True))
        if method == "POST":
            return text_response(405, f"POST is only accepted at /sparql, not {route}")
        if route in ("/", "/index.html"):
            if not self.server.page:
                return text_response(404, "query page not installed")
            csp = ("Content-Security-Policy", self.server.csp)
            return Response(200, self.server.page, "text/html; charset=utf-8", (csp,))
        if route == "/queries.json":
            return Response(200, self.server.queries, "application/json; charset=utf-8")
        if route == "/favicon.ico":
            return Response(204, b"")
        if route in ("/view", "/view/", "/graph.html"):
            return self._view()
        return text_response(404, f"not found: {route} (try /, /sparql, /queries.json, /view)")

    def _view(self) -> Response:
        folder = self.server.config.static_dir
        page = folder / "graph.html" if folder else None
        if page is None or not page.is_file():
            return text_response(404, "no graph.html in the exports folder")
        return Response(200, page.read_bytes(), "text/html; charset=utf-8")

    def _read_body(self) -> bytes | Response:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return text_response(411, "send the request body with a Content-Length")
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            return text_response(411, "Content-Length required")
        try:
            length = int(length_text)
        except ValueError:
            return text_response(400, "invalid Content-Length")
        if length < 0:
            return text_response(400, "invalid Content-Length")
        if length > self.server.config.max_body:
            limit = self.server.config.max_body
            return text_response(413, f"request body exceeds {limit} bytes")
        return self.rfile.read(length)

    def _post_sparql(self) -> Response:
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            return text_response(403, "SPARQL Update is not allowed: this endpoint is read-only")
        body = self._read_body()
        if isinstance(body, Response):
            return body
        params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return text_response(400, "the request body is not UTF-8")
        if ctype == "application/x-www-form-urlencoded":
            for key, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
            return self._sparql(params)
        if ctype == "application/sparql-query":
            if "query" in params:
                return text_response(400, "query given both in the URL and in the body")
            return self._sparql({**params, "query": [text]})
        return text_response(
            415,
            f"unsupported Content-Type {ctype or '(none)'!r}: use "
            "application/x-www-form-urlencoded or application/sparql-query",
        )

    def _sparql(self, params: dict[str, list[str]]) -> Response:
        if "update" in params:
            return text_response(403, "SPARQL Update is not allowed: this endpoint is read-only")
        queries = params.get("query", [])
        if not queries:
            return text_response(400, "missing 'query' parameter")
        if len(queries) > 1:
            return text_response(400, "more than one 'query' parameter")
        config = self.server.config
        try:
            result = run_query(
                self.server.store,
                queries[0],
                timeout=config.timeout_s,
                max_rows=config.max_results,
                default_graphs=params.get("default-graph-uri", []),
                named_graphs=params.get("named-graph-uri", []),
                slots=self.server.slots,
            )
        except QueryError as exc:
            return error_response(exc)
        fmts = [*params.get("format", []), *params.get("output", [])]
        try:
            key, media = negotiate(result.kind, self.headers.get("Accept"), fmts)
        except NotAcceptable as exc:
            return text_response(406, str(exc))
        return Response(
            200, serialize(result, key), f"{media}; charset=utf-8", (("Vary", "Accept"),)
        )


def error_response(exc: QueryError) -> Response:
    """Map a query error to its HTTP status (see the module docstring)."""
    if isinstance(exc, QuerySyntaxError):
        return text_response(400, f"malformed query: {exc}")
    if isinstance(exc, ReadOnlyError):
        return text_response(403, str(exc))
    if isinstance(exc, QueryTimeout):
        return text_response(503, str(exc))
    if isinstance(exc, QueryBusyError):
        return text_response(503, str(exc), ("Retry-After", "5"))
    if isinstance(exc, ResultLimitError):
        return text_response(413, str(exc))
    return text_response(500, f"query failed: {exc}")


def make_server(
    store: ox.Store,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    timeout_s: float = 10.0,
    max_results: int = 10000,
    static_dir: Path | None = None,
    max_concurrent: int = 4,
    max_body: int = 1_000_000,
    quiet: bool = False,
) -> SparqlServer:
    """Create (and bind) the SPARQL server; call ``serve_forever()`` on it to run it.

    Args:
        store: The graph to serve (never modified).
        host: Address to bind; loopback by default.
        port: TCP port (0 picks a free one; see ``server.server_address``).
        timeout_s: Time limit of a query, in seconds.
        max_results: Largest number of result rows or triples.
        static_dir: The exports folder, whose ``graph.html`` is served at ``/view``.
        max_concurrent: Queries running at once, at most.
        max_body: Largest request body, in bytes.
        quiet: Do not log requests.

    Returns:
        The bound server.

    """
    config = ServerConfig(
        timeout_s=timeout_s,
        max_results=max_results,
        static_dir=Path(static_dir) if static_dir else None,
        max_concurrent=max_concurrent,
        max_body=max_body,
        quiet=quiet,
    )
    return SparqlServer((host, port), store, config)


def serve(
    path: Path,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    timeout_s: float = 10.0,
    max_results: int = 10000,
    max_concurrent: int = 4,
    quiet: bool = False,
) -> None:
    """Load a graph file or exports folder and serve it until interrupted (Ctrl-C).

    Raises:
        QueryError: If the graph cannot be loaded.
        OSError: If the address cannot be bound (port in use …).

    """
    path = Path(path)
    store = load_store(path)
    folder = path if path.is_dir() else path.parent
    server = make_server(
        store,
        host,
        port,
        timeout_s=timeout_s,
        max_results=max_results,
        static_dir=folder,
        max_concurrent=max_concurrent,
        quiet=quiet,
    )
    if not server.loopback_only:
        warning = (
            f"warning: {host} is not a loopback address: anyone reaching it can query the graph"
        )
        print(warning, file=sys.stderr)
    print(
        f"SPARQL endpoint {server.url}/sparql · query page {server.url}/ · Ctrl-C stops", flush=True
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m kg.query.serve PATH [--host H] [--port P] ...``; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m kg.query.serve", description=__doc__.splitlines()[0]
    )
    parser.add_argument("path", type=Path, help="graph file or exports folder")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=7878, help="TCP port (default 7878)")
    parser.add_argument("--timeout", type=float, default=10.0, help="query time limit, seconds")
    parser.add_argument("--max-results", type=int, default=10000, help="result row limit")
    parser.add_argument("--max-concurrent", type=int, default=4, help="queries running at once")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    try:
        serve(
            args.path,
            args.host,
            args.port,
            timeout_s=args.timeout,
            max_results=args.max_results,
            max_concurrent=args.max_concurrent,
            quiet=args.quiet,
        )
    except (QueryError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
