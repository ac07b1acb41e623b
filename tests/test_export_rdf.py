"""RDF export (kg/export/rdf.py): formats, determinism, SHACL, flagship query, atomic writes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import FLAGSHIP_STATES, FORCE, KAZAKHSTAN, RUSSIA, SECOND_DOC, SEED_DOC
from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, SH

import kg.export.rdf as rdf
import kg.rdf
from kg.io import atomic_write_text
from kg.model import Evidence
from kg.vocab import KG, KGR

ROOT = Path(__file__).parents[1]
SHAPES = ROOT / "ontology" / "shapes.ttl"
RDF_MODEL = ROOT / "docs" / "rdf-model.md"
FORMATS = {"graph.ttl": "turtle", "graph.nt": "nt", "graph.jsonld": "json-ld"}


@pytest.fixture
def texts(sample_graph):
    return rdf.generate_rdf(sample_graph)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def _validate(data: Graph, shapes: Graph) -> tuple[bool, str]:
    pyshacl = pytest.importorskip("pyshacl")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    return conforms, text


def _u(node) -> URIRef:
    """The rdflib IRI of a pyoxigraph one (the export maps to pyoxigraph terms)."""
    return URIRef(node.value)


def _support_free(g: Graph) -> set:
    """Triples without the support figures of assertions (which differ per named graph)."""
    assertions = set(g.subjects(RDF.type, KG.Assertion))
    return {t for t in g if not (t[0] in assertions and t[1] in (KG.supportCount, KG.confidence))}


# --------------------------------------------------------------------------- content


def test_document_iri_quotes_the_id():
    assert rdf.document_iri(SEED_DOC).value == (
        "https://w3id.org/newskg/id/doc/000_8de8a0582fcf7fc5.txt"
    )
    assert rdf.document_iri("a b/c#d.txt").value.endswith("/doc/a%20b%2Fc%23d.txt")


def test_graph_content_follows_rdf_model(sample_graph):
    g = rdf.to_graph(sample_graph)
    kz, force, ru = URIRef(KAZAKHSTAN), URIRef(FORCE), URIRef(RUSSIA)
    assert set(g.objects(kz, RDF.type)) == {KG.Country, KG.Entity}
    assert set(g.objects(force, RDF.type)) == {KG.MilitaryForce, KG.Entity}
    assert g.value(kz, RDFS.label) == Literal("Kazakhstan")
    assert URIRef("http://www.wikidata.org/entity/Q232") in set(g.objects(kz, OWL.sameAs))
    assert set(g.objects(kz, KG.mentionedIn)) == {
        _u(rdf.document_iri(SEED_DOC)),
        _u(rdf.document_iri(SECOND_DOC)),
    }
    assert (ru, KG.contributesTo, force) in g
    doc = _u(rdf.document_iri(SEED_DOC))
    assert g.value(doc, DCTERMS.identifier) == Literal(SEED_DOC)
    assert g.value(doc, DCTERMS.date) == Literal("2022-01-09", datatype=XSD.date)
    # no blank nodes anywhere
    assert not [t for tr in g for t in tr if not isinstance(t, (URIRef, Literal))]


def test_assertions_carry_total_support_and_evidence(sample_graph):
    g = rdf.to_graph(sample_graph)
    for u, v, prop, data in sample_graph.edges(keys=True, data=True):
        if prop not in ("contributesTo", "partOf", "memberOf", "locatedIn", "ledBy"):
            continue
        a = _u(rdf.assertion_iri(u, KG[prop], v))
        assert (a, RDF.type, KG.Assertion) in g
        assert g.value(a, RDF.subject) == URIRef(u)
        assert g.value(a, RDF.predicate) == KG[prop]
        assert g.value(a, RDF.object) == URIRef(v)
        assert int(g.value(a, KG.supportCount)) == len(data["evidence"])
        conf = g.value(a, KG.confidence)
        assert conf.datatype == XSD.decimal
        assert conf.toPython() == Decimal(str(round(data["confidence"], 2))).quantize(
            Decimal("0.01")
        )
        evs = set(g.objects(a, KG.evidence))
        assert len(evs) == len(data["evidence"])
        for ev in data["evidence"]:
            e = _u(rdf.evidence_iri(str(a), ev))
            assert e in evs
            assert g.value(e, KG.inDocument) == _u(rdf.document_iri(ev.doc_id))
            assert str(g.value(e, KG.sentenceText)) == ev.sentence
            assert int(g.value(e, KG.startOffset)) == ev.start
            assert int(g.value(e, KG.endOffset)) == ev.end
            text = sample_graph.graph["documents"][ev.doc_id].text
            assert text[ev.start : ev.end] == ev.sentence


def test_events_are_nary_nodes(sample_graph):
    g = rdf.to_graph(sample_graph)
    events = {n: d for n, d in sample_graph.nodes(data=True) if d["kind"] == "event"}
    assert events
    for node, data in events.items():
        e = URIRef(node)
        assert set(g.objects(e, RDF.type)) == {KG[data["cls"]], KG.Event}
        if data["date"]:
            assert g.value(e, KG.date) == Literal(data["date"], datatype=XSD.date)
        else:
            assert g.value(e, KG.date) is None
        for _, target, role in sample_graph.out_edges(node, keys=True):
            assert (e, KG[role], URIRef(target)) in g
        assert len(set(g.objects(e, KG.evidence))) == len(data["evidence"])


def test_iris_are_stable_and_content_derived(sample_graph):
    a1 = set(rdf.to_graph(sample_graph).subjects(RDF.type, KG.Assertion))
    g2 = sample_graph.copy()
    g2.remove_node(KAZAKHSTAN)  # removes unrelated assertions, the others keep their IRI
    a2 = set(rdf.to_graph(g2).subjects(RDF.type, KG.Assertion))
    assert a2 and a2 < a1
    assert all(re.fullmatch(str(KGR) + r"assertion/[0-9a-f]{40}", str(a)) for a in a1)


def test_unknown_class_or_property_is_an_error(sample_graph):
    g = sample_graph.copy()
    g.nodes[KAZAKHSTAN]["cls"] = "Nation"
    with pytest.raises(ValueError, match="Nation"):
        rdf.generate_triples(g)
    g = sample_graph.copy()
    g.add_edge(RUSSIA, KAZAKHSTAN, key="neighbourOf", prop="neighbourOf", evidence=())
    with pytest.raises(ValueError, match="neighbourOf"):
        rdf.generate_triples(g)


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_round_trip_every_format(sample_graph, texts, name):
    ref = rdf.to_graph(sample_graph)
    parsed = Graph().parse(data=texts[name], format=FORMATS[name])
    assert set(parsed) == set(ref)
    assert isomorphic(parsed, ref)


def test_round_trip_trig(sample_graph, texts):
    ds = Dataset()
    ds.parse(data=texts["graph.trig"], format="trig")
    expected = rdf.to_dataset(sample_graph)
    names = {g.identifier for g in ds.graphs() if len(g)}
    assert names == {_u(rdf.document_iri(SEED_DOC)), _u(rdf.document_iri(SECOND_DOC))}
    assert len(ds.default_graph) == 0
    for name in names:
        assert set(ds.graph(name)) == set(expected.graph(name))


def test_trig_union_equals_turtle_apart_from_support(sample_graph, texts):
    ttl = Graph().parse(data=texts["graph.ttl"], format="turtle")
    ds = Dataset()
    ds.parse(data=texts["graph.trig"], format="trig")
    union = Graph()
    for g in ds.graphs():
        union += g
    assert _support_free(union) == _support_free(ttl)
    # per-document support adds up to the total support
    for a in ttl.subjects(RDF.type, KG.Assertion):
        per_doc = [
            int(ds.graph(g.identifier).value(a, KG.supportCount))
            for g in ds.graphs()
            if (a, RDF.type, KG.Assertion) in g
        ]
        assert sum(per_doc) == int(ttl.value(a, KG.supportCount))


def test_named_graph_holds_only_its_document(sample_graph):
    ds = rdf.to_dataset(sample_graph)
    doc = _u(rdf.document_iri(SECOND_DOC))
    second = ds.graph(doc)
    assert set(second.objects(None, KG.mentionedIn)) == {doc}
    assert set(second.objects(None, KG.inDocument)) == {doc}
    assert (URIRef(RUSSIA), RDF.type, KG.Country) not in second


def test_relation_without_evidence_goes_to_default_graph(sample_graph):
    g = sample_graph.copy()
    g.add_edge(RUSSIA, KAZAKHSTAN, key="partOf", prop="partOf", evidence=(), confidence=0.5)
    triple = ox.Triple(ox.NamedNode(RUSSIA), rdf.kg_term("partOf"), ox.NamedNode(KAZAKHSTAN))
    assert ox.Quad(*triple, ox.DefaultGraph()) in rdf.generate_quads(g)
    assert triple in rdf.generate_triples(g)


def test_ntriples_one_statement_a_line_grouped_by_subject(texts):
    lines = texts["graph.nt"].split("\n")
    assert lines[-1] == "" and len(lines[:-1]) == len(set(lines[:-1]))
    subjects = [line.split(" ", 1)[0][1:-1] for line in lines[:-1]]
    assert subjects == sorted(subjects)


def test_jsonld_reads_naturally(texts):
    doc = json.loads(texts["graph.jsonld"])
    ctx = doc["@context"]
    assert ctx["kg"] == "https://w3id.org/newskg/ontology#"
    assert ctx["contributesTo"] == {"@id": "kg:contributesTo", "@type": "@id"}
    nodes = {n["@id"]: n for n in doc["@graph"]}
    assert list(nodes) == sorted(nodes, key=lambda i: i.replace("kgr:", str(KGR), 1))
    kz = nodes["kgr:country/kazakhstan"]
    assert kz["@type"] == ["Country", "Entity"]
    assert kz["label"] == "Kazakhstan"
    assert "wd:Q232" in kz["sameAs"]
    assert (
        nodes["kgr:country/armenia"]["contributesTo"] == "kgr:militaryforce/csto-peacekeeping-force"
    )
    ev = next(n for n in doc["@graph"] if n.get("@type") == "Evidence")
    assert isinstance(ev["startOffset"], int) and ev["startOffset"] < ev["endOffset"]


def test_literal_escaping_round_trips(sample_graph):
    g = sample_graph.copy()
    g.nodes[KAZAKHSTAN]["alt_labels"] = ('Quote " back\\slash', "line\nbreak\ttab", "Қазақстан")
    texts = rdf.generate_rdf(g)
    ref = rdf.to_graph(g)
    for name, fmt in FORMATS.items():
        assert set(Graph().parse(data=texts[name], format=fmt)) == set(ref), name


def test_iri_with_unsafe_characters_is_encoded(sample_graph):
    g = sample_graph.copy()
    odd = str(KGR["person/a b<c>"])
    g.add_node(
        odd,
        kind="entity",
        cls="Person",
        label="A B",
        alt_labels=(),
        same_as=(),
        titles=(),
        documents=(SEED_DOC,),
    )
    texts = rdf.generate_rdf(g)
    parsed = Graph().parse(data=texts["graph.ttl"], format="turtle")
    assert URIRef(str(KGR["person/a%20b%3Cc%3E"])) in set(parsed.subjects())
    assert set(parsed) == set(Graph().parse(data=texts["graph.nt"], format="nt"))


_DETERMINISM_SCRIPT = """
import hashlib, sys
sys.path.insert(0, {tests!r})
from conftest import build_sample_graph
from kg.export.rdf import generate_rdf
for name, text in sorted(generate_rdf(build_sample_graph()).items()):
    print(name, hashlib.sha256(text.encode("utf-8")).hexdigest())
"""


def test_byte_identical_across_processes_and_hash_seeds(texts):
    script = _DETERMINISM_SCRIPT.format(tests=str(Path(__file__).parent))
    outputs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    here = "".join(
        f"{name} {hashlib.sha256(text.encode('utf-8')).hexdigest()}\n"
        for name, text in sorted(texts.items())
    )
    assert outputs[0] == here


# --------------------------------------------------------------------------- SHACL


def test_export_conforms_to_shapes(sample_graph, shapes):
    conforms, text = _validate(rdf.to_graph(sample_graph), shapes)
    assert conforms, text


def test_every_named_graph_conforms(sample_graph, shapes):
    ds = rdf.to_dataset(sample_graph)
    for g in ds.graphs():
        if len(g):
            copy = Graph()
            copy += g
            conforms, text = _validate(copy, shapes)
            assert conforms, (g.identifier, text)


def test_shapes_accept_subclasses_where_superclass_allowed(sample_graph, shapes):
    g = sample_graph.copy()
    aktau = str(KGR["city/aktau"])
    ev = Evidence(SEED_DOC, 0, 10, "x" * 10, "test", 0.5)
    g.add_edge(FORCE, RUSSIA, key="ledBy", prop="ledBy", evidence=(ev,), confidence=0.5)
    g.add_edge(FORCE, aktau, key="deployedTo", prop="deployedTo", evidence=(ev,), confidence=0.5)
    conforms, text = _validate(rdf.to_graph(g), shapes)
    assert conforms, text


def _breakages():
    """(description, function mutating an exported rdflib graph so that it must fail)."""
    kz, ru = URIRef(KAZAKHSTAN), URIRef(RUSSIA)

    def no_label(g):
        g.remove((kz, RDFS.label, None))

    def two_labels(g):
        g.add((kz, RDFS.label, Literal("Qazaqstan")))

    def dbpedia_same_as(g):
        g.add((kz, OWL.sameAs, URIRef("http://dbpedia.org/resource/Kazakhstan")))

    def literal_same_as(g):
        g.add((kz, OWL.sameAs, Literal("http://www.wikidata.org/entity/Q232")))

    def no_document(g):
        g.remove((kz, KG.mentionedIn, None))

    def title_on_country(g):
        g.add((kz, KG.title, Literal("Republic")))

    def wrong_relation_object(g):
        g.add((ru, KG.contributesTo, kz))

    def organization_deployed(g):
        csto = next(g.subjects(RDF.type, KG.Organization))
        g.add((csto, KG.deployedTo, kz))

    def two_entity_classes(g):
        g.add((kz, RDF.type, KG.Location))

    def wrong_support_count(g):
        a = next(g.subjects(RDF.type, KG.Assertion))
        g.set((a, KG.supportCount, Literal(5)))

    def reified_triple_not_asserted(g):
        a = next(g.subjects(RDF.type, KG.Assertion))
        g.remove((g.value(a, RDF.subject), g.value(a, RDF.predicate), g.value(a, RDF.object)))

    def bad_offsets(g):
        e = next(g.subjects(RDF.type, KG.Evidence))
        g.set((e, KG.startOffset, Literal(int(g.value(e, KG.endOffset)))))

    def string_offset(g):
        e = next(g.subjects(RDF.type, KG.Evidence))
        g.set((e, KG.endOffset, Literal("12")))

    def event_two_classes(g):
        e = next(g.subjects(RDF.type, KG.Deployment))
        g.add((e, RDF.type, KG.Protest))

    def event_string_date(g):
        e = next(g.subjects(RDF.type, KG.Deployment))
        g.set((e, KG.date, Literal("2022-01-06")))

    def role_to_document(g):
        e = next(g.subjects(RDF.type, KG.Deployment))
        g.add((e, KG.agent, next(g.subjects(RDF.type, KG.Document))))

    def document_without_identifier(g):
        g.remove((None, DCTERMS.identifier, None))

    expected = {
        no_label: "MinCount",
        two_labels: "MaxCount",
        dbpedia_same_as: "Or",
        literal_same_as: "NodeKind",
        no_document: "MinCount",
        title_on_country: "Class",
        wrong_relation_object: "Node",
        organization_deployed: "Node",
        two_entity_classes: "QualifiedMaxCount",
        wrong_support_count: "SPARQL",
        reified_triple_not_asserted: "SPARQL",
        bad_offsets: "LessThan",
        string_offset: "Datatype",
        event_two_classes: "QualifiedMaxCount",
        event_string_date: "Datatype",
        role_to_document: "Class",
        document_without_identifier: "MinCount",
    }
    return [(f.__name__, f, component) for f, component in expected.items()]


@pytest.mark.parametrize("name,breakage,component", _breakages())
def test_broken_graph_fails_validation(sample_graph, shapes, name, breakage, component):
    pyshacl = pytest.importorskip("pyshacl")
    g = rdf.to_graph(sample_graph)
    breakage(g)
    conforms, report, _ = pyshacl.validate(g, shacl_graph=shapes, inference="none")
    assert not conforms, name
    components = {
        str(report.value(r, SH.sourceConstraintComponent))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    assert str(SH) + component + "ConstraintComponent" in components, (name, components)


# --------------------------------------------------------------------------- flagship query


def _flagship_query() -> str:
    text = RDF_MODEL.read_text(encoding="utf-8")
    section = text.split("## The flagship query", 1)[1]
    return re.search(r"```sparql\n(.*?)```", section, re.DOTALL).group(1)


def _expected_flagship_rows(G) -> set[tuple[str, str, str]]:
    rows = set()
    for u, v, prop, data in G.edges(keys=True, data=True):
        if prop == "contributesTo" and v == FORCE and G.nodes[u]["cls"] == "Country":
            rows.update((G.nodes[u]["label"], ev.sentence, ev.doc_id) for ev in data["evidence"])
    return rows


def test_flagship_query_returns_states_with_sentences(sample_graph):
    query = _flagship_query()
    expected = _expected_flagship_rows(sample_graph)
    assert {name for name, _, _ in expected} == set(FLAGSHIP_STATES)
    g = Graph().parse(data=rdf.serialize_turtle(sample_graph), format="turtle")
    rows = {(str(r.name), str(r.sentence), str(r.doc)) for r in g.query(query)}
    assert rows == expected
    assert {d for _, _, d in rows} == {SEED_DOC, SECOND_DOC}


def test_flagship_query_in_a_triple_store(sample_graph):
    store = ox.Store()
    store.load(rdf.serialize_turtle(sample_graph).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    rows = {
        (s["name"].value, s["sentence"].value, s["doc"].value)
        for s in store.query(_flagship_query())
    }
    assert rows == _expected_flagship_rows(sample_graph)


# --------------------------------------------------------------------------- writing


def test_write_rdf_writes_four_files_atomically(sample_graph, tmp_path, texts):
    out = tmp_path / "out"
    paths = rdf.write_rdf(sample_graph, out)
    assert [p.name for p in paths] == list(rdf.RDF_FILES)
    assert sorted(os.listdir(out)) == sorted(rdf.RDF_FILES)
    for p in paths:
        assert p.read_bytes() == texts[p.name].encode("utf-8")
        assert p.stat().st_mode & 0o777 == 0o644


def test_write_rdf_keeps_old_files_when_serialisation_fails(sample_graph, tmp_path, monkeypatch):
    rdf.write_rdf(sample_graph, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    smaller = sample_graph.copy()
    smaller.remove_node(KAZAKHSTAN)

    def boom(*args, **kwargs):
        raise RuntimeError("serialiser failed")

    monkeypatch.setattr(kg.rdf, "serialize_jsonld", boom)
    with pytest.raises(RuntimeError):
        rdf.write_rdf(smaller, tmp_path)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before


def test_atomic_write_text_failure_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "graph.ttl"
    atomic_write_text(target, "old\n")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        atomic_write_text(target, "new\n")
    monkeypatch.undo()
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["graph.ttl"]
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "bad \ud800 surrogate")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["graph.ttl"]


def test_atomic_write_text_writes_utf8_and_newlines(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    atomic_write_text(target, "Қазақстан\nline\r\n")
    assert target.read_bytes() == "Қазақстан\nline\r\n".encode()
    assert os.listdir(target.parent) == ["f.txt"]
