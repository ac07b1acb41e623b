"""The output folder: checked before any work, one-line errors, a lock, one generation at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from kg.builder.output import OutputError, OutputFolder, OutputLockedError, verify
from kg.io import atomic_write_text

from .conftest import REPO, can_drop_privileges, kg_build, text_of, write_articles


def _one_line_error(proc) -> str:
    output = text_of(proc)
    assert proc.returncode == 1, output
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if "error" in line]
    assert len(errors) == 1, output
    return errors[0]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda out: out.write_text("x"), "exists and is not a folder"),
        (lambda out: (out.mkdir(), (out / "csv").write_text("x")), "csv is in the way"),
        (lambda out: (out.mkdir(), (out / "graph.ttl").mkdir()), "graph.ttl is in the way"),
        (lambda out: (out.mkdir(), (out / ".kg").write_text("x")), ".kg is in the way"),
    ],
    ids=["out-is-a-file", "csv-is-a-file", "graph-ttl-is-a-folder", "meta-is-a-file"],
)
def test_bad_out_is_a_one_line_error_before_any_parsing(tmp_path, make, message):
    src = tmp_path / "in"
    write_articles(src, 2)
    out = tmp_path / "out"
    make(out)
    before = sorted(p.name for p in out.iterdir()) if out.is_dir() else None
    # a missing model would fail later: the --out error comes first, before any model or parsing
    proc = kg_build(str(src), "--out", str(out), "--model", "en_no_such_model", "-q")
    assert message in _one_line_error(proc)
    after = sorted(p.name for p in out.iterdir()) if out.is_dir() else None
    assert before == after or after == [*before, ".kg"]


@pytest.mark.skipif(not can_drop_privileges(), reason="needs to run as a non-root user")
def test_read_only_parent_is_refused_before_any_work(public_tmp):
    parent = public_tmp / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    if os.geteuid() != 0:
        with pytest.raises(OutputError, match="cannot write there"):
            OutputFolder.prepare(parent / "out")
        return
    # as root, a forked child becomes nobody (the interpreter may be out of nobody's reach)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            try:
                OutputFolder.prepare(parent / "out")
            except OutputError as err:
                code = 0 if "cannot write there (Permission denied)" in str(err) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not (parent / "out").exists()


def test_second_build_into_a_locked_folder_stops_with_a_clear_message(tmp_path):
    src = tmp_path / "in"
    write_articles(src, 2)
    out = tmp_path / "out"
    holder = OutputFolder.prepare(out)
    holder.acquire()
    try:
        proc = kg_build(str(src), "--out", str(out), "-q")
        line = _one_line_error(proc)
        assert "another kg build is writing to" in line and "choose another --out" in line
        with pytest.raises(OutputLockedError):
            OutputFolder.prepare(out).acquire()
    finally:
        holder.release()
    assert not (out / "graph.ttl").exists()


@pytest.mark.model
@pytest.mark.slow
def test_two_builds_at_once_leave_one_complete_generation(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_articles(a, 4)
    write_articles(b, 6, start=10)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "kg", "build", "--out", str(out), "-q", "--workers", "1"]
    procs = [
        subprocess.Popen([*cmd, str(src)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
        for src in (a, b)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    codes = [p.returncode for p in procs]
    assert sorted(codes) == [0, 1], outputs
    loser = outputs[codes.index(1)]
    assert b"another kg build is writing to" in loser[1] and b"Traceback" not in loser[1]
    assert verify(out) == []
    docs = json.loads((out / "report.json").read_text())["documents"]
    assert docs == (4 if codes[0] == 0 else 6)


def test_publication_replaces_the_set_and_verify_checks_it(tmp_path):
    out = tmp_path / "out"
    folder = OutputFolder.prepare(out)
    with folder:
        for generation in ("one", "two"):
            staging = folder.staging()
            for name in ("graph.ttl", "report.json"):
                atomic_write_text(staging / name, f"{generation} {name}\n")
            atomic_write_text(staging / "csv" / "nodes.csv", f"{generation}\n")
            if generation == "one":
                atomic_write_text(staging / "graph.gexf", "only in one\n")
            folder.publish(staging)
            assert verify(out) == []
    assert (out / "graph.ttl").read_text() == "two graph.ttl\n"
    assert (out / "csv" / "nodes.csv").read_text() == "two\n"
    assert not (out / "graph.gexf").exists(), "a file the new generation lacks is removed"
    assert not list((out / ".kg").glob("staging-*"))
    (out / "graph.ttl").write_text("tampered\n")
    assert verify(out) == ["graph.ttl: not the file of generation " + _generation(out)]


def _generation(out) -> str:
    return json.loads((out / ".kg" / "manifest.json").read_text())["generation"]


def test_interrupted_publication_is_rolled_forward_and_orphans_removed(tmp_path):
    out = tmp_path / "out"
    folder = OutputFolder.prepare(out)
    with folder:
        staging = folder.staging()
        atomic_write_text(staging / "graph.ttl", "old\n")
        atomic_write_text(staging / "report.json", "old\n")
        folder.publish(staging)
        staging = folder.staging()
        atomic_write_text(staging / "graph.ttl", "new\n")
        atomic_write_text(staging / "report.json", "new\n")
        manifest = folder.manifest(staging)
        journal = {"staging": staging.name, "manifest": manifest, "previous": ["graph.ttl"]}
        atomic_write_text(out / ".kg" / "publishing.json", json.dumps(journal))
        os.replace(staging / "graph.ttl", out / "graph.ttl")  # killed after one rename
    assert (out / "graph.ttl").read_text() == "new\n"
    assert (out / "report.json").read_text() == "old\n"
    assert verify(out)  # mixed: the journal says so
    (out / ".graph.nt.abc123xy.tmp").write_text("orphan")
    orphan = out / ".kg" / "staging-deadbeef0000"
    orphan.mkdir()
    with OutputFolder.prepare(out) as again:
        assert any("finished publishing" in w for w in again.warnings)
    assert verify(out) == []
    assert (out / "report.json").read_text() == "new\n"
    assert not (out / ".graph.nt.abc123xy.tmp").exists() and not orphan.exists()


def test_lock_is_released_when_the_holder_dies(tmp_path):
    out = tmp_path / "out"
    OutputFolder.prepare(out)
    code = (
        "import sys, time; from kg.builder.output import OutputFolder;"
        "f = OutputFolder.prepare(sys.argv[1]); f.acquire(); print('locked', flush=True);"
        "time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(out)], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"locked"
    with pytest.raises(OutputLockedError):
        OutputFolder.prepare(out).acquire()
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    folder = OutputFolder.prepare(out)
    while True:
        try:
            folder.acquire()
            break
        except OutputLockedError:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    folder.release()


@pytest.mark.model
@pytest.mark.parametrize("content", [b"not\ta\tgazetteer\n", None], ids=["bad-header", "missing"])
def test_bad_gazetteer_is_a_one_line_error_and_publishes_nothing(tmp_path, content):
    src = tmp_path / "in"
    write_articles(src, 1)
    gazetteer = tmp_path / "extra.tsv"
    if content is not None:
        gazetteer.write_bytes(content)
    proc = kg_build(str(src), "--out", str(tmp_path / "out"), "--gazetteer", str(gazetteer), "-q")
    line = _one_line_error(proc)
    assert "extra.tsv" in line or "gazetteer" in line, line
    assert not (tmp_path / "out" / "graph.ttl").exists()
