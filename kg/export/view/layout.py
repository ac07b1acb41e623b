"""Deterministic positions of the corpus view's entity graph, computed in Python, not in a browser.

Entities are grouped into clusters: Louvain communities of the (weighted) entity graph, too-large
ones split again, small ones joined to the community they are most connected to; what stays apart
(small separate components) is packed into groups of a few dozen, most mentioned first. Each
cluster is laid out on its own by a seeded Fruchterman-Reingold layout inside a disc whose area
grows with its size, and the discs are placed by a seeded spring layout of the cluster graph, then
pulled together and pushed apart until no two overlap. The same graph always gives the same
positions; the page only draws them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

#: Canvas units between neighbouring nodes (about 1.3 times this on average).
SPACING = 44.0
#: Seed of every layout and community detection.
SEED = 7
#: Largest cluster; bigger communities are split (one opened cluster is drawn smoothly, and
#: networkx lays out fewer than 500 nodes with its fast dense Fruchterman-Reingold solver).
MAX_CLUSTER = 480
#: Communities smaller than this join their best-connected neighbour community.
MIN_CLUSTER = 6
#: Size of the groups that small separate components are packed into.
GROUP_SIZE = 48
#: Empty space between cluster discs, in canvas units.
MARGIN = 0.6 * SPACING


@dataclass(frozen=True)
class Cluster:
    """A group of entities drawn together: its members (sorted) and the disc they lie in."""

    members: tuple[int, ...]
    x: int
    y: int
    r: float


@dataclass(frozen=True)
class Layout:
    """Positions of the laid-out nodes and the clusters they belong to."""

    positions: Mapping[int, tuple[int, int]]
    clusters: tuple[Cluster, ...]


def cluster_radius(size: int) -> float:
    """Radius of the disc of a cluster of ``size`` nodes (its area grows with the size)."""
    return SPACING * (0.5 + 0.78 * np.sqrt(max(size, 1) - 1))


def _subgraph(H: nx.Graph, members: Iterable[int]) -> nx.Graph:
    """A copy of ``H`` induced on ``members`` with nodes and edges inserted in sorted order."""
    keep = sorted(members)
    inside = set(keep)
    sub = nx.Graph()
    sub.add_nodes_from(keep)
    sub.add_edges_from(
        (u, v, {"weight": d["weight"]})
        for u in keep
        for v, d in sorted(H[u].items())
        if u < v and v in inside
    )
    return sub


def _chunks_by_bfs(H: nx.Graph, members: set[int], size: int) -> list[set[int]]:
    """Split ``members`` into pieces of at most ``size`` in breadth-first order from the hubs."""
    order: list[int] = []
    seen: set[int] = set()
    for start in sorted(members, key=lambda n: (-H.degree(n), n)):
        if start in seen:
            continue
        seen.add(start)
        queue = [start]
        while queue:
            node = queue.pop(0)
            order.append(node)
            for nb in sorted(H[node]):
                if nb in members and nb not in seen:
                    seen.add(nb)
                    queue.append(nb)
    return [set(order[i : i + size]) for i in range(0, len(order), size)]


def _split(H: nx.Graph, members: set[int], max_size: int, depth: int = 0) -> list[set[int]]:
    """Split a too-large community by Louvain at a higher resolution, else breadth first."""
    if len(members) <= max_size:
        return [members]
    parts = nx.community.louvain_communities(
        _subgraph(H, members), weight="weight", resolution=2.0 + depth, seed=SEED
    )
    if len(parts) < 2 or depth >= 3:
        return _chunks_by_bfs(H, members, max_size)
    out: list[set[int]] = []
    for part in sorted(parts, key=lambda p: (-len(p), min(p))):
        out.extend(_split(H, set(part), max_size, depth + 1))
    return out


def communities(H: nx.Graph, max_size: int = MAX_CLUSTER) -> list[set[int]]:
    """Louvain communities of ``H`` (seeded), none larger than ``max_size``, largest first."""
    if H.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(_subgraph(H, H.nodes), weight="weight", seed=SEED)
    out: list[set[int]] = []
    for c in found:
        out.extend(_split(H, set(c), max_size))
    return sorted(out, key=lambda c: (-len(c), min(c)))


def group(
    H: nx.Graph,
    comms: Sequence[set[int]],
    importance: Mapping[int, float],
    *,
    min_size: int = MIN_CLUSTER,
    max_size: int = MAX_CLUSTER,
    group_size: int = GROUP_SIZE,
) -> list[set[int]]:
    """Turn communities into clusters: small ones join a neighbour or are packed into groups."""
    clusters = [set(c) for c in comms if len(c) >= min_size]
    owner = {n: i for i, c in enumerate(clusters) for n in c}
    loose: list[set[int]] = []
    for c in (c for c in comms if len(c) < min_size):
        links: Counter[int] = Counter()
        for n in sorted(c):
            for m, d in H[n].items():
                if m in owner:
                    links[owner[m]] += d["weight"]
        fits = [(w, -i) for i, w in links.items() if len(clusters[i]) + len(c) <= max_size]
        if fits:
            target = -max(fits)[1]
            clusters[target] |= c
            owner.update(dict.fromkeys(c, target))
        else:
            loose.append(c)
    loose.sort(key=lambda c: (-sum(importance.get(n, 0.0) for n in c), min(c)))
    packed: set[int] = set()
    for c in loose:
        if packed and len(packed) + len(c) > group_size:
            clusters.append(packed)
            packed = set()
        packed |= c
    if packed:
        clusters.append(packed)
    return clusters


def _local_positions(H: nx.Graph, members: Sequence[int]) -> np.ndarray:
    """Positions of ``members`` (sorted) in the unit disc, by a seeded spring layout."""
    if len(members) == 1:
        return np.zeros((1, 2))
    pos = nx.spring_layout(_subgraph(H, members), weight="weight", seed=SEED, iterations=50)
    arr = np.array([pos[m] for m in members], dtype=float)
    arr -= arr.mean(axis=0)
    norm = float(np.max(np.hypot(arr[:, 0], arr[:, 1])))
    return arr / norm if norm > 0 else arr


def _cluster_graph(H: nx.Graph, clusters: Sequence[Sequence[int]]) -> nx.Graph:
    """The graph of clusters, weighted by the edge weight between them."""
    owner = {n: i for i, c in enumerate(clusters) for n in c}
    weights: Counter[tuple[int, int]] = Counter()
    for u, v, d in H.edges(data=True):
        a, b = owner[u], owner[v]
        if a != b:
            weights[min(a, b), max(a, b)] += d["weight"]
    CG = nx.Graph()
    CG.add_nodes_from(range(len(clusters)))
    CG.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(weights.items()))
    return CG


def _push_apart(P: np.ndarray, need: np.ndarray, share: np.ndarray, step: float) -> float:
    """Push overlapping discs apart along the line between centres; return the worst overlap."""
    n = len(P)
    d = P[:, None, :] - P[None, :, :]
    dist = np.hypot(d[..., 0], d[..., 1])
    np.fill_diagonal(dist, np.inf)
    overlap = np.maximum(need - dist, 0.0)
    worst = float(overlap.max())
    if worst <= 0.0:
        return 0.0
    same = dist < 1e-9  # discs at one point part in fixed, distinct directions
    angle = np.arange(n) * 2.399963
    fallback = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    unit = d / np.where(same, 1.0, dist)[..., None]
    unit[same] = (fallback[:, None, :] - fallback[None, :, :])[same]
    P += (unit * (overlap * share)[..., None]).sum(axis=1) * step
    return worst


def separate(centres: np.ndarray, radii: np.ndarray, rounds: int = 120) -> np.ndarray:
    """Move discs so that none overlap, pulling them towards the centre between pushes.

    Args:
        centres: Initial centres, shape ``(n, 2)``.
        radii: Radii, margin included, shape ``(n,)``.
        rounds: Number of pull-and-push rounds (then pushes only, until no overlap is left).

    Returns:
        The new centres, centred on the origin.
    """
    P = centres.astype(float).copy()
    if len(P) < 2:
        return P - P.mean(axis=0) if len(P) else P
    # aim 0.1 % wider than needed, so that stopping within 1e-3 units of the aim leaves no overlap
    need = (radii[:, None] + radii[None, :]) * 1.001
    share = radii[None, :] / need  # the smaller disc moves more
    for _ in range(rounds):
        P -= P.mean(axis=0)
        P *= 0.97
        _push_apart(P, need, share, 0.8)
    for _ in range(5000):
        if _push_apart(P, need, share, 1.0) < 1e-3:
            break
    return P - P.mean(axis=0)


def layout_entities(H: nx.Graph, importance: Mapping[int, float]) -> Layout:
    """Cluster and lay out the weighted entity graph ``H`` (nodes are ints).

    Args:
        H: Undirected graph whose edges have a positive ``weight``.
        importance: Score of each node (mentions); orders the packing of small components.

    Returns:
        The position of every node of ``H`` and the clusters: communities largest first, then
        the groups of small components, most important first.
    """
    clusters = [sorted(c) for c in group(H, communities(H), importance) if c]
    if not clusters:
        return Layout({}, ())
    radii = np.array([cluster_radius(len(c)) for c in clusters])
    if len(clusters) == 1:
        centres = np.zeros((1, 2))
    else:
        start = nx.spring_layout(
            _cluster_graph(H, clusters), weight="weight", seed=SEED, iterations=100
        )
        spread = float(np.sqrt(((radii + MARGIN) ** 2).sum())) * 1.6
        centres = np.array([start[i] for i in range(len(clusters))]) * spread
        centres = separate(centres, radii + MARGIN / 2)
    positions: dict[int, tuple[int, int]] = {}
    out = []
    for c, r, (cx, cy) in zip(clusters, radii, centres, strict=True):
        local = _local_positions(H, c) * (r - 0.3 * SPACING if len(c) > 1 else 0.0)
        for m, (x, y) in zip(c, local, strict=True):
            positions[m] = (round(float(cx + x)), round(float(cy + y)))  # vis-network keeps ints
        out.append(Cluster(tuple(c), round(float(cx)), round(float(cy)), round(float(r), 1)))
    return Layout(positions, tuple(out))
