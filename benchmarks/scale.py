"""Measure corpus-scale builds on Reuters-21578: workers, Dask, incremental rebuilds, memory.

Usage::

    python benchmarks/scale.py [--n 2000] [--corpus PATH] [--skip-dask] [--long] [--full]

Every build is a real ``kg build`` subprocess (``python -m kg build … --quiet``) on the first N
articles of ``../shared/corpora/reuters21578.jsonl``; its peak memory is the largest sum of
the proportional set size (PSS, shared pages split between the processes that share them) of
the build process and all its descendants (worker processes included), sampled every 0.1 s
from ``/proc``. Figures:

* ``w1`` / ``w2``: ``--workers 1`` and ``--workers 2``, no cache; articles/s and the ratio;
  the two graphs must be byte-identical;
* ``dask``: a build through ``--scheduler`` on a local 2-worker cluster (``dask scheduler`` and
  ``dask worker --nworkers 2 --nthreads 1`` subprocesses on 127.0.0.1), no cache; must equal
  ``w1`` byte for byte (client peak memory only: the workers are the cluster's);
* ``full`` / ``incremental``: a build with the cache, then the same inputs plus the next 1% of
  the corpus (a second JSON Lines file) into the same folder; seconds and ratio; the result
  must equal a fresh ``--no-cache`` build of both files;
* ``--long``: one 1.5M-character article (made of corpus texts) against the same text as 10
  articles, ``--workers 1``: seconds and ratio (the target is at most 3);
* ``--full``: one ``--workers 2`` build of the whole corpus (peak memory; ~10-20 minutes);
* export seconds (from ``report.json``) and the size of every export file.

It prints a table and, last, one JSON line with every figure. On a shared machine the wall-clock
figures vary with the load: the 1-minute load average before each build is printed with it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from a checkout without installing kg
    sys.path.insert(0, str(REPO))

from kg.builder.output import EXPORT_FILES  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578.jsonl"
#: The graph files compared between builds (every export but the report, which has times).
GRAPH_FILES = (*(f for f in EXPORT_FILES if f != "report.json"), "csv/nodes.csv", "csv/edges.csv")


@dataclass
class Run:
    """One timed build."""

    name: str
    seconds: float
    articles: int
    peak_mb: float
    load: float
    report: dict = field(default_factory=dict, repr=False)

    @property
    def per_s(self) -> float:
        """Articles per second."""
        return self.articles / self.seconds if self.seconds else 0.0

    def row(self) -> dict:
        """Plain figures for the JSON line."""
        out = asdict(self)
        out.pop("report")
        out["per_s"] = round(self.per_s, 2)
        out["seconds"] = round(self.seconds, 2)
        out["peak_mb"] = round(self.peak_mb, 1)
        out["export_s"] = (self.report.get("build") or {}).get("export_s")
        out["extracted"] = (self.report.get("build") or {}).get("extracted")
        return out


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(stat[1]), []).append(int(entry))
    return tree


def _memory_kb(pid: int) -> int:
    for name, key in (("smaps_rollup", b"Pss:"), ("status", b"VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as fh:
                for line in fh:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def tree_memory_mb(root: int) -> float:
    """PSS of a process and all its descendants, in MB."""
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _memory_kb(pid)
        todo.extend(tree.get(pid, []))
    return total / 1024


def run_build(name: str, args: list[str], articles: int, env: dict | None = None) -> Run:
    """Run ``kg build`` as a subprocess, sampling its process tree's memory."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", *args, "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=REPO,
    )
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_memory_mb(proc.pid))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{name}: kg build failed:\n{err.decode(errors='replace')[-2000:]}")
    out = Path(args[args.index("--out") + 1])
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return Run(name, seconds, articles, peak, load, report)


def same_files(a: Path, b: Path) -> bool:
    """Whether two output folders hold byte-identical graph files."""
    return all((a / f).read_bytes() == (b / f).read_bytes() for f in GRAPH_FILES)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_cluster(workers: int = 2) -> tuple[str, list[subprocess.Popen]]:
    """Start ``dask scheduler`` and ``dask worker`` subprocesses on loopback."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    procs = [
        subprocess.Popen(
            [*dask, "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    procs.append(
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_worker",
                address,
                "--nworkers",
                str(workers),
                "--nthreads",
                "1",
                "--host",
                "127.0.0.1",
                "--no-dashboard",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, procs


def write_lines(path: Path, lines: list[str]) -> Path:
    """Write JSON Lines."""
    path.write_text("".join(lines), encoding="utf-8")
    return path


def long_article_inputs(
    lines: list[str], folder: Path, chars: int = 1_500_000
) -> tuple[Path, Path]:
    """One article of ``chars`` characters of corpus text, and the same text as 10 articles."""
    texts, total = [], 0
    for line in lines:
        text = json.loads(line)["text"]
        texts.append(text)
        total += len(text) + 2
        if total >= chars:
            break
    whole = "\n\n".join(texts)[:chars]
    one = folder / "long"
    one.mkdir()
    (one / "long.txt").write_text(whole, encoding="utf-8")
    ten = folder / "ten"
    ten.mkdir()
    size = len(whole) // 10
    start = 0
    for i in range(10):
        end = len(whole) if i == 9 else whole.rfind("\n\n", start, start + size) + 2 or start + size
        (ten / f"part{i}.txt").write_text(whole[start:end], encoding="utf-8")
        start = end
    return one, ten


def main() -> None:
    """Run the scale benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="articles (first N of the corpus)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--skip-dask", action="store_true", help="no Dask build")
    ap.add_argument("--long", action="store_true", help="also time a 1.5M-character article")
    ap.add_argument("--full", action="store_true", help="also build the whole corpus (memory)")
    args = ap.parse_args()
    if not args.corpus.is_file():
        raise SystemExit(f"corpus not found: {args.corpus} (needs ../shared/corpora)")
    lines = args.corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    n = min(args.n, len(lines))
    extra = max(1, n // 100)
    tmp = Path(tempfile.mkdtemp(prefix="kg-scale-"))
    runs: list[Run] = []
    checks: dict[str, bool] = {}
    try:
        base = write_lines(tmp / "base.jsonl", lines[:n])
        more = write_lines(tmp / "more.jsonl", lines[n : n + extra])

        def build(name: str, inputs: list[Path], out: str, *opts: str, count: int = n) -> Run:
            run = run_build(name, [*map(str, inputs), "--out", str(tmp / out), *opts], count)
            runs.append(run)
            print(
                f"{name:<12} {run.seconds:8.1f} s {run.per_s:8.1f} art/s "
                f"peak {run.peak_mb:7.0f} MB  load {run.load:.1f}",
                flush=True,
            )
            return run

        w1 = build("w1", [base], "w1", "--workers", "1", "--no-cache")
        w2 = build("w2", [base], "w2", "--workers", "2", "--no-cache")
        checks["w2_same_as_w1"] = same_files(tmp / "w1", tmp / "w2")
        if not args.skip_dask:
            address, procs = dask_cluster(2)
            try:
                build("dask", [base], "dask", "--scheduler", address, "--no-cache")
            finally:
                for proc in reversed(procs):
                    proc.terminate()
                for proc in procs:
                    proc.wait(timeout=30)
            checks["dask_same_as_local"] = same_files(tmp / "w1", tmp / "dask")
        full = build("full+cache", [base], "inc", "--workers", "2")
        inc = build("incremental", [base, more], "inc", "--workers", "2", count=n + extra)
        build("fresh n+1%", [base, more], "fresh", "--workers", "2", "--no-cache", count=n + extra)
        checks["incremental_same_as_fresh"] = same_files(tmp / "inc", tmp / "fresh")
        if args.long:
            one, ten = long_article_inputs(lines[n + extra :], tmp)
            build("long 1.5M", [one], "long", "--workers", "1", "--no-cache", count=1)
            build("as 10", [ten], "ten", "--workers", "1", "--no-cache", count=10)
        if args.full:
            build(
                "corpus w2",
                [args.corpus],
                "corpus",
                "--workers",
                "2",
                "--no-cache",
                count=len(lines),
            )
        sizes = {
            f: (tmp / "w1" / f).stat().st_size for f in GRAPH_FILES if (tmp / "w1" / f).exists()
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    by = {r.name: r for r in runs}
    figures = {
        "n": n,
        "added": extra,
        "cores": os.cpu_count(),
        "runs": [r.row() for r in runs],
        "speedup_w2_over_w1": round(w1.seconds / w2.seconds, 2),
        "incremental_ratio": round(inc.seconds / full.seconds, 3),
        "checks": checks,
        "export_sizes": sizes,
    }
    if "dask" in by:
        figures["dask_over_local_w2"] = round(by["dask"].seconds / w2.seconds, 2)
    if "long 1.5M" in by:
        figures["long_over_ten"] = round(by["long 1.5M"].seconds / by["as 10"].seconds, 2)
    print()
    print(f"speed-up --workers 2 / --workers 1: {figures['speedup_w2_over_w1']}x")
    print(f"incremental (+{extra}) / full build: {figures['incremental_ratio']}")
    for name, ok in checks.items():
        print(f"{name}: {'yes' if ok else 'NO'}")
    for f, size in sizes.items():
        print(f"{f:<16} {size / 1e6:8.2f} MB")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
