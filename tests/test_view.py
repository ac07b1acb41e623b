"""Unit tests of the interactive HTML view (no browser): both views' data, safety, determinism."""

from __future__ import annotations

import html.parser
import json
import math
import os
import re
import subprocess
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest
import view_graphs as VG

import kg
from kg.export import view
from kg.export.view import layout, notebook
from kg.export.view.corpus import co_participation

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- helpers
class _Collector(html.parser.HTMLParser):
    """Collect tags, attributes and script bodies of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script, self._buf = dict(attrs), []

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._buf)))
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self._buf.append(data)


def parse(page: str) -> _Collector:
    p = _Collector()
    p.feed(page)
    p.close()
    return p


def page_data(page: str) -> dict:
    scripts = [body for attrs, body in parse(page).scripts if attrs.get("id") == "kg-data"]
    assert len(scripts) == 1
    return view.read_page_data(page)


@pytest.fixture(scope="module")
def mid_graph() -> nx.MultiDiGraph:
    """A synthetic corpus of the size of 200 BBC articles (2,234 nodes)."""
    return VG.news_graph(VG.BBC200, seed=3)


@pytest.fixture(scope="module")
def mid_data(mid_graph) -> dict:
    return view.view_data(mid_graph, title="Mid")


def entity_iris(data: dict) -> list[str]:
    return [data["base"] + i for i in data["entities"]["iri"]]


# ---------------------------------------------------------------- page and safety (both views)
def test_vis_files_come_from_pyvis():
    d = view.vis_dir()
    assert (d / "vis-network.min.js").stat().st_size > 100_000
    assert (d / "vis-network.css").is_file()


@pytest.mark.parametrize("corpus_above", [-1, 0])
def test_page_is_self_contained(corpus_above):
    page = view.generate_html(VG.sample_view_graph(), title="Seed", corpus_above=corpus_above)
    p = parse(page)
    for tag, attrs in p.tags:
        if tag == "script":
            assert "src" not in attrs, attrs
        if tag == "link":
            raise AssertionError(f"unexpected <link>: {attrs}")
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value), (tag, attrs)
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", page, re.IGNORECASE)
    assert "@import" not in page
    for cdn in ("bootstrap", "jsdelivr", "unpkg", "cdnjs", "googleapis"):
        assert cdn not in page.lower(), cdn
    # the inlined vis-network and the view script are both there, and nothing else runs
    bodies = [body for attrs, body in p.scripts if "type" not in attrs]
    assert len(bodies) == 2
    assert "vis-network" in page and "kgNetwork" in bodies[1]
    mode = "corpus" if corpus_above == 0 else "detail"
    assert page_data(page)["mode"] == mode
    assert f'data-kg-mode="{mode}"' in page


@pytest.mark.parametrize("mode", ["detail", "corpus"])
def test_csp_allows_only_the_inline_scripts(mode):
    page = view.generate_html(VG.sample_view_graph(), corpus_above=0 if mode == "corpus" else -1)
    meta = [a for t, a in parse(page).tags if t == "meta" and a.get("http-equiv")]
    csp = meta[0]["content"]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
    assert csp.count("'sha256-") == 2
    assets = view.load_assets()
    assert view.script_hash(assets.view_js(mode)) in csp
    assert view.script_hash(assets.vis_js) in csp


def test_mode_follows_the_size_of_the_graph(mid_graph):
    seed = VG.sample_view_graph()
    assert view.view_data(seed)["mode"] == "detail"
    assert mid_graph.number_of_nodes() > view.CORPUS_ABOVE
    assert view.view_data(mid_graph)["mode"] == "corpus"
    assert view.view_data(seed, corpus_above=0)["mode"] == "corpus"
    assert view.view_data(mid_graph, corpus_above=-1)["mode"] == "detail"


@pytest.mark.parametrize("corpus_above", [-1, 0])
def test_json_is_escaped_for_script_context(corpus_above):
    page = view.generate_html(VG.xss_graph(), title=VG.XSS[0], corpus_above=corpus_above)
    elements = "".join(
        page.split(f'id="{e}">', 1)[1].split("</script>", 1)[0] for e in ("kg-data", "kg-text")
    )
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in elements
    assert "\\u003c/script\\u003e" in elements
    data = page_data(page)
    text = json.dumps(data)
    for s in VG.XSS:  # every hostile string is there, as data
        assert json.dumps(s)[1:-1] in text
    # only the four real script elements exist, no markup from the data leaked into the page
    p = parse(page)
    assert [a.get("id") for a, _ in p.scripts] == ["kg-data", "kg-text", None, None]
    assert not [t for t, _ in p.tags if t == "img"]
    assert "<title>&lt;script&gt;" in page


def test_big_data_is_compressed_and_reads_back(mid_graph):
    page = view.generate_html(mid_graph)
    elements = [(a["type"], a["id"], body) for a, body in parse(page).scripts if "type" in a]
    assert [e[1] for e in elements] == ["kg-data", "kg-text"]  # the sentences come apart
    assert "application/gzip+base64" in {e[0] for e in elements}
    for kind, _, body in elements:
        if kind == "application/gzip+base64":
            assert re.fullmatch(r"[A-Za-z0-9+/=]+", body)  # no markup character at all
        else:
            assert kind == "application/json" and "<" not in body
    assert view.read_page_data(page) == json.loads(view.json_for_script(view.view_data(mid_graph)))


def test_unsafe_urls_are_dropped():
    data = page_data(view.generate_html(VG.xss_graph(), corpus_above=-1))
    a = next(n for n in data["nodes"] if n["id"].endswith("/person/a"))
    assert a["sameAs"] == ["http://www.wikidata.org/entity/Q1"]
    assert data["documents"][VG.DOC]["url"] is None
    corpus = page_data(view.generate_html(VG.xss_graph(), corpus_above=0))
    i = corpus["entities"]["iri"].index("person/a")
    assert corpus["entities"]["sameAs"][i] == ["http://www.wikidata.org/entity/Q1"]
    assert corpus["docs"]["url"] == [None]
    assert view.safe_url("https://sws.geonames.org/1/") == "https://sws.geonames.org/1/"
    for bad in ("javascript:alert(1)", "data:text/html,x", "http://a b", "//evil", None, ""):
        assert view.safe_url(bad) is None


def test_json_for_script_round_trips():
    value = {"s": "</script><!-- & \u2028\u2029 > é"}
    text = view.json_for_script(value)
    assert json.loads(text) == value
    assert "</" not in text and "<!--" not in text


def test_view_scripts_never_use_html_sinks():
    for name in ("common.js", "detail.js", "corpus.js"):
        js = (view.ASSET_DIR / name).read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in js, (name, sink)
        assert "textContent" in js or "kgUI" in js
    assert "JSON.parse" in (view.ASSET_DIR / "common.js").read_text(encoding="utf-8")


def test_render_refuses_assets_that_close_the_script():
    assets = view.load_assets()
    bad = view.ViewAssets(
        assets.template,
        assets.view_css,
        assets.vis_js,
        assets.vis_css,
        {**assets.scripts, "detail.js": "x('</script>')"},
    )
    with pytest.raises(ValueError):
        view.render({"title": "t", "mode": "detail"}, bad)


def test_empty_graph():
    data = page_data(view.generate_html(nx.MultiDiGraph(), corpus_above=0))
    assert data["total"] == 0 and data["nodes"] == [] and data["edges"] == []
    data = page_data(view.render(view.corpus_data(nx.MultiDiGraph()), view.load_assets()))
    assert data["entities"]["iri"] == [] and data["clusters"]["x"] == []


def test_write_html_is_atomic(tmp_path: Path):
    G = VG.sample_view_graph()
    out = view.write_html(G, tmp_path / "sub" / "graph.html", title="x")
    assert out.read_text(encoding="utf-8") == view.generate_html(G, title="x")
    assert [p.name for p in out.parent.iterdir()] == ["graph.html"]


def test_write_html_leaves_old_file_on_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "graph.html"
    out.write_text("old", encoding="utf-8")

    def boom(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(view, "generate_html", boom)
    with pytest.raises(RuntimeError):
        view.write_html(VG.sample_view_graph(), out)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


# ---------------------------------------------------------------- determinism
def _reversed(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from(reversed(list(G.nodes(data=True))))
    H.add_edges_from(reversed(list(G.edges(keys=True, data=True))))
    return H


def test_output_is_deterministic_and_order_independent(mid_graph):
    G = VG.sample_view_graph()
    a = view.generate_html(G, title="t")
    assert a == view.generate_html(G, title="t") == view.generate_html(_reversed(G), title="t")
    b = view.generate_html(mid_graph, title="t")
    assert b == view.generate_html(_reversed(mid_graph), title="t")


def test_corpus_page_is_identical_across_hash_seeds(tmp_path):
    """Set iteration order changes with PYTHONHASHSEED; layout and page must not."""
    code = (
        "import sys, view_graphs as VG; from kg.export import view; "
        "G = VG.news_graph(VG.BBC200, seed=5); "
        "view.write_html(G, sys.argv[1], title='h')"
    )
    pages = []
    for seed in ("1", "4242"):
        out = tmp_path / f"{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "tests")}
        subprocess.run([sys.executable, "-c", code, str(out)], check=True, env=env, cwd=ROOT)
        pages.append(out.read_bytes())
    assert pages[0] == pages[1]


# ---------------------------------------------------------------- detailed view (small graphs)
def test_data_contains_nodes_edges_and_evidence():
    G = VG.sample_view_graph()
    data = page_data(view.generate_html(G, title="Seed"))
    assert data["title"] == "Seed" and data["mode"] == "detail"
    assert data["total"] == G.number_of_nodes()
    assert [n["id"] for n in data["nodes"]] == sorted(G.nodes)
    assert len(data["edges"]) == G.number_of_edges()
    csto = next(n for n in data["nodes"] if n["name"].startswith("Collective"))
    assert csto["alt"] == ["CSTO"] and csto["cls"] == "Organization" and csto["kind"] == "entity"
    assert csto["value"] == G.degree(csto["id"])
    contrib = [e for e in data["edges"] if e["prop"] == "contributesTo"]
    assert len(contrib) == 3
    assert all(e["label"] == "contributesTo" for e in contrib)
    assert all(e["evidence"][0]["s"] == VG.CONTRIB for e in contrib)
    kaz = next(n for n in data["nodes"] if n["name"] == "Kazakhstan")
    assert "http://www.wikidata.org/entity/Q232" in kaz["sameAs"]
    assert data["documents"][VG.DOC]["date"] == "2022-01-09"


def test_events_are_their_own_shape_with_role_edges():
    data = page_data(view.generate_html(VG.sample_view_graph()))
    events = [n for n in data["nodes"] if n["kind"] == "event"]
    entities = [n for n in data["nodes"] if n["kind"] == "entity"]
    assert {n["shape"] for n in events} == {view.EVENT_SHAPE}
    assert {n["shape"] for n in entities} == {view.ENTITY_SHAPE}
    dep = next(n for n in events if n["cls"] == "Deployment")
    assert dep["date"] == "2022-01-06" and "2022-01-06" in dep["label"]
    assert dep["evidence"][0]["r"] == "event-deploy"
    roles = {e["prop"] for e in data["edges"] if e["from"] == dep["id"]}
    assert roles == {"agent", "place"}
    assert all(e["dashes"] for e in data["edges"] if e["prop"] in ("agent", "place"))


def test_colours_per_class_and_legend():
    data = page_data(view.generate_html(VG.sample_view_graph()))
    legend = {c["name"]: c for c in data["classes"]}
    assert set(legend) == {n["cls"] for n in data["nodes"]}
    for n in data["nodes"]:
        assert n["color"]["background"] == legend[n["cls"]]["color"]
    entity_colours = [c["color"] for c in data["classes"] if c["kind"] == "entity"]
    assert len(set(entity_colours)) == len(entity_colours)
    assert legend["Country"]["count"] == 4
    assert {p["name"] for p in data["props"]} >= {"contributesTo", "agent", "place"}


def test_small_graph_uses_improved_layout():
    data = page_data(view.generate_html(VG.sample_view_graph()))
    assert data["options"]["layout"]["improvedLayout"] is True
    assert data["options"]["physics"]["enabled"] is True


# ---------------------------------------------------------------- corpus view (large graphs)
def _participants(G: nx.MultiDiGraph) -> dict[str, set[str]]:
    return {
        v: {w for w in G.successors(v) if G.nodes[w]["kind"] == "entity"}
        for v, a in G.nodes(data=True)
        if a["kind"] == "event"
    }


def test_corpus_nodes_are_entities_and_events_are_folded(mid_graph, mid_data):
    d = mid_data
    G = mid_graph
    ents = sorted(n for n, a in G.nodes(data=True) if a["kind"] == "entity")
    events = sorted(n for n, a in G.nodes(data=True) if a["kind"] == "event")
    assert entity_iris(d) == ents
    assert d["counts"]["entities"] == len(ents) and d["counts"]["events"] == len(events)
    assert d["options"]["physics"]["enabled"] is False
    # every event keeps its class, label, date, sentences and role players
    names = [c["name"] for c in d["classes"]]
    ev = d["events"]
    for k, iri in enumerate(events):
        a = G.nodes[iri]
        assert names[ev["cls"][k]] == a["cls"] and ev["label"][k] == a["label"]
        assert ev["date"][k] == a["date"]
        assert [d["sentences"]["text"][s] for s, _, _ in ev["ev"][k]] == [
            e.sentence for e in a["evidence"]
        ]
        players = {(ents[e], d["roles"][r]) for e, r in ev["roles"][k]}
        assert players == {(w, key) for _, w, key in G.out_edges(iri, keys=True)}
    # relations: every entity-entity edge, with its sentences
    rel = d["relations"]
    props = [p["name"] for p in d["props"]]
    triples = zip(rel["from"], rel["to"], rel["prop"], strict=True)
    got = {(ents[a], props[p], ents[b]) for a, b, p in triples}
    want = {(u, k, v) for u, v, k in G.edges(keys=True) if G.nodes[u]["kind"] == "entity"}
    assert got == want and len(rel["from"]) == len(want)


def test_sentences_and_documents_are_stored_once(mid_graph, mid_data):
    keys = set()
    for _, _, a in mid_graph.edges(data=True):
        keys |= {(e.doc_id, e.start, e.end) for e in a["evidence"]}
    for _, a in mid_graph.nodes(data=True):
        keys |= {(e.doc_id, e.start, e.end) for e in a.get("evidence", ())}
    assert len(mid_data["sentences"]["text"]) == len(keys)
    assert mid_data["docs"]["id"] == sorted(mid_graph.graph["documents"])


def test_co_participation_weights(mid_graph, mid_data):
    ents = entity_iris(mid_data)
    want: dict[tuple[str, str], set[str]] = defaultdict(set)
    for v, players in _participants(mid_graph).items():
        for a, b in combinations(sorted(players), 2):
            want[a, b].add(v)
    events = sorted(n for n, a in mid_graph.nodes(data=True) if a["kind"] == "event")
    co = mid_data["copart"]
    got = {
        (ents[a], ents[b]): {events[v] for v in evs}
        for a, b, evs in zip(co["a"], co["b"], co["events"], strict=True)
    }
    assert got == dict(want) and any(len(v) > 1 for v in got.values()) is not None
    assert co_participation([[[0, 0], [2, 1]], [[2, 0], [0, 1], [1, 2]]]) == {
        (0, 1): [1],
        (0, 2): [0, 1],
        (1, 2): [1],
    }


def test_isolated_entities_are_not_laid_out_but_searchable_data(mid_graph, mid_data):
    d = mid_data
    ents = entity_iris(d)
    linked = set()
    for u, v, _ in mid_graph.edges(keys=True):
        if mid_graph.nodes[u]["kind"] == "entity" and u != v:
            linked |= {u, v}
    for players in _participants(mid_graph).values():
        if len(players) > 1:
            linked |= players
    placed = {ents[i] for i, x in enumerate(d["entities"]["x"]) if x is not None}
    assert placed == linked
    assert 0.5 * len(ents) > len(placed) > 0.1 * len(ents)  # most entities have no relation
    assert d["counts"]["laidOut"] == len(placed)
    for i, c in enumerate(d["entities"]["cluster"]):
        assert (c >= 0) == (ents[i] in placed)
    # labels and aliases of the isolated ones are in the page, for the search
    isolated = next(i for i, x in enumerate(d["entities"]["x"]) if x is None)
    assert d["entities"]["label"][isolated] == mid_graph.nodes[ents[isolated]]["label"]


def test_clusters_partition_the_laid_out_entities_without_overlap(mid_data):
    d = mid_data
    E, K = d["entities"], d["clusters"]
    n = len(K["x"])
    assert n >= 2
    for i, c in enumerate(E["cluster"]):
        if c >= 0:  # every member lies in its cluster's disc
            dist = math.hypot(E["x"][i] - K["x"][c], E["y"][i] - K["y"][c])
            assert dist <= K["r"][c] + 0.5, (i, c)
    for a, b in combinations(range(n), 2):
        gap = math.hypot(K["x"][a] - K["x"][b], K["y"][a] - K["y"][b]) - K["r"][a] - K["r"][b]
        assert gap > -0.5, (a, b, gap)
    # no two entities share a position
    points = {(x, y) for x, y in zip(E["x"], E["y"], strict=True) if x is not None}
    assert len(points) == d["counts"]["laidOut"]


def test_communities_are_split_to_the_largest_cluster():
    star = nx.Graph()
    star.add_weighted_edges_from((0, i, 1.0) for i in range(1, 400))
    star.add_weighted_edges_from((i, i + 1, 1.0) for i in range(1000, 1300))
    parts = layout.communities(star, max_size=150)
    assert sorted(x for p in parts for x in p) == sorted(star.nodes)
    assert max(len(p) for p in parts) <= 150
    clusters = layout.group(star, parts, {}, min_size=6, max_size=150)
    assert sorted(x for c in clusters for x in c) == sorted(star.nodes)
    assert max(len(c) for c in clusters) <= 150


def test_small_components_are_packed_into_groups():
    pairs = nx.Graph()
    pairs.add_weighted_edges_from((2 * i, 2 * i + 1, 1.0) for i in range(100))
    lay = layout.layout_entities(pairs, {i: float(i) for i in range(200)})
    sizes = [len(c.members) for c in lay.clusters]
    assert sum(sizes) == 200 and max(sizes) <= layout.GROUP_SIZE
    owner = {m: k for k, c in enumerate(lay.clusters) for m in c.members}
    assert all(owner[2 * i] == owner[2 * i + 1] for i in range(100))  # pairs stay together
    assert owner[199] == 0  # the most important ones come first


def test_separate_leaves_no_overlap():
    import numpy as np

    centres = np.zeros((30, 2))
    radii = np.linspace(5, 40, 30)
    out = layout.separate(centres, radii)
    for a, b in combinations(range(30), 2):
        assert np.hypot(*(out[a] - out[b])) >= radii[a] + radii[b] - 1e-3


# ---------------------------------------------------------------- Jupyter
def test_show_returns_a_sandboxed_iframe_of_the_page(tmp_path):
    G = VG.sample_view_graph()
    shown = kg.show(G, title="Nb", height=500)
    markup = shown._repr_html_() if hasattr(shown, "_repr_html_") else shown.data
    frame = r'<div class="kg-view"><iframe srcdoc="([^"]*)" sandbox="([^"]*)" (.*)></iframe></div>'
    m = re.fullmatch(frame, markup, re.S)
    assert m, markup[:200]
    assert html.unescape(m.group(1)) == view.generate_html(G, title="Nb")
    assert "allow-scripts" in m.group(2) and "allow-same-origin" not in m.group(2)
    assert "height: 500px" in m.group(3)


def test_show_accepts_export_folders_pages_and_rdf(tmp_path):
    from kg.export.rdf import write_rdf

    G = VG.sample_view_graph()
    view.write_html(G, tmp_path / "graph.html", title="Folder")
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert notebook.page_for(tmp_path) == page  # the folder's page, as written by kg build
    assert notebook.page_for(tmp_path / "graph.html") == page
    write_rdf(G, tmp_path)
    from_rdf = notebook.page_for(tmp_path / "graph.ttl")
    names = {n["name"] for n in view.read_page_data(from_rdf)["nodes"]}
    assert names == {a["label"] for _, a in G.nodes(data=True)}
    with pytest.raises(FileNotFoundError):
        kg.show(tmp_path / "missing")
