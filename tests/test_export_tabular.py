"""Tests for kg.export.tabular: GraphML, GEXF, Neo4j and Gephi CSV."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest

from kg.export.tabular import (
    JOIN,
    generate_gephi_csv,
    generate_gexf,
    generate_graphml,
    generate_neo4j_csv,
    to_simple_attrs,
    write_gexf,
    write_graphml,
    write_neo4j_csv,
    write_tabular,
)
from kg.model import Evidence

ID = "https://w3id.org/newskg/id/"
KZ = ID + "country/kazakhstan"
RU = ID + "country/russia"
CSTO = ID + "organization/csto"
FORCE = ID + "militaryforce/csto-peacekeeping-force"
ALMATY = ID + "city/almaty"
PERSON = ID + "person/jane-doe"
PROTEST = ID + "event/doc1.txt-10-protest"
TRICKY = 'Officials said, "troops, tanks\nand more" arrived; "calm" returned'


def _ev(doc: str, start: int, sentence: str, conf: float = 0.8, rule: str = "r") -> Evidence:
    return Evidence(doc, start, start + len(sentence), sentence, rule, conf)


def _entity(G, iri, cls, label, alts=(), same_as=(), titles=(), docs=("doc1.txt",)):
    G.add_node(
        iri,
        kind="entity",
        cls=cls,
        label=label,
        alt_labels=tuple(sorted(alts)),
        same_as=tuple(sorted(same_as)),
        titles=tuple(sorted(titles)),
        documents=tuple(sorted(docs)),
    )


def _rel(G, u, prop, v, *evidence):
    ev = tuple(sorted(evidence))
    G.add_edge(u, v, key=prop, prop=prop, evidence=ev, confidence=max(e.confidence for e in ev))


def build_graph(reverse: bool = False) -> nx.MultiDiGraph:
    """A small graph in the kg.model schema (optionally inserted in reverse order)."""
    G = nx.MultiDiGraph()
    nodes = [
        (
            KZ,
            "Country",
            "Kazakhstan",
            ("Kazakh", "Republic of Kazakhstan"),
            ("http://www.wikidata.org/entity/Q232", "https://sws.geonames.org/1522867/"),
            (),
            ("doc1.txt", "doc2.txt"),
        ),
        (RU, "Country", "Russia", (), ("http://www.wikidata.org/entity/Q159",), (), ("doc1.txt",)),
        (CSTO, "Organization", "Collective Security Treaty Organization", ("CSTO",), (), (), ()),
        (FORCE, "MilitaryForce", "CSTO peacekeeping force", (), (), (), ("doc1.txt",)),
        (ALMATY, "City", "Almaty", (), (), (), ("doc2.txt",)),
        (PERSON, "Person", "Jane Doe", (), (), ("Minister", "Spokesperson"), ("doc2.txt",)),
    ]
    if reverse:
        nodes.reverse()
    for iri, cls, label, alts, same, titles, docs in nodes:
        _entity(G, iri, cls, label, alts, same, titles, docs or ("doc1.txt",))
    G.add_node(
        PROTEST,
        kind="event",
        cls="Protest",
        label="Protest in Almaty",
        date="2022-01-05",
        topics=("fuel prices",),
        trigger="protest",
        evidence=(_ev("doc2.txt", 10, "Thousands protest in Almaty."),),
        confidence=0.7,
        alt_labels=(),
        same_as=(),
        titles=(),
        documents=("doc2.txt",),
    )
    edges = [
        (RU, "contributesTo", FORCE, [_ev("doc1.txt", 0, TRICKY, 0.85), _ev("doc1.txt", 200, "b")]),
        (FORCE, "partOf", CSTO, [_ev("doc1.txt", 50, "The CSTO force.")]),
        (FORCE, "deployedTo", KZ, [_ev("doc1.txt", 80, "Sent to Kazakhstan.", 0.9)]),
        (ALMATY, "locatedIn", KZ, [_ev("doc2.txt", 0, "Almaty, Kazakhstan.")]),
        (PERSON, "spokespersonFor", CSTO, [_ev("doc2.txt", 30, "Jane Doe, spokeswoman.")]),
        (PERSON, "worksFor", CSTO, [_ev("doc2.txt", 30, "Jane Doe, spokeswoman.", 0.5)]),
        (PROTEST, "place", ALMATY, [_ev("doc2.txt", 10, "Thousands protest in Almaty.", 0.7)]),
    ]
    if reverse:
        edges.reverse()
    for u, prop, v, evidence in edges:
        _rel(G, u, prop, v, *evidence)
    return G


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_to_simple_attrs_flattens_everything():
    H = to_simple_attrs(build_graph())
    allowed = (str, int, float, bool)
    for _n, d in H.nodes(data=True):
        assert all(isinstance(v, allowed) for v in d.values()), d
    for _u, _v, d in H.edges(data=True):
        assert all(isinstance(v, allowed) for v in d.values()), d
    kz = H.nodes[KZ]
    assert kz["class"] == "Country"
    assert kz["aliases"] == f"Kazakh{JOIN}Republic of Kazakhstan"
    assert kz["wikidata"] == "Q232"
    assert kz["geonames"] == "1522867"
    assert kz["documents"] == f"doc1.txt{JOIN}doc2.txt"
    assert H.nodes[PERSON]["titles"] == f"Minister{JOIN}Spokesperson"
    edge = H.edges[RU, FORCE, "contributesTo"]
    assert edge["support"] == 2
    assert edge["confidence"] == 0.85
    assert edge["sentence"] == TRICKY  # first evidence (lowest offset)
    evidence = json.loads(edge["evidence"])
    assert [e["start"] for e in evidence] == [0, 200]
    assert evidence[0]["doc"] == "doc1.txt" and evidence[0]["rule"] == "r"
    event = H.nodes[PROTEST]
    assert event["date"] == "2022-01-05" and event["support"] == 1
    assert event["sentence"] == "Thousands protest in Almaty."


def test_graphml_round_trip(tmp_path):
    G = build_graph()
    path = write_graphml(G, tmp_path / "graph.graphml")
    back = nx.read_graphml(path)
    expected = to_simple_attrs(G)
    assert sorted(back.nodes) == sorted(G.nodes)
    for node in G.nodes:
        assert back.nodes[node] == expected.nodes[node]
    assert sorted(back.edges(keys=True)) == sorted(G.edges(keys=True))
    for u, v, k in G.edges(keys=True):
        assert back.edges[u, v, k] == expected.edges[u, v, k]
    assert back.edges[RU, FORCE, "contributesTo"]["sentence"] == TRICKY


def test_graphml_strips_xml_illegal_characters(tmp_path):
    G = build_graph()
    G.nodes[RU]["label"] = "Rus\x0bsia\x00"
    back = nx.read_graphml(write_graphml(G, tmp_path / "g.graphml"))
    assert back.nodes[RU]["label"] == "Russia"


def test_gexf_parses(tmp_path):
    G = build_graph()
    text = generate_gexf(G)
    assert 'version="1.2"' in text and "lastmodifieddate" not in text
    back = nx.read_gexf(write_gexf(G, tmp_path / "graph.gexf"))
    assert sorted(back.nodes) == sorted(G.nodes)
    assert back.nodes[KZ]["label"] == "Kazakhstan"
    assert back.nodes[KZ]["wikidata"] == "Q232"
    assert back.number_of_edges() == G.number_of_edges()
    labels = sorted(d["label"] for _u, _v, d in back.edges(data=True))
    assert labels == sorted(k for _u, _v, k in G.edges(keys=True))


def test_neo4j_csv_headers_counts_and_labels(tmp_path):
    G = build_graph()
    paths = write_neo4j_csv(G, tmp_path / "csv")
    names = [p.name for p in paths]
    assert names == ["edges.csv", "gephi_edges.csv", "gephi_nodes.csv", "nodes.csv"]
    nodes_text = (tmp_path / "csv" / "nodes.csv").read_text(encoding="utf-8")
    edges_text = (tmp_path / "csv" / "edges.csv").read_text(encoding="utf-8")
    header = nodes_text.split("\n", 1)[0].split(",")
    assert header[:4] == ["id:ID", "label", ":LABEL", "aliases:string[]"]
    assert "confidence:float" in header
    assert edges_text.split("\n", 1)[0] == (
        ":START_ID,:END_ID,:TYPE,confidence:float,support:int,sentence,documents:string[]"
    )
    nodes = {r["id:ID"]: r for r in _rows(nodes_text)}
    edges = _rows(edges_text)
    assert len(nodes) == G.number_of_nodes()
    assert len(edges) == G.number_of_edges()
    assert nodes[KZ][":LABEL"] == "Entity;Country"
    assert nodes[FORCE][":LABEL"] == "Entity;Organization;MilitaryForce"
    assert nodes[ALMATY][":LABEL"] == "Entity;Location;City"
    assert nodes[PROTEST][":LABEL"] == "Event;Protest"
    assert nodes[KZ]["aliases:string[]"] == "Kazakh;Republic of Kazakhstan"
    assert nodes[KZ]["confidence:float"] == ""
    assert float(nodes[PROTEST]["confidence:float"]) == 0.7
    contrib = next(e for e in edges if e[":TYPE"] == "contributesTo")
    assert (contrib[":START_ID"], contrib[":END_ID"]) == (RU, FORCE)
    assert contrib["support:int"] == "2" and float(contrib["confidence:float"]) == 0.85
    assert contrib["sentence"] == TRICKY  # commas, quotes and a newline survive quoting
    assert '"Officials said, ""troops, tanks\nand more"" arrived' in edges_text


def test_gephi_csv_columns():
    files = generate_gephi_csv(build_graph())
    nodes = _rows(files["gephi_nodes.csv"])
    edges = _rows(files["gephi_edges.csv"])
    assert list(nodes[0])[:2] == ["Id", "Label"]
    assert list(edges[0])[:5] == ["Source", "Target", "Type", "Label", "Weight"]
    assert {e["Type"] for e in edges} == {"Directed"}
    contrib = next(e for e in edges if e["Label"] == "contributesTo")
    assert contrib["Weight"] == "2" and contrib["sentence"] == TRICKY
    assert [n["Id"] for n in nodes] == sorted(n["Id"] for n in nodes)


def test_output_is_deterministic(tmp_path):
    a, b = build_graph(), build_graph(reverse=True)
    assert generate_graphml(a) == generate_graphml(b)
    assert generate_gexf(a) == generate_gexf(b)
    assert generate_neo4j_csv(a) == generate_neo4j_csv(b)
    first = {p.name: p.read_bytes() for p in write_tabular(a, tmp_path / "one")}
    first_csv = {p.name: p.read_bytes() for p in (tmp_path / "one" / "csv").iterdir()}
    second = {p.name: p.read_bytes() for p in write_tabular(b, tmp_path / "two")}
    second_csv = {p.name: p.read_bytes() for p in (tmp_path / "two" / "csv").iterdir()}
    assert first == second and first_csv == second_csv
    assert set(first) == {"graph.graphml", "graph.gexf", "edges.csv", "nodes.csv"} | {
        "gephi_edges.csv",
        "gephi_nodes.csv",
    }
    leftovers = [p for p in tmp_path.rglob("*") if p.name.startswith(".")]
    assert leftovers == []


def test_rewrite_replaces_file(tmp_path):
    path = tmp_path / "graph.graphml"
    path.write_text("old", encoding="utf-8")
    write_graphml(build_graph(), path)
    assert path.read_text(encoding="utf-8").startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.graphml"]


def test_empty_graph(tmp_path):
    G = nx.MultiDiGraph()
    assert nx.read_graphml(write_graphml(G, tmp_path / "g.graphml")).number_of_nodes() == 0
    assert nx.read_gexf(write_gexf(G, tmp_path / "g.gexf")).number_of_nodes() == 0
    files = generate_neo4j_csv(G)
    assert files["nodes.csv"].count("\n") == 1 and files["edges.csv"].count("\n") == 1


@pytest.mark.parametrize("graph_type", [nx.DiGraph, nx.Graph])
def test_simple_graphs_are_accepted(graph_type):
    G = graph_type()
    G.add_node("a", label="A", cls="Country", kind="entity")
    G.add_node("b", label="B", cls="Organization")
    G.add_edge("a", "b", prop="memberOf", confidence=0.5)
    H = to_simple_attrs(G)
    assert list(H.edges(keys=True)) == [("a", "b", "memberOf")]
    assert H.nodes["b"]["kind"] == "entity"


def test_sample_graph_exports(sample_graph, tmp_path):
    path = write_graphml(sample_graph, tmp_path / "graph.graphml")
    expected = to_simple_attrs(sample_graph)
    back = nx.read_graphml(path, force_multigraph=True)
    assert dict(back.nodes(data=True)) == dict(expected.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True)) == sorted(expected.edges(keys=True, data=True))
    # no parallel edges here: plain read_graphml gives a DiGraph, the property stays in prop/id
    plain = nx.read_graphml(path)
    assert dict(plain.nodes(data=True)) == dict(expected.nodes(data=True))
    assert sorted((u, v, d["prop"], d["id"]) for u, v, d in plain.edges(data=True)) == sorted(
        (u, v, k, k) for u, v, k in expected.edges(keys=True)
    )
    files = generate_neo4j_csv(sample_graph)
    nodes, edges = _rows(files["nodes.csv"]), _rows(files["edges.csv"])
    assert len(nodes) == 13 and len(edges) == 18
    labels = {r["label"]: r[":LABEL"] for r in nodes}
    assert labels["CSTO peacekeeping force"] == "Entity;Organization;MilitaryForce"
    assert labels["Aktau"] == "Entity;Location;City"
    names = {r["id:ID"]: r["label"] for r in nodes}
    states = sorted(names[e[":START_ID"]] for e in edges if e[":TYPE"] == "contributesTo")
    assert states == ["Armenia", "Belarus", "Kyrgyzstan", "Russia", "Tajikistan"]
