"""Measure ``kg serve`` on an exports folder: start time, memory, named-query latency, runaways.

Usage::

    python benchmarks/serve.py EXPORTS [--rounds 30] [--entity LABEL] [--runaway 20]
                               [--keep-store] [--cmd "TEMPLATE"]

* **start**: the store next to the exports (``graph.oxigraph/``) is removed (unless
  ``--keep-store``), then ``kg serve`` is started twice; each start is timed from launching the
  process to the first answer of ``/queries.json``. The first start builds the store, the second
  reuses it.
* **memory**: resident memory (``VmRSS``) of the server and its worker processes, after the second
  start and after the named queries.
* **named queries**: every named query of ``ontology/queries`` is sent ``--rounds`` times in a
  row over one keep-alive connection (SPARQL JSON results), after one warm-up; p50/p95 in ms and
  the number of result rows. Parameters are bound to ``--entity``, by default the 100th entity by
  number of documents mentioning it (the last one if there are fewer): a frequent one, but not
  the few mentioned everywhere. A query whose parameters are all optional is measured without
  and with them. A query refused on its warm-up (413 too large, 503 too slow) is sent once more
  and reported with its status.
* **runaway** (``--runaway SECONDS``, 0 to skip): four clients keep sending queries that never end
  or grow without bound while another client sends a small query every 20 ms; its p50/p99, the
  share answered, and the peak resident memory of the server and its workers.

``--cmd`` starts another server instead, e.g. an older checkout's (``{exports}`` and ``{port}`` are
filled in). Prints a table and, last, one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.query import sparql as q  # noqa: E402
from kg.query.store import STORE_DIR  # noqa: E402

RUNAWAYS = (
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND() LIMIT 1",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND() LIMIT 1",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
)
SMALL = "SELECT ?c ?name WHERE { ?c a kg:Country ; rdfs:label ?name } ORDER BY ?name LIMIT 20"
FREQUENT_ENTITY = (
    "SELECT ?e (COUNT(?d) AS ?n) WHERE { ?e a kg:Entity ; kg:mentionedIn ?d } "
    "GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 100"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children, in MB."""
    pids = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    pids.append(int(entry.name))
            except (OSError, IndexError):
                continue
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def start(cmd: str, exports: Path) -> tuple[subprocess.Popen, int, float]:
    """Start a server; return it, its port and the seconds until it answered."""
    port = free_port()
    args = shlex.split(cmd.format(exports=exports, port=port, python=sys.executable))
    began = time.perf_counter()
    proc = subprocess.Popen(args, cwd=exports, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/queries.json")
            if conn.getresponse().status == 200:
                return proc, port, time.perf_counter() - began
        except OSError:
            time.sleep(0.02)
        finally:
            conn.close()


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def get(conn: http.client.HTTPConnection, query: str) -> tuple[int, bytes]:
    conn.request(
        "GET",
        "/sparql?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    response = conn.getresponse()
    return response.status, response.read()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def named_latencies(port: int, texts: dict[str, str], rounds: int) -> dict[str, dict]:
    out = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for name, text in texts.items():
        status, body = get(conn, text)
        rows = len(json.loads(body)["results"]["bindings"]) if status == 200 else None
        times = []
        for _ in range(rounds if status == 200 else 1):
            began = time.perf_counter()
            get(conn, text)
            times.append((time.perf_counter() - began) * 1000)
        out[name] = {
            "status": status,
            "rows": rows,
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
        }
    conn.close()
    return out


def runaway(port: int, pid: int, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    codes: list[int] = []

    def hammer(query: str) -> None:
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                codes.append(get(conn, query)[0])
            except OSError:
                codes.append(0)
            finally:
                conn.close()

    threads = [threading.Thread(target=hammer, args=(t,), daemon=True) for t in RUNAWAYS]
    for thread in threads:
        thread.start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times, ok, peak = [], 0, 0.0
    while time.monotonic() < deadline:
        began = time.perf_counter()
        try:
            status, _ = get(conn, SMALL)
        except OSError:
            status = 0
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        times.append((time.perf_counter() - began) * 1000)
        ok += status == 200
        peak = max(peak, tree_rss_mb(pid))
        time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=120)
    return {
        "small_answered": f"{ok}/{len(times)}",
        "small_p50_ms": round(statistics.median(times), 1),
        "small_p99_ms": round(percentile(times, 0.99), 1),
        "peak_rss_mb": round(peak),
        "runaway_statuses": sorted(set(codes)),
        "server_alive": None,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exports", type=Path)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--entity", default=None, help="entity (label or <IRI>) for ?entity")
    parser.add_argument("--runaway", type=float, default=20.0, help="seconds; 0 skips")
    parser.add_argument("--keep-store", action="store_true", help="do not time a first build")
    parser.add_argument(
        "--cmd", default="{python} -m kg serve {exports} --port {port} --quiet",
        help="server command template",
    )  # fmt: skip
    args = parser.parse_args(argv)
    exports = args.exports.resolve()
    if not args.keep_store:
        shutil.rmtree(exports / STORE_DIR, ignore_errors=True)
    figures: dict = {"exports": str(exports), "machine_cores": os.cpu_count()}

    proc, _, figures["first_start_s"] = start(args.cmd, exports)
    stop(proc)
    proc, port, figures["second_start_s"] = start(args.cmd, exports)
    try:
        figures["rss_after_start_mb"] = round(tree_rss_mb(proc.pid))
        store = q.load_store(exports)
        entity = args.entity
        if entity is None:
            found = q.run_query(store, FREQUENT_ENTITY)
            entity = f"<{found.bindings[-1][0].value}>"  # the 100th, or the last of fewer
        figures["entity"] = entity
        texts = {}
        for name, query in q.named_queries().items():
            if all(p.optional for p in query.params):
                texts[name] = query.text
            if query.params:
                bound = {p.name: entity for p in query.params}
                texts[f"{name} (entity)"] = q.bind_params(store, query, bound)
        del store
        figures["queries"] = named_latencies(port, texts, args.rounds)
        figures["rss_after_queries_mb"] = round(tree_rss_mb(proc.pid))
        if args.runaway > 0:
            figures["runaway"] = runaway(port, proc.pid, args.runaway)
            figures["runaway"]["server_alive"] = proc.poll() is None
    finally:
        stop(proc)

    print(f"exports           {exports}")
    print(f"first start       {figures['first_start_s']:.2f} s (builds the store)")
    print(f"second start      {figures['second_start_s']:.2f} s")
    print(f"RSS after start   {figures['rss_after_start_mb']} MB (server + workers)")
    print(f"RSS after queries {figures['rss_after_queries_mb']} MB")
    print(f"{'query':<26}{'status':>7}{'rows':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for name, row in figures["queries"].items():
        rows = "" if row["rows"] is None else row["rows"]
        print(f"{name:<26}{row['status']:>7}{rows:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}")
    if "runaway" in figures:
        print("runaway           " + json.dumps(figures["runaway"]))
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
