"""The benchmark scripts: span mapping and scoring helpers, and a smoke run of each main()."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kg.model import Article, DocResult, Evidence, Mention, Relation

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).parents[1].parent / "shared"
CONLL = SHARED / "benchmarks" / "conll04" / "conll04_dev.json"
BBC = SHARED / "corpora" / "bbc"


def _load(name: str) -> ModuleType:
    """Import ``benchmarks/NAME.py`` (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", ROOT / "benchmarks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def conll04() -> ModuleType:
    return _load("conll04")


@pytest.fixture(scope="module")
def throughput() -> ModuleType:
    return _load("throughput")


# --- pure helpers (no model, no ../shared) -------------------------------------------------------

TOKENS = (
    "Mr.",
    "John",
    "Smith",
    "works",
    "for",
    "Acme",
    "Corp.",
    "in",
    "Paris",
    ",",
    "France",
    ".",
)


def _mention(text: str, cls: str, key: str, *, is_name: bool = True) -> Mention:
    joined = " ".join(TOKENS)
    start = joined.index(text)
    return Mention("s", start, start + len(text), text, cls, key, text, is_name=is_name)


def _relation(subj: str, prop: str, obj: str) -> Relation:
    return Relation(subj, prop, obj, Evidence("s", 0, 10, "x", "rule", 0.5))


def test_char_span_to_tokens_covers_partial_tokens(conll04):
    offsets = conll04.token_offsets(["New", "York-based", "firm"])
    assert offsets == [(0, 3), (4, 14), (15, 19)]
    assert conll04.char_span_to_tokens(offsets, 0, 8) == (0, 2)  # "New York" inside "York-based"
    assert conll04.char_span_to_tokens(offsets, 15, 19) == (2, 3)
    assert conll04.char_span_to_tokens(offsets, 3, 4) is None  # only the space


def test_conll_type_follows_superclasses(conll04):
    assert conll04.conll_type("Person") == "Peop"
    assert conll04.conll_type("MilitaryForce") == "Org"
    assert conll04.conll_type("City") == "Loc"
    assert conll04.conll_type("Country") == "Loc"
    assert conll04.conll_type("Entity") is None


def test_scoring_counts_spans_types_and_relations(conll04):
    gold = conll04.Sentence(
        0,
        TOKENS,
        frozenset({(1, 3, "Peop"), (5, 7, "Org"), (8, 9, "Loc"), (10, 11, "Loc")}),
        (
            ((1, 3, "Peop"), "Work_For", (5, 7, "Org")),
            ((8, 9, "Loc"), "Located_In", (10, 11, "Loc")),
            ((5, 7, "Org"), "OrgBased_In", (8, 9, "Loc")),
        ),
    )
    result = DocResult(
        Article("s", " ".join(TOKENS)),
        mentions=[
            _mention("John Smith", "Person", "p"),
            _mention("Acme Corp.", "Country", "a"),  # right span, wrong type
            _mention("Paris", "City", "c"),
            _mention("France", "Country", "f"),
            _mention("Mr.", "Person", "p", is_name=False),  # not a name: not an entity
        ],
        relations=[
            _relation("p", "worksFor", "a"),  # tail typed Loc: wrong
            _relation("c", "locatedIn", "f"),  # right
            _relation("c", "locatedIn", "f"),  # duplicate: counted once
            _relation("p", "memberOf", "a"),  # unmapped property: ignored
        ],
    )
    pred = conll04.map_result(gold, result)
    assert pred.entities == {(1, 3, "Peop"), (5, 7, "Loc"), (8, 9, "Loc"), (10, 11, "Loc")}
    ents, rels = conll04.Tally(), conll04.Tally()
    errors = conll04.score_sentence(gold, pred, ents, rels)
    assert (ents.tp["Peop"], ents.tp["Loc"], ents.fp["Loc"], ents.fn["Org"]) == (1, 2, 1, 1)
    assert rels.tp["Located_In"] == 1 and rels.fp["Work_For"] == 1
    assert rels.fn["Work_For"] == 1 and rels.fn["OrgBased_In"] == 1
    assert conll04.entity_error_kinds([errors]) == {"fn type": 1, "fp type": 1}
    scores = ents.scores(conll04.ENTITY_TYPES)
    assert scores["micro"]["p"] == 75.0 and scores["micro"]["r"] == 75.0


def test_prf_handles_zero_counts(conll04):
    assert conll04.prf(0, 0, 0) == {"p": 0.0, "r": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 0}
    assert conll04.prf(1, 1, 3)["f1"] == pytest.approx(100 * 2 * 0.5 * 0.25 / 0.75, abs=0.01)


def test_select_files_is_sorted_and_counts_words(throughput, tmp_path):
    for name in ("b/2.txt", "a/9.txt", "a/10.txt", "top.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in throughput.select_files(tmp_path, 2)] == [
        "a/10.txt",
        "a/9.txt",
    ]
    assert throughput.count_words(["one two\nthree", "  four  "]) == 4


# --- smoke runs on the real data (slow: they load the spaCy model) -------------------------------


def _last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.skipif(not BBC.is_dir(), reason="../shared/corpora/bbc not available")
def test_throughput_main_reports_numbers(throughput, capsys):
    report = throughput.main(["--n", "3", "--rounds", "1"])
    assert report["documents"] == 3 and report["words"] > 100
    assert [t["name"] for t in report["timings"]] == ["bare", "kg", "export"]
    for t in report["timings"]:
        assert t["seconds"] > 0 and t["docs_per_s"] > 0 and t["words_per_s"] > 0
        assert t["maxrss_mb"] > 0
    assert report["ratio_kg_over_bare"]["1"] > 0
    assert report["export"]["files"] > 0 and report["export"]["bytes"] > 0
    assert report["graph"]["nodes"] > 0
    assert report["memory"]["kg_tracemalloc_peak_mb"] > 0
    assert _last_json(capsys.readouterr().out)["documents"] == 3


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.skipif(not CONLL.is_file(), reason="../shared/benchmarks/conll04 not available")
def test_conll04_main_reports_scores(conll04, capsys):
    report = conll04.main(["--limit", "5", "--errors", "2"])
    records = json.loads(CONLL.read_text(encoding="utf-8"))[:5]
    gold_entities = sum(e["type"] != "Other" for r in records for e in r["entities"])
    gold_relations = sum(
        r["type"] in conll04.RELATION_TYPES for rec in records for r in rec["relations"]
    )
    micro = report["entity"]["micro"]
    assert report["sentences"] == 5
    assert micro["tp"] + micro["fn"] == gold_entities
    assert report["relation"]["micro"]["tp"] + report["relation"]["micro"]["fn"] == gold_relations
    for kind in ("entity", "relation"):
        for s in report[kind].values():
            assert all(0 <= s[k] <= 100 and not math.isnan(s[k]) for k in ("p", "r", "f1"))
    assert _last_json(capsys.readouterr().out)["sentences"] == 5


@pytest.mark.server
def test_serve_main_reports_figures(sample_graph, tmp_path, capsys):
    from kg.export.rdf import write_rdf

    serve = _load("serve")
    write_rdf(sample_graph, tmp_path / "exports")
    report = serve.main([str(tmp_path / "exports"), "--rounds", "2", "--runaway", "0"])
    assert report["first_start_s"] > 0 and report["second_start_s"] > 0
    assert report["rss_after_start_mb"] > 0
    assert report["queries"]["flagship"]["status"] == 200
    assert report["queries"]["flagship"]["rows"] > 0
    assert report["queries"]["entity (entity)"]["rows"] > 0
    assert "timeline" in report["queries"] and "timeline (entity)" in report["queries"]
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == report


# --- load.py -----------------------------------------------------------------------------------


def test_load_benchmark_loads_an_export_from_tables_and_rdf(sample_graph, tmp_path, capsys):
    from kg.export.rdf import write_rdf
    from kg.export.tables import write_tables

    write_rdf(sample_graph, tmp_path)
    write_tables(sample_graph, tmp_path)
    load = _load("load")
    assert load.main([str(tmp_path), "--sources", "auto,ttl,nt", "--rounds", "1"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    rows = {r["source"]: r for r in report["results"]}
    assert set(rows) == {"auto (tables)", "ttl", "nt"}
    for row in rows.values():
        assert row["nodes"] == sample_graph.number_of_nodes()
        assert row["edges"] == sample_graph.number_of_edges()
        assert row["seconds"] > 0 and row["peak_mb"] >= row["baseline_mb"] > 0
