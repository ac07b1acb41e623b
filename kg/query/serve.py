"""Read-only SPARQL 1.1 Protocol endpoint over the graph's store (Starlette on uvicorn).

Routes (on ``127.0.0.1:7878`` by default):

* ``GET /sparql?query=…`` and ``POST /sparql`` (``application/x-www-form-urlencoded`` with
  ``query=``, or an ``application/sparql-query`` body); optional ``default-graph-uri`` /
  ``named-graph-uri``. Without them the default graph is the graph's distinct triples and
  ``GRAPH ?g`` reaches one named graph per document. The common prefixes are predeclared. The
  result format follows ``format`` (or ``output``), else ``Accept``: SELECT/ASK → SPARQL JSON
  (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE → Turtle (default), N-Triples, RDF/XML, JSON-LD.
* ``GET /`` the query page (self-contained); ``GET /queries.json`` the named queries;
  ``GET /prefixes.json`` the predeclared prefixes; ``GET /view`` the exports folder's
  ``graph.html``.

Read-only: an ``update`` parameter, an ``application/sparql-update`` body or a SPARQL Update query
→ 403; ``SERVICE`` (which would reach the network) → 403; PUT/DELETE/PATCH → 405.

Limits: each query runs in a worker process (:mod:`kg.query.worker`) with a memory cap and is
killed when it passes the time limit (503); requests beyond the running limit wait in a bounded
queue (then 503 with ``Retry-After``); a result over ``max_results`` rows → 413, never cut; a
malformed query or parameter → 400; a body over ``max_body`` → 413, one that does not arrive in
time → 408. uvicorn gives HTTP/1.1 with keep-alive and caps connections (beyond the cap → 503);
:class:`Protocol` closes connections that do not send a request's headers in time. Bound to a
loopback address, requests naming another host in ``Host`` or in the request target → 403, which
blocks DNS-rebinding pages from reading the graph through a browser.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import ipaddress
import json
import re
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from kg.query.options import ServeOptions
from kg.query.results import QueryError, QuerySyntaxError, ReadOnlyError, check_read_only
from kg.query.sparql import named_queries
from kg.query.store import update_store
from kg.query.worker import PoolConfig, WorkerFailed, WorkerPool
from kg.vocab import PREFIXES

QUERY_PAGE = Path(__file__).resolve().parents[1] / "data" / "query.html"
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_ALLOW = "GET, HEAD, POST, OPTIONS"
_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
)


def text(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """A plain-text response (every error)."""
    return PlainTextResponse(message.rstrip("\n") + "\n", status, headers=dict(headers or {}))


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
    """The ``/queries.json`` document: the named queries (with their parameters) and prefixes."""
    items = [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "query": q.text,
            "params": [
                {"name": p.name, "description": p.description, "optional": p.optional}
                for p in q.params
            ],
        }
        for q in named_queries().values()
    ]
    return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")


# --------------------------------------------------------------------------- host check


def is_loopback(host: str) -> bool:
    """Tell whether ``host`` is a loopback name or address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_name(authority: str) -> str:
    """The host of ``host[:port]`` or ``[v6]:port``, lower-cased and without brackets."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        return authority[1 : authority.find("]")]
    return authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority


class HostGuard:
    """ASGI middleware: the loopback-only host check, and security headers on every response.

    The check covers the ``Host`` header and absolute-form request targets (``GET http://host/``).
    """

    def __init__(self, app: ASGIApp, bound_host: str) -> None:
        self.app = app
        self.loopback_only = is_loopback(bound_host)
        self.allowed = _LOOPBACK_NAMES | {_host_name(bound_host)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse foreign hosts, route absolute-form targets by their path, add headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        names = [v.decode("latin-1") for k, v in scope["headers"] if k == b"host"]
        if not scope["path"].startswith("/"):  # absolute-form target: http://host/path
            target = urlsplit(scope["path"])
            names.append(target.netloc)
            scope["path"] = target.path or "/"
            scope["raw_path"] = scope["path"].encode()
        if self.loopback_only and any(_host_name(n) not in self.allowed for n in names):
            response = text(403, "host not allowed for a loopback-only server")
            await response(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing connections that do not send headers in time.

    uvicorn times out idle keep-alive connections but not a client that connects and then sends
    its request line and headers slowly (or never); such clients would hold connection slots.
    """

    client_timeout = ServeOptions.client_timeout

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Send small responses at once (no Nagle delay); start the clock for the headers.

        Without ``TCP_NODELAY`` a response written in two pieces (head, then body) waits for the
        client's delayed acknowledgement: ~40 ms on every keep-alive request.
        """
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        """Start the clock for the next request's headers."""
        super().on_response_complete()
        self._arm()

    def _arm(self) -> None:
        cycle = self.cycle
        self.loop.call_later(self.client_timeout, self._expire, cycle)

    def _expire(self, cycle: object) -> None:
        if self.cycle is cycle and not self.transport.is_closing():
            self.transport.close()


# --------------------------------------------------------------------------- the application


class Endpoint:
    """The routes, holding the worker pool, the limits and the static content."""

    def __init__(self, pool: WorkerPool, options: ServeOptions, folder: Path | None) -> None:
        self.pool = pool
        self.options = options
        self.folder = folder
        self.page = QUERY_PAGE.read_bytes() if QUERY_PAGE.is_file() else b""
        self.csp = page_csp(self.page.decode("utf-8"))
        self.queries = queries_json()

    def app(self) -> Starlette:
        """The Starlette application."""

        @contextlib.asynccontextmanager
        async def lifespan(_: Starlette) -> AsyncIterator[None]:
            await self.pool.start()
            try:
                yield
            finally:
                await self.pool.close()

        every = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
        routes = [
            Route("/sparql", self.sparql, methods=every),
            Route("/", self.index, methods=every),
            Route("/index.html", self.index, methods=every),
            Route("/queries.json", self.named, methods=every),
            Route("/prefixes.json", self.prefixes, methods=every),
            Route("/view", self.view, methods=every),
            Route("/view/", self.view, methods=every),
            Route("/graph.html", self.view, methods=every),
            Route("/favicon.ico", self.favicon, methods=["GET", "HEAD"]),
        ]
        app = Starlette(routes=routes, lifespan=lifespan)
        app.add_exception_handler(404, self.not_found)
        return app

    # ---- routes

    @staticmethod
    def _refusal(request: Request, post: bool = False) -> Response | None:
        """The answer to methods a route does not take (``None`` when it takes this one)."""
        method = request.method
        if method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": _ALLOW})
        if method in ("PUT", "DELETE", "PATCH"):
            return text(405, "this SPARQL endpoint is read-only", {"Allow": _ALLOW})
        if method == "POST" and not post:
            return text(405, f"POST is only accepted at /sparql, not {request.url.path}")
        return None

    async def not_found(self, request: Request, _: Exception) -> Response:
        """404 with the known routes (405 for writes, as on every route)."""
        refusal = self._refusal(request)
        if refusal is not None and request.method != "OPTIONS":
            return refusal
        return text(404, f"not found: {request.url.path} (try /, /sparql, /queries.json, /view)")

    async def favicon(self, _: Request) -> Response:
        """No icon."""
        return Response(status_code=204)

    async def index(self, request: Request) -> Response:
        """The query page."""
        if refusal := self._refusal(request):
            return refusal
        if not self.page:
            return text(404, "query page not installed")
        headers = {"Content-Security-Policy": self.csp}
        return Response(self.page, media_type="text/html; charset=utf-8", headers=headers)

    async def named(self, request: Request) -> Response:
        """The named queries as JSON."""
        if refusal := self._refusal(request):
            return refusal
        return Response(self.queries, media_type="application/json; charset=utf-8")

    async def prefixes(self, request: Request) -> Response:
        """The prefixes predeclared for every query, as JSON."""
        if refusal := self._refusal(request):
            return refusal
        return Response(json.dumps(PREFIXES).encode(), media_type="application/json")

    async def view(self, request: Request) -> Response:
        """The exports folder's ``graph.html``."""
        if refusal := self._refusal(request):
            return refusal
        page = self.folder / "graph.html" if self.folder else None
        if page is None or not page.is_file():
            return text(404, "no graph.html in the exports folder")
        return Response(page.read_bytes(), media_type="text/html; charset=utf-8")

    async def sparql(self, request: Request) -> Response:
        """The SPARQL 1.1 Protocol query operation."""
        if refusal := self._refusal(request, post=True):
            return refusal
        try:
            params = await self._params(request)
            query = self._query(params)
            reply = await self.pool.run(
                {
                    "query": query,
                    "default_graphs": _graph_iris(params, "default-graph-uri"),
                    "named_graphs": _graph_iris(params, "named-graph-uri"),
                    "accept": request.headers.get("accept"),
                    "formats": [*params.get("format", []), *params.get("output", [])],
                    "max_rows": self.options.max_results,
                },
                self.options.timeout,
            )
        except QueryError as exc:
            headers = {"Retry-After": "5"} if exc.status == 503 else None
            return text(exc.status, _error_text(exc), headers)
        except WorkerFailed as exc:
            return text(503, str(exc), {"Retry-After": "5"})
        if reply["status"] != 200:
            headers = {"Retry-After": "5"} if reply["status"] == 503 else None
            return text(reply["status"], _reply_text(reply), headers)
        media = reply["media_type"]
        media += "" if "charset" in media else "; charset=utf-8"
        return Response(reply["body"], media_type=media, headers={"Vary": "Accept"})

    # ---- request parsing

    async def _params(self, request: Request) -> dict[str, list[str]]:
        """The protocol parameters of the URL and (for POST) of the body.

        Raises:
            QueryError: 400 for undecodable parameters, 403 for an update body, 408 for a body
                that does not arrive in time, 413 for one too large, 415 for another type.

        """
        params = _parse_qs(request.scope["query_string"], "URL")
        if request.method != "POST":
            return params
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise ReadOnlyError("SPARQL Update is not allowed: this endpoint is read-only")
        if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            raise _status(
                415,
                f"unsupported Content-Type {ctype or '(none)'!r}: use "
                "application/x-www-form-urlencoded or application/sparql-query",
            )
        body = await self._body(request)
        if ctype == "application/x-www-form-urlencoded":
            for key, values in _parse_qs(body, "body").items():
                params.setdefault(key, []).extend(values)
            return params
        if "query" in params:
            raise QuerySyntaxError("query given both in the URL and in the body")
        try:
            params["query"] = [body.decode("utf-8")]
        except UnicodeDecodeError as exc:
            raise QuerySyntaxError("the request body is not UTF-8") from exc
        return params

    async def _body(self, request: Request) -> bytes:
        limit = self.options.max_body
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            if not length.isdigit():
                raise QuerySyntaxError("invalid Content-Length")
            raise _status(413, f"request body exceeds {limit} bytes")
        chunks: list[bytes] = []
        size = 0

        async def read() -> None:
            nonlocal size
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise _status(413, f"request body exceeds {limit} bytes")
                chunks.append(chunk)

        try:
            await asyncio.wait_for(read(), self.options.client_timeout)
        except asyncio.TimeoutError:
            raise _status(408, "the request body did not arrive in time") from None
        return b"".join(chunks)

    @staticmethod
    def _query(params: Mapping[str, list[str]]) -> str:
        if "update" in params:
            raise ReadOnlyError("SPARQL Update is not allowed: this endpoint is read-only")
        queries = params.get("query", [])
        if not queries:
            raise QuerySyntaxError("missing 'query' parameter")
        if len(queries) > 1:
            raise QuerySyntaxError("more than one 'query' parameter")
        check_read_only(queries[0])
        return queries[0]


def _status(status: int, message: str) -> QueryError:
    """A :class:`QueryError` answered with ``status``."""
    error = QueryError(message)
    error.status = status
    return error


def _error_text(exc: QueryError) -> str:
    return f"malformed query: {exc}" if isinstance(exc, QuerySyntaxError) else str(exc)


def _reply_text(reply: Mapping[str, Any]) -> str:
    """The message of a worker's error reply (parser messages get the ``malformed`` prefix)."""
    message = reply.get("message", "query failed")
    if reply["status"] == 400 and message.startswith("error at "):
        return f"malformed query: {message}"
    return message


def _parse_qs(data: bytes, where: str) -> dict[str, list[str]]:
    """Parse URL-encoded parameters strictly (400 for bytes that are not UTF-8)."""
    params: dict[str, list[str]] = {}
    try:
        pairs = parse_qsl(data.decode("ascii"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise QuerySyntaxError(f"the {where} parameters are not valid UTF-8: {exc}") from exc
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    return params


def _graph_iris(params: Mapping[str, list[str]], name: str) -> list[str]:
    """The IRIs of a ``default-graph-uri``/``named-graph-uri`` parameter, checked (400 if not)."""
    iris = params.get(name, [])
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise QuerySyntaxError(f"invalid {name} {iri!r}: {exc}") from exc
    return iris


# --------------------------------------------------------------------------- running


def make_app(path: Path, options: ServeOptions | None = None) -> tuple[Starlette, WorkerPool]:
    """Build the store of ``path`` if needed and return the application and its worker pool.

    The pool starts with the application (ASGI lifespan).
    """
    options = options or ServeOptions()
    store_dir = update_store(path)
    pool = WorkerPool(
        store_dir,
        PREFIXES,
        PoolConfig(
            max_running=options.max_running, queue=options.queue, memory_mb=options.memory_mb
        ),
    )
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    endpoint = Endpoint(pool, options, folder)
    return HostGuard(endpoint.app(), options.host), pool  # type: ignore[return-value]


def serve(path: Path, options: ServeOptions | None = None) -> None:
    """Serve the graph of ``path`` (exports folder or graph file) until interrupted.

    Raises:
        StoreError: If the graph cannot be found or read.
        OSError: If the address cannot be bound.

    """
    options = options or ServeOptions()
    app, _ = make_app(path, options)
    protocol = type("Protocol", (Protocol,), {"client_timeout": options.client_timeout})
    config = uvicorn.Config(
        app,
        host=options.host,
        port=options.port,
        http=protocol,
        lifespan="on",
        limit_concurrency=options.max_connections,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=2,
        access_log=not options.quiet,
        log_level="warning",
        server_header=False,
    )
    if not is_loopback(options.host):
        print(
            f"warning: {options.host} is not a loopback address: anyone reaching it can query "
            "the graph",
            file=sys.stderr,
        )
    family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
    sock = socket.create_server((options.host, options.port), family=family, backlog=2048)
    server = uvicorn.Server(config)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"SPARQL endpoint http://{shown}:{port}/sparql · query page http://{shown}:{port}/ · "
        "Ctrl-C stops",
        flush=True,
    )
    server.run(sockets=[sock])


__all__ = ["ServeOptions", "make_app", "serve"]
