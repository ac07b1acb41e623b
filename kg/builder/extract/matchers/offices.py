"""Whose office a bare title is: "President X" in an article about one country.

News names a state's own leaders and ministers by their title alone ("President X", "the Interior
Minister, Y") when the story is about that state. A reader takes the state from the clause ("The
Turkish parliament ratified the bill and President X signed it") or from the article, when one
state plainly dominates it and the sentence names no other. Where the article is about several
states, the title stays without a state: a missing fact costs less than a wrong one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from kg.builder.extract.lexicon import uses
from kg.builder.extract.relations import title_words
from kg.builder.extract.view import DocView
from kg.model import Mention

NATIONAL, BODIES, TOWARDS = uses(
    "national_office_titles", "state_body_nouns", "foreign_party_preps"
)
#: Share of the article's mentions of states that the dominant state must have.
DOMINANT_SHARE = 0.6
#: The share it must have for a person who does not act in the sentence ("welcomed President
#: X's decision", "talks with President X").
DOMINANT_SHARE_PASSIVE = 0.8
#: How many mentions the dominant state needs at least.
DOMINANT_MIN = 3
#: How a state carries a clause: as the modifier of a body of the state in it ("The Turkish
#: parliament ratified the bill", "X led the Russian delegation"). A state that is itself a subject
#: or object is another actor ("X asked Australia for help", "and Kigali sent soldiers"); one that
#: modifies other nouns says what they are about ("the Iran arms scandal").
STATE_SLOTS = ("poss", "amod", "compound", "nmod")
_CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "advcl", "relcl", "acl", "conj", "xcomp", "parataxis"})
_KEY = "kg.offices"


def is_national_office(view: DocView, title: str) -> bool:
    """Whether a title is a state's office ("President", "Interior Minister", "Premier")."""
    words = title_words(title)
    offices = view.words(NATIONAL)
    return any(" ".join(words[i:]) in offices for i in range(len(words)))


def state_of(view: DocView, m: Mention) -> str | None:
    """The state a mention names: a country, its demonym, or its capital city (the government).

    A country inside another name counts only inside a body of the state ("the [Turkish]
    parliament"), not inside a name of its own ("Banco do [Brasil]").
    """
    if m.source == "inner":
        outer = view.mention(view.doc[m.token_start])
        if outer is None or outer.source != "state-body" or m.cls != "Country":
            return None
    elif m.source == "coref" or m.source.endswith("-ref"):
        return None
    if m.cls == "Country":
        return m.key
    entry = view.res.gazetteer.get(m.key)
    if entry is not None and entry.capital and entry.country:
        return entry.country
    return None


@dataclass
class OfficeContext:
    """What the article says of offices elsewhere.

    Attributes:
        ties: Person key → the state an explicit title ties the person to ("French President X").
        leaders: Sentence start → how many heads of state or government it names by bare title.
    """

    ties: dict[str, str] = field(default_factory=dict)
    leaders: Counter[int] = field(default_factory=Counter)


class States:
    """The states an article names, counted once per document (mentions of names and demonyms).

    A state named only as the topic of a thing ("the Iran arms affair") is not counted.
    """

    def __init__(self, view: DocView) -> None:
        self.by_token: dict[int, str] = {}
        self.mention: dict[str, Mention] = {}
        counts: Counter[str] = Counter()
        self.counts = counts
        for m in view.index.mentions:
            key = state_of(view, m)
            if key is None:
                continue
            self.by_token[m.token_end - 1] = key  # the name's last word: its head
            if not topic_only(view, view.doc[m.token_end - 1]):
                counts[key] += 1
            if m.cls == "Country":
                self.mention.setdefault(key, m)
        self.dominant: str | None = None
        total = self.total = sum(counts.values())
        if counts:
            key, n = counts.most_common(1)[0]
            if n >= DOMINANT_MIN and n >= DOMINANT_SHARE * total and key in self.mention:
                self.dominant = key

    @classmethod
    def of(cls, view: DocView) -> States:
        """The states of the view's document (made once)."""
        states = view.cache.get(_KEY)
        if states is None:
            states = view.cache[_KEY] = cls(view)
        return states

    def in_span(self, start: int, end: int) -> list[tuple[int, str]]:
        """``(token, state)`` of the state mentions whose last word is in ``[start, end)``."""
        return [(i, k) for i, k in self.by_token.items() if start <= i < end]


def topic_only(view: DocView, token: Token) -> bool:
    """A state named only as the topic of a thing: "the [Iran] arms affair", "[Iraq] war".

    Such mentions do not make an article about the state (nor its people its leaders).
    """
    head = token.head
    return (
        token.dep_ == "compound"
        and head is not token
        and head.pos_ == "NOUN"
        and view.mention(head) is None
        and head.lower_ not in view.words(BODIES)
    )


def clause_head(token: Token) -> Token:
    """The verb heading the clause a token is in."""
    t = token
    for _ in range(12):
        if t.pos_ in ("VERB", "AUX") and t.dep_ in _CLAUSE_DEPS:
            return t
        if t.head is t:
            return t
        t = t.head
    return t


def clause_group(verb: Token) -> set[int]:
    """A clause and the clauses coordinated with it ("X ratified it and Y signed it")."""
    root = verb
    while root.dep_ in ("conj", "xcomp") and root.head is not root:
        root = root.head
    out: set[int] = set()
    todo = [root]
    while todo:
        t = todo.pop()
        if t.i in out:
            continue
        out.add(t.i)
        todo += [c for c in t.children if c.dep_ in ("conj", "xcomp") and c.pos_ in ("VERB", "AUX")]
    return out


def _carries_state(view: DocView, token: Token) -> bool:
    """A state that modifies a body of the state in its clause: "The [Turkish] parliament".

    Not "arrived in [China]", "[Chinese] Premier Li", "[Russia]'s Lavrov", "the [Iran] arms
    scandal": a place, the state of someone else, what something is about.
    """
    if token.dep_ not in STATE_SLOTS:
        return False
    head = token.head
    body = view.mention(head)
    return (
        (body is None or body.source == "state-body")
        and head.is_lower
        and head.lower_ in view.words(BODIES)
    )


def _visited(view: DocView, person: Mention, token: Token) -> bool:
    """A state the sentence goes to or deals with, as a foreign party.

    "X visits [Washington]", "the plan was explained to [the U.S.]", "talks with [Japan]": the
    object of a verb of the person, or of a preposition of direction or dealings. ("Protests
    across [France]" is no such object.)
    """
    if token.dep_ == "pobj":
        return token.head.lower_ in view.words(TOWARDS)
    verb = clause_head(token)
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    own = any(person.token_start <= s.i < person.token_end for s in subjects)
    return own and token.dep_ in ("dobj", "dative", "npadvmod", "attr")


def office_state(
    view: DocView, person: Mention, anchor: Token, context: OfficeContext
) -> Mention | None:
    """The state whose office a title without an owner is, when the text makes it plain.

    1. The title's clause (or a clause coordinated with it) names exactly one state, as the
       modifier of a body of the state ("The Turkish parliament"): that state; not when that
       body acts on something of the person ("The Canadian government welcomed President X's
       plan").
    2. Else one state dominates the article, and the sentence names no other state, nor the
       dominant one as a foreign party ("X visits Washington"), a topic ("Japanese goods"), or
       the state of an official the person deals with ("X met Belgian Foreign Minister Y"); not
       in a sentence naming officials of another state, nor for one of two heads of state or
       government named by title in one sentence. A person who does not act in the sentence
       ("talks with President X") needs a state that dominates the article more.
    """
    states = States.of(view)
    sent = anchor.sent
    here = states.in_span(sent.start, sent.end)
    group = clause_group(clause_head(view.doc[person.token_end - 1]))
    acts = acting(view, person)
    local = {
        key
        for i, key in here
        if clause_head(view.doc[i]).i in group
        and _carries_state(view, view.doc[i])
        and (acts or view.doc[i].head.dep_ not in ("nsubj", "nsubjpass"))
    }
    if len(local) == 1:
        return states.mention.get(next(iter(local)))
    if local:
        return None
    dominant = states.dominant
    if dominant is None or not {key for _, key in here} <= {dominant}:
        return None
    if not acts and states.counts[dominant] < DOMINANT_SHARE_PASSIVE * states.total:
        return None
    if context.leaders[sent.start] > 1:
        return None
    if any(_visited(view, person, view.doc[i]) or _topic(view, view.doc[i]) for i, _ in here):
        return None
    if _among_others(view, sent, person, dominant, context):
        return None
    return states.mention[dominant]


def acting(view: DocView, person: Mention) -> bool:
    """Whether the person acts in the sentence.

    The subject (or in apposition or coordination with it), the agent of a passive, or the
    source of "according to".
    """
    head = view.doc[person.token_end - 1]
    while head.dep_ in ("appos", "conj") and head.head is not head:
        head = head.head
    if head.dep_ in ("nsubj", "nsubjpass"):
        return True
    if head.dep_ == "pobj":
        prep = head.head
        return prep.dep_ == "agent" or (prep.lower_ == "to" and prep.head.lower_ == "according")
    return False


def _topic(view: DocView, token: Token) -> bool:
    """A state modifying a thing that is neither a body of it nor a post: "[Japanese] goods"."""
    head = token.head
    if token.dep_ not in ("amod", "compound", "nmod") or head is token:
        return False  # (a possessive is the state's own: "the Islamic Republic's enemies")
    if view.mention(head) is not None or head.lower_ in view.res.lexicon.title_vocab:
        return False
    return head.pos_ == "NOUN" and head.lower_ not in view.words(BODIES)


def _among_others(
    view: DocView, sent: Span, person: Mention, state: str, context: OfficeContext
) -> bool:
    """Whether the sentence names the person with officials of another state, or dealing.

    "Foreign Minister X will accompany [Japanese Prime Minister] Y": another state's official;
    "X met [Belgian Foreign Minister] Y": the person deals with one of the state's own.
    """
    for m in view.index.mentions:
        if m.token_start < sent.start or m.token_start >= sent.end or m.key == person.key:
            continue
        tie = context.ties.get(m.key) if m.cls == "Person" else None
        if tie is None:
            continue
        if tie != state or view.doc[m.token_end - 1].dep_ in ("dobj", "pobj", "dative"):
            return True
    return False
