"""Parquet tables (kg/export/tables.py, kg/analyze/tables.py): content, round trip, DuckDB."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest
import rdflib
from conftest import FLAGSHIP_STATES, FORCE, SEED_DOC
from rdflib import RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

import kg
from kg.analyze.load import load_graph, rdf_to_networkx
from kg.analyze.tables import graph_from_tables, tables_dir
from kg.export.rdf import write_rdf
from kg.export.tables import SCHEMAS, TABLES, generate_tables, write_tables
from kg.rdf import read_quads
from kg.vocab import KG, RELATIONS, ROLES

DUCKDB_QUERY = """
SELECT s.label AS state, e.sentence, e.doc_id
FROM 'TABLES/relations.parquet' r
JOIN 'TABLES/entities.parquet' s ON s.iri = r.subject
JOIN 'TABLES/entities.parquet' f ON f.iri = r.object
JOIN 'TABLES/evidence.parquet' e ON e.target = r.assertion
WHERE r.property = 'contributesTo' AND s.class = 'Country' AND f.label = 'CSTO peacekeeping force'
ORDER BY state, e.doc_id, e.start
"""


@pytest.fixture
def export(sample_graph, tmp_path) -> Path:
    write_rdf(sample_graph, tmp_path)
    write_tables(sample_graph, tmp_path)
    return tmp_path


def _same_graph(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    assert a.graph == b.graph


def _count(g: rdflib.Graph, predicate, obj=None) -> int:
    return len(set(g.triples((None, predicate, obj))))


def assert_tables_match_turtle(folder: Path, sample: int = 25) -> None:
    """The tables of an export agree with its graph.ttl: counts, and a sample of every table."""
    g = rdflib.Graph().parse(folder / "graph.ttl", format="turtle")
    t = kg.load_tables(folder)
    rows = {name: t[name].to_dict("records") for name in TABLES}
    relation_props = [KG[p] for p in RELATIONS]
    role_props = [KG[p] for p in ROLES]
    assert len(rows["documents"]) == _count(g, RDF.type, KG.Document)
    assert len(rows["entities"]) == _count(g, RDF.type, KG.Entity)
    assert len(rows["events"]) == _count(g, RDF.type, KG.Event)
    assert len(rows["evidence"]) == _count(g, RDF.type, KG.Evidence)
    assert len(rows["relations"]) == sum(_count(g, p) for p in relation_props)
    assert len(rows["event_roles"]) == sum(_count(g, p) for p in role_props)
    with_assertion = [r for r in rows["relations"] if r["assertion"] is not None]
    assert len(with_assertion) == _count(g, RDF.type, KG.Assertion)

    pick = random.Random(7)

    def some(name: str) -> list[dict]:
        return pick.sample(rows[name], min(sample, len(rows[name])))

    for r in some("documents"):
        doc = URIRef(r["iri"])
        assert g.value(doc, DCTERMS.identifier) == Literal(r["doc_id"])
        assert str(g.value(doc, DCTERMS.title) or "") == (r["title"] or "")
        date = g.value(doc, DCTERMS.date)
        assert (date.toPython() if date is not None else None) == r["date"]
    for r in some("entities"):
        e = URIRef(r["iri"])
        assert (e, RDF.type, KG[r["class"]]) in g
        assert g.value(e, RDFS.label) == Literal(r["label"])
        assert sorted(str(a) for a in g.objects(e, SKOS.altLabel)) == list(r["aliases"])
        assert sorted(str(s) for s in g.objects(e, OWL.sameAs)) == list(r["same_as"])
        docs = sorted(str(g.value(d, DCTERMS.identifier)) for d in g.objects(e, KG.mentionedIn))
        assert docs == list(r["documents"])
    for r in some("relations"):
        s, p, o = URIRef(r["subject"]), KG[r["property"]], URIRef(r["object"])
        assert (s, p, o) in g
        a = URIRef(r["assertion"])
        assert (a, RDF.subject, s) in g and (a, RDF.object, o) in g
        assert float(g.value(a, KG.confidence)) == r["confidence"]
        assert int(g.value(a, KG.supportCount)) == r["support"]
    for r in some("events"):
        e = URIRef(r["iri"])
        assert (e, RDF.type, KG[r["class"]]) in g
        date = g.value(e, KG.date)
        assert (date.toPython() if date is not None else None) == r["date"]
        assert len(set(g.objects(e, KG.evidence))) == r["support"]
    for r in some("event_roles"):
        assert (URIRef(r["event"]), KG[r["role"]], URIRef(r["entity"])) in g
    for r in some("evidence"):
        e = URIRef(r["iri"])
        assert (URIRef(r["target"]), KG.evidence, e) in g
        assert str(g.value(g.value(e, KG.inDocument), DCTERMS.identifier)) == r["doc_id"]
        assert g.value(e, KG.sentenceText) == Literal(r["sentence"])
        assert g.value(e, KG.startOffset) == Literal(r["start"])
        assert g.value(e, KG.endOffset) == Literal(r["end"])
        assert float(g.value(e, KG.confidence)) == r["confidence"]
        assert g.value(e, KG.confidence).datatype == XSD.decimal


def test_tables_have_their_schema_and_sorted_rows(sample_graph):
    tables = generate_tables(sample_graph)
    assert tuple(tables) == TABLES
    for name, table in tables.items():
        assert table.schema == SCHEMAS[name], name
    relations = tables["relations"].to_pylist()
    keys = [(r["subject"], r["property"], r["object"]) for r in relations]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    assert len(relations) == sum(1 for *_, k in sample_graph.edges(keys=True) if k in RELATIONS)
    assert {r["role"] for r in tables["event_roles"].to_pylist()} <= set(ROLES)


def test_load_tables_gives_dataframes(sample_graph, export):
    t = kg.load_tables(export)
    assert list(t) == list(TABLES)
    assert list(t["entities"].columns) == SCHEMAS["entities"].names
    kz = t["entities"].set_index("label").loc["Kazakhstan"]
    assert "Kazakh" in list(kz["aliases"])
    assert "http://www.wikidata.org/entity/Q232" in list(kz["same_as"])
    contrib = t["relations"][t["relations"]["property"] == "contributesTo"]
    assert len(contrib) == len(FLAGSHIP_STATES)
    assert (
        dict(zip(contrib["subject"], contrib["support"], strict=True))[
            "https://w3id.org/newskg/id/country/russia"
        ]
        == 2
    )
    ev = t["evidence"]
    assert (ev["end"] > ev["start"]).all()
    texts = {d: doc.text for d, doc in sample_graph.graph["documents"].items()}
    for row in ev.to_dict("records"):
        assert texts[row["doc_id"]][row["start"] : row["end"]] == row["sentence"]
    # the same tables through the tables folder itself
    assert list(kg.load_tables(export / "tables")) == list(TABLES)


def test_tables_match_graph_ttl(export):
    assert_tables_match_turtle(export)


def test_graph_from_tables_equals_graph_from_rdf(sample_graph, export):
    from_rdf = rdf_to_networkx(read_quads(export / "graph.ttl"))
    _same_graph(graph_from_tables(export), from_rdf)
    _same_graph(rdf_to_networkx(read_quads(export / "graph.trig")), from_rdf)
    assert tables_dir(export) == export / "tables"
    _same_graph(load_graph(export), from_rdf)  # a folder with tables is read from them
    assert sorted(from_rdf.edges(keys=True)) == sorted(sample_graph.edges(keys=True))


def test_tables_are_byte_identical_across_writes(sample_graph, tmp_path):
    one = write_tables(sample_graph, tmp_path / "one")
    two = write_tables(sample_graph.copy(), tmp_path / "two")
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]
    assert [p.name for p in one] == [f"{n}.parquet" for n in TABLES]


def test_parquet_files_carry_no_pandas_metadata_or_timestamp(export):
    meta = pq.read_metadata(export / "tables" / "entities.parquet")
    assert b"pandas" not in (meta.metadata or {})


def test_no_tables_or_other_columns_is_a_clear_error(export, tmp_path):
    (tmp_path / "tables" / "nothing").mkdir()
    with pytest.raises(FileNotFoundError, match="no tables"):
        kg.load_tables(tmp_path / "tables" / "nothing")
    table = pq.read_table(export / "tables" / "events.parquet").drop_columns(["trigger"])
    pq.write_table(table, export / "tables" / "events.parquet")
    with pytest.raises(ValueError, match="events.parquet: columns .* not those of this kg"):
        kg.load_tables(export)
    with pytest.raises(ValueError, match="rebuild the export"):
        load_graph(export)


def test_duckdb_queries_the_tables_in_place(sample_graph, export):
    duckdb = pytest.importorskip("duckdb")
    query = DUCKDB_QUERY.replace("TABLES", str(export / "tables"))
    rows = duckdb.sql(query).fetchall()
    expected = set()
    for u, v, prop, data in sample_graph.edges(keys=True, data=True):
        if prop == "contributesTo" and v == FORCE:
            label = sample_graph.nodes[u]["label"]
            expected.update((label, ev.sentence, ev.doc_id) for ev in data["evidence"])
    assert set(rows) == expected
    assert {r[0] for r in rows} == set(FLAGSHIP_STATES)
    assert SEED_DOC in {r[2] for r in rows}
