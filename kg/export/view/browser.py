"""Open a view page in headless Chromium (Playwright) with the network cut off: wait, time, capture.

Used by the screenshot of the README, the browser tests and ``benchmarks/view.py``. Playwright is
an optional dependency (the ``test`` extra); Chromium is the system's ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

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
    """Wait until the view has drawn its graph (``window.kgReady``).

    Polls from Python: Playwright's ``wait_for_function`` evaluates its predicate with ``eval``
    inside the page, which the page's Content-Security-Policy forbids.

    Raises:
        TimeoutError: if the view is not ready in time.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate("() => window.kgReady === true"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the view did not become ready within {timeout_ms} ms")
        page.wait_for_timeout(20)


def offline(page: Any) -> list[str]:
    """Let ``page`` load ``file:`` URLs only; return the list the other requests are added to."""
    blocked: list[str] = []

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    return blocked


def time_to_interactive(page: Any, html_path: Path, timeout_ms: int = 120_000) -> float:
    """Load ``html_path`` and return the seconds from navigation start until the view is ready.

    Ready means: data decoded, graph drawn once, controls wired (``window.kgReadyAt`` is the
    page's ``performance.now()`` at that moment, measured from navigation start).
    """
    page.goto(Path(html_path).resolve().as_uri(), timeout=timeout_ms)
    wait_until_ready(page, timeout_ms)
    return float(page.evaluate("() => window.kgReadyAt")) / 1000


def screenshot(
    html_path: Path,
    png_path: Path,
    *,
    width: int = 1400,
    height: int = 900,
    executable: str = CHROMIUM,
    timeout_ms: int = 60_000,
    before: str | None = None,
) -> Path:
    """Save a PNG of the page at ``html_path`` as drawn by headless Chromium (needs playwright).

    Every request other than ``file:`` ones is blocked. Waits until the view is ready.

    Args:
        html_path: The HTML file written by :func:`kg.export.view.write_html`.
        png_path: Where to write the PNG (atomically).
        width: Viewport width in CSS pixels.
        height: Viewport height in CSS pixels.
        executable: The Chromium binary.
        timeout_ms: How long to wait for the page to be ready.
        before: A JavaScript function run in the page before the capture (e.g. to select a node).

    """
    from playwright.sync_api import sync_playwright  # optional dependency

    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = png_path.with_name(f".{png_path.name}.tmp.png")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            offline(page)
            page.goto(Path(html_path).resolve().as_uri())
            wait_until_ready(page, timeout_ms)
            if before:
                page.evaluate(before)
                page.wait_for_timeout(400)
                wait_until_ready(page, timeout_ms)
            page.screenshot(path=str(tmp))
        finally:
            browser.close()
    os.replace(tmp, png_path)
    return png_path
