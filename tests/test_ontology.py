"""ontology/kg.ttl follows SPEC §3; the SHACL shapes (ontology/shapes.ttl) are valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import PROV, SH

from kg.vocab import EVENT_CLASSES, KG, KG_NS, RELATIONS, SUPERCLASS

ROOT = Path(__file__).parents[1]
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
SPEC = ROOT.parent / "shared" / "SPEC.md"
SCHEMA = Namespace("https://schema.org/")

#: The query contract of SPEC §3 (these names may never be renamed).
SPEC_CLASSES = (
    "Entity",
    "Person",
    "Organization",
    "Country",
    "Location",
    "MilitaryForce",
    "Event",
    "Protest",
    "Riot",
    "Deployment",
    "Request",
    "Statement",
    "Resignation",
    "EmergencyDeclaration",
    "Attack",
    "Meeting",
    "Agreement",
    "Document",
)
SPEC_PROPERTIES = (
    "contributesTo",
    "partOf",
    "memberOf",
    "deployedTo",
    "ledBy",
    "requestedAssistanceFrom",
    "leaderOf",
    "spokespersonFor",
    "worksFor",
    "locatedIn",
    "basedIn",
    "title",
    "mentionedIn",
    "agent",
    "target",
    "participant",
    "place",
    "date",
    "topic",
)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def _classes(g: Graph, node) -> set[str]:
    """Local names of a class or of the members of an owl:unionOf class expression."""
    union = g.value(node, OWL.unionOf)
    members = list(Collection(g, union)) if union is not None else [node]
    return {str(m)[len(KG_NS) :] for m in members}


def _ancestors(cls: str) -> set[str]:
    out = set()
    while cls in SUPERCLASS:
        cls = SUPERCLASS[cls]
        out.add(cls)
    return out


def _reduce(classes: set[str]) -> set[str]:
    """Drop classes subsumed by another class of the set (MilitaryForce under Organization)."""
    return {c for c in classes if not _ancestors(c) & classes}


def test_spec_core_terms_present(onto):
    for name in SPEC_CLASSES:
        assert (KG[name], RDF.type, OWL.Class) in onto, name
    for name in SPEC_PROPERTIES:
        assert set(onto.objects(KG[name], RDF.type)) & {OWL.ObjectProperty, OWL.DatatypeProperty}
    assert set(RELATIONS) <= set(SPEC_PROPERTIES)


def test_class_hierarchy(onto):
    sub = RDFS.subClassOf
    assert (KG.MilitaryForce, sub, KG.Organization) in onto
    assert (KG.City, sub, KG.Location) in onto
    assert (KG.Region, sub, KG.Location) in onto
    for cls in ("Person", "Organization", "Country", "Location"):
        assert (KG[cls], sub, KG.Entity) in onto
    for cls in EVENT_CLASSES[1:]:
        assert (KG[cls], sub, KG.Event) in onto, cls
    assert (KG.Assertion, sub, RDF.Statement) in onto
    assert (KG.Document, sub, SCHEMA.NewsArticle) in onto
    assert (KG.Document, sub, PROV.Entity) in onto
    assert (KG.Evidence, sub, PROV.Entity) in onto
    assert (KG.Person, sub, SCHEMA.Person) in onto
    assert (KG.Organization, sub, SCHEMA.Organization) in onto
    assert (KG.Country, sub, SCHEMA.Country) in onto
    assert (KG.Location, sub, SCHEMA.Place) in onto
    assert (KG.Event, sub, SCHEMA.Event) in onto
    assert (KG.Entity, OWL.disjointWith, KG.Event) in onto


def test_property_alignments_and_ranges(onto):
    assert (KG.inDocument, RDFS.subPropertyOf, PROV.wasDerivedFrom) in onto
    assert (KG.date, RDFS.range, XSD.date) in onto
    assert (KG.confidence, RDFS.range, XSD.decimal) in onto
    assert (KG.title, RDFS.domain, KG.Person) in onto
    assert _classes(onto, onto.value(KG.evidence, RDFS.domain)) == {"Assertion", "Event"}
    for role in ("agent", "target", "participant"):
        assert (KG[role], RDFS.domain, KG.Event) in onto
        assert (KG[role], RDFS.range, KG.Entity) in onto
    assert _classes(onto, onto.value(KG.place, RDFS.range)) == {"Location", "Country"}


def test_no_subclass_cycles(onto):
    for cls in SUPERCLASS:
        assert cls not in _ancestors(cls)
    closure = set(onto.transitive_objects(KG.MilitaryForce, RDFS.subClassOf))
    assert {KG.Organization, KG.Entity, SCHEMA.Organization} <= closure


def _spec_relation_table() -> dict[str, tuple[set[str], set[str]]]:
    if not SPEC.exists():
        pytest.skip("../shared/SPEC.md not available")
    rows = re.findall(r"^\| `(\w+)` \| ([\w/]+) → ([\w/]+) \|", SPEC.read_text(), re.MULTILINE)
    return {p: (set(d.split("/")), set(r.split("/"))) for p, d, r in rows}


def test_relation_domains_and_ranges_follow_spec_table(onto):
    table = _spec_relation_table()
    assert set(table) == set(RELATIONS)
    for prop, (domain, rng) in table.items():
        assert _classes(onto, onto.value(KG[prop], RDFS.domain)) == _reduce(domain), prop
        assert _classes(onto, onto.value(KG[prop], RDFS.range)) == _reduce(rng), prop


def test_shapes_parse_and_cover_every_relation():
    shapes = Graph().parse(SHAPES, format="turtle")
    targeted = set(shapes.objects(None, SH.targetSubjectsOf))
    for prop in RELATIONS:
        assert KG[prop] in targeted, prop
    target_classes = set(shapes.objects(None, SH.targetClass))
    assert {KG.Entity, KG.Event, KG.Assertion, KG.Evidence, KG.Document} <= target_classes
    # every kg: IRI the shapes use is a real term
    used = {t for tr in shapes for t in tr if isinstance(t, URIRef) and str(t).startswith(KG_NS)}
    for iri in used:
        assert KG[str(iri)[len(KG_NS) :]] == iri


def test_shapes_are_valid_shacl():
    pyshacl = pytest.importorskip("pyshacl")
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text
