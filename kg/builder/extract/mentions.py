"""Find entity mentions in a parsed ``Doc``: spaCy NER, corrected and completed by the gazetteer.

The functions here are pure: they read a ``Doc`` and return :class:`~kg.model.Mention` values.
Knowledge (names, demonyms, titles, head nouns) comes from the gazetteer and the lexicon.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from kg.builder.extract.bodies import Owner, find_state_bodies
from kg.builder.extract.gazetteer import GazEntry, Gazetteer, fold, normalize
from kg.builder.extract.lexicon import Lexicon, uses
from kg.builder.extract.resources import PLACE_CLASSES, Resources
from kg.builder.extract.syntax import tokens_of
from kg.model import Mention
from kg.text import clean_name, slug

(LONE_HEADS,) = uses("lone_org_heads")
#: spaCy NER labels that can name an entity, with the class they suggest.
NER_CLASSES: dict[str, str | None] = {
    "PERSON": "Person",
    "ORG": "Organization",
    "GPE": "Location",
    "LOC": "Location",
    "FAC": "Location",
    "NORP": None,
    "EVENT": None,
    "PRODUCT": None,
    "WORK_OF_ART": None,
    "LAW": None,
}
#: When the mentions of one name disagree on its class, the more specific class wins.
CLASS_PRIORITY = ("MilitaryForce", "Country", "Person", "Organization", "Location", "City")
#: Smallest city population for which a PERSON/ORG-tagged name is re-typed as the city.
MIN_RETYPED_CITY = 100_000
#: Smallest population of a city found by an alternate name in an article that does not name its
#: country ("Bombay", "Peking").
MIN_KNOWN_CITY = 500_000
#: NER labels of names that may be a person's surname mistaken for a place.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE"})
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&\-\.]{1,9}$")
_POSSESSIVE = ("'s", "’s", "'", "’")


@dataclass
class Candidate:
    """A span that may name an entity, while it is being classified."""

    start: int
    end: int
    cls: str | None
    source: str
    entry: GazEntry | None = None
    is_name: bool = True
    key: str = ""
    label: str = ""
    ner: str = ""
    inner: bool = False

    @property
    def length(self) -> int:
        """Number of tokens."""
        return self.end - self.start


def is_capitalised(token: Token) -> bool:
    """True for a token that starts with an upper-case letter or digit (``"G5"``)."""
    return token.text[:1].isupper() or (token.text[:1].isdigit() and token.pos_ == "PROPN")


#: Lower-case particles that begin surnames ("da Silva", "van Rompuy", "al-Assad").
NAME_PARTICLES = frozenset(
    {
        "de",
        "da",
        "van",
        "von",
        "al",
        "el",
        "bin",
        "ibn",
        "le",
        "la",
        "du",
        "dos",
        "das",
        "der",
        "den",
        "ter",
        "di",
        "del",
        "della",
        "al-",
        "el-",
    }
)


def trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Trim leading determiners, lower-case words and punctuation, and trailing possessives.

    A name starts with a capital (or a surname particle): "and Industry" or "force Soros" are
    fragments, not names.
    """
    while start < end and (
        doc[start].lower_ in ("the", "a", "an")
        or doc[start].is_punct
        or doc[start].is_space
        or (
            doc[start].is_lower
            and doc[start].is_alpha
            and doc[start].lower_ not in NAME_PARTICLES
            and not doc[start].lower_.startswith(("al-", "el-"))
        )
    ):
        start += 1
    while end > start and (
        doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct or doc[end - 1].is_space
    ):
        end -= 1
    return start, end


def gazetteer_candidates(doc: Doc, res: Resources) -> Iterator[Candidate]:
    """Country, organisation and demonym matches of the gazetteer (case-sensitive)."""
    gaz = res.gazetteer
    for _, start, end in res.matcher(doc)(doc):
        text = doc[start:end].text
        demonym = gaz.demonym(text)
        entries = gaz.lookup(text)
        if entries and entries[0].cls not in PLACE_CLASSES:
            entry = entries[0]
            yield Candidate(start, end, entry.cls, "gazetteer", entry)
        elif demonym is not None:
            yield Candidate(start, end, demonym.cls, "demonym", demonym, is_name=False)


def ner_candidates(doc: Doc, res: Resources) -> Iterator[Candidate]:
    """NER spans with a usable label, trimmed, with leading demonyms and titles split off."""
    ents = merge_adjacent_names(list(doc.ents))
    taken = {i for e in ents for i in range(e.start, e.end)}
    for ent in ents:
        if ent.label_ not in NER_CLASSES:
            continue
        start, end = trim(doc, ent.start, ent.end)
        for j in range(start + 1, end):
            if doc[j].text in ("(", "[", "“", '"'):
                # "Royal National Institute of the Blind (RNIB": the name ends here, and the
                # acronym is a mention of its own (joined to the name by acronym_links)
                if j + 1 < len(doc) and _ACRONYM.match(doc[j + 1].text):
                    yield Candidate(
                        j + 1, j + 2, NER_CLASSES.get(ent.label_), "ner", ner=ent.label_
                    )
                end = j
                break
        start, end = trim(doc, start, end)
        if ent.label_ in ("PERSON", "ORG"):
            start, end = extend_name(doc, start, end, taken, res.lexicon.title_heads)
            start, end = drop_sentence_word(doc, start, end, res.lexicon)
        if ent.label_ == "ORG":
            end = drop_trailing_title(doc, start, end, res.lexicon)
            end = extend_in_place(doc, start, end, ents, res.lexicon)
        if start >= end:
            continue
        for piece_start, piece_end in split_listed_names(doc, start, end, res):
            yield from split_prefixes(doc, piece_start, piece_end, ent.label_, res)


def split_listed_names(doc: Doc, start: int, end: int, res: Resources) -> list[tuple[int, int]]:
    """Split a span the tagger ran across a list ("Mali, Burkina Faso") into its names.

    Only when the part before a comma is a name the gazetteer knows: "Paris, France" splits
    (two places), "Dewey, Cheatham and Howe" (one firm) does not.
    """
    commas = [i for i in range(start + 1, end - 1) if doc[i].text == ","]
    if not commas or not res.gazetteer.lookup(doc[start : commas[0]].text):
        return [(start, end)]
    pieces, begin = [], start
    for i in commas:
        pieces.append((begin, i))
        begin = i + 1
    pieces.append((begin, end))
    return [(a, b) for a, b in pieces if a < b]


def drop_sentence_word(doc: Doc, start: int, end: int, lex: Lexicon) -> tuple[int, int]:
    """Drop a capitalised common word at the start of a sentence from a name span.

    The small model tags "Meeting Xi" or "Anger" as names: a sentence-initial word that the
    tagger reads as a common noun, verb, adjective or adverb, or that the lexicon knows as a
    common word (an event word such as "meeting"), is no part of a name.
    """
    first = doc[start]
    if not first.is_sent_start:
        return start, end
    if first.pos_ in ("NOUN", "VERB", "ADJ", "ADV", "PRON", "DET") or lex.is_common_word(
        first.lower_
    ):
        return start + 1, end
    return start, end


def drop_trailing_title(doc: Doc, start: int, end: int, lex: Lexicon) -> int:
    """End an organisation name before a title that follows it ("NATO [Secretary General]").

    The title belongs to the person named next; the organisation is what it is the title of.
    """
    cut = end
    while cut - 1 > start and doc[cut - 1].lower_ in lex.title_vocab:
        cut -= 1
    after = end  # the title may run on past the span: "[Royal Canadian Navy Rear] Admiral X"
    while after < len(doc) and doc[after].lower_ in lex.title_vocab:
        after += 1
    run = " ".join(t.lower_ for t in doc[cut:after])
    titled = any(w in lex.titles for w in run.split()) or any(t in run for t in lex.titles)
    if cut < end and titled and cut > start and doc[cut - 1].pos_ == "PROPN":
        return cut  # not "Office of the High Representative": a title inside the name
    return end


def extend_name(
    doc: Doc, start: int, end: int, taken: set[int], titles: frozenset[str] = frozenset()
) -> tuple[int, int]:
    """Grow a name span over untagged proper nouns of the same noun phrase.

    The small model often tags only part of a name: "Aidos [Ukibay]", "[Roch Marc] Christian
    Kaboré". Neighbouring capitalised proper nouns joined to the span by ``compound`` belong to it;
    a title after a name is not part of it ("[NATO] Secretary General X").
    """
    inside = set(range(start, end))
    while start > 0:
        prev = doc[start - 1]
        if (
            prev.i in taken
            or prev.pos_ != "PROPN"
            or not prev.text[:1].isupper()
            or prev.dep_ != "compound"
            or prev.head.i not in inside | {end}
        ):
            break
        start -= 1
        inside.add(start)
    while end < len(doc):
        nxt = doc[end]
        if nxt.i in taken or nxt.pos_ != "PROPN" or not nxt.text[:1].isupper():
            break
        if nxt.lower_ in titles:
            break
        if not (doc[end - 1].head.i == nxt.i or nxt.dep_ in ("compound", "flat")):
            break
        end += 1
        inside.add(end - 1)
    return start, end


def extend_in_place(doc: Doc, start: int, end: int, ents: list[Span], lex: Lexicon) -> int:
    """Grow a mission's name over "in <place>": "[UN Mission] in South Sudan" is one name.

    Only a capitalised force head ("Mission", "Force") with "in" attached to it and a place name
    right after ("the EU Mission in Armenia"); a lower-case "the AU mission in Somalia" is a
    description, not a name.
    """
    if end + 1 >= len(doc) or start >= end:
        return end
    head, prep = doc[end - 1], doc[end]
    if not head.text[:1].isupper() or head.lower_ not in lex.named_force_heads:
        return end
    if prep.lower_ != "in" or prep.head.i != head.i:
        return end
    first = end + 1 + (doc[end + 1].lower_ == "the")
    for ent in ents:
        if ent.start == first and ent.label_ in ("GPE", "LOC"):
            return ent.end
    return end


def merge_adjacent_names(ents: list[Span]) -> list[Span]:
    """Join a PERSON span with a directly following name span ("Roch Marc" + "Christian Kaboré")."""
    out: list[Span] = []
    for ent in ents:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.label_ == "PERSON"
            and ent.start == prev.end
            and ent.label_ in ("PERSON", "NORP", "ORG", "GPE")
            and all(t.pos_ == "PROPN" for t in ent)
            and (ent.label_ != "GPE" or len(ent) == 1)
        ):
            out[-1] = Span(ent.doc, prev.start, ent.end, label="PERSON")
        else:
            out.append(ent)
    return out


def split_prefixes(
    doc: Doc, start: int, end: int, label: str, res: Resources
) -> Iterator[Candidate]:
    """Split ``French President X`` / ``Chad's X`` spans into a demonym/country and a name."""
    gaz, lex = res.gazetteer, res.lexicon
    i = start
    # possessive inside the span: "Chad's Idriss Deby" (not "the People's Liberation Army")
    for j in range(start, end - 1):
        if doc[j + 1].text in ("'s", "’s") and label in ("PERSON", "ORG") and j + 2 < end:
            owner = doc[start : j + 1]
            known = gaz.lookup(owner.text) or gaz.demonym(owner.text) is not None
            if not (known or looks_like_name(owner, lex) or looks_like_name(doc[j + 2 : end], lex)):
                break
            yield Candidate(start, j + 1, NER_CLASSES.get(label), "ner", ner=label)
            i = j + 2
            rest = doc[i:end]
            if label == "ORG" and looks_like_name(rest, lex):
                label = "PERSON"  # "Chad's Idriss Deby": a possessor and a personal name
            break
    if label == "PERSON":
        i = skip_title_run(doc, i, end, lex)
    if label in ("PERSON", "ORG", "NORP", "GPE"):
        while i < end - 1:
            token = doc[i]
            if token.lower_.endswith("-led") and len(token) > 4 and i + 1 < end:
                # "U.S.-led Operation X" (one token): the leader is not part of the name
                leader = gaz.demonym(token.text[:-4]) or next(
                    iter(gaz.lookup(token.text[:-4])), None
                )
                if leader is not None:
                    yield Candidate(i, i + 1, leader.cls, "gazetteer", leader, is_name=False)
                i += 1
                continue
            if i + 2 < end and doc[i + 1].text in ("-", "–") and doc[i + 2].lower_ == "led":
                # "U.S.-led Operation X": the leader is not part of the name
                leader = gaz.demonym(token.text) or next(iter(gaz.lookup(token.text)), None)
                if leader is not None:
                    yield Candidate(i, i + 1, leader.cls, "gazetteer", leader, is_name=False)
                i += 3
                continue
            if (
                token.text in ("-", "–")
                and i > start
                and doc[i - 1].lower_ in lex.title_vocab
                and doc[i + 1].lower_ in lex.title_vocab
            ):
                i += 1  # "Lieutenant-Colonel"
                continue
            nxt = doc[i + 1]
            title_next = nxt.lower_ in lex.title_vocab or nxt.lower_ in lex.honorifics
            if (
                gaz.demonym(token.text) is not None
                and nxt.text[:1].isupper()
                and (
                    label != "ORG"
                    or (title_next and not any(t.lower_ in lex.org_heads for t in doc[i + 1 : end]))
                )
                and (title_next or end - (i + 1) >= 2)  # "Georgian Dream" is one name
            ):
                demonym = gaz.demonym(token.text)
                yield Candidate(i, i + 1, demonym.cls, "demonym", demonym, is_name=False)
                i += 1
            elif (token.lower_ in lex.title_vocab or token.lower_ in lex.honorifics) and label in (
                "PERSON",
                "ORG",
            ):
                # "President X", "Foreign Minister X" (not "New York", a place)
                if label == "ORG" and any(t.lower_ in lex.org_heads for t in doc[i + 1 : end]):
                    break
                i += 1
            else:
                break
    if i < end:
        yield Candidate(i, end, NER_CLASSES.get(label), "ner", ner=label)


def skip_title_run(doc: Doc, start: int, end: int, lex: Lexicon) -> int:
    """Skip a title with its qualifiers at the start of a person span.

    "Labour Minister Eduardo García", "Assistant Commissioner Ben McDevitt": up to two
    capitalised words and then a title word, followed by the name.
    """
    for k in range(start + 1, min(start + 3, end - 1)):
        if doc[k].lower_ in lex.titles and all(t.text[:1].isupper() for t in doc[start:k]):
            return k + 1
    return start


def looks_like_name(span: Span, lex: Lexicon) -> bool:
    """Two to four proper nouns without an organisation head word: a personal name."""
    words = [t for t in span if not t.is_punct]
    return (
        2 <= len(words) <= 4
        and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words)
        and not any(t.lower_ in lex.org_heads for t in words)
    )


def select(cands: Iterable[Candidate]) -> list[Candidate]:
    """Keep non-overlapping candidates: longer spans first, gazetteer before NER on ties.

    A gazetteer match inside a longer organisation or place name ("Polish" in "the
    Polish Foreign Ministry") is kept as an *inner* mention: it is not a name of its own,
    but tells relation extraction what the name contains.
    """
    ordered = sorted(
        cands,
        key=lambda c: (-c.length, c.source not in ("gazetteer", "demonym", "state-body"), c.start),
    )
    taken: list[Candidate] = []
    inner: list[Candidate] = []
    for cand in ordered:
        clash = [t for t in taken if cand.start < t.end and t.start < cand.end]
        if not clash:
            taken.append(cand)
        elif cand.entry is not None and all(
            t.start <= cand.start
            and cand.end <= t.end
            and (t.entry is None or (t.entry.key != cand.entry.key and not names_place(t)))
            for t in clash
        ):
            if not any(i.start == cand.start and i.end == cand.end for i in inner):
                inner.append(replace(cand, is_name=False, inner=True, source="inner"))
    return sorted(taken + inner, key=lambda c: (c.start, c.end))


def names_place(cand: Candidate) -> bool:
    """Whether a candidate names a country or place (or is a demonym).

    No other country is named inside it: not "Guinea" in "Guinea-Bissau" or "Bissau-Guinean".
    """
    return cand.entry is not None and (
        cand.entry.cls in PLACE_CLASSES or cand.entry.cls == "Country"
    )


def recover_state_bodies(doc: Doc, cands: list[Candidate], res: Resources) -> Iterator[Candidate]:
    """State bodies named through their state ("the Malian army"), see :mod:`.bodies`."""
    owners = [  # not a country inside another name ("Banco do [Brasil]'s … Department")
        Owner(c.start, c.end, c.entry)
        for c in cands
        if c.entry is not None and c.entry.cls == "Country" and not c.inner
    ]
    for body in find_state_bodies(doc, owners, res.lexicon):
        key = f"organization:{slug(body.label)}"
        yield Candidate(
            body.start, body.end, "Organization", "state-body", key=key, label=body.label
        )


def doc_countries(cands: Iterable[Candidate]) -> set[str]:
    """Keys of countries named or referred to by demonym in the document."""
    return {c.entry.key for c in cands if c.entry is not None and c.entry.cls == "Country"}


def classify(doc: Doc, cand: Candidate, res: Resources, countries: set[str]) -> Candidate | None:
    """Give an NER candidate its class, consulting the gazetteer; ``None`` drops it."""
    if cand.entry is not None:
        return cand
    gaz, lex = res.gazetteer, res.lexicon
    span = doc[cand.start : cand.end]
    text = clean_name(span.text)
    lower = text.lower()
    if not text or lower in lex.not_entities or len(text) < 2:
        return None
    if not any(is_capitalised(t) for t in span if any(ch.isalnum() for ch in t.text)):
        return None
    words = [t.lower_ for t in span if not t.is_punct]
    if all(w in lex.title_vocab or w in lex.honorifics or w == "of" for w in words):
        return None  # "Supreme", "State" (of "Secretary of State"), "Defence" (Minister)
    before = [t for t in doc[max(0, cand.start - 2) : cand.start] if t.lower_ not in ("the", "a")]
    if before and before[-1].lower_ in lex.vessel_nouns:
        return None  # "the supertanker Sirius Star": a ship, not an organisation or person
    demonym = gaz.demonym(text)
    if demonym is not None:
        return replace(cand, cls=demonym.cls, entry=demonym, source="demonym", is_name=False)
    entries = [] if lower in lex.macro_regions else gaz.lookup(text)  # "Asia" is no city
    if after_place_noun(doc, cand, lex):
        # "the Solomon Islands capital Honiara": a place, whatever the tagger said
        local = [
            e
            for e in entries
            if e.cls in PLACE_CLASSES and e.country in countries and plausible_local(e, text)
        ]
        if local:
            return replace(cand, cls=local[0].cls, entry=local[0], source="gazetteer")
        return replace(cand, cls="Location")
    if entries:
        entry = best_entry(entries, cand.ner, countries, text)
        if entry is not None:
            return replace(cand, cls=entry.cls, entry=entry, source="gazetteer")
    official = official_name_of(text, countries, gaz)
    if official is not None:  # "the Islamic Republic" in an article about Iran
        return replace(cand, cls="Country", entry=official, source="gazetteer", is_name=False)
    cls = refine_class(doc, cand, res)
    if cls is None:
        return None
    return replace(cand, cls=cls)


def after_place_noun(doc: Doc, cand: Candidate, lex: Lexicon) -> bool:
    """Whether a name directly follows a place noun: "the capital Accra", "the city of Lyon"."""
    i = cand.start - 1
    if i >= 0 and doc[i].lower_ == "of":
        i -= 1
    return i >= 0 and doc[i].lower_ in lex.place_nouns and doc[i].pos_ == "NOUN"


def official_name_of(text: str, countries: set[str], gaz: Gazetteer) -> GazEntry | None:
    """The country of the article whose official name begins with ``text`` ("Islamic Republic")."""
    if len(text.split()) < 2:
        return None
    found = [
        gaz.get(key)
        for key in sorted(countries)
        if any(n.startswith(text + " of ") for n in gaz.get(key).names)
    ]
    return found[0] if len(found) == 1 else None


def best_entry(
    entries: list[GazEntry], ner: str, countries: set[str], text: str = ""
) -> GazEntry | None:
    """Choose among gazetteer candidates for an NER span.

    Countries and organisations are unambiguous names. A city is accepted for place labels
    (GPE/LOC/FAC), and for other labels only when its country is named in the document.
    """
    head = entries[0]
    if head.cls not in PLACE_CLASSES:
        return head
    local = [e for e in entries if e.country in countries]
    if text:  # a local place known by that very name before one known by an alternate name
        local.sort(key=lambda e: not own_name(e, text))
    if ner == "LOC":
        return None  # seas, regions, continents: not a city that shares the name ("Asia")
    if text:  # "Maryland" is no "Maryland City"; "Maine" no "Des Plaines" (alternate name)
        local = [e for e in local if plausible_local(e, text)]
    if ner in ("GPE", "FAC"):
        if local and text and own_name(local[0], text) and not own_name(head, text):
            return local[0]  # "Puno" (Peru) by its own name, not a big city's old spelling
        if local and local[0].population * 4 >= head.population:
            return local[0]  # a much smaller namesake does not beat a major city ("Geneva")
        if local:
            return head
        return known_abroad(entries, text)
    # a name the tagger took for a person or organisation is a city only when the city is a
    # large one in a country the article names ("Clinton" stays a person)
    big = [e for e in local if e.population >= MIN_RETYPED_CITY]
    if big:
        return big[0]
    capitals = [e for e in entries if e.cls in PLACE_CLASSES and e.capital]
    if len(capitals) == 1 and capitals[0] is head:
        return head  # a national capital is a place name first ("arriving in Bamako")
    return None


def own_name(entry: GazEntry, text: str) -> bool:
    """Whether ``text`` is the place's own (GeoNames) name, not one of its alternate names."""
    return fold(normalize(entry.label)) == fold(normalize(text))


def truncated_name(entry: GazEntry, text: str) -> bool:
    """Whether a name is only the first words of a smaller city's own name.

    "Maryland" of "Maryland City": a state or region is meant, not the city; so is "Oklahoma" of
    "Oklahoma City" (a city of over a million, "New York", is meant by its short name).
    """
    label, name = fold(normalize(entry.label)), fold(normalize(text))
    if label == name + " city":
        return entry.population < 1_000_000  # "Oklahoma"; but "New York" is New York City
    return label.startswith(name + " ") and entry.population < MIN_KNOWN_CITY


def plausible_local(entry: GazEntry, text: str) -> bool:
    """Whether a city of a country the article names may be what ``text`` names.

    Not a truncation of its name ("Oklahoma"), and its own name or a spelling of it unless it is
    a capital or large.
    """
    return not truncated_name(entry, text) and (
        close_name(entry, text) or entry.capital or entry.population >= MIN_RETYPED_CITY
    )


def close_name(entry: GazEntry, text: str) -> bool:
    """Whether a name is the city's own name or a spelling of it.

    "Baucau" of "Baukau", "Naqoura" of "En Nâqoûra"; not an unrelated alternate name ("Maine" of
    "Des Plaines").
    """
    label, name = fold(normalize(entry.label)), fold(normalize(text))
    return name in label or any(w[:3] == name[:3] for w in label.split())


def known_abroad(entries: list[GazEntry], text: str) -> GazEntry | None:
    """A city for a name whose country the article does not name.

    A city known by that very name (its GeoNames label) must be a capital or large; one known by
    an alternate name must be a capital or very large ("Peking", "Bombay"). So "Florida" is no
    Colombian city and "Maine" no Illinois suburb, while "Lyon" is still Lyon.
    """
    places = [e for e in entries if e.cls in PLACE_CLASSES and not truncated_name(e, text)]
    by_label = [e for e in places if own_name(e, text)]
    for e in by_label:
        if e.capital or e.population >= MIN_RETYPED_CITY:
            return e
    for e in places:
        if e not in by_label and (e.capital or e.population >= MIN_KNOWN_CITY):
            return e
    return None


def refine_class(doc: Doc, cand: Candidate, res: Resources) -> str | None:
    """Correct the NER class with the lexicon (person titles, organisation heads, forces)."""
    lex = res.lexicon
    span = doc[cand.start : cand.end]
    words = [t.lower_ for t in span]
    at = words.index("in", 1) if "in" in words[1:-1] else 0
    if at and span[at - 1].text[:1].isupper():
        words = words[:at]  # "UN Mission in Haiti": classed by "Mission"
    last = words[-1]
    joined = " ".join(words)
    if words[0] == "operation" and len(words) > 1:
        return "MilitaryForce"
    hyphenated = len(span) > 1 and span[-2].text in ("-", "–")  # "Co-operation" is no operation
    if joined.endswith("task force"):
        return "Organization"  # "Financial Action Task Force": a body, not a deployed force
    if (
        not hyphenated
        and any(joined.endswith(" " + h) for h in lex.named_force_heads)
        and not any(joined.endswith(m) for m in lex.military_orgs)
    ):
        if cand.ner in ("ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "PERSON"):
            return "MilitaryForce"
    after = doc[cand.end : cand.end + 2]
    if any(after[:n].text.lower() in lex.site_heads for n in (1, 2) if len(after) >= n):
        return "Location"  # "Tapa training ground", whatever the tagger said
    root = span.root
    if root.dep_ in ("compound", "nmod", "amod") and root.head.lower_ in lex.exercise_nouns:
        return "MilitaryForce"  # "the Sabre-2022 exercises": a named joint exercise
    base = NER_CLASSES.get(cand.ner)
    if cand.ner in ("ORG", "PERSON", "GPE", "NORP") and last in lex.place_heads and len(words) > 1:
        if not any(w in lex.org_heads for w in words):
            return "Location"
    if cand.ner == "ORG" and looks_like_person(doc, cand, res):
        return "Person"
    if cand.ner == "ORG" and has_title_apposition(span, lex):
        return "Person"  # "Ukibay, a spokesman for ..."
    if cand.ner == "ORG" and cand.start >= 2 and doc[cand.start - 1].text in ("'s", "’s"):
        if looks_like_name(span, lex):
            return "Person"  # "Chad's Idriss Deby"
    if cand.ner == "PERSON" and any(w in lex.org_heads for w in words[1:]):
        return "Organization"
    if cand.ner in ("PERSON", "ORG") and in_place_context(doc, cand, lex):
        return "Location"
    return base


def in_place_context(doc: Doc, cand: Candidate, lex: Lexicon) -> bool:
    """A name the text puts as a place: after "in/at/near", with no title or organisation head.

    "fighting in Konna", "a rally at Plaza X": people and organisations are rarely the object
    of a locative preposition in news; titled names ("in President X's speech") are excluded.
    """
    if cand.start == 0 or any(t.lower_ in lex.org_heads for t in doc[cand.start : cand.end]):
        return False
    before = doc[cand.start - 1]
    if before.lower_ not in ("in", "at", "near", "outside", "inside", "across", "around"):
        return False
    root = doc[cand.start : cand.end].root
    return root.head.i == before.i and not any(c.dep_ == "case" for c in root.children)


def has_title_apposition(span: Span, lex: Lexicon) -> bool:
    """Whether the span is in apposition with a title ("X, a spokesman for Y", "Y's envoy, X")."""

    def title(t: Token) -> bool:
        return t.lower_ in lex.title_vocab and t.lower_ not in lex.title_modifiers

    root = span.root
    if root.dep_ == "appos" and title(root.head) and looks_like_name(span, lex):
        return True
    return any(c.dep_ == "appos" and title(c) for c in root.children)


def looks_like_person(doc: Doc, cand: Candidate, res: Resources) -> bool:
    """An ORG-tagged span that is a personal name: preceded by a title, no organisation head."""
    lex = res.lexicon
    span = doc[cand.start : cand.end]
    if any(t.lower_ in lex.org_heads for t in span) or len(span) > 4:
        return False
    if not all(t.pos_ == "PROPN" or t.is_punct for t in span):
        return False
    prev = doc[cand.start - 1] if cand.start > 0 else None
    if prev is not None and (prev.lower_ in lex.titles or prev.lower_ in lex.honorifics):
        return True
    return False


def extend_places(doc: Doc, cand: Candidate, res: Resources) -> Candidate:
    """Extend a place name by a following head noun: ``Kherson`` + ``region``."""
    if cand.cls not in PLACE_CLASSES or cand.end >= len(doc):
        return cand
    for size in (2, 1):
        words = doc[cand.end : cand.end + size]
        if len(words) == size and words.text.lower() in res.lexicon.place_heads:
            if words[-1].pos_ in ("NOUN", "PROPN"):
                return replace(cand, end=cand.end + size, entry=None, cls="Location")
    return cand


def acronym_links(doc: Doc, cands: list[Candidate]) -> tuple[dict[str, Candidate], set[str]]:
    """Acronyms defined in parentheses after a name, and acronyms of common nouns.

    Returns:
        ``(links, rejected)``: acronym → the candidate it abbreviates, and acronyms that abbreviate
        a lower-case phrase ("liquefied petroleum gas (LPG)") and so are not entities.
    """
    by_end = {c.end: c for c in cands if c.is_name and not c.inner}
    links: dict[str, Candidate] = {}
    rejected: set[str] = set()
    for tok in doc[1:-1]:
        if tok.text != "(" or tok.i + 2 >= len(doc) or doc[tok.i + 2].text != ")":
            continue
        acr = doc[tok.i + 1].text
        if not _ACRONYM.match(acr):
            continue
        before = by_end.get(tok.i)
        long_name = (
            before is not None
            and before.cls in ("Organization", "MilitaryForce")
            and (before.end - before.start >= 2)
        )
        if before is not None and (
            initials_match(doc[before.start : before.end].text, acr) or long_name
        ):
            links[acr] = before  # "(KNB)" after a long name may abbreviate its native form
        elif doc[tok.i - 1].is_lower and initials_match(doc[max(0, tok.i - 6) : tok.i].text, acr):
            rejected.add(acr)
    return links, rejected


def initials_match(phrase: str, acronym: str) -> bool:
    """Whether the acronym's letters appear, in order, as initials of the phrase's last words."""
    words = [w for w in re.split(r"[\s\-]+", phrase) if w and w[0].isalnum()]
    letters = [c for c in acronym.upper() if c.isalpha()]
    if not letters:
        return False
    initials = [w[0].upper() for w in words]
    # acronyms may skip small words ("Organization of the ..."): subsequence test on initials
    it = iter(initials)
    return letters[0] in initials and all(ch in it for ch in letters)


def covered_tokens(cands: Iterable[Candidate]) -> set[int]:
    """Indices of the tokens that some candidate already covers."""
    return {i for c in cands for i in range(c.start, c.end)}


def recover_coordinated_places(
    doc: Doc, cands: list[Candidate], res: Resources, countries: set[str]
) -> Iterator[Candidate]:
    """Capitalised words coordinated with a place that the gazetteer knows as a city there.

    ``"... in Lyon, Lille, and Nice"``: the model may miss the last item; coordination with
    recognised places and a gazetteer city in a country the article names brings it back.
    """
    covered = covered_tokens(cands)
    place_tokens = {
        i for c in cands if c.cls in PLACE_CLASSES | {"Country"} for i in range(c.start, c.end)
    }
    for tok in tokens_of(doc):
        if tok.i in covered or tok.pos_ != "PROPN" or not tok.text[:1].isupper():
            continue
        if tok.is_sent_start:
            continue
        linked = tok.dep_ in ("conj", "appos") and tok.head.i in place_tokens
        linked = linked or any(
            c.dep_ in ("conj", "appos") and c.i in place_tokens for c in tok.children
        )
        if not linked:
            continue
        entries = [e for e in res.gazetteer.lookup(tok.text) if e.cls in PLACE_CLASSES]
        local = [e for e in entries if e.country in countries]
        if local:
            yield Candidate(tok.i, tok.i + 1, "Location", "gazetteer", local[0])


def recover_coordinated_people(doc: Doc, cands: list[Candidate]) -> Iterator[Candidate]:
    """Untagged names coordinated with a person ("Ghana's X and Togo's Faure Gnassingbe")."""
    covered = covered_tokens(cands)
    people = {i for c in cands if c.cls == "Person" for i in range(c.start, c.end)}
    for tok in tokens_of(doc):
        if tok.i in covered or tok.pos_ != "PROPN" or not tok.text[:1].isupper():
            continue
        if tok.dep_ != "conj" or tok.head.i not in people:
            continue
        start = tok.i
        while (
            start > 0
            and doc[start - 1].dep_ == "compound"
            and doc[start - 1].pos_ == "PROPN"
            and doc[start - 1].i not in covered
            and doc[start - 1].head.i == tok.i
        ):
            start -= 1
        if tok.i - start >= 1:  # a full name, not a lone word
            yield Candidate(start, tok.i + 1, "Person", "ner", ner="PERSON")


def recover_titled_people(doc: Doc, cands: list[Candidate], lex: Lexicon) -> Iterator[Candidate]:
    """Untagged names after a title: "Lieutenant-Colonel Wade Rutland", "Commodore Ana Ruiz"."""
    covered = covered_tokens(cands)
    tokens = tokens_of(doc)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        titled = tok.lower_ in lex.titles or tok.lower_ in lex.honorifics
        if not titled or i + 2 >= len(tokens):
            i += 1
            continue
        start = end = i + 1
        while (
            end < len(tokens)
            and end not in covered
            and tokens[end].pos_ == "PROPN"
            and (tokens[end].text[:1].isupper() and tokens[end].lower_ not in lex.title_vocab)
        ):
            end += 1
        words = [t.lower_ for t in tokens[start:end]]
        if end - start >= 2 and not set(words) & lex.org_heads:
            yield Candidate(start, end, "Person", "ner", ner="PERSON")
        i = max(end, i + 1)


def recover_operations(doc: Doc, cands: list[Candidate]) -> Iterator[Candidate]:
    """Untagged named operations: "Operation" followed by capitalised proper nouns."""
    covered = covered_tokens(cands)
    for tok in tokens_of(doc):
        if tok.text != "Operation" or tok.i in covered:
            continue
        end = tok.i + 1
        while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
            if end in covered:
                break
            end += 1
        if end > tok.i + 1:
            yield Candidate(tok.i, end, "MilitaryForce", "ner", ner="ORG")


#: Lower-case words that may stand inside a name ("Mission to X", "Office of the Y").
NAME_JOINERS = frozenset(
    {"of", "to", "for", "the", "in", "and", "on", "de", "du", "des", "la", "le"}
)


def acronym_name_start(doc: Doc, paren: int, acronym: str) -> int | None:
    """Where the name an acronym in parentheses stands for begins, if it is there.

    Looks back from "(" over capitalised words and the small words names contain; the name is
    the shortest run whose initials spell the acronym, else (a native-language acronym) the
    whole run when it has at least two capitalised words.
    """
    i = paren - 1
    run: list[int] = []
    while i >= 0 and len(run) < 12:
        t = doc[i]
        if t.text[:1].isupper() or (t.lower_ in NAME_JOINERS and run):
            run.insert(0, i)
            if t.is_sent_start:
                break
            i -= 1
        else:
            break
    while run and doc[run[0]].lower_ in NAME_JOINERS:
        run.pop(0)
    if len(run) < 2:
        return None
    for start in reversed(run):
        if doc[start].lower_ in NAME_JOINERS:
            continue
        if initials_match(doc[start:paren].text, acronym) and initials_match(
            acronym, "".join(w[0] for w in doc[start:paren].text.split() if w[0].isupper())
        ):
            return start
    capitals = [i for i in run if doc[i].text[:1].isupper()]
    return run[0] if len(capitals) >= 2 else None


def recover_acronym_names(doc: Doc, cands: list[Candidate], lex: Lexicon) -> Iterator[Candidate]:
    """Names defined with an acronym: "the Regional Assistance Mission to X (RAMSI)"."""
    for tok in tokens_of(doc)[1:-2]:
        if tok.text != "(" or doc[tok.i + 2].text != ")":
            continue
        acronym = doc[tok.i + 1].text
        if not _ACRONYM.match(acronym):
            continue
        start = acronym_name_start(doc, tok.i, acronym)
        if start is None:
            continue
        words = [t.lower_ for t in doc[start : tok.i]]
        if tok.i + 3 < len(doc) and doc[tok.i + 3].lower_ in lex.named_force_heads:
            words.append(
                doc[tok.i + 3].lower_
            )  # "the Multinational Security Support (MSS) mission"
        if any(w in lex.named_force_heads for w in words) and not any(
            w in lex.military_orgs for w in words
        ):
            cls = "MilitaryForce"
        else:
            cls = "Organization"
        yield Candidate(start, tok.i, cls, "ner", ner="ORG")


def recover_named_places(
    doc: Doc, cands: list[Candidate], res: Resources, countries: set[str]
) -> Iterator[Candidate]:
    """Untagged names after a place noun: "the Ghanaian capital Accra", "the town of Bambari"."""
    covered = covered_tokens(cands)
    lex = res.lexicon
    for tok in tokens_of(doc):
        if tok.i in covered or tok.pos_ != "PROPN" or not tok.text[:1].isupper():
            continue
        cand = Candidate(tok.i, tok.i + 1, "Location", "ner", ner="GPE")
        if not after_place_noun(doc, cand, lex):
            continue
        end = tok.i + 1
        while end < len(doc) and doc[end].pos_ == "PROPN" and end not in covered:
            end += 1
        name = doc[tok.i : end].text
        local = [
            e
            for e in res.gazetteer.lookup(name)
            if e.cls in PLACE_CLASSES and e.country in countries
        ]
        if local:
            yield Candidate(tok.i, end, local[0].cls, "gazetteer", local[0])
        else:
            yield Candidate(tok.i, end, "Location", "ner", ner="GPE")


def recover_sites(doc: Doc, cands: list[Candidate], res: Resources) -> Iterator[Candidate]:
    """Untagged proper nouns before a site head: "the Mulino training ground", "Kherson region"."""
    covered = covered_tokens(cands)
    heads = res.lexicon.site_heads
    for tok in tokens_of(doc):
        if tok.i in covered or tok.pos_ != "PROPN" or not tok.text[:1].isupper():
            continue
        if tok.is_sent_start or tok.i + 1 in covered:
            continue
        for size in (2, 1):
            words = doc[tok.i + 1 : tok.i + 1 + size]
            if len(words) == size and words.text.lower() in heads and words[-1].pos_ == "NOUN":
                start = tok.i
                while (
                    start > 1
                    and doc[start - 1].text in ("-", "–")
                    and (doc[start - 2].pos_ == "PROPN" and doc[start - 2].i not in covered)
                ):
                    start -= 2  # "Laane-Viru region"
                yield Candidate(start, tok.i + 1 + size, "Location", "site")
                break


def assign_keys(
    doc: Doc,
    cands: list[Candidate],
    links: dict[str, Candidate],
    lex: Lexicon,
    countries: set[str] = frozenset(),
) -> list[Candidate]:
    """Give every candidate an identity key and a label, joining short names to full names."""
    out: list[Candidate] = []
    full_people: list[Candidate] = []
    for cand in cands:
        text = clean_name(doc[cand.start : cand.end].text)
        if cand.entry is not None:
            cand = replace(cand, key=cand.entry.key, label=cand.entry.label)
        elif cand.key:
            pass  # keyed by its finder (state bodies)
        elif text in links and links[text] is not cand:
            target = links[text]
            target_text = clean_name(doc[target.start : target.end].text)
            cls = target.cls or "Organization"
            key = target.entry.key if target.entry else f"{cls.lower()}:{slug(target_text)}"
            label = target.entry.label if target.entry else target_text
            cand = replace(
                cand, cls=cls, key=key, label=label, entry=target.entry, source="acronym"
            )
        else:
            cand = replace(cand, key=f"{(cand.cls or 'entity').lower()}:{slug(text)}", label=text)
        if cand.cls == "Person" and " " in cand.label:
            full_people.append(cand)
        out.append(cand)
    orgs = [c for c in out if c.cls == "Organization" and " " in c.label]
    out = [join_short_org(doc, join_short_name(doc, c, full_people, countries), orgs) for c in out]
    lone = lex.words(LONE_HEADS)
    out = [c for c in out if not lone_head(c, lone)]
    return join_known_as(doc, join_place_heads(out, lex))


def lone_head(cand: Candidate, heads: frozenset[str]) -> bool:
    """A generic organisation word left alone: "Department" of a name the tagger cut short.

    "The Department said": without its name ("State Department", "Acme Insurance Co") it names
    nothing; one that names an organisation of the document has joined it already.
    """
    return (
        cand.cls == "Organization"
        and cand.entry is None
        and " " not in cand.label
        and cand.label.lower().rstrip(".") in heads
    )


#: Words before a place name that make it a place, whatever else it could be.
LOCATIVE = frozenset({"in", "at", "from", "to", "near", "into", "across", "outside", "inside"})


def join_short_name(
    doc: Doc, cand: Candidate, people: list[Candidate], countries: set[str] = frozenset()
) -> Candidate:
    """Attach a one-word name to the one full name of the document it is part of.

    The last word ("Macron"), or the first for names written family name first ("Xi" for "Xi
    Jinping"). A town that shares the surname is the person unless the text puts it as a place
    ("in Borne") in a country the article names.
    """
    if " " in cand.label or cand.cls not in ("Person", "Organization", "Location", "City"):
        return cand
    if cand.entry is not None:
        before = doc[cand.start - 1].lower_ if cand.start > 0 else ""
        if cand.entry.cls not in PLACE_CLASSES:
            return cand
        if before in LOCATIVE and cand.entry.country in countries:
            return cand
    for position in (-1, 0):
        matches = {p.key: p for p in people if p.label.split()[position] == cand.label}
        if len(matches) == 1:
            person = next(iter(matches.values()))
            return replace(cand, cls="Person", key=person.key, label=person.label, entry=None)
        if matches:
            return cand
    return cand


def harmonise(doc: Doc, cands: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """One name, one thing per document: the same name gets one class and one gazetteer entry.

    The tagger may call a name a person in one sentence and a place in the next; the gazetteer
    entry, if any mention has one, else the class most mentions have, wins for all of them.
    """
    groups: dict[str, list[int]] = {}
    for n, c in enumerate(cands):
        if c.is_name and not c.inner and c.cls:
            groups.setdefault(clean_name(doc[c.start : c.end].text), []).append(n)
    out = list(cands)
    for members in groups.values():
        if len(members) < 2:
            continue
        entries = Counter(out[n].entry.key for n in members if out[n].entry is not None)
        if entries:
            key = entries.most_common(1)[0][0]
            entry = next(out[n].entry for n in members if out[n].entry and out[n].entry.key == key)
            for n in members:
                if out[n].entry is None:
                    out[n] = replace(out[n], entry=entry, cls=entry.cls, source="gazetteer")
            continue
        votes = Counter(out[n].cls for n in members)
        if any(
            in_place_context(doc, out[n], lex) or after_place_noun(doc, out[n], lex)
            for n in members
        ):
            votes["Location"] += len(members)  # the text says it is a place
        best = max(votes.values())
        cls = min((c for c, v in votes.items() if v == best), key=CLASS_PRIORITY.index)
        for n in members:
            out[n] = replace(out[n], cls=cls)
    return out


def _family(cls: str | None) -> str | None:
    """Places are one family ("City", "Region", "Location"); groups may be tagged as people."""
    if cls in PLACE_CLASSES:
        return "Location"
    return "Organization" if cls in ("Organization", "Person") else cls


def join_place_heads(cands: list[Candidate], lex: Lexicon) -> list[Candidate]:
    """A name with or without its head noun or plural "s" is one thing in a document.

    "The X region" and "X" (a place); "the X party" and "X" (an organisation); "the Xs" and
    "X" (a group).
    """
    names = {c.label: c for c in cands if c.is_name and not c.inner and c.key}
    out = []
    for c in cands:
        words = c.label.split()
        base = None
        if len(words) >= 2 and c.cls in PLACE_CLASSES and words[-1].lower() in lex.place_heads:
            base = names.get(" ".join(words[:-1]))
        elif len(words) >= 2 and c.cls == "Organization" and words[-1] in ("party", "movement"):
            base = names.get(" ".join(words[:-1]))
        elif c.label.endswith("s") and c.entry is None and len(c.label) > 4:
            base = names.get(c.label[:-1])
        if base is not None and base.key != c.key and _family(base.cls) == _family(c.cls):
            c = replace(c, key=base.key, cls=base.cls, entry=base.entry)
        out.append(c)
    return out


def join_short_org(doc: Doc, cand: Candidate, orgs: list[Candidate]) -> Candidate:
    """Attach a one-word organisation name to the one longer name it starts or ends.

    "Amnesty" for "Amnesty International", "the Commission" for "the European Commission"
    (only when one organisation of the document fits). A one-word "person" that no full name of
    a person ends (:func:`join_short_name` runs first) is the tagger's mistake for the company
    it names: "Acme said" after "Acme Steel Corp".
    """
    if cand.cls not in ("Organization", "Person") or " " in cand.label or cand.entry is not None:
        return cand
    before = doc[cand.start - 1].lower_ if cand.start > 0 else ""
    modifier = doc[cand.end - 1].dep_ in ("compound", "amod", "nmod")
    if cand.cls == "Person" and (before == "the" or before in LOCATIVE or modifier):
        return cand  # "in the Sahel", "five Sahel states": a region, not the "G5 Sahel" group
    for position in (0, -1):
        matches = {
            o.key: o for o in orgs if o.label.split()[position] == cand.label and o.key != cand.key
        }
        if len(matches) == 1:
            org = next(iter(matches.values()))
            return replace(cand, cls="Organization", key=org.key, label=org.label, entry=org.entry)
        if matches:
            return cand
    return cand


def join_known_as(doc: Doc, cands: list[Candidate]) -> list[Candidate]:
    """A name given with "known as" is another name of what precedes it.

    "Ahmed Ali Farah, known as Farahow": one person.
    """
    by_end = {c.end: c for c in cands if c.is_name and not c.inner}
    out = []
    for c in cands:
        i = c.start
        if i >= 2 and doc[i - 1].lower_ == "as" and doc[i - 2].lower_ in ("known", "nicknamed"):
            j = i - 3
            if j >= 0 and doc[j].lower_ in ("also", "better", "widely", "commonly"):
                j -= 1
            if j >= 0 and doc[j].text == ",":
                j -= 1
            named = by_end.get(j + 1)
            if named is not None and named is not c and named.key:
                c = replace(c, key=named.key, label=named.label, cls=named.cls, entry=named.entry)
        out.append(c)
    return out


def shouted_tokens(doc: Doc) -> set[int]:
    """Tokens of all-capitals lines (wire headlines such as "ACME SAYS PROFIT UP").

    Their case tells nothing about names, and their words are abbreviated: no entity is taken
    from them.
    """
    out: set[int] = set()
    for sent in doc.sents:
        letters = [ch for ch in sent.text if ch.isalpha()]
        words = [t for t in sent if t.is_alpha]
        if (
            len(words) >= 3
            and letters
            and sum(ch.isupper() for ch in letters) >= 0.9 * len(letters)
        ):
            out.update(range(sent.start, sent.end))
    return out


def extract_mentions(doc: Doc, doc_id: str, res: Resources) -> list[Mention]:
    """All entity mentions of a document, classified and keyed.

    Args:
        doc: The parsed document.
        doc_id: Its identifier.
        res: Gazetteer, lexicon and cached matchers.

    Returns:
        Mentions in document order (names, demonyms and inner mentions).
    """
    raw = list(gazetteer_candidates(doc, res)) + list(ner_candidates(doc, res))
    shouting = shouted_tokens(doc)
    chosen = select(c for c in raw if c.start not in shouting)
    countries = doc_countries(chosen)
    classified = [c for c in (classify(doc, c, res, countries) for c in chosen) if c is not None]
    classified = [extend_places(doc, c, res) for c in classified]
    classified = [
        refresh_entry(doc, c, res, countries) if c.entry is None and c.cls in PLACE_CLASSES else c
        for c in classified
    ]
    classified = reconsider_places(doc, classified)
    classified = select(
        classified
        + list(recover_coordinated_places(doc, classified, res, countries))
        + list(recover_sites(doc, classified, res))
        + list(recover_coordinated_people(doc, classified))
        + list(recover_operations(doc, classified))
        + list(recover_titled_people(doc, classified, res.lexicon))
        + list(recover_named_places(doc, classified, res, countries))
        + list(recover_acronym_names(doc, classified, res.lexicon))
        + list(recover_state_bodies(doc, classified, res))
    )
    links, rejected = acronym_links(doc, classified)
    classified = [c for c in classified if doc[c.start : c.end].text not in rejected]
    keyed = assign_keys(doc, harmonise(doc, classified, res.lexicon), links, res.lexicon, countries)
    return [to_mention(doc, doc_id, c) for c in keyed]


def reconsider_places(doc: Doc, cands: list[Candidate]) -> list[Candidate]:
    """Undo city identities that the rest of the article contradicts.

    A one-word "city" that is the surname of a person the article names is that person ("Lloyd
    Austin … Austin said"); a city found by an alternate name when the article also names it by
    its own name is another place ("Hatay" beside "Antakya": a province and its capital).
    """
    surnames = {
        doc[c.end - 1].text
        for c in cands
        if c.cls == "Person" and c.entry is None and c.length >= 2 and not c.inner
    }

    def own_name(c: Candidate) -> bool:
        return fold(normalize(doc[c.start : c.end].text)) == fold(normalize(c.entry.label))

    places = [c for c in cands if c.entry is not None and c.entry.cls in PLACE_CLASSES]
    by_label = {c.entry.key for c in places if own_name(c)}
    out = []
    for c in cands:
        if c in places and not c.inner:
            if c.length == 1 and doc[c.start].text in surnames and c.ner in NAME_LABELS:
                c = replace(c, cls="Person", entry=None, source="ner")
            elif not own_name(c) and c.entry.key in by_label:
                c = replace(c, cls="Location", entry=None, source="ner")
        out.append(c)
    return out


def refresh_entry(doc: Doc, cand: Candidate, res: Resources, countries: set[str]) -> Candidate:
    """Look an extended place name ("X region") up again in the gazetteer."""
    name = clean_name(doc[cand.start : cand.end].text)
    if name.lower() in res.lexicon.macro_regions:
        return cand
    entries = res.gazetteer.lookup(name)
    entry = best_entry(entries, "GPE", countries, name) if entries else None
    if entry is not None and (entry.cls in PLACE_CLASSES or entry.cls == "Country"):
        return replace(cand, entry=entry, cls=entry.cls, source="gazetteer")
    return cand


def to_mention(doc: Doc, doc_id: str, cand: Candidate) -> Mention:
    """Freeze a candidate into a :class:`Mention`."""
    span: Span = doc[cand.start : cand.end]
    return Mention(
        doc_id=doc_id,
        start=span.start_char,
        end=span.end_char,
        text=span.text,
        cls="Location" if cand.cls in PLACE_CLASSES else (cand.cls or "Entity"),
        key=cand.key,
        label=cand.label,
        same_as=cand.entry.same_as if cand.entry else (),
        source=cand.source,
        is_name=cand.is_name,
        token_start=cand.start,
        token_end=cand.end,
    )
