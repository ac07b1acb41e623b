"""Reliability of ``kg serve``: runaway queries must not take the endpoint down.

A real ``kg serve`` subprocess on loopback, with its default limits, serves the conftest sample
graph as ``kg build`` exports it (some 500 triples). Four clients keep sending a query whose
result grows without bound (a three-way cross product sorted at random); meanwhile another client
keeps asking a small query. Before the worker-process design, one such query grew the server to
gigabytes and killed it, and four of them held every query slot.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

pytestmark = [pytest.mark.server, pytest.mark.slow]

RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND() LIMIT 1"
COUNTING = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SMALL = "SELECT ?c ?name WHERE { ?c a kg:Country ; rdfs:label ?name } ORDER BY ?name"
SECONDS = 15.0


def _get(conn: http.client.HTTPConnection, query: str) -> tuple[int, bytes]:
    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
    response = conn.getresponse()
    return response.status, response.read()


def test_four_runaway_queries_leave_the_endpoint_answering(tmp_path: Path, sample_graph, kg_serve):
    from kg.export.rdf import write_rdf

    write_rdf(sample_graph, tmp_path / "exports")
    with kg_serve(tmp_path / "exports", "--quiet") as server:
        stop = time.monotonic() + SECONDS
        runaway_codes: list[int] = []

        def runaway(query: str) -> None:
            while time.monotonic() < stop:
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                try:
                    runaway_codes.append(_get(conn, query)[0])
                finally:
                    conn.close()

        threads = [
            threading.Thread(target=runaway, args=(q,), daemon=True)
            for q in (RUNAWAY, RUNAWAY, COUNTING, COUNTING)
        ]
        for thread in threads:
            thread.start()
        latencies: list[float] = []
        answered = 0
        peak_mb = 0.0
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        expected = None
        while time.monotonic() < stop:
            began = time.perf_counter()
            status, body = _get(conn, SMALL)
            latencies.append(time.perf_counter() - began)
            expected = expected or body
            answered += status == 200 and body == expected
            peak_mb = max(peak_mb, server.rss_mb())
            time.sleep(0.02)
        conn.close()
        for thread in threads:
            thread.join(timeout=30)
        assert server.proc.poll() is None, "the server died"
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99)]
        share = answered / len(latencies)
        print(
            f"\nsmall queries: {answered}/{len(latencies)} answered, "
            f"p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms; "
            f"peak RSS {peak_mb:.0f} MB; runaway answers {sorted(set(runaway_codes))}"
        )
        assert b"Kazakhstan" in expected
        assert share >= 0.99
        # latency (p99 <= 200 ms is the target) is measured by benchmarks/serve.py, not
        # asserted here: it depends on the machine's load, liveness and answers do not
        assert peak_mb <= 1024
        assert runaway_codes and set(runaway_codes) == {503}
        # and once they are gone, everything is back to normal
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        assert _get(conn, SMALL) == (200, expected)
        conn.close()
