"""Places and seats: "Lyon, France", "the X region of the country", "X is based in Y"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.guards import cancelled
from kg.builder.extract.lexicon import uses
from kg.builder.extract.relations import Found, title_relation
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.syntax import governing_verb, group, np_start, pobjs
from kg.builder.extract.view import ORG_LIKE, PLACES, DocView
from kg.model import Mention

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
        if m.cls != "Person" or not m.is_name:
            continue
        head = view.doc[m.token_end - 1]
        anchors = [head] + [c for c in head.children if c.dep_ == "appos"]
        for anchor in anchors:
            if anchor is not head and title_relation(view, anchor.text):
                continue  # titled appositions are the title rules'
            for org in view.mentions_in(pobjs(anchor, {"at", "with"}), ORG_LIKE):
                yield Found(m, org, anchor)


def first_conjunct(token: Token) -> Token:
    """The first item of the coordination a token is in ("Shiraz" in "Tehran, Shiraz and …")."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    return token


def locality_noun(view: DocView, m: Mention) -> Token | None:
    """The place noun that introduces or describes a place name, if any.

    "the capital Tehran", "the western cities of Atyrau, Aktobe and Oral", "northern towns
    including Gao", "Almaty, the largest city", "the capital, Bamako", "the ten provinces hit by
    the quake: Adana, Hatay …".
    """
    nouns = view.res.lexicon.place_nouns

    def is_noun(t: Token) -> bool:
        return t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() in nouns and view.mention(t) is None

    doc = view.doc
    root = doc[m.token_start : m.token_end].root
    first = first_conjunct(root)
    up = first.head
    if first.dep_ == "appos" and is_noun(up):
        return up
    if first.dep_ == "conj" and is_noun(up) and doc[first.i - 1].text == ",":
        return up  # "the capital, Bamako"
    if first.dep_ == "pobj" and up.lower_ in ("of", "including") and is_noun(up.head):
        return up.head
    for c in root.children:
        if (c.dep_ == "appos" or (c.dep_ == "compound" and c.i < root.i)) and is_noun(c):
            return c
    start = np_start(first)
    if start > 0 and doc[start - 1].text == ":":  # "the ten provinces …: Adana, Hatay"
        before = [t for t in doc[first.sent.start : start - 1] if is_noun(t) and t.tag_ == "NNS"]
        if before:
            return before[-1]
    return None


def locality_owners(view: DocView, noun: Token, m: Mention) -> list[Mention]:
    """The places a place noun ties its name to.

    "the [Kenyan] capital", "[Austria's] capital", "the [southern Kosovo] town", "a city in the
    [Puno region]", "the capital of [Chad]" — not the names it introduces ("the cities of A and
    B": B is not in A).
    """
    tokens = [c for c in noun.children if c.dep_ in ("amod", "compound", "poss", "nmod")]
    tokens += pobjs(noun, {"of", "in"})
    named = group(first_conjunct(view.doc[m.token_start : m.token_end].root))
    return [
        o for o in view.mentions_in([t for t in tokens if t not in named], PLACES) if o.key != m.key
    ]


@MATCHERS("place_noun_owner")
def place_noun_owner(view: DocView, rule: Rule) -> Iterator[Found]:
    """A place the text calls a town, city or capital of a place.

    "the Kenyan capital Nairobi", "Prizren, the southern Kosovo town", "Juliaca, a city in the
    Puno region".
    """
    for m in view.index.mentions:
        if m.cls != "Location" or not m.is_name or m.source == "inner":
            continue
        noun = locality_noun(view, m)
        if noun is None:
            continue
        for owner in locality_owners(view, noun, m):
            yield Found(m, owner, view.doc[m.token_start])
