"""Tests for kg.query: the store of the exports, named queries, read-only SPARQL, result formats."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from kg.query import sparql as q
from kg.query import store as st
from kg.vocab import KG, KGR, PREFIXES, WD

GOLD = Path(__file__).parent / "data" / "000_8de8a0582fcf7fc5.json"

DOC_A = "000_8de8a0582fcf7fc5.txt"
DOC_B = "001_csto-followup.txt"
SENTENCE_A = (
    "It also stated that among the CSTO\u2019s peacekeeping forces are military units from "
    "Russia, Belarus, Armenia, Tajikistan, and Kyrgyzstan."
)
SENTENCE_B = (
    "Russian, Belarussian, Armenian, Tajik, and Kyrgyz military units are among the forces."
)
TEXTS = {
    DOC_A: "Kazakhstan asked for help. " + SENTENCE_A + " The force was dispatched on Thursday.",
    DOC_B: "Troops arrived. " + SENTENCE_B,
}
CONTRIBUTORS = ["Armenia", "Belarus", "Kyrgyzstan", "Russia", "Tajikistan"]
PROTEST_PLACES = ["Aktau", "Aktobe", "Atyrau", "Mangystau Region", "Oral"]


# --------------------------------------------------------------------------- sample graph


def _e(kind: str, slug: str) -> URIRef:
    return KGR[f"{kind}/{slug}"]


def _h(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:12]


class SampleGraph:
    """Build a small dataset following docs/rdf-model.md, one named graph per document."""

    def __init__(self) -> None:
        self.ds = Dataset()
        self.union = Graph()

    def doc(self, doc_id: str, date: str) -> Graph:
        g = self.ds.graph(KGR[f"doc/{doc_id}"])
        d = KGR[f"doc/{doc_id}"]
        self.add(g, d, RDF.type, KG.Document)
        self.add(g, d, DCTERMS.identifier, Literal(doc_id))
        self.add(g, d, DCTERMS.date, Literal(date, datatype=XSD.date))
        g.doc_id = doc_id  # type: ignore[attr-defined]
        return g

    def add(self, g: Graph, s, p, o) -> None:
        g.add((s, p, o))
        self.union.add((s, p, o))

    def entity(self, g, node, cls, label, alts=(), same_as=(), titles=()) -> URIRef:
        for c in (cls, KG.Entity):
            self.add(g, node, RDF.type, c)
        self.add(g, node, RDFS.label, Literal(label))
        for alt in alts:
            self.add(g, node, SKOS.altLabel, Literal(alt))
        for iri in same_as:
            self.add(g, node, OWL.sameAs, iri)
        for title in titles:
            self.add(g, node, KG.title, Literal(title))
        self.add(g, node, KG.mentionedIn, KGR[f"doc/{g.doc_id}"])
        return node

    def evidence(self, g, sentence: str, rule: str, conf: float) -> URIRef:
        doc_id = g.doc_id
        start = TEXTS[doc_id].index(sentence)
        ev = KGR[f"evidence/{_h(doc_id, start, rule)}"]
        self.add(g, ev, RDF.type, KG.Evidence)
        self.add(g, ev, KG.inDocument, KGR[f"doc/{doc_id}"])
        self.add(g, ev, KG.sentenceText, Literal(sentence))
        self.add(g, ev, KG.startOffset, Literal(start))
        self.add(g, ev, KG.endOffset, Literal(start + len(sentence)))
        self.add(g, ev, KG.extractionRule, Literal(rule))
        self.add(g, ev, KG.confidence, Literal(str(conf), datatype=XSD.decimal))
        return ev

    def relation(self, g, s, p, o, sentence: str, rule: str = "rule", conf: float = 0.8) -> None:
        self.add(g, s, p, o)
        a = KGR[f"assertion/{_h(s, p, o)}"]
        self.add(g, a, RDF.type, KG.Assertion)
        self.add(g, a, RDF.subject, s)
        self.add(g, a, RDF.predicate, p)
        self.add(g, a, RDF.object, o)
        self.add(g, a, KG.evidence, self.evidence(g, sentence, rule, conf))

    def event(self, g, cls, slug, trigger, roles, date=None, sentence=None) -> URIRef:
        ev = KGR[f"event/{g.doc_id}-{slug}"]
        self.add(g, ev, RDF.type, cls)
        self.add(g, ev, RDF.type, KG.Event)
        self.add(g, ev, RDFS.label, Literal(f"{cls.split('#')[-1]}: {trigger}"))
        self.add(g, ev, KG.trigger, Literal(trigger))
        for role, values in roles.items():
            for value in values:
                self.add(g, ev, KG[role], value)
        if date:
            self.add(g, ev, KG.date, Literal(date, datatype=XSD.date))
        self.add(g, ev, KG.mentionedIn, KGR[f"doc/{g.doc_id}"])
        if sentence:
            self.add(g, ev, KG.evidence, self.evidence(g, sentence, f"event-{slug}", 0.7))
        return ev


def build_sample() -> SampleGraph:
    """The CSTO-like sample: two documents, decoys that general queries must not return."""
    sg = SampleGraph()
    a = sg.doc(DOC_A, "2022-01-09")
    csto = sg.entity(
        a, _e("organization", "collective-security-treaty-organization"), KG.Organization,
        "Collective Security Treaty Organization", ["CSTO"],
    )  # fmt: skip
    force = sg.entity(
        a, _e("militaryforce", "csto-peacekeeping-force"), KG.MilitaryForce,
        "CSTO peacekeeping force", ["CSTO force", "peacekeeping forces"],
    )  # fmt: skip
    kaz = sg.entity(
        a, _e("country", "kazakhstan"), KG.Country, "Kazakhstan",
        ["Kazakh", "Republic of Kazakhstan"], [WD.Q232],
    )  # fmt: skip
    sg.relation(a, force, KG.partOf, csto, SENTENCE_A)
    sg.relation(a, force, KG.deployedTo, kaz, TEXTS[DOC_A].split(". ")[0] + ".")
    states = {
        name: sg.entity(a, _e("country", name.lower()), KG.Country, name) for name in CONTRIBUTORS
    }
    for node in states.values():
        sg.relation(a, node, KG.contributesTo, force, SENTENCE_A, "enumeration-from", 0.85)
    sg.relation(a, csto, KG.ledBy, states["Russia"], SENTENCE_A)
    leader = sg.entity(
        a, _e("person", "kassym-jomart-tokayev"), KG.Person, "Kassym-Jomart Tokayev",
        ["Tokayev"], titles=["President"],
    )  # fmt: skip
    sg.relation(a, leader, KG.leaderOf, kaz, "Kazakhstan asked for help.")
    sg.relation(a, leader, KG.requestedAssistanceFrom, csto, "Kazakhstan asked for help.")
    sg.event(a, KG.Request, "12-request", "asked", {"agent": [leader], "target": [csto]})
    eeas = sg.entity(
        a, _e("organization", "european-external-action-service"), KG.Organization,
        "European External Action Service", ["EU diplomatic service", "EEAS"],
    )  # fmt: skip
    spokes = sg.entity(
        a, _e("person", "nabila-massrali"), KG.Person, "Nabila Massrali", titles=["spokeswoman"]
    )
    sg.relation(a, spokes, KG.spokespersonFor, eeas, SENTENCE_A)
    places = {
        "Mangystau Region": sg.entity(a, _e("region", "mangystau"), KG.Region, "Mangystau Region"),
        **{n: sg.entity(a, _e("city", n.lower()), KG.City, n) for n in PROTEST_PLACES[:3]},
        "Oral": sg.entity(a, _e("city", "oral"), KG.City, "Oral"),
    }
    for name, node in places.items():
        parent = places["Mangystau Region"] if name == "Aktau" else kaz
        sg.relation(a, node, KG.locatedIn, parent, SENTENCE_A)
    sg.event(a, KG.Protest, "1-protest", "protests", {"place": [kaz, places["Mangystau Region"]]})
    sg.event(a, KG.Protest, "2-protest", "rallies", {"place": [places["Aktau"], places["Atyrau"]]})
    sg.event(a, KG.Protest, "3-protest", "protest", {"place": [places["Aktobe"], places["Oral"]]})
    sg.event(
        a, KG.Deployment, "214-deployment", "dispatched",
        {"agent": [csto], "place": [kaz]}, "2022-01-06", "The force was dispatched on Thursday.",
    )  # fmt: skip

    # Decoys: another alliance, its force, its deployment, a riot, another spokesperson.
    other = sg.entity(a, _e("organization", "other-alliance"), KG.Organization, "Other Alliance")
    oforce = sg.entity(
        a, _e("militaryforce", "other-force"), KG.MilitaryForce, "Other Alliance force"
    )
    sylvania = sg.entity(a, _e("country", "sylvania"), KG.Country, "Sylvania")
    freedonia = sg.entity(a, _e("country", "freedonia"), KG.Country, "Freedonia")
    duckburg = sg.entity(a, _e("city", "duckburg"), KG.City, "Duckburg")
    sg.relation(a, oforce, KG.partOf, other, SENTENCE_A)
    sg.relation(a, oforce, KG.deployedTo, freedonia, SENTENCE_A)
    sg.relation(a, sylvania, KG.contributesTo, oforce, SENTENCE_A)
    sg.relation(a, duckburg, KG.locatedIn, freedonia, SENTENCE_A)
    king = sg.entity(a, _e("person", "king-of-sylvania"), KG.Person, "Rex", titles=["King"])
    sg.relation(a, king, KG.leaderOf, sylvania, SENTENCE_A)
    sg.relation(a, king, KG.requestedAssistanceFrom, other, SENTENCE_A)
    doe = sg.entity(a, _e("person", "john-doe"), KG.Person, "John Doe", titles=["spokesman"])
    sg.relation(a, doe, KG.spokespersonFor, other, SENTENCE_A)
    sg.event(a, KG.Riot, "9-riot", "riot", {"place": [duckburg, freedonia]})
    sg.event(a, KG.Deployment, "99-deployment", "sent", {"agent": [oforce]}, "2021-05-01")

    b = sg.doc(DOC_B, "2022-01-10")
    for node, cls, label in (
        (csto, KG.Organization, "Collective Security Treaty Organization"),
        (force, KG.MilitaryForce, "CSTO peacekeeping force"),
        (states["Armenia"], KG.Country, "Armenia"),
        (states["Russia"], KG.Country, "Russia"),
    ):
        sg.entity(b, node, cls, label)
    sg.add(b, csto, SKOS.altLabel, Literal("CSTO"))
    sg.relation(b, force, KG.partOf, csto, SENTENCE_B)
    for name in ("Armenia", "Russia"):
        sg.relation(b, states[name], KG.contributesTo, force, SENTENCE_B, "enumeration-of", 0.7)
    return sg


def write_exports(folder: Path, formats: tuple[str, ...] = ("trig", "ttl", "nt", "jsonld")) -> Path:
    """Write the sample graph as graph.<ext> files into ``folder``."""
    sg = build_sample()
    folder.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        if fmt == "trig":
            sg.ds.serialize(folder / "graph.trig", format="trig")
        else:
            name = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
            sg.union.serialize(folder / f"graph.{fmt}", format=name)
    return folder


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_exports(tmp_path_factory.mktemp("exports"))


@pytest.fixture(scope="module")
def store(exports: Path) -> ox.Store:
    return q.load_store(exports)  # the on-disk store next to the exports, read-only


def column(result: q.QueryResult, var: str) -> list:
    i = result.variables.index(var)
    return [row[i] for row in result.rows]


# --------------------------------------------------------------------------- loading


def test_store_keeps_named_graphs_and_a_default_graph_of_distinct_triples(
    exports: Path, store: ox.Store
) -> None:
    graphs = sorted(g.value for g in store.named_graphs())
    assert graphs == [str(KGR[f"doc/{DOC_A}"]), str(KGR[f"doc/{DOC_B}"])]
    union = build_sample().union
    assert len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == len(union)
    # Armenia is described in both documents: once by default, once per document with GRAPH ?g
    armenia = f"<{KGR['country/armenia']}>"
    plain = q.run_query(store, f"SELECT ?l WHERE {{ {armenia} rdfs:label ?l }}")
    assert plain.rows == [("Armenia",)]
    per_doc = q.run_query(
        store, f"SELECT ?g ?l WHERE {{ GRAPH ?g {{ {armenia} rdfs:label ?l }} }} ORDER BY ?g"
    )
    assert [r[0] for r in per_doc.rows] == [str(KGR[f"doc/{DOC_A}"]), str(KGR[f"doc/{DOC_B}"])]


@pytest.mark.parametrize("ext", ["trig", "ttl", "nt", "jsonld"])
def test_every_export_format_answers_the_same(exports: Path, ext: str) -> None:
    for store in (
        st.memory_store(exports / f"graph.{ext}"),
        q.load_store(exports / f"graph.{ext}"),
    ):
        result = q.run_query(store, q.named_queries()["contributors"].text)
        assert column(result, "name") == CONTRIBUTORS  # once each, whatever the format


def test_sources_of_a_folder_and_of_files(tmp_path: Path) -> None:
    folder = write_exports(tmp_path / "out", ("ttl", "trig"))
    sources = st.find_sources(folder)
    assert (sources.triples.name, sources.dataset.name) == ("graph.ttl", "graph.trig")
    assert st.find_sources(folder / "graph.trig").triples is None  # a lone TriG is folded
    only_ttl = write_exports(tmp_path / "ttl", ("ttl",))
    assert st.find_sources(only_ttl).dataset is None
    assert len(q.load_store(only_ttl)) > 50


def test_store_is_reused_while_the_exports_are_unchanged(tmp_path: Path) -> None:
    folder = write_exports(tmp_path / "out", ("ttl", "trig"))
    first = st.update_store(folder)
    assert first.parent == folder / st.STORE_DIR
    inode = first.stat().st_ino
    assert st.update_store(folder) == first and first.stat().st_ino == inode
    assert st.store_path(folder) == first
    # the exports change: a new store is built, the previous one is kept for its readers
    ttl = folder / "graph.ttl"
    ttl.write_text(ttl.read_text("utf-8") + "<urn:x> <urn:y> <urn:z> .\n", "utf-8")
    assert st.store_path(folder) is None
    second = st.update_store(folder)
    assert second != first and first.is_dir()
    assert q.run_query(q.load_store(folder), "ASK { <urn:x> <urn:y> <urn:z> }").boolean
    ttl.write_text(ttl.read_text("utf-8") + "<urn:x> <urn:y> <urn:w> .\n", "utf-8")
    third = st.update_store(folder)
    assert sorted(p.name for p in third.parent.iterdir() if p.is_dir()) == sorted(
        [second.name, third.name]
    )


def test_load_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(st.StoreError, match="no graph export"):
        q.load_store(tmp_path)
    with pytest.raises(st.StoreError, match="no such file"):
        q.load_store(tmp_path / "missing.ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(st.StoreError, match="cannot load"):
        q.load_store(bad)
    assert not list((tmp_path / "bad.ttl.oxigraph").glob("[!.]*"))  # no half-built store left
    (tmp_path / "g.xyz").write_text("", encoding="utf-8")
    with pytest.raises(st.StoreError, match="unknown RDF format"):
        q.load_store(tmp_path / "g.xyz")


# --------------------------------------------------------------------------- named queries

EXPECTED_NAMES = {
    "contributors", "deployment-place", "requested-assistance", "leader-title", "spokesperson",
    "protest-places", "dispatch-date", "supporting-sentence", "flagship",
    "forces", "leaders", "timeline", "members", "entity", "mentions",
}  # fmt: skip


def test_named_queries_cover_the_gold_questions() -> None:
    queries = q.named_queries()
    assert EXPECTED_NAMES <= set(queries)
    gold_questions = {item["ask"] for item in json.loads(GOLD.read_text("utf-8"))["questions"]}
    descriptions = {nq.description for nq in queries.values()}
    assert gold_questions <= descriptions
    for nq in queries.values():
        assert nq.title and nq.description, nq.name
        assert nq.text.startswith("# title: ")
        assert nq.text.splitlines()[1].startswith("# description: ")
        assert "PREFIX kg: <https://w3id.org/newskg/ontology#>" in nq.text
        assert nq.path.suffix == ".rq"
        assert list(queries) == sorted(queries)


def _answers(store: ox.Store, name: str) -> q.QueryResult:
    return q.run_query(store, q.named_queries()[name].text, timeout=10)


def test_contributors(store: ox.Store) -> None:
    assert column(_answers(store, "contributors"), "name") == CONTRIBUTORS


def test_deployment_place(store: ox.Store) -> None:
    assert column(_answers(store, "deployment-place"), "name") == ["Kazakhstan"]


def test_requested_assistance(store: ox.Store) -> None:
    result = _answers(store, "requested-assistance")
    assert set(column(result, "name")) == {"Kassym-Jomart Tokayev"}
    assert str(KG.Person) in column(result, "class")


def test_leader_title(store: ox.Store) -> None:
    result = _answers(store, "leader-title")
    assert [(r[1], r[2]) for r in result.rows] == [("Kassym-Jomart Tokayev", "President")]


def test_spokesperson(store: ox.Store) -> None:
    assert column(_answers(store, "spokesperson"), "name") == ["Nabila Massrali"]


def test_protest_places(store: ox.Store) -> None:
    assert column(_answers(store, "protest-places"), "name") == PROTEST_PLACES


def test_dispatch_date(store: ox.Store) -> None:
    result = _answers(store, "dispatch-date")
    assert column(result, "date") == [dt.date(2022, 1, 6)]
    assert column(result, "place") == ["Kazakhstan"]


def test_supporting_sentence_from_both_named_graphs(store: ox.Store) -> None:
    result = _answers(store, "supporting-sentence")
    assert column(result, "sentence") == [SENTENCE_A, SENTENCE_B]
    assert column(result, "doc") == [DOC_A, DOC_B]
    start, end = column(result, "start")[0], column(result, "end")[0]
    assert TEXTS[DOC_A][start:end] == SENTENCE_A
    assert column(result, "rule") == ["enumeration-from", "enumeration-of"]


def test_flagship(store: ox.Store) -> None:
    result = _answers(store, "flagship")
    assert sorted(set(column(result, "name"))) == CONTRIBUTORS
    pairs = {(r[1], r[3]) for r in result.rows}
    assert ("Armenia", DOC_B) in pairs and ("Armenia", DOC_A) in pairs
    assert len(result.rows) == len(CONTRIBUTORS) + 2
    assert set(column(result, "sentence")) == {SENTENCE_A, SENTENCE_B}


def test_forces(store: ox.Store) -> None:
    result = _answers(store, "forces")
    by_name = {r[1]: r for r in result.rows}
    assert sorted(by_name) == ["CSTO peacekeeping force", "Other Alliance force"]
    force = by_name["CSTO peacekeeping force"]
    assert force[0] == str(KGR["militaryforce/csto-peacekeeping-force"])
    assert force[2] == "Collective Security Treaty Organization"
    assert sorted(force[4].split(" | ")) == CONTRIBUTORS
    assert force[5:] == ("Kazakhstan", None)  # deployedTo; no kg:Deployment event of the force
    assert by_name["Other Alliance force"][4:] == ("Sylvania", "Freedonia", None)


def test_leaders(store: ox.Store) -> None:
    rows = {(r[1], r[2], r[4]) for r in _answers(store, "leaders").rows}
    assert rows == {
        ("Kassym-Jomart Tokayev", "President", "Kazakhstan"),
        ("Rex", "King", "Sylvania"),
        ("Russia", None, "Collective Security Treaty Organization"),
    }


def test_timeline(store: ox.Store) -> None:
    result = _answers(store, "timeline")
    assert column(result, "date") == [dt.date(2021, 5, 1), dt.date(2022, 1, 6)]
    assert column(result, "type") == [str(KG.Deployment)] * 2
    assert column(result, "agents") == ["Other Alliance force", "Collective Security Treaty "
                                        "Organization"]  # fmt: skip
    assert column(result, "places") == [None, "Kazakhstan"]
    assert [p.optional for p in q.named_queries()["timeline"].params] == [True]
    csto = _bound(store, "timeline", entity="CSTO")
    assert column(csto, "date") == [dt.date(2022, 1, 6)]


def test_members(tmp_path: Path) -> None:
    sg = build_sample()
    g = sg.doc(DOC_A, "2022-01-09")
    csto = _e("organization", "collective-security-treaty-organization")
    for name in ("Belarus", "Armenia"):
        sg.relation(g, _e("country", name.lower()), KG.memberOf, csto, SENTENCE_A)
    sg.union.serialize(tmp_path / "graph.ttl", format="turtle")
    rows = _answers(q.load_store(tmp_path), "members").rows
    assert [(r[1], r[3]) for r in rows] == [
        ("Collective Security Treaty Organization", "Armenia"),
        ("Collective Security Treaty Organization", "Belarus"),
    ]


def _bound(store: ox.Store, name: str, **params: str) -> q.QueryResult:
    text = q.bind_params(store, q.named_queries()[name], params)
    return q.run_query(store, text, timeout=10)


def test_entity_by_label_alias_case_and_iri(store: ox.Store) -> None:
    by_label = _bound(store, "entity", entity="Kazakhstan")
    assert set(column(by_label, "entity")) == {str(KGR["country/kazakhstan"])}
    facts = {(r[1], r[2], r[4] or r[3]) for r in by_label.rows}
    assert ("out", str(RDFS.label), "Kazakhstan") in facts
    assert ("out", str(OWL.sameAs), str(WD.Q232)) in facts
    assert ("in", str(KG.leaderOf), "Kassym-Jomart Tokayev") in facts
    assert ("in", str(KG.deployedTo), "CSTO peacekeeping force") in facts
    assert ("in", str(KG.place), "Deployment: dispatched") in facts
    assert not any(p in (str(KG.mentionedIn), str(RDF.subject)) for _, p, _ in facts)
    for other in ("Republic of Kazakhstan", "kazakh", "kgr:country\\/kazakhstan",
                  f"<{KGR['country/kazakhstan']}>"):  # fmt: skip
        assert _bound(store, "entity", entity=other).rows == by_label.rows, other


def test_mentions(store: ox.Store) -> None:
    result = _bound(store, "mentions", entity="CSTO")
    assert column(result, "id") == [DOC_A, DOC_B]
    assert column(result, "date") == [dt.date(2022, 1, 9), dt.date(2022, 1, 10)]


def test_parameter_errors(store: ox.Store) -> None:
    entity = q.named_queries()["entity"]
    with pytest.raises(q.ParameterError, match="needs --param entity=VALUE"):
        q.bind_params(store, entity, {})
    with pytest.raises(q.ParameterError, match="no parameter 'who'"):
        q.bind_params(store, entity, {"entity": "Kazakhstan", "who": "x"})
    with pytest.raises(q.ParameterError, match="no entity is named 'Atlantis'"):
        q.bind_params(store, entity, {"entity": "Atlantis"})
    assert q.parse_params(["entity=Kazakhstan", "x = a=b "]) == {"entity": "Kazakhstan", "x": "a=b"}
    with pytest.raises(q.ParameterError, match="not name=VALUE"):
        q.parse_params(["entity"])
    injected = 'x" } ?s ?p ?o { "'
    with pytest.raises(q.ParameterError, match="no entity is named"):
        q.bind_params(store, entity, {"entity": injected})


def test_resolve_query_arg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    named = q.named_queries()["flagship"].text
    assert q.resolve_query_arg(None, "flagship") == named
    assert [p.name for p in q.named_queries()["entity"].params] == ["entity"]
    assert q.resolve_query_arg("flagship", None) == named
    rq = tmp_path / "mine.rq"
    rq.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert q.resolve_query_arg(str(rq), None) == "ASK { ?s ?p ?o }"
    assert q.resolve_query_arg("SELECT * { ?s ?p ?o }", None) == "SELECT * { ?s ?p ?o }"
    with pytest.raises(q.QueryError, match="unknown named query 'nope'.*flagship"):
        q.resolve_query_arg(None, "nope")
    with pytest.raises(q.QueryError, match="no such query file"):
        q.resolve_query_arg(str(tmp_path / "missing.rq"), None)
    with pytest.raises(q.QueryError, match="no query given"):
        q.resolve_query_arg(None, None)
    monkeypatch.setattr("sys.stdin", io.StringIO("ASK {}"))
    assert q.resolve_query_arg("-", None) == "ASK {}"


def test_named_queries_are_the_ontology_folder_shipped_in_the_package() -> None:
    repo = Path(__file__).parents[1] / "ontology" / "queries"
    assert q.queries_dir().resolve() == repo.resolve()
    assert sorted(q.named_queries()) == sorted(p.stem for p in repo.glob("*.rq"))


# --------------------------------------------------------------------------- running


def test_ask_construct_and_python_values(store: ox.Store) -> None:
    assert q.run_query(store, f"ASK {{ ?s a <{KG.MilitaryForce}> }}").boolean is True
    assert q.run_query(store, "ASK { ?s a <urn:nothing> }").boolean is False
    graph = q.run_query(
        store,
        f"CONSTRUCT {{ ?s <{RDFS.label}> ?l }} WHERE {{ ?s a <{KG.Country}> ; <{RDFS.label}> ?l }}",
    )
    assert graph.kind == "graph"
    assert sorted(r[2] for r in graph.rows) == sorted([*CONTRIBUTORS, "Kazakhstan", "Sylvania",
                                                       "Freedonia"])  # fmt: skip
    values = q.run_query(
        store, f"SELECT ?o ?c WHERE {{ ?e <{KG.startOffset}> ?o ; <{KG.confidence}> ?c }} LIMIT 1"
    )
    offset, conf = values.rows[0]
    assert isinstance(offset, int) and str(conf) in ("0.8", "0.85", "0.7")


def test_default_graph_uri_restricts_to_one_document(store: ox.Store) -> None:
    text = q.named_queries()["supporting-sentence"].text
    only_b = q.run_query(store, text, default_graphs=[str(KGR[f"doc/{DOC_B}"])])
    assert column(only_b, "sentence") == [SENTENCE_B]


def test_common_prefixes_are_predeclared(store: ox.Store) -> None:
    result = q.run_query(store, "SELECT ?l WHERE { ?c a kg:Country ; rdfs:label ?l } ORDER BY ?l")
    assert column(result, "l")[:2] == ["Armenia", "Belarus"]
    own = "PREFIX kg: <urn:other#> ASK { ?c a kg:Country }"  # a query's own PREFIX wins
    assert q.run_query(store, own).boolean is False


def test_printed_iris_can_be_pasted_back(store: ox.Store) -> None:
    nodes = q.run_query(store, "SELECT DISTINCT ?n WHERE { { ?n ?p ?o } UNION { ?s ?p ?n } }")
    iris = [row[0].value for row in nodes.bindings if isinstance(row[0], ox.NamedNode)]
    iris += [str(KGR["person/jos%C3%A9"]), str(KGR["x/a.b."]), str(KGR["-dash"]), "urn:a b"]
    for iri in iris:
        shown = q.compact_iri(iri)
        if " " in iri:
            assert shown == f"<{iri}>"
            continue
        back = q.run_query(store, f"SELECT ?x WHERE {{ VALUES ?x {{ {shown} }} }}")
        assert back.rows == [(iri,)], (iri, shown)
    assert q.compact_iri(str(KG.Country)) == "kg:Country"
    assert q.compact_iri(str(KGR["country/kazakhstan"])) == "kgr:country\\/kazakhstan"
    assert set(PREFIXES) >= {"kg", "kgr", "rdf", "rdfs", "skos", "owl", "xsd", "dcterms", "prov"}


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX ex: <http://example.org/#x>\n# comment SELECT\nDELETE WHERE { ?s ?p ?o }",
        "BASE <http://example.org/> LOAD <http://example.org/data.ttl>",
        "  clear all",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_rejected(store: ox.Store, update: str) -> None:
    before = len(store)
    with pytest.raises(q.ReadOnlyError, match="read-only"):
        q.run_query(store, update)
    assert len(store) == before


def test_keywords_in_strings_and_variables_are_not_updates(store: ox.Store) -> None:
    text = 'SELECT ?service WHERE { BIND("INSERT SERVICE" AS ?service) } # DELETE'
    assert q.run_query(store, text).rows == [("INSERT SERVICE",)]


def test_service_is_refused(store: ox.Store) -> None:
    with pytest.raises(q.ReadOnlyError, match="SERVICE"):
        q.run_query(store, "SELECT * WHERE { service <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")


def test_parse_error_carries_the_parser_message(store: ox.Store) -> None:
    bad = "SELECT ?s WHERE { ?s ?p }"
    try:
        ox.Store().query(bad)
    except SyntaxError as exc:
        parser_message = str(exc)
    with pytest.raises(q.QuerySyntaxError) as info:
        q.run_query(store, bad, timeout=5)
    assert str(info.value) == parser_message
    assert parser_message.startswith("error at 1:")
    long_bad = "SELECT ?s WHERE { ?s ?p "
    with pytest.raises(q.QuerySyntaxError, match=r"(?s)^error at 1:25: expected .* …$"):
        q.run_query(store, long_bad)


PATHOLOGICAL = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"


def test_time_limit(store: ox.Store) -> None:
    began = time.monotonic()
    with pytest.raises(q.QueryTimeout, match="time limit of 0.3 s"):
        q.run_query(store, PATHOLOGICAL, timeout=0.3)
    assert time.monotonic() - began < 3


def test_result_limit(store: ox.Store) -> None:
    with pytest.raises(q.QueryError, match="exceeds 5 rows"):
        q.run_query(store, "SELECT * WHERE { ?s ?p ?o }", max_rows=5)
    assert q.run_query(store, "SELECT * WHERE { ?s ?p ?o } LIMIT 5", max_rows=5).size == 5


# --------------------------------------------------------------------------- formats


def test_format_table(store: ox.Store) -> None:
    result = _answers(store, "supporting-sentence")
    table = q.format_result(result, "table", width=200)
    assert "sentence" in table and "Armenian, Tajik" in table and "2 rows" in table
    assert table == q.format_result(result, "table", width=200)
    ids = q.format_result(q.run_query(store, f"SELECT ?f {{ ?f a <{KG.MilitaryForce}> }}"), "table")
    assert "kgr:militaryforce\\/csto-peacekeeping-force" in ids
    narrow = q.to_table(q.run_query(store, f"SELECT ?f {{ ?f a <{KG.MilitaryForce}> }}"), width=20)
    assert "kgr:militaryforce\\/csto-peacekeeping-force" in narrow  # never cut nor folded


def test_format_csv_and_tsv(store: ox.Store) -> None:
    result = _answers(store, "flagship")
    rows = list(csv.reader(io.StringIO(q.format_result(result, "csv"))))
    assert rows[0] == ["state", "name", "sentence", "doc"]
    assert [r[1] for r in rows[1:]] == column(result, "name")
    assert rows[1][0].startswith(str(KGR))
    tsv = q.format_result(result, "tsv").splitlines()
    assert tsv[0] == "?state\t?name\t?sentence\t?doc"
    assert tsv[1].startswith(f"<{KGR}")


def test_format_json_is_sparql_results_json(store: ox.Store) -> None:
    result = _answers(store, "dispatch-date")
    doc = json.loads(q.format_result(result, "json"))
    assert doc["head"]["vars"] == ["date", "place", "event"]
    (binding,) = doc["results"]["bindings"]
    assert binding["date"] == {"type": "literal", "value": "2022-01-06", "datatype": str(XSD.date)}
    assert binding["place"] == {"type": "literal", "value": "Kazakhstan"}
    assert binding["event"]["type"] == "uri"
    ask = json.loads(q.format_result(q.run_query(store, "ASK {}"), "json"))
    assert ask == {"head": {}, "boolean": True}


def test_format_xml_and_rdf(store: ox.Store) -> None:
    result = _answers(store, "leader-title")
    root = ET.fromstring(q.format_result(result, "xml"))
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    names = [v.get("name") for v in root.findall("r:head/r:variable", ns)]
    assert names == ["leader", "name", "title"]
    assert root.find("r:results/r:result/r:binding[@name='title']/r:literal", ns).text == (
        "President"
    )
    graph = q.run_query(store, f"CONSTRUCT WHERE {{ ?s a <{KG.MilitaryForce}> }}")
    ttl = q.format_result(graph, "turtle")
    assert "@prefix kg:" in ttl and "kg:MilitaryForce" in ttl
    assert len(Graph().parse(data=ttl, format="turtle")) == 2
    assert len(Graph().parse(data=q.format_result(graph, "nt"), format="nt")) == 2
    with pytest.raises(q.QueryError, match="only for CONSTRUCT"):
        q.format_result(result, "turtle")
    with pytest.raises(q.QueryError, match="unknown format"):
        q.format_result(result, "yaml")


def test_format_named_queries_lists_all() -> None:
    text = q.format_named_queries()
    for name in EXPECTED_NAMES:
        assert any(line.startswith(name + " ") for line in text.splitlines())


# --------------------------------------------------------------------------- real exporter


@pytest.mark.parametrize("ext", ["trig", "ttl", "nt", "jsonld"])
def test_named_queries_on_the_real_export(sample_graph, tmp_path: Path, ext: str) -> None:
    """The named queries answer on what kg.export.rdf writes for conftest's sample graph."""
    rdf = pytest.importorskip("kg.export.rdf")
    rdf.write_rdf(sample_graph, tmp_path)
    store = q.load_store(tmp_path / f"graph.{ext}")
    folder = q.load_store(tmp_path)
    assert column(_answers(folder, "contributors"), "name") == CONTRIBUTORS
    assert column(_answers(store, "contributors"), "name") == CONTRIBUTORS
    assert column(_answers(store, "deployment-place"), "name") == ["Kazakhstan"]
    assert column(_answers(store, "requested-assistance"), "name") == ["Kassym-Jomart Tokayev"]
    assert [r[1:] for r in _answers(store, "leader-title").rows] == [
        ("Kassym-Jomart Tokayev", "President")
    ]
    assert column(_answers(store, "dispatch-date"), "date") == [dt.date(2022, 1, 6)]
    assert SENTENCE_A in column(_answers(store, "supporting-sentence"), "sentence")
    flagship = _answers(store, "flagship")
    assert sorted(set(column(flagship, "name"))) == CONTRIBUTORS
    assert set(column(flagship, "doc")) <= {DOC_A, "001_belarus_csto.txt"}
    assert ("Russia", SENTENCE_B) in {(r[1], r[2]) for r in flagship.rows}
