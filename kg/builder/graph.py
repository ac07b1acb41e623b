"""Build the networkx ``MultiDiGraph`` (schema in :mod:`kg.model`) from resolved facts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import quote

import networkx as nx

from kg.builder.resolve import Resolution
from kg.model import Document, Entity, EventRecord, Evidence, edge_data, entity_node, event_node
from kg.text import slug
from kg.vocab import KGR_NS, ROLES

#: IRI path segment for each identity-key prefix (keys are ``prefix:rest``).
KEY_SEGMENTS: dict[str, str] = {
    "country": "country",
    "org": "org",
    "organization": "org",
    "mil": "force",
    "force": "force",
    "militaryforce": "force",
    "gn": "place",
    "location": "place",
    "person": "person",
    "entity": "entity",
}


def entity_iri(key: str, label: str) -> str:
    """Stable IRI of an entity, derived from its identity key (not from run order).

    GeoNames keys (``gn:610612``) get the label for readability: ``…/place/aktau-610612``.
    """
    prefix, _, rest = key.partition(":")
    segment = KEY_SEGMENTS.get(prefix, "entity")
    tail = f"{slug(label)}-{rest}" if prefix == "gn" else slug(rest)
    return f"{KGR_NS}{segment}/{tail}"


def event_iri(event_id: str) -> str:
    """IRI of an event from its corpus-unique id."""
    return f"{KGR_NS}event/{quote(event_id, safe='')}"


def add_entities(G: nx.MultiDiGraph, entities: dict[str, Entity]) -> dict[str, str]:
    """Add entity nodes; returns key → IRI."""
    iris: dict[str, str] = {}
    for key in sorted(entities):
        ent = entities[key]
        iri = entity_iri(key, ent.label)
        iris[key] = iri
        G.add_node(
            iri,
            **entity_node(
                ent.cls,
                ent.label,
                alt_labels=ent.alt_labels,
                same_as=ent.same_as,
                titles=ent.titles,
                documents=ent.documents,
            ),
        )
    return iris


def add_relations(G: nx.MultiDiGraph, res: Resolution, iris: dict[str, str]) -> None:
    """Add one edge per (subject, property, object), carrying all its evidence."""
    support: dict[tuple[str, str, str], set[Evidence]] = defaultdict(set)
    for rel in res.relations:
        support[(rel.subj, rel.prop, rel.obj)].add(rel.evidence)
    for (subj, prop, obj), evidence in sorted(support.items()):
        G.add_edge(iris[subj], iris[obj], key=prop, **edge_data(prop, evidence))


def event_label(ev: EventRecord, entities: dict[str, Entity]) -> str:
    """Short description of an event: ``Protest in Chile`` / ``Statement by ECOWAS``."""
    words = [ev.cls]
    if ev.agent:
        words.append("by " + ", ".join(entities[k].label for k in ev.agent[:2]))
    if ev.place:
        words.append("in " + ", ".join(entities[k].label for k in ev.place[:2]))
    if ev.date:
        words.append(f"({ev.date.isoformat()})")
    return " ".join(words)


def add_events(G: nx.MultiDiGraph, res: Resolution, iris: dict[str, str]) -> None:
    """Add event nodes with role edges to the entities that play them."""
    for ev in res.events:
        iri = event_iri(ev.id)
        G.add_node(
            iri,
            **event_node(
                ev.cls,
                event_label(ev, res.entities),
                documents=(ev.evidence.doc_id,),
                evidence=(ev.evidence,),
                date=ev.date,
                topics=ev.topics,
                trigger=ev.trigger,
            ),
        )
        for role in ROLES:
            for key in getattr(ev, role):
                G.add_edge(iri, iris[key], key=role, **edge_data(role, (ev.evidence,)))


def build_graph(res: Resolution, documents: Iterable[Document]) -> nx.MultiDiGraph:
    """Build the corpus graph.

    Args:
        res: Resolved entities, relations and events.
        documents: Metadata of every document that was built.

    Returns:
        A ``MultiDiGraph`` whose node keys are IRIs (schema in :mod:`kg.model`).
    """
    G = nx.MultiDiGraph()
    G.graph["documents"] = {d.id: d for d in sorted(documents, key=lambda d: d.id)}
    iris = add_entities(G, res.entities)
    add_relations(G, res, iris)
    add_events(G, res, iris)
    return G
