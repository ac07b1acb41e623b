"""kg.analyze.load: RDF exports (written by hand per docs/rdf-model.md) back into networkx."""

from __future__ import annotations

import datetime as dt
import re

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from kg.analyze.load import load_graph, most_specific, rdf_to_networkx, to_simple_graph
from kg.analyze.report import analyze
from kg.export.tabular import generate_graphml
from kg.model import Document, Evidence
from kg.rdf import RdfError

ID = "https://w3id.org/newskg/id/"
KZ = ID + "country/kazakhstan"
AM = ID + "country/armenia"
RU = ID + "country/russia"
CSTO = ID + "organization/collective-security-treaty-organization"
FORCE = ID + "militaryforce/csto-peacekeeping-force"
PERSON = ID + "person/jane-doe"
DEPLOY = ID + "event/doc1.txt-214-deployment"
DOC1 = ID + "doc/doc1.txt"
DOC2 = ID + "doc/doc2.txt"

PREFIXES = """
@prefix kg: <https://w3id.org/newskg/ontology#> .
@prefix kgr: <https://w3id.org/newskg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

DOC1_TTL = """
kgr:doc/doc1.txt a kg:Document ; dcterms:identifier "doc1.txt" ;
    dcterms:title "Peacekeepers arrive" ; dcterms:date "2022-01-09"^^xsd:date .
kgr:country/kazakhstan a kg:Country , kg:Entity ; rdfs:label "Kazakhstan" ;
    skos:altLabel "Kazakh" , "Republic of Kazakhstan" ;
    owl:sameAs <http://www.wikidata.org/entity/Q232> , <https://sws.geonames.org/1522867/> ;
    kg:mentionedIn kgr:doc/doc1.txt .
kgr:country/armenia a kg:Country , kg:Entity ; rdfs:label "Armenia" ;
    kg:mentionedIn kgr:doc/doc1.txt .
kgr:organization/collective-security-treaty-organization a kg:Organization , kg:Entity ;
    rdfs:label "Collective Security Treaty Organization" ; skos:altLabel "CSTO" ;
    kg:mentionedIn kgr:doc/doc1.txt .
kgr:militaryforce/csto-peacekeeping-force a kg:MilitaryForce , kg:Organization , kg:Entity ;
    rdfs:label "CSTO peacekeeping force" ; kg:mentionedIn kgr:doc/doc1.txt .

kgr:country/armenia kg:contributesTo kgr:militaryforce/csto-peacekeeping-force .
kgr:militaryforce/csto-peacekeeping-force kg:partOf
    kgr:organization/collective-security-treaty-organization .
kgr:militaryforce/csto-peacekeeping-force kg:deployedTo kgr:country/kazakhstan .

kgr:assertion/a1 a kg:Assertion ;
    rdf:subject kgr:country/armenia ; rdf:predicate kg:contributesTo ;
    rdf:object kgr:militaryforce/csto-peacekeeping-force ;
    kg:confidence "0.85"^^xsd:decimal ; kg:supportCount 2 ;
    kg:evidence kgr:evidence/e1 , kgr:evidence/e2 .
kgr:evidence/e1 a kg:Evidence ; kg:inDocument kgr:doc/doc1.txt ;
    kg:sentenceText "Among the CSTO's peacekeeping forces are units from Armenia, Russia." ;
    kg:startOffset 612 ; kg:endOffset 680 ;
    kg:extractionRule "enumeration-from" ; kg:confidence "0.85"^^xsd:decimal .
kgr:evidence/e2 a kg:Evidence ; kg:inDocument kgr:doc/doc1.txt ;
    kg:sentenceText "Armenia sent 100 troops." ;
    kg:startOffset 900 ; kg:endOffset 924 ;
    kg:extractionRule "sent-troops" ; kg:confidence "0.7"^^xsd:decimal .

kgr:assertion/a2 a kg:Assertion ;
    rdf:subject kgr:militaryforce/csto-peacekeeping-force ; rdf:predicate kg:deployedTo ;
    rdf:object kgr:country/kazakhstan ;
    kg:confidence "0.9"^^xsd:decimal ; kg:supportCount 1 ; kg:evidence kgr:evidence/e3 .
kgr:evidence/e3 a kg:Evidence ; kg:inDocument kgr:doc/doc1.txt ;
    kg:sentenceText "The force was dispatched to Kazakhstan." ;
    kg:startOffset 214 ; kg:endOffset 253 ;
    kg:extractionRule "deployed-to" ; kg:confidence "0.9"^^xsd:decimal .

kgr:event/doc1.txt-214-deployment a kg:Deployment , kg:Event ;
    rdfs:label "Deployment: dispatched" ; kg:trigger "dispatched" ;
    kg:agent kgr:organization/collective-security-treaty-organization ;
    kg:participant kgr:country/armenia ;
    kg:place kgr:country/kazakhstan ; kg:date "2022-01-06"^^xsd:date ;
    kg:topic "unrest" ; kg:mentionedIn kgr:doc/doc1.txt ;
    kg:confidence "0.8"^^xsd:decimal ; kg:evidence kgr:evidence/e3 .
"""

DOC2_TTL = """
kgr:doc/doc2.txt a kg:Document ; dcterms:identifier "doc2.txt" ; dcterms:title "Statement" .
kgr:person/jane-doe a kg:Person , kg:Entity ; rdfs:label "Jane Doe" ; kg:title "Spokesperson" ;
    kg:mentionedIn kgr:doc/doc2.txt .
kgr:organization/collective-security-treaty-organization a kg:Organization , kg:Entity ;
    rdfs:label "Collective Security Treaty Organization" ; kg:mentionedIn kgr:doc/doc2.txt .
kgr:country/kazakhstan a kg:Country , kg:Entity ; rdfs:label "Kazakhstan" ;
    kg:mentionedIn kgr:doc/doc2.txt .
kgr:person/jane-doe kg:spokespersonFor kgr:organization/collective-security-treaty-organization .
kgr:assertion/a3 a kg:Assertion ;
    rdf:subject kgr:person/jane-doe ; rdf:predicate kg:spokespersonFor ;
    rdf:object kgr:organization/collective-security-treaty-organization ;
    kg:confidence "0.75"^^xsd:decimal ; kg:supportCount 1 ; kg:evidence kgr:evidence/e4 .
kgr:evidence/e4 a kg:Evidence ; kg:inDocument kgr:doc/doc2.txt ;
    kg:sentenceText "Jane Doe, a spokeswoman for the CSTO, said so." ;
    kg:startOffset 0 ; kg:endOffset 45 ;
    kg:extractionRule "spokesperson-apposition" ; kg:confidence "0.75"^^xsd:decimal .
"""


def _iris(text: str) -> str:
    """Write ``kgr:doc/x.txt`` (docs notation; not a legal Turtle prefixed name) as a full IRI."""
    return re.sub(r"kgr:([\w./-]*[\w/-])", lambda m: f"<{ID}{m.group(1)}>", text)


DOC1_TTL = _iris(DOC1_TTL)
DOC2_TTL = _iris(DOC2_TTL)


def _write_ttl(folder, name="graph.ttl"):
    path = folder / name
    path.write_text(PREFIXES + DOC1_TTL + DOC2_TTL, encoding="utf-8")
    return path


def _write_trig(folder):
    text = PREFIXES + f"<{DOC1}> {{ {DOC1_TTL} }}\n<{DOC2}> {{ {DOC2_TTL} }}\n"
    path = folder / "graph.trig"
    path.write_text(text, encoding="utf-8")
    return path


def _check(G: nx.MultiDiGraph) -> None:
    assert sorted(G.nodes) == sorted([KZ, AM, CSTO, FORCE, PERSON, DEPLOY])
    kz = G.nodes[KZ]
    assert kz["label"] == "Kazakhstan" and kz["cls"] == "Country" and kz["kind"] == "entity"
    assert kz["alt_labels"] == ("Kazakh", "Republic of Kazakhstan")
    assert kz["same_as"] == (
        "http://www.wikidata.org/entity/Q232",
        "https://sws.geonames.org/1522867/",
    )
    assert kz["documents"] == ("doc1.txt", "doc2.txt")
    assert G.nodes[FORCE]["cls"] == "MilitaryForce"
    assert G.nodes[PERSON]["titles"] == ("Spokesperson",)
    event = G.nodes[DEPLOY]
    assert event["kind"] == "event" and event["cls"] == "Deployment"
    assert event["date"] == "2022-01-06" and event["topics"] == ("unrest",)
    assert event["trigger"] == "dispatched" and event["confidence"] == pytest.approx(0.8)

    keys = sorted((u, k, v) for u, v, k in G.edges(keys=True))
    assert keys == sorted(
        [
            (AM, "contributesTo", FORCE),
            (FORCE, "partOf", CSTO),
            (FORCE, "deployedTo", KZ),
            (PERSON, "spokespersonFor", CSTO),
            (DEPLOY, "agent", CSTO),
            (DEPLOY, "participant", AM),
            (DEPLOY, "place", KZ),
        ]
    )
    contrib = G.edges[AM, FORCE, "contributesTo"]
    assert contrib["prop"] == "contributesTo"
    assert contrib["confidence"] == pytest.approx(0.85) and contrib["support"] == 2
    assert [e.sentence for e in contrib["evidence"]] == [
        "Among the CSTO's peacekeeping forces are units from Armenia, Russia.",
        "Armenia sent 100 troops.",
    ]
    assert "sentences" not in contrib  # derivable from the evidence
    first = contrib["evidence"][0]
    assert isinstance(first, Evidence)
    assert (first.doc_id, first.start, first.end, first.rule) == (
        "doc1.txt",
        612,
        680,
        "enumeration-from",
    )
    # a triple without an assertion: no support
    assert G.edges[FORCE, CSTO, "partOf"]["support"] == 0
    # an event role takes the event's provenance
    place = G.edges[DEPLOY, KZ, "place"]
    assert place["confidence"] == pytest.approx(0.8)
    assert [e.sentence for e in place["evidence"]] == ["The force was dispatched to Kazakhstan."]
    docs = G.graph["documents"]
    assert docs["doc1.txt"] == Document(
        "doc1.txt", "Peacekeepers arrive", dt.date(2022, 1, 9), None
    )
    assert docs["doc2.txt"].date is None


def test_load_turtle(tmp_path):
    _check(load_graph(_write_ttl(tmp_path)))


def test_load_folder_follows_the_export_file_rule(tmp_path):
    """graph.nt, graph.ttl, graph.jsonld, then graph.trig: the first one present is read."""
    _write_trig(tmp_path)
    (tmp_path / "graph.jsonld").write_text("this is not json-ld", encoding="utf-8")
    with pytest.raises(RdfError, match="graph.jsonld"):
        load_graph(tmp_path)
    _write_ttl(tmp_path)
    _check(load_graph(tmp_path))
    (tmp_path / "graph.jsonld").unlink()
    (tmp_path / "graph.ttl").unlink()
    _check(load_graph(tmp_path))


@pytest.mark.parametrize(("fmt", "name"), [("nt", "graph.nt"), ("json-ld", "graph.jsonld")])
def test_load_other_serialisations(tmp_path, fmt, name):
    g = Graph().parse(_write_ttl(tmp_path, "source.ttl"))
    out = tmp_path / "exp"
    out.mkdir()
    g.serialize(out / name, format=fmt)
    _check(load_graph(out))


def test_load_trig_merges_named_graphs(tmp_path):
    path = _write_trig(tmp_path)
    ds = Dataset().parse(path, format="trig")
    assert {str(c.identifier) for c in ds.graphs()} >= {DOC1, DOC2}
    _check(load_graph(path))


def test_same_graph_from_every_format(tmp_path):
    ttl = load_graph(_write_ttl(tmp_path))
    trig = load_graph(_write_trig(tmp_path))
    assert generate_graphml(ttl) == generate_graphml(trig)


def test_missing_unknown_and_invalid(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_graph(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_graph(tmp_path / "nope.ttl")
    bad = tmp_path / "graph.xyz"
    bad.write_text("x", encoding="utf-8")
    with pytest.raises(RdfError, match="unknown RDF format"):
        load_graph(bad)
    broken = tmp_path / "graph.ttl"
    broken.write_text(PREFIXES + "kg:a kg:b ", encoding="utf-8")
    with pytest.raises(RdfError, match="graph.ttl: not valid Turtle"):
        load_graph(broken)


def test_most_specific():
    assert most_specific(["Entity", "Organization", "MilitaryForce"]) == "MilitaryForce"
    assert most_specific(["Entity", "Location", "City"]) == "City"
    assert most_specific(["Event", "Protest"]) == "Protest"
    assert most_specific(["Document"]) == "Entity"


def test_untyped_relation_ends_become_entities():
    member_of = ox.NamedNode("https://w3id.org/newskg/ontology#memberOf")
    G = rdf_to_networkx([ox.Triple(ox.NamedNode(ID + "a"), member_of, ox.NamedNode(ID + "b"))])
    assert sorted(G.nodes) == [ID + "a", ID + "b"]
    assert G.nodes[ID + "b"]["cls"] == "Entity" and G.nodes[ID + "b"]["label"] == "b"


def test_to_simple_graph_weights():
    G = nx.MultiDiGraph()
    G.add_node("a", label="A")
    G.add_edge("a", "b", key="memberOf")
    G.add_edge("a", "b", key="partOf")
    G.add_edge("b", "a", key="ledBy")
    G.add_edge("b", "c", key="basedIn")
    H = to_simple_graph(G)
    assert not H.is_directed() and not H.is_multigraph()
    assert H["a"]["b"]["weight"] == 3
    assert H["a"]["b"]["props"] == ("ledBy", "memberOf", "partOf")
    assert H["b"]["c"]["weight"] == 1
    assert H.nodes["a"]["label"] == "A"


def test_loaded_graph_feeds_analysis(tmp_path):
    G = load_graph(_write_ttl(tmp_path))
    a = analyze(G)
    assert a.entities == 5 and a.events == 1 and a.documents == 2
    assert [t.date for t in a.timeline] == ["2022-01-06"]
    assert a.timeline[0].places == ("Kazakhstan",)
    assert a.by_property["contributesTo"] == 1


def test_centrality_example_runs(tmp_path, capsys, monkeypatch):
    import runpy
    from pathlib import Path

    _write_ttl(tmp_path)
    script = Path(__file__).parents[1] / "examples" / "centrality.py"
    monkeypatch.setattr("sys.argv", ["centrality.py", str(tmp_path)])
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert "Most central entities" in out and "Kazakhstan" in out
    assert "communities:" in out


_NODE_KEYS = ("kind", "cls", "label", "documents")
_ENTITY_KEYS = ("alt_labels", "same_as", "titles")
_EVENT_KEYS = ("date", "topics", "trigger", "evidence", "confidence")


@pytest.mark.parametrize("name", ["graph.ttl", "graph.nt", "graph.jsonld", "graph.trig"])
def test_round_trip_through_rdf_export(sample_graph, tmp_path, name):
    rdf = pytest.importorskip("kg.export.rdf")
    rdf.write_rdf(sample_graph, tmp_path)
    G = load_graph(tmp_path / name)
    assert sorted(G.nodes) == sorted(sample_graph.nodes)
    for node, want in sample_graph.nodes(data=True):
        got = G.nodes[node]
        keys = _NODE_KEYS + (_EVENT_KEYS if want["kind"] == "event" else _ENTITY_KEYS)
        assert {k: got[k] for k in keys} == {k: want[k] for k in keys}, node
    assert sorted(G.edges(keys=True)) == sorted(sample_graph.edges(keys=True))
    for u, v, k, want in sample_graph.edges(keys=True, data=True):
        got = G.edges[u, v, k]
        assert got["evidence"] == want["evidence"], (u, k, v)
        assert got["confidence"] == pytest.approx(want["confidence"])
        assert got["support"] == len(want["evidence"])
    for doc_id, doc in sample_graph.graph["documents"].items():
        loaded = G.graph["documents"][doc_id]
        assert (loaded.title, loaded.date, loaded.url) == (doc.title, doc.date, doc.url)


def test_folder_of_rdf_export_analyses_like_the_graph(sample_graph, tmp_path):
    rdf = pytest.importorskip("kg.export.rdf")
    rdf.write_rdf(sample_graph, tmp_path)
    from kg.analyze.report import render_json

    assert render_json(analyze(load_graph(tmp_path))) == render_json(analyze(sample_graph))
