"""Read articles from files, folders, globs, stdin and JSON Lines into ``Article`` values."""

from __future__ import annotations

import datetime as dt
import glob
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from kg.model import Article

#: File suffixes read when a folder is given.
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")

_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?:[ \t]+(.*))?$")
_BLANK = re.compile(r"\n[ \t]*\n")
_SENT_END = ".!?:\"'”’)]"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class ReadResult:
    """Articles read, and a warning for every input that was skipped or repaired."""

    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """One input to read: a path (with the id it gets) or standard input."""

    path: Path | None
    doc_id: str

    @property
    def name(self) -> str:
        """Human-readable name of the source for warnings."""
        return str(self.path) if self.path else "<stdin>"


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[Source], list[str]]:
    """Expand files, folders (recursively), globs and ``-`` into sources, in a stable order.

    Ids are file names for files given directly, and paths relative to the folder for folders.

    Args:
        inputs: Paths, folder paths, glob patterns or ``-`` (standard input).

    Returns:
        The sources and warnings for inputs that matched nothing.
    """
    sources: list[Source] = []
    warnings: list[str] = []
    seen: set[Path] = set()

    def add(path: Path, doc_id: str) -> None:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            sources.append(Source(path, doc_id))

    for item in inputs:
        text = str(item)
        if text == "-":
            sources.append(Source(None, "stdin"))
            continue
        path = Path(text)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES
            )
            if not files:
                warnings.append(f"{path}: folder has no .txt or .jsonl files")
            for p in files:
                add(p, p.relative_to(path).as_posix())
        elif path.is_file():
            add(path, path.name)
        elif glob.has_magic(text):
            matches = sorted(Path(p) for p in glob.glob(text, recursive=True))
            files = [p for p in matches if p.is_file()]
            if not files:
                warnings.append(f"{text}: pattern matched no files")
            for p in files:
                add(p, p.name)
        else:
            warnings.append(f"{text}: no such file or folder")
    return sources, warnings


def decode(data: bytes, name: str) -> tuple[str | None, str | None]:
    """Decode article bytes as UTF-8, repairing invalid bytes.

    Args:
        data: Raw file contents.
        name: Source name for the warning.

    Returns:
        ``(text, warning)``: text is ``None`` when the data is empty or binary.
    """
    if not data.strip():
        return None, f"{name}: empty file, skipped"
    sample = data[:4096]
    if b"\x00" in sample:
        return None, f"{name}: binary file (NUL bytes), skipped"
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls > len(sample) * 0.05:
        return None, f"{name}: binary file (control bytes), skipped"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        return text, (
            f"{name}: not valid UTF-8 (first bad byte at offset {err.start}); "
            f"decoded with {bad} replacement character(s)"
        )


def unwrap(text: str) -> str:
    r"""Join hard-wrapped lines into paragraphs; paragraphs are separated by a blank line.

    A paragraph ends at a blank line, at an indented line (newswire style) or after a line much
    shorter than the text's wrap width that ends a sentence.

    Args:
        text: Text with ``\\n`` line ends.

    Returns:
        Text with one paragraph per line, paragraphs separated by ``\\n\\n``.
    """
    lines = text.split("\n")
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraphs.append(" ".join(current))
            current.clear()

    for line in lines:
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if current and line[:1] in (" ", "\t"):
            flush()
        current.append(re.sub(r"[ \t]+", " ", stripped))
        short = len(line.rstrip()) < 0.6 * width
        if short and stripped[-1] in _SENT_END:
            flush()
    flush()
    return "\n\n".join(paragraphs)


def parse_text(raw: str, doc_id: str, source: str = "") -> Article:
    """Turn raw article text into an :class:`Article`, parsing the ``date`` header line.

    The header ``date YYYY-MM-DD Headline`` (possibly indented) gives the date and the headline;
    the headline stays as the first paragraph of the text, since news headlines state facts.

    Args:
        raw: The text as read.
        doc_id: Identifier of the document.
        source: Where it was read from.

    Returns:
        The article.
    """
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    first, _, rest = raw.lstrip("\n").partition("\n")
    date: dt.date | None = None
    title: str | None = None
    match = _HEADER.match(first)
    if match:
        try:
            date = dt.date.fromisoformat(match.group(1))
        except ValueError:
            date = None
        title = (match.group(2) or "").strip() or None
        body = (title + "\n\n" + rest) if title else rest
    else:
        body = raw
        title = first.strip() or None
    return Article(id=doc_id, text=unwrap(body), date=date, title=title, source=source)


def parse_jsonl_line(line: str, where: str, fallback_id: str) -> Article:
    """Parse one JSON Lines record ``{"id","text","date","title","url"}``.

    Raises:
        ValueError: when the line is not a JSON object with a non-empty ``text``.
    """
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    # a "\\ud800" escape gives a lone surrogate, which no UTF-8 output can carry
    obj = {k: _LONE_SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for k, v in obj.items()}
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no text")
    date = None
    if obj.get("date"):
        try:
            date = dt.date.fromisoformat(str(obj["date"])[:10])
        except ValueError as err:
            raise ValueError(f"bad date {obj['date']!r}") from err
    title = obj.get("title") or None
    body = unwrap(text.replace("\r\n", "\n"))
    if title and not body.startswith(title):
        body = f"{title.strip()}\n\n{body}"
    return Article(
        id=str(obj.get("id") or fallback_id),
        text=body,
        date=date,
        title=title,
        url=obj.get("url") or None,
        source=where,
    )


def read_jsonl(lines: Iterable[str], name: str, result: ReadResult) -> None:
    """Read JSON Lines records into ``result``, warning about (and skipping) bad lines.

    Records are separated by line feeds only: JSON strings may hold U+2028, U+2029 or U+0085 raw,
    which :meth:`str.splitlines` would take for line ends.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            result.articles.append(parse_jsonl_line(line, where, f"{Path(name).stem}-{number}"))
        except (ValueError, json.JSONDecodeError) as err:
            result.warnings.append(f"{where}: skipped bad JSON Lines record ({err})")


def read_source(source: Source, result: ReadResult, stdin: TextIO | None = None) -> None:
    """Read one source into ``result``; never raises for bad input."""
    if source.path is None:
        stream = stdin or sys.stdin
        data = stream.read()
        if data.lstrip().startswith("{"):
            read_jsonl(data.split("\n"), "<stdin>", result)
        elif data.strip():
            result.articles.append(parse_text(data, source.doc_id, "<stdin>"))
        else:
            result.warnings.append("<stdin>: empty input, skipped")
        return
    try:
        data = source.path.read_bytes()
    except OSError as err:
        result.warnings.append(f"{source.name}: unreadable ({err.strerror or err}), skipped")
        return
    text, warning = decode(data, source.name)
    if warning:
        result.warnings.append(warning)
    if text is None:
        return
    if source.path.suffix.lower() in JSONL_SUFFIXES:
        read_jsonl(text.split("\n"), source.name, result)
    else:
        result.articles.append(parse_text(text, source.doc_id, source.name))


def read_inputs(inputs: Iterable[str | Path], stdin: TextIO | None = None) -> ReadResult:
    """Read every article from the given inputs.

    Args:
        inputs: Files, folders, glob patterns, ``-`` for standard input, ``.jsonl`` files.
        stdin: Stream used for ``-`` (defaults to ``sys.stdin``).

    Returns:
        The articles (duplicate ids get a ``#2`` suffix, with a warning) and warnings.
    """
    sources, warnings = expand_inputs(inputs)
    result = ReadResult(warnings=warnings)
    for source in sources:
        read_source(source, result, stdin)
    result.articles = list(_dedupe_ids(result.articles, result.warnings))
    return result


def _dedupe_ids(articles: list[Article], warnings: list[str]) -> Iterator[Article]:
    seen: dict[str, int] = {}
    for article in articles:
        count = seen.get(article.id, 0) + 1
        seen[article.id] = count
        if count > 1:
            new_id = f"{article.id}#{count}"
            warnings.append(f"{article.source}: duplicate id {article.id!r}, renamed {new_id!r}")
            article = Article(
                new_id, article.text, article.date, article.title, article.url, article.source
            )
        yield article
