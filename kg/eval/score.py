"""Score an exported RDF graph against gold annotation files, exactly as SPEC §4 defines.

Decisions where SPEC §4 leaves room (tests in ``tests/test_eval.py`` pin each one):

* **Normalisation**: NFKC, case-fold, possessive ``'s``/``’s`` removed at word ends, ``+`` read
  as "plus" (``OPEC+`` == ``OPEC Plus``, not ``OPEC``), dots and
  apostrophes dropped (``"U.S."`` == ``"US"``), every other run of whitespace/punctuation
  collapsed to one space, then a leading ``"the"`` removed.
* **not_entities** are checked against ``rdfs:label`` only (``skos:altLabel`` legitimately holds
  demonyms such as "French"). Such a node is a false positive even if it would otherwise match a
  gold entity, and it does not count towards recall.
* **Duplicates**: nodes are assigned one-to-one to the (non-optional) gold entities they match by a
  maximum bipartite matching; a node left over is a duplicate and counts as a false positive (unless
  it also matches an optional gold entity, then it is ignored). Recall counts a gold entity once,
  when at least one node matches it.
* **Type accuracy**: per matched gold entity, on the node assigned to it. The node's most specific
  ``kg:`` classes (those of its entity classes that are no other one's ancestor in
  :data:`kg.vocab.SUPERCLASS`) must all be accepted gold types. A gold ``Location`` also
  accepts the subclasses of ``Location`` (``City``, ``Region``), which SPEC §3 introduces as
  refinements of it; no other subclass is implied (a gold ``Organization`` does not accept
  ``MilitaryForce`` unless listed).
* **Facts**: each gold fact is counted once for recall; every triple that matches some gold fact is
  not a false positive (several triples may support one fact, e.g. both sides of ``A|B``). A name in
  a fact or event slot is resolved to the gold entity with that name or alias, so the node may match
  it by any alias or by Wikidata; a name that is no gold entity matches by label only.
* **Events**: the event node must carry the exact class and be ``kg:mentionedIn`` the document; role
  values need not be. Each gold event is scored on its own (one node may satisfy two gold events).
* **Event precision**: an event node (of the document, most specific event class) is right when
  some gold event of that class agrees with it on every role both give (agent, target, place,
  date; ``participant`` is not compared): in such a role some value the node gives must be
  acceptable. This reproduces the figures the project's issues report for the untuned rules.
* **Empty denominators**: precision with no predictions is 0 when something was missed, and 1 when
  there was nothing to find; recall with nothing to find is 1.
* **Split entities** (corpus level): gold entities of different files are the same thing when they
  share a Wikidata id or a normalised name; such a thing is split when it is matched in several
  documents and no single node matches it in all of them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import rdflib
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from kg.rdf import to_rdflib
from kg.text import normalise
from kg.vocab import (
    ENTITY_CLASSES,
    EVENT_CLASSES,
    KG,
    KG_NS,
    RELATIONS,
    ROLES,
    SUPERCLASS,
    WD,
    most_specific,
)

# --------------------------------------------------------------------------- gold files


@dataclass(frozen=True)
class GoldEntity:
    """One entity a careful reader would put in the graph.

    Attributes:
        name: Canonical name.
        types: Acceptable ``kg:`` class local names.
        aliases: Other acceptable surface forms.
        wikidata: Wikidata id (``"Q142"``), if given.
        optional: Neither required nor penalised.

    """

    name: str
    types: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class GoldEvent:
    """One event of a gold file: its class and the acceptable values of each role it lists."""

    type: str
    agent: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    participant: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    date: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gold:
    """A parsed gold file (SPEC §4).

    Attributes:
        document: Identifier of the article (``dcterms:identifier`` of its Document).
        date: Publication date as written in the file, if any.
        entities: Gold entities.
        not_entities: Surface strings that must not become entity nodes of their own.
        facts: ``(subject, property, object)``; a slot may hold ``"A|B"``.
        optional_facts: Correct but not required facts.
        attributes: ``(entity, "title", "v1|v2")``.
        events: Gold events.
        questions: Competency questions, as in the file (not scored here).
        source: Path the file was read from.

    """

    document: str
    date: str | None = None
    entities: tuple[GoldEntity, ...] = ()
    not_entities: tuple[str, ...] = ()
    facts: tuple[tuple[str, str, str], ...] = ()
    optional_facts: tuple[tuple[str, str, str], ...] = ()
    attributes: tuple[tuple[str, str, str], ...] = ()
    events: tuple[GoldEvent, ...] = ()
    questions: tuple[dict, ...] = ()
    source: str = ""


def _as_tuple(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Return a gold value that is a string, a list of strings or absent as a tuple."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _triple(row: Sequence[str], where: str) -> tuple[str, str, str]:
    """Validate one ``[subject, property, object]`` row of a gold file."""
    if len(row) != 3 or not all(isinstance(x, str) for x in row):
        raise ValueError(f"{where}: expected [subject, property, object], got {row!r}")
    return (row[0], row[1], row[2])


def gold_from_dict(data: dict, source: str = "") -> Gold:
    """Build a :class:`Gold` from the decoded JSON of a gold file.

    Raises:
        ValueError: If a required key is missing or a row is malformed.

    """
    if "document" not in data:
        raise ValueError(f"{source or 'gold'}: missing 'document'")
    entities = tuple(
        GoldEntity(
            name=e["name"],
            types=_as_tuple(e.get("type")),
            aliases=_as_tuple(e.get("aliases")),
            wikidata=e.get("wikidata") or None,
            optional=bool(e.get("optional", False)),
        )
        for e in data.get("entities", [])
    )
    events = tuple(
        GoldEvent(type=ev["type"], **{k: _as_tuple(ev.get(k)) for k in (*ROLES, "date")})
        for ev in data.get("events", [])
    )
    return Gold(
        document=str(data["document"]),
        date=data.get("date"),
        entities=entities,
        not_entities=_as_tuple(data.get("not_entities")),
        facts=tuple(_triple(r, f"{source}: facts") for r in data.get("facts", [])),
        optional_facts=tuple(
            _triple(r, f"{source}: optional_facts") for r in data.get("optional_facts", [])
        ),
        attributes=tuple(_triple(r, f"{source}: attributes") for r in data.get("attributes", [])),
        events=events,
        questions=tuple(data.get("questions", [])),
        source=source,
    )


def load_gold(path: Path) -> Gold:
    """Read and parse one gold file (``*.json``)."""
    path = Path(path)
    return gold_from_dict(json.loads(path.read_text(encoding="utf-8")), source=str(path))


# --------------------------------------------------------------------------- graphs

_MULTI_GRAPH_TYPES: tuple[type, ...] = tuple(
    t for t in (getattr(rdflib.graph, "ConjunctiveGraph", None), Dataset) if t is not None
)


def union_graph(graph: Graph) -> Graph:
    """Return ``graph`` itself, or for a Dataset/ConjunctiveGraph the union of all its graphs."""
    if not isinstance(graph, _MULTI_GRAPH_TYPES):
        return graph
    union = Graph()
    for s, p, o, _ in graph.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def load_graph(path: Path) -> Graph:
    """Load an export file, or an export folder's graph (:func:`kg.rdf.export_file`), for scoring.

    pyoxigraph parses it (any format :func:`kg.rdf.rdf_format` knows); named graphs are merged.

    Raises:
        FileNotFoundError: If there is no such file or export.
        kg.rdf.RdfError: If the format is unknown or the content is not valid (a ``ValueError``).

    """
    return to_rdflib(path)


# --------------------------------------------------------------------------- normalisation


def _split_alternatives(slot: str) -> tuple[str, ...]:
    """Split an ``"A|B"`` gold slot into its alternatives."""
    return tuple(part.strip() for part in slot.split("|") if part.strip())


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class PRF:
    """Counts with precision, recall and F1."""

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, tp: int, fp: int, fn: int) -> PRF:
        """Compute the ratios from the counts (empty denominators: see module docstring)."""
        precision = tp / (tp + fp) if tp + fp else (0.0 if fn else 1.0)
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(tp, fp, fn, round(precision, 6), round(recall, 6), round(f1, 6))

    def __add__(self, other: PRF) -> PRF:
        return PRF.of(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True)
class Ratio:
    """``found`` out of ``total`` (``value`` is 1.0 when there is nothing to find)."""

    found: int
    total: int
    value: float

    @classmethod
    def of(cls, found: int, total: int) -> Ratio:
        """Compute the ratio."""
        return cls(found, total, round(found / total, 6) if total else 1.0)

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio.of(self.found + other.found, self.total + other.total)


@dataclass(frozen=True)
class SpuriousNode:
    """An entity node counted as a false positive.

    ``reason`` is ``"unmatched"``, ``"not_entity"`` or ``"duplicate"`` (then ``matches`` names the
    gold entities that other nodes already cover).
    """

    node: str
    label: str
    reason: str
    matches: tuple[str, ...] = ()


@dataclass(frozen=True)
class Duplicate:
    """A gold entity matched by more than one node."""

    entity: str
    nodes: tuple[str, ...]


@dataclass(frozen=True)
class WrongType:
    """A matched entity whose most specific class is not an accepted gold type."""

    entity: str
    node: str
    found: tuple[str, ...]
    expected: tuple[str, ...]


@dataclass(frozen=True)
class GraphFact:
    """A relation triple of the graph, with readable ends."""

    subject: str
    property: str
    object: str
    subject_node: str
    object_node: str


@dataclass
class DocScore:
    """Scores of one article (SPEC §4)."""

    document: str
    document_found: bool
    entities: PRF
    entity_types: Ratio
    facts: PRF
    facts_by_property: dict[str, PRF]
    events: Ratio
    events_by_type: dict[str, Ratio]
    titles: Ratio
    event_precision: Ratio = field(default_factory=lambda: Ratio.of(0, 0))
    duplicates: list[Duplicate] = field(default_factory=list)
    missed_entities: list[str] = field(default_factory=list)
    spurious_entities: list[SpuriousNode] = field(default_factory=list)
    wrong_types: list[WrongType] = field(default_factory=list)
    missed_facts: list[tuple[str, str, str]] = field(default_factory=list)
    spurious_facts: list[GraphFact] = field(default_factory=list)
    missed_titles: list[tuple[str, str, str]] = field(default_factory=list)
    missed_events: list[GoldEvent] = field(default_factory=list)
    #: event nodes that no gold event of their class agrees with: (IRI, class, label)
    wrong_events: list[tuple[str, str, str]] = field(default_factory=list)
    #: gold entity name -> IRIs of the entity nodes of this document that match it
    matches: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class SplitEntity:
    """A gold entity of several files matched by different nodes in different documents."""

    name: str
    wikidata: str | None
    nodes_by_document: dict[str, tuple[str, ...]]


@dataclass
class CorpusScore:
    """Per-document scores and their micro-averages (counts summed over documents)."""

    documents: list[DocScore]
    entities: PRF
    entity_types: Ratio
    facts: PRF
    facts_by_property: dict[str, PRF]
    events: Ratio
    events_by_type: dict[str, Ratio]
    titles: Ratio
    duplicates: int
    event_precision: Ratio = field(default_factory=lambda: Ratio.of(0, 0))
    split_entities: list[SplitEntity] = field(default_factory=list)
    missing_documents: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- graph access

_ENTITY_TYPES = {KG[c]: c for c in ENTITY_CLASSES}
_WD_PREFIX = str(WD)


@dataclass(frozen=True)
class _Node:
    """What matching needs to know about one graph node."""

    iri: str
    labels: tuple[str, ...]
    keys: frozenset[str]
    label_keys: frozenset[str]
    wikidata: frozenset[str]


def _literals(graph: Graph, node: URIRef, prop: URIRef) -> list[str]:
    """Return the sorted string values of ``node prop ?literal``."""
    return sorted(str(o) for o in graph.objects(node, prop) if isinstance(o, Literal))


class _GraphView:
    """Cached read access to the parts of a graph that scoring uses."""

    def __init__(self, graph: Graph) -> None:
        self.graph = union_graph(graph)
        self._nodes: dict[URIRef, _Node] = {}

    def node(self, iri: URIRef) -> _Node:
        """Return (and cache) the labels and Wikidata ids of a node."""
        if iri not in self._nodes:
            labels = _literals(self.graph, iri, RDFS.label)
            alts = _literals(self.graph, iri, SKOS.altLabel)
            wikidata = frozenset(
                str(o)[len(_WD_PREFIX) :]
                for o in self.graph.objects(iri, OWL.sameAs)
                if isinstance(o, URIRef) and str(o).startswith(_WD_PREFIX)
            )
            label_keys = frozenset(normalise(x) for x in labels)
            self._nodes[iri] = _Node(
                iri=str(iri),
                labels=tuple(labels),
                keys=label_keys | {normalise(x) for x in alts},
                label_keys=label_keys,
                wikidata=wikidata,
            )
        return self._nodes[iri]

    def display(self, iri: URIRef) -> str:
        """Return a node's first label, or its IRI."""
        labels = self.node(iri).labels
        return labels[0] if labels else str(iri)

    def documents(self, identifier: str) -> list[URIRef]:
        """Return the Document IRIs whose ``dcterms:identifier`` is ``identifier``.

        Falls back to identifiers equal up to the file extension (``a.txt`` vs ``a``).
        """
        exact, loose = [], []
        stem = Path(identifier).stem
        for subject, value in self.graph.subject_objects(DCTERMS.identifier):
            if not isinstance(subject, URIRef):
                continue
            if str(value) == identifier:
                exact.append(subject)
            elif Path(str(value)).stem == stem:
                loose.append(subject)
        return sorted(set(exact or loose))

    def mentioned(self, docs: Iterable[URIRef]) -> set[URIRef]:
        """Return every node ``kg:mentionedIn`` one of ``docs``."""
        return {
            s
            for doc in docs
            for s in self.graph.subjects(KG.mentionedIn, doc)
            if isinstance(s, URIRef)
        }

    def entity_classes(self, iri: URIRef) -> set[str]:
        """Return the entity class local names a node is typed with."""
        return {_ENTITY_TYPES[t] for t in self.graph.objects(iri, RDF.type) if t in _ENTITY_TYPES}


def accepted_types(types: Iterable[str]) -> frozenset[str]:
    """Return the class names accepted for a gold type list (``Location`` admits its subclasses)."""
    accepted = set(types)
    if "Location" in accepted:
        accepted |= {c for c, parent in SUPERCLASS.items() if parent == "Location"}
    return frozenset(accepted)


def _parse_date(value: object) -> dt.date | None:
    """Return an ``xsd:date``-comparable date from a literal or string, or None."""
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, dt.datetime):
            return python.date()
        if isinstance(python, dt.date):
            return python
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", text):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


# --------------------------------------------------------------------------- matching


class _Matcher:
    """Entity matching (SPEC §4) of graph nodes against the entities of one gold file."""

    def __init__(self, gold: Gold) -> None:
        self.entities = list(gold.entities)
        self._keys = [frozenset(normalise(n) for n in (e.name, *e.aliases)) for e in self.entities]
        self._by_key: dict[str, int] = {}
        for index, entity in enumerate(self.entities):  # names win over aliases
            self._by_key.setdefault(normalise(entity.name), index)
        for index, keys in enumerate(self._keys):
            for key in sorted(keys):
                self._by_key.setdefault(key, index)

    def matches(self, node: _Node) -> list[int]:
        """Return the indices of the gold entities a node matches."""
        return [
            i
            for i, entity in enumerate(self.entities)
            if node.keys & self._keys[i] or (entity.wikidata and entity.wikidata in node.wikidata)
        ]

    def resolve(self, name: str) -> tuple[frozenset[str], str | None]:
        """Return the matching keys and Wikidata id of a name used in a fact or event slot."""
        index = self._by_key.get(normalise(name))
        if index is None:
            return frozenset({normalise(name)}), None
        return self._keys[index], self.entities[index].wikidata

    def slot_matches(self, node: _Node, slot: Iterable[str]) -> bool:
        """Tell whether a node matches any of the names of a slot."""
        for name in slot:
            keys, wikidata = self.resolve(name)
            if node.keys & keys or (wikidata and wikidata in node.wikidata):
                return True
        return False


def _max_matching(candidates: dict[URIRef, list[int]], fallback: set[URIRef]) -> dict[URIRef, int]:
    """Assign nodes to gold entities one-to-one, maximally (Kuhn's augmenting paths).

    Nodes in ``fallback`` (they also match an optional entity, so are never false positives) are
    assigned last; augmenting paths never unassign a node, so the others are served first.
    """
    owner: dict[int, URIRef] = {}

    def assign(node: URIRef, seen: set[int]) -> bool:
        for gold in candidates[node]:
            if gold in seen:
                continue
            seen.add(gold)
            if gold not in owner or assign(owner[gold], seen):
                owner[gold] = node
                return True
        return False

    for node in sorted(candidates, key=lambda n: (n in fallback, n)):
        assign(node, set())
    return {node: gold for gold, node in owner.items()}


# --------------------------------------------------------------------------- document scoring


@dataclass
class _EntityResult:
    """Intermediate entity scoring of one document."""

    prf: PRF
    types: Ratio
    duplicates: list[Duplicate]
    missed: list[str]
    spurious: list[SpuriousNode]
    wrong_types: list[WrongType]
    matches: dict[str, list[str]]


def _score_entities(
    view: _GraphView, matcher: _Matcher, gold: Gold, docs: list[URIRef]
) -> _EntityResult:
    """Entity P/R/F1, duplicates and type accuracy for one document."""
    entities = matcher.entities
    not_keys = {normalise(x) for x in gold.not_entities}
    nodes = sorted(n for n in view.mentioned(docs) if view.entity_classes(n))
    spurious: list[SpuriousNode] = []
    candidates: dict[URIRef, list[int]] = {}
    optional_match: set[URIRef] = set()
    matches: dict[str, list[str]] = {}
    for iri in nodes:
        node = view.node(iri)
        if node.label_keys & not_keys:
            spurious.append(SpuriousNode(str(iri), view.display(iri), "not_entity"))
            continue
        found = matcher.matches(node)
        for i in found:
            matches.setdefault(entities[i].name, []).append(str(iri))
        required = [i for i in found if not entities[i].optional]
        if required:
            candidates[iri] = required
        if len(required) < len(found):
            optional_match.add(iri)
        if not found:
            spurious.append(SpuriousNode(str(iri), view.display(iri), "unmatched"))
    assignment = _max_matching(candidates, optional_match)
    for iri in sorted(set(candidates) - set(assignment) - optional_match):
        names = tuple(entities[i].name for i in candidates[iri])
        spurious.append(SpuriousNode(str(iri), view.display(iri), "duplicate", names))
    spurious.sort(key=lambda s: (s.reason, s.node))

    matched = sorted({i for found in candidates.values() for i in found})
    required_total = sum(1 for e in entities if not e.optional)
    missed = [e.name for i, e in enumerate(entities) if not e.optional and i not in matched]
    duplicates = []
    for i in matched:
        holders = tuple(sorted(str(n) for n, found in candidates.items() if i in found))
        if len(holders) > 1:
            duplicates.append(Duplicate(entities[i].name, holders))

    assigned_to = {gold: node for node, gold in assignment.items()}
    wrong: list[WrongType] = []
    for i in matched:
        node = assigned_to.get(i) or min(n for n, found in candidates.items() if i in found)
        specific = most_specific(view.entity_classes(node))
        if not specific or not set(specific) <= accepted_types(entities[i].types):
            wrong.append(WrongType(entities[i].name, str(node), specific, entities[i].types))
    fp = len(spurious)
    return _EntityResult(
        prf=PRF.of(len(matched), fp, required_total - len(matched)),
        types=Ratio.of(len(matched) - len(wrong), len(matched)),
        duplicates=duplicates,
        missed=missed,
        spurious=spurious,
        wrong_types=wrong,
        matches={k: sorted(v) for k, v in sorted(matches.items())},
    )


def _fact_matches(
    view: _GraphView, matcher: _Matcher, fact: tuple[str, str, str], s: URIRef, o: URIRef
) -> bool:
    """Tell whether the triple ``s fact[1] o`` matches a gold fact (property checked by caller)."""
    return matcher.slot_matches(view.node(s), _split_alternatives(fact[0])) and (
        matcher.slot_matches(view.node(o), _split_alternatives(fact[2]))
    )


def _score_facts(
    view: _GraphView, matcher: _Matcher, gold: Gold, docs: list[URIRef]
) -> tuple[PRF, dict[str, PRF], list[tuple[str, str, str]], list[GraphFact]]:
    """Fact P/R/F1 overall and per property, missed gold facts and spurious triples."""
    mentioned = view.mentioned(docs)
    found: set[int] = set()
    fp_by_prop: dict[str, int] = {}
    spurious: list[GraphFact] = []
    for prop in RELATIONS:
        gold_idx = [i for i, f in enumerate(gold.facts) if f[1] == prop]
        optional = [f for f in gold.optional_facts if f[1] == prop]
        pairs = [
            (s, o)
            for s, o in view.graph.subject_objects(KG[prop])
            if s in mentioned and o in mentioned
        ]
        for s, o in sorted(pairs):
            hits = [i for i in gold_idx if _fact_matches(view, matcher, gold.facts[i], s, o)]
            found.update(hits)
            if hits or any(_fact_matches(view, matcher, f, s, o) for f in optional):
                continue
            fp_by_prop[prop] = fp_by_prop.get(prop, 0) + 1
            spurious.append(GraphFact(view.display(s), prop, view.display(o), str(s), str(o)))
    by_prop: dict[str, PRF] = {}
    for prop in sorted({f[1] for f in gold.facts} | set(fp_by_prop)):
        idx = [i for i, f in enumerate(gold.facts) if f[1] == prop]
        tp = sum(1 for i in idx if i in found)
        by_prop[prop] = PRF.of(tp, fp_by_prop.get(prop, 0), len(idx) - tp)
    total = PRF.of(len(found), len(spurious), len(gold.facts) - len(found))
    missed = [f for i, f in enumerate(gold.facts) if i not in found]
    return total, by_prop, missed, spurious


def _score_titles(
    view: _GraphView, matcher: _Matcher, gold: Gold, docs: list[URIRef]
) -> tuple[Ratio, list[tuple[str, str, str]]]:
    """Titles (``kg:title``) found on the nodes matching the gold attribute's entity."""
    nodes = [n for n in sorted(view.mentioned(docs)) if view.entity_classes(n)]
    rows = [a for a in gold.attributes if a[1] == "title"]
    missed = []
    for row in rows:
        values = {normalise(v) for v in _split_alternatives(row[2])}
        hit = any(
            matcher.slot_matches(view.node(n), (row[0],))
            and values & {normalise(t) for t in _literals(view.graph, n, KG.title)}
            for n in nodes
        )
        if not hit:
            missed.append(row)
    return Ratio.of(len(rows) - len(missed), len(rows)), missed


def _event_found(view: _GraphView, matcher: _Matcher, event: GoldEvent, node: URIRef) -> bool:
    """Tell whether an event node has an acceptable value in every role the gold event lists."""
    for role in ROLES:
        wanted = getattr(event, role)
        if wanted and not any(
            isinstance(o, URIRef) and matcher.slot_matches(view.node(o), wanted)
            for o in view.graph.objects(node, KG[role])
        ):
            return False
    if event.date:
        wanted_dates = {_parse_date(d) for d in event.date} - {None}
        got = {_parse_date(o) for o in view.graph.objects(node, KG.date)}
        if not wanted_dates & got:
            return False
    return True


def _score_events(
    view: _GraphView, matcher: _Matcher, gold: Gold, docs: list[URIRef]
) -> tuple[Ratio, dict[str, Ratio], list[GoldEvent]]:
    """Event recall overall and per class, and the missed gold events."""
    mentioned = view.mentioned(docs)
    missed: list[GoldEvent] = []
    counts: dict[str, list[int]] = {}
    for event in gold.events:
        try:
            cls = KG[event.type]
        except (AttributeError, KeyError):
            cls = None
        candidates = (
            sorted(n for n in view.graph.subjects(RDF.type, cls) if n in mentioned) if cls else []
        )
        hit = any(_event_found(view, matcher, event, n) for n in candidates)
        tally = counts.setdefault(event.type, [0, 0])
        tally[0] += int(hit)
        tally[1] += 1
        if not hit:
            missed.append(event)
    by_type = {t: Ratio.of(f, n) for t, (f, n) in sorted(counts.items())}
    return Ratio.of(len(gold.events) - len(missed), len(gold.events)), by_type, missed


#: Roles compared for event precision (SPEC §4: agent, target, place; dates apart).
PRECISION_ROLES = ("agent", "target", "place")


def _event_agrees(view: _GraphView, matcher: _Matcher, event: GoldEvent, node: URIRef) -> bool:
    """Tell whether an event node agrees with a gold event on every role both give.

    A role both give agrees when some value the node gives is acceptable (as for recall).
    """
    for role in PRECISION_ROLES:
        wanted = getattr(event, role)
        got = [o for o in view.graph.objects(node, KG[role]) if isinstance(o, URIRef)]
        if wanted and got and not any(matcher.slot_matches(view.node(o), wanted) for o in got):
            return False
    if event.date:
        wanted_dates = {_parse_date(d) for d in event.date} - {None}
        got_dates = {_parse_date(o) for o in view.graph.objects(node, KG.date)} - {None}
        if got_dates and not got_dates & wanted_dates:
            return False
    return True


def _event_nodes(view: _GraphView, docs: list[URIRef]) -> list[tuple[URIRef, str]]:
    """Event nodes mentioned in ``docs`` with their most specific event class local name."""
    mentioned = view.mentioned(docs)
    out = []
    for node in sorted(mentioned):
        classes = {
            str(t)[len(KG_NS) :]
            for t in view.graph.objects(node, RDF.type)
            if str(t).startswith(KG_NS) and str(t)[len(KG_NS) :] in EVENT_CLASSES
        }
        specific = most_specific(classes)
        if specific:
            out.append((node, specific[0]))
    return out


def _score_event_precision(
    view: _GraphView, matcher: _Matcher, gold: Gold, docs: list[URIRef]
) -> tuple[Ratio, list[tuple[str, str, str]]]:
    """Event precision (SPEC §4): share of event nodes some gold event of a class agrees with."""
    by_type: dict[str, list[GoldEvent]] = {}
    for event in gold.events:
        by_type.setdefault(event.type, []).append(event)
    nodes = _event_nodes(view, docs)
    wrong = [
        (str(node), cls, view.display(node))
        for node, cls in nodes
        if not any(_event_agrees(view, matcher, e, node) for e in by_type.get(cls, []))
    ]
    return Ratio.of(len(nodes) - len(wrong), len(nodes)), wrong


def _score(view: _GraphView, gold: Gold) -> DocScore:
    """Score one document on a prepared graph view."""
    matcher = _Matcher(gold)
    docs = view.documents(gold.document)
    ent = _score_entities(view, matcher, gold, docs)
    facts, by_prop, missed_facts, spurious_facts = _score_facts(view, matcher, gold, docs)
    titles, missed_titles = _score_titles(view, matcher, gold, docs)
    events, by_type, missed_events = _score_events(view, matcher, gold, docs)
    event_precision, wrong_events = _score_event_precision(view, matcher, gold, docs)
    return DocScore(
        document=gold.document,
        document_found=bool(docs),
        entities=ent.prf,
        entity_types=ent.types,
        facts=facts,
        facts_by_property=by_prop,
        events=events,
        events_by_type=by_type,
        titles=titles,
        event_precision=event_precision,
        duplicates=ent.duplicates,
        missed_entities=ent.missed,
        spurious_entities=ent.spurious,
        wrong_types=ent.wrong_types,
        missed_facts=missed_facts,
        spurious_facts=spurious_facts,
        missed_titles=missed_titles,
        missed_events=missed_events,
        wrong_events=wrong_events,
        matches=ent.matches,
    )


def score_document(graph: Graph, gold: Gold) -> DocScore:
    """Score one article's part of ``graph`` (a Graph, or a Dataset scored as its union)."""
    return _score(_GraphView(graph), gold)


# --------------------------------------------------------------------------- corpus scoring


def _sum_prf(items: Iterable[PRF]) -> PRF:
    """Micro-average: sum the counts."""
    return sum(items, PRF.of(0, 0, 0))


def _sum_ratio(items: Iterable[Ratio]) -> Ratio:
    """Sum found/total."""
    return sum(items, Ratio.of(0, 0))


def _sum_dicts(dicts: Iterable[dict], zero: PRF | Ratio) -> dict:
    """Sum per-key scores over documents."""
    out: dict = {}
    for d in dicts:
        for key, value in d.items():
            out[key] = out.get(key, zero) + value
    return dict(sorted(out.items()))


def _split_entities(golds: Sequence[Gold], scores: Sequence[DocScore]) -> list[SplitEntity]:
    """Find gold entities shared by several files but matched by different nodes per document."""
    items = [(d, e) for d, gold in enumerate(golds) for e in gold.entities]
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, (_, entity) in enumerate(items):
        keys = [f"name:{normalise(entity.name)}"]
        if entity.wikidata:
            keys.append(f"wd:{entity.wikidata}")
        for key in keys:
            if key in first:
                parent[find(i)] = find(first[key])
            else:
                first[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(find(i), []).append(i)

    split = []
    for members in groups.values():
        by_doc: dict[str, set[str]] = {}
        for i in members:
            d, entity = items[i]
            nodes = scores[d].matches.get(entity.name, [])
            if nodes:
                by_doc.setdefault(golds[d].document, set()).update(nodes)
        if len(by_doc) < 2 or set.intersection(*by_doc.values()):
            continue
        entity = items[members[0]][1]
        wikidata = next((items[i][1].wikidata for i in members if items[i][1].wikidata), None)
        split.append(
            SplitEntity(
                name=entity.name,
                wikidata=wikidata,
                nodes_by_document={k: tuple(sorted(v)) for k, v in sorted(by_doc.items())},
            )
        )
    return sorted(split, key=lambda s: s.name)


def score_corpus(graph: Graph, golds: list[Gold]) -> CorpusScore:
    """Score every gold document and micro-average (sum TP/FP/FN over documents)."""
    view = _GraphView(graph)
    docs = [_score(view, gold) for gold in golds]
    return CorpusScore(
        documents=docs,
        entities=_sum_prf(d.entities for d in docs),
        entity_types=_sum_ratio(d.entity_types for d in docs),
        facts=_sum_prf(d.facts for d in docs),
        facts_by_property=_sum_dicts((d.facts_by_property for d in docs), PRF.of(0, 0, 0)),
        events=_sum_ratio(d.events for d in docs),
        events_by_type=_sum_dicts((d.events_by_type for d in docs), Ratio.of(0, 0)),
        titles=_sum_ratio(d.titles for d in docs),
        duplicates=sum(len(d.duplicates) for d in docs),
        event_precision=_sum_ratio(d.event_precision for d in docs),
        split_entities=_split_entities(golds, docs),
        missing_documents=[d.document for d in docs if not d.document_found],
    )


def gold_paths(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to their ``*.json`` files (sorted); keep files as given."""
    out: list[Path] = []
    for path in map(Path, paths):
        out.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return out


def run_eval(gold_paths_: list[Path], graph_path: Path) -> CorpusScore:
    """Load the gold files (or folders of them) and the exported graph, and score the corpus."""
    golds = [load_gold(p) for p in gold_paths(gold_paths_)]
    return score_corpus(load_graph(graph_path), golds)


def to_json(score: CorpusScore | DocScore) -> str:
    """Serialise a score deterministically (sorted keys, two-space indent)."""
    return json.dumps(asdict(score), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_json(score: CorpusScore | DocScore, path: Path) -> None:
    """Write :func:`to_json` of a score atomically (temp file in the same folder, then replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(to_json(score))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- text report


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Render a plain-text table: first column left-aligned, others right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def _f(x: float) -> str:
    """Format a ratio with two decimals."""
    return f"{x:.2f}"


def _doc_row(name: str, s: DocScore | CorpusScore, duplicates: int) -> list[str]:
    """One summary row of the main table."""
    return [
        name,
        _f(s.entities.precision),
        _f(s.entities.recall),
        _f(s.entities.f1),
        _f(s.entity_types.value),
        _f(s.facts.precision),
        _f(s.facts.recall),
        _f(s.facts.f1),
        f"{s.events.found}/{s.events.total}",
        f"{s.event_precision.found}/{s.event_precision.total}",
        f"{s.titles.found}/{s.titles.total}",
        str(duplicates),
    ]


def format_table(score: CorpusScore) -> str:
    """Render a corpus score as readable plain text (per document, micro average, details)."""
    headers = [
        "document",
        "ent P",
        "ent R",
        "ent F1",
        "types",
        "fact P",
        "fact R",
        "fact F1",
        "events",
        "ev prec",
        "titles",
        "dup",
    ]
    rows = [_doc_row(d.document, d, len(d.duplicates)) for d in score.documents]
    rows.append(_doc_row("micro", score, score.duplicates))
    parts = [_table(headers, rows)]
    if score.facts_by_property:
        prop_rows = [
            [p, str(s.tp), str(s.fp), str(s.fn), _f(s.precision), _f(s.recall), _f(s.f1)]
            for p, s in score.facts_by_property.items()
        ]
        parts.append(_table(["property", "TP", "FP", "FN", "P", "R", "F1"], prop_rows))
    if score.events_by_type:
        ev_rows = [
            [t, f"{r.found}/{r.total}", _f(r.value)] for t, r in score.events_by_type.items()
        ]
        parts.append(_table(["event type", "found", "recall"], ev_rows))
    if score.missing_documents:
        parts.append("documents not in the graph: " + ", ".join(score.missing_documents))
    if score.split_entities:
        lines = ["split entities (one thing, different nodes across documents):"]
        for s in score.split_entities:
            where = "; ".join(f"{d}: {', '.join(n)}" for d, n in s.nodes_by_document.items())
            lines.append(f"  {s.name}: {where}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
