"""Print the most central entities and the communities of an exported kg graph.

Usage:
    python examples/centrality.py exports/            # or exports/graph.ttl, .nt, .trig, .jsonld
"""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx

try:
    import kg.analyze.load  # noqa: F401
except ImportError:  # run from a source checkout without installing: use the repo's package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.analyze.report import entity_graph  # noqa: E402
from kg.analyze.load import load_graph  # noqa: E402


def main(path: str) -> None:
    G = load_graph(path)
    print(f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges from {path}\n")

    # entities only, linked by relations and by taking part in the same event
    H = entity_graph(G)
    if H.number_of_nodes() == 0:
        print("no entities")
        return

    rank = nx.degree_centrality(H) if H.number_of_nodes() > 1 else dict.fromkeys(H, 0.0)
    top = sorted(H, key=lambda n: (-rank[n], G.nodes[n]["label"]))[:10]
    print("Most central entities (degree centrality):")
    for i, node in enumerate(top, 1):
        data = G.nodes[node]
        print(f"{i:3}. {data['label']:<40} {data['cls']:<14} {rank[node]:.3f}")

    communities = nx.community.louvain_communities(H, weight="weight", seed=42)
    communities = sorted((c for c in communities if len(c) > 1), key=len, reverse=True)
    print(f"\n{len(communities)} communities:")
    for i, members in enumerate(communities, 1):
        names = sorted(G.nodes[n]["label"] for n in members)
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        print(f"{i:3}. ({len(members)}) {shown}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "exports/")
