"""kg/rdf.py: the one format map, the export-file rule, reading, stores, writing, results."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
from conftest import KAZAKHSTAN, SEED_DOC

import kg.export.rdf as export
from kg.rdf import (
    EXPORT_FILES,
    RdfError,
    export_file,
    open_store,
    rdf_format,
    read_quads,
    serialize,
    serialize_results,
    to_rdflib,
)
from kg.vocab import KG_NS, KGR_NS, PREFIXES

EX = ox.NamedNode(KGR_NS + "country/x")
LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("g.ttl", ox.RdfFormat.TURTLE),
        ("g.TTL", ox.RdfFormat.TURTLE),
        ("g.nt", ox.RdfFormat.N_TRIPLES),
        ("g.trig", ox.RdfFormat.TRIG),
        ("g.nq", ox.RdfFormat.N_QUADS),
        ("g.jsonld", ox.RdfFormat.JSON_LD),
        ("g.rdf", ox.RdfFormat.RDF_XML),
    ],
)
def test_one_extension_map(name, fmt):
    assert rdf_format(name) == fmt


@pytest.mark.parametrize("name", ["graph.graphml", "graph", "graph.csv"])
def test_unknown_extension_is_a_clear_error(name):
    with pytest.raises(RdfError, match="unknown RDF format"):
        rdf_format(name)


def test_export_file_rule(tmp_path):
    with pytest.raises(FileNotFoundError, match="no graph export"):
        export_file(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such file"):
        export_file(tmp_path / "graph.ttl")
    for name in reversed(EXPORT_FILES):
        (tmp_path / name).write_text("", encoding="utf-8")
        assert export_file(tmp_path) == tmp_path / name  # the earlier name wins
    assert EXPORT_FILES == ("graph.nt", "graph.ttl", "graph.jsonld", "graph.trig")
    assert export_file(tmp_path / "graph.nt") == tmp_path / "graph.nt"


def test_read_quads_names_the_file_and_line_of_bad_content(tmp_path):
    bad = tmp_path / "graph.ttl"
    bad.write_text('<http://a> <http://b> "unterminated .\n', encoding="utf-8")
    with pytest.raises(RdfError, match=r"graph.ttl: not valid Turtle"):
        list(read_quads(bad))
    with pytest.raises(RdfError, match="graph.ttl: not valid Turtle"):
        open_store(bad)


def _graph(store: ox.Store, name) -> set:
    return {q.triple for q in store.quads_for_pattern(None, None, None, name)}


def test_read_and_store_keep_named_graphs(sample_graph, tmp_path):
    export.write_rdf(sample_graph, tmp_path)
    quads = list(read_quads(tmp_path / "graph.trig"))
    names = {q.graph_name for q in quads}
    assert export.document_iri(SEED_DOC) in names and ox.DefaultGraph() not in names
    store = open_store(tmp_path)  # default graph from graph.nt, named graphs from graph.trig
    assert set(store.named_graphs()) == names
    alone = ox.Store()  # (a store keeps typed literals in canonical form: compare stores)
    alone.bulk_load(path=tmp_path / "graph.nt", format=ox.RdfFormat.N_TRIPLES)
    assert _graph(store, ox.DefaultGraph()) == _graph(alone, ox.DefaultGraph())
    lone = open_store(tmp_path / "graph.trig")  # named graphs, and their union as default
    union = set().union(*(_graph(lone, n) for n in names))
    assert _graph(lone, ox.DefaultGraph()) == union
    assert len(union) < len(quads)  # entity descriptions repeat across documents


def test_turtle_and_trig_declare_absolute_prefixes_and_write_resources_relative(sample_graph):
    ttl = export.serialize_turtle(sample_graph)
    head = ttl.split("\n")[: len(PREFIXES)]
    assert head[0] == f"@base <{KGR_NS}> ."
    assert f"@prefix kg: <{KG_NS}> ." in head  # not relative to the base
    assert all(line.startswith(("@base <http", "@prefix ")) for line in head)
    assert "\n<country/kazakhstan> a kg:Country , kg:Entity ;" in ttl
    trig = export.serialize_trig(sample_graph)
    assert trig.split("\n")[: len(head)] == head
    assert f"\n<doc/{SEED_DOC}> {{" in trig


def test_serialize_keeps_the_given_order_and_escapes():
    triples = [
        ox.Triple(EX, LABEL, ox.Literal("b\u2028c\r\n\x00")),
        ox.Triple(ox.NamedNode(KGR_NS + "a"), LABEL, ox.Literal("a")),
    ]
    nt = serialize(triples, ox.RdfFormat.N_TRIPLES).decode("utf-8")
    lines = nt.split("\n")
    assert len(lines) == 3 and lines[0].startswith(f"<{EX.value}>")
    assert "\\r\\n\\u0000" in lines[0]
    assert serialize([], ox.RdfFormat.TURTLE).decode().startswith("@base")  # header only


def test_serialize_results_through_pyoxigraph(sample_graph):
    store = ox.Store()
    store.extend(export.generate_quads(sample_graph))
    query = f"SELECT ?l WHERE {{ GRAPH ?g {{ <{KAZAKHSTAN}> <{LABEL.value}> ?l }} }} LIMIT 1"
    doc = json.loads(serialize_results(store.query(query), "json"))
    assert doc["results"]["bindings"][0]["l"]["value"] == "Kazakhstan"
    assert serialize_results(store.query(query), "csv").decode().splitlines() == [
        "l",
        "Kazakhstan",
    ]
    with pytest.raises(RdfError, match="unknown results format"):
        serialize_results(store.query(query), "yaml")


def test_to_rdflib_equals_rdflib_parsing_the_same_file(sample_graph, tmp_path):
    export.write_rdf(sample_graph, tmp_path)
    mine = to_rdflib(tmp_path / "graph.ttl")
    theirs = rdflib.Graph().parse(tmp_path / "graph.ttl", format="turtle")
    assert set(mine) == set(theirs) and len(mine) > 300
    union = to_rdflib(tmp_path / "graph.trig")  # named graphs merged
    per_document = {rdflib.URIRef(KG_NS + "supportCount"), rdflib.URIRef(KG_NS + "confidence")}
    assertion = KGR_NS + "assertion/"
    same = {t for t in theirs if not (t[0].startswith(assertion) and t[1] in per_document)}
    assert set(union) >= same
