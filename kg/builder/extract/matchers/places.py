"""Places and seats: "Lyon, France", "the X region of the country", "X is based in Y"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.guards import cancelled
from kg.builder.extract.lexicon import uses
from kg.builder.extract.matchers.titles import names_a_thing
from kg.builder.extract.relations import Found, title_relation
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.syntax import governing_verb, pobjs
from kg.builder.extract.view import ORG_LIKE, PLACES, DocView

BASE, SEATS = uses("base_verbs", "seat_nouns")


@MATCHERS("place_of")
def place_of(view: DocView, rule: Rule) -> Iterator[Found]:
    """A place in a place: "the Kherson region of the country", "Lyon, France", "X in Y"."""
    for m in view.index.mentions:
        if m.cls != "Location":
            continue
        head = view.doc[m.token_end - 1]
        targets = pobjs(head, {"of", "in"})
        targets += [c for c in head.children if c.dep_ == "poss"]  # "Estonia's X region"
        nxt = view.doc[m.token_end] if m.token_end < len(view.doc) else None
        comma_country: list[Token] = []
        if nxt is not None and nxt.text == "," and m.token_end + 1 < len(view.doc):
            after = view.doc[m.token_end + 1]
            if after.dep_ != "conj" and (after.dep_ == "appos" or after.head.i == head.i):
                comma_country.append(after)
            if after.dep_ == "appos" or (after.dep_ == "npadvmod" and after.head.i == head.i):
                targets.append(after)  # "Dayton, Ohio": a place in apposition contains it
        if nxt is not None and nxt.lower_ == "in":
            # "at Northwood in Britain", "Sevare in central Mali": the next place contains it
            comma_country += [c for c in nxt.children if c.dep_ == "pobj" and c.i <= nxt.i + 3]
        found = view.mentions_in(targets, PLACES) + view.mentions_in(comma_country, {"Country"})
        for place in found:
            if place.key != m.key:
                yield Found(m, place, head)


@MATCHERS("based_in")
def based_in(view: DocView, rule: Rule) -> Iterator[Found]:
    """Seats: "X is based in Y", "X, which is headquartered in Y", "with its headquarters in Y"."""
    base, seats = view.words(BASE), view.words(SEATS)
    for t in view.tokens:
        lemma = t.lemma_.lower()
        if t.pos_ == "VERB" and lemma in base and lemma != "station":
            things = view.subjects(t)
        elif t.lower_ in seats and t.pos_ in ("NOUN", "PROPN"):
            things = view.mentions_in(
                [c for c in t.children if c.dep_ in ("poss", "compound")], ORG_LIKE
            )
            verb = governing_verb(t)
            if not things and verb is not None and t.dep_ == "pobj":
                things = view.subjects(verb)  # "F, run from headquarters at X"
        else:
            continue
        if cancelled(view, t):
            continue
        places = view.mentions_in(pobjs(t, {"in", "at"}), PLACES)[:1]  # "in Larissa, Greece"
        verb = governing_verb(t)
        if not places and t.dep_ == "pobj" and verb is not None:
            places = view.mentions_in(pobjs(verb, {"at", "in"}), PLACES)[:1]
        for thing in things:
            if thing.cls not in ORG_LIKE:
                continue
            for place in places:
                yield Found(thing, place, t)


@MATCHERS("org_in_place")
def org_in_place(view: DocView, rule: Rule) -> Iterator[Found]:
    """An organisation in a city or site: "Drexel Burnham Lambert Inc. in New York"."""
    for m in view.index.mentions:
        if m.cls != "Organization" or not m.is_name:
            continue
        head = view.doc[m.token_start : m.token_end].root
        for place in view.mentions_in(pobjs(head, {"in", "at"}), {"Location"}):
            yield Found(m, place, head)


@MATCHERS("person_at_org")
def person_at_org(view: DocView, rule: Rule) -> Iterator[Found]:
    """People at a body (no known title): "Wang Li at the Institute of Physics"."""
    for m in view.index.mentions:
        if m.cls != "Person" or not m.is_name or names_a_thing(view, m):
            continue
        head = view.doc[m.token_end - 1]
        anchors = [head] + [c for c in head.children if c.dep_ == "appos"]
        for anchor in anchors:
            if anchor is not head and title_relation(view, anchor.text):
                continue  # titled appositions are the title rules'
            for org in view.mentions_in(pobjs(anchor, {"at", "with"}), ORG_LIKE):
                yield Found(m, org, anchor)
