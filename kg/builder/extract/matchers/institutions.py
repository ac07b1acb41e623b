"""Bodies of states and of other bodies: ministries, armies, councils; the gazetteer's links."""

from __future__ import annotations

from collections.abc import Iterator

from kg.builder.extract.gazetteer import GazEntry
from kg.builder.extract.matchers.titles import owner_before
from kg.builder.extract.relations import Found
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.view import ORG_LIKE, DocView
from kg.model import Mention


@MATCHERS("national_institution")
def national_institution(view: DocView, rule: Rule) -> Iterator[Found]:
    """A body of a state: "the Belarusian Foreign Ministry", "Russia's Defence Ministry"."""
    for m in view.index.mentions:
        if m.cls not in ORG_LIKE or not m.is_name or m.source == "force":
            continue
        entry = view.res.gazetteer.get(m.key)
        if entry is not None and entry.cls in ORG_LIKE and not entry.part_of:
            continue  # international bodies ("European Union") are not part of a state
        token = view.doc[m.token_start]
        countries = [
            i
            for i in view.index.mentions
            if i.source == "inner"
            and i.cls == "Country"
            and m.token_start <= i.token_start < m.token_end
            and (m.cls != "MilitaryForce" or _demonym_here(view, i))
        ]  # a force named after where it serves ("Kosovo Force") is not that country's
        owner = owner_before(view, m.token_start)
        led = m.token_start > 0 and view.doc[m.token_start - 1].lower_.endswith("led")
        if owner is not None and owner.cls == "Country" and not led:  # not "the US-led X"
            countries.append(owner)
        # "the Revolutionary Guards, the country's most powerful military force"
        head = view.doc[m.token_end - 1]
        for appos in (c for c in head.children if c.dep_ == "appos"):
            for c in appos.children:
                cm = view.mention(c)
                if c.dep_ == "poss" and cm is not None and cm.cls == "Country":
                    countries.append(cm)
        for c in {c.key: c for c in countries}.values():
            yield Found(m, c, token)


def _demonym_here(view: DocView, inner: Mention) -> bool:
    """An inner country mention written as a demonym, not part of a place ("Indian Ocean")."""
    after = view.doc[inner.token_end] if inner.token_end < len(view.doc) else None
    place = after is not None and after.lower_ in view.res.lexicon.place_heads
    return view.res.gazetteer.demonym(inner.text) is not None and not place


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
    """World knowledge from the gazetteer (``field``: country, part_of, based_in) between two
    entities the article names; the evidence is where the first of the two is mentioned.
    """
    first = first_mentions(view)
    for key, m in first.items():
        entry = view.res.gazetteer.get(key)
        other = getattr(entry, field, None) if entry is not None else None
        if other and other in first and other != key:
            yield Found(m, first[other], view.doc[m.token_start])


@MATCHERS("gazetteer_located_in")
def gazetteer_located_in(view: DocView, rule: Rule) -> Iterator[Found]:
    """A named city lies in its country, when the article names both."""
    yield from gazetteer_links(view, "country")


@MATCHERS("gazetteer_part_of")
def gazetteer_part_of(view: DocView, rule: Rule) -> Iterator[Found]:
    """A named body is part of its parent body, when the article names both."""
    yield from gazetteer_links(view, "part_of")


@MATCHERS("gazetteer_based_in")
def gazetteer_based_in(view: DocView, rule: Rule) -> Iterator[Found]:
    """A named body is based in its seat, when the article names both."""
    yield from gazetteer_links(view, "based_in")


@MATCHERS("region_in_country")
def region_in_country(view: DocView, rule: Rule) -> Iterator[Found]:
    """ "The X region" lies in the country of the place X, when the article names that country."""
    first = first_mentions(view)
    for key, m in first.items():
        if view.res.gazetteer.get(key) is not None or m.cls != "Location":
            continue
        place = place_before_head(view, m)
        if place is not None and place.country in first and place.country != key:
            yield Found(m, first[place.country], view.doc[m.token_start])
