"""Measure how fast ``kg.load_graph`` loads exports, and its peak memory, from tables and from RDF.

Usage::

    python benchmarks/load.py EXPORT_DIR [EXPORT_DIR ...] [--sources auto,trig,ttl,nt,jsonld]
                              [--rounds 3]
    python benchmarks/load.py --build 2000 6000 --into DIR   # build missing Reuters subsets first

Each load runs in a fresh Python process (so imports are warm in the OS cache but not in the
process, and the peak memory is that of one load): the process imports kg, records its resident
memory, calls :func:`kg.load_graph` and reports the wall-clock seconds of the call, its CPU
seconds (user + system: on a shared machine they say more than the wall clock, which also waits
for other processes), the peak resident memory of the process (``ru_maxrss``) and its growth over
the post-import baseline, and the nodes and edges loaded. Sources: ``auto`` is what
``kg.load_graph(folder)`` reads (the Parquet ``tables/`` when present, else the RDF file chosen
by :func:`kg.rdf.export_file`: ``graph.nt`` first); ``trig``, ``ttl``, ``nt``, ``jsonld`` load
that RDF file.
The best of ``--rounds`` runs is reported.

``--build N ...`` first builds, for each N, the first N articles of
``../shared/corpora/reuters21578.jsonl`` with ``kg build`` into ``DIR/reuters-N`` (skipped when
``DIR/reuters-N/report.json`` exists), then measures those folders. A full build of 19,043 articles
takes about 20 minutes on the 2-core reference machine.

It prints a table and, last, one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from a checkout without installing kg
    sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
REUTERS = SHARED / "corpora" / "reuters21578.jsonl"
SOURCES = ("auto", "trig", "ttl", "nt", "jsonld")

# run in a child process: one load, figures as one JSON line
_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {repo!r})
import kg
import kg.analyze.load, kg.analyze.tables, kg.rdf, pyoxigraph, pyarrow.parquet
def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
base = rss_mb()
t, cpu = time.perf_counter(), time.process_time()
G = kg.load_graph({path!r})
seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak, "baseline_mb": base,
                  "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}}))
"""


def measure(path: Path, rounds: int) -> dict[str, float]:
    """Load ``path`` in ``rounds`` fresh processes; the figures of the fastest run."""
    runs = []
    for _ in range(rounds):
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD.format(repo=str(REPO), path=str(path))],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(f"loading {path} failed:\n{proc.stderr.strip()[-2000:]}")
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["seconds"])
    best["cpu_seconds"] = min(r["cpu_seconds"] for r in runs)
    best["peak_mb"] = min(r["peak_mb"] for r in runs)
    return best


def source_path(folder: Path, source: str) -> Path | None:
    """The path given to ``kg.load_graph`` for a source, or ``None`` when the export lacks it."""
    if source == "auto":
        return folder
    path = folder / f"graph.{source}"
    return path if path.is_file() else None


def build_subsets(sizes: list[int], into: Path) -> list[Path]:
    """Build the first N Reuters articles for each N (once), return the export folders."""
    if not REUTERS.is_file():
        raise SystemExit(f"no corpus at {REUTERS} (the shared folder next to the repository)")
    folders = []
    for n in sizes:
        out = into / f"reuters-{n}"
        folders.append(out)
        if (out / "report.json").is_file():
            continue
        with REUTERS.open(encoding="utf-8") as f:
            lines = [line for _, line in zip(range(n), f, strict=False)]
        with tempfile.TemporaryDirectory() as tmp:
            subset = Path(tmp) / f"reuters-{n}.jsonl"
            subset.write_text("".join(lines), encoding="utf-8")
            print(f"building {n} articles into {out} …", file=sys.stderr, flush=True)
            subprocess.run(
                [sys.executable, "-m", "kg", "build", str(subset), "--out", str(out), "-q"],
                cwd=REPO,
                check=True,
            )
    return folders


def documents(folder: Path) -> int | None:
    """Number of documents of an export (from its report)."""
    try:
        return int(json.loads((folder / "report.json").read_text())["documents"])
    except (OSError, ValueError, KeyError):
        return None


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table and a JSON line."""
    from kg.analyze.tables import tables_dir
    from kg.rdf import export_file

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exports", nargs="*", type=Path, help="Export folders to load.")
    parser.add_argument("--sources", default="auto,trig", help=f"Comma list of {SOURCES}.")
    parser.add_argument("--rounds", type=int, default=3, help="Runs per load; best is kept.")
    parser.add_argument("--build", nargs="*", type=int, default=[], help="Reuters subset sizes.")
    parser.add_argument("--into", type=Path, default=REPO / "benchmarks" / "exports")
    args = parser.parse_args(argv)
    sources = [s for s in args.sources.split(",") if s]
    if unknown := set(sources) - set(SOURCES):
        parser.error(f"unknown sources {sorted(unknown)}; expected {SOURCES}")
    folders = [*args.exports, *(build_subsets(args.build, args.into) if args.build else [])]
    if not folders:
        parser.error("give export folders, or --build N ...")

    rows = []
    for folder in folders:
        for source in sources:
            path = source_path(folder, source)
            if path is None:
                continue
            read = source
            if source == "auto":
                read = "tables" if tables_dir(folder) else export_file(folder).suffix[1:]
            fig = measure(path, args.rounds)
            rows.append(
                {
                    "export": str(folder),
                    "documents": documents(folder),
                    "source": read if source != "auto" else f"auto ({read})",
                    **{k: round(v, 3) if isinstance(v, float) else v for k, v in fig.items()},
                }
            )
            r = rows[-1]
            print(
                f"{folder.name:<24} {r['documents'] or '?':>6} docs  {r['source']:<16} "
                f"{r['seconds']:>7.2f} s (cpu {r['cpu_seconds']:>6.2f} s)  "
                f"peak {r['peak_mb']:>6.0f} MB "
                f"(+{r['peak_mb'] - r['baseline_mb']:.0f} over imports)  "
                f"{r['nodes']} nodes, {r['edges']} edges",
                flush=True,
            )
    print(json.dumps({"benchmark": "load", "rounds": args.rounds, "results": rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
