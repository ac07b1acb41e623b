"""The ``kg:`` vocabulary as an rdflib namespace: the only place code takes ontology IRIs from.

``tests/test_namespace.py`` checks that every term here is declared in ``ontology/kg.ttl`` (with an
``rdfs:label`` and ``rdfs:comment``) and that the ontology declares nothing this module lacks.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

#: Namespace of the ontology terms (classes and properties).
KG_NS = "https://w3id.org/newskg/ontology#"
#: Base of the IRIs minted for entities, events, documents, assertions and evidence.
KGR_NS = "https://w3id.org/newskg/id/"

WD = Namespace("http://www.wikidata.org/entity/")
GN = Namespace("https://sws.geonames.org/")
KGR = Namespace(KGR_NS)


class KG(DefinedNamespace):
    """Terms of the kg ontology (``ontology/kg.ttl``)."""

    _NS = Namespace(KG_NS)
    _fail = True

    # classes: entities
    Entity: URIRef
    Person: URIRef
    Organization: URIRef
    Country: URIRef
    Location: URIRef
    City: URIRef
    Region: URIRef
    MilitaryForce: URIRef
    # classes: events
    Event: URIRef
    Protest: URIRef
    Riot: URIRef
    Deployment: URIRef
    Request: URIRef
    Statement: URIRef
    Resignation: URIRef
    EmergencyDeclaration: URIRef
    Attack: URIRef
    Meeting: URIRef
    Agreement: URIRef
    MilitaryExercise: URIRef
    Arrest: URIRef
    Election: URIRef
    # classes: documents and provenance
    Document: URIRef
    Assertion: URIRef
    Evidence: URIRef

    # relations between entities (the query contract)
    contributesTo: URIRef
    partOf: URIRef
    memberOf: URIRef
    deployedTo: URIRef
    ledBy: URIRef
    requestedAssistanceFrom: URIRef
    leaderOf: URIRef
    spokespersonFor: URIRef
    worksFor: URIRef
    locatedIn: URIRef
    basedIn: URIRef
    # attributes
    title: URIRef
    mentionedIn: URIRef
    # event roles
    agent: URIRef
    target: URIRef
    participant: URIRef
    place: URIRef
    date: URIRef
    topic: URIRef
    trigger: URIRef
    # provenance
    evidence: URIRef
    inDocument: URIRef
    sentenceText: URIRef
    startOffset: URIRef
    endOffset: URIRef
    extractionRule: URIRef
    confidence: URIRef
    supportCount: URIRef


#: The eleven core relation properties (SPEC §3), by local name.
RELATIONS: tuple[str, ...] = (
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
)
#: Event role properties, by local name.
ROLES: tuple[str, ...] = ("agent", "target", "participant", "place")
#: Entity classes, most general first.
ENTITY_CLASSES: tuple[str, ...] = (
    "Entity",
    "Person",
    "Organization",
    "Country",
    "Location",
    "City",
    "Region",
    "MilitaryForce",
)
#: Event classes (``Event`` and its subclasses).
EVENT_CLASSES: tuple[str, ...] = (
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
    "MilitaryExercise",
    "Arrest",
    "Election",
)
#: Direct superclass of each class (for "most specific class" logic without a reasoner).
SUPERCLASS: dict[str, str] = {
    "Person": "Entity",
    "Organization": "Entity",
    "Country": "Entity",
    "Location": "Entity",
    "City": "Location",
    "Region": "Location",
    "MilitaryForce": "Organization",
    **{c: "Event" for c in EVENT_CLASSES if c != "Event"},
}


def term(local: str) -> URIRef:
    """Return the IRI of a ``kg:`` term by local name, failing on unknown names."""
    return KG[local]
