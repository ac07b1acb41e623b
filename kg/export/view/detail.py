"""The detailed view of a small graph: every entity and event a node, laid out by vis-network.

The node/edge model and the vis-network options are built with :class:`pyvis.network.Network`.
Events are diamonds joined to their role players by dashed edges; every node and edge carries the
data its panel and tooltip show (aliases, links, documents, dates, supporting sentences).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
from pyvis.network import Network

from kg.export.view.page import class_colors, darker, iso, safe_url, strs
from kg.model import is_event_node
from kg.vocab import ROLES

#: Above this many nodes vis-network's slow "improved" initial layout is switched off.
IMPROVED_LAYOUT_MAX = 150
ENTITY_SHAPE = "dot"
EVENT_SHAPE = "diamond"


def evidence_records(items: Iterable[Any]) -> list[dict[str, Any]]:
    """Convert :class:`kg.model.Evidence` values to compact, sorted JSON records."""
    out = []
    for ev in sorted(items or (), key=lambda e: (e.doc_id, e.start, e.end, e.rule, e.sentence)):
        out.append(
            {
                "d": ev.doc_id,
                "s": ev.sentence,
                "r": ev.rule,
                "c": round(float(ev.confidence), 3),
                "o": [ev.start, ev.end],
            }
        )
    return out


def documents(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    """Return the metadata (not the text) of every document of the graph, for the page."""
    docs = G.graph.get("documents") or {}
    out: dict[str, dict[str, Any]] = {}
    for doc_id in sorted(docs):
        doc = docs[doc_id]
        out[str(doc_id)] = {
            "title": getattr(doc, "title", None),
            "date": iso(getattr(doc, "date", None)),
            "url": safe_url(getattr(doc, "url", None)),
        }
    return out


def _node_label(attrs: Mapping[str, Any], iri: str) -> str:
    """Return the text drawn on a node (events get their date on a second line)."""
    label = str(attrs.get("label") or iri.rstrip("/").rsplit("/", 1)[-1])
    date = iso(attrs.get("date")) if attrs.get("kind") == "event" else None
    if date and date not in label:
        label = f"{label}\n{date}"
    return label


def vis_options(shown: int) -> dict[str, Any]:
    """Return vis-network options for a page of ``shown`` nodes (ForceAtlas2, curved edges)."""
    font = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": shown <= IMPROVED_LAYOUT_MAX},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -100,
                "centralGravity": 0.01,
                "springLength": 125,
                "springConstant": 0.05,
                "damping": 0.5,
                "avoidOverlap": 1,
            },
            "maxVelocity": 60,
            "minVelocity": 1.0,
            "stabilization": {
                "enabled": True,
                "iterations": 500,
                "updateInterval": 50,
                "fit": True,
            },
        },
        "nodes": {
            "borderWidth": 1.5,
            "borderWidthSelected": 3,
            "scaling": {
                "min": 12,
                "max": 42,
                "label": {"enabled": True, "min": 16, "max": 21, "drawThreshold": 6},
            },
            "font": {
                "face": font,
                "size": 16,
                "color": "#1f2933",
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
            },
            "widthConstraint": {"maximum": 220},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
            "color": {"color": "#a0aab4", "highlight": "#d64545", "hover": "#3e4c59"},
            "font": {
                "face": font,
                "size": 11,
                "color": "#52606d",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
                "align": "middle",
            },
            "smooth": {"enabled": True, "type": "continuous", "roundness": 0.3},
            "width": 1.2,
            "hoverWidth": 1.2,
            "selectionWidth": 1.8,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "multiselect": False,
            "navigationButtons": False,
        },
    }


def build_network(G: nx.MultiDiGraph) -> Network:
    """Build the pyvis :class:`~pyvis.network.Network` (nodes, edges, options) for ``G``.

    Every node carries, besides vis-network's fields, the view's data: ``cls``, ``kind``, ``alt``,
    ``sameAs``, ``titles``, ``docs``, and for events ``date``, ``trigger``, ``topics``,
    ``evidence``. Every edge carries ``prop``, ``evidence`` and ``conf``.
    """
    net = Network(directed=True, height="100%", width="100%", cdn_resources="in_line")
    kinds = {n: "event" if is_event_node(a) else "entity" for n, a in G.nodes(data=True)}
    classes = {
        n: str(G.nodes[n].get("cls") or ("Event" if k == "event" else "Entity"))
        for n, k in kinds.items()
    }
    colors = class_colors(
        (c for n, c in classes.items() if kinds[n] == "entity"),
        (c for n, c in classes.items() if kinds[n] == "event"),
    )
    for iri in sorted(G.nodes):
        attrs = G.nodes[iri]
        is_event = kinds[iri] == "event"
        color = colors[classes[iri]]
        extra: dict[str, Any] = {
            "cls": classes[iri],
            "kind": kinds[iri],
            "name": str(attrs.get("label") or iri),
            "alt": strs(attrs.get("alt_labels")),
            "sameAs": [u for u in strs(attrs.get("same_as")) if safe_url(u)],
            "titles": strs(attrs.get("titles")),
            "docs": strs(attrs.get("documents")),
            "value": G.degree(iri),
        }
        if is_event:
            extra.update(
                date=iso(attrs.get("date")),
                trigger=attrs.get("trigger"),
                topics=strs(attrs.get("topics")),
                evidence=evidence_records(attrs.get("evidence")),
                conf=attrs.get("confidence"),
            )
        net.add_node(
            iri,
            label=_node_label(attrs, iri),
            shape=EVENT_SHAPE if is_event else ENTITY_SHAPE,
            color={
                "background": color,
                "border": darker(color),
                "highlight": {"background": color, "border": "#111827"},
                "hover": {"background": color, "border": "#111827"},
            },
            **extra,
        )
    edges = sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))
    for i, (u, v, key, attrs) in enumerate(edges):
        prop = str(attrs.get("prop") or key)
        conf = attrs.get("confidence")
        net.add_edge(
            u,
            v,
            id=f"e{i}",
            label=prop,
            prop=prop,
            evidence=evidence_records(attrs.get("evidence")),
            conf=round(float(conf), 3) if conf is not None else None,
            dashes=prop in ROLES,
        )
    net.options = vis_options(G.number_of_nodes())
    return net


def detail_data(G: nx.MultiDiGraph, *, title: str = "kg") -> dict[str, Any]:
    """Return everything the detailed page needs, as plain JSON-able data."""
    nodes, edges, _heading, _height, _width, options_json = build_network(G).get_network_data()
    colors: dict[str, tuple[str, str, int]] = {}
    for node in nodes:
        cls = node["cls"]
        _, _, count = colors.get(cls, ("", "", 0))
        colors[cls] = (node["color"]["background"], node["kind"], count + 1)
    props: dict[str, int] = {}
    for edge in edges:
        props[edge["prop"]] = props.get(edge["prop"], 0) + 1
    return {
        "mode": "detail",
        "title": title,
        "total": len(nodes),
        "shapes": {"entity": ENTITY_SHAPE, "event": EVENT_SHAPE},
        "classes": [
            {"name": cls, "color": c, "kind": kind, "count": n}
            for cls, (c, kind, n) in sorted(colors.items(), key=lambda x: (x[1][1], x[0]))
        ],
        "props": [{"name": p, "count": n, "role": p in ROLES} for p, n in sorted(props.items())],
        "documents": documents(G),
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options_json),
    }
