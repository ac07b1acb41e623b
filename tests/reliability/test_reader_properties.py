"""Property-based tests of the reader (hypothesis): no input makes it raise or lose records."""

from __future__ import annotations

import glob
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.builder.read import ArticleStream, _glob, clean_text, decode, parse_jsonl_line

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
BAD = set(range(0, 9)) | {0x0B, 0x0C} | set(range(0x0E, 0x20)) | {0x7F, 0xFFFE, 0xFFFF}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
records = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=20), st.integers(), st.booleans(), st.none()),
        "text": st.one_of(st.text(), st.integers(), st.none(), st.lists(st.text(), max_size=2)),
        "title": st.one_of(st.text(max_size=30), st.integers(), st.none()),
        "url": st.one_of(st.text(max_size=30), st.floats(allow_nan=False), st.none()),
        "date": st.one_of(st.dates().map(str), st.text(max_size=12), st.integers(), st.none()),
    },
)


def _clean(text: str) -> bool:
    return not any(ord(c) in BAD or 0xD800 <= ord(c) <= 0xDFFF for c in text)


@SETTINGS
@given(st.binary(max_size=3000))
def test_decoding_any_bytes_never_raises(data):
    text, warning = decode(data, "x.txt")
    assert text is not None or warning


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(["a.txt", "a.jsonl"]))
def test_any_file_content_is_read_or_warned_about(data, name):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        stream = ArticleStream([path])
        articles = list(stream)
        for a in articles:
            assert _clean(a.text) and _clean(a.title or "") and a.text.strip()
            a.text.encode("utf-8")
        if not articles:
            assert stream.warnings or not any(line.strip() for line in data.split(b"\n"))


@SETTINGS
@given(
    st.lists(st.one_of(records.map(json.dumps), json_values.map(json.dumps), st.text()), max_size=8)
)
def test_every_jsonl_line_gives_an_article_or_a_warning_naming_it(lines):
    lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feed.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
        stream = ArticleStream([path])
        articles = list(stream)
    # blank lines are skipped silently (blank as bytes: ASCII whitespace only)
    numbered = [
        n for n, line in enumerate(lines, 1) if line.encode("utf-8", "surrogatepass").strip()
    ]
    sources = {a.source for a in articles}
    for number in numbered:
        where = f"{path}:{number}"
        assert where in sources or any(w.startswith(where + ":") for w in stream.warnings), where
    assert len(articles) + stream.skipped == len(numbered) == stream.estimate
    for a in articles:
        assert _clean(a.text) and _clean(a.title or "") and _clean(a.url or "")
        assert a.id and "\n" not in a.id


@SETTINGS
@given(st.text(min_size=1), st.text(max_size=20))
def test_a_valid_record_keeps_its_text_cleaned(text, ident):
    line = json.dumps({"id": ident, "text": text})
    try:
        art = parse_jsonl_line(line, "f:1", "fallback")
    except ValueError as err:
        assert "no text" in str(err) or "id" in str(err)
        return
    assert _clean(art.text)
    assert art.id == (ident.strip() or "fallback")
    cleaned, _ = clean_text(text)
    assert art.text.split() == cleaned.split(), "no word is lost or changed"


names = st.sampled_from(["a", "b", ".h", "x.txt", "y.txt", ".z.txt"])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(names, min_size=1, max_size=3), min_size=1, max_size=8),
    st.lists(
        st.sampled_from(["*", "**", "*.txt", "a", "x.txt", "?.txt", "[ab]"]), min_size=1, max_size=3
    ),
)
def test_glob_agrees_with_the_standard_library_without_links(tree, pattern):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for parts in tree:
            path = root.joinpath(*parts)
            try:
                if any(p.is_file() for p in path.parents if p != root and p.is_relative_to(root)):
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                if not path.exists():
                    path.write_text("x")
            except OSError:
                continue
        text = os.path.join(tmp, *pattern)
        expected = sorted({Path(p) for p in glob.glob(text, recursive=True) if os.path.isfile(p)})
        if not glob.has_magic(text):
            return
        warnings: list[str] = []
        assert sorted(_glob(text, warnings)) == expected
