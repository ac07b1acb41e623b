"""The page both views are written into: assets, safe data embedding, CSP and the HTML template.

The page is written from the project's own template (``kg/data/view/template.html``), not pyvis's
(which links Bootstrap and other resources from CDNs). vis-network's JavaScript and CSS are inlined
from the files the pyvis package ships, so the page loads nothing from the network.

Article text is data, never markup: the view's data is embedded in ``<script>`` elements whose
type is not JavaScript (``kg-data``; ``kg-text`` holds the corpus view's sentences, decoded after
the first drawing), either as JSON with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, or, when
it is large, as gzip-compressed JSON in base64 (whose alphabet has no markup characters at all).
The page's script builds every tooltip and panel with DOM APIs and ``textContent``. A
Content-Security-Policy allows only the page's own inline scripts (by hash) and no connections.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyvis

#: Folder with the page template, scripts and stylesheet of the view.
ASSET_DIR = Path(__file__).parents[2] / "data" / "view"
#: vis-network version whose files are inlined from the pyvis package.
VIS_VERSION = "9.1.2"
#: Above this many bytes of JSON the data is embedded gzip-compressed (base64).
COMPRESS_ABOVE = 64_000
#: The view's own scripts, concatenated in this order into one inline script per mode.
MODE_SCRIPTS = {"detail": ("common.js", "detail.js"), "corpus": ("common.js", "corpus.js")}

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
#: Colours of event classes, in sorted order.
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

_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"\{\{(TITLE|CSP|VIS_CSS|VIEW_CSS|DATA|DATA_TYPE|TEXT|TEXT_TYPE|VIS_JS|VIEW_JS|MODE)\}\}"
)
_JSON_ESCAPES = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)
#: ``type`` of the data element: plain (escaped) JSON, or gzip-compressed JSON in base64.
JSON_TYPE = "application/json"
GZIP_TYPE = "application/gzip+base64"


@dataclass(frozen=True)
class ViewAssets:
    """The static text the page is made of."""

    template: str
    view_css: str
    vis_js: str
    vis_css: str
    scripts: Mapping[str, str]

    def view_js(self, mode: str) -> str:
        """Return the page script of ``mode`` (``"detail"`` or ``"corpus"``)."""
        return "\n".join(self.scripts[name] for name in MODE_SCRIPTS[mode])


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
    """Read the template, the view's scripts and stylesheet, and vis-network's files."""
    vis = vis_dir()
    names = sorted({name for names in MODE_SCRIPTS.values() for name in names})
    return ViewAssets(
        template=(ASSET_DIR / "template.html").read_text(encoding="utf-8"),
        view_css=(ASSET_DIR / "view.css").read_text(encoding="utf-8"),
        vis_js=(vis / "vis-network.min.js").read_text(encoding="utf-8"),
        vis_css=(vis / "vis-network.css").read_text(encoding="utf-8"),
        scripts={name: (ASSET_DIR / name).read_text(encoding="utf-8") for name in names},
    )


def json_for_script(data: Any) -> str:
    r"""Serialise ``data`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&``, U+2028 and U+2029 only ever occur inside JSON strings, so replacing them
    with ``\uXXXX`` escapes keeps the JSON equal while no ``</script>`` or ``<!--`` can appear.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.translate(_JSON_ESCAPES)


def encode_data(data: Any, compress_above: int = COMPRESS_ABOVE) -> tuple[str, str]:
    """Return ``(type, text)`` of the data element: escaped JSON, or gzip+base64 if it is large.

    The gzip stream has no timestamp, so the same data always gives the same bytes.
    """
    text = json_for_script(data)
    if len(text) <= compress_above:
        return JSON_TYPE, text
    raw = gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
    return GZIP_TYPE, base64.b64encode(raw).decode("ascii")


def _element(page: str, element_id: str) -> Any:
    """Decode the data element ``element_id`` of a page."""
    m = re.search(
        rf'<script type="(?P<type>[^"]+)" id="{element_id}">(?P<text>.*?)</script>', page, re.DOTALL
    )
    if not m:
        raise ValueError(f"not a kg view page: no {element_id} element")
    text = m.group("text")
    if m.group("type") == GZIP_TYPE:
        text = gzip.decompress(base64.b64decode(text)).decode("utf-8")
    return json.loads(text)


def split_text(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Take the sentence texts out of the data: the page decodes them after its first drawing."""
    sentences = data.get("sentences")
    if not isinstance(sentences, Mapping) or "text" not in sentences:
        return dict(data), []
    rest = {k: v for k, v in sentences.items() if k != "text"}
    return {**data, "sentences": rest}, list(sentences["text"])


def read_page_data(page: str) -> dict[str, Any]:
    """Return the data embedded in a page written by :func:`render` (for tests and tools).

    Raises:
        ValueError: if the page has no data element.
    """
    data = _element(page, "kg-data")
    if isinstance(data.get("sentences"), dict):
        data["sentences"]["text"] = _element(page, "kg-text")
    return data


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


def darker(color: str, factor: float = 0.72) -> str:
    """Return a darker shade of a ``#rrggbb`` colour (for node borders)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def iso(value: Any) -> str | None:
    """Return an ISO date string for a date or string value."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def strs(values: Any) -> list[str]:
    """Return ``values`` (a tuple, set or ``None``) as a sorted list of strings."""
    return sorted(str(v) for v in (values or ()))


def script_hash(code: str) -> str:
    """Return the CSP source expression allowing an inline script with this exact text."""
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(scripts: Iterable[str]) -> str:
    """Return the page's CSP: only these inline scripts, inline styles, no connections at all."""
    hashes = " ".join(script_hash(code) for code in scripts)
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {hashes}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "font-src data:",
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def render(data: Mapping[str, Any], assets: ViewAssets) -> str:
    """Fill the page template with the data (``data["mode"]`` picks the script) and the assets."""
    mode = str(data.get("mode", "detail"))
    view_js = assets.view_js(mode)
    for name, text in (("vis-network.min.js", assets.vis_js), ("view script", view_js)):
        if "</script" in text.lower():
            raise ValueError(f"{name} contains '</script' and cannot be inlined")
    for name, text in (("vis-network.css", assets.vis_css), ("view.css", assets.view_css)):
        if "</style" in text.lower():
            raise ValueError(f"{name} contains '</style' and cannot be inlined")
    core, texts = split_text(data)
    data_type, data_text = encode_data(core)
    text_type, text_text = encode_data(texts)
    values = {
        "TITLE": html.escape(str(data.get("title", "kg")), quote=True),
        "CSP": html.escape(content_security_policy([assets.vis_js, view_js]), quote=True),
        "MODE": mode,
        "VIS_CSS": assets.vis_css,
        "VIEW_CSS": assets.view_css,
        "DATA_TYPE": data_type,
        "DATA": data_text,
        "TEXT_TYPE": text_type,
        "TEXT": text_text,
        "VIS_JS": assets.vis_js,
        "VIEW_JS": view_js,
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], assets.template)
