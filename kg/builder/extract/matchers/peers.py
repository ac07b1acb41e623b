"""Titles shared with peers: "X and his counterparts from A and B, P and Q", "A's P and B's Q".

News names the peers of a titled person by their state alone: "Foreign Minister X met her Russian
counterpart, Y" (Y is Russia's foreign minister), "President X hosted the summit, attended by
Chad's P and Niger's Q" (P and Q are their states' presidents). The peer takes the title of the
person named with it, for the state named with the peer.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.matchers.offices import is_national_office
from kg.builder.extract.matchers.titles import prenominal_title
from kg.builder.extract.relations import Found, held_no_more
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.syntax import conjuncts
from kg.builder.extract.view import DocView
from kg.model import Mention

_POSSESSIVE = ("'s", "’s")


def sentence_titles(view: DocView, rule: Rule) -> dict[tuple[int, str], list[Found]]:
    """Titles held now, by sentence and person: ``(sentence start, person key) → found``."""
    out: dict[tuple[int, str], list[Found]] = {}
    for f in prenominal_title(view, rule):
        if not held_no_more(view, f.title):
            out.setdefault((f.anchor.sent.start, f.subject.key), []).append(f)
    return out


def office_of(found: list[Found]) -> str | None:
    """The position among a person's titles: the one with an owner, else the last."""
    owned = [f.title for f in found if f.object is not None]
    return owned[-1] if owned else (found[-1].title if found else None)


def _in_order(view: DocView, tokens: list[Token], classes: set[str]) -> list[Mention]:
    seen: dict[str, Mention] = {}
    for t in sorted(tokens, key=lambda t: t.i):
        m = view.mention(t)
        if m is not None and m.cls in classes and m.source not in ("inner", "coref"):
            seen.setdefault(m.key, m)
    return list(seen.values())


@MATCHERS("counterparts")
def counterparts(view: DocView, rule: Rule) -> Iterator[Found]:
    """Counterparts: "X met his Russian counterpart, Y", "his counterparts from A and B, P and Q".

    In a list, the people go with the states in order (P is A's, Q is B's). A counterpart has
    the title of the person whose counterpart he is ("his" must refer to a titled person of the
    same sentence), and one state each.
    """
    titles: dict[tuple[int, str], list[Found]] | None = None
    for noun in view.tokens:
        if noun.lemma_.lower() != "counterpart" or noun.pos_ != "NOUN":
            continue
        owner = next((view.mention(c) for c in noun.children if c.dep_ == "poss"), None)
        if owner is None or owner.cls != "Person":
            continue
        if titles is None:
            titles = sentence_titles(view, rule)
        title = office_of(titles.get((noun.sent.start, owner.key), []))
        if title is None or not is_national_office(view, title):
            continue
        right = [t for t in noun.subtree if t.i > noun.i]
        states = _in_order(
            view, [c for c in noun.children if c.dep_ in ("amod", "compound")], {"Country"}
        )
        people = _in_order(view, right, {"Person"}) or _listed_after(
            view, max(t.i for t in [noun, *right])
        )
        first_person = min((p.token_start for p in people), default=noun.i)
        states += [
            s
            for s in _in_order(view, [t for t in right if t.i < first_person], {"Country"})
            if s not in states
        ]
        if noun.dep_ == "compound" and view.mention(noun.head) is not None:
            people = [view.mention(noun.head), *people]  # "his Russian counterpart Y"
        people = [p for p in people if p.key != owner.key]
        if people and len(people) == len(states):
            for person, state in zip(people, states, strict=True):
                yield Found(person, state, noun, title)


@MATCHERS("possessive_peers")
def possessive_peers(view: DocView, rule: Rule) -> Iterator[Found]:
    """Peers named by their state: "President X's summit, attended by Chad's P and Niger's Q".

    Each is his state's president, as X is his. Only lists of two or more "State's Person", and
    only where the sentence gives exactly one title of a state's office to a person of another
    state.
    """
    titles: dict[tuple[int, str], list[Found]] | None = None
    doc = view.doc
    done: set[int] = set()
    for m in view.index.mentions:
        if m.cls != "Person" or not m.is_name or m.token_start in done:
            continue
        head = doc[m.token_end - 1]
        items = _possessed_people(view, conjuncts(head))
        if len(items) < 2 or head.i != min(p.token_end - 1 for p, _ in items):
            continue
        done.update(p.token_start for p, _ in items)
        if titles is None:
            titles = sentence_titles(view, rule)
        sent = head.sent.start
        offices = {
            office_of(fs)
            for (s, key), fs in titles.items()
            if s == sent and any(f.object is not None and f.object.cls == "Country" for f in fs)
        }
        offices.discard(None)
        if len(offices) != 1:
            continue
        title = offices.pop()
        if not is_national_office(view, title):
            continue
        for person, state in items:
            yield Found(person, state, doc[person.token_start], title)


def _listed_after(view: DocView, end: int) -> list[Mention]:
    """The names listed right after token ``end``: ", P, Q and Sir R"."""
    doc, lex = view.doc, view.res.lexicon
    out: list[Mention] = []
    i = end + 1
    while i < len(doc):
        m = view.mention(doc[i])
        if m is not None and m.cls == "Person" and m.is_name:
            if m not in out:
                out.append(m)
            i = max(i + 1, m.token_end)
        elif doc[i].text == "," or doc[i].lower_ == "and" or doc[i].lower_ in lex.honorifics:
            i += 1
        else:
            break
    return out


def _possessed_people(view: DocView, heads: list[Token]) -> list[tuple[Mention, Mention]]:
    """``(person, state)`` for the coordinated names written "State's Person"."""
    doc = view.doc
    out = []
    for h in heads:
        person = view.mention(h)
        if person is None or person.cls != "Person":
            continue
        i = person.token_start - 1
        if i < 1 or doc[i].text not in _POSSESSIVE:
            continue
        state = view.mention(doc[i - 1])
        if state is not None and state.cls == "Country":
            out.append((person, state))
    return out
