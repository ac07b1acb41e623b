"""kg.vocab derives the whole vocabulary from ontology/kg.ttl: nothing is restated in code."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg import vocab
from kg.vocab import (
    ENTITY_CLASSES,
    EVENT_CLASSES,
    KG,
    KG_NS,
    KGR_NS,
    RELATIONS,
    ROLES,
    SUPERCLASS,
    C,
    most_specific,
    read_ontology,
    term,
)

ONTOLOGY = Path(__file__).parents[1] / "ontology" / "kg.ttl"
VANN = Namespace("http://purl.org/vocab/vann/")
TERMS = sorted(KG.__annotations__)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def test_the_package_reads_the_ontology_of_the_repository():
    assert vocab.ontology_text() == ONTOLOGY.read_text(encoding="utf-8")


def test_derived_tables_match_the_ontology(onto):
    kg = Namespace(KG_NS)

    def subprops(root: str) -> set[str]:
        return {str(s)[len(KG_NS) :] for s in onto.subjects(RDFS.subPropertyOf, kg[root])}

    assert set(RELATIONS) == subprops("relation") and len(RELATIONS) == 11
    assert set(ROLES) == subprops("role") == {"agent", "target", "participant", "place"}
    declared = {str(s)[len(KG_NS) :] for s in onto.subjects(RDF.type, OWL.Class)}
    assert set(ENTITY_CLASSES) | set(EVENT_CLASSES) <= declared
    assert "Person" in ENTITY_CLASSES and "Protest" in EVENT_CLASSES
    assert SUPERCLASS["MilitaryForce"] == "Organization" and SUPERCLASS["City"] == "Location"
    assert most_specific({"Entity", "Organization", "MilitaryForce"}) == ("MilitaryForce",)


def test_names_fail_loudly():
    assert term("partOf") == URIRef(KG_NS + "partOf") == KG.partOf
    assert C.Person == "Person" and f"{C.MilitaryForce}" == "MilitaryForce"
    with pytest.raises(AttributeError):
        term("NoSuchTerm")
    with pytest.raises(AttributeError):
        C.NoSuchClass  # noqa: B018


def test_namespace_and_resource_base_are_declared_once(onto):
    header = URIRef(KG_NS.rstrip("#"))
    assert set(onto.objects(header, VANN.preferredNamespaceUri)) == {Literal(KG_NS)}
    assert set(onto.objects(header, KG.resourceBase)) == {Literal(KGR_NS)}
    assert KGR_NS != KG_NS and not KGR_NS.startswith(KG_NS)


@pytest.mark.parametrize("name", TERMS)
def test_every_term_is_declared_with_label_and_comment(onto, name):
    iri = KG[name]
    labels = list(onto.objects(iri, RDFS.label))
    comments = list(onto.objects(iri, RDFS.comment))
    assert len(labels) == 1 and str(labels[0]).strip(), f"{name} needs one rdfs:label"
    assert comments and len(str(comments[0])) > 15, f"{name} needs an rdfs:comment"


def test_an_added_class_and_relation_are_known_without_code(tmp_path):
    text = ONTOLOGY.read_text(encoding="utf-8") + (
        '\nkg:Ship a owl:Class ; rdfs:subClassOf kg:MilitaryForce ; rdfs:label "Ship"@en ;'
        ' rdfs:comment "A named warship."@en .\n'
        "kg:escorts a owl:ObjectProperty ; rdfs:subPropertyOf kg:relation ;"
        ' rdfs:label "escorts"@en ; rdfs:comment "A force escorts a ship."@en .\n'
    )
    derived = read_ontology(text)
    assert "escorts" in derived.relations and "escorts" not in RELATIONS
    assert derived.superclass["Ship"] == "MilitaryForce"
    assert "Ship" in vocab.descendants("Entity", derived.superclass, derived.classes)


def test_an_ontology_without_its_roots_is_refused():
    with pytest.raises(ValueError, match="preferredNamespaceUri"):
        read_ontology("@prefix kg: <https://example.org/#> . kg:a kg:b kg:c .")
