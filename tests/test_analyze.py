"""Tests for kg.analyze.report on hand-made graphs."""

from __future__ import annotations

import json
from itertools import combinations, permutations

import networkx as nx
import pytest

from kg.analyze.report import (
    Analysis,
    analyze,
    entity_graph,
    pagerank,
    plot,
    render_json,
    render_markdown,
    write_report,
)

SECTIONS = [
    "# Graph analysis",
    "## Overview",
    "## Counts by class",
    "## Counts by property",
    "## Most central entities",
    "### Degree",
    "### PageRank",
    "### Betweenness",
    "## Most mentioned entities",
    "## Busiest dates",
    "## Communities",
    "## Connected components",
    "## Timeline",
    "## Co-occurrence",
]


def _entity(G, iri, label=None, cls="Country", docs=("d1",)):
    G.add_node(
        iri,
        kind="entity",
        cls=cls,
        label=label or iri.upper(),
        alt_labels=(),
        same_as=(),
        titles=(),
        documents=tuple(sorted(docs)),
    )


def _event(G, iri, cls, date, label, places=(), agents=(), docs=("d1",)):
    G.add_node(
        iri,
        kind="event",
        cls=cls,
        label=label,
        date=date,
        topics=(),
        trigger="",
        evidence=(),
        confidence=0.8,
        alt_labels=(),
        same_as=(),
        titles=(),
        documents=docs,
    )
    for p in places:
        G.add_edge(iri, p, key="place", prop="place", evidence=(), confidence=0.8)
    for a in agents:
        G.add_edge(iri, a, key="agent", prop="agent", evidence=(), confidence=0.8)


def _rel(G, u, prop, v):
    G.add_edge(u, v, key=prop, prop=prop, evidence=(), confidence=0.9)


def two_cliques() -> nx.MultiDiGraph:
    """Two disconnected 5-cliques of entities (a* and b*)."""
    G = nx.MultiDiGraph()
    for group in ("a", "b"):
        names = [f"{group}{i}" for i in range(5)]
        for n in names:
            _entity(G, n)
        for u, v in permutations(names, 2):
            if u < v:
                _rel(G, u, "memberOf", v)
    return G


def star() -> nx.MultiDiGraph:
    """Six members pointing at a hub that is based in two places; one place in another."""
    G = nx.MultiDiGraph()
    for n in ["hub", "x", "y", *[f"m{i}" for i in range(6)]]:
        _entity(G, n, cls="Organization" if n == "hub" else "Country")
    for i in range(6):
        _rel(G, f"m{i}", "memberOf", "hub")
    _rel(G, "hub", "basedIn", "x")
    _rel(G, "hub", "basedIn", "y")
    _rel(G, "m0", "locatedIn", "y")
    return G


def test_pagerank_leader_and_degree():
    a = analyze(star(), top_n=3)
    assert a.top_pagerank[0].iri == "hub" and a.top_pagerank[0].label == "HUB"
    assert a.top_degree[0].iri == "hub" and a.top_degree[0].score == 8
    assert {r.iri for r in a.top_pagerank[1:]} <= {"y", "m0", "x"}
    assert len(a.top_degree) == 3
    assert a.top_betweenness[0].iri == "hub"
    assert a.by_class == {"Country": 8, "Organization": 1}
    assert a.by_property == {"basedIn": 2, "locatedIn": 1, "memberOf": 6}


def test_pagerank_is_networkx_pagerank_of_the_entity_graph():
    G = star()
    H = entity_graph(G)
    ours = pagerank(H)
    assert ours == nx.pagerank(H, weight="weight", tol=1.0e-10, max_iter=200)
    assert sum(ours.values()) == pytest.approx(1.0)
    assert max(ours, key=ours.get) == "hub"
    assert pagerank(nx.Graph()) == {}


def test_two_cliques_two_communities_and_components():
    a = analyze(two_cliques())
    assert a.community_count == 2 and len(a.communities) == 2
    groups = sorted(sorted(m.iri[0] for m in c.members) for c in a.communities)
    assert groups == [["a"] * 5, ["b"] * 5]
    assert [c.size for c in a.communities] == [5, 5]
    assert [c.index for c in a.communities] == [1, 2]
    assert a.components.count == 2 and a.components.sizes == (5, 5)
    assert a.components.largest == 5 and a.components.isolated == 0
    assert a.top_betweenness == []  # nobody lies between others in a clique


def test_analysis_is_deterministic():
    G = two_cliques()
    first = render_json(analyze(G))
    H = nx.MultiDiGraph()
    H.add_nodes_from(reversed(list(G.nodes(data=True))))
    H.add_edges_from(reversed(list(G.edges(keys=True, data=True))))
    assert render_json(analyze(H)) == first
    assert render_markdown(analyze(H)) == render_markdown(analyze(G))


def news_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    _entity(G, "kz", "Kazakhstan", docs=("d1", "d2", "d3"))
    _entity(G, "ru", "Russia", docs=("d1", "d2", "d3"))
    _entity(G, "am", "Armenia", docs=("d2", "d3"))
    _entity(G, "eu", "European Union", "Organization", docs=("d4",))
    _entity(G, "almaty", "Almaty", "City", docs=("d1",))
    _event(G, "e3", "Deployment", "2022-01-06", "Deployment: sent", ["kz"], ["ru"])
    _event(G, "e1", "Protest", "2022-01-02", "Protest in Almaty", ["almaty"])
    _event(G, "e2", "Riot", "2022-01-05", "Riot in Almaty", ["almaty", "kz"])
    _event(G, "e0", "Statement", None, "Statement: said", [], ["eu"])
    _rel(G, "almaty", "locatedIn", "kz")
    return G


def test_timeline_sorted_and_undated_counted():
    a = analyze(news_graph())
    assert [t.date for t in a.timeline] == ["2022-01-02", "2022-01-05", "2022-01-06"]
    assert [t.cls for t in a.timeline] == ["Protest", "Riot", "Deployment"]
    assert a.timeline[1].places == ("Almaty", "Kazakhstan")
    assert a.timeline[2].agents == ("Russia",)
    assert a.undated_events == 1
    assert a.events == 4 and a.entities == 5 and a.documents == 4


def test_cooccurrence_pairs_sharing_two_documents():
    a = analyze(news_graph())
    pairs = [(c.a.label, c.b.label, c.count) for c in a.cooccurrence]
    assert pairs == [
        ("Kazakhstan", "Russia", 3),
        ("Armenia", "Kazakhstan", 2),
        ("Armenia", "Russia", 2),
    ]
    assert a.cooccurrence[0].documents == ("d1", "d2", "d3")


def test_entity_graph_links_event_participants():
    H = entity_graph(news_graph())
    assert sorted(H.nodes) == ["almaty", "am", "eu", "kz", "ru"]
    assert H["kz"]["ru"]["weight"] == 1  # both in the deployment
    assert H["almaty"]["kz"]["weight"] == 2  # locatedIn + the riot
    assert H.degree("eu") == 0


def test_markdown_sections():
    a = analyze(news_graph())
    md = render_markdown(a)
    for section in SECTIONS:
        assert section in md
    timeline = md[md.index("## Timeline") :]
    assert timeline.index("2022-01-02") < timeline.index("2022-01-06")
    busiest = md[md.index("## Busiest dates") : md.index("## Communities")]
    assert "| 2022-01-" in busiest
    mentioned = md[md.index("## Most mentioned entities") : md.index("## Busiest dates")]
    assert "**Country**" in mentioned and "Kazakhstan" in mentioned
    assert "| 2022-01-05 | Riot | Riot in Almaty | Almaty, Kazakhstan |" in md
    assert "1 events without a date" in md
    data = json.loads(render_json(a))
    assert data["timeline"][0]["label"] == "Protest in Almaty"
    assert data["by_class"]["Protest"] == 1


def test_markdown_escapes_pipes():
    G = nx.MultiDiGraph()
    _entity(G, "p", "A | B")
    _entity(G, "q", "C")
    _rel(G, "p", "memberOf", "q")
    assert "A \\| B" in render_markdown(analyze(G))


def test_empty_graph():
    a = analyze(nx.MultiDiGraph())
    assert a == Analysis()
    md = render_markdown(a)
    for section in SECTIONS:
        assert section in md
    assert json.loads(render_json(a))["nodes"] == 0


def test_graph_without_events_or_dates():
    a = analyze(two_cliques())
    assert a.timeline == [] and a.undated_events == 0 and a.events == 0
    assert "_no dated events_" in render_markdown(a)


def test_write_report(tmp_path):
    G = news_graph()
    paths = write_report(G, tmp_path / "out")
    assert [p.name for p in paths] == ["analysis.md", "analysis.json"]
    again = write_report(G, tmp_path / "again")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]
    assert json.loads(paths[1].read_text(encoding="utf-8"))["events"] == 4


def test_plots_written(tmp_path):
    pytest.importorskip("matplotlib")
    G = news_graph()
    paths = write_report(G, tmp_path, plot=True)
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            "analysis.json",
            "analysis.md",
            "degree_distribution.png",
            "timeline.png",
            "top_entities.png",
        ]
    )
    for p in paths:
        if p.suffix == ".png":
            assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 1000
    assert plot(analyze(nx.MultiDiGraph()), nx.MultiDiGraph(), tmp_path / "empty") == []
    no_events = two_cliques()
    assert [p.name for p in plot(analyze(no_events), no_events, tmp_path / "ne")] == [
        "degree_distribution.png",
        "top_entities.png",
    ]


def test_betweenness_is_networkx_betweenness_of_the_linked_entities():
    G = two_cliques()
    H = entity_graph(G)
    ours = {r.iri: r.score for r in analyze(G, top_n=50).top_betweenness}
    theirs = nx.betweenness_centrality(H.subgraph(n for n, d in H.degree() if d > 0))
    assert ours == {n: pytest.approx(round(v, 6)) for n, v in theirs.items() if v > 0}


_SUBPROCESS = """
import hashlib, random, sys
import networkx as nx
from kg.analyze.report import analyze, render_json
random.seed(7)
G = nx.MultiDiGraph()
for i in range(120):
    docs = tuple(sorted({f"d{random.randrange(30)}" for _ in range(3)}))
    G.add_node(f"e{i}", kind="entity", cls="Country", label=f"E{i % 17}", documents=docs)
for _ in range(300):
    u, v = random.sample(range(120), 2)
    G.add_edge(f"e{u}", f"e{v}", key=random.choice(["memberOf", "partOf"]))
print(hashlib.sha256(render_json(analyze(G)).encode()).hexdigest())
"""


def test_analysis_does_not_depend_on_hash_seed():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).parents[1])
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": root}
        done = subprocess.run(
            [sys.executable, "-c", _SUBPROCESS],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_plots_are_reproducible(tmp_path):
    pytest.importorskip("matplotlib")
    G = news_graph()
    one = plot(analyze(G), G, tmp_path / "one")
    two = plot(analyze(G), G, tmp_path / "two")
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]


def test_sample_graph(sample_graph):
    a = analyze(sample_graph)
    force = "https://w3id.org/newskg/id/militaryforce/csto-peacekeeping-force"
    assert a.entities == 11 and a.events == 2 and a.documents == 2
    assert a.top_degree[0].iri == force and a.top_degree[0].score == 8
    assert a.top_pagerank[0].iri == force and a.top_betweenness[0].iri == force
    assert a.by_property["contributesTo"] == 5
    assert a.components.count == 1 and a.components.largest == 11
    assert [(t.date, t.cls, t.places) for t in a.timeline] == [
        ("2022-01-06", "Deployment", ("Kazakhstan",))
    ]
    assert a.undated_events == 1
    both = [
        d["label"]
        for _n, d in sample_graph.nodes(data=True)
        if d["kind"] == "entity" and len(d["documents"]) == 2
    ]
    pairs = {frozenset((c.a.label, c.b.label)) for c in a.cooccurrence}
    assert len(both) == 4 and pairs == {frozenset(p) for p in combinations(both, 2)}
    assert sum(c.size for c in a.communities) <= 11 and a.community_count >= 2
