"""The seed article end to end: scores against its gold, golden exports, the view, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import browser_helpers as B
import pytest
import rdflib
from rdflib.compare import graph_diff, to_isomorphic

import kg
from kg.eval.score import load_gold, run_eval, score_corpus
from kg.query.sparql import load_store, named_queries, run_query

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
EXPORTS = ROOT / "exports"
GOLD = Path(__file__).parent / "data" / "000_8de8a0582fcf7fc5.json"
RDF_FILES = {
    "graph.ttl": "turtle",
    "graph.nt": "nt",
    "graph.jsonld": "json-ld",
    "graph.trig": "trig",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed")
    result = kg.build([SEEDS], out)
    return result, out


@pytest.fixture(scope="module")
def score(built):
    _, out = built
    return run_eval([GOLD], out / "graph.ttl")


def test_entities_scored_against_gold(score):
    assert score.entities.f1 >= 0.95, score.documents[0].missed_entities
    assert score.entity_types.value >= 0.95
    assert score.duplicates == 0


def test_facts_events_titles_scored_against_gold(score):
    doc = score.documents[0]
    assert score.facts.f1 >= 0.9, (doc.missed_facts, doc.spurious_facts)
    assert score.events.value >= 0.8, doc.missed_events
    assert score.titles.found == score.titles.total == 2


def _load(path: Path, fmt: str) -> rdflib.Dataset:
    """Parse with rdflib's own parser (independent of the pyoxigraph writer), graphs kept."""
    ds = rdflib.Dataset()
    ds.parse(path, format=fmt)
    return ds


def _quads(ds: rdflib.Dataset) -> rdflib.Graph:
    """The statements of a dataset as one graph, the graph name folded into the predicate."""
    g = rdflib.Graph()
    for s, p, o, c in ds.quads():
        name = c.identifier if hasattr(c, "identifier") else c
        g.add((s, rdflib.URIRef(f"{p}#in-graph:{name}"), o))
    return g


@pytest.mark.parametrize("name", sorted(RDF_FILES))
def test_committed_exports_are_current(built, name):
    """exports/ is the golden output: a fresh build must give an isomorphic graph.

    Compared by graph isomorphism (named graphs included), not bytes: the layout of a file may
    change with the serialiser, the graph may not.
    """
    _, out = built
    fresh = to_isomorphic(_quads(_load(out / name, RDF_FILES[name])))
    golden = to_isomorphic(_quads(_load(EXPORTS / name, RDF_FILES[name])))
    if fresh != golden:
        _, only_fresh, only_golden = graph_diff(fresh, golden)
        lines = ["exports/ is stale; rebuild with `kg build seeds/`."]
        lines += [f"+ {t}" for t in sorted(only_fresh)[:15]]
        lines += [f"- {t}" for t in sorted(only_golden)[:15]]
        pytest.fail("\n".join(lines))


def test_committed_graphml_and_gexf_are_current(built):
    _, out = built
    for name in ("graph.graphml", "graph.gexf"):
        assert (EXPORTS / name).read_bytes() == (out / name).read_bytes(), name


# --- the view, by what it shows in a real browser (not by the bytes of its inlined libraries) ---

DRAWN = """() => {
    const all = window.kgNetwork.body.data.nodes.getDataSet();
    const edges = window.kgNetwork.body.data.edges.getDataSet();
    const name = (id) => all.get(id).name;
    return {
        nodes: window.kgView.visibleNodeIds().map(name),
        edges: window.kgView.visibleEdgeIds().map((id) => {
            const e = edges.get(id);
            return [name(e.from), e.prop, name(e.to)];
        }),
    };
}"""


@pytest.fixture(scope="module")
def browser():
    if not B.AVAILABLE:
        pytest.skip("playwright or /usr/bin/chromium missing")
    with B.sync_playwright() as p:
        b = B.launch(p)
        yield b
        b.close()


def _labels(G, nodes) -> list[str]:
    return sorted(G.nodes[n]["label"] for n in nodes)


@pytest.mark.browser
@pytest.mark.parametrize("where", ["fresh", "committed"])
def test_view_shows_every_node_and_edge_of_the_graph(built, browser, where):
    """The fresh build's page and the committed exports/graph.html both draw the seed graph."""
    result, out = built
    G = result.graph
    o = B.open_page(browser, (out if where == "fresh" else EXPORTS) / "graph.html")
    drawn = o.page.evaluate(DRAWN)
    assert sorted(drawn["nodes"]) == _labels(G, G.nodes)
    label = {n: G.nodes[n]["label"] for n in G.nodes}
    want = sorted([label[u], k, label[v]] for u, v, k in G.edges(keys=True))
    assert sorted(drawn["edges"]) == want
    assert B.canvas_ink(o.page) > 2000
    assert o.errors == [] and o.blocked == [] and len(o.requests) == 1
    o.close()


@pytest.mark.browser
def test_flagship_states_and_sentences_are_reachable_by_clicking(built, browser):
    result, out = built
    G = result.graph
    o = B.open_page(browser, out / "graph.html")
    page = o.page
    contributions = [
        (u, v, a) for u, v, k, a in G.edges(keys=True, data=True) if k == "contributesTo"
    ]
    (force,) = {v for _, v, _ in contributions}
    states = {G.nodes[u]["label"] for u, _, _ in contributions}
    assert states == {"Russia", "Belarus", "Armenia", "Tajikistan", "Kyrgyzstan"}
    page.mouse.click(*B.node_screen_xy(page, force))  # click the force on the canvas
    B.poll(page, "(id) => window.kgView.selected() === id", force)
    text = B.panel_text(page)
    assert text.splitlines()[0] == G.nodes[force]["label"]
    for u, _, a in contributions:
        assert G.nodes[u]["label"] in text
        assert all(e.sentence in text for e in a["evidence"])
    for u, _, a in contributions:  # from the force's panel to each state's, by clicking its name
        page.click(f"#kg-panel .kg-rel[data-edge] .kg-linkbtn:text-is('{G.nodes[u]['label']}')")
        B.poll(page, "(id) => window.kgView.selected() === id", u)
        state_text = B.panel_text(page)
        assert "contributesTo" in state_text
        assert all(e.sentence in state_text for e in a["evidence"])
        page.click(f"#kg-panel .kg-linkbtn:text-is('{G.nodes[force]['label']}')")
        B.poll(page, "(id) => window.kgView.selected() === id", force)
    assert o.errors == []
    o.close()


def test_committed_tables_are_current(built):
    """The golden tables hold the same rows (compared as tables, not Parquet bytes)."""
    import pyarrow.parquet as pq

    from kg.export.tables import TABLES

    _, out = built
    for name in TABLES:
        fresh = pq.read_table(out / "tables" / f"{name}.parquet")
        golden = pq.read_table(EXPORTS / "tables" / f"{name}.parquet")
        assert fresh.equals(golden), name


def test_tables_round_trip_with_graph_ttl(built):
    from test_tables import assert_tables_match_turtle

    _, out = built
    assert_tables_match_turtle(out, sample=1000)


def test_load_graph_gives_one_graph_from_every_export(built):
    from kg.analyze.load import rdf_to_networkx
    from kg.rdf import read_quads

    result, out = built
    G = kg.load_graph(out)  # read from tables/
    for name in RDF_FILES:
        other = rdf_to_networkx(read_quads(out / name))
        assert list(other.nodes(data=True)) == list(G.nodes(data=True)), name
        assert list(other.edges(keys=True, data=True)) == list(G.edges(keys=True, data=True))
    assert sorted(G.edges(keys=True)) == sorted(result.graph.edges(keys=True))
    assert sorted(G.nodes) == sorted(result.graph.nodes)


def test_same_input_gives_byte_identical_files(built, tmp_path):
    _, out = built
    kg.build([SEEDS], tmp_path)

    def exported(folder):  # the exports, not the query store or the build's cache and journal
        return sorted(
            p.relative_to(folder)
            for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).parts[0] not in ("graph.oxigraph", ".kg")
        )

    first, second = exported(out), exported(tmp_path)
    assert first == second
    for rel in first:
        if rel.name != "report.json":  # it records the build time
            assert (out / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_report_counts(built):
    result, out = built
    report = json.loads((out / "report.json").read_text())
    assert report["documents"] == 1
    assert report["entities_by_class"]["Country"] >= 6
    assert "graph.ttl" in report["files"] and report["warnings"] == []


def test_flagship_query_returns_exactly_the_five_states_with_sentences(built):
    _, out = built
    store = load_store(out)
    result = run_query(store, named_queries()["flagship"].text)
    rows = result.rows
    names = {str(r[result.variables.index("name")]) for r in rows}
    assert names == {"Russia", "Belarus", "Armenia", "Tajikistan", "Kyrgyzstan"}
    sentences = {str(r[result.variables.index("sentence")]) for r in rows}
    gold = load_gold(GOLD)
    armenia = next(q for q in gold.questions if "Armenia" in q.get("ask", ""))
    assert sentences & set(armenia["answer_any"])


def _answers(store, name: str, var: str) -> set[str]:
    result = run_query(store, named_queries()[name].text)
    return {str(r[result.variables.index(var)]) for r in result.rows}


def test_named_queries_answer_the_gold_questions(built):
    _, out = built
    store = load_store(out)
    gold = {q["ask"]: q.get("answer") for q in load_gold(GOLD).questions}
    assert _answers(store, "contributors", "name") == set(
        gold["Which states contributed units to the CSTO peacekeeping force?"]
    )
    assert _answers(store, "deployment-place", "name") == {"Kazakhstan"}
    assert _answers(store, "requested-assistance", "name") == {"Kassym-Jomart Tokayev"}
    assert _answers(store, "leader-title", "title") == {"President"}
    assert _answers(store, "spokesperson", "name") == {"Nabila Massrali"}
    assert _answers(store, "dispatch-date", "date") == {"2022-01-06"}
    places = _answers(store, "protest-places", "name")
    expected = {"Mangystau Region", "Aktau", "Atyrau", "Aktobe", "Oral"}
    normal = {p.lower() for p in places}
    # "which later spread to the city of Aktau" attaches to the wrong noun in the small
    # model's parse, so Aktau is not (yet) a protest place: 4 of 5, nothing wrong.
    assert len({e.lower() for e in expected} & normal) >= 4
    assert normal <= {e.lower() for e in expected}


def test_seed_export_conforms_to_shapes(built):
    pyshacl = pytest.importorskip("pyshacl")
    _, out = built
    data = rdflib.Graph().parse(out / "graph.ttl")
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology)
    assert conforms, text


def test_score_corpus_reads_trig_too(built):
    _, out = built
    from kg.eval.score import load_graph

    assert score_corpus(load_graph(out / "graph.trig"), [load_gold(GOLD)]).entities.f1 >= 0.95


def test_identical_across_processes_and_hash_seeds(built, tmp_path):
    """Set iteration order changes with PYTHONHASHSEED; no output file may (report aside)."""
    import os
    import subprocess
    import sys

    _, out = built
    seed = "12345" if os.environ.get("PYTHONHASHSEED") != "12345" else "54321"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "kg", "build", str(SEEDS), "--out", str(tmp_path), "-q"],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )

    def exported(folder):  # the exports, not the query store or the build's cache and journal
        return sorted(
            p.relative_to(folder)
            for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).parts[0] not in ("graph.oxigraph", ".kg")
        )

    first, second = exported(out), exported(tmp_path)
    assert first == second
    assert {*RDF_FILES, "graph.graphml", "graph.html"} <= {p.as_posix() for p in first}
    for rel in first:
        if rel.name != "report.json":  # it records the build time
            assert (out / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_support_count_is_queryable(built):
    _, out = built
    store = load_store(out)
    query = """
    PREFIX kg: <https://w3id.org/newskg/ontology#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?n (COUNT(?e) AS ?evidence) WHERE {
      ?a rdf:subject ?s ; rdf:predicate kg:contributesTo ; kg:supportCount ?n ; kg:evidence ?e .
      ?s rdfs:label "Armenia" .
    } GROUP BY ?n
    """
    result = run_query(store, query)
    ((n, evidence),) = result.rows
    assert int(n) == int(evidence) == 2  # the "units from …" and the demonym-list sentences
