"""Real-browser tests of the interactive HTML view (headless Debian chromium via playwright)."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import time
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import browser_helpers as B
import networkx as nx
import pytest
import view_graphs as VG

from kg.export import view

pytestmark = pytest.mark.browser

if not B.AVAILABLE:
    pytest.skip("playwright or /usr/bin/chromium missing", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with B.sync_playwright() as p:
        b = B.launch(p)
        yield b
        b.close()


def screenshot(html_path: Path, png_path: Path) -> Path:
    """Save a PNG of the page (see :func:`kg.export.view.screenshot`).

    Runs in a thread of its own: playwright's sync API refuses to nest in the running one.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(view.screenshot, html_path, png_path).result()


# ================================================================ detailed view (small graphs)
@pytest.fixture
def opened(browser, tmp_path) -> Iterator[B.Opened]:
    path = view.write_html(VG.sample_view_graph(), tmp_path / "graph.html", title="Seed graph")
    o = B.open_page(browser, path)
    yield o
    o.close()


ALL = "window.kgNetwork.body.data.nodes.getDataSet()"  # every node, shown or not
NAMES = "window.kgView.visibleNodeIds().map(id => " + ALL + ".get(id).name)"


def node_id(page, name: str) -> str:
    return page.evaluate("(name) => " + ALL + ".get().find(n => n.name === name).id", name)


def test_page_draws_offline_without_errors(opened: B.Opened):
    page = opened.page
    assert B.canvas_ink(page) > 500
    assert opened.errors == []
    assert opened.blocked == []
    assert all(u.startswith("file:") for u in opened.requests)
    assert len(opened.requests) == 1  # the page itself, nothing else
    assert page.inner_text("#kg-status") == "Showing 10 of 10 nodes"
    legend = page.inner_text("#kg-filters-classes")
    for cls in ("Country", "Organization", "MilitaryForce", "Person", "Deployment", "Protest"):
        assert cls in legend
    assert page.evaluate("window.kgView.visibleEdgeIds().length") == 14
    assert page.is_hidden("#kg-doc-section")  # corpus-only controls stay hidden


def test_search_finds_acronym_and_selects(opened: B.Opened):
    page = opened.page
    csto = node_id(page, "Collective Security Treaty Organization")
    page.fill("#kg-search", "CSTO")
    first = page.locator("#kg-search-results li").first
    assert "Collective Security Treaty Organization" in first.inner_text()
    page.press("#kg-search", "Enter")
    assert page.evaluate("window.kgNetwork.getSelectedNodes()") == [csto]
    text = B.panel_text(page)
    assert "Collective Security Treaty Organization" in text and "CSTO" in text
    assert "Tokayev had requested assistance from the CSTO." in text
    assert page.is_enabled("#kg-focus")
    # the alias search is case and accent insensitive and also finds by word prefix
    assert page.evaluate("window.kgView.search('kazakh')")[0] == node_id(page, "Kazakhstan")
    assert page.evaluate("window.kgView.search('treaty')") == [csto]


def test_click_country_shows_edge_sentences_and_links(opened: B.Opened):
    page = opened.page
    rid = node_id(page, "Russia")
    x, y = B.node_screen_xy(page, rid)
    page.mouse.click(x, y)
    B.poll(page, "(id) => window.kgNetwork.getSelectedNodes()[0] === id", rid)
    text = B.panel_text(page)
    assert text.splitlines()[0] == "Russia"
    assert "contributesTo" in text and VG.CONTRIB in text
    assert "Russia is a member of the CSTO." in text
    links = page.eval_on_selector_all(
        "#kg-panel a", "as => as.map(a => [a.textContent, a.getAttribute('href'), a.rel])"
    )
    assert ["Wikidata Q159", "http://www.wikidata.org/entity/Q159", "noopener noreferrer"] in links
    # clicking a neighbour name in the panel moves the selection
    page.click("#kg-panel .kg-linkbtn:text('CSTO peacekeeping force')")
    assert B.panel_text(page).splitlines()[0] == "CSTO peacekeeping force"
    assert opened.errors == []


def test_edge_hover_and_click_show_sentence(opened: B.Opened):
    page = opened.page
    eid = page.evaluate(
        "window.kgNetwork.body.data.edges.get().find(e => e.prop === 'deployedTo').id"
    )
    point = B.edge_screen_xy(page, eid)
    assert point, "the middle of the edge is covered"
    page.mouse.move(point[0], point[1])
    tip = page.wait_for_selector("div.vis-tooltip", state="visible")
    assert "The CSTO peacekeeping forces were sent to Kazakhstan." in tip.inner_text()
    page.mouse.click(point[0], point[1])
    text = B.panel_text(page)
    assert "deployedTo" in text and "The CSTO peacekeeping forces were sent to Kazakhstan." in text


def test_filters_hide_nodes_and_edges(opened: B.Opened):
    page = opened.page
    visible = "window.kgView.visibleNodeIds().length"
    assert page.evaluate(visible) == 10
    page.uncheck("#kg-filters-classes input[data-cls='Country']")
    assert page.evaluate(visible) == 6
    names = page.evaluate(NAMES)
    assert "Russia" not in names and "Kazakhstan" not in names
    assert (
        page.evaluate("Object.keys(window.kgNetwork.getPositions())").count(node_id(page, "Russia"))
        == 0
    )
    page.uncheck("#kg-filters-props input[data-prop='partOf']")
    props = page.evaluate(
        "window.kgView.visibleEdgeIds().map(id => window.kgNetwork.body.data.edges.get(id).prop)"
    )
    assert "partOf" not in props and "contributesTo" not in props and props
    assert page.inner_text("#kg-status") == "Showing 6 of 10 nodes"
    page.click("#kg-reset")
    assert page.evaluate(visible) == 10
    assert page.is_checked("#kg-filters-classes input[data-cls='Country']")
    assert opened.errors == []


def test_focus_on_neighbourhood_and_show_all(opened: B.Opened):
    page = opened.page
    page.evaluate("(id) => window.kgView.selectNode(id)", node_id(page, "Kassym-Jomart Tokayev"))
    page.click("#kg-focus")
    names = sorted(page.evaluate(NAMES))
    assert names == [
        "Collective Security Treaty Organization",
        "Kassym-Jomart Tokayev",
        "Kazakhstan",
    ]
    assert "focus on Kassym-Jomart Tokayev" in page.inner_text("#kg-status")
    page.click("#kg-reset")
    assert page.evaluate("window.kgView.visibleNodeIds().length") == 10


def _hover_and_click_everything(page, targets: list[tuple[str, str, str]]) -> None:
    """Hover each (expected text, kind, id) target, check its tooltip, click it, check the panel."""
    for name, kind, target in targets:
        B.hover_away(page)
        point = B.node_screen_xy(page, target) if kind == "node" else B.edge_screen_xy(page, target)
        assert point, target
        page.mouse.move(*point, steps=4)
        tip = page.wait_for_selector("div.vis-tooltip", state="visible")
        assert name in tip.inner_text()
        page.mouse.click(*point)
        assert name in B.panel_text(page)


def _assert_not_pwned(o: B.Opened) -> None:
    page = o.page
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 4
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert o.errors == [] and o.blocked == []


def test_xss_strings_stay_text(browser, tmp_path):
    path = view.write_html(VG.xss_graph(), tmp_path / "xss.html", title=VG.XSS[0])
    # bypass the page's CSP so that only the DOM-building code stands between data and execution
    o = B.open_page(browser, path, bypass_csp=True)
    page = o.page
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() == VG.XSS[0]
    assert page.inner_text("#kg-title") == VG.XSS[0]
    a = node_id(page, VG.XSS[0])
    b = node_id(page, VG.XSS[2])
    page.fill("#kg-search", "img src")  # search by a hostile alias, select, read the panel
    assert VG.XSS[0] in page.inner_text("#kg-search-results")
    page.locator("#kg-search-results li", has_text=VG.XSS[0]).first.click()
    text = B.panel_text(page)
    for s in VG.XSS:
        assert s in text
    hrefs = page.eval_on_selector_all("#kg-panel a", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs == ["http://www.wikidata.org/entity/Q1"]
    page.wait_for_timeout(500)  # let the focus animation end
    eid = page.evaluate(
        "window.kgView.visibleEdgeIds().find(id => "
        "window.kgNetwork.body.data.edges.get(id).prop === 'worksFor')"
    )
    _hover_and_click_everything(
        page, [(VG.XSS[0], "node", a), (VG.XSS[2], "node", b), ("worksFor", "edge", eid)]
    )
    for s in VG.XSS:  # the edge panel shows the three hostile sentences as text
        assert s in B.panel_text(page)
    _assert_not_pwned(o)
    o.close()


@pytest.mark.parametrize("corpus_above", [-1, 0])
def test_xss_page_under_its_own_csp(browser, tmp_path, corpus_above):
    path = view.write_html(VG.xss_graph(), tmp_path / "xss.html", corpus_above=corpus_above)
    o = B.open_page(browser, path)
    o.page.fill("#kg-search", "img src")
    o.page.press("#kg-search", "Enter")
    assert VG.XSS[0] in B.panel_text(o.page)
    assert o.page.evaluate("typeof window.__pwned") == "undefined"
    assert o.errors == []  # the CSP hashes match: no script was refused
    o.close()


def test_screenshot_helper(tmp_path):
    path = view.write_html(VG.sample_view_graph(), tmp_path / "graph.html", title="Seed graph")
    png = screenshot(path, tmp_path / "graph.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


# ================================================================ corpus view (large graphs)
@pytest.fixture(scope="module")
def corpus_graph() -> nx.MultiDiGraph:
    """A synthetic corpus of the size of 200 BBC articles: 1,253 entities and 981 events."""
    return VG.news_graph(VG.BBC200, seed=3)


@pytest.fixture(scope="module")
def corpus_path(corpus_graph, tmp_path_factory) -> Path:
    return view.write_html(corpus_graph, tmp_path_factory.mktemp("corpus") / "g.html", title="C")


@pytest.fixture
def corpus(browser, corpus_path) -> Iterator[B.Opened]:
    o = B.open_page(browser, corpus_path)
    yield o
    o.close()


class Expect:
    """What the corpus view should draw, computed from the graph (not from the page's data)."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G = G
        docs = G.graph["documents"]
        self.doc_date = {d: docs[d].date.isoformat() if docs[d].date else None for d in docs}
        self.entity = {n for n, a in G.nodes(data=True) if a["kind"] == "entity"}
        self.relations = [
            (u, v, k, {e.doc_id for e in a["evidence"]})
            for u, v, k, a in G.edges(keys=True, data=True)
            if u in self.entity and v in self.entity and u != v
        ]
        self.events = {}
        for n, a in G.nodes(data=True):
            if a["kind"] != "event":
                continue
            ev = sorted(a["evidence"])
            date = a["date"] or (self.doc_date[ev[0].doc_id] if ev else None)
            players = sorted({w for w in G.successors(n) if w in self.entity})
            self.events[n] = (a["cls"], {e.doc_id for e in ev}, date, players)

    def drawn(self, *, classes=None, props=None, shared=True, doc=None, dates=None) -> set[str]:
        def cls_ok(n):
            return classes is None or self.G.nodes[n]["cls"] in classes

        def date_ok(d):
            return dates is None or (d is not None and dates[0] <= d <= dates[1])

        out: set[str] = set()
        for u, v, k, docs in self.relations:
            if (props is None or k in props) and cls_ok(u) and cls_ok(v):
                if any((doc is None or d == doc) and date_ok(self.doc_date[d]) for d in docs):
                    out |= {u, v}
        if shared:
            for cls, docs, date, players in self.events.values():
                if (classes is None or cls in classes) and (doc is None or doc in docs):
                    if date_ok(date):
                        ok = [p for p in players if cls_ok(p)]
                        if len(ok) > 1:
                            out |= set(ok)
        return out


@pytest.fixture(scope="module")
def expect(corpus_graph) -> Expect:
    return Expect(corpus_graph)


def drawn_entities(page) -> set[str]:
    return set(page.evaluate("window.kgView.drawnEntities()"))


def test_corpus_view_draws_the_entity_graph_offline(corpus: B.Opened, expect: Expect):
    page = corpus.page
    assert corpus.errors == [] and corpus.blocked == [] and len(corpus.requests) == 1
    assert page.evaluate("document.body.dataset.kgMode") == "corpus"
    want = expect.drawn()
    assert drawn_entities(page) == want
    ids = page.evaluate("window.kgView.drawnEdges()")
    relations = [i for i in ids if i[0] == "r"]
    shared = [i for i in ids if i[0] == "p"]
    assert len(relations) == len(expect.relations)
    pairs = {
        tuple(sorted((a, b)))
        for _, _, _, players in expect.events.values()
        for a, b in combinations(players, 2)
    }
    assert len(shared) == len(pairs)
    assert not any(i[0] in "bc" for i in ids)  # everything fits: no clusters, no bundles
    status = page.inner_text("#kg-status")
    assert f"Showing {len(want):,} of {len(expect.entity):,} entities" in status
    assert f"{len(expect.events):,} events in timelines" in status
    assert B.canvas_ink(page) > 2000
    for section in ("#kg-events-section", "#kg-doc-section", "#kg-date-section"):
        assert page.is_visible(section)


def _label_boxes(page, everywhere: bool = False) -> list[dict]:
    return page.evaluate("(all) => window.kgView.labels(all)", everywhere)


def _overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for a, b in combinations(boxes, 2)
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


def test_corpus_labels_follow_zoom_and_importance_and_never_overlap(corpus: B.Opened, corpus_graph):
    page = corpus.page
    counts = []
    fit = page.evaluate("window.kgNetwork.getScale()")
    for factor in (1, 2, 4, 8):
        page.evaluate("(s) => window.kgNetwork.moveTo({scale: s})", fit * factor)
        page.wait_for_timeout(100)
        shown = _label_boxes(page)
        assert shown and _overlapping(shown) == []
        counts.append(len(_label_boxes(page, True)))
    assert counts == sorted(counts) and counts[-1] > 2 * counts[0]  # more labels as you zoom in
    # at the overview zoom the best-known entities carry labels, the least known do not
    page.evaluate("(s) => window.kgNetwork.moveTo({scale: s})", fit)
    labelled = {b["text"] for b in _label_boxes(page, True)}
    drawn = drawn_entities(page)
    by_mentions = sorted(drawn, key=lambda n: -len(corpus_graph.nodes[n]["documents"]))
    top = [corpus_graph.nodes[n]["label"] for n in by_mentions[:3]]
    assert any(t in labelled for t in top)
    assert len(labelled) < len(drawn) / 2


def _choose_in(page, input_sel: str, text: str) -> None:
    page.fill(input_sel, text)
    page.press(input_sel, "Enter")


def _timeline_sentences(G: nx.MultiDiGraph, iri: str) -> list[str]:
    return [
        e.sentence
        for v in G.predecessors(iri)
        if G.nodes[v]["kind"] == "event"
        for e in G.nodes[v]["evidence"]
    ]


def test_search_finds_an_undrawn_entity_and_opens_its_neighbourhood(
    corpus: B.Opened, corpus_graph, expect: Expect
):
    page = corpus.page
    G = corpus_graph
    drawn = expect.drawn()
    isolated = sorted(
        (n for n in expect.entity - drawn if any(True for _ in G.predecessors(n))),
        key=lambda n: (-G.in_degree(n), n),
    )[0]
    label = G.nodes[isolated]["label"]
    page.fill("#kg-search", label)
    assert "not drawn" in page.inner_text("#kg-search-results li >> nth=0")
    page.press("#kg-search", "Enter")
    state = page.evaluate("window.kgView.state()")
    assert state["focus"] == isolated == state["selected"]
    assert drawn_entities(page) == {isolated}
    text = B.panel_text(page)
    assert text.splitlines()[0] == label and "TIMELINE" in text.upper()
    for sentence in _timeline_sentences(G, isolated)[:5]:
        assert sentence in text
    assert "Neighbourhood of " + label in page.inner_text("#kg-status")
    # a drawn hub: its neighbourhood is it and everything it is linked to
    hub = max(drawn, key=lambda n: (G.degree(n), n))
    _choose_in(page, "#kg-search", G.nodes[hub]["label"])
    neighbours = {hub}
    for u, v, _, _ in expect.relations:
        if hub in (u, v):
            neighbours |= {u, v}
    for _, _, _, players in expect.events.values():
        if hub in players and len(players) > 1:
            neighbours |= set(players)
    assert drawn_entities(page) == neighbours
    page.click("#kg-reset")
    assert drawn_entities(page) == drawn and page.evaluate("window.kgView.state().focus") is None
    assert corpus.errors == []


def test_search_by_alias(corpus: B.Opened, corpus_graph):
    G = corpus_graph
    node, alias = next(
        (n, a["alt_labels"][0])
        for n, a in sorted(G.nodes(data=True))
        if a["kind"] == "entity" and a.get("alt_labels")
    )
    hits = corpus.page.evaluate("(q) => window.kgView.search(q)", alias.lower())
    assert node in hits


def test_click_an_entity_shows_relations_timeline_and_documents(
    corpus: B.Opened, corpus_graph, expect: Expect
):
    page = corpus.page
    G = corpus_graph
    drawn = expect.drawn()
    target = max(
        (n for n in drawn if any(n in (u, v) for u, v, _, _ in expect.relations)),
        key=lambda n: (len(G.nodes[n]["documents"]), n),
    )
    nid = page.evaluate("(iri) => window.kgView.nodeId(iri)", target)
    page.evaluate("(id) => window.kgNetwork.focus(id, {scale: 1.5})", nid)
    page.wait_for_timeout(100)
    page.mouse.click(*B.node_screen_xy(page, nid))
    B.poll(page, "(iri) => window.kgView.state().selected === iri", target)
    text = B.panel_text(page)
    assert text.splitlines()[0] == G.nodes[target]["label"]
    for u, v, k, a in G.edges(keys=True, data=True):
        if target in (u, v) and u in expect.entity and v in expect.entity:
            assert k in text and a["evidence"][0].sentence in text
    dates = page.eval_on_selector_all(
        "#kg-panel .kg-event-item .kg-date-tag", "es => es.map(e => e.textContent)"
    )
    dated = [d for d in dates if d != "undated"]
    assert dated == sorted(dated)  # a timeline: oldest first
    assert len(dates) == min(50, len(_timeline_sentences(G, target)))
    assert f"DOCUMENTS ({len(G.nodes[target]['documents'])})" in text.upper()


def test_corpus_filters_by_class_property_and_shared_events(corpus: B.Opened, expect: Expect):
    page = corpus.page
    classes = {c for c, _ in VG._CLASSES} | {c for c, *_ in expect.events.values()}
    page.uncheck("#kg-filters-classes input[data-cls='Person']")
    assert drawn_entities(page) == expect.drawn(classes=classes - {"Person"})
    page.uncheck("#kg-filters-events input[data-cls='Statement']")
    assert drawn_entities(page) == expect.drawn(classes=classes - {"Person", "Statement"})
    page.click("#kg-reset")
    page.uncheck("#kg-filters-props input[data-prop='co-participation']")
    assert drawn_entities(page) == expect.drawn(shared=False)
    assert not [i for i in page.evaluate("window.kgView.drawnEdges()") if i[0] == "p"]
    page.uncheck("#kg-filters-props input[data-prop='worksFor']")
    props = {k for _, _, k, _ in expect.relations} - {"worksFor"}
    assert drawn_entities(page) == expect.drawn(shared=False, props=props)
    page.click("#kg-reset")
    assert drawn_entities(page) == expect.drawn()
    assert corpus.errors == []


def test_corpus_filters_by_document_and_dates(corpus: B.Opened, corpus_graph, expect: Expect):
    page = corpus.page
    docs = corpus_graph.graph["documents"]
    doc = sorted(docs, key=lambda d: -len([r for r in expect.relations if d in r[3]]))[0]
    page.fill("#kg-doc", doc)
    page.press("#kg-doc", "Enter")
    assert page.evaluate("window.kgView.state().doc") == doc
    assert page.is_visible("#kg-doc-chip") and docs[doc].title in page.inner_text("#kg-doc-chip")
    want = expect.drawn(doc=doc)
    assert want and drawn_entities(page) == want
    page.click("#kg-doc-chip button")
    assert drawn_entities(page) == expect.drawn()
    start = VG.BBC200.first_day + dt.timedelta(days=100)
    end = start + dt.timedelta(days=60)
    page.fill("#kg-date-from", start.isoformat())
    page.fill("#kg-date-to", end.isoformat())
    want = expect.drawn(dates=(start.isoformat(), end.isoformat()))
    assert 0 < len(want) < len(expect.drawn())
    assert drawn_entities(page) == want
    page.click("#kg-reset")
    assert page.input_value("#kg-date-from") == "" and drawn_entities(page) == expect.drawn()
    assert corpus.errors == []


def test_clusters_stand_for_the_rest_and_open_on_click(browser, corpus_graph, tmp_path, expect):
    path = view.write_html(corpus_graph, tmp_path / "c.html", canvas_max=100)
    o = B.open_page(browser, path)
    page = o.page
    assert drawn_entities(page) == set()
    clusters = page.evaluate("window.kgView.clusters()")
    assert len(clusters) > 3
    status = page.inner_text("#kg-status")
    assert f"{len(clusters):,} clusters, 0 drawn" in status
    assert f"Showing {len(expect.drawn()):,} of" in status
    labels = {b["text"] for b in _label_boxes(page, True)}
    assert labels and _overlapping(_label_boxes(page)) == []
    bundles = [i for i in page.evaluate("window.kgView.drawnEdges()") if i[0] == "b"]
    assert bundles and all(i.count("c") == 2 for i in bundles)  # links between clusters
    # click a cluster linked to others: its members are drawn at the positions computed in Python
    data = view.read_page_data(path.read_text(encoding="utf-8"))
    E, base = data["entities"], data["base"]
    owner = {base + iri: c for iri, c in zip(E["iri"], E["cluster"], strict=True)}
    pairs = [(u, v) for u, v, _, _ in expect.relations]
    pairs += [p for *_, players in expect.events.values() for p in combinations(players, 2)]
    crossing = [(u, v) for u, v in pairs if owner[u] != owner[v]]
    assert crossing
    u, v = min(crossing)
    c = owner[u]
    members = {iri for iri, k in owner.items() if k == c}
    page.mouse.click(*B.node_screen_xy(page, f"c{c}"))
    B.poll(page, "() => window.kgView.state().expanded.length === 1")
    assert drawn_entities(page) == members
    assert f"c{c}" not in page.evaluate("window.kgView.drawnNodes()")
    for iri in members:
        i = E["iri"].index(iri[len(base) :])
        at = page.evaluate(
            "(id) => { const n = window.kgNetwork.body.nodes[id]; return [n.x, n.y]; }", f"n{i}"
        )
        assert at == [E["x"][i], E["y"][i]]
    assert f"{len(members):,} entities drawn in this cluster" in B.panel_text(page)
    # an open cluster hides the links between clusters; a selected entity shows its own
    assert not [i for i in page.evaluate("window.kgView.drawnEdges()") if i[0] == "b"]
    page.evaluate("(iri) => window.kgView.select(iri)", u)
    me = page.evaluate("(iri) => window.kgView.nodeId(iri)", u)
    bundles = [i for i in page.evaluate("window.kgView.drawnEdges()") if i[0] == "b"]
    assert f"b{me}|c{owner[v]}" in bundles or f"bc{owner[v]}|{me}" in bundles
    assert all(me in i for i in bundles)
    page.click("#kg-reset")
    assert drawn_entities(page) == set() and o.errors == []
    o.close()


def test_corpus_xss_strings_stay_text(browser, tmp_path):
    path = view.write_html(VG.xss_graph(), tmp_path / "x.html", title=VG.XSS[0], corpus_above=0)
    o = B.open_page(browser, path, bypass_csp=True)
    page = o.page
    assert page.title() == VG.XSS[0] and page.inner_text("#kg-title") == VG.XSS[0]
    page.fill("#kg-search", "img src")  # the isolated entity and the aliased one
    results = page.inner_text("#kg-search-results")
    assert VG.XSS[1] + " alone" in results and VG.XSS[0] in results
    page.press("#kg-search", "Enter")
    assert page.evaluate("window.kgView.state().focus") == VG.KGR + "person/c"
    page.fill("#kg-search", VG.XSS[0][:12])
    exact = page.get_by_text(VG.XSS[0], exact=True)
    page.locator("#kg-search-results li").filter(has=exact).first.click()
    assert page.evaluate("window.kgView.state().focus") == VG.KGR + "person/a"
    text = B.panel_text(page)
    for s in VG.XSS:  # aliases, title, relation sentences, event label and sentence
        assert s in text
    assert VG.XSS[1] + " meeting" in text
    hrefs = page.eval_on_selector_all("#kg-panel a", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs == ["http://www.wikidata.org/entity/Q1"]
    page.click("#kg-reset")
    page.wait_for_timeout(400)
    a = page.evaluate("(i) => window.kgView.nodeId(i)", VG.KGR + "person/a")
    b = page.evaluate("(i) => window.kgView.nodeId(i)", VG.KGR + "organization/b")
    edges = page.evaluate("window.kgView.drawnEdges()")
    page.evaluate(
        """([a, b]) => {
            const p = window.kgNetwork.getPositions([a, b]);
            const mid = {x: (p[a].x + p[b].x) / 2, y: (p[a].y + p[b].y) / 2};
            window.kgNetwork.moveTo({position: mid, scale: 4});
        }""",
        [a, b],
    )
    page.wait_for_timeout(200)
    rel = next(i for i in edges if i[0] == "r")
    shared = next(i for i in edges if i[0] == "p")
    _hover_and_click_everything(
        page,
        [(VG.XSS[0], "node", a), (VG.XSS[2], "node", b), ("worksFor", "edge", rel)],
    )
    assert all(s in B.panel_text(page) for s in VG.XSS)
    page.evaluate("(id) => window.kgNetwork.selectEdges([id])", shared)
    _assert_not_pwned(o)
    o.close()


@pytest.mark.slow
def test_full_reuters_sized_graph(browser, tmp_path):
    """86,269 nodes in the shape of a full Reuters-21578 build: page size, start-up, clusters."""
    G = VG.news_graph(VG.REUTERS)
    assert G.number_of_nodes() == 86_269
    t0 = time.perf_counter()
    path = view.write_html(G, tmp_path / "reuters.html", title="Reuters-sized")
    t_python = time.perf_counter() - t0
    size = path.stat().st_size
    assert size <= 15_000_000, size
    o = B.open_page(browser, path, timeout_ms=120_000)
    page = o.page
    t_ready = page.evaluate("window.kgReadyAt") / 1000
    clusters = page.evaluate("window.kgView.clusters()")
    assert len(clusters) > 10 and drawn_entities(page) == set()
    assert _overlapping(_label_boxes(page)) == []
    # interactive: a search answers, a cluster opens
    t0 = time.perf_counter()
    name = G.nodes[max(G.nodes, key=lambda n: (G.degree(n), n))]["label"]
    _choose_in(page, "#kg-search", name)
    assert page.evaluate("window.kgView.state().focus")
    t_search = time.perf_counter() - t0
    page.click("#kg-reset")
    page.mouse.click(*B.node_screen_xy(page, f"c{clusters[0]}"))
    B.poll(page, "() => window.kgView.drawnEntities().length > 0")
    assert o.errors == [] and o.blocked == []
    print(
        f"\nReuters-sized view: {size / 1e6:.1f} MB written in {t_python:.1f} s, "
        f"ready in {t_ready:.2f} s, search to neighbourhood {t_search:.2f} s"
    )
    o.close()


# ================================================================ Jupyter: the sandboxed iframe
@pytest.mark.parametrize("corpus_above", [-1, 0])
def test_show_draws_inside_a_sandboxed_frame(browser, tmp_path, corpus_above):
    """kg.show's markup, as a notebook would render it: the view runs, isolated from the host."""
    import kg

    G = VG.news_graph(VG.BBC200, seed=3) if corpus_above == 0 else VG.sample_view_graph()
    host = tmp_path / "notebook.html"
    markup = kg.show(G, title="In a notebook", corpus_above=corpus_above).data
    host.write_text(f"<!DOCTYPE html><title>host</title><body>{markup}</body>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(host.resolve().as_uri())
    B.poll(page, "() => document.querySelector('iframe') !== null")
    frame = page.frames[1]
    B.poll(frame, "() => window.kgReady === true", timeout_ms=30_000)
    assert frame.evaluate("document.title") == "In a notebook"
    drawn = frame.evaluate("window.kgNetwork.body.data.nodes.getIds().length")
    assert drawn > 5
    # an opaque origin: the view cannot reach the notebook page
    reach = "() => { try { return window.parent.document.title; } catch (e) { return 'blocked'; } }"
    assert frame.evaluate(reach) == "blocked"
    assert requests == [host.resolve().as_uri()] and errors == []
    context.close()


def test_benchmark_measures_the_seed_page(tmp_path, capsys):
    """benchmarks/view.py runs (on the seed; BBC and Reuters need ../shared and minutes)."""
    import importlib.util
    import sys

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("bench_view", root / "benchmarks" / "view.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    args = ["--graphs", "seed", "--runs", "1", "--keep", str(tmp_path)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:  # see screenshot()
        out = pool.submit(bench.main, args).result()
    seed = out["seed"]
    import kg

    assert seed["nodes"] == kg.load_graph(root / "exports").number_of_nodes()
    assert seed["page_mb"] == round((tmp_path / "seed.html").stat().st_size / 1e6, 2)
    assert seed["generate_s"] > 0 and 0 < seed["page_s"] <= seed["wall_s"] + 0.5
    assert set(seed["steps_ms"]) >= {"script", "parsed", "ready"}
    assert '"seed"' in capsys.readouterr().out.splitlines()[-1]
