"""Builds on a real Dask cluster on loopback: same files as a local build, model loaded once."""

from __future__ import annotations

import socket
import sys
import time

import pytest

from kg.builder.parallel import SetupError
from kg.builder.pipeline import build

from .conftest import kg_build, text_of, write_articles

distributed = pytest.importorskip("distributed")

GRAPH = ("graph.ttl", "graph.nt", "graph.trig", "graph.jsonld", "graph.graphml", "graph.html")


def _files(folder):
    return {f: (folder / f).read_bytes() for f in GRAPH}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local


@pytest.mark.model
@pytest.mark.slow
def test_scheduler_build_equals_local_build_and_loads_the_model_once(tmp_path, cluster):
    src = tmp_path / "in"
    write_articles(src, 40)
    patterns = tmp_path / "p.json"
    patterns.write_text(
        '{"lexicon": {"word_lists": {"protest_nouns": ["vigil"]}}}', encoding="utf-8"
    )
    build([src], tmp_path / "local", workers=1, cache=False, patterns=[patterns])
    remote = build(
        [src],
        tmp_path / "dask",
        scheduler=cluster.scheduler_address,
        cache=False,
        patterns=[patterns],
    )
    assert remote.stats["engine"] == "DaskEngine" and remote.stats["extracted"] == 40
    assert _files(tmp_path / "local") == _files(tmp_path / "dask")
    with distributed.Client(cluster) as client:
        from kg.builder.distributed import worker_loads

        loads = client.run(worker_loads)
    assert len(loads) == 2 and all(n <= 1 for n in loads.values()) and sum(loads.values()) >= 1

    again = build(
        [src], tmp_path / "dask", scheduler=cluster.scheduler_address, patterns=[patterns]
    )
    assert again.stats["extracted"] == 40  # the first dask build had no cache
    cached = build(
        [src], tmp_path / "dask", scheduler=cluster.scheduler_address, patterns=[patterns]
    )
    assert cached.stats["extracted"] == 0 and cached.stats["cache"]["hits"] == 40
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")
    with distributed.Client(cluster) as client:
        assert all(n <= 1 for n in client.run(worker_loads).values())


@pytest.mark.model
@pytest.mark.slow
def test_cli_build_through_scheduler(tmp_path, cluster):
    src = tmp_path / "in"
    write_articles(src, 3)
    proc = kg_build(
        str(src), "--out", str(tmp_path / "out"), "--scheduler", cluster.scheduler_address, "-q"
    )
    assert proc.returncode == 0, text_of(proc)
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    import kg.builder.distributed as dist

    monkeypatch.setattr(dist, "CONNECT_TIMEOUT", 2.0)
    src = tmp_path / "in"
    write_articles(src, 1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    started = time.monotonic()
    with pytest.raises(SetupError, match="cannot reach the Dask scheduler"):
        build([src], tmp_path / "out", scheduler=f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - started < 60
    assert not (tmp_path / "out" / "graph.ttl").exists()
    assert sys.modules.get("distributed") is not None
