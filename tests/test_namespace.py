"""kg/namespace.py and ontology/kg.ttl declare exactly the same terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from kg.vocab import (
    ENTITY_CLASSES,
    EVENT_CLASSES,
    KG,
    KG_NS,
    KGR_NS,
    RELATIONS,
    ROLES,
    SUPERCLASS,
    term,
)

ONTOLOGY = Path(__file__).parents[1] / "ontology" / "kg.ttl"
VANN = Namespace("http://purl.org/vocab/vann/")
TERMS = sorted(KG.__annotations__)
CLASSES = [t for t in TERMS if t[0].isupper()]
PROPERTIES = [t for t in TERMS if t[0].islower()]


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def test_namespace_lists_are_terms():
    for name in (*ENTITY_CLASSES, *EVENT_CLASSES, *RELATIONS, *ROLES, *SUPERCLASS):
        assert name in TERMS
        assert term(name) == URIRef(KG_NS + name)
    with pytest.raises(AttributeError):
        term("NoSuchTerm")


def test_ontology_parses_and_is_not_trivial(onto):
    assert len(onto) > 200
    assert (URIRef(KG_NS.rstrip("#")), RDF.type, OWL.Ontology) in onto


def test_namespace_iri_is_the_one_in_namespace_py(onto):
    header = URIRef(KG_NS.rstrip("#"))
    assert set(onto.objects(header, VANN.preferredNamespaceUri)) == {Literal(KG_NS)}
    assert set(onto.objects(header, VANN.preferredNamespacePrefix)) == {Literal("kg")}
    assert dict(onto.namespaces())["kg"] == URIRef(KG_NS)
    assert KGR_NS != KG_NS and not KGR_NS.startswith(KG_NS)


@pytest.mark.parametrize("name", TERMS)
def test_every_term_is_declared_with_label_and_comment(onto, name):
    iri = KG[name]
    labels = list(onto.objects(iri, RDFS.label))
    comments = list(onto.objects(iri, RDFS.comment))
    assert len(labels) == 1 and str(labels[0]).strip(), f"{name} needs one rdfs:label"
    assert comments and len(str(comments[0])) > 15, f"{name} needs an rdfs:comment"
    kinds = set(onto.objects(iri, RDF.type))
    if name in CLASSES:
        assert OWL.Class in kinds, f"{name} must be an owl:Class"
        assert not kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}
    else:
        assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, f"{name} must be a property"
        assert OWL.Class not in kinds


def test_ontology_declares_nothing_namespace_py_lacks(onto):
    used = {
        str(t)[len(KG_NS) :]
        for triple in onto
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(KG_NS)
    }
    assert used - set(TERMS) == set()
    assert set(TERMS) - used == set()


def test_relations_and_roles_are_object_properties(onto):
    for name in (*RELATIONS, *ROLES, "mentionedIn", "evidence", "inDocument"):
        assert (KG[name], RDF.type, OWL.ObjectProperty) in onto, name


def test_literal_properties_are_datatype_properties_with_xsd_ranges(onto):
    object_like = set(RELATIONS) | set(ROLES) | {"mentionedIn", "evidence", "inDocument"}
    for name in PROPERTIES:
        if name in object_like:
            continue
        assert (KG[name], RDF.type, OWL.DatatypeProperty) in onto, name
        ranges = list(onto.objects(KG[name], RDFS.range))
        assert len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)), name


def test_superclass_table_matches_ontology(onto):
    for cls, sup in SUPERCLASS.items():
        assert (KG[cls], RDFS.subClassOf, KG[sup]) in onto, f"{cls} ⊑ {sup}"
    for cls in CLASSES:
        kg_supers = {s for s in onto.objects(KG[cls], RDFS.subClassOf) if str(s).startswith(KG_NS)}
        expected = {KG[SUPERCLASS[cls]]} if cls in SUPERCLASS else set()
        assert kg_supers == expected, cls
