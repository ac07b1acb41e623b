"""Bodies of states and of other bodies: ministries, armies, councils; the gazetteer's links."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from kg.builder.extract.bodies import body_heads, generic_body_name, state_body_head
from kg.builder.extract.gazetteer import GazEntry
from kg.builder.extract.lexicon import uses
from kg.builder.extract.matchers.places import locality_noun, used_as_place
from kg.builder.extract.matchers.titles import owner_before
from kg.builder.extract.relations import Found
from kg.builder.extract.resources import PLACE_CLASSES
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.syntax import pobjs
from kg.builder.extract.view import ORG_LIKE, PLACES, DocView
from kg.model import Mention

(SEATS,) = uses("seat_nouns")
#: Words that make a demonym part of a region's name ("North American", "Latin American").
COMPASS = frozenset({"north", "south", "east", "west", "central", "latin", "pan"})
#: Compass words that start the names of seas and regions ("North Sea", "Southern Africa").
COMPASS_WORDS = COMPASS | {"northern", "southern", "eastern", "western", "upper", "lower"}


def all_caps_sentence(view: DocView, m: Mention) -> bool:
    """Whether the mention's sentence is a headline in capitals."""
    words = [t for t in view.doc[m.token_start].sent if t.is_alpha and len(t) > 1]
    return len(words) >= 3 and all(t.is_upper for t in words)


def is_headline(view: DocView, m: Mention) -> bool:
    """A name in an all-capitals line ("U.S. SENATE PANEL APPROVES"): its words are unreliable."""
    words = [w for w in view.doc[m.token_start : m.token_end] if w.is_alpha and len(w) > 1]
    return len(words) > 1 and all(w.is_upper for w in words)


def truncated(view: DocView, m: Mention) -> bool:
    """Whether a name is cut out of a longer one.

    "[Trade and] Consumer Affairs Office", "Economic Commission [for Latin America]".
    """
    i, j, doc = m.token_start, m.token_end, view.doc
    after = j + 1 < len(doc) and doc[j].lower_ in ("for", "of") and doc[j + 1].text[:1].isupper()
    before = i >= 2 and doc[i - 1].lower_ in ("and", "&") and view.mention(doc[i - 2]) is not None
    return after or before


def state_body(view: DocView, m: Mention) -> bool:
    """Whether a named organisation may belong to a state.

    It is headed by an institution noun, and is no international body of the gazetteer, company,
    party or headline fragment.
    """
    if m.cls != "Organization" or not m.is_name:
        return False
    if m.source == "state-body":
        return True
    entry = view.res.gazetteer.get(m.key)
    if entry is not None and entry.cls in ORG_LIKE:
        return False  # "European Union", "Kosovo Force": known bodies, with their own parents
    if is_headline(view, m) or truncated(view, m):
        return False
    return state_body_head(m.label, view.res.lexicon) and not bare_weak_head(view, m.label)


def bare_weak_head(view: DocView, name: str) -> bool:
    """A state and a weak head, nothing between: "American Service", "U.S. Administration"."""
    words = name.split()
    _, weak = body_heads(view.res.lexicon)
    if len(words) != 2 or words[1].lower() not in weak:
        return False
    gaz = view.res.gazetteer
    return gaz.demonym(words[0]) is not None or any(
        e.cls == "Country" for e in gaz.lookup(words[0])
    )


def state_in_name(view: DocView, m: Mention, i: Mention, inner: list[Mention]) -> bool:
    """Whether a country inside a body's name is its state.

    A demonym anywhere ("Royal [Saudi] Navy"), a name first or after "of" ("[U.S.] Army", "Bank
    of [Japan]"); not "[Jersey]" in "New Jersey Casino Control Commission", "[German]" inside
    "[West German] Intervention Board" or "North [American]".
    """
    if any(
        o is not i
        and o.token_start <= i.token_start
        and i.token_end <= o.token_end
        and o.token_end - o.token_start > i.token_end - i.token_start
        for o in inner
    ):
        return False
    before = view.doc[i.token_start - 1].lower_ if i.token_start > m.token_start else ""
    if before in COMPASS:
        return False  # "North [American] Court of Arbitration"
    demonym = view.res.gazetteer.demonym(i.text) is not None
    return demonym or i.token_start == m.token_start or before == "of"


def named_countries(view: DocView, m: Mention) -> list[Mention]:
    """Countries that a body's name or its context names as its state.

    "[Israeli] Foreign Ministry", "Congress of [Peru]", "[Russia's] Defence Ministry", "X, [the
    country's] Y".
    """
    inner = [
        i
        for i in view.index.mentions
        if i.source == "inner"
        and i.cls == "Country"
        and m.token_start <= i.token_start < m.token_end
    ]
    countries = [i for i in inner if state_in_name(view, m, i, inner)]
    owner = owner_before(view, m.token_start)
    if owner is not None and owner.cls == "Country":
        countries.append(owner)
    # "the Republican Guard, the country's elite military unit"
    head = view.doc[m.token_end - 1]
    for appos in (c for c in head.children if c.dep_ == "appos"):
        for c in appos.children:
            cm = view.mention(c)
            if c.dep_ == "poss" and cm is not None and cm.cls == "Country":
                countries.append(cm)
    return list({c.key: c for c in countries}.values())


@MATCHERS("national_institution")
def national_institution(view: DocView, rule: Rule) -> Iterator[Found]:
    """A body of a state: "the Belarusian Foreign Ministry", "Russia's Defence Ministry"."""
    for m in view.index.mentions:
        if state_body(view, m):
            for c in named_countries(view, m):
                yield Found(m, c, view.doc[m.token_start])


def focus_country(view: DocView) -> Mention | None:
    """The country an article is about.

    It is named at least three times, and twice as often as any other country (names, demonyms
    and references count).
    """
    counts: Counter[str] = Counter()
    last: dict[str, Mention] = {}
    for m in view.index.mentions:
        if m.cls == "Country":
            counts[m.key] += 1
            last.setdefault(m.key, m)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 3 or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
        return None
    return last[ranked[0][0]]


def countries_near(view: DocView, m: Mention) -> set[str]:
    """The countries named in the sentence of ``m`` and the one before it.

    By name, demonym, reference ("the country") or capital city.
    """
    sent = view.doc[m.token_start].sent
    start = view.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
    found: set[str] = set()
    for other in view.index.mentions:
        if other.token_start < start or other.token_start >= sent.end or other is m:
            continue
        if other.cls in PLACES:
            place = view.res.gazetteer.country_of(other.key)
            entry = view.res.gazetteer.get(other.key)
            if place is not None and (other.cls == "Country" or (entry and entry.capital)):
                found.add(place.key)
    return found


def country_of_seat(view: DocView, m: Mention) -> Mention | None:
    """The named country of the city a body is said to be in.

    "the State Department in Washington": the United States, when the article names it.
    """
    head = view.doc[m.token_end - 1]
    for place in view.mentions_in(pobjs(head, {"in"}), PLACES):
        country = view.res.gazetteer.country_of(place.key)
        if country is not None:
            return first_mentions(view).get(country.key)
    return None


@MATCHERS("focus_country_institution")
def focus_country_institution(view: DocView, rule: Rule) -> Iterator[Found]:
    """A body named without its state ("the Interior Ministry said") is the focus country's.

    Only when that country, and no other, is named in the sentence or the one before: a UK
    story about Iraq says "Parliament" of the UK's.
    """
    done: set[str] = set()
    for m in view.index.mentions:
        if m.key in done or not state_body(view, m) or m.source == "state-body":
            continue
        done.add(m.key)
        if not generic_body_name(m.label, view.res.lexicon) or named_countries(view, m):
            continue
        if all_caps_sentence(view, m):
            continue  # "REAGAN SPEECH WINS MIXED REACTION FROM CONGRESS"
        seat = country_of_seat(view, m)
        if seat is not None:
            yield Found(m, seat, view.doc[m.token_start])
            continue
        country = focus_country(view)
        if country is not None and countries_near(view, m) == {country.key}:
            # the article's country, and no other, is named here or just before
            yield Found(m, country, view.doc[m.token_start])


def place_before_head(view: DocView, m: Mention) -> GazEntry | None:
    """Gazetteer place named by a place mention without its head noun ("X region" → X)."""
    words = m.label.split()
    heads = view.res.lexicon.place_heads
    for size in (2, 1):
        if len(words) > size and " ".join(words[-size:]).lower() in heads:
            entries = [e for e in view.res.gazetteer.lookup(" ".join(words[:-size])) if e.country]
            return entries[0] if entries else None
    return None


def first_mentions(view: DocView) -> dict[str, Mention]:
    """The first mention of every entity of the document (references excluded)."""
    first: dict[str, Mention] = {}
    for m in view.index.mentions:
        if m.source != "coref":
            first.setdefault(m.key, m)
    return first


def gazetteer_links(view: DocView, field: str) -> Iterator[Found]:
    """World knowledge from the gazetteer (``field``: country, part_of, based_in).

    Between two entities the article names; the evidence is where the first of the two is
    mentioned.
    """
    first = first_mentions(view)
    for key, m in first.items():
        entry = view.res.gazetteer.get(key)
        other = getattr(entry, field, None) if entry is not None else None
        if other and other in first and other != key:
            yield Found(m, first[other], view.doc[m.token_start])


def sentence_keys(view: DocView) -> dict[int, set[str]]:
    """Sentence start → keys of the entities mentioned in it (names, demonyms, references)."""
    keys: dict[int, set[str]] = {}
    for m in view.index.mentions:
        keys.setdefault(view.doc[m.token_start].sent.start, set()).add(m.key)
    return keys


def top_countries(view: DocView) -> set[str]:
    """The countries the article names most often, counting their capitals (ties included)."""
    counts: Counter[str] = Counter()
    for m in view.index.mentions:
        if m.cls == "Country":
            counts[m.key] += 1
        elif m.cls == "Location" and m.is_name:
            entry = view.res.gazetteer.get(m.key)
            if entry is not None and entry.capital and entry.country:
                counts[entry.country] += 1
    top = max(counts.values(), default=0)
    return {k for k, n in counts.items() if n == top}


def acting(view: DocView, m: Mention) -> bool:
    """Whether a city name stands for its government: an actor or the one acted upon.

    "if Washington imposed the tariffs", "Tokyo's failure", "warned Tehran", "used by Beijing".
    """
    root = view.doc[m.token_start : m.token_end].root
    if root.dep_ == "pobj" and root.head.lower_ in ("by", "with", "between", "against"):
        return True  # "used by Beijing", "talks with Tokyo"
    return root.dep_ in ("nsubj", "nsubjpass", "poss", "dobj")


@MATCHERS("gazetteer_located_in")
def gazetteer_located_in(view: DocView, rule: Rule) -> Iterator[Found]:
    """A city lies in its (gazetteer) country when the text supports it.

    The country is named in a sentence that names the city ("officials in Vilnius said, after
    she left for Lithuania"); or the text calls the city a capital and the gazetteer says whose;
    or, in an article mostly about that country, the text calls it a city, town or province
    ("the western cities of A, B and C") or uses it as a place ("a protester died in Minsk").
    World knowledge alone ("Washington said" in an article naming the United States) is not
    enough.
    """
    first = first_mentions(view)
    in_sentence = sentence_keys(view)
    top: set[str] | None = None
    done: set[str] = set()
    for m in view.index.mentions:
        if m.key in done or not m.is_name or m.source in ("inner", "coref"):
            continue
        entry = view.res.gazetteer.get(m.key)
        country = entry.country if entry is not None and entry.cls in PLACE_CLASSES else None
        if country is None or country not in first or country == m.key:
            continue
        supported = country in in_sentence.get(view.doc[m.token_start].sent.start, ())
        supported = supported and not acting(view, m)  # "Tokyo's failure", "if Washington …"
        noun = None if supported else locality_noun(view, m)
        if noun is not None and noun.lemma_.lower() == "capital" and entry.capital:
            supported = True  # "the capital, Port-au-Prince": the text says whose capital
        elif not supported and (noun is not None or used_as_place(view, m)):
            top = top_countries(view) if top is None else top
            supported = country in top
        if supported:
            done.add(m.key)
            yield Found(m, first[country], view.doc[m.token_start])


@MATCHERS("gazetteer_part_of")
def gazetteer_part_of(view: DocView, rule: Rule) -> Iterator[Found]:
    """A named body is part of its parent body, when the article names both."""
    yield from gazetteer_links(view, "part_of")


@MATCHERS("gazetteer_based_in")
def gazetteer_based_in(view: DocView, rule: Rule) -> Iterator[Found]:
    """A body is based in its (gazetteer) seat when a sentence names both as a seat.

    "The alliance's headquarters in Brussels", "the Abuja-based bloc": the body (by name or
    reference) and its seat ("X-based", or "in X" with a seat noun) in one sentence; not
    "Brussels has warned", nor "ministers met in Brussels".
    """
    in_sentence = sentence_keys(view)
    first = first_mentions(view)
    seats = view.words(SEATS)
    done: set[str] = set()
    for m in view.index.mentions:
        entry = view.res.gazetteer.get(m.key) if m.cls == "Location" else None
        if entry is None or m.source in ("inner", "coref") or not seat_use(view, m):
            continue
        sent = view.doc[m.token_start].sent
        if not hyphen_based(view, m) and not any(t.lower_ in seats for t in sent):
            continue  # "ministers met in Brussels" says nothing of the EU's seat
        here = in_sentence.get(view.doc[m.token_start].sent.start, set())
        for key in sorted(here - done):
            body = view.res.gazetteer.get(key)
            if body is not None and body.based_in == m.key and key in first:
                done.add(key)
                yield Found(first[key], m, view.doc[m.token_start])


def seat_use(view: DocView, m: Mention) -> bool:
    """A place name used as a place: "in Brussels", "at Vienna", "the Abuja-based bloc"."""
    return used_as_place(view, m) or hyphen_based(view, m)


def hyphen_based(view: DocView, m: Mention) -> bool:
    """Whether a place name modifies "-based" ("the Abuja-based bloc")."""
    end, doc = m.token_end, view.doc
    return end + 1 < len(doc) and doc[end].text in ("-", "–") and doc[end + 1].lower_ == "based"


@MATCHERS("region_in_country")
def region_in_country(view: DocView, rule: Rule) -> Iterator[Found]:
    """The "X region" lies in the country of the place X, when the text supports it.

    The country is named in the sentence, or is the one the article is mostly about (as for
    :func:`gazetteer_located_in`).
    """
    first = first_mentions(view)
    in_sentence = sentence_keys(view)
    top: set[str] | None = None
    for key, m in first.items():
        if view.res.gazetteer.get(key) is not None or m.cls != "Location":
            continue
        if m.label.split()[0].lower() in COMPASS_WORDS:
            continue  # "the North Sea" is no sea of a town called North
        place = place_before_head(view, m)
        if place is None or place.country not in first or place.country == key:
            continue
        supported = place.country in in_sentence.get(view.doc[m.token_start].sent.start, ())
        if not supported:
            top = top_countries(view) if top is None else top
            supported = place.country in top
        if supported:
            yield Found(m, first[place.country], view.doc[m.token_start])


@MATCHERS("sub_body")
def sub_body(view: DocView, rule: Rule) -> Iterator[Found]:
    """A body of a body: "the ECOWAS Commission", "the Affairs Office of the State Council".

    The name starts with a known international body's name, or is followed by "of" and a body,
    and is headed by an institution noun ("commission", "council", "court", "office" …).
    """
    gaz = view.res.gazetteer
    for m in view.index.mentions:
        if m.cls != "Organization" or not m.is_name or m.source == "inner":
            continue
        if gaz.get(m.key) is not None or not state_body_head(m.label, view.res.lexicon):
            continue
        if truncated(view, m) and view.doc[m.token_start - 1].lower_ in ("and", "&"):
            continue  # "[Trade and] Consumer Affairs Office": not this body's full name
        parents = [
            i
            for i in view.index.mentions
            if i.source == "inner"
            and i.cls == "Organization"
            and m.token_start <= i.token_start < i.token_end <= m.token_end
            and (i.token_start == m.token_start or after_of(view, i.token_start, m.token_start))
            and (entry := gaz.get(i.key)) is not None
            and not entry.part_of
        ]
        head = view.doc[m.token_end - 1]
        if m.token_end < len(view.doc) and view.doc[m.token_end].lower_ == "of":
            parents += [  # "the … Office of the State Council", not "A and B of C"
                p
                for p in view.mentions_in(pobjs(head, {"of"}), {"Organization"})
                if p.key != m.key and not is_headline(view, p)
            ]
        for parent in {p.key: p for p in parents}.values():
            yield Found(m, parent, view.doc[m.token_start])


def after_of(view: DocView, i: int, start: int) -> bool:
    """Whether token ``i`` follows "of" or "of the" inside a name starting at ``start``."""
    doc = view.doc
    j = i - 1 - (i - 1 > start and doc[i - 1].lower_ == "the")
    return j > start and doc[j].lower_ == "of"
