"""Render the graph as a self-contained, offline, interactive HTML page (pyvis + vis-network).

The node/edge model and the vis-network options are built with :class:`pyvis.network.Network`, but
the page is written from the project's own template (``kg/data/view/template.html``) rather than
pyvis's, which links Bootstrap and other resources from CDNs. vis-network's JavaScript and CSS are
inlined from the files the pyvis package ships, so the page loads nothing from the network.

Article text is data, never markup: the graph is embedded as JSON in a
``<script type="application/json">`` element with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped,
and the page's script (``kg/data/view/view.js``) builds every tooltip and panel with DOM APIs and
``textContent``. A Content-Security-Policy allows only the page's own inline scripts (by hash).

Output is deterministic: nodes and edges are sorted and nothing depends on time or randomness.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pyvis
from pyvis.network import Network

from kg.vocab import ROLES

#: Folder with the page template, script and stylesheet of the view.
ASSET_DIR = Path(__file__).parents[1] / "data" / "view"
#: vis-network version whose files are inlined from the pyvis package.
VIS_VERSION = "9.1.2"
#: Above this many initially shown nodes vis-network's slow "improved" layout is switched off.
IMPROVED_LAYOUT_MAX = 150
#: Above this many nodes in the whole graph the page uses the settings for big graphs.
BIG_GRAPH = 800
#: Event role properties (edge keys from an event to its role players).
ROLE_PROPS = ROLES

#: Colour of each known class (entities) and of events.
CLASS_COLORS: dict[str, str] = {
    "Person": "#e8684a",
    "Organization": "#5b8ff9",
    "MilitaryForce": "#2b4acb",
    "Country": "#5ad8a6",
    "Location": "#9ac43b",
    "City": "#6dc8ec",
    "Region": "#b3a036",
    "Entity": "#9ca3af",
}
#: Colours given, in sorted order, to entity classes missing from :data:`CLASS_COLORS`.
EXTRA_COLORS = ("#9270ca", "#ff99c3", "#269a99", "#8d6e63", "#7f8c8d", "#c2185b")
#: Colours of event classes, in sorted order; all events are diamonds.
EVENT_COLORS = (
    "#f6bd16",
    "#ff7f0e",
    "#e377c2",
    "#9467bd",
    "#8c564b",
    "#bcbd22",
    "#17a2a2",
    "#c2185b",
    "#d4a017",
    "#b39ddb",
    "#ffb38a",
    "#6c757d",
    "#800000",
    "#b8860b",
)
ENTITY_SHAPE = "dot"
EVENT_SHAPE = "diamond"

_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{\{(TITLE|CSP|VIS_CSS|VIEW_CSS|DATA|VIS_JS|VIEW_JS)\}\}")
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


@dataclass(frozen=True)
class ViewAssets:
    """The static text the page is made of."""

    template: str
    view_js: str
    view_css: str
    vis_js: str
    vis_css: str


def vis_dir() -> Path:
    """Return the folder of the vis-network files shipped inside the pyvis package."""
    lib = Path(pyvis.__file__).parent / "templates" / "lib"
    preferred = lib / f"vis-{VIS_VERSION}"
    if (preferred / "vis-network.min.js").is_file():
        return preferred
    found = sorted(lib.glob("vis-*/vis-network.min.js"))
    if not found:
        raise FileNotFoundError(f"vis-network.min.js not found under {lib}")
    return found[-1].parent


def load_assets() -> ViewAssets:
    """Read the template, the view's script and stylesheet, and vis-network's files."""
    vis = vis_dir()
    return ViewAssets(
        template=(ASSET_DIR / "template.html").read_text(encoding="utf-8"),
        view_js=(ASSET_DIR / "view.js").read_text(encoding="utf-8"),
        view_css=(ASSET_DIR / "view.css").read_text(encoding="utf-8"),
        vis_js=(vis / "vis-network.min.js").read_text(encoding="utf-8"),
        vis_css=(vis / "vis-network.css").read_text(encoding="utf-8"),
    )


def json_for_script(data: Any) -> str:
    r"""Serialise ``data`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&``, U+2028 and U+2029 only ever occur inside JSON strings, so replacing them
    with ``\uXXXX`` escapes keeps the JSON equal while no ``</script>`` or ``<!--`` can appear.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "".join(_JSON_ESCAPES.get(ch, ch) for ch in text)


def safe_url(url: str | None) -> str | None:
    """Return ``url`` if it is an ``http(s)`` URL, else ``None`` (no ``javascript:`` links)."""
    if url and _SAFE_URL.match(url) and not any(c.isspace() or ord(c) < 32 for c in url):
        return url
    return None


def class_colors(entity_classes: Iterable[str], event_classes: Iterable[str]) -> dict[str, str]:
    """Assign a colour to every class, deterministically."""
    colors: dict[str, str] = {}
    extra = iter(EXTRA_COLORS * 8)
    for cls in sorted(set(entity_classes)):
        colors[cls] = CLASS_COLORS.get(cls) or next(extra, "#7f8c8d")
    for i, cls in enumerate(sorted(set(event_classes))):
        colors[cls] = EVENT_COLORS[i % len(EVENT_COLORS)]
    return colors


def pagerank(G: nx.MultiDiGraph) -> dict[str, float]:
    """PageRank over the undirected projection of ``G`` (see :func:`kg.analyze.pagerank`).

    Returns:
        Score of each node, rounded to 12 decimals so ties compare exactly.
    """
    from kg.analyze.report import pagerank as power_iteration

    undirected = nx.MultiGraph()
    undirected.add_nodes_from(G.nodes)
    undirected.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return {n: round(r, 12) for n, r in power_iteration(undirected).items()}


def central_nodes(G: nx.MultiDiGraph, limit: int) -> list[str]:
    """Return the ``limit`` most central nodes (PageRank, then degree, then IRI), sorted by IRI."""
    if G.number_of_nodes() <= limit:
        return sorted(G.nodes)
    pr = pagerank(G)
    ranked = sorted(G.nodes, key=lambda x: (-pr[x], -G.degree(x), x))
    return sorted(ranked[: max(limit, 0)])


def _iso(value: Any) -> str | None:
    """Return an ISO date string for a date or string value."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _evidence(items: Iterable[Any]) -> list[dict[str, Any]]:
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


def _strs(values: Any) -> list[str]:
    """Return ``values`` (a tuple, set or ``None``) as a sorted list of strings."""
    return sorted(str(v) for v in (values or ()))


def _documents(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    """Return the metadata (not the text) of every document of the graph, for the page."""
    docs = G.graph.get("documents") or {}
    out: dict[str, dict[str, Any]] = {}
    for doc_id in sorted(docs):
        doc = docs[doc_id]
        out[str(doc_id)] = {
            "title": getattr(doc, "title", None),
            "date": _iso(getattr(doc, "date", None)),
            "url": safe_url(getattr(doc, "url", None)),
        }
    return out


def _node_label(attrs: Mapping[str, Any], iri: str) -> str:
    """Return the text drawn on a node (events get their date on a second line)."""
    label = str(attrs.get("label") or iri.rstrip("/").rsplit("/", 1)[-1])
    date = _iso(attrs.get("date")) if attrs.get("kind") == "event" else None
    if date and date not in label:
        label = f"{label}\n{date}"
    return label


def vis_options(*, shown: int, total: int) -> dict[str, Any]:
    """Return vis-network options for a page showing ``shown`` of ``total`` nodes.

    Small graphs get a careful layout (improved initial layout, long stabilisation, curved edges);
    big ones a fast one (no improved layout, short stabilisation, straight edges).
    """
    big = total > BIG_GRAPH
    font = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": shown <= IMPROVED_LAYOUT_MAX},
        "physics": {
            "enabled": True,
            # Barnes-Hut is the cheapest solver for thousands of nodes; ForceAtlas2 looks better
            "solver": "barnesHut" if big else "forceAtlas2Based",
            "barnesHut": {
                "theta": 0.8,
                "gravitationalConstant": -3000,
                "centralGravity": 0.3,
                "springLength": 80,
                "springConstant": 0.04,
                "damping": 0.4,
                "avoidOverlap": 0,
            },
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
                "iterations": 100 if big else 500,
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
            "smooth": {"enabled": not big, "type": "continuous", "roundness": 0.3},
            "width": 1.2,
            "hoverWidth": 1.2,
            "selectionWidth": 1.8,
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
            "navigationButtons": False,
        },
    }


def build_network(G: nx.MultiDiGraph, *, max_nodes: int = 400) -> Network:
    """Build the pyvis :class:`~pyvis.network.Network` (nodes, edges, options) for ``G``.

    Every node carries, besides vis-network's fields, the view's data: ``cls``, ``kind``, ``alt``,
    ``sameAs``, ``titles``, ``docs``, ``core`` (shown when the page opens), and for events ``date``,
    ``trigger``, ``topics``, ``evidence``. Every edge carries ``prop``, ``evidence`` and ``conf``.
    """
    net = Network(directed=True, height="100%", width="100%", cdn_resources="in_line")
    # pyvis checks membership in lists; give it sets so 5,000-node graphs build fast.
    net.node_ids = _IdList()
    core = set(central_nodes(G, max_nodes))
    entity_cls = {
        str(a.get("cls") or "Entity") for _, a in G.nodes(data=True) if a.get("kind") != "event"
    }
    event_cls = {
        str(a.get("cls") or "Event") for _, a in G.nodes(data=True) if a.get("kind") == "event"
    }
    colors = class_colors(entity_cls, event_cls)
    for iri in sorted(G.nodes):
        attrs = G.nodes[iri]
        is_event = attrs.get("kind") == "event"
        cls = str(attrs.get("cls") or ("Event" if is_event else "Entity"))
        color = colors[cls]
        extra: dict[str, Any] = {
            "cls": cls,
            "kind": "event" if is_event else "entity",
            "name": str(attrs.get("label") or iri),
            "alt": _strs(attrs.get("alt_labels")),
            "sameAs": [u for u in _strs(attrs.get("same_as")) if safe_url(u)],
            "titles": _strs(attrs.get("titles")),
            "docs": _strs(attrs.get("documents")),
            "core": iri in core,
            "value": G.degree(iri),
        }
        if is_event:
            extra.update(
                date=_iso(attrs.get("date")),
                trigger=attrs.get("trigger"),
                topics=_strs(attrs.get("topics")),
                evidence=_evidence(attrs.get("evidence")),
                conf=attrs.get("confidence"),
            )
        net.add_node(
            iri,
            label=_node_label(attrs, iri),
            shape=EVENT_SHAPE if is_event else ENTITY_SHAPE,
            color={
                "background": color,
                "border": _darker(color),
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
            evidence=_evidence(attrs.get("evidence")),
            conf=round(float(conf), 3) if conf is not None else None,
            dashes=prop in ROLE_PROPS,
        )
    net.options = vis_options(shown=len(core), total=G.number_of_nodes())
    return net


class _IdList(list):
    """A list of node ids with constant-time membership (pyvis tests ``id in node_ids``)."""

    def __init__(self) -> None:
        super().__init__()
        self._set: set[Any] = set()

    def append(self, item: Any) -> None:
        """Append ``item`` and remember it."""
        super().append(item)
        self._set.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._set


def _darker(color: str, factor: float = 0.72) -> str:
    """Return a darker shade of a ``#rrggbb`` colour (for node borders)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def view_data(G: nx.MultiDiGraph, *, title: str = "kg", max_nodes: int = 400) -> dict[str, Any]:
    """Return everything the page needs, as plain JSON-able data."""
    net = build_network(G, max_nodes=max_nodes)
    nodes, edges, _heading, _height, _width, options_json = net.get_network_data()
    colors: dict[str, tuple[str, str, int]] = {}
    for node in nodes:
        cls = node["cls"]
        _, _, count = colors.get(cls, ("", "", 0))
        colors[cls] = (node["color"]["background"], node["kind"], count + 1)
    props: dict[str, int] = {}
    for edge in edges:
        props[edge["prop"]] = props.get(edge["prop"], 0) + 1
    core_count = sum(1 for node in nodes if node["core"])
    return {
        "title": title,
        "total": len(nodes),
        "shown": core_count,
        "maxNodes": max_nodes,
        "big": len(nodes) > BIG_GRAPH,
        "shapes": {"entity": ENTITY_SHAPE, "event": EVENT_SHAPE},
        "classes": [
            {"name": cls, "color": c, "kind": kind, "count": n}
            for cls, (c, kind, n) in sorted(colors.items(), key=lambda x: (x[1][1], x[0]))
        ],
        "props": [
            {"name": p, "count": n, "role": p in ROLE_PROPS} for p, n in sorted(props.items())
        ],
        "documents": _documents(G),
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options_json),
    }


def _script_hash(code: str) -> str:
    """Return the CSP source expression allowing an inline script with this exact text."""
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render(data: Mapping[str, Any], assets: ViewAssets) -> str:
    """Fill the page template with the data and the inlined assets."""
    for name, text in (("vis-network.min.js", assets.vis_js), ("view.js", assets.view_js)):
        if "</script" in text.lower():
            raise ValueError(f"{name} contains '</script' and cannot be inlined")
    for name, text in (("vis-network.css", assets.vis_css), ("view.css", assets.view_css)):
        if "</style" in text.lower():
            raise ValueError(f"{name} contains '</style' and cannot be inlined")
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_script_hash(assets.vis_js)} {_script_hash(assets.view_js)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "font-src data:",
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    values = {
        "TITLE": html.escape(str(data.get("title", "kg")), quote=True),
        "CSP": html.escape(csp, quote=True),
        "VIS_CSS": assets.vis_css,
        "VIEW_CSS": assets.view_css,
        "DATA": json_for_script(data),
        "VIS_JS": assets.vis_js,
        "VIEW_JS": assets.view_js,
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], assets.template)


def generate_html(G: nx.MultiDiGraph, *, title: str = "kg", max_nodes: int = 400) -> str:
    """Return the interactive, self-contained HTML view of ``G``.

    Args:
        G: Graph following the schema of :mod:`kg.model`.
        title: Page title.
        max_nodes: Above this many nodes the page opens on the most central ``max_nodes`` nodes and
            offers a button to show everything.

    Returns:
        The HTML text; the same graph always gives the same bytes.

    """
    return render(view_data(G, title=title, max_nodes=max_nodes), load_assets())


def write_html(G: nx.MultiDiGraph, path: Path, **kw: Any) -> Path:
    """Write :func:`generate_html` of ``G`` to ``path`` atomically and return the path.

    Args:
        G: The graph.
        path: Output file.
        **kw: Passed to :func:`generate_html` (``title``, ``max_nodes``).

    """
    from kg.io import atomic_write_text

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, generate_html(G, **kw))
    return path


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def wait_until_ready(page: Any, timeout_ms: int = 60_000) -> None:
    """Wait until the view has laid out its graph (``window.kgReady``).

    Polls from Python: Playwright's ``wait_for_function`` evaluates its predicate with ``eval``
    inside the page, which the page's Content-Security-Policy forbids.

    Raises:
        TimeoutError: if the view is not ready in time.
    """
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate("() => window.kgReady === true"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the view did not become ready within {timeout_ms} ms")
        page.wait_for_timeout(50)


def screenshot(
    html_path: Path,
    png_path: Path,
    *,
    width: int = 1400,
    height: int = 900,
    executable: str = CHROMIUM,
    timeout_ms: int = 60_000,
) -> Path:
    """Save a PNG of the page at ``html_path`` as drawn by headless Chromium (needs playwright).

    Every request other than ``file:`` ones is blocked. Waits until the layout has settled.

    Args:
        html_path: The HTML file written by :func:`write_html`.
        png_path: Where to write the PNG (atomically).
        width: Viewport width in CSS pixels.
        height: Viewport height in CSS pixels.
        executable: The Chromium binary.
        timeout_ms: How long to wait for the page to be ready.

    """
    from playwright.sync_api import sync_playwright  # optional dependency

    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = png_path.with_name(f".{png_path.name}.tmp.png")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file:") else route.abort()
                ),
            )
            page.goto(Path(html_path).resolve().as_uri())
            wait_until_ready(page, timeout_ms)
            page.screenshot(path=str(tmp))
        finally:
            browser.close()
    os.replace(tmp, png_path)
    return png_path
