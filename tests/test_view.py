"""Unit tests of the interactive HTML view (no browser)."""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from kg.export import view
from kg.model import Document, Evidence

DOC = "000_8de8a0582fcf7fc5.txt"
KGR = "https://w3id.org/newskg/id/"
XSS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '"></script><script>window.__pwned=1</script>',
)


# ---------------------------------------------------------------- graph builders (shared helpers)
def _ev(sentence: str, rule: str = "rule", start: int = 0, conf: float = 0.8) -> Evidence:
    return Evidence(DOC, start, start + len(sentence), sentence, rule, conf)


def _entity(G: nx.MultiDiGraph, iri: str, cls: str, label: str, **kw) -> None:
    G.add_node(
        iri,
        kind="entity",
        cls=cls,
        label=label,
        alt_labels=tuple(sorted(kw.get("alt", ()))),
        same_as=tuple(sorted(kw.get("same_as", ()))),
        titles=tuple(sorted(kw.get("titles", ()))),
        documents=(DOC,),
    )


def _edge(G: nx.MultiDiGraph, u: str, prop: str, v: str, *sentences: str) -> None:
    evidence = tuple(sorted(_ev(s, start=10 * i) for i, s in enumerate(sentences)))
    G.add_edge(u, v, key=prop, prop=prop, evidence=evidence, confidence=0.8)


CONTRIB = (
    "It also stated that among the CSTO's peacekeeping forces are military units from Russia, "
    "Belarus and Armenia."
)


def sample_view_graph() -> nx.MultiDiGraph:
    """A small graph in the shape of the seed article (kg.model schema)."""
    G = nx.MultiDiGraph()
    G.graph["documents"] = {
        DOC: Document(DOC, "Peacekeeping forces arrive", dt.date(2022, 1, 9), None, "text")
    }
    csto = KGR + "organization/collective-security-treaty-organization"
    force = KGR + "militaryforce/csto-peacekeeping-force"
    kaz = KGR + "country/kazakhstan"
    _entity(G, csto, "Organization", "Collective Security Treaty Organization", alt=["CSTO"])
    _entity(G, force, "MilitaryForce", "CSTO peacekeeping force", alt=["peacekeeping forces"])
    _entity(
        G,
        kaz,
        "Country",
        "Kazakhstan",
        alt=["Kazakh", "Kazakhstani"],
        same_as=["http://www.wikidata.org/entity/Q232", "https://sws.geonames.org/1522867/"],
    )
    for name, q in (("Russia", "Q159"), ("Belarus", "Q184"), ("Armenia", "Q399")):
        iri = KGR + "country/" + name.lower()
        _entity(G, iri, "Country", name, same_as=[f"http://www.wikidata.org/entity/{q}"])
        _edge(G, iri, "contributesTo", force, CONTRIB)
        _edge(G, iri, "memberOf", csto, f"{name} is a member of the CSTO.")
    tok = KGR + "person/kassym-jomart-tokayev"
    _entity(G, tok, "Person", "Kassym-Jomart Tokayev", alt=["Tokayev"], titles=["President"])
    almaty = KGR + "city/almaty"
    _entity(G, almaty, "City", "Almaty")
    _edge(G, tok, "leaderOf", kaz, "Kazakh President Kassym-Jomart Tokayev said so.")
    _edge(
        G, tok, "requestedAssistanceFrom", csto, "Tokayev had requested assistance from the CSTO."
    )
    _edge(G, force, "deployedTo", kaz, "The CSTO peacekeeping forces were sent to Kazakhstan.")
    _edge(G, almaty, "locatedIn", kaz, "Almaty, the largest city of Kazakhstan, saw riots.")
    _edge(G, force, "partOf", csto, "The force of the CSTO arrived.")
    event = KGR + f"event/{DOC}-214-deployment"
    G.add_node(
        event,
        kind="event",
        cls="Deployment",
        label="Deployment: dispatched",
        alt_labels=(),
        same_as=(),
        titles=(),
        documents=(DOC,),
        date="2022-01-06",
        topics=("unrest",),
        trigger="dispatched",
        evidence=(_ev("The CSTO dispatched peacekeepers to Kazakhstan.", "event-deploy"),),
        confidence=0.8,
    )
    _edge(G, event, "agent", csto, "The CSTO dispatched peacekeepers to Kazakhstan.")
    _edge(G, event, "place", kaz, "The CSTO dispatched peacekeepers to Kazakhstan.")
    protest = KGR + f"event/{DOC}-50-protest"
    G.add_node(
        protest,
        kind="event",
        cls="Protest",
        label="Protest in Kazakhstan",
        alt_labels=(),
        same_as=(),
        titles=(),
        documents=(DOC,),
        date=None,
        topics=("fuel prices",),
        trigger="protests",
        evidence=(_ev("Protests over fuel prices swept Kazakhstan.", "event-protest", 50),),
        confidence=0.7,
    )
    _edge(G, protest, "place", kaz, "Protests over fuel prices swept Kazakhstan.")
    return G


def xss_graph() -> nx.MultiDiGraph:
    """A graph whose labels, aliases, titles, documents and sentences are hostile markup."""
    G = nx.MultiDiGraph()
    G.graph["documents"] = {
        DOC: Document(DOC, XSS[0] + " headline", None, "javascript:window.__pwned=1", "")
    }
    a, b = KGR + "person/a", KGR + "organization/b"
    _entity(
        G,
        a,
        "Person",
        XSS[0],
        alt=[XSS[1], XSS[2]],
        titles=[XSS[1]],
        same_as=["javascript:window.__pwned=1", "http://www.wikidata.org/entity/Q1"],
    )
    _entity(G, b, "Organization", XSS[2], alt=["Org \u2028 with line separator &amp;"])
    _edge(G, a, "worksFor", b, *XSS)
    return G


def big_graph(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A scale-free-ish graph of ``n`` entity nodes with one relation each."""
    import random

    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    G.graph["documents"] = {DOC: Document(DOC, "Big", None)}
    classes = ("Person", "Organization", "Country", "Location")
    iris = [f"{KGR}entity/n{i:05d}" for i in range(n)]
    for i, iri in enumerate(iris):
        _entity(G, iri, classes[i % 4], f"Entity {i}", alt=[f"E{i}"])
    targets = [iris[0]]
    for i in range(1, n):
        t = rng.choice(targets)
        _edge(G, iris[i], "worksFor", t, f"Entity {i} works for {G.nodes[t]['label']}.")
        targets.extend([iris[i], t])
    return G


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
    return json.loads(scripts[0])


# ---------------------------------------------------------------- tests
def test_vis_files_come_from_pyvis():
    d = view.vis_dir()
    assert (d / "vis-network.min.js").stat().st_size > 100_000
    assert (d / "vis-network.css").is_file()


def test_page_is_self_contained():
    page = view.generate_html(sample_view_graph(), title="Seed")
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
    # the inlined vis-network and the view script are both there
    bodies = [body for attrs, body in p.scripts if "type" not in attrs]
    assert len(bodies) == 2
    assert "vis-network" in page and "kgNetwork" in bodies[1]


def test_csp_allows_only_the_inline_scripts():
    page = view.generate_html(sample_view_graph())
    meta = [a for t, a in parse(page).tags if t == "meta" and a.get("http-equiv")]
    csp = meta[0]["content"]
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
    assert csp.count("'sha256-") == 2
    assets = view.load_assets()
    assert view._script_hash(assets.view_js) in csp


def test_data_contains_nodes_edges_and_evidence():
    G = sample_view_graph()
    data = page_data(view.generate_html(G, title="Seed"))
    assert data["title"] == "Seed"
    assert data["total"] == G.number_of_nodes() == data["shown"]
    assert [n["id"] for n in data["nodes"]] == sorted(G.nodes)
    assert len(data["edges"]) == G.number_of_edges()
    csto = next(n for n in data["nodes"] if n["name"].startswith("Collective"))
    assert csto["alt"] == ["CSTO"] and csto["cls"] == "Organization" and csto["kind"] == "entity"
    assert csto["value"] == G.degree(csto["id"])
    contrib = [e for e in data["edges"] if e["prop"] == "contributesTo"]
    assert len(contrib) == 3
    assert all(e["label"] == "contributesTo" and e["evidence"][0]["s"] == CONTRIB for e in contrib)
    kaz = next(n for n in data["nodes"] if n["name"] == "Kazakhstan")
    assert "http://www.wikidata.org/entity/Q232" in kaz["sameAs"]
    assert data["documents"][DOC]["date"] == "2022-01-09"


def test_events_are_their_own_shape_with_role_edges():
    data = page_data(view.generate_html(sample_view_graph()))
    events = [n for n in data["nodes"] if n["kind"] == "event"]
    entities = [n for n in data["nodes"] if n["kind"] == "entity"]
    assert {n["shape"] for n in events} == {view.EVENT_SHAPE}
    assert {n["shape"] for n in entities} == {view.ENTITY_SHAPE}
    dep = next(n for n in events if n["cls"] == "Deployment")
    assert dep["date"] == "2022-01-06" and "2022-01-06" in dep["label"]
    assert dep["evidence"][0]["r"] == "event-deploy"
    roles = {e["prop"] for e in data["edges"] if e["from"] == dep["id"]}
    assert roles == {"agent", "place"}
    assert all(e["dashes"] for e in data["edges"] if e["prop"] in view.ROLE_PROPS)


def test_colours_per_class_and_legend():
    data = page_data(view.generate_html(sample_view_graph()))
    legend = {c["name"]: c for c in data["classes"]}
    assert set(legend) == {n["cls"] for n in data["nodes"]}
    for n in data["nodes"]:
        assert n["color"]["background"] == legend[n["cls"]]["color"]
    entity_colours = [c["color"] for c in data["classes"] if c["kind"] == "entity"]
    assert len(set(entity_colours)) == len(entity_colours)
    assert legend["Country"]["count"] == 4
    assert {p["name"] for p in data["props"]} >= {"contributesTo", "agent", "place"}


def test_output_is_deterministic_and_order_independent():
    G = sample_view_graph()
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from(reversed(list(G.nodes(data=True))))
    H.add_edges_from(reversed(list(G.edges(keys=True, data=True))))
    a = view.generate_html(G, title="t")
    assert a == view.generate_html(G, title="t") == view.generate_html(H, title="t")


def test_json_is_escaped_for_script_context():
    page = view.generate_html(xss_graph(), title=XSS[0])
    data_script = page.split('id="kg-data">', 1)[1].split("</script>", 1)[0]
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in data_script
    assert "\\u003c/script\\u003e" in data_script
    data = json.loads(data_script)
    names = {n["name"] for n in data["nodes"]}
    assert XSS[0] in names and XSS[2] in names
    # only the three real script elements exist, no markup from the data leaked into the page
    p = parse(page)
    assert len(p.scripts) == 3
    assert not [t for t, _ in p.tags if t == "img"]
    assert "<title>&lt;script&gt;" in page


def test_unsafe_urls_are_dropped():
    data = page_data(view.generate_html(xss_graph()))
    a = next(n for n in data["nodes"] if n["cls"] == "Person")
    assert a["sameAs"] == ["http://www.wikidata.org/entity/Q1"]
    assert data["documents"][DOC]["url"] is None
    assert view.safe_url("https://sws.geonames.org/1/") == "https://sws.geonames.org/1/"
    for bad in ("javascript:alert(1)", "data:text/html,x", "http://a b", "//evil", None, ""):
        assert view.safe_url(bad) is None


def test_json_for_script_round_trips():
    value = {"s": "</script><!-- & \u2028\u2029 > é"}
    text = view.json_for_script(value)
    assert json.loads(text) == value
    assert "</" not in text and "<!--" not in text


def test_view_js_never_uses_html_sinks():
    js = (view.ASSET_DIR / "view.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in js
    assert "JSON.parse" in js and "textContent" in js


def test_big_graph_opens_on_central_nodes():
    G = big_graph(1200)
    data = page_data(view.generate_html(G, max_nodes=300))
    assert data["total"] == 1200 and data["shown"] == 300 and data["big"]
    core = [n for n in data["nodes"] if n["core"]]
    assert len(core) == 300
    degrees = sorted((G.degree(x) for x in G.nodes), reverse=True)
    # the hubs are in the core, and the core is much better connected than the rest
    hub = max(G.nodes, key=lambda x: (G.degree(x), x))
    assert next(n for n in core if n["id"] == hub)
    core_mean = sum(n["value"] for n in core) / len(core)
    assert core_mean > 2 * (sum(degrees) / len(degrees))
    assert data["options"]["layout"]["improvedLayout"] is False
    assert data["options"]["physics"]["stabilization"]["iterations"] <= 200


def test_small_graph_uses_improved_layout():
    data = page_data(view.generate_html(sample_view_graph()))
    assert data["options"]["layout"]["improvedLayout"] is True
    assert all(n["core"] for n in data["nodes"])


def test_pagerank_prefers_hubs_and_sums_to_one():
    G = nx.MultiDiGraph()
    for leaf in "abcde":
        G.add_edge(leaf, "hub", key="partOf")
    G.add_node("lonely")
    pr = view.pagerank(G)
    assert abs(sum(pr.values()) - 1) < 1e-6
    assert max(pr, key=pr.get) == "hub"
    assert view.central_nodes(G, 2)[0] == "a" and "hub" in view.central_nodes(G, 2)


def test_empty_graph():
    page = view.generate_html(nx.MultiDiGraph())
    data = page_data(page)
    assert data["total"] == 0 and data["nodes"] == [] and data["edges"] == []


def test_write_html_is_atomic(tmp_path: Path):
    out = view.write_html(sample_view_graph(), tmp_path / "sub" / "graph.html", title="x")
    assert out.read_text(encoding="utf-8") == view.generate_html(sample_view_graph(), title="x")
    assert [p.name for p in out.parent.iterdir()] == ["graph.html"]


def test_write_html_leaves_old_file_on_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "graph.html"
    out.write_text("old", encoding="utf-8")

    def boom(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(view, "generate_html", boom)
    with pytest.raises(RuntimeError):
        view.write_html(sample_view_graph(), out)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_render_refuses_assets_that_close_the_script():
    assets = view.load_assets()
    bad = view.ViewAssets(assets.template, "x('</script>')", assets.view_css, assets.vis_js, "")
    with pytest.raises(ValueError):
        view.render({"title": "t"}, bad)
