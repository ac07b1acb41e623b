"""Kill real ``kg build`` processes at random moments: the folder always holds one generation.

Two corpora (A: 5 articles, B: 9) are built alternately into one folder with the cache on;
each build is killed (SIGKILL to its process group: the build and any worker it started) after
a random delay, half of them drawn over the whole build and half over its last 40% (export and
publication). After every kill the folder must hold one complete generation, A's or B's, byte
for byte: either as it is, or, when the kill hit the publication itself, after the roll-forward
that the next build starts with. Finally a build completes, leaves no orphan, reuses the cache
and equals a fresh ``--no-cache`` build.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from kg.builder.output import OutputFolder, verify

from .conftest import REPO, kg_build, text_of, write_articles

KILLS = 12
FILES = ("graph.ttl", "graph.nt", "graph.jsonld", "graph.html", "csv/nodes.csv", "report.json")


def _build_cmd(src, out, *opts):
    return [sys.executable, "-m", "kg", "build", str(src), "--out", str(out), "-q", *opts]


def _graph_files(folder):
    return {f: (folder / f).read_bytes() for f in FILES if f != "report.json"}


@pytest.mark.model
@pytest.mark.slow
def test_killed_builds_never_leave_a_mixed_or_partial_export(tmp_path):
    corpora = {"A": tmp_path / "A", "B": tmp_path / "B"}
    write_articles(corpora["A"], 5)
    write_articles(corpora["B"], 9, start=20)
    patterns = [tmp_path / "p0.json", tmp_path / "p1.json"]
    for i, path in enumerate(patterns):  # harmless extra patterns that change the fingerprint
        path.write_text(json.dumps({"not_entities": {"words": [f"zzz{i}"]}}), encoding="utf-8")
    reference = {}
    for name, src in corpora.items():
        proc = kg_build(str(src), "--out", str(tmp_path / f"ref-{name}"), "-q", "--no-cache")
        assert proc.returncode == 0, text_of(proc)
        reference[name] = _graph_files(tmp_path / f"ref-{name}")

    out = tmp_path / "out"
    assert kg_build(str(corpora["A"]), "--out", str(out), "-q").returncode == 0
    # a build that extracts (B is new to the cache), then one served by the cache: their times
    # bound the moments to kill at (later builds are mostly served by the cache)
    durations = []
    for name in ("B", "A"):
        started = time.monotonic()
        assert kg_build(str(corpora[name]), "--out", str(out), "-q").returncode == 0
        durations.append(time.monotonic() - started)
    rng = random.Random(11)
    outcomes = []
    for i in range(4 * KILLS):
        if sum(1 for o in outcomes if o[0] != "finished") >= KILLS:
            break
        name = "B" if i % 2 == 0 else "A"
        extracting = i % 4 == 0  # B with a new pattern file: every article is extracted again
        duration = durations[0] if extracting else durations[1]
        late = i % 2 == 1
        delay = rng.uniform(0.4 * duration, duration) if late else rng.uniform(0, duration)
        opts = ["--patterns", str(patterns[i // 4 % 2])] if extracting else []
        proc = subprocess.Popen(
            _build_cmd(corpora[name], out, *opts),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=REPO,
            start_new_session=True,
        )
        time.sleep(delay)
        finished = proc.poll() is not None
        if finished:  # faster than measured (the machine's load varies): aim earlier next time
            durations[0 if extracting else 1] = 0.9 * min(duration, delay)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        stderr = proc.stderr.read().decode(errors="replace")
        assert "Traceback" not in stderr, stderr
        problems = verify(out)
        rolled = False
        if problems:
            assert problems[0].startswith("a publication is under way"), problems
            with OutputFolder.prepare(out):  # what the next build does first
                rolled = True
            problems = verify(out)
        assert problems == [], problems
        current = _graph_files(out)
        assert current in (reference["A"], reference["B"]), f"attempt {i}: mixed generation"
        outcomes.append(("finished" if finished else f"killed@{delay:.1f}s", rolled))
    killed = [o for o in outcomes if o[0].startswith("killed")]
    assert len(killed) >= KILLS, outcomes

    proc = kg_build(str(corpora["B"]), "--out", str(out), "-q")
    assert proc.returncode == 0, text_of(proc)
    assert verify(out) == []
    assert _graph_files(out) == reference["B"]
    leftovers = [p.name for p in out.rglob("*") if p.name.endswith(".tmp") or "staging-" in p.name]
    assert leftovers == []
    report = json.loads((out / "report.json").read_text())
    assert not [w for w in report["warnings"] if "cache" in w], report["warnings"]
    again = kg_build(str(corpora["B"]), "--out", str(out), "-q")
    assert again.returncode == 0, text_of(again)
    report = json.loads((out / "report.json").read_text())
    assert report["build"]["cache"]["hits"] == 9 and report["build"]["extracted"] == 0
    assert _graph_files(out) == reference["B"]
    print("kill outcomes:", outcomes)


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    if int(fh.read().rsplit(b")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_killing_the_build_leaves_no_worker_process(tmp_path):
    src = tmp_path / "in"
    write_articles(src, 80)  # over MIN_PARALLEL: a pool of worker processes
    errors = open(tmp_path / "stderr.txt", "wb")  # a file: a full pipe would block writers
    proc = subprocess.Popen(
        _build_cmd(src, tmp_path / "out", "--workers", "2", "--no-cache"),
        stdout=subprocess.DEVNULL,
        stderr=errors,
        cwd=REPO,
    )
    deadline = time.monotonic() + 240
    workers: list[int] = []
    while len(workers) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        workers = _children(proc.pid)  # the resource tracker and two workers
    assert len(workers) >= 3, "the pool did not start"
    time.sleep(3)
    proc.kill()  # the build alone, not its process group
    proc.wait()
    deadline = time.monotonic() + 60
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    errors.close()
    assert not [w for w in workers if _alive(w)], "worker processes outlived the build"
    assert b"Traceback" not in (tmp_path / "stderr.txt").read_bytes()
