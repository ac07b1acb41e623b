"""Helpers of the view's browser tests: open a page offline in headless Chromium and read it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from kg.export import view

CHROMIUM = Path(view.CHROMIUM)

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # optional test dependency
    sync_playwright = None

AVAILABLE = sync_playwright is not None and CHROMIUM.exists()


@dataclass
class Opened:
    """A loaded page with what it asked for and what it logged."""

    page: object
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.page.context.close()


def launch(p):
    return p.chromium.launch(executable_path=str(CHROMIUM), args=list(view.CHROMIUM_ARGS))


def open_page(browser, html_path: Path, *, bypass_csp: bool = False, timeout_ms: int = 60_000):
    """Open ``html_path`` from disk with every non-file request aborted; wait until ready."""
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
    page.goto(Path(html_path).resolve().as_uri())
    view.wait_until_ready(page, timeout_ms)
    # the corpus view decodes its sentences after drawing: tests read them, so wait for them too
    poll(page, "() => window.kgTextReady !== false", timeout_ms=timeout_ms)
    return opened


def poll(page, js: str, arg=None, timeout_ms: int = 10_000) -> None:
    """Wait until ``js`` (a function) is truthy, evaluating from Python.

    ``page.wait_for_function`` evaluates with ``eval`` in the page, which the view's CSP forbids.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(js, arg):
        assert time.monotonic() < deadline, f"timed out waiting for {js}"
        page.wait_for_timeout(25)


def node_screen_xy(page, nid: str) -> tuple[float, float]:
    """Page coordinates of a drawn node's centre (network.getPositions + canvasToDOM)."""
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


def edge_screen_xy(page, eid: str):
    """Page coordinates of the middle of a drawn edge, if no node covers it."""
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
