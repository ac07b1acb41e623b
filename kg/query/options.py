"""The options of ``kg serve``, declared once (the CLI and :mod:`kg.query.serve` read them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServeOptions:
    """Everything ``kg serve`` can be told (the CLI's options default to these).

    Attributes:
        host: Address to bind; loopback by default.
        port: TCP port (0 picks a free one).
        timeout: Seconds a query may take, waiting for a worker included.
        max_results: Largest number of result rows (or triples).
        max_running: Queries running at once (one worker process each).
        queue: Requests that may wait for a worker.
        memory_mb: Memory cap of a query's worker, in MB.
        max_connections: Open connections, at most (beyond → 503).
        max_body: Largest request body, in bytes.
        client_timeout: Seconds a client has to send a request's headers (and its body).
        quiet: Do not log requests.

    """

    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 10.0
    max_results: int = 10000
    max_running: int = 8
    queue: int = 64
    memory_mb: int = 200
    max_connections: int = 256
    max_body: int = 1_000_000
    client_timeout: float = 10.0
    quiet: bool = False
