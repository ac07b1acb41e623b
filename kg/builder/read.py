r"""Read articles from files, folders, globs, stdin and JSON Lines into ``Article`` values.

Reading is the edge of the build, so every input is checked here and nothing raises: a bad file
or record is skipped (or repaired) with a warning naming it (``path`` or ``path:LINE``) and the
reason. Articles are streamed (:class:`ArticleStream`), so a corpus never has to fit in memory;
:func:`read_inputs` collects them into a list.

What is checked: paths (missing, unreadable, links to folders are not followed, broken links),
encodings (UTF-8 with a warning for bad bytes, UTF-16/32 with a byte-order mark, binary files
skipped), text files (invalid header dates, header-only files, articles over ``max_chars``),
JSON Lines records (one JSON object per ``\\n``-terminated line, the type of every known field,
a size and nesting limit per line) and text (lone surrogates and control characters replaced).
"""

from __future__ import annotations

import codecs
import datetime as dt
import fnmatch
import glob
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from kg.model import Article

#: File suffixes read when a folder is given.
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
#: Default ``--max-chars``: larger articles are skipped with a warning (long ones are split).
MAX_CHARS = 10_000_000
#: Longest JSON Lines record read, in bytes (JSON escapes make a record up to 6x its text).
MAX_LINE_BYTES = 6 * MAX_CHARS + (1 << 16)
#: Longest document id accepted from JSON Lines.
MAX_ID_CHARS = 1000

_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?:[ \t]+(.*))?$")
_SENT_END = ".!?:\"'”’)]"
_SPACES = re.compile(r"[ \t]+")
#: Characters no export format can carry: C0/C1 controls (but tab, line feed, carriage
#: return), lone surrogates and the non-characters U+FFFE/U+FFFF.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
#: Characters an id may not hold: every control character (line ends and tabs too).
_BAD_ID_CHARS = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


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

    @property
    def is_jsonl(self) -> bool:
        """Whether the source is read as JSON Lines (by suffix; stdin decides by content)."""
        return self.path is not None and self.path.suffix.lower() in JSONL_SUFFIXES


class SkipRecord(ValueError):
    """A JSON Lines record or file that is skipped (the message is the reason)."""


# --------------------------------------------------------------------------- paths


def _kind(path: Path) -> tuple[str, str]:
    """Return ``("dir" | "file" | "missing" | "broken" | "other" | "error", detail)``."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return ("broken", "") if os.path.islink(path) else ("missing", "")
    except OSError as err:
        return "error", err.strerror or str(err)
    if stat.S_ISDIR(mode):
        return "dir", ""
    if stat.S_ISREG(mode):
        return "file", ""
    return "other", ""


def _walk(top: Path, warnings: list[str], keep: Callable[[tuple[str, ...]], bool]) -> list[Path]:
    """Files under ``top`` (links to folders are not followed), sorted by their parts.

    Args:
        top: Folder to walk.
        warnings: Unreadable folders, links to folders and broken links are reported here.
        keep: Whether to descend into a folder, given its parts relative to ``top``.
    """
    found: list[Path] = []

    def unreadable(err: OSError) -> None:
        warnings.append(f"{err.filename}: unreadable folder ({err.strerror or err}), skipped")

    for dirpath, dirnames, filenames in os.walk(top, onerror=unreadable, followlinks=False):
        here = Path(dirpath)
        rel = here.relative_to(top).parts
        for name in list(dirnames):
            if os.path.islink(here / name):
                dirnames.remove(name)
                if keep((*rel, name)):
                    warnings.append(f"{here / name}: link to a folder, not followed")
            elif not keep((*rel, name)):
                dirnames.remove(name)
        found.extend(here / name for name in filenames)
    return sorted(found, key=lambda p: p.relative_to(top).parts)


def _component(name: str, pattern: str) -> bool:
    """Glob match of one path component (``*`` does not match a leading dot, as in glob)."""
    if name.startswith(".") and not pattern.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, pattern)


def _glob_match(parts: tuple[str, ...], pats: tuple[str, ...]) -> bool:
    """Whether relative path ``parts`` matches the glob components ``pats`` (``**`` recursive)."""
    if not pats:
        return not parts
    if pats[0] == "**":
        # a trailing ``**`` matches folders and what is in them: a file needs one part at least
        for i in range(0 if len(pats) > 1 else 1, len(parts) + 1):
            if i and parts[i - 1].startswith("."):
                return False
            if _glob_match(parts[i:], pats[1:]):
                return True
        return False
    return bool(parts) and _component(parts[0], pats[0]) and _glob_match(parts[1:], pats[1:])


def _glob_may_descend(parts: tuple[str, ...], pats: tuple[str, ...]) -> bool:
    """Whether something below folder ``parts`` may match ``pats``."""
    if not parts:
        return bool(pats)
    if not pats:
        return False
    if pats[0] == "**":
        return not parts[0].startswith(".") or _glob_may_descend(parts, pats[1:])
    return _component(parts[0], pats[0]) and _glob_may_descend(parts[1:], pats[1:])


def _glob(pattern: str, warnings: list[str]) -> list[Path]:
    """Files matching a glob pattern, without following links to folders."""
    parts = Path(pattern).parts
    cut = next(i for i, p in enumerate(parts) if glob.has_magic(p))
    base = Path(*parts[:cut]) if cut else Path(".")
    pats = tuple(parts[cut:])
    kind, detail = _kind(base)
    if kind == "error":
        warnings.append(f"{base}: unreadable ({detail}), skipped")
    if kind != "dir":
        return []
    files = _walk(base, warnings, lambda rel: _glob_may_descend(rel, pats))
    return [p for p in files if _glob_match(p.relative_to(base).parts, pats)]


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[Source], list[str]]:
    """Expand files, folders (recursively), globs and ``-`` into sources, in a stable order.

    Ids are file names for files given directly, and paths relative to the folder for folders.
    Links to folders are not followed (so link loops cannot hang a build); unreadable folders and
    broken links are reported.

    Args:
        inputs: Paths, folder paths, glob patterns or ``-`` (standard input).

    Returns:
        The sources and warnings for inputs that matched nothing or could not be read.
    """
    sources: list[Source] = []
    warnings: list[str] = []
    seen: set[Path] = set()

    def add(path: Path, doc_id: str, direct: bool) -> None:
        kind, detail = _kind(path)
        if kind == "broken":
            warnings.append(f"{path}: broken link, skipped")
        elif kind == "error":
            warnings.append(f"{path}: unreadable ({detail}), skipped")
        elif kind == "file":
            resolved = path.resolve()
            if resolved not in seen:
                seen.add(resolved)
                sources.append(Source(path, doc_id))
        elif direct:
            warnings.append(f"{path}: not a regular file, skipped")

    for item in inputs:
        text = str(item)
        if text == "-":
            sources.append(Source(None, "stdin"))
            continue
        path = Path(text)
        kind, detail = _kind(path)
        if kind == "dir":
            files = [
                p
                for p in _walk(path, warnings, lambda rel: True)
                if p.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES
            ]
            if not files:
                warnings.append(f"{path}: folder has no .txt or .jsonl files")
            for p in files:
                add(p, p.relative_to(path).as_posix(), direct=False)
        elif kind in ("file", "other", "broken"):
            add(path, path.name, direct=True)
        elif kind == "error":
            warnings.append(f"{text}: unreadable ({detail}), skipped")
        elif glob.has_magic(text):
            files = _glob(text, warnings)
            if not files:
                warnings.append(f"{text}: pattern matched no files")
            for p in files:
                add(p, p.name, direct=False)
        else:
            warnings.append(f"{text}: no such file or folder")
    return sources, warnings


# --------------------------------------------------------------------------- text


def clean_text(text: str) -> tuple[str, int]:
    """Replace characters no export can carry, one for one (offsets stay valid).

    Lone surrogates become U+FFFD; control characters (but tab and line ends) become spaces.

    Returns:
        The clean text and the number of characters replaced.
    """
    if not _BAD_CHARS.search(text):
        return text, 0
    count = 0

    def sub(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else " "

    return _BAD_CHARS.sub(sub, text), count


def decode(data: bytes, name: str) -> tuple[str | None, str | None]:
    """Decode article bytes: UTF-8, or UTF-16/32 given a byte-order mark; bad bytes repaired.

    Args:
        data: Raw file contents.
        name: Source name for the warning.

    Returns:
        ``(text, warning)``: text is ``None`` when the data is empty or binary.
    """
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is not None:
        bom = next(b for b, enc in _BOMS if enc == encoding)
        data = data[len(bom) :]
        text = data.decode(encoding, errors="replace")
        if not text.strip():
            return None, f"{name}: empty file, skipped"
        bad = text.count("\ufffd")
        if bad and encoding != "utf-8":
            return text, f"{name}: not valid {encoding.upper()}; {bad} replacement character(s)"
        if encoding != "utf-8":
            return text, None
    if not data.strip():
        return None, f"{name}: empty file, skipped"
    sample = data[:4096]
    if b"\x00" in sample:
        return None, f"{name}: binary file (NUL bytes), skipped"
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls > len(sample) * 0.05:
        return None, f"{name}: binary file (control bytes), skipped"
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
        current.append(
            _SPACES.sub(" ", stripped) if "  " in stripped or "\t" in stripped else stripped
        )
        short = len(line.rstrip()) < 0.6 * width
        if short and stripped[-1] in _SENT_END:
            flush()
    flush()
    return "\n\n".join(paragraphs)


def parse_text(
    raw: str, doc_id: str, source: str = "", warnings: list[str] | None = None
) -> Article:
    """Turn raw article text into an :class:`Article`, parsing the ``date`` header line.

    The header ``date YYYY-MM-DD Headline`` (possibly indented) gives the date and the headline;
    the headline stays as the first paragraph of the text, since news headlines state facts.

    Args:
        raw: The text as read.
        doc_id: Identifier of the document.
        source: Where it was read from.
        warnings: Gets a warning for an invalid header date or a file that is only a header.

    Returns:
        The article.
    """
    warnings = warnings if warnings is not None else []
    name = source or doc_id
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    first, _, rest = raw.lstrip("\n").partition("\n")
    date: dt.date | None = None
    title: str | None = None
    match = _HEADER.match(first)
    if match:
        try:
            date = dt.date.fromisoformat(match.group(1))
        except ValueError:
            warnings.append(f"{name}: invalid date {match.group(1)!r} in the header, ignored")
        title = (match.group(2) or "").strip() or None
        if not rest.strip():
            warnings.append(f"{name}: only a header line, no article text after it")
        body = (title + "\n\n" + rest) if title else rest
    else:
        body = raw
        title = first.strip() or None
    return Article(id=doc_id, text=unwrap(body), date=date, title=title, source=source)


# --------------------------------------------------------------------------- JSON Lines


def _field(obj: dict[str, Any], key: str, types: tuple[type, ...]) -> Any:
    value = obj.get(key)
    if value is None or (isinstance(value, types) and not isinstance(value, bool)):
        return value
    kind = type(value).__name__
    wanted = " or ".join(t.__name__ for t in types)
    raise SkipRecord(f"field {key!r} must be {wanted}, not {kind}")


def _clean_field(value: str | None, key: str, where: str, warnings: list[str]) -> str | None:
    if value is None:
        return None
    clean, count = clean_text(value)
    if count:
        warnings.append(f"{where}: {count} invalid character(s) in {key!r} replaced")
    return clean


def parse_jsonl_line(
    line: str, where: str, fallback_id: str, warnings: list[str] | None = None
) -> Article:
    """Parse one JSON Lines record ``{"id","text","date","title","url"}``, checking every field.

    ``text`` must be a non-empty string; ``id`` a string or integer; ``title``, ``url`` and
    ``date`` strings (or absent/null); ``date`` an ISO date (a time after it is ignored). Other
    fields are ignored. Lone surrogates and control characters are replaced (with a warning).

    Raises:
        ValueError: (a :class:`SkipRecord` or :class:`json.JSONDecodeError`) naming the reason
            the record is skipped.
    """
    warnings = warnings if warnings is not None else []
    try:
        obj = json.loads(line, strict=False)  # raw control characters are replaced below
    except RecursionError:
        raise SkipRecord("nested too deeply") from None
    if not isinstance(obj, dict):
        raise SkipRecord(f"not a JSON object but {type(obj).__name__}")
    text = _field(obj, "text", (str,))
    if text is None or not text.strip():
        raise SkipRecord("no text")
    ident = _field(obj, "id", (str, int))
    title = _field(obj, "title", (str,))
    url = _field(obj, "url", (str,))
    raw_date = _field(obj, "date", (str,))
    date = None
    if raw_date:
        try:
            date = dt.date.fromisoformat(raw_date[:10])
        except ValueError:
            raise SkipRecord(f"bad date {raw_date[:40]!r}") from None
    ident = str(ident).strip() if ident is not None else ""
    if len(ident) > MAX_ID_CHARS:
        raise SkipRecord(f"id longer than {MAX_ID_CHARS} characters")
    if _BAD_ID_CHARS.search(ident):
        raise SkipRecord("id has control or invalid characters")
    text = _clean_field(text, "text", where, warnings) or ""
    title = (_clean_field(title, "title", where, warnings) or "").strip() or None
    url = (_clean_field(url, "url", where, warnings) or "").strip() or None
    body = unwrap(text.replace("\r\n", "\n"))
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}"
    return Article(
        id=ident or fallback_id, text=body, date=date, title=title, url=url, source=where
    )


def _binary_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    r"""Yield ``(number, line)`` split on ``\\n`` only; ``None`` for a line over ``limit`` bytes."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
            yield number, None
        else:
            yield number, line


# --------------------------------------------------------------------------- the stream


class ArticleStream:
    """The articles of some inputs, read lazily, with an estimate of how many there are.

    Iterating reads the sources one by one (JSON Lines line by line) and yields articles in
    input order; duplicate ids get a ``#2`` suffix. :attr:`warnings` collects every problem;
    :attr:`estimate` (known before reading: files plus non-blank JSON Lines) minus
    :attr:`skipped` (records found bad so far) is the number of articles the stream yields.

    Args:
        inputs: Files, folders, glob patterns, ``-`` for standard input, ``.jsonl`` files.
        stdin: Stream used for ``-`` (defaults to ``sys.stdin``); bytes are decoded like a file.
        max_chars: Articles longer than this are skipped with a warning.
    """

    def __init__(
        self,
        inputs: Iterable[str | Path],
        stdin: TextIO | BinaryIO | None = None,
        max_chars: int = MAX_CHARS,
    ) -> None:
        self.sources, self.warnings = expand_inputs(inputs)
        self.max_chars = max_chars
        self.line_limit = 6 * max_chars + (1 << 16)
        self.skipped = 0
        self._stdin: bytes | None = None
        if any(s.path is None for s in self.sources):
            self._stdin = _read_stdin(stdin if stdin is not None else sys.stdin)
        self.estimate = sum(self._count(s) for s in self.sources)

    def _count(self, source: Source) -> int:
        if source.path is None:
            data = self._stdin or b""
            if not data.lstrip().startswith(b"{"):
                return 1 if data.strip() else 0
            return sum(1 for line in data.split(b"\n") if line.strip())
        if not source.is_jsonl:
            return 1
        try:
            with open(source.path, "rb") as fh:
                return sum(1 for line in fh if line.strip())
        except OSError:
            return 0

    def __iter__(self) -> Iterator[Article]:
        seen: dict[str, int] = {}
        for source in self.sources:
            for article in self._read(source):
                count = seen.get(article.id, 0) + 1
                seen[article.id] = count
                if count > 1:
                    new_id = f"{article.id}#{count}"
                    self.warnings.append(
                        f"{article.source}: duplicate id {article.id!r}, renamed {new_id!r}"
                    )
                    article = replace(article, id=new_id)
                yield article

    def _skip(self, warning: str, records: int = 1) -> None:
        self.warnings.append(warning)
        self.skipped += records

    def _checked(self, article: Article) -> Article | None:
        """The article if it is within ``max_chars`` (else a warning); controls replaced."""
        name = article.source or article.id
        if len(article.text) > self.max_chars:
            self._skip(
                f"{name}: {len(article.text):,} characters, over --max-chars "
                f"{self.max_chars:,}; skipped"
            )
            return None
        text, count = clean_text(article.text)
        title, in_title = clean_text(article.title or "")
        if count or in_title:
            self.warnings.append(
                f"{name}: {count + in_title} invalid character(s) in the text replaced"
            )
            article = replace(article, text=text, title=title or None)
        if not article.text.strip():
            self._skip(f"{name}: no article text, skipped")
            return None
        return article

    def _read(self, source: Source) -> Iterator[Article]:
        if source.path is None:
            yield from self._read_bytes(self._stdin or b"", source, jsonl=None)
            return
        expected = self._count(source)
        try:
            size = source.path.stat().st_size
            if not source.is_jsonl and size > 4 * self.max_chars:
                self._skip(
                    f"{source.name}: {size:,} bytes, over --max-chars {self.max_chars:,}; skipped"
                )
                return
            if source.is_jsonl:
                with open(source.path, "rb") as fh:
                    head = fh.read(4)
                    fh.seek(0)
                    if not any(head.startswith(bom) for bom, enc in _BOMS if enc != "utf-8"):
                        yield from self._read_jsonl_stream(fh, source.name)
                        return
            data = source.path.read_bytes()
        except OSError as err:
            self._skip(f"{source.name}: unreadable ({err.strerror or err}), skipped", expected)
            return
        yield from self._read_bytes(data, source, jsonl=source.is_jsonl)

    def _read_bytes(self, data: bytes, source: Source, jsonl: bool | None) -> Iterator[Article]:
        expected = self._count(source)
        text, warning = decode(data, source.name)
        if warning:
            self.warnings.append(warning)
        if text is None:
            self.skipped += expected
            if source.path is None and not warning:
                self.warnings.append("<stdin>: empty input, skipped")
            return
        if jsonl is None:
            jsonl = text.lstrip().startswith("{")
        if jsonl:
            stream = io.BytesIO(text.encode("utf-8", errors="surrogatepass"))
            yield from self._read_jsonl_stream(stream, source.name)
            return
        article = self._checked(parse_text(text, source.doc_id, source.name, self.warnings))
        if article is not None:
            yield article

    def _read_jsonl_stream(self, stream: BinaryIO, name: str) -> Iterator[Article]:
        stem = Path(name).stem
        for number, raw in _binary_lines(stream, self.line_limit):
            where = f"{name}:{number}"
            if raw is None:
                self._skip(f"{where}: skipped JSON Lines record over {self.line_limit:,} bytes")
                continue
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                line = raw.decode("utf-8", errors="replace")
                self.warnings.append(
                    f"{where}: not valid UTF-8 (byte {err.start}); decoded with replacement"
                )
            try:
                article = parse_jsonl_line(line, where, f"{stem}-{number}", self.warnings)
            except ValueError as err:
                self._skip(f"{where}: skipped bad JSON Lines record ({err})")
                continue
            checked = self._checked(article)
            if checked is not None:
                yield checked


def _read_stdin(stdin: TextIO | BinaryIO) -> bytes:
    """Read all of standard input as bytes (text streams are re-encoded as UTF-8)."""
    buffer = getattr(stdin, "buffer", None)
    try:
        if buffer is not None:
            return buffer.read()
        data = stdin.read()
    except OSError:
        return b""
    if isinstance(data, bytes):
        return data
    return data.encode("utf-8", errors="surrogatepass")


def read_inputs(
    inputs: Iterable[str | Path],
    stdin: TextIO | BinaryIO | None = None,
    max_chars: int = MAX_CHARS,
) -> ReadResult:
    """Read every article from the given inputs into a list.

    Args:
        inputs: Files, folders, glob patterns, ``-`` for standard input, ``.jsonl`` files.
        stdin: Stream used for ``-`` (defaults to ``sys.stdin``).
        max_chars: Articles longer than this are skipped with a warning.

    Returns:
        The articles (duplicate ids get a ``#2`` suffix, with a warning) and warnings.
    """
    stream = ArticleStream(inputs, stdin=stdin, max_chars=max_chars)
    articles = list(stream)
    return ReadResult(articles=articles, warnings=stream.warnings)
