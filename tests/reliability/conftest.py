"""Helpers of the reliability tests: good articles, kg build subprocesses, unprivileged reads."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"

#: Invented news sentences (never corpus text) to make good articles from.
SENTENCES = (
    "The European Union said on Monday it would send observers to the election in Georgia.",
    "Germany and France agreed to share the cost of the new bridge over the Rhine.",
    "The United Nations asked Kenya to open its border to refugees from Somalia.",
    "Officials in Brazil said the central bank would raise interest rates in March.",
    "NATO ministers met in Brussels to discuss the deployment of troops to Estonia.",
    "Japan's prime minister visited Australia to sign a trade agreement with Canberra.",
    "Protesters gathered outside parliament in Lima to demand new elections in Peru.",
    "The World Bank approved a loan to Egypt to build power plants near Cairo.",
)


def article(i: int, sentences: int = 3) -> str:
    """A short invented article (a headline line and a few sentences)."""
    body = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(sentences))
    return f"date 2021-0{1 + i % 9}-1{i % 10} Report number {i}\n\n{body}\n"


def write_articles(folder: Path, count: int, start: int = 0) -> list[Path]:
    """Write ``count`` good articles as ``a<i>.txt``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"a{i:03d}.txt"
        path.write_text(article(i), encoding="utf-8")
        paths.append(path)
    return paths


def kg_build(*args: str, stdin: bytes | None = None, timeout: float = 1200, **kw):
    """Run ``python -m kg build ARGS`` and return the completed process (output as text)."""
    return subprocess.run(
        [sys.executable, "-m", "kg", "build", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        cwd=REPO,
        **kw,
    )


def text_of(proc) -> str:
    """Both output streams of a finished process, decoded."""
    return (proc.stdout or b"").decode(errors="replace") + (proc.stderr or b"").decode(
        errors="replace"
    )


@pytest.fixture
def public_tmp():
    """A temporary folder that an unprivileged user can enter (for permission tests)."""
    folder = Path(tempfile.mkdtemp(prefix="kg-rel-"))
    folder.chmod(0o755)
    yield folder
    for root, dirs, _ in os.walk(folder):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
    shutil.rmtree(folder, ignore_errors=True)


def read_unprivileged(inputs: list[str]) -> tuple[list[str], list[str]]:
    """Read inputs as a user without root's right to ignore permissions.

    As root, a forked child drops to ``nobody`` and reads; otherwise the reading runs here.
    """
    from kg.builder.read import read_inputs

    if os.geteuid() != 0:
        result = read_inputs(inputs)
        return [a.id for a in result.articles], result.warnings
    import pwd

    nobody = pwd.getpwnam("nobody")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop privileges, read, report, leave
        code = 1
        try:
            os.close(read_fd)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            result = read_inputs(inputs)
            doc = {"ids": [a.id for a in result.articles], "warnings": result.warnings}
            with os.fdopen(write_fd, "w") as fh:
                json.dump(doc, fh)
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd) as fh:
        data = fh.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the unprivileged reader failed"
    doc = json.loads(data)
    return doc["ids"], doc["warnings"]


def can_drop_privileges() -> bool:
    """Whether permission tests can run (not root, or root able to become ``nobody``)."""
    if os.geteuid() != 0:
        return True
    try:
        import pwd

        pwd.getpwnam("nobody")
    except (ImportError, KeyError):
        return False
    return True
