"""The kg vocabulary, derived at import from the ontology shipped in the package (``kg.ttl``).

``ontology/kg.ttl`` is the single source: this module reads it once and derives the namespace,
the classes (entity and event classes, superclasses, labels), the core relations (sub-properties
of ``kg:relation``) and the event roles (sub-properties of ``kg:role``). Nothing here restates a
term: adding a class or a relation to the ontology makes it known to the whole package.

Use :data:`KG` for IRIs (``KG.contributesTo``), :data:`C` for class names (``C.Person`` is the
string ``"Person"``) and the tables (:data:`RELATIONS`, :data:`ROLES`, :data:`SUPERCLASS` …) for
logic. :data:`PREFIXES` is the one prefix map of exports, queries and the endpoint.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pyoxigraph as ox
from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_VANN = "http://purl.org/vocab/vann/"

#: Base IRI of Wikidata entities (``owl:sameAs`` links of countries and organisations).
WD_NS = "http://www.wikidata.org/entity/"
#: Base IRI of GeoNames features (``owl:sameAs`` links of places).
GN_NS = "https://sws.geonames.org/"


@dataclass(frozen=True)
class Ontology:
    """What the package needs to know of the ontology, read from ``kg.ttl``.

    Attributes:
        namespace: The ``kg:`` namespace IRI (``vann:preferredNamespaceUri``).
        resource_base: Where graph resources are minted (``kg:resourceBase``).
        terms: Every ``kg:`` term declared (local names), in file order.
        classes: Every ``owl:Class`` of the namespace.
        superclass: Each class's direct ``kg:`` superclass.
        relations: Sub-properties of ``kg:relation`` (the core relations between entities).
        roles: Sub-properties of ``kg:role`` (the roles of events).
        labels: ``rdfs:label`` of every term.
    """

    namespace: str
    resource_base: str
    terms: tuple[str, ...]
    classes: tuple[str, ...]
    superclass: dict[str, str]
    relations: tuple[str, ...]
    roles: tuple[str, ...]
    labels: dict[str, str]


def ontology_text() -> str:
    """The packaged ontology (``ontology/kg.ttl``) as text."""
    return (resources.files("kg") / "ontology" / "kg.ttl").read_text(encoding="utf-8")


def read_ontology(text: str) -> Ontology:
    """Derive the vocabulary tables from the Turtle text of the ontology.

    Raises:
        ValueError: if the ontology lacks its namespace, resource base or a root term.
    """
    triples = list(ox.parse(text, format=ox.RdfFormat.TURTLE))
    header = [t for t in triples if t.predicate.value == _VANN + "preferredNamespaceUri"]
    if not header:
        raise ValueError("ontology declares no vann:preferredNamespaceUri")
    ns = header[0].object.value
    base = [t.object.value for t in triples if t.predicate.value == ns + "resourceBase"]
    if not base:
        raise ValueError("ontology declares no kg:resourceBase")

    def local(node: object) -> str | None:
        value = getattr(node, "value", "")
        return value[len(ns) :] if isinstance(node, ox.NamedNode) and value.startswith(ns) else None

    declared: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    parents: dict[str, list[str]] = {}
    superprops: dict[str, list[str]] = {}
    for t in triples:
        name = local(t.subject)
        if name is None:
            continue
        p = t.predicate.value
        if p == _RDF + "type":
            declared.setdefault(name, set()).add(t.object.value)
        elif p == _RDFS + "label":
            labels[name] = t.object.value
        elif p == _RDFS + "subClassOf" and local(t.object):
            parents.setdefault(name, []).append(local(t.object))
        elif p == _RDFS + "subPropertyOf" and local(t.object):
            superprops.setdefault(name, []).append(local(t.object))
    classes = tuple(n for n, kinds in declared.items() if _OWL + "Class" in kinds)
    for root in ("Entity", "Event", "relation", "role"):
        if root not in declared:
            raise ValueError(f"ontology lacks kg:{root}")
    superclass = {c: parents[c][0] for c in classes if parents.get(c)}
    return Ontology(
        namespace=ns,
        resource_base=base[0],
        terms=tuple(declared),
        classes=classes,
        superclass=superclass,
        relations=tuple(n for n, ups in superprops.items() if "relation" in ups),
        roles=tuple(n for n, ups in superprops.items() if "role" in ups),
        labels=labels,
    )


@cache
def ontology() -> Ontology:
    """The packaged ontology's vocabulary (read once per process)."""
    return read_ontology(ontology_text())


def descendants(root: str, superclass: dict[str, str], classes: Iterable[str]) -> tuple[str, ...]:
    """``root`` and every class below it, in ontology order."""

    def under(cls: str) -> bool:
        while cls != root and cls in superclass:
            cls = superclass[cls]
        return cls == root

    return tuple(c for c in classes if under(c))


_ONTOLOGY = ontology()

#: Namespace of the ontology terms (classes and properties).
KG_NS: str = _ONTOLOGY.namespace
#: Base of the IRIs minted for entities, events, documents, assertions and evidence.
KGR_NS: str = _ONTOLOGY.resource_base

#: The ``kg:`` terms as an rdflib namespace that fails on unknown names (``KG.partOf``).
KG: type[DefinedNamespace] = type(
    "KG",
    (DefinedNamespace,),
    {
        "__annotations__": {name: URIRef for name in _ONTOLOGY.terms},
        "__doc__": "Terms of the kg ontology (derived from kg.ttl).",
        "_NS": Namespace(KG_NS),
        "_fail": True,
    },
)
KGR = Namespace(KGR_NS)
WD = Namespace(WD_NS)
GN = Namespace(GN_NS)

#: Direct superclass of each class (for "most specific class" logic without a reasoner).
SUPERCLASS: dict[str, str] = dict(_ONTOLOGY.superclass)
#: Entity classes (``Entity`` and every class below it), in ontology order.
ENTITY_CLASSES: tuple[str, ...] = descendants("Entity", SUPERCLASS, _ONTOLOGY.classes)
#: Event classes (``Event`` and its subclasses), in ontology order.
EVENT_CLASSES: tuple[str, ...] = descendants("Event", SUPERCLASS, _ONTOLOGY.classes)
#: The core relations between entities (SPEC §3), by local name.
RELATIONS: tuple[str, ...] = _ONTOLOGY.relations
#: Event role properties, by local name.
ROLES: tuple[str, ...] = _ONTOLOGY.roles
#: ``rdfs:label`` of every term.
LABELS: dict[str, str] = dict(_ONTOLOGY.labels)

#: Class names as constants: ``C.Person == "Person"``; an unknown name fails at import.
C = enum.Enum("C", {c: c for c in _ONTOLOGY.classes}, type=str)
C.__str__ = lambda self: self.value  # type: ignore[method-assign]
C.__format__ = lambda self, spec: format(self.value, spec)  # type: ignore[method-assign]

#: The one prefix map of exports, ``kg query`` and the endpoint (prefix → namespace IRI).
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "kgr": KGR_NS,
    "rdf": _RDF,
    "rdfs": _RDFS,
    "owl": _OWL,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "wd": WD_NS,
    "gn": GN_NS,
}


def term(local: str) -> URIRef:
    """Return the IRI of a ``kg:`` term by local name, failing on unknown names."""
    return KG[local]


def ancestors(cls: str) -> tuple[str, ...]:
    """The strict superclasses of a class, nearest first."""
    out: list[str] = []
    while cls in SUPERCLASS and SUPERCLASS[cls] not in out:
        cls = SUPERCLASS[cls]
        out.append(cls)
    return tuple(out)


def is_event_class(cls: str) -> bool:
    """Whether a class local name is ``Event`` or one of its subclasses."""
    return cls in EVENT_CLASSES


def most_specific(classes: Iterable[str]) -> tuple[str, ...]:
    """The classes of a set that are no other one's ancestor, sorted."""
    classes = set(classes)
    inherited = {a for c in classes for a in ancestors(c)}
    return tuple(sorted(classes - inherited))
