"""Query worker processes for the endpoint: each runs one query at a time and can be killed.

pyoxigraph cannot cancel a running query, so the endpoint runs every query in a worker process
(:func:`main`) that opens the on-disk store read-only and caps its own memory
(``RLIMIT_DATA``). :class:`WorkerPool` hands queries to idle workers, lets requests wait in a
bounded queue when all are busy, and *kills* a worker whose query passes the time limit, so the
query's CPU and memory are freed at once; a replacement is started in the background. A query that
needs more memory than the cap makes its worker fail an allocation and die: the request gets a 503
and the worker is replaced. The pool keeps ``spare`` idle workers ready so that a few runaway
queries never hold up the others, and lets extra idle workers go after a minute. A query running
longer than ``demote_after`` drops to idle CPU priority (``SCHED_IDLE``), so that on a busy machine
short queries are answered first.

Messages between the server and a worker are pickled dicts framed by a 4-byte length, over a
socket pair.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ctypes
import json
import os
import pickle
import resource
import signal
import socket
import struct
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.query.results import (
    QueryBusyError,
    QueryError,
    QueryMemoryError,
    QueryTimeout,
    evaluate,
    negotiate,
    serialize,
)

_HEADER = struct.Struct("!I")
_PR_SET_PDEATHSIG = 1


# --------------------------------------------------------------------------- the worker process


def _send(sock: socket.socket, message: Mapping[str, Any]) -> None:
    data = pickle.dumps(dict(message), protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv(sock: socket.socket) -> dict[str, Any] | None:
    """Read one message; ``None`` when the server closed the connection."""
    header = sock.recv(_HEADER.size, socket.MSG_WAITALL)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = sock.recv(size, socket.MSG_WAITALL)
    return pickle.loads(data) if len(data) == size else None


def answer(store: Any, request: Mapping[str, Any], prefixes: Mapping[str, str]) -> dict[str, Any]:
    """Run one query request and return the reply: a body and its media type, or an error.

    Args:
        store: The pyoxigraph store.
        request: ``query``, ``default_graphs``, ``named_graphs``, ``accept``, ``formats``,
            ``max_rows``.
        prefixes: Prefixes predeclared for the query and used in Turtle output.

    """
    try:
        result = evaluate(
            store,
            request["query"],
            prefixes=prefixes,
            max_rows=request.get("max_rows"),
            default_graphs=request.get("default_graphs", ()),
            named_graphs=request.get("named_graphs", ()),
        )
        fmt = negotiate(result.kind, request.get("accept"), request.get("formats", ()))
        body = serialize(result, fmt, prefixes)
    except QueryError as exc:
        return {"status": exc.status, "message": str(exc)}
    return {"status": 200, "media_type": fmt.media_type, "body": body}


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the server dies (no orphaned runaway queries)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    """Answer queries on a socket: arguments ``FD STORE_DIR MEMORY_MB PREFIXES_JSON``."""
    fd, store_dir, memory_mb, prefixes_json = argv if argv is not None else sys.argv[1:]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    sock = socket.socket(fileno=int(fd))
    prefixes = json.loads(prefixes_json)
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(store_dir)
    except OSError as exc:
        _send(sock, {"ready": False, "message": f"cannot open the store {store_dir}: {exc}"})
        return 1
    limit = int(memory_mb) << 20
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    _send(sock, {"ready": True})
    while (request := _recv(sock)) is not None:
        try:
            reply = answer(store, request, prefixes)
        except MemoryError:
            reply = {"status": 503, "message": f"query needed more than {memory_mb} MB"}
            _send(sock, reply)
            return 1
        _send(sock, reply)
    return 0


# --------------------------------------------------------------------------- the pool


class WorkerFailed(Exception):
    """A worker could not start, or died while answering."""


@dataclass(eq=False)
class Worker:
    """A running worker process and the server's end of its socket."""

    process: asyncio.subprocess.Process
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)
    demoted: bool = False

    def demote(self) -> None:
        """Run the current query at idle priority (``SCHED_IDLE``): fresh queries go first."""
        with contextlib.suppress(OSError, AttributeError):
            os.sched_setscheduler(self.process.pid, os.SCHED_IDLE, os.sched_param(0))
            self.demoted = True

    def promote(self) -> bool:
        """Restore normal priority after a demoted query; ``False`` if not allowed."""
        if not self.demoted:
            return True
        try:
            os.sched_setscheduler(self.process.pid, os.SCHED_OTHER, os.sched_param(0))
        except (OSError, AttributeError):
            return False
        self.demoted = False
        return True

    async def receive(self) -> dict[str, Any]:
        """Read one reply.

        Raises:
            WorkerFailed: If the worker died first.

        """
        try:
            (size,) = _HEADER.unpack(await self.reader.readexactly(_HEADER.size))
            return pickle.loads(await self.reader.readexactly(size))
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise WorkerFailed("worker died") from exc

    async def call(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """Send a request and wait for its reply (no time limit: see :meth:`WorkerPool.run`)."""
        data = pickle.dumps(dict(request), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.writer.write(_HEADER.pack(len(data)) + data)
            await self.writer.drain()
        except ConnectionError as exc:
            raise WorkerFailed("worker died") from exc
        return await self.receive()

    def kill(self) -> None:
        """Kill the process now (its query, CPU and memory with it)."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.writer.close()


@dataclass
class PoolConfig:
    """Limits of a :class:`WorkerPool`.

    Attributes:
        max_running: Queries running at once (worker processes), at most.
        queue: Requests that may wait for a worker; beyond that → 503.
        memory_mb: Memory cap of a worker (``RLIMIT_DATA``), in MB; 0 for none.
        demote_after: Seconds after which a running query drops to idle CPU priority.
        spare: Idle workers kept ready (started when others get busy); the pool starts with
            ``spare + 1`` workers.
        idle_seconds: Idle workers beyond ``spare + 1`` exit after this long.
        start_seconds: Time a worker may take to open the store.

    """

    max_running: int
    queue: int
    memory_mb: int
    demote_after: float = 0.25
    spare: int = 2
    idle_seconds: float = 60.0
    start_seconds: float = 60.0


class WorkerPool:
    """Worker processes that answer queries for the endpoint (see the module docstring)."""

    def __init__(self, store_dir: Path, prefixes: Mapping[str, str], config: PoolConfig) -> None:
        self.store_dir = Path(store_dir)
        self.prefixes = dict(prefixes)
        self.config = config
        self.idle: list[Worker] = []
        self.busy: set[Worker] = set()
        self.starting = 0
        self.waiters: collections.deque[asyncio.Future[Worker]] = collections.deque()
        self.stats = collections.Counter[str]()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    # ---- lifecycle

    async def start(self) -> None:
        """Start the spare workers and wait until they are ready.

        Raises:
            WorkerFailed: If a worker cannot open the store.

        """
        count = max(1, min(self.config.spare + 1, self.config.max_running))
        workers = await asyncio.gather(*(self._spawn() for _ in range(count)))
        for worker in workers:
            self._release(worker)
        self._background(self._reap())

    async def close(self) -> None:
        """Kill every worker."""
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for worker in [*self.idle, *self.busy]:
            worker.kill()
        for worker in [*self.idle, *self.busy]:
            with contextlib.suppress(ProcessLookupError, asyncio.TimeoutError):
                await asyncio.wait_for(worker.process.wait(), 5)
        self.idle.clear()
        self.busy.clear()

    def pids(self) -> list[int]:
        """Process ids of the workers."""
        return [w.process.pid for w in [*self.idle, *self.busy]]

    @property
    def size(self) -> int:
        """Workers running or starting."""
        return len(self.idle) + len(self.busy) + self.starting

    # ---- running queries

    async def run(self, request: Mapping[str, Any], timeout: float) -> dict[str, Any]:
        """Run a request on a worker within ``timeout`` seconds (waiting for one included).

        Raises:
            QueryBusyError: If the queue is full.
            QueryTimeout: If the time passed (a worker running the query is killed).
            QueryMemoryError: If the worker died of its memory cap.

        """
        deadline = time.monotonic() + timeout
        worker = await self._acquire(deadline, timeout)
        demotion = asyncio.get_running_loop().call_later(self.config.demote_after, worker.demote)
        try:
            reply = await asyncio.wait_for(worker.call(request), deadline - time.monotonic())
        except asyncio.TimeoutError:
            self._discard(worker, "timeouts")
            raise QueryTimeout(f"query exceeded the time limit of {timeout:g} s") from None
        except WorkerFailed:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(worker.process.wait(), 5)
            self._discard(worker, "deaths")
            code = worker.process.returncode
            if code in (-signal.SIGABRT, -signal.SIGKILL):  # failed allocation, or the OOM killer
                raise QueryMemoryError(
                    f"query needed more than {self.config.memory_mb} MB of memory and was stopped"
                ) from None
            raise QueryError(f"the query's worker process died (exit status {code})") from None
        except BaseException:  # the request was cancelled (client gone): the query may still run
            self._discard(worker, "cancelled")
            raise
        finally:
            demotion.cancel()
        if reply.get("status") == 503:  # the worker exits after a MemoryError
            self._discard(worker, "deaths")
        elif not worker.promote():  # stuck at idle priority: replace it
            self._discard(worker, "retired")
        else:
            self._release(worker)
        return reply

    async def _acquire(self, deadline: float, timeout: float) -> Worker:
        if self.idle and not self.waiters:
            worker = self.idle.pop()
            self.busy.add(worker)
            self._top_up()
            return worker
        if len(self.waiters) >= self.config.queue:
            self.stats["refused"] += 1
            raise QueryBusyError("too many queries are running or waiting; try again later")
        future: asyncio.Future[Worker] = asyncio.get_running_loop().create_future()
        self.waiters.append(future)
        self._top_up()
        try:
            worker = await asyncio.wait_for(asyncio.shield(future), deadline - time.monotonic())
        except asyncio.TimeoutError:
            self._cancel_wait(future)
            raise QueryTimeout(
                f"query exceeded the time limit of {timeout:g} s waiting for a free worker"
            ) from None
        except BaseException:
            self._cancel_wait(future)
            raise
        self._top_up()
        return worker

    def _cancel_wait(self, future: asyncio.Future[Worker]) -> None:
        """Stop waiting; a worker handed over meanwhile goes back to the pool."""
        with contextlib.suppress(ValueError):
            self.waiters.remove(future)
        if future.done() and not future.cancelled():
            self._release(future.result())
        else:
            future.cancel()

    def _release(self, worker: Worker) -> None:
        """Give a ready worker to the first waiter, or make it idle."""
        self.busy.discard(worker)
        while self.waiters:
            future = self.waiters.popleft()
            if not future.done():
                self.busy.add(worker)
                future.set_result(worker)
                return
        worker.idle_since = time.monotonic()
        self.idle.append(worker)

    def _discard(self, worker: Worker, reason: str) -> None:
        """Kill a worker (its query with it) and start a replacement if one is needed."""
        self.stats[reason] += 1
        self.busy.discard(worker)
        worker.kill()
        self._background(worker.process.wait())
        self._top_up()

    def _top_up(self) -> None:
        """Start workers for the waiters and to keep ``spare`` idle ones, up to ``max_running``."""
        wanted = len(self.waiters) + self.config.spare - len(self.idle) - self.starting
        for _ in range(min(wanted, self.config.max_running - self.size)):
            self._background(self._spawn_into_pool())

    async def _spawn_into_pool(self) -> None:
        try:
            worker = await self._spawn()
        except WorkerFailed as exc:
            self.stats["failed starts"] += 1
            print(f"kg serve: {exc}", file=sys.stderr)
            return
        if self._closed:
            worker.kill()
        else:
            self._release(worker)

    async def _spawn(self) -> Worker:
        """Start a worker process and wait until it has opened the store."""
        self.starting += 1
        ours, theirs = socket.socketpair()
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "kg.query.worker", str(theirs.fileno()),
                str(self.store_dir), str(self.config.memory_mb), json.dumps(self.prefixes),
                pass_fds=(theirs.fileno(),), stdin=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,  # a worker killed by its memory cap says so
            )  # fmt: skip
            theirs.close()
            reader, writer = await asyncio.open_connection(sock=ours)
            worker = Worker(process, reader, writer)
            try:
                hello = await asyncio.wait_for(worker.receive(), self.config.start_seconds)
            except (asyncio.TimeoutError, WorkerFailed) as exc:
                worker.kill()
                raise WorkerFailed(f"a query worker did not start: {exc}") from exc
            if not hello.get("ready"):
                worker.kill()
                raise WorkerFailed(hello.get("message", "a query worker did not start"))
            self.stats["started"] += 1
            return worker
        finally:
            theirs.close()
            self.starting -= 1

    async def _reap(self) -> None:
        """Every few seconds, let long-idle workers beyond ``spare + 1`` go."""
        while True:
            await asyncio.sleep(min(5.0, self.config.idle_seconds))
            now = time.monotonic()
            while len(self.idle) > self.config.spare + 1:
                oldest = min(self.idle, key=lambda w: w.idle_since)
                if now - oldest.idle_since < self.config.idle_seconds:
                    break
                self.idle.remove(oldest)
                self._discard(oldest, "retired")

    def _background(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


if __name__ == "__main__":
    sys.exit(main())
