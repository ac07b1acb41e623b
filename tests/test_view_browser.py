"""Real-browser tests of the interactive HTML view (headless Debian chromium via playwright)."""

from __future__ import annotations

import concurrent.futures
import importlib.util
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kg.export import view

CHROMIUM = Path(view.CHROMIUM)
pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # optional test dependency
    sync_playwright = None

if sync_playwright is None or not CHROMIUM.exists():
    pytest.skip("playwright or /usr/bin/chromium missing", allow_module_level=True)


def _load_unit_helpers():
    """Import the graph builders of tests/test_view.py whatever pytest's import mode."""
    spec = importlib.util.spec_from_file_location(
        "_kg_test_view_helpers", Path(__file__).with_name("test_view.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


H = _load_unit_helpers()


# ---------------------------------------------------------------- helpers
@dataclass
class Opened:
    """A loaded page with what it asked for and what it logged."""

    page: object
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=list(view.CHROMIUM_ARGS))
        yield b
        b.close()


def open_page(browser, html_path: Path, *, bypass_csp: bool = False, timeout_ms: int = 60_000):
    """Open ``html_path`` from disk with every non-file request aborted; wait for the layout."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=bypass_csp)
    page = context.new_page()
    opened = Opened(page)

    def route(r):
        url = r.request.url
        opened.requests.append(url)
        if url.startswith("file:"):
            r.continue_()
        else:
            opened.blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.goto(html_path.resolve().as_uri())
    view.wait_until_ready(page, timeout_ms)
    return opened


@pytest.fixture
def opened(browser, tmp_path) -> Iterator[Opened]:
    path = view.write_html(H.sample_view_graph(), tmp_path / "graph.html", title="Seed graph")
    o = open_page(browser, path)
    yield o
    o.page.context.close()


ALL = "window.kgNetwork.body.data.nodes.getDataSet()"  # every node, shown or not
NAMES = "window.kgView.visibleNodeIds().map(id => " + ALL + ".get(id).name)"


def node_id(page, name: str) -> str:
    return page.evaluate("(name) => " + ALL + ".get().find(n => n.name === name).id", name)


def node_screen_xy(page, nid: str) -> tuple[float, float]:
    """Page coordinates of a node's centre (network.getPositions + canvasToDOM)."""
    return tuple(
        page.evaluate(
            """(id) => {
                const net = window.kgNetwork;
                const p = net.getPositions([id])[id];
                const d = net.canvasToDOM(p);
                const r = document.getElementById('kg-canvas').getBoundingClientRect();
                return [r.left + d.x, r.top + d.y];
            }""",
            nid,
        )
    )


def poll(page, js: str, arg=None, timeout_ms: int = 10_000) -> None:
    """Wait until ``js`` (a function) is truthy, evaluating from Python.

    ``page.wait_for_function`` evaluates with ``eval`` in the page, which the view's CSP forbids.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(js, arg):
        assert time.monotonic() < deadline, f"timed out waiting for {js}"
        page.wait_for_timeout(25)


def hover_away(page) -> None:
    """Move the mouse to an empty corner of the canvas and wait for the tooltip to close."""
    box = page.locator("#kg-canvas").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5, steps=2)
    poll(
        page,
        "() => !document.querySelector('div.vis-tooltip') || "
        "document.querySelector('div.vis-tooltip').style.visibility !== 'visible'",
    )


def canvas_ink(page) -> int:
    """Number of sampled canvas pixels that are not background."""
    return page.evaluate(
        """() => {
            const c = document.querySelector('#kg-canvas canvas');
            const ctx = c.getContext('2d');
            const d = ctx.getImageData(0, 0, c.width, c.height).data;
            let ink = 0;
            for (let i = 0; i < d.length; i += 4 * 7) {
                if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) ink++;
            }
            return ink;
        }"""
    )


def panel_text(page) -> str:
    return page.inner_text("#kg-panel")


def screenshot(html_path: Path, png_path: Path) -> Path:
    """Save a PNG of the page (see :func:`kg.export.view.screenshot`).

    Runs in a thread of its own: playwright's sync API refuses to nest in the running one.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(view.screenshot, html_path, png_path).result()


# ---------------------------------------------------------------- tests
def test_page_draws_offline_without_errors(opened: Opened):
    page = opened.page
    assert canvas_ink(page) > 500
    assert opened.errors == []
    assert opened.blocked == []
    assert all(u.startswith("file:") for u in opened.requests)
    assert len(opened.requests) == 1  # the page itself, nothing else
    assert page.inner_text("#kg-status") == "Showing 10 of 10 nodes"
    assert page.is_hidden("#kg-load-all")
    legend = page.inner_text("#kg-filters-classes")
    for cls in ("Country", "Organization", "MilitaryForce", "Person", "Deployment", "Protest"):
        assert cls in legend
    assert page.evaluate("window.kgView.visibleEdgeIds().length") == 14


def test_search_finds_acronym_and_selects(opened: Opened):
    page = opened.page
    csto = node_id(page, "Collective Security Treaty Organization")
    page.fill("#kg-search", "CSTO")
    first = page.locator("#kg-search-results li").first
    assert "Collective Security Treaty Organization" in first.inner_text()
    page.press("#kg-search", "Enter")
    assert page.evaluate("window.kgNetwork.getSelectedNodes()") == [csto]
    text = panel_text(page)
    assert "Collective Security Treaty Organization" in text and "CSTO" in text
    assert "Tokayev had requested assistance from the CSTO." in text
    assert page.is_enabled("#kg-focus")
    # the alias search is case and accent insensitive and also finds by word prefix
    assert page.evaluate("window.kgView.search('kazakh')")[0] == node_id(page, "Kazakhstan")
    assert page.evaluate("window.kgView.search('treaty')") == [csto]


def test_click_country_shows_edge_sentences_and_links(opened: Opened):
    page = opened.page
    rid = node_id(page, "Russia")
    x, y = node_screen_xy(page, rid)
    page.mouse.click(x, y)
    poll(page, "(id) => window.kgNetwork.getSelectedNodes()[0] === id", rid)
    text = panel_text(page)
    assert text.splitlines()[0] == "Russia"
    assert "contributesTo" in text and H.CONTRIB in text
    assert "Russia is a member of the CSTO." in text
    links = page.eval_on_selector_all(
        "#kg-panel a", "as => as.map(a => [a.textContent, a.getAttribute('href'), a.rel])"
    )
    assert ["Wikidata Q159", "http://www.wikidata.org/entity/Q159", "noopener noreferrer"] in links
    # clicking a neighbour name in the panel moves the selection
    page.click("#kg-panel .kg-linkbtn:text('CSTO peacekeeping force')")
    assert panel_text(page).splitlines()[0] == "CSTO peacekeeping force"
    assert opened.errors == []


def edge_screen_xy(page, eid: str):
    """Page coordinates of the middle of an edge's drawn curve, if no node covers it."""
    return page.evaluate(
        """(eid) => {
            const net = window.kgNetwork;
            const p = net.body.edges[eid].edgeType.getPoint(0.5);
            const d = net.canvasToDOM(p);
            if (net.getEdgeAt(d) !== eid || net.getNodeAt(d) !== undefined) return null;
            const r = document.getElementById('kg-canvas').getBoundingClientRect();
            return [r.left + d.x, r.top + d.y];
        }""",
        eid,
    )


def test_edge_hover_and_click_show_sentence(opened: Opened):
    page = opened.page
    eid = page.evaluate(
        "window.kgNetwork.body.data.edges.get().find(e => e.prop === 'deployedTo').id"
    )
    point = edge_screen_xy(page, eid)
    assert point, "the middle of the edge is covered"
    page.mouse.move(point[0], point[1])
    tip = page.wait_for_selector("div.vis-tooltip", state="visible")
    assert "The CSTO peacekeeping forces were sent to Kazakhstan." in tip.inner_text()
    page.mouse.click(point[0], point[1])
    text = panel_text(page)
    assert "deployedTo" in text and "The CSTO peacekeeping forces were sent to Kazakhstan." in text


def test_filters_hide_nodes_and_edges(opened: Opened):
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


def test_focus_on_neighbourhood_and_show_all(opened: Opened):
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


def test_xss_strings_stay_text(browser, tmp_path):
    path = view.write_html(H.xss_graph(), tmp_path / "xss.html", title=H.XSS[0])
    # bypass the page's CSP so that only the DOM-building code stands between data and execution
    o = open_page(browser, path, bypass_csp=True)
    page = o.page
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() == H.XSS[0]
    assert page.inner_text("#kg-title") == H.XSS[0]
    a = node_id(page, H.XSS[0])
    b = node_id(page, H.XSS[2])
    # search by a hostile alias, select, and read the panel
    page.fill("#kg-search", "img src")
    assert H.XSS[0] in page.inner_text("#kg-search-results")
    page.press("#kg-search", "Enter")
    text = panel_text(page)
    for s in H.XSS:
        assert s in text
    hrefs = page.eval_on_selector_all("#kg-panel a", "as => as.map(a => a.getAttribute('href'))")
    assert hrefs == ["http://www.wikidata.org/entity/Q1"]
    page.wait_for_timeout(500)  # let the focus animation end
    # hover both nodes (tooltips) and the edge, click each of them
    eid = page.evaluate("window.kgView.visibleEdgeIds()[0]")
    for name, target in ((H.XSS[0], a), (H.XSS[2], b), ("worksFor", eid)):
        hover_away(page)
        point = node_screen_xy(page, target) if target != eid else edge_screen_xy(page, eid)
        page.mouse.move(*point, steps=4)
        tip = page.wait_for_selector("div.vis-tooltip", state="visible")
        assert name in tip.inner_text()
        page.mouse.click(*point)
        assert name in panel_text(page)
    for s in H.XSS:  # the edge panel shows the three hostile sentences as text
        assert s in panel_text(page)
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 3
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert o.errors == [] and o.blocked == []
    o.page.context.close()


def test_xss_page_under_its_own_csp(browser, tmp_path):
    path = view.write_html(H.xss_graph(), tmp_path / "xss.html")
    o = open_page(browser, path)
    o.page.evaluate("(id) => window.kgView.selectNode(id)", node_id(o.page, H.XSS[0]))
    assert o.page.evaluate("typeof window.__pwned") == "undefined"
    assert o.errors == []  # the CSP hashes match: no script was refused
    o.page.context.close()


def test_big_graph_shows_central_part_then_everything(browser, tmp_path):
    path = view.write_html(H.big_graph(1000), tmp_path / "big.html", max_nodes=200)
    o = open_page(browser, path)
    page = o.page
    assert page.inner_text("#kg-status") == "Showing 200 of 1000 nodes"
    assert page.inner_text("#kg-load-all") == "Show all 1000 nodes"
    # searching an entity outside the central part brings it in
    outside = page.evaluate(ALL + ".get().filter(n => !n.core).map(n => n.id)[0]")
    name = page.evaluate("(id) => " + ALL + ".get(id).name", outside)
    page.fill("#kg-search", name)
    page.press("#kg-search", "Enter")
    assert page.evaluate("window.kgNetwork.getSelectedNodes()") == [outside]
    assert page.inner_text("#kg-status") == "Showing 201 of 1000 nodes"
    page.click("#kg-load-all")
    view.wait_until_ready(page, 60_000)
    assert page.inner_text("#kg-status") == "Showing 1000 of 1000 nodes"
    assert page.is_hidden("#kg-load-all")
    assert canvas_ink(page) > 500
    assert o.errors == [] and o.blocked == []
    o.page.context.close()


@pytest.mark.slow
def test_5000_node_graph_opens_fast(browser, tmp_path):
    G = H.big_graph(5000)
    t0 = time.perf_counter()
    path = view.write_html(G, tmp_path / "big.html")
    t_python = time.perf_counter() - t0
    t0 = time.perf_counter()
    o = open_page(browser, path)
    t_open = time.perf_counter() - t0
    page = o.page
    assert page.inner_text("#kg-status") == "Showing 400 of 5000 nodes"
    assert canvas_ink(page) > 500
    t0 = time.perf_counter()
    page.click("#kg-load-all")
    view.wait_until_ready(page, 120_000)
    t_all = time.perf_counter() - t0
    assert page.inner_text("#kg-status") == "Showing 5000 of 5000 nodes"
    assert o.errors == []
    size = path.stat().st_size
    print(
        f"\n5000-node view: html {size / 1e6:.1f} MB written in {t_python:.2f}s, "
        f"opened in {t_open:.2f}s, show-all settled in {t_all:.2f}s"
    )
    if os.environ.get("KG_VIEW_TIMINGS"):
        Path(os.environ["KG_VIEW_TIMINGS"]).write_text(
            f"python={t_python:.2f}s open={t_open:.2f}s all={t_all:.2f}s size={size}\n"
        )
    assert t_open < 10, t_open
    o.page.context.close()


def test_screenshot_helper(tmp_path):
    path = view.write_html(H.sample_view_graph(), tmp_path / "graph.html", title="Seed graph")
    png = screenshot(path, tmp_path / "graph.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
