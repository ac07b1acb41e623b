"""Extract events as n-ary records: a trigger word, its class, and who/whom/where/when roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from kg.builder.extract import dates
from kg.builder.extract.relations import (
    PLACES,
    DocView,
    cancelled,
    governing_verb,
    government_of,
    group,
    mentions_in,
    pobjs,
    subjects,
)
from kg.model import Article, EventRecord, Mention
from kg.vocab import ROLES

ACTORS = {"Person", "Organization", "MilitaryForce", "Country"}
#: Classes whose place may be taken from the nearest place in the sentence when not attached.
PLACE_FALLBACK = {"Protest", "Riot", "Attack", "EmergencyDeclaration", "Deployment"}
#: Classes that need an actor to be worth a node ("said" alone is not an event).
NEED_AGENT = {"Statement", "Request", "Meeting", "Agreement", "Arrest"}
PLACE_PREPS = {"in", "at", "across", "throughout", "to", "into", "near", "outside", "inside", "on"}


@dataclass
class Draft:
    """An event being assembled from one or more triggers of a sentence."""

    cls: str
    trigger: Token
    sent: Span
    agent: dict[str, Mention] = field(default_factory=dict)
    target: dict[str, Mention] = field(default_factory=dict)
    participant: dict[str, Mention] = field(default_factory=dict)
    place: dict[str, Mention] = field(default_factory=dict)
    topics: list[str] = field(default_factory=list)
    date: dt.date | None = None
    confidence: float = 0.7


def trigger_class(view: DocView, token: Token) -> str | None:
    """The event class a token triggers, if any (with the lexicon's verb/noun lists)."""
    lex = view.ctx.lexicon
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB":
        cls = lex.events.get(lemma)
        if cls == "Resignation" and lemma == "step":
            return cls if any(c.lower_ == "down" for c in token.children) else None
        return cls
    if token.pos_ in ("NOUN", "PROPN") and view.mention(token) is None:
        if lemma == "emergency" or token.lower_ in ("curfew", "law", "lockdown"):
            return _emergency(token)
        if lemma == "games" and any(c.lower_ == "war" for c in token.children):
            return "MilitaryExercise"
        return lex.event_nouns.get(lemma) or lex.event_nouns.get(token.lower_)
    return None


def _emergency(token: Token) -> str | None:
    """Match "state of emergency" / "declared an emergency" / "imposed a curfew" / "martial law"."""
    if token.lower_ == "law" and not any(c.lower_ == "martial" for c in token.children):
        return None
    head = token.head
    if head.lower_ == "of" and head.head.lower_ == "state":
        return "EmergencyDeclaration"
    verb = governing_verb(token)
    if verb is not None and verb.lemma_.lower() in (
        "declare",
        "impose",
        "introduce",
        "announce",
        "extend",
        "lift",
    ):
        return "EmergencyDeclaration"
    return None


def event_agents(view: DocView, token: Token) -> list[Mention]:
    """Who acted: the verb's subject (or "by" agent), or the noun's possessor/author."""
    if token.pos_ == "VERB":
        by = mentions_in(view, pobjs(token, {"by"}), ACTORS)
        if by:
            return by
        return [m for m in subjects(token, view) if m.cls in ACTORS]
    found = mentions_in(
        view, [c for c in token.children if c.dep_ in ("poss", "compound", "nmod", "amod")], ACTORS
    )
    found += mentions_in(view, pobjs(token, {"by", "from", "of"}), ACTORS)
    if not found and token.dep_ == "pobj" and token.head.head.pos_ == "VERB":
        found = [m for m in subjects(token.head.head, view) if m.cls in ACTORS]
    if not found and token.dep_ in ("nsubj", "dobj", "nsubjpass"):
        verb = token.head
        found = mentions_in(view, pobjs(verb, {"by"}), ACTORS)
    if not found and in_object(token):
        # "X announced his resignation", "X declared a state of emergency", "X signed a deal"
        found = [m for m in subjects(governing_verb(token), view) if m.cls in ACTORS]
    return found


def in_object(token: Token) -> bool:
    """Whether a noun sits in the object of its verb ("declared [a state of emergency]")."""
    t = token
    for _ in range(4):
        if t.dep_ in ("dobj", "attr", "oprd"):
            return t.head.pos_ in ("VERB", "AUX")
        if t.dep_ not in ("pobj", "prep", "compound", "conj") or t.head is t:
            return False
        t = t.head
    return False


def event_targets(view: DocView, token: Token, cls: str) -> list[Mention]:
    """Whom it was aimed at or asked of: direct objects; for requests "from/to" objects."""
    if token.pos_ != "VERB":
        return mentions_in(view, pobjs(token, {"against", "on"}), ACTORS | PLACES)
    objs = [x for c in token.children if c.dep_ in ("dobj", "dative") for x in group(c)]
    found = mentions_in(view, objs, ACTORS | PLACES)
    if cls == "Request":
        found += mentions_in(view, pobjs(token, {"to", "from"}), ACTORS)
        for o in objs:
            found += mentions_in(view, pobjs(o, {"from"}), ACTORS)
            for p in pobjs(o, {"from"}):
                found += mentions_in(view, pobjs(p, {"of"}), ACTORS)
    return found


def event_places(view: DocView, token: Token) -> list[Mention]:
    """Where: places in prepositions attached to the trigger or its verb, "where" clauses."""
    anchors = [token]
    verb = governing_verb(token)
    if verb is not None and verb is not token:
        anchors.append(verb)
    tokens: list[Token] = []
    if verb is not None:  # "drivers in the X region staged protests"
        for subj in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
            anchors.append(subj)
    for clause in (c for c in token.children if c.dep_ in ("relcl", "acl")):
        anchors.append(clause)  # "protests ..., which later spread to the city of Lyon"
    if verb is not None:  # "torched buildings in Honiara's Chinatown"
        anchors += [c for c in verb.children if c.dep_ == "dobj"]
    for anchor in anchors:
        for p in pobjs(anchor, PLACE_PREPS):
            tokens.append(p)
            tokens.extend(pobjs(p, {"of"}))  # "in the western cities of A, B and C"
            tokens.extend(c for c in p.children if c.dep_ == "poss")
        for c in anchor.children:
            if c.dep_ in ("compound", "amod", "nmod") and view.mention(c) is not None:
                tokens.append(c)
    t = verb or token
    if t.dep_ == "relcl" and any(c.lower_ == "where" for c in t.children):
        tokens.append(t.head)
    found = mentions_in(view, tokens, PLACES)
    return found


def nearest_place(view: DocView, token: Token) -> list[Mention]:
    """The place mention of the sentence closest to the trigger."""
    best: Mention | None = None
    for m in view.index.mentions:
        if m.source in ("inner", "demonym"):
            continue  # "Russian Air Force planes" does not say where something happened
        if m.cls in PLACES and token.sent.start <= m.token_start < token.sent.end:
            if best is None or abs(m.token_start - token.i) < abs(best.token_start - token.i):
                best = m
    return [best] if best else []


def event_topics(view: DocView, token: Token) -> list[str]:
    """Short topics: the noun phrase after "over/against/about" ("high fuel prices")."""
    out = []
    for p in pobjs(token, {"over", "against", "about"}):
        words = [t for t in p.subtree if t.dep_ not in ("det", "punct") and t.i <= p.i]
        if words and view.mention(p) is None:
            out.append(" ".join(t.text for t in words))
    return out


def event_date(view: DocView, token: Token, anchor: dt.date | None) -> dt.date | None:
    """The date of the trigger's clause, resolved against the article date."""
    sent = token.sent
    ents = [e for e in sent.ents if e.label_ == "DATE"]
    if not ents:
        return None
    verb = governing_verb(token) or token

    def attached(span: Span) -> bool:
        t = span.root
        for _ in range(6):
            if t is verb or t is token:
                return True
            if t.head is t:
                return False
            t = t.head
        return False

    ents.sort(key=lambda e: (not attached(e), abs(e.root.i - token.i)))
    future = any(c.lower_ in ("will", "'ll") for c in verb.children)
    for ent in ents:
        resolved = dates.resolve_span(ent, anchor, tense="future" if future else "past")
        if resolved is not None and resolved.value is not None:
            return resolved.value
    return None


def drafts(view: DocView, article: Article) -> Iterator[Draft]:
    """One draft per trigger, with its roles."""
    for token in view.tokens:
        cls = trigger_class(view, token)
        if cls is None:
            continue
        if token.pos_ == "VERB" and cancelled(view, token):
            continue
        d = Draft(cls, token, token.sent)
        for m in event_agents(view, token):
            d.agent.setdefault(m.key, m)
        for m in event_targets(view, token, cls):
            if m.key not in d.agent:
                as_target = cls in ("Attack", "Request", "Meeting", "Agreement")
                (d.target if as_target or m.cls not in PLACES else d.place).setdefault(m.key, m)
        for m in event_places(view, token):
            d.place.setdefault(m.key, m)
        if cls in NEED_AGENT and not d.agent:
            continue
        if cls == "Deployment" and not _deploys_forces(view, token, d):
            continue
        if not d.place and cls in PLACE_FALLBACK:
            # unattached: the sentence's nearest place, else the article's main country;
            # "in a country that ..." (a described, unnamed place) is the main country too
            anchors = [token] + [v for v in [governing_verb(token)] if v is not None]
            vague = any(
                p.lower_ in view.ctx.lexicon.references and view.mention(p) is None
                for a in anchors
                for p in pobjs(a, {"in"})
            )
            found = [] if vague else nearest_place(view, token)
            main = view.index.most_frequent({"Country"})
            for m in found or ([main] if main else []):
                d.place.setdefault(m.key, m)
            d.confidence = 0.6 if found else 0.5
        d.topics = event_topics(view, token)
        d.date = event_date(view, token, article.date)
        if d.date is None and cls == "Statement" and article.date is not None:
            d.date = article.date  # news reports an undated "said" on the day of publication
        yield d
    yield from according_to(view, article)


def according_to(view: DocView, article: Article) -> Iterator[Draft]:
    """Statements attributed with "according to X" (X an organisation, person or country)."""
    for token in view.tokens:
        if token.lower_ != "according":
            continue
        agents = mentions_in(view, pobjs(token, {"to"}), ACTORS)
        if not agents:
            continue
        d = Draft("Statement", token, token.sent, confidence=0.6)
        for m in agents:
            d.agent.setdefault(m.key, m)
        d.date = event_date(view, token, article.date) or article.date
        yield d


def _deploys_forces(view: DocView, token: Token, d: Draft) -> bool:
    """A deployment moves forces: its agent or object is a force, or its object is troops."""
    if any(m.cls == "MilitaryForce" for m in list(d.agent.values()) + list(d.target.values())):
        return True
    nouns = view.ctx.lexicon.force_nouns
    verb = governing_verb(token)
    scope = list(token.subtree) + [
        c for c in (verb.children if verb is not None else []) if c.dep_ in ("nsubj", "nsubjpass")
    ]
    if verb is not None and verb.dep_ == "xcomp":  # "soldiers began arriving"
        scope += [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    return any(t.lower_ in nouns for s in scope for t in s.subtree)


def merge(items: list[Draft]) -> list[Draft]:
    """Merge drafts of the same class in the same sentence ("In a statement, X said")."""
    merged: dict[tuple[int, str], Draft] = {}
    for d in items:
        key = (d.sent.start, d.cls)
        if key not in merged:
            merged[key] = d
            continue
        m = merged[key]
        for role in ROLES:
            for k, v in getattr(d, role).items():
                getattr(m, role).setdefault(k, v)
        m.topics += [t for t in d.topics if t not in m.topics]
        m.date = m.date or d.date
        m.confidence = max(m.confidence, d.confidence)
    return list(merged.values())


def extract_events(view: DocView, article: Article) -> list[EventRecord]:
    """Events of a document, one per class and sentence, with resolved dates."""
    out = []
    for d in merge(list(drafts(view, article))):
        if d.cls in ("Request", "Statement", "Meeting", "Agreement"):
            d.agent = {g.key: g for g in (government_of(view, m) for m in d.agent.values())}
            d.target = {g.key: g for g in (government_of(view, m) for m in d.target.values())}
        place = {k: v for k, v in d.place.items() if k not in d.agent}
        out.append(
            EventRecord(
                id=f"{view.doc_id}-{d.sent.start_char}-{d.cls.lower()}",
                cls=d.cls,
                trigger=d.trigger.text,
                date=d.date,
                agent=tuple(sorted(d.agent)),
                target=tuple(sorted(k for k in d.target if k not in d.agent)),
                participant=tuple(sorted(d.participant)),
                place=tuple(sorted(place)),
                topics=tuple(d.topics),
                evidence=view.evidence(d.trigger, f"event-{d.cls.lower()}", d.confidence),
            )
        )
    return out
