import datetime as dt
import io
import json
import os

import pytest

from kg.builder.read import (
    ArticleStream,
    clean_text,
    decode,
    expand_inputs,
    parse_text,
    read_inputs,
    unwrap,
)


def test_header_date_and_headline_are_parsed():
    art = parse_text(" date 2022-01-09 Troops arrive.\n\nFirst paragraph here.\n", "a.txt")
    assert art.date == dt.date(2022, 1, 9)
    assert art.title == "Troops arrive."
    assert art.text == "Troops arrive.\n\nFirst paragraph here."


def test_file_without_header_has_no_date():
    art = parse_text("Headline without date\n\nBody text.", "b.txt")
    assert art.date is None
    assert art.title == "Headline without date"
    assert "Body text." in art.text


def test_bad_header_date_is_ignored_not_fatal():
    art = parse_text("date 2022-13-40 Odd\n\nBody.", "c.txt")
    assert art.date is None


def test_hard_wraps_are_joined_into_paragraphs():
    wrapped = (
        "    The central bank said on Tuesday it would raise its main\n"
        "interest rate by half a point, citing inflation that has run\n"
        "above target for a year.\n"
        "    Analysts had expected the move.\n"
    )
    text = unwrap(wrapped)
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 2
    assert "raise its main interest rate" in paragraphs[0]
    assert paragraphs[1] == "Analysts had expected the move."


def test_invalid_utf8_is_replaced_with_warning():
    text, warning = decode(b"Caf\xe9 owners protested.", "x.txt")
    assert text == "Caf\ufffd owners protested."
    assert "not valid UTF-8" in warning and "x.txt" in warning


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02binary"])
def test_empty_and_binary_are_skipped(data):
    text, warning = decode(data, "bad.bin")
    assert text is None
    assert "skipped" in warning


def test_bad_files_do_not_stop_reading(tmp_path):
    (tmp_path / "good.txt").write_text("date 2021-05-01 Fine\n\nMinisters met.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\xff\x00\xff" * 10)
    (tmp_path / "latin1.txt").write_bytes("Protests in Bogot\xe1.".encode("latin-1"))
    os.symlink(tmp_path / "missing", tmp_path / "dangling.txt")
    result = read_inputs([tmp_path])
    ids = sorted(a.id for a in result.articles)
    assert ids == ["good.txt", "latin1.txt"]
    joined = "\n".join(result.warnings)
    assert "empty.txt" in joined and "bin.txt" in joined and "latin1.txt" in joined


def test_folder_recursion_glob_and_ids(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "one.txt").write_text("Other one.", encoding="utf-8")
    sources, _ = expand_inputs([tmp_path])
    assert [s.doc_id for s in sources] == ["a/one.txt", "b/one.txt"]
    sources, _ = expand_inputs([str(tmp_path / "*" / "one.txt")])
    assert len(sources) == 2
    _, warnings = expand_inputs([str(tmp_path / "nothing-*.txt"), tmp_path / "nope.txt"])
    assert len(warnings) == 2


def test_duplicate_ids_are_renamed_with_warning(tmp_path):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.txt").write_text("Text.", encoding="utf-8")
    result = read_inputs([tmp_path / "x" / "same.txt", tmp_path / "y" / "same.txt"])
    assert [a.id for a in result.articles] == ["same.txt", "same.txt#2"]
    assert any("duplicate id" in w for w in result.warnings)


def test_jsonl_records_and_bad_lines(tmp_path):
    lines = [
        json.dumps(
            {
                "id": "r1",
                "text": "Troops crossed the border.",
                "date": "1987-02-26",
                "title": "Border",
                "url": "http://example.org/1",
            }
        ),
        "{not json",
        json.dumps({"id": "r3", "text": ""}),
        json.dumps({"id": "r4", "text": "Talks resumed.", "date": "1987-03-01T10:00:00"}),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_inputs([path])
    assert [a.id for a in result.articles] == ["r1", "r4"]
    assert result.articles[0].date == dt.date(1987, 2, 26)
    assert result.articles[0].url == "http://example.org/1"
    assert result.articles[0].text.startswith("Border\n\n")
    assert result.articles[1].date == dt.date(1987, 3, 1)
    assert len(result.warnings) == 2 and all("feed.jsonl:" in w for w in result.warnings)


def test_stdin_text_and_jsonl():
    result = read_inputs(["-"], stdin=io.StringIO("date 2020-08-10 Vote\n\nPolls closed."))
    assert result.articles[0].id == "stdin" and result.articles[0].date == dt.date(2020, 8, 10)
    result = read_inputs(["-"], stdin=io.StringIO('{"id": "s1", "text": "Hello."}\n'))
    assert result.articles[0].id == "s1"


def test_clean_text_replaces_one_for_one():
    text, count = clean_text("a\x00b\ud800c\x0bd\te\nf")
    assert text == "a b\ufffdc d\te\nf" and count == 3
    assert clean_text("plain") == ("plain", 0)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_decode_follows_a_byte_order_mark(encoding):
    text, warning = decode("Café owners protested.".encode(encoding), "x.txt")
    assert text == "Café owners protested." and warning is None


def test_stream_estimate_is_known_before_reading(tmp_path):
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "f.jsonl").write_text('{"text": "x"}\n\n{bad\n{"text": "y"}\n', encoding="utf-8")
    stream = ArticleStream([tmp_path])
    assert stream.estimate == 4
    assert len(list(stream)) == 3 and stream.skipped == 1
