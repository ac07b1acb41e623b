"""Parse and extract articles in this process or in a pool of worker processes, in order.

:class:`OrderedExtraction` streams articles (each with its cached result, if any) through an
engine and yields one result per article in input order: misses are grouped in batches of
pieces (:mod:`kg.builder.chunk` splits long articles), at most a few batches per worker are in
flight, and nothing but the results is kept. Engines:

* :class:`InProcessEngine`: one :class:`~kg.builder.extract.document.Extractor` in this process
  (``--workers 1``, and small jobs: starting workers costs more than it saves);
* :class:`PoolEngine`: N processes (``spawn`` start method), each loading the model once (the
  pool initializer); batches go to the processes as pickled articles and come back as
  :class:`~kg.model.DocResult` without text;
* :class:`kg.builder.distributed.DaskEngine`: a Dask cluster.

Workers leave when the building process dies, so a killed build leaves no orphans.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from kg.builder.chunk import merge_results, split_article
from kg.model import Article, DocResult

#: Most pieces in one batch sent to a worker.
BATCH_ARTICLES = 16
#: Most characters in one batch.
BATCH_CHARS = 64_000
#: Batches in flight per worker.
INFLIGHT_PER_WORKER = 3
#: Fewer articles to extract than this are extracted in this process.
MIN_PARALLEL = 64


class SetupError(RuntimeError):
    """The extractor could not be set up (model, patterns or gazetteer); one-line message."""


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ExtractorSpec:
    """What a worker needs to make its :class:`Extractor`: model name and users' files."""

    model: str | None
    patterns: tuple[Path, ...] = ()
    gazetteers: tuple[Path, ...] = ()

    def make(self):
        """Load the extractor (model, lexicon and gazetteer).

        Raises:
            SetupError: with a one-line message if anything cannot be loaded.
        """
        from kg.builder.extract.document import Extractor

        try:
            return Extractor(self.model, self.patterns, self.gazetteers)
        except (OSError, ValueError, ImportError, RuntimeError) as err:
            raise SetupError(str(err).splitlines()[0] if str(err) else repr(err)) from None


def strip_text(result: DocResult) -> DocResult:
    """The result without its article's text (nothing after extraction needs it)."""
    if result.article is not None and result.article.text:
        result.article = replace(result.article, text="")
    return result


def run_batch(extractor, batch: list[Article]) -> list[DocResult]:
    """Extract a batch with an extractor; results come back without text."""
    return [strip_text(r) for r in extractor.pipe(batch, batch_size=len(batch) or 1)]


class Engine(Protocol):
    """Something that extracts batches of articles asynchronously."""

    workers: int

    def submit(self, batch: list[Article]) -> Future[list[DocResult]]:
        """Start extracting a batch; the future gives one result per article, in order."""

    def close(self) -> None:
        """Stop the workers."""


class InProcessEngine:
    """Extracts in this process (the model is loaded on the first batch)."""

    workers = 1

    def __init__(self, spec: ExtractorSpec) -> None:
        self.spec = spec
        self._extractor = None

    def submit(self, batch: list[Article]) -> Future[list[DocResult]]:
        """Extract the batch now; the returned future is done."""
        if self._extractor is None:
            self._extractor = self.spec.make()
        future: Future[list[DocResult]] = Future()
        future.set_result(run_batch(self._extractor, batch))
        return future

    def close(self) -> None:
        """Drop the extractor."""
        self._extractor = None


# ----------------------------------------------------------------- worker processes

_WORKER: dict[str, object] = {}


def _watch_parent(parent: int) -> None:
    """Exit when the parent process is gone (a killed build leaves no workers behind)."""
    import time

    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(spec: ExtractorSpec) -> None:
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    try:
        _WORKER["extractor"] = spec.make()
    except SetupError as err:
        _WORKER["error"] = str(err)


def _worker_batch(batch: list[Article]) -> list[DocResult]:
    if "error" in _WORKER:
        raise SetupError(str(_WORKER["error"]))
    return run_batch(_WORKER["extractor"], batch)


def _mp_context() -> multiprocessing.context.BaseContext:
    """``spawn``: workers are children of the build, holding nothing of its state.

    Not ``fork`` (a thread of the build may hold a lock at the fork) nor ``forkserver``: a
    forkserver's child that the build dies before talking to waits forever, while a spawned
    child reads end-of-file from its parent and leaves.
    """
    return multiprocessing.get_context("spawn")


class PoolEngine:
    """Extracts in ``workers`` processes, each loading the model once."""

    def __init__(self, spec: ExtractorSpec, workers: int) -> None:
        self.workers = workers
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_mp_context(),
            initializer=_init_worker,
            initargs=(spec,),
        )

    def submit(self, batch: list[Article]) -> Future[list[DocResult]]:
        """Send a batch to the pool."""
        return self.pool.submit(_worker_batch, batch)

    def close(self) -> None:
        """Stop the worker processes."""
        self.pool.shutdown(wait=True, cancel_futures=True)


# ----------------------------------------------------------------- ordered streaming


@dataclass
class _Batch:
    pieces: list[Article] = field(default_factory=list)
    chars: int = 0
    future: Future[list[DocResult]] | None = None
    _results: list[DocResult] | None = None

    def results(self) -> list[DocResult]:
        if self._results is None:
            assert self.future is not None
            try:
                self._results = self.future.result()
            except BrokenProcessPool as err:
                raise SetupError(f"a worker process died ({err})") from None
            self.future = None
            self.pieces = []
        return self._results


@dataclass
class _Entry:
    article: Article
    key: str | None
    result: DocResult | None
    parts: list[tuple[int, _Batch, int]] = field(default_factory=list)


#: Decides the engine when the first batch is ready: (articles left, by estimate) → engine.
EngineFactory = Callable[[int], Engine]


class OrderedExtraction:
    """Streams articles through an engine and yields results in input order.

    Args:
        factory: Makes the engine on the first batch of misses, given an estimate of how many
            articles are left (so small jobs can stay in this process).
        remaining: Returns the estimated number of articles not yet seen.
    """

    def __init__(self, factory: EngineFactory, remaining: Callable[[], int]) -> None:
        self.factory = factory
        self.remaining = remaining
        self.engine: Engine | None = None
        self.extracted = 0

    def _submit(self, batch: _Batch, inflight: deque[_Batch]) -> None:
        if self.engine is None:
            self.engine = self.factory(self.remaining() + len(batch.pieces))
        batch.future = self.engine.submit(batch.pieces)
        inflight.append(batch)

    def run(
        self, items: Iterable[tuple[Article, str | None, DocResult | None]]
    ) -> Iterator[tuple[_Entry, DocResult]]:
        """Yield ``(entry, result)`` per input ``(article, key, cached result or None)``."""
        queue: deque[_Entry] = deque()
        inflight: deque[_Batch] = deque()
        batch = _Batch()
        try:
            for article, key, cached in items:
                entry = _Entry(article, key, cached)
                if cached is None:
                    for offset, piece in split_article(article):
                        if batch.pieces and (
                            len(batch.pieces) >= BATCH_ARTICLES
                            or batch.chars + len(piece.text) > BATCH_CHARS
                        ):
                            self._submit(batch, inflight)
                            batch = _Batch()
                        entry.parts.append((offset, batch, len(batch.pieces)))
                        batch.pieces.append(piece)
                        batch.chars += len(piece.text)
                queue.append(entry)
                if len(queue) > 512 and batch.pieces and batch.future is None:
                    head = queue[0]
                    if any(b is batch for _, b, _ in head.parts):
                        self._submit(batch, inflight)
                        batch = _Batch()
                yield from self._drain(queue, inflight, final=False)
            if batch.pieces:
                self._submit(batch, inflight)
            yield from self._drain(queue, inflight, final=True)
        finally:
            if self.engine is not None:
                self.engine.close()

    def _limit(self) -> int:
        workers = self.engine.workers if self.engine is not None else 1
        return INFLIGHT_PER_WORKER * workers

    def _drain(
        self, queue: deque[_Entry], inflight: deque[_Batch], final: bool
    ) -> Iterator[tuple[_Entry, DocResult]]:
        while queue:
            head = queue[0]
            if head.result is None:
                batches = [b for _, b, _ in head.parts]
                if any(b.future is None and b._results is None for b in batches):
                    return  # its batch is still being filled
                ready = all(b._results is not None or b.future.done() for b in batches)
                if not (ready or final or len(inflight) > self._limit()):
                    return
                parts = [(offset, b.results()[i]) for offset, b, i in head.parts]
                head.result = merge_results(head.article, parts)
                self.extracted += 1
                while inflight and inflight[0]._results is not None:
                    inflight.popleft()
            queue.popleft()
            yield head, head.result
