"""Graph analytics for analysts: counts, central entities, communities, components, timeline.

Works on any graph in the :mod:`kg.model` schema, built by the pipeline or loaded from an export
with :func:`kg.analyze.load.load_graph`.

Example:
    >>> from kg.analyze.load import load_graph
    >>> from kg.analyze.report import analyze, render_markdown, write_report
    >>> G = load_graph("exports/")                              # doctest: +SKIP
    >>> print(render_markdown(analyze(G)))                      # doctest: +SKIP
    >>> write_report(G, "exports/analysis", plot=True)          # doctest: +SKIP

Centrality and communities use the *entity graph* (:func:`entity_graph`): entities only,
linked by their relations and by taking part in the same event. Plots need matplotlib
(``pip install matplotlib``), imported only when :func:`plot` is called.

"""

from __future__ import annotations

import dataclasses
import io
import json
import os
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx

from kg.io import atomic_write_bytes, atomic_write_text
from kg.model import is_event_node

__all__ = [
    "Analysis",
    "Community",
    "Components",
    "CoOccurrence",
    "Member",
    "Ranked",
    "TimelineEntry",
    "analyze",
    "entity_graph",
    "BusyDate",
    "pagerank",
    "plot",
    "render_json",
    "render_markdown",
    "write_report",
]

#: Seed of the Louvain community detection and of betweenness sampling (fixed: reproducible).
SEED = 42
#: Timeline rows shown in the Markdown report (the JSON has all of them).
MARKDOWN_TIMELINE_ROWS = 200
_ROUND = 6


@dataclass(frozen=True)
class Member:
    """A node named in a report: its IRI, label and class."""

    iri: str
    label: str
    cls: str


@dataclass(frozen=True)
class Ranked:
    """An entity with a centrality score."""

    iri: str
    label: str
    cls: str
    score: float


@dataclass(frozen=True)
class Community:
    """A Louvain community of the entity graph, listed by its most connected members."""

    index: int
    size: int
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Components:
    """Connected components of the entity graph."""

    count: int = 0
    sizes: tuple[int, ...] = ()
    largest: int = 0
    largest_members: tuple[Member, ...] = ()
    isolated: int = 0


@dataclass(frozen=True)
class TimelineEntry:
    """A dated event."""

    date: str
    cls: str
    label: str
    iri: str
    places: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()


@dataclass(frozen=True)
class BusyDate:
    """A date with many events: how many, and how many of each class."""

    date: str
    events: int
    by_class: dict[str, int]


@dataclass(frozen=True)
class CoOccurrence:
    """Two entities mentioned together in several documents."""

    a: Member
    b: Member
    count: int
    documents: tuple[str, ...]


@dataclass
class Analysis:
    """Everything :func:`analyze` computes; render with :func:`render_markdown`/:func:`render_json`.

    Attributes:
        nodes: Number of nodes (entities and events).
        edges: Number of edges (relations and event roles).
        entities: Number of entity nodes.
        events: Number of event nodes.
        documents: Number of source documents.
        by_class: Node count per most specific class.
        by_property: Edge count per property.
        top_degree: Entities with the most links (relations and event roles).
        top_pagerank: Entities by PageRank over the entity graph (relations and shared events,
            weighted), computed by networkx's SciPy implementation.
        top_mentioned: Per entity class, the entities mentioned in the most documents.
        busiest_dates: The dates with the most events, with their classes.
        top_betweenness: Entities by betweenness in the entity graph (non-zero only).
        communities: Louvain communities (two members or more), largest first.
        community_count: Number of such communities (``communities`` is capped at ``top_n``).
        components: Connected components of the entity graph.
        timeline: Dated events, oldest first.
        undated_events: Events without a date.
        cooccurrence: Entity pairs sharing the most documents (at least ``min_shared``).
        top_n: Length limit of the ranked lists.

    """

    nodes: int = 0
    edges: int = 0
    entities: int = 0
    events: int = 0
    documents: int = 0
    by_class: dict[str, int] = field(default_factory=dict)
    by_property: dict[str, int] = field(default_factory=dict)
    top_degree: list[Ranked] = field(default_factory=list)
    top_pagerank: list[Ranked] = field(default_factory=list)
    top_mentioned: dict[str, list[Ranked]] = field(default_factory=dict)
    busiest_dates: list[BusyDate] = field(default_factory=list)
    top_betweenness: list[Ranked] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)
    community_count: int = 0
    components: Components = field(default_factory=Components)
    timeline: list[TimelineEntry] = field(default_factory=list)
    undated_events: int = 0
    cooccurrence: list[CoOccurrence] = field(default_factory=list)
    top_n: int = 10


# --------------------------------------------------------------------------- graph helpers


_is_event = is_event_node


def _entities(G: nx.Graph) -> list[Hashable]:
    """Return the entity nodes of ``G``, sorted by IRI."""
    return sorted((n for n, d in G.nodes(data=True) if not _is_event(d)), key=str)


def _events(G: nx.Graph) -> list[Hashable]:
    """Return the event nodes of ``G``, sorted by IRI."""
    return sorted((n for n, d in G.nodes(data=True) if _is_event(d)), key=str)


def _member(G: nx.Graph, node: Hashable) -> Member:
    """Describe a node by IRI, label and class."""
    data = G.nodes[node]
    return Member(str(node), str(data.get("label") or node), str(data.get("cls") or ""))


def _edge_keys(G: nx.Graph) -> list[tuple[Hashable, Hashable, str]]:
    """Return ``(u, v, property)`` for every edge (multigraph keys, else the ``prop`` attribute)."""
    if G.is_multigraph():
        return [(u, v, str(k)) for u, v, k in G.edges(keys=True)]
    return [(u, v, str(d.get("prop", ""))) for u, v, d in G.edges(data=True)]


def _event_members(G: nx.Graph, event: Hashable) -> list[Hashable]:
    """Return the entities linked to an event by any edge, in either direction, sorted."""
    if G.is_directed():
        neighbours = set(G.successors(event)) | set(G.predecessors(event))
    else:
        neighbours = set(G.neighbors(event))
    return sorted((n for n in neighbours if not _is_event(G.nodes[n])), key=str)


def entity_graph(G: nx.Graph) -> nx.Graph:
    """Project ``G`` onto its entities as an undirected weighted graph.

    Two entities are linked when a relation joins them or when they take part in the same event;
    ``weight`` counts those links. Every entity is a node, isolated ones included.
    """
    H = nx.Graph()
    entities = _entities(G)
    H.add_nodes_from(entities)
    weights: Counter[tuple[Hashable, Hashable]] = Counter()

    def link(a: Hashable, b: Hashable) -> None:
        if a != b:
            weights[(a, b) if str(a) <= str(b) else (b, a)] += 1

    members = set(entities)
    for u, v, _prop in _edge_keys(G):
        if u in members and v in members:
            link(u, v)
    for event in _events(G):
        for a, b in combinations(_event_members(G, event), 2):
            link(a, b)
    for (a, b), w in sorted(weights.items(), key=lambda item: (str(item[0][0]), str(item[0][1]))):
        H.add_edge(a, b, weight=w)
    return H


def pagerank(H: nx.Graph) -> dict[Hashable, float]:
    """PageRank of the entity graph by networkx's SciPy sparse power iteration (weighted).

    ``H`` is :func:`entity_graph`'s projection: relations and shared events weigh the links.
    """
    if H.number_of_edges() == 0:
        return dict.fromkeys(H.nodes, 1.0 / max(1, H.number_of_nodes()))
    return nx.pagerank(H, weight="weight", tol=1.0e-10, max_iter=200)


def _ranked(
    G: nx.Graph,
    scores: Mapping[Hashable, float],
    nodes: Iterable[Hashable],
    top_n: int,
    *,
    positive: bool = True,
) -> list[Ranked]:
    """Return the ``top_n`` of ``nodes`` by score (ties by label, then IRI)."""
    rows = []
    for node in nodes:
        score = round(float(scores.get(node, 0.0)), _ROUND)
        if positive and score <= 0:
            continue
        m = _member(G, node)
        rows.append(Ranked(m.iri, m.label, m.cls, score))
    rows.sort(key=lambda r: (-r.score, r.label, r.iri))
    return rows[:top_n]


def _top_members(
    G: nx.Graph, H: nx.Graph, nodes: Iterable[Hashable], limit: int
) -> tuple[Member, ...]:
    """Return the ``limit`` members of a node set with the highest weighted degree in ``H``."""
    degree = dict(H.degree(nodes, weight="weight"))
    order = sorted(
        nodes, key=lambda n: (-degree.get(n, 0), str(G.nodes[n].get("label", n)), str(n))
    )
    return tuple(_member(G, n) for n in order[:limit])


def linked(H: nx.Graph) -> nx.Graph:
    """The entities of ``H`` that have a link (isolated ones have no betweenness or community).

    In a news corpus most entities are mentioned without a relation; leaving them out keeps
    betweenness and community detection fast (the graph algorithms are networkx's).
    """
    return H.subgraph(n for n, d in H.degree() if d > 0)


def _betweenness(H: nx.Graph) -> dict[Hashable, float]:
    """Exact betweenness of the linked entities, by igraph (compiled C), normalised as networkx.

    networkx's pure-Python betweenness takes minutes on a corpus's entity graph even when
    sampled; igraph computes it exactly in seconds. Values are networkx's normalised ones
    (``2 / ((n - 1)(n - 2))`` on an undirected graph of ``n`` nodes).
    """
    import igraph

    L = linked(H)
    n = L.number_of_nodes()
    if n < 3:
        return dict.fromkeys(H.nodes, 0.0)
    nodes = sorted(L.nodes, key=str)
    index = {node: i for i, node in enumerate(nodes)}
    g = igraph.Graph(n=n, edges=sorted((index[u], index[v]) for u, v in L.edges()))
    scale = 2.0 / ((n - 1) * (n - 2))
    return {node: b * scale for node, b in zip(nodes, g.betweenness(directed=False), strict=True)}


def _communities(
    G: nx.Graph, H: nx.Graph, seed: int, top_n: int, members: int
) -> tuple[list[Community], int]:
    """Return the Louvain communities of ``H`` with two members or more, largest first."""
    if H.number_of_edges() == 0:
        return [], 0
    found = nx.community.louvain_communities(linked(H), weight="weight", seed=seed)
    groups = [sorted(c, key=str) for c in found if len(c) >= 2]
    tops = [_top_members(G, H, g, members) for g in groups]
    order = sorted(
        range(len(groups)), key=lambda i: (-len(groups[i]), tops[i][0].label, tops[i][0].iri)
    )
    listed = [
        Community(index=rank + 1, size=len(groups[i]), members=tops[i])
        for rank, i in enumerate(order[:top_n])
    ]
    return listed, len(groups)


def _components(G: nx.Graph, H: nx.Graph, members: int) -> Components:
    """Describe the connected components of the entity graph ``H``."""
    if H.number_of_nodes() == 0:
        return Components()
    comps = [sorted(c, key=str) for c in nx.connected_components(H)]
    comps.sort(key=lambda c: (-len(c), str(c[0])))
    return Components(
        count=len(comps),
        sizes=tuple(len(c) for c in comps),
        largest=len(comps[0]),
        largest_members=_top_members(G, H, comps[0], members),
        isolated=sum(1 for c in comps if len(c) == 1),
    )


def _role_labels(G: nx.Graph, event: Hashable, role: str) -> tuple[str, ...]:
    """Return the sorted labels of the nodes an event links to through ``role``."""
    if not G.is_multigraph():
        return ()
    return tuple(
        sorted(
            str(G.nodes[v].get("label") or v)
            for _u, v, k in G.out_edges(event, keys=True)
            if k == role
        )
    )


def _timeline(G: nx.Graph) -> tuple[list[TimelineEntry], int]:
    """Return the dated events sorted by date, class, label, and the number of undated ones."""
    rows, undated = [], 0
    for event in _events(G):
        data = G.nodes[event]
        date = data.get("date")
        if not date:
            undated += 1
            continue
        rows.append(
            TimelineEntry(
                date=str(date)[:10],
                cls=str(data.get("cls") or "Event"),
                label=str(data.get("label") or event),
                iri=str(event),
                places=_role_labels(G, event, "place"),
                agents=_role_labels(G, event, "agent"),
            )
        )
    rows.sort(key=lambda r: (r.date, r.cls, r.label, r.iri))
    return rows, undated


def _cooccurrence(G: nx.Graph, min_shared: int, top_n: int) -> list[CoOccurrence]:
    """Return entity pairs mentioned together in at least ``min_shared`` documents."""
    by_doc: dict[str, list[Hashable]] = defaultdict(list)
    for node in _entities(G):
        for doc in sorted(set(G.nodes[node].get("documents") or ())):
            by_doc[str(doc)].append(node)
    shared: dict[tuple[Hashable, Hashable], list[str]] = defaultdict(list)
    for doc in sorted(by_doc):
        for a, b in combinations(by_doc[doc], 2):
            shared[(a, b)].append(doc)
    rows = []
    for (a, b), docs in shared.items():
        if len(docs) >= min_shared:
            first, second = sorted((_member(G, a), _member(G, b)), key=lambda m: (m.label, m.iri))
            rows.append(CoOccurrence(first, second, len(docs), tuple(docs)))
    rows.sort(key=lambda r: (-r.count, r.a.label, r.b.label, r.a.iri, r.b.iri))
    return rows[:top_n]


def _most_mentioned(
    G: nx.Graph, entities: Iterable[Hashable], top_n: int
) -> dict[str, list[Ranked]]:
    """Per class, the entities mentioned in the most documents (the score is that count)."""
    by_class: dict[str, list[Hashable]] = defaultdict(list)
    for node in entities:
        by_class[str(G.nodes[node].get("cls") or "")].append(node)
    docs = {n: float(len(G.nodes[n].get("documents") or ())) for n in G.nodes}
    return {cls: _ranked(G, docs, nodes, top_n) for cls, nodes in sorted(by_class.items())}


def _busiest_dates(timeline: list[TimelineEntry], top_n: int) -> list[BusyDate]:
    """The dates with the most events (ties: the earlier date first)."""
    per_date: dict[str, Counter[str]] = defaultdict(Counter)
    for t in timeline:
        per_date[t.date][t.cls] += 1
    rows = [
        BusyDate(date, sum(c.values()), dict(sorted(c.items()))) for date, c in per_date.items()
    ]
    rows.sort(key=lambda r: (-r.events, r.date))
    return rows[:top_n]


def _document_count(G: nx.Graph) -> int:
    """Return the number of source documents (graph metadata, else node mentions)."""
    docs = G.graph.get("documents")
    if docs:
        return len(docs)
    return len({str(d) for _n, data in G.nodes(data=True) for d in data.get("documents") or ()})


def analyze(
    G: nx.Graph, *, top_n: int = 10, seed: int = SEED, min_shared: int = 2, members: int = 10
) -> Analysis:
    """Compute the analyst's overview of a graph.

    Args:
        G: A graph in the :mod:`kg.model` schema (e.g. from :func:`kg.analyze.load.load_graph`).
        top_n: Length of the ranked lists (central entities, communities, co-occurrences).
        seed: Seed of the Louvain community detection.
        min_shared: Minimum number of shared documents for a co-occurring pair.
        members: Members listed per community and for the largest component.

    Returns:
        The :class:`Analysis`; empty graphs and graphs without events give empty sections.

    """
    entities = _entities(G)
    H = entity_graph(G)
    degree = dict(G.degree(entities)) if entities else {}
    communities, community_count = _communities(G, H, seed, top_n, members)
    timeline, undated = _timeline(G)
    return Analysis(
        nodes=G.number_of_nodes(),
        edges=G.number_of_edges(),
        entities=len(entities),
        events=G.number_of_nodes() - len(entities),
        documents=_document_count(G),
        by_class=dict(
            sorted(Counter(str(d.get("cls") or "") for _n, d in G.nodes(data=True)).items())
        ),
        by_property=dict(sorted(Counter(p for _u, _v, p in _edge_keys(G)).items())),
        top_degree=_ranked(G, degree, entities, top_n),
        top_pagerank=_ranked(G, pagerank(H), entities, top_n),
        top_mentioned=_most_mentioned(G, entities, top_n),
        busiest_dates=_busiest_dates(timeline, top_n),
        top_betweenness=_ranked(G, _betweenness(H), entities, top_n),
        communities=communities,
        community_count=community_count,
        components=_components(G, H, members),
        timeline=timeline,
        undated_events=undated,
        cooccurrence=_cooccurrence(G, min_shared, top_n),
        top_n=top_n,
    )


# --------------------------------------------------------------------------- rendering


def render_json(a: Analysis) -> str:
    """Return the analysis as JSON (keys sorted, indented, newline-terminated: reproducible)."""
    return json.dumps(dataclasses.asdict(a), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _cell(text: Any) -> str:
    """Escape a value for a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: list[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    """Return the lines of a Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _ranked_section(title: str, rows: list[Ranked], fmt: str) -> list[str]:
    """Return a ranked-entities subsection."""
    lines = [f"### {title}", ""]
    if not rows:
        return lines + ["_none_", ""]
    body = [(i, r.label, r.cls, format(r.score, fmt)) for i, r in enumerate(rows, 1)]
    return lines + _table(["#", "entity", "class", "score"], body) + [""]


def render_markdown(a: Analysis) -> str:
    """Return the analysis as a Markdown report.

    Sections: Overview, Counts by class, Counts by property, Most central entities (degree,
    PageRank, betweenness), Most mentioned entities (per class), Busiest dates, Communities,
    Connected components, Timeline, Co-occurrence.
    """
    out = ["# Graph analysis", "", "## Overview", ""]
    out += _table(
        ["measure", "value"],
        [
            ("nodes", a.nodes),
            ("edges", a.edges),
            ("entities", a.entities),
            ("events", a.events),
            ("documents", a.documents),
        ],
    )
    out += ["", "## Counts by class", ""]
    out += _table(["class", "nodes"], a.by_class.items()) if a.by_class else ["_none_"]
    out += ["", "## Counts by property", ""]
    out += _table(["property", "edges"], a.by_property.items()) if a.by_property else ["_none_"]
    out += ["", "## Most central entities", ""]
    out += _ranked_section("Degree (relations and event roles)", a.top_degree, "g")
    out += _ranked_section("PageRank (entity graph)", a.top_pagerank, ".4f")
    out += _ranked_section("Betweenness (entity graph)", a.top_betweenness, ".4f")
    out += ["## Most mentioned entities", ""]
    if a.top_mentioned:
        for cls, rows in a.top_mentioned.items():
            out.append(
                f"- **{cls}**: " + ", ".join(f"{_cell(r.label)} ({r.score:g})" for r in rows)
            )
    else:
        out.append("_none_")
    out += ["", "## Busiest dates", ""]
    if a.busiest_dates:
        rows = [
            (d.date, d.events, ", ".join(f"{c} {n}" for c, n in d.by_class.items()))
            for d in a.busiest_dates
        ]
        out += _table(["date", "events", "by class"], rows)
    else:
        out.append("_no dated events_")
    out += ["", "## Communities", ""]
    if a.communities:
        out.append(
            f"Louvain communities of two entities or more: {a.community_count}; "
            f"top members of the largest {len(a.communities)}:"
        )
        out.append("")
        for c in a.communities:
            names = ", ".join(_cell(m.label) for m in c.members)
            out.append(f"{c.index}. ({c.size} entities) {names}")
    else:
        out.append("_none_")
    comp = a.components
    out += ["", "## Connected components", ""]
    if comp.count:
        sizes = ", ".join(str(s) for s in comp.sizes[:20]) + (", …" if len(comp.sizes) > 20 else "")
        out += [
            f"- components: {comp.count} (isolated entities: {comp.isolated})",
            f"- sizes: {sizes}",
            f"- largest: {comp.largest} entities, e.g. "
            + ", ".join(_cell(m.label) for m in comp.largest_members),
        ]
    else:
        out.append("_none_")
    out += ["", "## Timeline", ""]
    if a.timeline:
        rows = [
            (t.date, t.cls, t.label, ", ".join(t.places), ", ".join(t.agents))
            for t in a.timeline[:MARKDOWN_TIMELINE_ROWS]
        ]
        out += _table(["date", "class", "event", "places", "agents"], rows)
        if len(a.timeline) > MARKDOWN_TIMELINE_ROWS:
            out.append(f"\n… {len(a.timeline) - MARKDOWN_TIMELINE_ROWS} more in analysis.json")
    else:
        out.append("_no dated events_")
    if a.undated_events:
        out += ["", f"{a.undated_events} events without a date."]
    out += ["", "## Co-occurrence", ""]
    if a.cooccurrence:
        rows = [(c.a.label, c.b.label, c.count) for c in a.cooccurrence]
        out += _table(["entity", "entity", "shared documents"], rows)
    else:
        out.append("_no entity pair shares two documents or more_")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- plots and files


def _matplotlib() -> tuple[Any, Any]:
    """Import matplotlib's Figure and Agg canvas, without touching the global pyplot backend."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plots need matplotlib: pip install matplotlib (or kg[plot])") from exc
    return Figure, FigureCanvasAgg


def _save(fig: Any, canvas_cls: Any, path: Path) -> Path:
    """Render a figure to PNG bytes (no timestamp metadata) and write them atomically."""
    canvas_cls(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    return atomic_write_bytes(path, buf.getvalue())


def _plot_timeline(a: Analysis, Figure: Any) -> Any:
    """Stacked bars of events per day on a real time axis, by class."""
    import datetime as dt

    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.ticker import MaxNLocator

    days = sorted({t.date for t in a.timeline})
    classes = sorted({t.cls for t in a.timeline})
    counts = Counter((t.date, t.cls) for t in a.timeline)
    xs = [date2num(dt.date.fromisoformat(d)) for d in days]
    fig = Figure(figsize=(9.0, 4.5))
    ax = fig.add_subplot()
    bottom = [0] * len(days)
    for cls in classes:
        heights = [counts[(d, cls)] for d in days]
        ax.bar(xs, heights, bottom=bottom, width=0.9, label=cls)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.set_ylabel("events per day")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Events by date")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def _plot_degrees(G: nx.Graph, Figure: Any) -> Any:
    """Bars: number of entities per degree."""
    from matplotlib.ticker import MaxNLocator

    hist = Counter(d for _n, d in G.degree(_entities(G)))
    xs = sorted(hist)
    fig = Figure(figsize=(6.0, 4.0))
    ax = fig.add_subplot()
    ax.bar(xs, [hist[x] for x in xs])
    ax.set_xlabel("degree (relations and event roles)")
    ax.set_ylabel("entities")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Degree distribution")
    fig.tight_layout()
    return fig


def _plot_top(a: Analysis, Figure: Any) -> Any:
    """Horizontal bars: the top entities by PageRank."""
    rows = list(reversed(a.top_pagerank))
    fig = Figure(figsize=(7.0, max(3.0, 0.35 * len(rows) + 1.5)))
    ax = fig.add_subplot()
    ax.barh(range(len(rows)), [r.score for r in rows])
    ax.set_yticks(range(len(rows)), [r.label for r in rows], fontsize=8)
    ax.set_xlabel("PageRank")
    ax.set_title(f"Top {len(rows)} entities by PageRank")
    fig.tight_layout()
    return fig


def plot(a: Analysis, G: nx.Graph, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write PNG charts: ``timeline.png``, ``degree_distribution.png``, ``top_entities.png``.

    Charts without data (no dated events, no entities) are skipped.

    Args:
        a: The analysis of ``G``.
        G: The graph (for the degree distribution).
        out_dir: Destination folder (created if missing).

    Returns:
        The written paths.

    Raises:
        ImportError: If matplotlib is not installed.

    """
    return _write_charts(a, G, Path(out_dir))


def _write_charts(a: Analysis, G: nx.Graph, out: Path) -> list[Path]:
    """Write the charts of :func:`plot` (a separate name: ``write_report`` has a ``plot`` flag)."""
    Figure, canvas = _matplotlib()
    paths = []
    if a.timeline:
        paths.append(_save(_plot_timeline(a, Figure), canvas, out / "timeline.png"))
    if a.entities:
        paths.append(_save(_plot_degrees(G, Figure), canvas, out / "degree_distribution.png"))
    if a.top_pagerank:
        paths.append(_save(_plot_top(a, Figure), canvas, out / "top_entities.png"))
    return paths


def write_report(
    G: nx.Graph, out_dir: str | os.PathLike[str], *, plot: bool = False, top_n: int = 10
) -> list[Path]:
    """Analyse ``G`` and write ``analysis.md``, ``analysis.json`` (and charts) into ``out_dir``.

    Args:
        G: The graph.
        out_dir: Destination folder (created if missing).
        plot: Also write PNG charts (needs matplotlib).
        top_n: Length of the ranked lists.

    Returns:
        The written paths.

    """
    a = analyze(G, top_n=top_n)
    out = Path(out_dir)
    paths = [
        atomic_write_text(out / "analysis.md", render_markdown(a)),
        atomic_write_text(out / "analysis.json", render_json(a)),
    ]
    if plot:
        paths += _write_charts(a, G, out)
    return paths
