"""Tests for kg.eval.score: every SPEC §4 scoring rule, on small hand-built rdflib graphs."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from kg.eval.score import (
    Gold,
    accepted_types,
    format_table,
    gold_from_dict,
    load_gold,
    load_graph,
    most_specific,
    normalise,
    run_eval,
    score_corpus,
    score_document,
    to_json,
    write_json,
)
from kg.vocab import KG, KGR, SUPERCLASS, WD

DATA = Path(__file__).parent / "data"
SEED_GOLD = DATA / "000_8de8a0582fcf7fc5.json"
XSD_DATE = rdflib.XSD.date
SHARED_GOLD = Path(__file__).parents[1].parent / "shared" / "gold"


# --------------------------------------------------------------------------- builders


def add_doc(g: Graph, ident: str) -> URIRef:
    iri = KGR[f"doc/{ident}"]
    g.add((iri, RDF.type, KG.Document))
    g.add((iri, DCTERMS.identifier, Literal(ident)))
    return iri


def add_entity(
    g: Graph,
    slug: str,
    cls: str | tuple[str, ...],
    label: str,
    docs: tuple[str, ...] = ("a.txt",),
    alts: tuple[str, ...] = (),
    wikidata: str | None = None,
    titles: tuple[str, ...] = (),
) -> URIRef:
    iri = KGR[f"entity/{slug}"]
    for c in (cls,) if isinstance(cls, str) else cls:
        g.add((iri, RDF.type, KG[c]))
    g.add((iri, RDF.type, KG.Entity))
    g.add((iri, RDFS.label, Literal(label)))
    for alt in alts:
        g.add((iri, SKOS.altLabel, Literal(alt)))
    if wikidata:
        g.add((iri, OWL.sameAs, WD[wikidata]))
    for title in titles:
        g.add((iri, KG.title, Literal(title)))
    for d in docs:
        g.add((iri, KG.mentionedIn, add_doc(g, d)))
    return iri


def add_event(
    g: Graph, slug: str, cls: str, doc: str = "a.txt", date: Literal | None = None, **roles
) -> URIRef:
    iri = KGR[f"event/{slug}"]
    g.add((iri, RDF.type, KG[cls]))
    g.add((iri, RDF.type, KG.Event))
    g.add((iri, KG.mentionedIn, add_doc(g, doc)))
    for role, nodes in roles.items():
        for node in nodes if isinstance(nodes, (list, tuple)) else (nodes,):
            g.add((iri, KG[role], node))
    if date is not None:
        g.add((iri, KG.date, date))
    return iri


def make_gold(document: str = "a.txt", **parts) -> Gold:
    return gold_from_dict({"document": document, **parts})


def ent(name: str, type_: str | list[str] = "Organization", *aliases: str, **extra) -> dict:
    return {"name": name, "type": type_, "aliases": list(aliases), **extra}


CSTO = ent("Collective Security Treaty Organization", "Organization", "CSTO")
FORCE = ent("CSTO peacekeeping force", "MilitaryForce", "peacekeeping forces")
KAZ = ent("Kazakhstan", "Country", "Republic of Kazakhstan", wikidata="Q232")
RUS = ent("Russia", "Country", wikidata="Q159")


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The CSTO's", "csto"),
        ("the CSTO’s", "CSTO"),
        ("  THE   Collective  Security Treaty Org ", "collective security treaty org"),
        ("Kassym-Jomart Tokayev", "kassym jomart  tokayev"),
        ("U.S.", "US"),
        ("CSTO's peacekeeping forces", "CSTO peacekeeping forces"),
        ("Straße", "STRASSE"),
    ],
)
def test_normalise_equal(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_normalise_values() -> None:
    assert normalise("The CSTO's") == "csto"
    assert normalise("Kassym-Jomart Tokayev") == "kassym jomart tokayev"
    # only a leading *word* "the" goes; a name that is just "the" is kept
    assert normalise("Theresa May") == "theresa may"
    assert normalise("Bank of the West") == "bank of the west"
    assert normalise("The") == "the"
    assert normalise("Russia") != normalise("Russian")
    assert normalise("OPEC+") == normalise("OPEC Plus") == "opec plus"
    assert normalise("OPEC+") != normalise("OPEC")


# --------------------------------------------------------------------------- entities


def test_alias_and_wikidata_matching() -> None:
    g = Graph()
    add_entity(g, "csto", "Organization", "CSTO")  # alias of the gold name
    add_entity(g, "kz", "Country", "Qazaqstan", wikidata="Q232")  # wikidata only
    add_entity(g, "ru", "Country", "Russian Federation")  # neither: not an alias here
    s = score_document(g, make_gold(entities=[CSTO, KAZ, RUS]))
    assert (s.entities.tp, s.entities.fp, s.entities.fn) == (2, 1, 1)
    assert s.missed_entities == ["Russia"]
    spurious = [(x.label, x.reason) for x in s.spurious_entities]
    assert spurious == [("Russian Federation", "unmatched")]
    assert s.entities.precision == pytest.approx(2 / 3)
    assert s.entities.recall == pytest.approx(2 / 3)
    assert s.matches["Kazakhstan"] == [str(KGR["entity/kz"])]


def test_altlabel_matches_and_other_documents_are_ignored() -> None:
    g = Graph()
    add_entity(g, "csto", "Organization", "Collective Security Treaty Org.", alts=("The CSTO's",))
    add_entity(g, "ru", "Country", "Russia", docs=("other.txt",))  # not in this article
    s = score_document(g, make_gold(entities=[CSTO, RUS]))
    assert (s.entities.tp, s.entities.fp, s.entities.fn) == (1, 0, 1)


def test_event_and_untyped_nodes_are_not_entities() -> None:
    g = Graph()
    add_entity(g, "csto", "Organization", "CSTO")
    add_event(g, "e1", "Protest")
    loose = KGR["thing/x"]
    g.add((loose, RDFS.label, Literal("Something")))
    g.add((loose, KG.mentionedIn, KGR["doc/a.txt"]))
    s = score_document(g, make_gold(entities=[CSTO]))
    assert (s.entities.tp, s.entities.fp, s.entities.fn) == (1, 0, 0)


def test_optional_entity_is_ignored() -> None:
    g = Graph()
    add_entity(g, "eeas", "Organization", "EEAS")
    gold = make_gold(
        entities=[
            CSTO,
            ent("European External Action Service", "Organization", "EEAS", optional=True),
        ]
    )
    s = score_document(g, gold)
    assert (s.entities.tp, s.entities.fp, s.entities.fn) == (0, 0, 1)
    assert s.missed_entities == ["Collective Security Treaty Organization"]
    # an optional entity left unmatched is not a miss either
    s2 = score_document(Graph(), gold)
    assert s2.entities.fn == 1


def test_not_entities_are_false_positives() -> None:
    g = Graph()
    add_entity(g, "kazakh", "Location", "Kazakh")  # a demonym as a node: wrong
    add_entity(g, "kz", "Country", "Kazakhstan", alts=("Kazakh",))  # demonym as altLabel: fine
    # label in not_entities wins even though the node would match Russia by Wikidata
    add_entity(g, "russian", "Country", "Russian", wikidata="Q159")
    gold = make_gold(entities=[KAZ, RUS], not_entities=["Kazakh", "the Russian"])
    s = score_document(g, gold)
    assert (s.entities.tp, s.entities.fp, s.entities.fn) == (1, 2, 1)
    assert {(x.label, x.reason) for x in s.spurious_entities} == {
        ("Kazakh", "not_entity"),
        ("Russian", "not_entity"),
    }
    assert s.missed_entities == ["Russia"]


def test_duplicates_count_as_false_positives() -> None:
    g = Graph()
    a = add_entity(g, "csto1", "Organization", "CSTO")
    b = add_entity(g, "csto2", "Organization", "Collective Security Treaty Organization")
    s = score_document(g, make_gold(entities=[CSTO, KAZ]))
    assert (s.entities.tp, s.entities.fp, s.entities.fn) == (1, 1, 1)
    assert [(d.entity, d.nodes) for d in s.duplicates] == [
        ("Collective Security Treaty Organization", (str(a), str(b)))
    ]
    (dup,) = s.spurious_entities
    assert dup.reason == "duplicate" and dup.matches == ("Collective Security Treaty Organization",)


def test_duplicate_assignment_is_maximal() -> None:
    # node 1 carries names of both gold entities, node 2 only of the first: both are needed
    g = Graph()
    add_entity(g, "a1", "Organization", "CSTO", alts=("Kazakhstan",))
    add_entity(g, "a2", "Organization", "Collective Security Treaty Organization")
    s = score_document(g, make_gold(entities=[CSTO, KAZ]))
    assert (s.entities.tp, s.entities.fp, s.entities.fn) == (2, 0, 0)


def test_duplicate_also_matching_optional_entity_is_ignored() -> None:
    g = Graph()
    add_entity(g, "kz", "Country", "Kazakhstan")
    add_entity(g, "gov", "Organization", "Kazakh government", alts=("Kazakhstan",))
    gold = make_gold(
        entities=[
            KAZ,
            ent("Government of Kazakhstan", "Organization", "Kazakh government", optional=True),
        ]
    )
    s = score_document(g, gold)
    assert (s.entities.tp, s.entities.fp, s.entities.fn) == (1, 0, 0)


# --------------------------------------------------------------------------- types


def test_most_specific_and_accepted_types() -> None:
    assert most_specific({"Entity", "Organization", "MilitaryForce"}) == ("MilitaryForce",)
    assert most_specific({"Entity", "Location", "City"}) == ("City",)
    assert most_specific({"Entity"}) == ("Entity",)
    assert most_specific({"Entity", "Person", "Country"}) == ("Country", "Person")
    assert accepted_types(["Location"]) == {"Location", "City", "Region"}
    assert accepted_types(["Organization"]) == {"Organization"}
    assert all(SUPERCLASS[c] == "Location" for c in ("City", "Region"))


def test_type_accuracy() -> None:
    gold = make_gold(
        entities=[
            KAZ,
            ent("Aktau", "Location"),
            ent("Mangystau Region", "Location"),
            FORCE,
            ent("Russian Air Force", ["Organization", "MilitaryForce"]),
            ent("European Union", "Organization"),
            ent("Armenia", "Country"),
            ent("Nabila Massrali", "Person"),
        ]
    )
    g = Graph()
    add_entity(g, "kz", "Country", "Kazakhstan")  # right
    add_entity(g, "aktau", "City", "Aktau")  # City refines Location: right
    add_entity(g, "mang", ("Location", "Region"), "Mangystau Region")  # right
    add_entity(g, "force", "Organization", "CSTO peacekeeping force")  # too general: wrong
    add_entity(g, "raf", ("Organization", "MilitaryForce"), "Russian Air Force")  # right
    add_entity(g, "eu", ("Organization", "MilitaryForce"), "European Union")  # too specific
    add_entity(g, "am", "Entity", "Armenia")  # only kg:Entity: wrong
    add_entity(g, "nm", ("Person", "Country"), "Nabila Massrali")  # incoherent: wrong
    s = score_document(g, gold)
    assert s.entities.tp == 8
    assert (s.entity_types.found, s.entity_types.total) == (4, 8)
    assert {w.entity: w.found for w in s.wrong_types} == {
        "CSTO peacekeeping force": ("Organization",),
        "European Union": ("MilitaryForce",),
        "Armenia": ("Entity",),
        "Nabila Massrali": ("Country", "Person"),
    }


# --------------------------------------------------------------------------- facts


FACT_ENTITIES = [
    KAZ,
    CSTO,
    RUS,
    FORCE,
    ent("Kassym-Jomart Tokayev", "Person", "Tokayev"),
    ent("Mangystau Region", "Location"),
    ent("Aktau", "Location"),
]


def fact_graph() -> tuple[Graph, dict[str, URIRef]]:
    g = Graph()
    n = {
        "kz": add_entity(g, "kz", "Country", "Kazakhstan"),
        "csto": add_entity(g, "csto", "Organization", "CSTO"),
        "ru": add_entity(g, "ru", "Country", "Russian Federation", wikidata="Q159"),
        "force": add_entity(g, "force", "MilitaryForce", "peacekeeping forces"),
        "tok": add_entity(g, "tok", "Person", "Tokayev"),
        "mang": add_entity(g, "mang", "Region", "Mangystau Region"),
        "aktau": add_entity(g, "aktau", "City", "Aktau"),
        "far": add_entity(g, "far", "Country", "Elsewhere", docs=("b.txt",)),
    }
    return g, n


def test_fact_matching_alternatives_optional_and_spurious() -> None:
    g, n = fact_graph()
    g.add((n["ru"], KG.contributesTo, n["force"]))  # TP via wikidata + alias
    g.add((n["kz"], KG.requestedAssistanceFrom, n["csto"]))  # TP via "A|B" subject
    g.add((n["aktau"], KG.locatedIn, n["kz"]))  # TP via "A|B" object
    g.add((n["aktau"], KG.locatedIn, n["mang"]))  # same gold fact again: not FP, counted once
    g.add((n["kz"], KG.memberOf, n["csto"]))  # optional: ignored
    g.add((n["csto"], KG.ledBy, n["kz"]))  # wrong: FP
    g.add((n["force"], KG.deployedTo, n["far"]))  # object not in article: not scored
    g.add((n["tok"], RDFS.seeAlso, n["kz"]))  # not a core property: not scored
    gold = make_gold(
        entities=FACT_ENTITIES,
        facts=[
            ["Russia", "contributesTo", "CSTO peacekeeping force"],
            [
                "Kassym-Jomart Tokayev|Kazakhstan",
                "requestedAssistanceFrom",
                "Collective Security Treaty Organization",
            ],
            ["Aktau", "locatedIn", "Kazakhstan|Mangystau Region"],
            ["Collective Security Treaty Organization", "ledBy", "Russia"],
            ["CSTO peacekeeping force", "deployedTo", "Kazakhstan"],
        ],
        optional_facts=[["Kazakhstan", "memberOf", "Collective Security Treaty Organization"]],
    )
    s = score_document(g, gold)
    assert (s.facts.tp, s.facts.fp, s.facts.fn) == (3, 1, 2)
    assert s.facts.precision == pytest.approx(0.75)
    assert s.facts.recall == pytest.approx(0.6)
    assert [(f.subject, f.property, f.object) for f in s.spurious_facts] == [
        ("CSTO", "ledBy", "Kazakhstan")
    ]
    assert sorted(s.missed_facts) == [
        ("CSTO peacekeeping force", "deployedTo", "Kazakhstan"),
        ("Collective Security Treaty Organization", "ledBy", "Russia"),
    ]
    by = {p: (x.tp, x.fp, x.fn) for p, x in s.facts_by_property.items()}
    assert by == {
        "contributesTo": (1, 0, 0),
        "deployedTo": (0, 0, 1),
        "ledBy": (0, 1, 1),
        "locatedIn": (1, 0, 0),
        "requestedAssistanceFrom": (1, 0, 0),
    }


def test_fact_direction_and_property_must_match() -> None:
    g, n = fact_graph()
    g.add((n["force"], KG.contributesTo, n["ru"]))  # reversed
    g.add((n["ru"], KG.partOf, n["force"]))  # wrong property
    gold = make_gold(
        entities=FACT_ENTITIES, facts=[["Russia", "contributesTo", "CSTO peacekeeping force"]]
    )
    s = score_document(g, gold)
    assert (s.facts.tp, s.facts.fp, s.facts.fn) == (0, 2, 1)


def test_fact_slot_name_outside_gold_entities_matches_by_label() -> None:
    g, n = fact_graph()
    x = add_entity(g, "x", "Organization", "Some Ministry")
    g.add((x, KG.partOf, n["kz"]))
    gold = make_gold(entities=FACT_ENTITIES, facts=[["some ministry", "partOf", "Kazakhstan"]])
    assert score_document(g, gold).facts.tp == 1


# --------------------------------------------------------------------------- titles and events


def test_titles() -> None:
    g = Graph()
    add_entity(g, "tok", "Person", "Tokayev", titles=("president",))
    add_entity(g, "nm", "Person", "Massrali", titles=("diplomat",))
    gold = make_gold(
        entities=[
            ent("Kassym-Jomart Tokayev", "Person", "Tokayev"),
            ent("Nabila Massrali", "Person", "Massrali"),
        ],
        attributes=[
            ["Kassym-Jomart Tokayev", "title", "President"],
            ["Nabila Massrali", "title", "spokeswoman|spokesperson"],
        ],
    )
    s = score_document(g, gold)
    assert (s.titles.found, s.titles.total) == (1, 2)
    assert s.missed_titles == [("Nabila Massrali", "title", "spokeswoman|spokesperson")]


def test_event_recall_roles_and_dates() -> None:
    g = Graph()
    csto = add_entity(g, "csto", "Organization", "CSTO")
    kz = add_entity(g, "kz", "Country", "Kazakhstan")
    aktau = add_entity(g, "aktau", "City", "Aktau")
    add_event(
        g,
        "dep",
        "Deployment",
        agent=csto,
        place=kz,
        date=Literal(dt.date(2022, 1, 6), datatype=XSD_DATE),
    )
    add_event(g, "pro", "Protest", place=aktau, date=Literal("2022-01-02"))  # plain string date
    add_event(g, "riot", "Protest", place=kz)  # wrong class for the gold Riot
    add_event(g, "req", "Request", agent=kz, target=kz)  # wrong target
    add_event(g, "st", "Statement", doc="b.txt", agent=csto)  # other article
    add_event(
        g, "em", "EmergencyDeclaration", place=kz, date=Literal("2022-01-05", datatype=XSD_DATE)
    )  # wrong date
    gold = make_gold(
        entities=[CSTO, KAZ, ent("Aktau", "Location")],
        events=[
            {
                "type": "Deployment",
                "agent": ["CSTO peacekeeping force", "Collective Security Treaty Organization"],
                "place": ["Kazakhstan"],
                "date": ["2022-01-06"],
            },
            {
                "type": "Protest",
                "place": ["Kazakhstan", "Aktau"],
                "date": ["2022-01-01", "2022-01-02"],
            },
            {"type": "Riot", "place": ["Kazakhstan"]},
            {
                "type": "Request",
                "agent": ["Kazakhstan"],
                "target": ["Collective Security Treaty Organization"],
            },
            {"type": "Statement", "agent": ["Collective Security Treaty Organization"]},
            {"type": "EmergencyDeclaration", "place": ["Kazakhstan"], "date": ["2022-01-06"]},
        ],
    )
    s = score_document(g, gold)
    assert (s.events.found, s.events.total) == (2, 6)
    assert sorted(e.type for e in s.missed_events) == [
        "EmergencyDeclaration",
        "Request",
        "Riot",
        "Statement",
    ]
    assert {t: (r.found, r.total) for t, r in s.events_by_type.items()} == {
        "Deployment": (1, 1),
        "EmergencyDeclaration": (0, 1),
        "Protest": (1, 1),
        "Request": (0, 1),
        "Riot": (0, 1),
        "Statement": (0, 1),
    }


# --------------------------------------------------------------------------- corpus


def test_micro_average_over_two_documents() -> None:
    g = Graph()
    add_entity(g, "kz", "Country", "Kazakhstan", docs=("a.txt", "b.txt"))
    add_entity(g, "ru", "Country", "Russia", docs=("a.txt",))
    add_entity(g, "x1", "Person", "Nobody One", docs=("b.txt",))
    add_entity(g, "x2", "Person", "Nobody Two", docs=("b.txt",))
    add_entity(g, "x3", "Person", "Nobody Three", docs=("b.txt",))
    gold_a = make_gold("a.txt", entities=[KAZ, RUS])
    gold_b = make_gold("b.txt", entities=[KAZ, CSTO])
    c = score_corpus(g, [gold_a, gold_b])
    a, b = c.documents
    assert (a.entities.tp, a.entities.fp, a.entities.fn) == (2, 0, 0)
    assert (b.entities.tp, b.entities.fp, b.entities.fn) == (1, 3, 1)
    assert (c.entities.tp, c.entities.fp, c.entities.fn) == (3, 3, 1)
    assert c.entities.precision == pytest.approx(0.5)  # macro would be (1 + 0.25) / 2
    assert c.entities.recall == pytest.approx(0.75)
    assert c.entities.f1 == pytest.approx(2 * 0.5 * 0.75 / 1.25)
    assert c.split_entities == []
    assert c.missing_documents == []


def test_split_entities_across_documents() -> None:
    g = Graph()
    add_entity(g, "kz1", "Country", "Kazakhstan", docs=("a.txt",))
    add_entity(g, "kz2", "Country", "Republic of Kazakhstan", docs=("b.txt",))
    add_entity(g, "ru", "Country", "Russia", docs=("a.txt", "b.txt"))
    gold_a = make_gold("a.txt", entities=[KAZ, RUS])
    # same thing known by Wikidata id only in b's gold (different name), and Russia by name only
    gold_b = make_gold(
        "b.txt",
        entities=[
            ent("Republic of Kazakhstan", "Country", wikidata="Q232"),
            ent("Russia", "Country"),
        ],
    )
    c = score_corpus(g, [gold_a, gold_b])
    assert [(s.name, s.wikidata) for s in c.split_entities] == [("Kazakhstan", "Q232")]
    assert c.split_entities[0].nodes_by_document == {
        "a.txt": (str(KGR["entity/kz1"]),),
        "b.txt": (str(KGR["entity/kz2"]),),
    }
    assert "split entities" in format_table(c)


def test_missing_document_is_reported() -> None:
    c = score_corpus(Graph(), [make_gold("a.txt", entities=[KAZ])])
    assert c.missing_documents == ["a.txt"]
    assert c.entities.recall == 0.0


def test_document_identifier_without_extension() -> None:
    g = Graph()
    add_entity(g, "kz", "Country", "Kazakhstan", docs=("a",))
    assert score_document(g, make_gold("a.txt", entities=[KAZ])).entities.tp == 1


# --------------------------------------------------------------------------- IO and reports


def test_load_gold_seed() -> None:
    gold = load_gold(SEED_GOLD)
    assert gold.document == "000_8de8a0582fcf7fc5.txt"
    raf = next(e for e in gold.entities if e.name == "Russian Air Force")
    assert raf.types == ("Organization", "MilitaryForce")
    assert next(e for e in gold.entities if e.name == "Kazakhstan").wikidata == "Q232"
    assert sum(e.optional for e in gold.entities) == 2
    assert gold.events[0].agent == (
        "Collective Security Treaty Organization",
        "CSTO peacekeeping force",
    )


def test_load_gold_rejects_bad_rows() -> None:
    with pytest.raises(ValueError):
        gold_from_dict({"document": "a.txt", "facts": [["A", "partOf"]]})
    with pytest.raises(ValueError):
        gold_from_dict({"entities": []})


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld", ".trig"])
def test_load_graph_formats(tmp_path: Path, suffix: str) -> None:
    g, n = fact_graph()
    g.add((n["ru"], KG.contributesTo, n["force"]))
    path = tmp_path / f"graph{suffix}"
    if suffix == ".trig":  # one named graph per document, split across graphs
        ds = Dataset()
        triples = sorted(g)
        half = len(triples) // 2
        for t in triples[:half]:
            ds.graph(KGR["doc/a.txt"]).add(t)
        for t in triples[half:]:
            ds.graph(KGR["doc/b.txt"]).add(t)
        ds.serialize(path, format="trig")
    else:
        fmt = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}[suffix]
        g.serialize(path, format=fmt, encoding="utf-8")
    loaded = load_graph(path)
    assert len(loaded) == len(g)
    gold = make_gold(
        entities=FACT_ENTITIES, facts=[["Russia", "contributesTo", "CSTO peacekeeping force"]]
    )
    assert score_document(loaded, gold) == score_document(g, gold)


def test_dataset_is_scored_as_union() -> None:
    g, n = fact_graph()
    ds = Dataset()
    for t in g:
        ds.graph(KGR["doc/a.txt"]).add(t)
    ds.graph(KGR["doc/extra"]).add((n["ru"], KG.contributesTo, n["force"]))
    gold = make_gold(
        entities=FACT_ENTITIES, facts=[["Russia", "contributesTo", "CSTO peacekeeping force"]]
    )
    s = score_document(ds, gold)
    assert s.facts.tp == 1 and s.entities.tp == 7


def test_load_graph_unknown_extension_or_missing_file(tmp_path: Path) -> None:
    (tmp_path / "graph.graphml").write_text("<graphml/>", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown RDF format"):
        load_graph(tmp_path / "graph.graphml")
    with pytest.raises(FileNotFoundError):
        load_graph(tmp_path / "graph.ttl")


# --------------------------------------------------------------------------- real gold files


def perfect_graph(data: dict) -> Graph:
    """A graph a perfect extractor would build for one gold file (optional items included)."""
    g = Graph()
    doc = data["document"]
    nodes: dict[str, URIRef] = {}
    for i, e in enumerate(data["entities"]):
        types = [e["type"]] if isinstance(e["type"], str) else e["type"]
        nodes[e["name"]] = add_entity(
            g,
            f"{doc}/{i}",
            types[0],
            e["name"],
            docs=(doc,),
            alts=tuple(e["aliases"]),
            wikidata=e.get("wikidata"),
        )
    for s, p, o in data["facts"] + data["optional_facts"]:
        g.add((nodes[s.split("|")[0]], KG[p], nodes[o.split("|")[0]]))
    for name, _, values in data["attributes"]:
        g.add((nodes[name], KG.title, Literal(values.split("|")[-1])))
    for i, ev in enumerate(data["events"]):
        roles = {
            r: nodes[ev[r][-1]] for r in ("agent", "target", "participant", "place") if r in ev
        }
        date = Literal(ev["date"][-1], datatype=XSD_DATE) if "date" in ev else None
        add_event(g, f"{doc}/{i}", ev["type"], doc=doc, date=date, **roles)
    return g


def assert_perfect(score) -> None:
    assert score.entities.f1 == 1.0 and score.entities.fp == 0
    assert score.entity_types.value == 1.0
    assert score.facts.f1 == 1.0
    assert score.events.value == 1.0
    assert score.titles.value == 1.0
    assert score.duplicates in ([], 0)


def test_seed_gold_perfect_graph_and_empty_graph(tmp_path: Path) -> None:
    data = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    graph = perfect_graph(data)
    gold = load_gold(SEED_GOLD)
    score = score_document(graph, gold)
    assert_perfect(score)
    assert score.entities.tp == sum(not e.optional for e in gold.entities) == 20
    assert score.facts.tp == len(gold.facts) == 17

    empty = score_document(Graph(), gold)
    assert empty.entities.recall == 0.0 and empty.facts.recall == 0.0
    assert empty.events.value == 0.0 and empty.titles.value == 0.0
    assert len(empty.missed_entities) == 20 and len(empty.missed_events) == len(gold.events)

    # the same through files, JSON and the text table
    path = tmp_path / "graph.ttl"
    graph.serialize(path, format="turtle")
    corpus = run_eval([SEED_GOLD], path)
    assert_perfect(corpus)
    assert json.loads(to_json(corpus))["entities"]["f1"] == 1.0
    json.dumps(asdict(corpus))
    out = tmp_path / "sub" / "score.json"
    write_json(corpus, out)
    assert out.read_text(encoding="utf-8") == to_json(corpus)
    assert [p.name for p in out.parent.iterdir()] == ["score.json"]
    table = format_table(corpus)
    assert "000_8de8a0582fcf7fc5.txt" in table and "micro" in table and "1.00" in table


@pytest.mark.skipif(not SHARED_GOLD.is_dir(), reason="../shared/gold not available")
def test_shared_gold_perfect_corpus() -> None:
    paths = sorted(SHARED_GOLD.glob("*.json"))
    graph = Graph()
    for p in paths:
        graph += perfect_graph(json.loads(p.read_text(encoding="utf-8")))
    corpus = score_corpus(graph, [load_gold(p) for p in paths])
    assert_perfect(corpus)
    assert len(corpus.documents) == len(paths)
    # per-file nodes: every entity shared between files (Russia, Kazakhstan, ...) is split
    assert corpus.split_entities
