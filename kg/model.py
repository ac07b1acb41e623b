"""Plain typed values passed between the pipeline stages (read → nlp → extract → resolve → graph).

The in-memory graph (``kg.builder.graph``) is a :class:`networkx.MultiDiGraph` with this schema, which every
exporter, the view, the analytics and the evaluator rely on:

* node key: the node's IRI (``str``);
* node attributes, all plain values:

  - ``kind``: ``"entity"`` or ``"event"``;
  - ``cls``: local name of the most specific ``kg:`` class (``"Country"``, ``"Protest"`` …);
  - ``label``: the canonical name (events: a short description such as ``"Protest in Chile"``);
  - ``alt_labels``: sorted tuple of every other surface form seen;
  - ``same_as``: sorted tuple of Wikidata / GeoNames IRIs;
  - ``titles``: sorted tuple of stated positions (persons);
  - ``documents``: sorted tuple of document ids the node is mentioned in;
  - events only: ``date`` (ISO ``YYYY-MM-DD`` or ``None``), ``topics`` (tuple), ``trigger`` (str),
    ``evidence`` (tuple of :class:`Evidence`), ``confidence`` (float);

* edge key: the ``kg:`` property local name (``"contributesTo"``; for event roles ``"agent"``,
  ``"target"``, ``"participant"``, ``"place"``); edge attributes: ``prop`` (same as key),
  ``evidence`` (tuple of :class:`Evidence`, sorted), ``confidence`` (float, max over evidence);
* graph attribute ``documents``: ``dict[str, Document]`` keyed by document id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One input article, as read from disk, stdin or JSON Lines.

    Attributes:
        id: Document identifier (the file name, or the JSON Lines ``id``).
        text: The article text (header line removed, hard line wraps joined); all character
            offsets in the graph refer to this string.
        date: Publication date from the ``date YYYY-MM-DD`` header or JSON field, if known.
        title: The headline, if known.
        url: Source URL, if known.
        source: Where it was read from (path, ``<stdin>`` or ``file.jsonl:LINE``).
    """

    id: str
    text: str
    date: dt.date | None = None
    title: str | None = None
    url: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Document:
    """Metadata of a source article as it appears in the graph."""

    id: str
    title: str | None
    date: dt.date | None
    url: str | None = None
    text: str = ""


@dataclass(frozen=True, order=True)
class Evidence:
    """Where a relation or event came from: one sentence of one document.

    Attributes:
        doc_id: Document identifier.
        start: Character offset of the sentence start in :attr:`Article.text`.
        end: Character offset of the sentence end (exclusive).
        sentence: The sentence text (``text[start:end]``).
        rule: Name of the extraction rule that produced the fact.
        confidence: Confidence in ``[0, 1]``.
    """

    doc_id: str
    start: int
    end: int
    sentence: str
    rule: str
    confidence: float


@dataclass(frozen=True)
class Mention:
    """A span of a document that refers to an entity.

    Attributes:
        doc_id: Document identifier.
        start: Character start offset in the article text.
        end: Character end offset (exclusive).
        text: Surface form as written.
        cls: ``kg:`` class local name.
        key: Identity key shared by every mention of the same real-world thing
            (``"wd:Q142"`` for a linked entity, ``"Person:jean-claude juncker"`` otherwise).
        label: Canonical label proposed for the entity.
        same_as: Wikidata / GeoNames IRIs known for it.
        source: ``"ner"``, ``"gazetteer"``, ``"demonym"``, ``"acronym"``, ``"coref"`` …
        is_name: False for demonyms and references ("French", "the country"): they attach to an
            entity without adding its surface form as a name of a node of its own.
        token_start: Index of the first token in the spaCy ``Doc``.
        token_end: Index after the last token.
    """

    doc_id: str
    start: int
    end: int
    text: str
    cls: str
    key: str
    label: str
    same_as: tuple[str, ...] = ()
    source: str = "ner"
    is_name: bool = True
    token_start: int = -1
    token_end: int = -1


@dataclass(frozen=True)
class Relation:
    """A relation triple between two entities, with its evidence."""

    subj: str
    prop: str
    obj: str
    evidence: Evidence


@dataclass(frozen=True)
class Attribute:
    """A literal attribute of an entity (currently ``title``)."""

    key: str
    name: str
    value: str
    evidence: Evidence


@dataclass(frozen=True)
class EventRecord:
    """An event extracted from one sentence (n-ary: roles point to entity keys).

    Attributes:
        id: Stable identifier within the corpus (derived from document, offset and class).
        cls: ``kg:`` Event subclass local name.
        trigger: The trigger word as written.
        date: Resolved date, if any.
        agent: Entity keys of who acted.
        target: Entity keys of who or what it was aimed at or asked of.
        participant: Entity keys of others involved.
        place: Entity keys of places.
        topics: Short literal topics ("fuel prices").
        evidence: Where it came from.
    """

    id: str
    cls: str
    trigger: str
    date: dt.date | None
    agent: tuple[str, ...]
    target: tuple[str, ...]
    participant: tuple[str, ...]
    place: tuple[str, ...]
    topics: tuple[str, ...]
    evidence: Evidence


@dataclass
class DocResult:
    """Everything extracted from one document, before corpus-level resolution."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Entity:
    """One real-world thing, resolved across the corpus."""

    key: str
    cls: str
    label: str
    alt_labels: set[str] = field(default_factory=set)
    same_as: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
