"""Typed values passed between the stages (read → nlp → extract → resolve → graph) and the graph.

The in-memory graph (``kg.builder.graph``) is a :class:`networkx.MultiDiGraph` keyed by IRI whose
node and edge attributes are the records below (:class:`EntityNode`, :class:`EventNode`,
:class:`EdgeData`). Every producer (the builder, ``kg.load_graph``) makes them with
:func:`entity_node`, :func:`event_node` and :func:`edge_data`, so every consumer (exports, view,
analytics, tables) reads the same fields:

* node key: the node's IRI (``str``);
* ``kind`` (``"entity"`` or ``"event"``), ``cls`` (local name of the most specific ``kg:`` class),
  ``label``, ``documents`` (sorted ids of the documents it is mentioned in);
* entities: ``alt_labels``, ``same_as`` (Wikidata / GeoNames IRIs), ``titles`` (sorted tuples);
* events: ``date`` (ISO ``YYYY-MM-DD`` or ``None``), ``topics``, ``trigger``, ``evidence`` (sorted
  tuple of :class:`Evidence`), ``confidence`` (float) and ``support`` (number of evidence items);
* edge key: the ``kg:`` property local name (a relation such as ``"contributesTo"``, or an event
  role such as ``"agent"``); :class:`EdgeData`: ``prop`` (same as key), ``evidence``,
  ``confidence`` (the maximum over the evidence) and ``support``;
* graph attribute ``documents``: ``dict[str, Document]`` keyed by document id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, field
from typing import Any, Literal, TypedDict


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
    #: True when extraction failed: the article is left out of the graph (see ``warnings``).
    failed: bool = False

    def extraction(self) -> dict[str, Any]:
        """The extracted values (not the article) as plain JSON-able data (see ``from_plain``)."""
        return {
            "mentions": [list(astuple(m)) for m in self.mentions],
            "relations": [
                [r.subj, r.prop, r.obj, list(astuple(r.evidence))] for r in self.relations
            ],
            "attributes": [
                [a.key, a.name, a.value, list(astuple(a.evidence))] for a in self.attributes
            ],
            "events": [_event_plain(e) for e in self.events],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_plain(cls, article: Article, data: Mapping[str, Any]) -> DocResult:
        """The result of ``article`` from :meth:`extraction`'s plain data."""
        return cls(
            article=article,
            mentions=[_mention(m) for m in data["mentions"]],
            relations=[Relation(s, p, o, Evidence(*ev)) for s, p, o, ev in data["relations"]],
            attributes=[Attribute(k, n, v, Evidence(*ev)) for k, n, v, ev in data["attributes"]],
            events=[_event(e) for e in data["events"]],
            warnings=list(data.get("warnings", ())),
        )


def _mention(row: list[Any]) -> Mention:
    values = list(row)
    values[7] = tuple(values[7])  # same_as
    return Mention(*values)


def _event_plain(e: EventRecord) -> list[Any]:
    return [
        e.id,
        e.cls,
        e.trigger,
        e.date.isoformat() if e.date else None,
        list(e.agent),
        list(e.target),
        list(e.participant),
        list(e.place),
        list(e.topics),
        list(astuple(e.evidence)),
    ]


def _event(row: list[Any]) -> EventRecord:
    id_, cls, trigger, date, agent, target, participant, place, topics, ev = row
    return EventRecord(
        id_,
        cls,
        trigger,
        dt.date.fromisoformat(date) if date else None,
        tuple(agent),
        tuple(target),
        tuple(participant),
        tuple(place),
        tuple(topics),
        Evidence(*ev),
    )


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


# --------------------------------------------------------------------------- graph records


class EntityNode(TypedDict):
    """Attributes of an entity node of the graph."""

    kind: Literal["entity"]
    cls: str
    label: str
    alt_labels: tuple[str, ...]
    same_as: tuple[str, ...]
    titles: tuple[str, ...]
    documents: tuple[str, ...]


class EventNode(TypedDict):
    """Attributes of an event node of the graph."""

    kind: Literal["event"]
    cls: str
    label: str
    documents: tuple[str, ...]
    date: str | None
    topics: tuple[str, ...]
    trigger: str
    evidence: tuple[Evidence, ...]
    confidence: float
    support: int


class EdgeData(TypedDict):
    """Attributes of a relation or role edge of the graph."""

    prop: str
    evidence: tuple[Evidence, ...]
    confidence: float
    support: int


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v}))


def entity_node(
    cls: str,
    label: str,
    *,
    alt_labels: Iterable[str] = (),
    same_as: Iterable[str] = (),
    titles: Iterable[str] = (),
    documents: Iterable[str] = (),
) -> EntityNode:
    """The attributes of an entity node: sorted, distinct values; the label is no alias."""
    return EntityNode(
        kind="entity",
        cls=cls,
        label=label,
        alt_labels=tuple(a for a in _strings(alt_labels) if a != label),
        same_as=_strings(same_as),
        titles=_strings(titles),
        documents=_strings(documents),
    )


def event_node(
    cls: str,
    label: str,
    *,
    documents: Iterable[str],
    evidence: Iterable[Evidence],
    date: dt.date | str | None = None,
    topics: Iterable[str] = (),
    trigger: str = "",
    confidence: float | None = None,
) -> EventNode:
    """The attributes of an event node; ``confidence`` defaults to the best evidence's."""
    ev = tuple(sorted(set(evidence)))
    iso = date.isoformat() if isinstance(date, dt.date) else (date[:10] if date else None)
    return EventNode(
        kind="event",
        cls=cls,
        label=label,
        documents=_strings(documents),
        date=iso,
        topics=tuple(dict.fromkeys(t for t in topics if t)),
        trigger=trigger,
        evidence=ev,
        confidence=confidence
        if confidence is not None
        else max((e.confidence for e in ev), default=0.0),
        support=len(ev),
    )


def edge_data(prop: str, evidence: Iterable[Evidence], confidence: float | None = None) -> EdgeData:
    """The attributes of an edge; ``confidence`` defaults to the best evidence's."""
    ev = tuple(sorted(set(evidence)))
    best = max((e.confidence for e in ev), default=0.0)
    return EdgeData(
        prop=prop,
        evidence=ev,
        confidence=best if confidence is None else confidence,
        support=len(ev),
    )


def is_event_node(data: Mapping[str, Any]) -> bool:
    """Whether node attributes describe an event."""
    return data.get("kind") == "event"
