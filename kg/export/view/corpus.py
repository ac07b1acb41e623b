"""The corpus view of a large graph: entities and their relations, events folded into participants.

Nodes are entities, sized by the number of documents that mention them; edges are the relations
between them, and co-participation in events (two entities in the same event) as weighted edges.
Events are not nodes: each entity's panel lists its events as a dated timeline with their
sentences. Entities without any relation or shared event are left off the canvas (search still
finds them). Positions and clusters come from :mod:`kg.export.view.layout`, so the browser draws
without simulating.

The data is columnar (one list per field) and every sentence, document, class, property and rule
is stored once and referred to by index, which keeps a page of tens of thousands of entities small.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import networkx as nx

from kg.export.view.layout import Layout, layout_entities
from kg.export.view.page import class_colors, iso, safe_url, strs
from kg.model import is_event_node
from kg.vocab import KGR_NS, ROLES

#: At most this many entities are drawn one by one; above, the page draws clusters for the rest.
CANVAS_MAX = 1500
#: Layout and community weight of one shared event, next to 1 for a relation (capped, see below).
CO_WEIGHT = 0.5
#: Shared events counted in the layout weight of a pair at most.
CO_WEIGHT_CAP = 10


class Interned:
    """A list of distinct values and the index of each (values are stored once)."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._index: dict[Hashable, int] = {}

    def __call__(self, value: Hashable, item: Any = None) -> int:
        """Return the index of ``value``, adding it (or ``item`` standing for it) if new."""
        i = self._index.get(value)
        if i is None:
            i = self._index[value] = len(self.items)
            self.items.append(value if item is None else item)
        return i


class _Tables:
    """The shared tables of the page: documents, sentences and rule names."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        docs = G.graph.get("documents") or {}
        self.doc_ids = sorted(str(d) for d in docs)
        self.doc_index = {d: i for i, d in enumerate(self.doc_ids)}
        self.docs = {
            "id": self.doc_ids,
            "title": [getattr(docs[d], "title", None) for d in sorted(docs)],
            "date": [iso(getattr(docs[d], "date", None)) for d in sorted(docs)],
            "url": [safe_url(getattr(docs[d], "url", None)) for d in sorted(docs)],
        }
        self.sentences = Interned()
        self.rules = Interned()

    def doc(self, doc_id: str) -> int:
        """Index of a document, adding an id the graph's metadata lacks."""
        i = self.doc_index.get(doc_id)
        if i is None:
            i = self.doc_index[doc_id] = len(self.doc_ids)
            self.doc_ids.append(doc_id)
            for field in ("title", "date", "url"):
                self.docs[field].append(None)
        return i

    def evidence(self, items: Iterable[Any]) -> list[list[Any]]:
        """Evidence as ``[sentence index, rule index, confidence]`` triples, sorted."""
        out = []
        for ev in sorted(items or ()):
            key = (ev.doc_id, ev.start, ev.end, ev.sentence)
            s = self.sentences(key, (ev.sentence, self.doc(ev.doc_id)))
            out.append([s, self.rules(ev.rule), round(float(ev.confidence), 3)])
        return out


def _entity_columns(G: nx.MultiDiGraph, entities: list[str], tables: _Tables) -> dict[str, list]:
    """The entity table: IRI (without the resource base), label, aliases, links, documents."""
    cols: dict[str, list] = {k: [] for k in ("iri", "label", "alt", "sameAs", "titles", "docs")}
    for iri in entities:
        a = G.nodes[iri]
        cols["iri"].append(iri[len(KGR_NS) :] if iri.startswith(KGR_NS) else iri)
        cols["label"].append(str(a.get("label") or iri.rstrip("/").rsplit("/", 1)[-1]))
        cols["alt"].append(strs(a.get("alt_labels")))
        cols["sameAs"].append([u for u in strs(a.get("same_as")) if safe_url(u)])
        cols["titles"].append(strs(a.get("titles")))
        cols["docs"].append(sorted(tables.doc(str(d)) for d in a.get("documents") or ()))
    return cols


def _relation_columns(
    G: nx.MultiDiGraph, index: Mapping[str, int], props: Interned, tables: _Tables
) -> dict[str, list]:
    """The relation table: every edge between two entities, with its evidence."""
    cols: dict[str, list] = {k: [] for k in ("from", "to", "prop", "conf", "ev")}
    edges = sorted(
        (u, v, str(d.get("prop") or k), d)
        for u, v, k, d in G.edges(keys=True, data=True)
        if u in index and v in index
    )
    for u, v, prop, d in edges:
        cols["from"].append(index[u])
        cols["to"].append(index[v])
        cols["prop"].append(props(prop))
        conf = d.get("confidence")
        cols["conf"].append(round(float(conf), 3) if conf is not None else None)
        cols["ev"].append(tables.evidence(d.get("evidence")))
    return cols


def _event_columns(
    G: nx.MultiDiGraph,
    events: list[str],
    index: Mapping[str, int],
    classes: Interned,
    tables: _Tables,
) -> dict[str, list]:
    """The event table: class, label, date, trigger, topics, evidence and role players."""
    roles = {r: i for i, r in enumerate(ROLES)}
    cols: dict[str, list] = {
        k: [] for k in ("cls", "label", "date", "trigger", "topics", "ev", "roles")
    }
    for iri in events:
        a = G.nodes[iri]
        cols["cls"].append(classes(str(a.get("cls") or "Event")))
        cols["label"].append(str(a.get("label") or iri.rsplit("/", 1)[-1]))
        cols["date"].append(iso(a.get("date")))
        cols["trigger"].append(a.get("trigger") or None)
        cols["topics"].append(list(a.get("topics") or ()))
        cols["ev"].append(tables.evidence(a.get("evidence")))
        players = sorted(
            {
                (index[v], roles.setdefault(str(d.get("prop") or k), len(roles)))
                for v, keyed in G.succ[iri].items()
                if v in index
                for k, d in keyed.items()
            }
        )
        cols["roles"].append([list(p) for p in players])
    cols["roleNames"] = list(roles)
    return cols


def co_participation(roles: list[list[list[int]]]) -> dict[tuple[int, int], list[int]]:
    """Pairs of entities that take part in the same events, with those events (sorted)."""
    pairs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for v, players in enumerate(roles):
        ents = sorted({e for e, _ in players})
        for i, a in enumerate(ents):
            for b in ents[i + 1 :]:
                pairs[a, b].append(v)
    return dict(sorted(pairs.items()))


def entity_graph(
    n: int, relations: Mapping[str, list], pairs: Mapping[tuple[int, int], list[int]]
) -> nx.Graph:
    """The weighted, undirected entity graph the layout and clusters are computed on."""
    weights: Counter[tuple[int, int]] = Counter()
    for a, b in zip(relations["from"], relations["to"], strict=True):
        if a != b:
            weights[min(a, b), max(a, b)] += 1.0
    for pair, evs in pairs.items():
        weights[pair] += CO_WEIGHT * min(len(evs), CO_WEIGHT_CAP)
    H = nx.Graph()
    H.add_nodes_from(sorted({x for pair in weights for x in pair}))
    H.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(weights.items()))
    assert all(0 <= x < n for x in H.nodes)
    return H


def _layout_columns(n: int, lay: Layout) -> tuple[dict[str, list], dict[str, list]]:
    """Per-entity position and cluster (``None``/-1 off the canvas) and the cluster table."""
    xs: list[float | None] = [None] * n
    ys: list[float | None] = [None] * n
    cluster = [-1] * n
    for c, cl in enumerate(lay.clusters):
        for m in cl.members:
            cluster[m] = c
    for m, (x, y) in lay.positions.items():
        xs[m], ys[m] = x, y
    table = {
        "x": [c.x for c in lay.clusters],
        "y": [c.y for c in lay.clusters],
        "r": [c.r for c in lay.clusters],
    }
    return {"x": xs, "y": ys, "cluster": cluster}, table


def vis_options(edges: int) -> dict[str, Any]:
    """vis-network options of the corpus view: no physics (positions are given), straight edges."""
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {"enabled": False},
        "nodes": {"shape": "dot", "borderWidth": 1, "borderWidthSelected": 3},
        "edges": {
            "smooth": False,
            "width": 1,
            "selectionWidth": 1.5,
            "hoverWidth": 0.6,
            "color": {"color": "#b4bcc6", "highlight": "#d64545", "hover": "#3e4c59"},
            "arrows": {"to": {"enabled": False, "scaleFactor": 0.4}},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "dragNodes": False,
            "hideEdgesOnDrag": edges > 2000,
            "hideEdgesOnZoom": edges > 4000,
            "multiselect": False,
            "navigationButtons": False,
        },
    }


def corpus_data(
    G: nx.MultiDiGraph, *, title: str = "kg", canvas_max: int = CANVAS_MAX
) -> dict[str, Any]:
    """Return everything the corpus page needs, as plain JSON-able data.

    Args:
        G: Graph following the schema of :mod:`kg.model`.
        title: Page title.
        canvas_max: Most entities drawn one by one; above, clusters stand for the rest.
    """
    entities = sorted(n for n, a in G.nodes(data=True) if not is_event_node(a))
    events = sorted(n for n, a in G.nodes(data=True) if is_event_node(a))
    index = {iri: i for i, iri in enumerate(entities)}
    tables = _Tables(G)
    entity_cls = [str(G.nodes[n].get("cls") or "Entity") for n in entities]
    event_cls = sorted({str(G.nodes[n].get("cls") or "Event") for n in events})
    colors = class_colors(entity_cls, event_cls)
    classes = Interned()
    for cls in sorted(set(entity_cls)) + event_cls:
        classes(cls)
    ent = _entity_columns(G, entities, tables)
    ent["cls"] = [classes(c) for c in entity_cls]
    props = Interned()
    relations = _relation_columns(G, index, props, tables)
    evs = _event_columns(G, events, index, classes, tables)
    role_names = evs.pop("roleNames")
    pairs = co_participation(evs["roles"])
    H = entity_graph(len(entities), relations, pairs)
    importance = {i: len(ent["docs"][i]) + H.degree(i) for i in H.nodes}
    positions, clusters = _layout_columns(len(entities), layout_entities(H, importance))
    ent.update(positions)
    class_count = Counter(entity_cls)
    class_count.update(str(G.nodes[n].get("cls") or "Event") for n in events)
    prop_count = Counter(relations["prop"])
    n_entity_classes = len(set(entity_cls))
    return {
        "mode": "corpus",
        "title": title,
        "base": KGR_NS,
        "canvasMax": canvas_max,
        "counts": {
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "entities": len(entities),
            "events": len(events),
            "laidOut": H.number_of_nodes(),
            "documents": len(tables.doc_ids),
        },
        "classes": [
            {
                "name": cls,
                "color": colors[cls],
                "kind": "event" if i >= n_entity_classes else "entity",
                "count": class_count[cls],
            }
            for i, cls in enumerate(classes.items)
        ],
        "props": [{"name": p, "count": prop_count[i]} for i, p in enumerate(props.items)],
        "roles": role_names,
        "rules": tables.rules.items,
        "docs": tables.docs,
        "sentences": {
            "text": [s for s, _ in tables.sentences.items],
            "doc": [d for _, d in tables.sentences.items],
        },
        "entities": ent,
        "relations": relations,
        "events": evs,
        "copart": {
            "a": [a for a, _ in pairs],
            "b": [b for _, b in pairs],
            "events": list(pairs.values()),
        },
        "clusters": clusters,
        "options": vis_options(len(relations["from"]) + len(pairs)),
    }
