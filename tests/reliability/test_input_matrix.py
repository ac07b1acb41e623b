"""The bad-input matrix: every case is read next to a good article, with a warning, no traceback.

Each case writes one bad (or odd) input into a folder that also holds ``good.txt``; reading the
folder must not raise, must give the case's warning naming the input, must keep the good
article and exactly the articles the case expects. :func:`test_whole_matrix_builds` then builds
every file case at once with the real ``kg build`` and checks that it exits 0, prints no
traceback and reports every warning.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.builder.read import ArticleStream, read_inputs

from .conftest import (
    article,
    can_drop_privileges,
    kg_build,
    read_unprivileged,
    text_of,
)

GOOD = article(0)
BODY = "The minister said on Monday that talks with Chile would resume in April."


def jl(**fields) -> str:
    """One JSON Lines record."""
    return json.dumps(fields) + "\n"


@dataclass
class Case:
    """One bad input: how to write it, the warning it gets, the ids read from it."""

    name: str
    write: Callable[[Path], None]
    warning: str | None  # regex searched in the warnings (None: no warning)
    ids: tuple[str, ...] = ()  # articles read from the bad input (besides good.txt)
    check: Callable[[list], None] | None = None  # extra check of the articles


def text_file(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda d: (d / name).write_bytes(data)


def jsonl_file(*lines: str, name: str = "feed.jsonl") -> Callable[[Path], None]:
    return lambda d: (d / name).write_text("".join(lines), encoding="utf-8")


def jsonl_bytes(data: bytes, name: str = "feed.jsonl") -> Callable[[Path], None]:
    return lambda d: (d / name).write_bytes(data)


def _symlink_loop(d: Path) -> None:
    (d / "sub").mkdir()
    (d / "sub" / "inner.txt").write_text(BODY, encoding="utf-8")
    os.symlink(d, d / "sub" / "loop")


def _texts(expected: str) -> Callable[[list], None]:
    def check(articles: list) -> None:
        assert any(expected in a.text for a in articles), [a.text[:80] for a in articles]

    return check


def _no_bad_chars(articles: list) -> None:
    for a in articles:
        assert not re.search("[\x00-\x08\ud800-\udfff]", a.text + (a.title or ""))
        a.text.encode("utf-8")


CASES = [
    # files
    Case("empty", text_file("empty.txt", b""), r"empty\.txt: empty file"),
    Case("blank", text_file("blank.txt", b"  \n\t\n"), r"blank\.txt: empty file"),
    Case("nul-bytes", text_file("bin.txt", b"\x00\x01\x02" * 50), r"bin\.txt: binary file"),
    Case("control-bytes", text_file("ctl.txt", bytes(range(1, 9)) * 40), r"ctl\.txt: binary"),
    Case(
        "latin-1",
        text_file("latin.txt", f"Protests in Bogot\xe1. {BODY}".encode("latin-1")),
        r"latin\.txt: not valid UTF-8",
        ("latin.txt",),
    ),
    Case(
        "utf-16-le-bom",
        text_file("u16le.txt", codecs.BOM_UTF16_LE + f"Caf\xe9 news. {BODY}".encode("utf-16-le")),
        None,
        ("u16le.txt",),
        _texts("Caf\xe9 news."),
    ),
    Case(
        "utf-16-be-bom",
        text_file("u16be.txt", codecs.BOM_UTF16_BE + BODY.encode("utf-16-be")),
        None,
        ("u16be.txt",),
        _texts("talks with Chile"),
    ),
    Case(
        "utf-32-bom",
        text_file("u32.txt", codecs.BOM_UTF32_LE + BODY.encode("utf-32-le")),
        None,
        ("u32.txt",),
        _texts("talks with Chile"),
    ),
    Case(
        "utf-8-bom",
        text_file("u8.txt", codecs.BOM_UTF8 + BODY.encode()),
        None,
        ("u8.txt",),
        lambda arts: [a for a in arts if a.id == "u8.txt"][0].text.startswith("The minister"),
    ),
    Case(
        "bad-header-date",
        text_file("date.txt", f"date 2022-13-45 Headline\n\n{BODY}\n".encode()),
        r"date\.txt: invalid date '2022-13-45'",
        ("date.txt",),
    ),
    Case(
        "header-only",
        text_file("head.txt", b"date 2022-01-05 Troops leave the capital\n"),
        r"head\.txt: only a header line",
        ("head.txt",),
    ),
    Case(
        "bare-header",
        text_file("bare.txt", b"date 2022-01-05\n"),
        r"bare\.txt: no article text",
    ),
    Case(
        "control-chars-in-text",
        text_file("bell.txt", f"Alarm\x07 rang\x0b today. {BODY}".encode()),
        r"bell\.txt: \d+ invalid character",
        ("bell.txt",),
        _no_bad_chars,
    ),
    Case(
        "broken-link",
        lambda d: os.symlink(d / "nowhere.txt", d / "dangling.txt"),
        r"dangling\.txt: broken link",
    ),
    Case(
        "symlink-loop",
        _symlink_loop,
        r"loop: link to a folder, not followed",
        ("sub/inner.txt",),
    ),
    Case(
        "duplicate-ids",
        jsonl_file(jl(id="good.txt", text=BODY)),
        r"duplicate id 'good.txt', renamed 'good.txt#2'",
        ("good.txt#2",),
    ),
    Case("no-txt", lambda d: (d / "notes.md").write_text("x"), None),
    # JSON Lines records
    Case("not-json", jsonl_file("{oops\n"), r"feed\.jsonl:1: skipped bad JSON Lines record"),
    Case("json-array", jsonl_file("[1, 2]\n"), r"feed\.jsonl:1: .*not a JSON object but list"),
    Case("json-null", jsonl_file("null\n"), r"feed\.jsonl:1: .*not a JSON object"),
    Case("json-string", jsonl_file('"text"\n'), r"feed\.jsonl:1: .*not a JSON object but str"),
    Case(
        "numeric-title",
        jsonl_file(jl(id="r1", text=BODY, title=12)),
        r"feed\.jsonl:1: .*'title' must be str, not int",
    ),
    Case(
        "list-title",
        jsonl_file(jl(id="r1", text=BODY, title=["a", "b"])),
        r"feed\.jsonl:1: .*'title' must be str, not list",
    ),
    Case(
        "numeric-url",
        jsonl_file(jl(id="r1", text=BODY, url=5)),
        r"feed\.jsonl:1: .*'url' must be str, not int",
    ),
    Case(
        "object-url",
        jsonl_file(jl(id="r1", text=BODY, url={"href": "x"})),
        r"feed\.jsonl:1: .*'url' must be str, not dict",
    ),
    Case(
        "numeric-text",
        jsonl_file(jl(id="r1", text=42)),
        r"feed\.jsonl:1: .*'text' must be str, not int",
    ),
    Case("missing-text", jsonl_file(jl(id="r1")), r"feed\.jsonl:1: .*no text"),
    Case("blank-text", jsonl_file(jl(id="r1", text="  ")), r"feed\.jsonl:1: .*no text"),
    Case(
        "numeric-date",
        jsonl_file(jl(id="r1", text=BODY, date=19870226)),
        r"'date' must be str, not int",
    ),
    Case("bad-date", jsonl_file(jl(id="r1", text=BODY, date="1987-02-31")), r"bad date"),
    Case("bool-id", jsonl_file(jl(id=True, text=BODY)), r"'id' must be str or int, not bool"),
    Case("int-id", jsonl_file(jl(id=42, text=BODY)), None, ("42",)),
    Case("newline-id", jsonl_file(jl(id="a\nb", text=BODY)), r"id has control"),
    Case("long-id", jsonl_file(jl(id="x" * 5000, text=BODY)), r"id longer than"),
    Case(
        "deep-array",
        jsonl_file("[" * 100_000 + "]" * 100_000 + "\n"),
        r"feed\.jsonl:1: .*nested too deeply",
    ),
    Case(
        "deep-field",
        jsonl_file('{"id": "r1", "text": "x", "meta": ' + "[" * 50_000 + "]" * 50_000 + "}\n"),
        r"feed\.jsonl:1: .*nested too deeply",
    ),
    Case(
        "lone-surrogate-text",
        jsonl_file('{"id": "s1", "text": "Caf\\ud800 owners protested in Lyon."}\n'),
        r"feed\.jsonl:1: 1 invalid character\(s\) in 'text' replaced",
        ("s1",),
        _no_bad_chars,
    ),
    Case(
        "lone-surrogate-title",
        jsonl_file('{"id": "s2", "text": "Owners protested.", "title": "Lyon \\udc00"}\n'),
        r"in 'title' replaced",
        ("s2",),
        _no_bad_chars,
    ),
    Case(
        "escaped-nul",
        jsonl_file('{"id": "z1", "text": "Null\\u0000 byte in Lyon."}\n'),
        r"in 'text' replaced",
        ("z1",),
        _no_bad_chars,
    ),
    Case(
        "raw-u2028",
        jsonl_file('{"id": "p1", "text": "Talks\u2028resumed in Lima."}\n', jl(id="p2", text=BODY)),
        None,
        ("p1", "p2"),
        _texts("Talks\u2028resumed"),
    ),
    Case(
        "raw-nel-and-ff",
        jsonl_file('{"id": "n1", "text": "Talks\u0085resumed\u000c in Lima."}\n'),
        r"in 'text' replaced",
        ("n1",),
    ),
    Case(
        "bad-utf8-in-record",
        jsonl_bytes(b'{"id": "b1", "text": "Caf\xe9 owners protested."}\n'),
        r"feed\.jsonl:1: not valid UTF-8",
        ("b1",),
    ),
    Case(
        "crlf-lines",
        jsonl_bytes(
            (jl(id="c1", text=BODY) + jl(id="c2", text=BODY)).replace("\n", "\r\n").encode()
        ),
        None,
        ("c1", "c2"),
    ),
    Case(
        "blank-lines",
        jsonl_file("\n\n" + jl(id="k1", text=BODY) + "   \n"),
        None,
        ("k1",),
    ),
    Case(
        "truncated-last-line",
        jsonl_file(jl(id="t1", text=BODY) + '{"id": "t2", "text": "cut sh'),
        r"feed\.jsonl:2: skipped bad JSON",
        ("t1",),
    ),
    Case(
        "utf-16-jsonl",
        jsonl_bytes(codecs.BOM_UTF16_LE + (jl(id="w1", text=BODY)).encode("utf-16-le")),
        None,
        ("w1",),
    ),
    Case(
        "extra-fields",
        jsonl_file(jl(id="e1", text=BODY, lang="en", tags=[1, 2])),
        None,
        ("e1",),
    ),
    Case(
        "iso-datetime",
        jsonl_file(jl(id="d1", text=BODY, date="1987-03-01T10:00:00Z")),
        None,
        ("d1",),
    ),
]


def _read_case(case: Case, folder: Path):
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    case.write(folder)
    return read_inputs([folder])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_skipped_or_repaired_with_a_warning(case, tmp_path):
    result = _read_case(case, tmp_path / "in")
    ids = [a.id for a in result.articles]
    assert "good.txt" in ids, "the good article was lost"
    assert sorted(ids) == sorted(["good.txt", *case.ids])
    joined = "\n".join(result.warnings)
    if case.warning is None:
        assert result.warnings == []
    else:
        assert re.search(case.warning, joined), joined
    if case.check is not None:
        assert case.check(result.articles) is not False
    for a in result.articles:
        a.text.encode("utf-8")  # every text can be written


def test_oversized_article_and_line_are_skipped_by_name(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "big.txt").write_text("word " * 400, encoding="utf-8")
    (tmp_path / "feed.jsonl").write_text(jl(id="j1", text="word " * 400) + jl(id="j2", text=BODY))
    stream = ArticleStream([tmp_path], max_chars=1000)
    ids = [a.id for a in stream]
    assert sorted(ids) == ["good.txt", "j2"]
    joined = "\n".join(stream.warnings)
    assert re.search(r"big\.txt: .*over --max-chars 1,000", joined)
    assert re.search(r"feed\.jsonl:1: .*over", joined)


def test_glob_over_symlink_loop_does_not_hang(tmp_path):
    _symlink_loop(tmp_path)
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result = read_inputs([str(tmp_path / "**" / "*.txt")])
    assert sorted(a.id for a in result.articles) == ["good.txt", "inner.txt"]
    assert any("not followed" in w for w in result.warnings)


def test_glob_semantics_match_files_not_links(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text(BODY)
    (tmp_path / "a" / "b" / "two.txt").write_text(BODY)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.txt").write_text(BODY)
    pattern = str(tmp_path / "**" / "*.txt")
    assert sorted(a.id for a in read_inputs([pattern]).articles) == ["one.txt", "two.txt"]
    assert [a.id for a in read_inputs([str(tmp_path / "*" / "one.txt")]).articles] == ["one.txt"]
    assert [a.id for a in read_inputs([str(tmp_path / "a" / "*" / "*.txt")]).articles] == [
        "two.txt"
    ]


@pytest.mark.parametrize(
    "data, warning, ids",
    [
        (b"Caf\xe9 owners protested in Lyon.", "<stdin>: not valid UTF-8", ["stdin"]),
        (b"", "<stdin>: empty", []),
        (
            ('{"id": "s1", "text": "Talks\u2028resumed."}\n' + jl(id="s2", text=BODY)).encode(),
            None,
            ["s1", "s2"],
        ),
        (codecs.BOM_UTF16_LE + BODY.encode("utf-16-le"), None, ["stdin"]),
        (b'{"id": "s1", "text": 5}\n' + jl(id="s2", text=BODY).encode(), "<stdin>:1:", ["s2"]),
    ],
    ids=["non-utf8", "empty", "u2028-jsonl", "utf16", "bad-record"],
)
def test_stdin_is_decoded_like_a_file(data, warning, ids):
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    result = read_inputs(["-"], stdin=stdin)
    assert [a.id for a in result.articles] == ids
    if warning:
        assert any(warning in w for w in result.warnings), result.warnings


needs_unprivileged = pytest.mark.skipif(
    not can_drop_privileges(), reason="needs a non-root user or root able to become nobody"
)


@needs_unprivileged
def test_unreadable_file_folder_and_path_inside_are_warned(public_tmp):
    root = public_tmp / "in"
    root.mkdir()
    root.chmod(0o755)
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    (root / "good.txt").chmod(0o644)
    (root / "secret.txt").write_text(BODY, encoding="utf-8")
    (root / "secret.txt").chmod(0o000)
    locked = root / "locked"
    locked.mkdir()
    (locked / "inner.txt").write_text(BODY, encoding="utf-8")
    locked.chmod(0o000)
    ids, warnings = read_unprivileged([str(root), str(locked / "inner.txt")])
    joined = "\n".join(warnings)
    assert ids == ["good.txt"]
    assert re.search(r"secret\.txt: unreadable", joined), joined
    assert re.search(r"locked: unreadable folder", joined), joined
    assert re.search(r"inner\.txt: unreadable", joined), joined


@pytest.mark.model
@pytest.mark.slow
def test_whole_matrix_builds_without_traceback(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    for case in CASES:
        folder = src / case.name
        folder.mkdir()
        case.write(folder)
    readable = len(read_inputs([src]).articles)
    out = tmp_path / "out"
    proc = kg_build(str(src), "--out", str(out), "-q", "--workers", "1")
    output = text_of(proc)
    assert proc.returncode == 0, output
    assert "Traceback" not in output
    report = json.loads((out / "report.json").read_text())
    joined = "\n".join(report["warnings"])
    for case in CASES:
        if case.warning and case.name != "duplicate-ids":  # ids are paths in a folder
            assert re.search(case.warning, joined), (case.name, joined)
    assert report["documents"] == readable


@pytest.mark.model
@pytest.mark.slow
def test_non_utf8_stdin_builds_with_a_warning(tmp_path):
    data = f"date 2021-05-01 Caf\xe9 owners protest\n\n{BODY}\n".encode("latin-1")
    proc = kg_build("-", "--out", str(tmp_path / "out"), "-q", "--workers", "1", stdin=data)
    output = text_of(proc)
    assert proc.returncode == 0 and "Traceback" not in output, output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["documents"] == 1
    assert any(w.startswith("<stdin>: not valid UTF-8") for w in report["warnings"])
