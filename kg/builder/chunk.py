r"""Process long articles in pieces: split at paragraph boundaries, merge the results back.

An article longer than :data:`SPLIT_CHARS` is cut into pieces of at most :data:`PIECE_CHARS`
characters, at paragraph boundaries (``\\n\\n``) where possible, else at a sentence end or a
space. Each piece is extracted as an article of its own (same id, date and title), which keeps
the time linear in the text and every piece far under spaCy's ``max_length``. The pieces' results
are merged into one :class:`~kg.model.DocResult` whose character offsets (mentions, evidence,
event ids) refer to the whole article's text again.

What is lost at a cut: links that extraction makes inside one document (a surname joined to the
full name, "the country" to its antecedent) do not reach across pieces; the corpus-level
resolution still joins names across documents and pieces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from kg.model import Article, DocResult, Evidence

#: Articles longer than this are processed in pieces.
SPLIT_CHARS = 50_000
#: Longest piece (extraction is fastest per character on article-sized texts).
PIECE_CHARS = 20_000

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")


def _cut(text: str, start: int, limit: int) -> int:
    """End of the piece starting at ``start``: the last paragraph, sentence or word boundary."""
    end = start + limit
    if end >= len(text):
        return len(text)
    window = text[start:end]
    para = window.rfind("\n\n")
    if para > limit // 4:
        return start + para + 2
    best = -1
    for match in _SENTENCE_END.finditer(window, limit // 4):
        best = match.end()
    if best > 0:
        return start + best
    space = max(window.rfind(" "), window.rfind("\n"))
    if space > limit // 4:
        return start + space + 1
    return end


def split_article(
    article: Article, split_chars: int = SPLIT_CHARS, piece_chars: int = PIECE_CHARS
) -> list[tuple[int, Article]]:
    """Cut a long article into pieces; a short one is returned whole.

    Args:
        article: The article.
        split_chars: Articles longer than this are split.
        piece_chars: Longest piece.

    Returns:
        ``(offset, piece)`` pairs: each piece's text is ``article.text[offset:offset + len]``,
        and the pieces cover the whole text in order.
    """
    text = article.text
    if len(text) <= split_chars:
        return [(0, article)]
    pieces: list[tuple[int, Article]] = []
    start = 0
    while start < len(text):
        end = _cut(text, start, piece_chars)
        pieces.append((start, replace(article, text=text[start:end])))
        start = end
    return pieces


def _shift(ev: Evidence, offset: int) -> Evidence:
    return replace(ev, start=ev.start + offset, end=ev.end + offset)


def _shift_event_id(event_id: str, doc_id: str, offset: int) -> str:
    """Event ids are ``{doc_id}-{sentence start}-{class}``: shift the sentence start."""
    prefix = f"{doc_id}-"
    if not event_id.startswith(prefix):
        return event_id
    number, sep, rest = event_id[len(prefix) :].partition("-")
    if not sep or not number.isdigit():
        return event_id
    return f"{prefix}{int(number) + offset}-{rest}"


def shift_result(result: DocResult, offset: int) -> DocResult:
    """The result of a piece with its offsets made relative to the whole article.

    Token indices (``Mention.token_start``/``token_end``) refer to a piece's own parse and have
    no meaning in the whole article: they become ``-1``.
    """
    doc_id = result.article.id
    return DocResult(
        article=result.article,
        mentions=[
            replace(m, start=m.start + offset, end=m.end + offset, token_start=-1, token_end=-1)
            for m in result.mentions
        ],
        relations=[replace(r, evidence=_shift(r.evidence, offset)) for r in result.relations],
        attributes=[replace(a, evidence=_shift(a.evidence, offset)) for a in result.attributes],
        events=[
            replace(
                e,
                id=_shift_event_id(e.id, doc_id, offset),
                evidence=_shift(e.evidence, offset),
            )
            for e in result.events
        ],
        warnings=list(result.warnings),
        failed=result.failed,
    )


def merge_results(article: Article, parts: Sequence[tuple[int, DocResult]]) -> DocResult:
    """Merge the results of an article's pieces into the article's result.

    A piece that failed is left out (its warning is kept); the article fails only when every
    piece failed.

    Args:
        article: The whole article.
        parts: ``(offset, result)`` of every piece, in order.

    Returns:
        One result for the article, offsets relative to its whole text.
    """
    if len(parts) == 1 and parts[0][0] == 0:
        return parts[0][1]
    merged = DocResult(article=article)
    for offset, part in parts:
        merged.warnings.extend(part.warnings)
        if part.failed:
            continue
        shifted = shift_result(part, offset)
        merged.mentions.extend(shifted.mentions)
        merged.relations.extend(shifted.relations)
        merged.attributes.extend(shifted.attributes)
        merged.events.extend(shifted.events)
    merged.failed = all(part.failed for _, part in parts)
    return merged
