"""Places and seats: "Lyon, France", "the X region of the country", "X is based in Y"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.guards import cancelled
from kg.builder.extract.lexicon import Lexicon, uses
from kg.builder.extract.matchers.titles import names_a_thing
from kg.builder.extract.relations import Found, title_relation
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.syntax import (
    RELATIVE_PRONOUNS,
    children,
    governing_verb,
    group,
    np_start,
    pobjs,
    subject_tokens,
)
from kg.builder.extract.view import ORG_LIKE, PLACES, DocView
from kg.model import Mention

BASE, SEATS, FACILITIES = uses("base_verbs", "seat_nouns", "facility_nouns")


#: Place nouns that name what follows "of" ("the port of Balao" is Balao, not a port in it;
#: but "the capital of Hatay province" is in it).
NAMING_NOUNS = frozenset({"city", "town", "village", "port", "island", "suburb"})
_ABBREVIATION = re.compile(r"^([A-Z][a-z]{1,4}\.?|[A-Z]\.[A-Z]\.)$")


def region_like(view: DocView, m: Mention) -> bool:
    """A region-like name or a state abbreviation ("X region", "Ga.", "Wyo"), or a country."""
    words = m.label.lower().split()
    return (
        m.cls == "Country"
        or (len(words) > 1 and words[-1] in view.res.lexicon.place_heads)
        or bool(_ABBREVIATION.match(m.text))
    )


def known_place(view: DocView, m: Mention) -> bool:
    """A place the gazetteer knows, a region-like name, or a state abbreviation ("Ga.", "Wyo")."""
    words = m.label.lower().split()
    return (
        view.res.gazetteer.get(m.key) is not None
        or (len(words) > 1 and words[-1] in view.res.lexicon.place_heads)
        or bool(_ABBREVIATION.match(m.text))
    )


@MATCHERS("place_of")
def place_of(view: DocView, rule: Rule) -> Iterator[Found]:
    """A place in a place: "the Kherson region of the country", "Lyon, France", "X in Y"."""
    doc = view.doc
    for m in view.index.mentions:
        if m.cls != "Location" or body_name(m.label, view.res.lexicon):
            continue  # "Jackson County Bank in Scottsboro": a bank the tagger took for a place
        head = doc[m.token_end - 1]
        of = pobjs(head, {"of"})
        if head.lemma_.lower() in NAMING_NOUNS:  # "the Pacific port of Balao"
            of = [t for t in of if (p := view.mention(t)) is not None and p.cls == "Country"]
        elif m.is_name and not known_place(view, m):
            of = []  # "Agusta of Italy", "Hernandez of Venezuela": a firm or a person, mistyped
        inside = [
            p
            for prep in children(head, ("prep",))
            if prep.lower_ == "in"
            for p in children(prep, ("pobj",))
        ]
        # "Dar es Salaam in Tanzania and Beira in Mozambique": one place, not the list
        targets = of + inside + [a for p in inside for a in children(p, ("appos",))]
        owners = [c for c in head.children if c.dep_ == "poss"]  # "Estonia's X region"
        if m.is_name and not known_place(view, m) and len(m.label.split()) == 1:
            # "France's Ubisoft", "Spain's Iberia": a firm of the country, typed as a place
            owners = [o for o in owners if (p := view.mention(o)) is None or p.cls != "Country"]
        targets += owners
        nxt = doc[m.token_end] if m.token_end < len(doc) else None
        comma_country: list[Token] = []
        comma_place: list[Token] = []
        if nxt is not None and nxt.text == "," and m.token_end + 1 < len(doc):
            after = doc[m.token_end + 1]
            if after.dep_ != "conj" and (after.dep_ == "appos" or after.head.i == head.i):
                comma_country.append(after)
            if after.dep_ == "appos" or (after.dep_ == "npadvmod" and after.head.i == head.i):
                comma_place.append(after)  # "Dayton, Ohio": a place in apposition contains it
        if nxt is not None and nxt.lower_ == "in":
            # "at Northwood in Britain", "Sevare in central Mali": the next place contains it
            comma_country += [c for c in nxt.children if c.dep_ == "pobj" and c.i <= nxt.i + 3]
        found = view.mentions_in(targets, PLACES) + view.mentions_in(comma_country, {"Country"})
        # "Cech, Ferreira, Terry" (a team sheet) is no "Dayton, Ohio": a known place in a known
        # place, a region or state after the comma, or "in/at/from X, Y"
        found += [
            p
            for p in view.mentions_in(comma_place, PLACES)
            if (view.res.gazetteer.get(m.key) is not None and known_place(view, p))
            or region_like(view, p)
            or used_as_place(view, m)
        ]
        for place in {p.key: p for p in found}.values():
            if place.key != m.key:
                yield Found(m, place, head)


def names_first(mentions: list[Mention]) -> list[Mention]:
    """Names before references ("in the capital, Bamako": Bamako, not "the capital")."""
    return sorted(mentions, key=lambda m: not m.is_name)


def seat_things(view: DocView, t: Token) -> list[Mention]:
    """Whose seat a seat noun is.

    "[its] headquarters", "the [UN] headquarters", "the headquarters of [OPEC]".
    """
    owners = [c for c in t.children if c.dep_ in ("poss", "compound")]
    verb = governing_verb(t)
    if (
        verb is not None
        and verb.dep_ == "relcl"
        and any(c.lower_ in ("its", "their") for c in owners)
    ):
        owners = [verb.head]  # "the agency, which keeps its headquarters in X"
    things = view.mentions_in(owners + pobjs(t, {"of"}), ORG_LIKE)
    if not things and verb is not None and t.dep_ == "pobj":
        things = view.subjects(verb)  # "F, run from headquarters at X"
    return things


def seat_places(view: DocView, t: Token) -> list[Mention]:
    """Where a seat is: "based in [Y]", "headquarters at [Y]", "headquarters are in [Y]"."""
    places = names_first(view.mentions_in(pobjs(t, {"in", "at"}), PLACES))
    verb = governing_verb(t)
    if not places and verb is not None and (t.dep_ == "pobj" or verb.lemma_ == "be"):
        places = names_first(view.mentions_in(pobjs(verb, {"at", "in"}), PLACES))
    if not places:
        for p in pobjs(t, {"of"}):  # "the headquarters of X in Y"
            places = names_first(view.mentions_in(pobjs(p, {"in"}), PLACES))
    return places[:1]  # "in Larissa, Greece": the first place is the seat


def with_appositions(view: DocView, verb: Token) -> list[Mention]:
    """The subjects of a verb, or the name a subject noun is in apposition to.

    "the CMF, a partnership headquartered in Manama": the name just before the comma, whatever
    the parser made the apposition's head.
    """
    doc = view.doc
    if (
        verb.dep_ in ("acl", "relcl")
        and not children(verb, ("nsubj", "nsubjpass"))
        or (
            verb.dep_ == "relcl"
            and all(c.lower_ in RELATIVE_PRONOUNS for c in subject_tokens(verb))
        )
    ):
        # "A Corp, based in X, …; B Corp, based in Y": the clause is said of its own noun only,
        # not of everything listed with it
        own = view.mentions_in([verb.head], ORG_LIKE | PLACES)
        if own:
            return own
    things = view.subjects(verb)
    if things:
        return things
    for t in subject_tokens(verb):
        if t.dep_ != "appos":
            continue
        i = t.left_edge.i - 1
        if i > 0 and doc[i].text == ",":
            i -= 1 + (doc[i - 1].text == ")")  # "the Joint Naval Group (JNG), a …"
            named = view.mentions_in([doc[i]], ORG_LIKE | PLACES)
            if named:
                return named
        return view.mentions_in([t.head], ORG_LIKE | PLACES)
    return []


@MATCHERS("based_in")
def based_in(view: DocView, rule: Rule) -> Iterator[Found]:
    """Seats: "X is based in Y", "X, which is headquartered in Y", "with its headquarters in Y"."""
    base, seats = view.words(BASE), view.words(SEATS)
    for t in view.tokens:
        lemma = t.lemma_.lower()
        if t.pos_ == "VERB" and lemma in base and lemma != "station" and not hyphenated(t):
            things = with_appositions(view, t)
        elif t.lower_ in seats and t.pos_ in ("NOUN", "PROPN") and view.mention(t) is None:
            things = seat_things(view, t)  # not "… Air Force Base", a name
        else:
            continue
        if cancelled(view, t):
            continue
        places = seat_places(view, t)
        for thing in things:
            if thing.cls not in ORG_LIKE:
                continue
            for place in places:
                yield Found(thing, place, t)


def hyphenated(t: Token) -> bool:
    """Whether ``t`` ends a hyphenated modifier ("Abuja-[based]")."""
    return t.i >= 2 and t.doc[t.i - 1].text in ("-", "–")


@MATCHERS("x_based")
def x_based(view: DocView, rule: Rule) -> Iterator[Found]:
    """Seats named as modifiers: "the Abuja-based bloc", "the Luxembourg-based lender".

    The body is the noun's name or reference; a noun that names nothing ("lender") stands for
    the one body of the article that the gazetteer seats in that place.
    """
    base = view.words(BASE)
    for t in view.tokens:
        if not hyphenated(t) or t.lemma_.lower() not in base or t.lemma_.lower() == "station":
            continue
        place = view.mention(t.doc[t.i - 2])
        if place is None or place.cls not in PLACES:
            continue
        noun = t.head if t.dep_ in ("amod", "compound") else None
        if noun is None or noun.i < t.i:
            continue
        things = view.mentions_in([noun], ORG_LIKE)
        if not things and view.mention(noun) is None:
            things = seated_bodies(view, place)
        for thing in things[:1]:
            yield Found(thing, place, t)


def seated_bodies(view: DocView, place: Mention) -> list[Mention]:
    """The body the article names whose gazetteer seat is ``place`` or lies in it.

    Empty unless there is exactly one.
    """
    gaz = view.res.gazetteer
    found: dict[str, Mention] = {}
    for m in view.index.mentions:
        entry = gaz.get(m.key) if m.cls in ORG_LIKE else None
        seat = gaz.get(entry.based_in) if entry is not None and entry.based_in else None
        if seat is not None and place.key in (seat.key, seat.country):
            found.setdefault(m.key, m)
    return list(found.values()) if len(found) == 1 else []


@MATCHERS("hosts")
def hosts(view: DocView, rule: Rule) -> Iterator[Found]:
    """A place that hosts a body is its seat: "Bahrain, which hosts the US Fifth Fleet"."""
    for t in view.tokens:
        if t.lemma_.lower() != "host" or t.pos_ != "VERB" or cancelled(view, t):
            continue
        places = [m for m in with_appositions(view, t) if m.cls in PLACES]
        heads = [t.head] if t.dep_ in ("relcl", "acl") and t.head.dep_ == "appos" else []
        places += view.mentions_in([h.head for h in heads], PLACES)
        bodies = view.mentions_in(
            [x for c in t.children if c.dep_ == "dobj" for x in group(c)], ORG_LIKE
        )
        for body in bodies:
            for place in places[:1]:
                yield Found(body, place, t)


def body_name(name: str, lex: Lexicon) -> bool:
    """Whether a name is headed like a body's: "… Corp", "… University", "Bank of …".

    Not like an event's, a venue's or a product's ("Theatre Awards", "Grand Prix").
    """
    words = name.lower().replace(".", "").split()
    if "of" in words[1:]:
        words = words[: words.index("of", 1)]
    return bool(words) and (words[-1] in lex.org_heads or words[-1] in lex.company_suffixes)


def works_there(view: DocView, org: Token) -> bool:
    """Whether "at/with X" says where someone works ("an analyst at X", "Smith of X")."""
    holder = org.head.head
    return holder.lower_ in view.res.lexicon.title_vocab or (
        (m := view.mention(holder)) is not None and m.cls == "Person"
    )


@MATCHERS("org_in_place")
def org_in_place(view: DocView, rule: Rule) -> Iterator[Found]:
    """An organisation in a city or site: "Drexel Burnham Lambert Inc. in New York".

    Only names headed like a body's ("… Inc.", "… University", "High Court"): not events, venues
    or regions the tagger took for organisations ("the Theatre Awards in London", "the X
    Convention Centre in Y"), nor "… in West Africa" ending a name.
    """
    lex = view.res.lexicon
    for m in view.index.mentions:
        if m.cls != "Organization" or not m.is_name or not body_name(m.label, lex):
            continue
        head = view.doc[m.token_start : m.token_end].root
        if head.dep_ == "pobj" and head.head.lower_ in ("at", "with") and works_there(view, head):
            continue  # "an analyst at Barclays in Tokyo": the office someone works at
        places = view.mentions_in(pobjs(head, {"in", "at"}), {"Location"})
        if len(places) > 1:
            continue  # "offices … in Arizona, Colorado and Oregon": where it works, not its seat
        for place in places:
            if place.label.lower() not in lex.macro_regions:
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


def first_conjunct(token: Token) -> Token:
    """The first item of the coordination a token is in ("Shiraz" in "Tehran, Shiraz and …")."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    return token


def locality_noun(view: DocView, m: Mention) -> Token | None:
    """The place noun that introduces or describes a place name, if any.

    "the capital Lima", "the eastern cities of Arequipa, Cusco and Puno", "southern towns
    including Mopti", "Lagos, the largest city", "the capital, Niamey", "the four provinces hit by
    the floods: Sindh, Punjab …".
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
    B": B is not in A; "the city of Minneapolis, Minnesota"), nor a city holding a state
    ("Frankfurt's state of Hessen").
    """
    tokens = [c for c in noun.children if c.dep_ in ("amod", "compound", "poss", "nmod")]
    lemma = noun.lemma_.lower()
    tokens += pobjs(noun, {"in"} if lemma in NAMING_NOUNS else {"of", "in"})
    named = group(first_conjunct(view.doc[m.token_start : m.token_end].root))
    owners = [
        o for o in view.mentions_in([t for t in tokens if t not in named], PLACES) if o.key != m.key
    ]
    if lemma in BIG_UNITS:
        owners = [o for o in owners if not is_city(view, o)]
    return owners


#: Place nouns of units larger than a city.
BIG_UNITS = frozenset({"state", "province", "region", "county", "oblast", "governorate"})


def is_city(view: DocView, m: Mention) -> bool:
    """Whether a mention is a gazetteer city."""
    entry = view.res.gazetteer.get(m.key)
    return entry is not None and entry.cls == "City"


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


@MATCHERS("facility_in_place")
def facility_in_place(view: DocView, rule: Rule) -> Iterator[Found]:
    """A venue or building in a city: "the Lakeside Convention Centre in Nairobi"."""
    facilities = view.words(FACILITIES)
    for m in view.index.mentions:
        if m.cls not in ("Organization", "Location") or not m.is_name:
            continue
        if m.label.split()[-1].lower() not in facilities:
            continue
        head = view.doc[m.token_start : m.token_end].root
        for place in view.mentions_in(pobjs(head, {"in"}), PLACES):
            if place.key != m.key:
                yield Found(m, place, head)


#: Prepositions that use a name as a place ("died in Minsk", "the road towards Mopti").
LOCATIVE = frozenset(
    {"in", "at", "from", "to", "into", "near", "towards", "toward", "outside", "around", "across"}
)


def used_as_place(view: DocView, m: Mention) -> bool:
    """Whether a name is the object of a locative preposition, not an actor ("Moscow said")."""
    first = first_conjunct(view.doc[m.token_start : m.token_end].root)
    if first.dep_ == "appos":  # "in Austria's capital, Vienna"
        first = first_conjunct(first.head)
    return first.dep_ == "pobj" and first.head.lower_ in LOCATIVE
