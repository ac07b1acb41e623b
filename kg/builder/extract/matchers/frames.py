"""Event frames: who, whom, where, when and about what, read off a trigger's clause."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.events import Draft, dated_otherwise, event_date
from kg.builder.extract.lexicon import uses
from kg.builder.extract.rules import FRAMES, MATCHERS, Rule
from kg.builder.extract.syntax import governing_verb, group, in_object, pobjs
from kg.builder.extract.view import ACTORS, PLACES, DocView
from kg.model import Mention

TOPIC_PREPS, STATEMENT_VERBS, OCCASIONS = uses("topic_preps", "statement_verbs", "occasion_nouns")
PERSON = frozenset({"Person"})
PLACE_PREPS = {"in", "at", "across", "throughout", "to", "into", "near", "outside", "inside", "on"}
EMERGENCY_VERBS = ("declare", "impose", "introduce", "announce", "extend", "lift")


def event_agents(view: DocView, token: Token) -> list[Mention]:
    """Who acted: the verb's subject (or "by" agent), or the noun's possessor/author."""
    if token.pos_ == "VERB":
        by = view.mentions_in(pobjs(token, {"by"}), ACTORS)
        if by:
            return by
        return [m for m in view.subjects(token) if m.cls in ACTORS]
    found = view.mentions_in(
        [c for c in token.children if c.dep_ in ("poss", "compound", "nmod", "amod")], ACTORS
    )
    found += view.mentions_in(pobjs(token, {"by", "from", "of"}), ACTORS)
    if not found and token.dep_ == "pobj" and token.head.head.pos_ == "VERB":
        found = [m for m in view.subjects(token.head.head) if m.cls in ACTORS]
    if not found and token.dep_ in ("nsubj", "dobj", "nsubjpass"):
        found = view.mentions_in(pobjs(token.head, {"by"}), ACTORS)
    if not found and in_object(token):
        # "X announced his resignation", "X declared a state of emergency", "X signed a deal"
        found = [m for m in view.subjects(governing_verb(token)) if m.cls in ACTORS]
    return found


def event_targets(view: DocView, token: Token, requests: bool) -> list[Mention]:
    """Whom it was aimed at or asked of: direct objects; for requests "from/to" objects."""
    if token.pos_ != "VERB":
        return view.mentions_in(pobjs(token, {"against", "on"}), ACTORS | PLACES)
    objs = [x for c in token.children if c.dep_ in ("dobj", "dative") for x in group(c)]
    found = view.mentions_in(objs, ACTORS | PLACES)
    if requests:
        found += view.mentions_in(pobjs(token, {"to", "from"}), ACTORS)
        for o in objs:
            found += view.mentions_in(pobjs(o, {"from"}), ACTORS)
            for p in pobjs(o, {"from"}):
                found += view.mentions_in(pobjs(p, {"of"}), ACTORS)
    return found


def event_places(view: DocView, token: Token) -> list[Mention]:
    """Where: places in prepositions attached to the trigger or its verb, "where" clauses."""
    anchors = [token]
    verb = governing_verb(token)
    if verb is not None and verb is not token:
        anchors.append(verb)
    tokens: list[Token] = []
    if verb is not None:  # "drivers in the X region staged protests"
        anchors += [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    anchors += [c for c in token.children if c.dep_ in ("relcl", "acl")]
    if verb is not None:  # "torched buildings in the city's Chinatown"
        anchors += [c for c in verb.children if c.dep_ == "dobj"]
    occasions = view.words(OCCASIONS)
    for anchor in anchors:
        for p in pobjs(anchor, PLACE_PREPS | {"during"}):
            if p.lemma_.lower() in occasions:  # "said during a visit to X", "at a summit in X"
                tokens.extend(pobjs(p, {"to", "in", "at"}))
            if p.head.lower_ == "during":
                continue
            tokens.append(p)
            tokens.extend(pobjs(p, {"of"}))  # "in the western cities of A, B and C"
            tokens.extend(c for c in p.children if c.dep_ == "poss")
        for c in anchor.children:
            if c.dep_ in ("compound", "amod", "nmod") and view.mention(c) is not None:
                tokens.append(c)
    t = verb or token
    if t.dep_ == "relcl" and any(c.lower_ == "where" for c in t.children):
        tokens.append(t.head)
    own = {c.i for c in token.children}
    return [  # "the Saudi supertanker", "Russian troops": a demonym names no place of the event
        m for m in view.mentions_in(tokens, PLACES) if m.source != "demonym" or m.token_start in own
    ]


def nearest_place(view: DocView, token: Token) -> list[Mention]:
    """The place mention of the trigger's clause closest to the trigger.

    Only the clause of the trigger's verb is read: a place in another clause of the sentence
    ("the envoy said on a trip to Lima that the talks ...") is not where it happened.
    """
    verb = governing_verb(token) or token
    lo, hi = min(verb.left_edge.i, token.i), max(verb.right_edge.i, token.i) + 1
    best: Mention | None = None
    for m in view.index.between(lo, hi):
        if m.source in ("inner", "demonym"):
            continue  # "Russian Air Force planes" does not say where something happened
        if m.cls in PLACES:
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


#: Classes whose passive subject underwent the act ("was arrested", "was attacked", "was asked").
UNDERGONE = frozenset({"Arrest", "Attack", "Request"})


def passive_without_agent(token: Token) -> bool:
    """A passive verb with no "by" agent ("Freeman was arrested in February")."""
    if token.pos_ != "VERB" or not any(c.dep_ == "auxpass" for c in token.children):
        return False
    return not any(c.dep_ == "agent" for c in token.children)


def clause(view: DocView, token: Token, rule: Rule, *, aimed: bool = False) -> Draft:
    """The roles of a trigger's clause; ``aimed``: objects are targets even when places."""
    d = Draft(rule.emit, token, rule, confidence=rule.confidence)
    undergoer = rule.emit in UNDERGONE and passive_without_agent(token)
    for m in event_agents(view, token):  # "X was arrested": X is the target
        (d.target if undergoer else d.agent).setdefault(m.key, m)
    for m in event_targets(view, token, rule.emit == "Request"):
        if m.key not in d.agent:
            (d.target if aimed or m.cls not in PLACES else d.place).setdefault(m.key, m)
    for m in event_places(view, token):
        d.place.setdefault(m.key, m)
    d.topics = event_topics(view, token)
    d.date = event_date(view, token, view.article_date)
    return d


def place_fallback(view: DocView, token: Token, d: Draft) -> None:
    """An unattached happening is at the sentence's nearest place, else the main country.

    "in a country that ..." (a described, unnamed place) is the main country too.
    """
    if d.place:
        return
    anchors = [token] + [v for v in [governing_verb(token)] if v is not None]
    vague = any(
        p.lower_ in view.res.lexicon.references and view.mention(p) is None
        for a in anchors
        for p in pobjs(a, {"in"})
    )
    found = [] if vague else nearest_place(view, token)
    main = view.main_country
    for m in found or ([main] if main else []):
        d.place.setdefault(m.key, m)
    d.confidence = min(d.confidence, 0.6 if found else 0.5)


@FRAMES("clause")
def clause_frame(view: DocView, token: Token, rule: Rule) -> Draft:
    """Agent, target, place, date and topic from the trigger's clause."""
    return clause(view, token, rule)


def not_the_speaker(view: DocView, token: Token, d: Draft) -> None:
    """Whoever calls, condemns or describes a happening did not do it.

    "X called the clashes a riot", "X condemned the attack": X is no agent of the noun.
    """
    verb = governing_verb(token)
    if d.cls in ("Riot", "Protest", "Attack") and token.pos_ != "VERB" and verb is not None:
        if verb.lemma_.lower() in view.words(STATEMENT_VERBS):
            d.agent.clear()


@FRAMES("happening")
def happening_frame(view: DocView, token: Token, rule: Rule) -> Draft:
    """A clause frame whose place defaults to the nearest place or the main country."""
    d = clause(view, token, rule)
    not_the_speaker(view, token, d)
    place_fallback(view, token, d)
    return d


@FRAMES("attack")
def attack_frame(view: DocView, token: Token, rule: Rule) -> Draft:
    """A happening aimed at someone: its objects are targets, even places."""
    d = clause(view, token, rule, aimed=True)
    not_the_speaker(view, token, d)
    place_fallback(view, token, d)
    return d


def moves_forces(view: DocView, token: Token, d: Draft) -> bool:
    """A deployment moves forces: its agent or object is a force, or its object is troops."""
    if any(m.cls == "MilitaryForce" for m in list(d.agent.values()) + list(d.target.values())):
        return True
    nouns = view.res.lexicon.force_nouns
    verb = governing_verb(token)
    scope = list(token.subtree) + [
        c for c in (verb.children if verb is not None else []) if c.dep_ in ("nsubj", "nsubjpass")
    ]
    if verb is not None and verb.dep_ == "xcomp":  # "soldiers began arriving"
        scope += [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    return any(t.lower_ in nouns for s in scope for t in s.subtree)


@FRAMES("deployment")
def deployment_frame(view: DocView, token: Token, rule: Rule) -> Draft | None:
    """A happening that moves forces (troops, a named force); anything else is no deployment."""
    d = clause(view, token, rule)
    if not moves_forces(view, token, d):
        return None
    place_fallback(view, token, d)
    return d


@FRAMES("exchange")
def exchange_frame(view: DocView, token: Token, rule: Rule) -> Draft:
    """Between parties (requests, meetings, agreements): capitals stand for their countries."""
    d = clause(view, token, rule, aimed=True)
    d.governments = True
    return d


def last_speaker(view: DocView, token: Token, classes: frozenset[str]) -> Mention | None:
    """Who news goes on quoting with "he said" / "it said".

    The last named speaker (subject of a verb of saying) of the given classes before the
    trigger, in its sentence or the two before, skipping speakers that are themselves pronouns
    ("She spoke to reporters ... She praised the firefighters and said").
    """
    sent = token.sent
    end = token.i
    speech = view.words(STATEMENT_VERBS) | {"speak"}
    for _ in range(3):
        best: Mention | None = None
        for t in view.tokens[sent.start : end]:
            if t.dep_ not in ("nsubj", "nsubjpass") or t.head.lemma_.lower() not in speech:
                continue  # only speakers: "Volcker knows ..., he said" is not Volcker speaking
            for m in view.subjects(t.head):
                if m.cls in classes and m.token_start <= t.i < m.token_end:
                    best = m
        if best is not None and best.is_name:
            return best
        if best is None and end != token.i:
            return None  # the sentence before quotes no one of that kind: the chain breaks
        if sent.start == 0:
            return None
        end = sent.start
        sent = view.tokens[sent.start - 1].sent
    return None


def sure_speakers(view: DocView, token: Token, d: Draft) -> None:
    """A pronoun speaker ("he said") is kept only when it is sure.

    Sure: the person (or, for "it", the body) quoted or acting just before. Otherwise it is
    dropped (a Statement needs a speaker, so no event).
    """
    for key, m in list(d.agent.items()):
        pronoun = view.tokens[m.token_start]
        if m.is_name or pronoun.pos_ != "PRON":
            continue
        del d.agent[key]
        classes = PERSON if m.cls == "Person" else ACTORS - PERSON
        speaker = last_speaker(view, token, classes)
        if speaker is not None and speaker.key == m.key:
            d.agent.setdefault(speaker.key, speaker)


@FRAMES("statement")
def statement_frame(view: DocView, token: Token, rule: Rule) -> Draft:
    """Speech: capitals stand for their countries; an undated "said" is dated the article date.

    The annotation convention (GUIDE) and wire usage agree: a speech the text does not date was
    made on the day of the report, not on the day an earlier sentence names. A pronoun speaker
    must be sure (see :func:`sure_speakers`).
    """
    d = clause(view, token, rule)
    sure_speakers(view, token, d)
    d.governments = True
    if d.date is None and dated_otherwise(view, token):
        return d  # "last week X reported": not the article date
    d.date = d.date or view.article_date
    return d


@FRAMES("according_to")
def according_to_frame(view: DocView, token: Token, rule: Rule) -> Draft:
    """Speech attributed with "according to X": X is the agent."""
    d = Draft(rule.emit, token, rule, confidence=rule.confidence)
    for m in view.mentions_in(pobjs(token, {"to"}), ACTORS):
        d.agent.setdefault(m.key, m)
    d.date = event_date(view, token, view.article_date) or view.article_date
    d.governments = True
    return d


@MATCHERS("emergency_trigger")
def emergency_trigger(view: DocView, rule: Rule) -> Iterator[Token]:
    """Emergency triggers: "state of emergency", "imposed a curfew", "martial law"."""
    for token in view.tokens:
        if token.pos_ not in ("NOUN", "PROPN") or view.mention(token) is not None:
            continue
        lower = token.lower_
        if not (token.lemma_.lower() == "emergency" or lower in ("curfew", "law", "lockdown")):
            continue
        if lower == "law" and not any(c.lower_ == "martial" for c in token.children):
            continue
        head = token.head
        if head.lower_ == "of" and head.head.lower_ == "state":
            yield token
            continue
        verb = governing_verb(token)
        if verb is not None and verb.lemma_.lower() in EMERGENCY_VERBS:
            yield token


@MATCHERS("according_to")
def according_to(view: DocView, rule: Rule) -> Iterator[Token]:
    """The word "according" of "according to X"."""
    for token in view.tokens:
        if token.lower_ == "according" and pobjs(token, {"to"}):
            yield token
