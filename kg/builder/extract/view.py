"""A parsed document as the extraction rules see it: tokens, mentions by token, evidence."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc, Span, Token

from kg.builder.extract import dates, syntax
from kg.model import Evidence, Mention

if TYPE_CHECKING:
    from kg.builder.extract.resources import Resources

#: Classes that can act: agents of events and subjects of most relations.
ACTORS = frozenset({"Person", "Organization", "MilitaryForce", "Country"})
#: Organisations and forces.
ORG_LIKE = frozenset({"Organization", "MilitaryForce"})
#: Places.
PLACES = frozenset({"Country", "Location"})


class MentionIndex:
    """Mentions of a document indexed by token, kept in document order."""

    def __init__(self, mentions: Iterable[Mention]) -> None:
        self.mentions = sorted(mentions, key=lambda m: (m.token_start, -m.token_end))
        self.by_token: dict[int, Mention] = {}
        for m in self.mentions:
            for i in range(m.token_start, m.token_end):
                current = self.by_token.get(i)
                if current is None or (current.is_name is False and m.is_name):
                    self.by_token[i] = m
                elif current.source == "inner" or m.source not in ("inner",):
                    self.by_token.setdefault(i, m)

    def at(self, token: Token | int) -> Mention | None:
        """The mention covering a token (names win over inner mentions)."""
        i = token if isinstance(token, int) else token.i
        return self.by_token.get(i)

    def add(self, mention: Mention) -> bool:
        """Add a mention (references and forces) unless its tokens are taken."""
        if any(i in self.by_token for i in range(mention.token_start, mention.token_end)):
            return False
        self.mentions.append(mention)
        self.mentions.sort(key=lambda m: (m.token_start, -m.token_end))
        for i in range(mention.token_start, mention.token_end):
            self.by_token[i] = mention
        return True

    def between(self, start: int, end: int) -> list[Mention]:
        """Mentions that start at a token in ``[start, end)``, in document order."""
        lo = bisect.bisect_left(self.mentions, start, key=lambda m: m.token_start)
        hi = bisect.bisect_left(self.mentions, end, key=lambda m: m.token_start)
        return self.mentions[lo:hi]

    def before(
        self,
        i: int,
        classes: Iterable[str],
        *,
        names_only: bool = False,
        where: Callable[[Mention], bool] | None = None,
    ) -> Mention | None:
        """The closest mention of one of ``classes`` that ends before token ``i``."""
        classes = set(classes)
        best = None
        for m in self.mentions:
            if m.token_end > i:
                break
            if m.cls in classes and (m.is_name or not names_only) and m.source != "inner":
                if where is None or where(m):
                    best = m
        return best

    def most_frequent(self, classes: Iterable[str], before: int | None = None) -> Mention | None:
        """The most often mentioned entity of the given classes (ties: the latest mentioned).

        Args:
            classes: Classes to consider.
            before: Only count mentions that end before this token.
        """
        classes = set(classes)
        counts: Counter[str] = Counter()
        last: dict[str, Mention] = {}
        for m in self.mentions:
            if before is not None and m.token_end > before:
                break
            if m.cls in classes and m.source != "inner":
                counts[m.key] += 1
                last[m.key] = m
        if not counts:
            return None
        top = max(counts.values())
        return max((last[k] for k, n in counts.items() if n == top), key=lambda m: m.token_start)


def sentence_text(doc: Doc, token: Token, text: str | None = None) -> tuple[int, int]:
    """Character bounds of the evidence sentence of a token.

    The parser's sentence, cut at paragraph breaks (a headline never glues onto the first
    sentence), without surrounding white space or an unbalanced quote mark at either end.
    ``text`` is ``doc.text`` when the caller has it (spaCy joins the tokens on every call).
    """
    sent = token.sent
    start, end = sent.start_char, sent.end_char
    text = doc.text if text is None else text
    breaks = [m.start() for m in re.finditer(r"\n\s*\n", text[start:end])]
    for b in breaks:
        cut = start + b
        if cut <= token.idx:
            start = cut
        else:
            end = cut
            break
    while start < end and (text[start].isspace()):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return _unquoted(text, start, end)


def _unquoted(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a quote mark left unbalanced at either end of ``text[start:end]``."""
    piece = text[start:end]
    if piece.count('"') % 2 == 1:
        if piece.startswith('"'):
            start += 1
        elif piece.endswith('"'):
            end -= 1
    piece = text[start:end]
    if piece.startswith("“") and "”" not in piece:
        start += 1
    elif piece.endswith("”") and "“" not in piece:
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass
class DocView:
    """A parsed document with its mentions and the shared extraction resources."""

    doc: Doc
    doc_id: str
    index: MentionIndex
    res: Resources
    article_date: dt.date | None = None
    _evidence: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: What a rule module computes once per document, under a name of its own.
    cache: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def tokens(self) -> list[Token]:
        """The document's tokens, made once (iterating a ``Doc`` builds new objects each time)."""
        return list(self.doc)

    @cached_property
    def text(self) -> str:
        """The document's text, joined once (``Doc.text`` joins every token on each call)."""
        return dates.doc_text(self.doc)

    @cached_property
    def date_entities(self) -> dict[int, list[Span]]:
        """DATE (and TIME: "Friday night") entities by the start token of their sentence.

        Indexed once: ``Span.ents`` scans the whole doc on every call.
        """
        out: dict[int, list[Span]] = {}
        for ent in self.doc.ents:
            if ent.label_ in ("DATE", "TIME"):
                out.setdefault(ent.sent.start, []).append(ent)
        return out

    @cached_property
    def hits(self) -> dict[str, list[Any]]:
        """Matches of every pattern rule (relations and events), rule id → hits: matched once."""
        return self.res.rules.hits(self.doc)

    @cached_property
    def main_country(self) -> Mention | None:
        """The most often mentioned country (read after the mentions are complete)."""
        return self.index.most_frequent({"Country"})

    @cached_property
    def force_units(self) -> list[Token]:
        """Nouns naming troops or units ("troops", "military units", "contingent")."""
        nouns = self.res.lexicon.force_nouns
        return [t for t in self.tokens if t.lower_ in nouns and t.pos_ in ("NOUN", "PROPN")]

    def mention(self, token: Token | None) -> Mention | None:
        """The mention at a token, if any."""
        return None if token is None else self.index.at(token)

    def words(self, name: str) -> frozenset[str]:
        """A word class of the lexicon (``"deploy_verbs"`` …)."""
        return self.res.lexicon.words(name)

    def evidence(self, token: Token, rule: str, confidence: float) -> Evidence:
        """Evidence pointing at the sentence that contains ``token``."""
        sent = token.sent.start
        if sent not in self._evidence:
            self._evidence[sent] = sentence_text(self.doc, token, self.text)
        start, end = self._evidence[sent]
        if not start <= token.idx < end:  # a token in another paragraph of the same sentence
            start, end = sentence_text(self.doc, token, self.text)
        text = self.text[start:end]
        return Evidence(self.doc_id, start, end, text, rule, round(confidence, 2))

    def compound_mention(self, token: Token) -> Mention | None:
        """A mention modifying a noun ("the [Sabre-2022] exercises")."""
        for c in token.children:
            if c.dep_ in ("compound", "nmod", "amod") and self.mention(c) is not None:
                return self.mention(c)
        return None

    def mentions_in(self, tokens: Iterable[Token], classes: Iterable[str]) -> list[Mention]:
        """Distinct mentions at the tokens whose class is in ``classes``.

        A generic head noun stands for the name that modifies it: "the G5 Sahel [group]",
        "the Sabre-2022 [exercises]"; the state's own word in a body named through it stands
        for the state ("[Mozambique]'s army") when a state is asked for.
        """
        classes = set(classes)
        lex = self.res.lexicon
        generic = lex.org_heads | lex.force_nouns | lex.exercise_nouns
        seen: dict[str, Mention] = {}
        for t in tokens:
            m = self.mention(t)
            if m is None and t.lower_ in generic:
                m = self.compound_mention(t)
            if m is not None and m.cls not in classes and m.source == "state-body":
                m = self._state_in_body(m, t) or m
            if m is not None and m.cls in classes:
                seen.setdefault(m.key, m)
        return list(seen.values())

    def _state_in_body(self, body: Mention, token: Token) -> Mention | None:
        """The state a body is named through, at ``token`` ("[Mozambique]'s army")."""
        for m in self.index.between(body.token_start, body.token_end):
            if m.source == "inner" and m.token_start <= token.i < m.token_end:
                return m
        return None

    def subjects(self, verb: Token) -> list[Mention]:
        """Entities that are the subject of a verb (following relative clauses and xcomp).

        An office stands for its holder's country or body: "Afghanistan's president asked".
        """
        tokens = syntax.subject_tokens(verb)
        found = self.mentions_in(tokens, ACTORS)
        vocab = self.res.lexicon.title_vocab
        for t in tokens:
            if self.mention(t) is None and t.lower_ in vocab:
                owners = syntax.children(t, ("poss", "amod", "compound"))
                found += [
                    m
                    for m in self.mentions_in(owners, {"Country", "Organization"})
                    if m not in found
                ]
        return found

    def government_of(self, m: Mention) -> Mention:
        """A capital city acting or addressed stands for its country ("asked Canberra for help")."""
        entry = self.res.gazetteer.get(m.key)
        if entry is None or not entry.capital or not entry.country:
            return m
        for other in self.index.mentions:
            if other.key == entry.country:
                return other
        return m
