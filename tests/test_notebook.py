"""The example notebook: committed without outputs, and it runs on a real Jupyter kernel."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import FLAGSHIP_STATES
from ipykernel.kernelspec import install
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from kg.export.view.page import read_page_data

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "analyse-a-corpus.ipynb"
KERNEL = "kg-test-python3"
#: Seconds a cell may take (the build cell loads spaCy); the whole run takes well under a minute.
CELL_TIMEOUT = 300


def _cell(nb, cell_id: str):
    found = [c for c in nb.cells if c.get("id") == cell_id]
    assert found, f"no cell {cell_id!r} in the notebook"
    return found[0]


def _text(cell) -> str:
    """Everything a code cell printed or displayed, as text (plain and HTML)."""
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        for mime in ("text/plain", "text/html"):
            parts.append(out.get("data", {}).get(mime, ""))
    return "\n".join(parts)


def _html(cell) -> str:
    shown = [o.data["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
    assert len(shown) == 1, f"cell {cell.id!r} displayed {len(shown)} HTML outputs"
    return shown[0]


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    ids = [c.id for c in nb.cells]
    assert len(set(ids)) == len(ids)
    assert "kg.load_tables" in _cell(nb, "tables").source
    assert "duckdb.sql" in _cell(nb, "duckdb").source
    assert nb.metadata.kernelspec.name == "python3"


def _kernel_manager(prefix: Path):
    """A kernel manager for an ipykernel spec registered for this interpreter under ``prefix``.

    The spec is registered explicitly (not looked up by name) so the kernel runs the Python that
    runs the tests, whatever other ``python3`` specs the machine or user has.
    """
    install(kernel_name=KERNEL, prefix=str(prefix))
    specs = KernelSpecManager(kernel_dirs=[str(prefix / "share" / "jupyter" / "kernels")])
    assert KERNEL in specs.find_kernel_specs()
    return KernelManager(
        kernel_name=KERNEL,
        kernel_spec_manager=specs,
        # Unix sockets in the test's folder: no TCP port, no file in the user's runtime folder
        transport="ipc",
        ip=str(prefix / "kernel"),
        connection_file=str(prefix / "kernel.json"),
    )


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook run by nbclient on a real ipykernel, in a copy of examples/ and seeds/."""
    tmp = tmp_path_factory.mktemp("notebook")
    shutil.copytree(ROOT / "seeds", tmp / "seeds")
    (tmp / "examples").mkdir()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        km=_kernel_manager(tmp / "jupyter"),
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(tmp / "examples")}},
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TMPDIR", str(tmp))  # the kernel's temporary folders, kept even if a cell fails
        client.execute()  # raises CellExecutionError, with the traceback, if a cell fails
    nbformat.write(nb, tmp / "examples" / NOTEBOOK.name)
    return nb


@pytest.mark.slow
@pytest.mark.model
def test_every_cell_runs(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    assert "Traceback" not in "".join(_text(c) for c in code)


@pytest.mark.slow
@pytest.mark.model
def test_flagship_states_in_pandas_and_sparql(executed):
    for cell_id in ("relations", "sparql-flagship"):
        shown = _text(_cell(executed, cell_id))
        for state in FLAGSHIP_STATES:
            assert state in shown, (cell_id, state)
    assert f"contributing states: {', '.join(FLAGSHIP_STATES)}\n" in _text(
        _cell(executed, "sparql-flagship")
    )
    # the SPARQL answer quotes the seed article's supporting sentences
    assert "000_8de8a0582fcf7fc5.txt" in _text(_cell(executed, "sparql-flagship"))


@pytest.mark.slow
@pytest.mark.model
def test_analysis_outputs(executed):
    build = _text(_cell(executed, "build"))
    assert re.search(r"\b6 documents\b", build) and "0 warnings" in build
    assert "communities of two entities or more" in _text(_cell(executed, "communities"))
    assert re.search(r"\d+ dated events", _text(_cell(executed, "timeline")))
    plots = [
        o for o in _cell(executed, "timeline-plot").outputs if "image/png" in o.get("data", {})
    ]
    assert len(plots) == 1
    assert "Tokayev" in _text(_cell(executed, "sparql-param"))
    tables = _text(_cell(executed, "tables"))  # the flagship answer from the Parquet tables
    assert "'relations'" in tables and all(state in tables for state in FLAGSHIP_STATES)
    assert "events" in _text(_cell(executed, "duckdb"))


def _shown_page(cell) -> str:
    """The page ``kg.show`` displayed: checked to be a sandboxed, self-contained srcdoc iframe."""
    match = re.fullmatch(
        r'<div class="kg-view"><iframe srcdoc="([^"]*)" sandbox="([^"]*)" .*></iframe></div>',
        _html(cell),
        flags=re.DOTALL,
    )
    assert match, _html(cell)[:300]
    page, sandbox = html.unescape(match.group(1)), match.group(2).split()
    assert "allow-scripts" in sandbox and "allow-same-origin" not in sandbox
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "Content-Security-Policy" in page
    # self-contained: no script, stylesheet, frame or image is loaded from anywhere
    assert not re.search(r"<(script|link|iframe|img)\b[^>]*\b(src|href)=", page, re.IGNORECASE)
    return page


@pytest.mark.slow
@pytest.mark.model
def test_show_displays_the_whole_graph_and_a_slice(executed):
    loaded = re.search(
        r"MultiDiGraph with (\d+) nodes and (\d+) edges", _text(_cell(executed, "load"))
    )
    assert loaded
    nodes, edges = int(loaded.group(1)), int(loaded.group(2))

    page = _shown_page(_cell(executed, "show"))
    assert "<title>Kazakhstan, January 2022</title>" in page  # the graph.html kg.build wrote
    whole = read_page_data(page)
    assert (len(whole["nodes"]), len(whole["edges"])) == (nodes, edges)

    page = _shown_page(_cell(executed, "show-sub"))
    assert "<title>Around Tokayev</title>" in page
    part = read_page_data(page)
    assert 1 < len(part["nodes"]) < nodes
    assert "Kassym-Jomart Tokayev" in json.dumps(part["nodes"], ensure_ascii=False)
