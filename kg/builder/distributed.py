"""Extract articles on a Dask cluster (``kg build --scheduler tcp://HOST:PORT``).

How articles flow: the client (the machine running ``kg build``) reads the inputs, looks each
article up in its cache, and sends the misses in batches (at most 16 articles or 64,000
characters each; long articles as pieces) as tasks to the scheduler, which hands them to the
workers. Over the network go: once, the extraction setup (model name, the bytes of the users'
pattern and gazetteer files, broadcast to every worker); per batch, the pickled articles; back,
their :class:`~kg.model.DocResult` (entities, relations, events with their evidence sentences,
not the article text). Each worker process loads the model once, on its first batch, and keeps
it for every later task (one per worker process, shared by its threads under a lock: run
workers with ``--nthreads 1`` and as many processes as cores). Caching, resolution and export
stay on the client, so the graph is the same as a local build's; every batch reports the
fingerprint of the worker's kg and model, and a worker that differs from the others stops
the build with a clear message.

Needs ``pip install 'kg[dask]'`` (``dask[distributed]``) on the client and the workers, plus
kg and its model on the workers.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from kg.builder.parallel import ExtractorSpec, SetupError, run_batch
from kg.model import Article, DocResult

#: Seconds to wait for the scheduler and its first worker.
CONNECT_TIMEOUT = 20.0


@dataclass(frozen=True)
class RemoteSpec:
    """The extraction setup sent to workers: model name and the users' files by content."""

    model: str | None
    patterns: tuple[tuple[str, bytes], ...] = ()
    gazetteers: tuple[tuple[str, bytes], ...] = ()

    @classmethod
    def from_local(cls, spec: ExtractorSpec) -> RemoteSpec:
        """Read the users' files named by a local spec."""
        return cls(
            spec.model,
            tuple((p.name, p.read_bytes()) for p in spec.patterns),
            tuple((p.name, p.read_bytes()) for p in spec.gazetteers),
        )

    @property
    def digest(self) -> str:
        """A short id of this setup."""
        h = hashlib.sha256(repr(self.model).encode())
        for name, data in self.patterns + self.gazetteers:
            h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest()[:16]


# ----------------------------------------------------------------- worker side

_LOCK = threading.Lock()
_EXTRACTORS: dict[str, object] = {}
_FINGERPRINTS: dict[str | None, str] = {}
#: How many times this worker process loaded an extractor (tests check it is once).
LOADS = 0


def _local_spec(spec: RemoteSpec) -> ExtractorSpec:
    folder = Path(tempfile.gettempdir()) / f"kg-spec-{spec.digest}"
    folder.mkdir(exist_ok=True)

    def write(kind: str, files: tuple[tuple[str, bytes], ...]) -> tuple[Path, ...]:
        out = []
        for i, (name, data) in enumerate(files):
            path = folder / f"{kind}-{i}-{Path(name).name}"
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
            out.append(path)
        return tuple(out)

    return ExtractorSpec(
        spec.model, write("patterns", spec.patterns), write("gaz", spec.gazetteers)
    )


def worker_fingerprint(model: str | None) -> str:
    """Fingerprint of this worker's kg code and model (:func:`kg.builder.cache.setup_fingerprint`).

    Returns:
        The fingerprint, or ``"error: …"`` when the model is not installed here.
    """
    from kg.builder.cache import setup_fingerprint

    with _LOCK:
        if model not in _FINGERPRINTS:
            try:
                _FINGERPRINTS[model] = setup_fingerprint(model)
            except RuntimeError as err:
                return f"error: {err}"
        return _FINGERPRINTS[model]


def extract_on_worker(spec: RemoteSpec, batch: list[Article]) -> tuple[str, list[DocResult]]:
    """Dask task: extract a batch with this worker's extractor (loaded once per process).

    Returns:
        The worker's fingerprint and one result per article (without text).
    """
    global LOADS
    fingerprint = worker_fingerprint(spec.model)
    with _LOCK:
        extractor = _EXTRACTORS.get(spec.digest)
        if extractor is None:
            extractor = _local_spec(spec).make()
            _EXTRACTORS[spec.digest] = extractor
            LOADS += 1
        return fingerprint, run_batch(extractor, batch)


def worker_loads() -> int:
    """How many extractors this worker process loaded."""
    return LOADS


# ----------------------------------------------------------------- client side


class DaskEngine:
    """Sends batches to a Dask cluster and checks that every worker runs the same kg and model.

    Args:
        address: Scheduler address, ``tcp://HOST:PORT``.
        spec: The local extraction setup (users' files are read and sent by content).

    Raises:
        SetupError: if ``dask.distributed`` is missing, the scheduler cannot be reached, no
            worker joins, or the workers' kg or model differ.
    """

    def __init__(self, address: str, spec: ExtractorSpec) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise SetupError("--scheduler needs dask.distributed: pip install 'kg[dask]'") from None
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            raise SetupError(f"cannot reach the Dask scheduler at {address} ({err})") from None
        try:
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
            prints = self.client.run(worker_fingerprint, spec.model)
        except (OSError, TimeoutError) as err:
            self.client.close()
            raise SetupError(f"no Dask worker joined {address} ({err})") from None
        values = set(prints.values())
        if len(values) != 1 or next(iter(values)).startswith("error"):
            self.client.close()
            detail = "; ".join(f"{w}: {p[:16]}" for w, p in sorted(prints.items()))
            raise SetupError(
                "Dask workers must run the same kg and spaCy model "
                f"(install them on every worker): {detail}"
            )
        self.fingerprint = next(iter(values))
        info = self.client.scheduler_info()["workers"]
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info.values()))
        self.spec = self.client.scatter(RemoteSpec.from_local(spec), broadcast=True, hash=False)

    def submit(self, batch: list[Article]) -> Future[list[DocResult]]:
        """Send a batch as one task; the future gives its results."""
        remote = self.client.submit(extract_on_worker, self.spec, batch, pure=False)
        future: Future[list[DocResult]] = Future()

        def done(f) -> None:
            try:
                fingerprint, results = f.result()
            except Exception as err:  # noqa: BLE001 - passed on to the build
                future.set_exception(err)
                return
            if fingerprint != self.fingerprint:
                future.set_exception(
                    SetupError("a Dask worker runs a different kg or spaCy model than the others")
                )
            else:
                future.set_result(results)

        remote.add_done_callback(done)
        return future

    def close(self) -> None:
        """Disconnect from the cluster (the cluster keeps running)."""
        self.client.close()
