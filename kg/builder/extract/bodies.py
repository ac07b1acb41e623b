"""State bodies named through their state: "the Malian army", "Russia's Defence Ministry".

News names a ministry, army, parliament or police force by the state it belongs to, with a
demonym ("the Turkish parliament"), the state's name ("the U.S. Army", "Kosovo police") or a
possessive ("Belarus's foreign ministry"); the nouns are often lower-case. Each such phrase is an
organisation of its own (``partOf`` the state), named "<demonym> <body>": a possessive is
rewritten with the state's demonym so that "Hungary's parliament" and "the Hungarian parliament"
are one entity.

A *strong* head names a body on its own ("army", "parliament", "police"); a *weak* head needs a
modifier between the state and the head ("the Turkish [defence] ministry", "the Kazakh [Security]
Council"), so that "a Turkish court" or "the Israeli ministry" stay unnamed. Modifiers come from
a word list of portfolios and generic qualifiers ("foreign", "defence", "interior", "security",
"national" …), in either case: a phrase with other words ("Iran's Revolutionary Guards", "the U.S.
Environmental Protection Agency") has a proper name of its own, which the tagger finds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.builder.extract.gazetteer import GazEntry
from kg.builder.extract.lexicon import Lexicon, uses
from kg.builder.extract.syntax import tokens_of

STRONG, WEAK, MODIFIERS, FOLLOWERS, NON_STATE = uses(
    "state_body_heads",
    "state_body_weak_heads",
    "state_body_modifiers",
    "state_body_followers",
    "non_state_body_words",
)
_POSSESSIVE = ("'s", "’s", "'", "’")
_INDEFINITE = frozenset({"a", "an", "another", "any", "each", "every", "no", "one"})


@dataclass(frozen=True)
class StateBody:
    """A state body phrase: tokens ``start:end``, its canonical name, and its state."""

    start: int
    end: int
    label: str
    country: GazEntry


@dataclass(frozen=True)
class Owner:
    """A span naming a state, by name or demonym (``start:end``)."""

    start: int
    end: int
    entry: GazEntry


def body_heads(lex: Lexicon) -> tuple[frozenset[str], frozenset[str]]:
    """The strong and weak head nouns (one or two words) of state bodies."""
    return lex.words(STRONG), lex.words(WEAK)


def head_span(tokens: list[Token], t: Token, lex: Lexicon) -> tuple[int, bool] | None:
    """The head phrase ending at ``t``: its start ("air [force]") and whether it is strong.

    ``None`` when ``t`` ends no head phrase.
    """
    strong, weak = body_heads(lex)
    if t.i > 0:
        two = f"{tokens[t.i - 1].lower_} {t.lower_}"
        if two in strong or two in weak:
            return t.i - 1, two in strong
    if t.lower_ in strong or t.lower_ in weak:
        return t.i, t.lower_ in strong
    return None


def heads_noun_phrase(t: Token, lex: Lexicon) -> bool:
    """Whether ``t`` heads its noun phrase, or modifies a title or report of the body.

    "the army [chief]", "the ministry [spokesman]" — not "the parliament [building]".
    """
    if t.pos_ not in ("NOUN", "PROPN"):
        return False
    if t.dep_ in ("compound", "nmod"):
        return t.head.i > t.i and (
            t.head.lower_ in lex.title_vocab or t.head.lower_ in lex.words(FOLLOWERS)
        )
    return t.dep_ != "amod"


def is_modifier(tok: Token, lex: Lexicon) -> bool:
    """A word that may stand between the state and the head: a portfolio or generic qualifier."""
    return tok.lower_ in lex.words(MODIFIERS)


def right_extension(tokens: list[Token], t: Token, lex: Lexicon) -> int:
    """End of "Ministry [of Defence]" or "Ministry [of Foreign Affairs]" after a capitalised head.

    The head's own end when no such tail follows.
    """
    end = t.i + 1
    if not t.text[:1].isupper() or end + 1 >= len(tokens) or tokens[end].lower_ != "of":
        return end
    words = lex.words(MODIFIERS)
    j = end + 1
    while j < len(tokens) and tokens[j].text[:1].isupper() and tokens[j].lower_ in words:
        j += 1
        if j + 1 < len(tokens) and tokens[j].lower_ in ("and", "&") and tokens[j + 1].is_title:
            j += 1
    if tokens[j - 1].lower_ in ("and", "&"):
        j -= 1
    return j if j > end + 1 else end


def find_state_bodies(doc: Doc, owners: Iterable[Owner], lex: Lexicon) -> Iterator[StateBody]:
    """State bodies named through their state (see the module docstring).

    Args:
        doc: The parsed document.
        owners: Spans naming a country (names and demonyms), from the mention finder.
        lex: The lexicon.
    """
    tokens = tokens_of(doc)
    by_end: dict[int, Owner] = {}
    for o in owners:
        by_end.setdefault(o.end, o)
    taken = {i for o in by_end.values() for i in range(o.start, o.end)}
    for t in tokens:
        found = head_span(tokens, t, lex)
        if found is None or not heads_noun_phrase(t, lex):
            continue
        head_start, strong = found
        owner, possessive, j = None, False, head_start
        while j > 0:
            if j in by_end:
                owner = by_end[j]
                break
            if tokens[j - 1].text in _POSSESSIVE and j - 1 in by_end:
                owner, possessive = by_end[j - 1], True
                break
            if j - 1 in taken or not is_modifier(tokens[j - 1], lex):
                break
            j -= 1
        if owner is None:
            continue
        end = right_extension(tokens, t, lex)
        if not strong and j == head_start and end == t.i + 1:
            continue  # "the Israeli ministry": which one?
        before = tokens[owner.start - 1].lower_ if owner.start > 0 else ""
        phrase = t.head if t.dep_ in ("compound", "nmod") else t  # "the Sudanese army chief"
        if before in _INDEFINITE or phrase.left_edge.i > owner.start:
            continue  # "a Turkish court"; or the state is not inside the phrase
        if any(tok.dep_ in ("cc", "conj") for tok in tokens[owner.end : t.i]):
            continue  # "the Iraqi and Kurdish armies"
        yield StateBody(owner.start, end, body_label(doc, owner, j, end, possessive), owner.entry)


def body_label(doc: Doc, owner: Owner, first: int, end: int, possessive: bool) -> str:
    """The name of a state body: as written, or with the demonym for a possessive owner."""
    if possessive and owner.entry.demonyms:
        return f"{demonym_of(owner.entry)} {doc[first:end].text}"
    return doc[owner.start : end].text


def demonym_of(entry: GazEntry) -> str:
    """The state's demonym that shares most with its name ("Taiwanese", not "Formosan")."""
    label = entry.label.lower()

    def shared(d: str) -> int:
        n = 0
        for a, b in zip(label, d.lower(), strict=False):
            if a != b:
                break
            n += 1
        return n

    adjectives = [d for d in entry.demonyms if not d.endswith("s") or d.endswith("ese")]
    return max(adjectives or entry.demonyms, key=lambda d: (shared(d), -entry.demonyms.index(d)))


def state_body_head(name: str, lex: Lexicon) -> bool:
    """Whether a name is headed by a state-body noun.

    "Foreign Ministry", "U.S. District Court", "Ministry of Defence", "Congress of Peru" — not
    "U.S. Steel", "Georgian Dream party", "British Airports Authority Plc" or "Dutch Olympic
    Committee".
    """
    words = name.replace("’", "'").split()
    if any(w.lower() in lex.words(NON_STATE) for w in words):
        return False  # "Dutch Olympic Committee", "Muslim Council of Britain"
    if "of" in words[1:]:
        words = words[: words.index("of", 1)]  # "Ministry of Defence", "Congress of Peru"
    if not words or words[-1].lower().strip(".") in lex.company_suffixes:
        return False
    strong, weak = body_heads(lex)
    last = words[-1].lower()
    two = " ".join(words[-2:]).lower() if len(words) > 1 else ""
    if len(words) == 1:
        return last in strong  # "Congress", not a bare "Office" or "Council"
    return last in strong or last in weak or two in strong or two in weak


def generic_body_name(name: str, lex: Lexicon) -> bool:
    """Whether a state body's name is made only of portfolio words and a head.

    "Interior Ministry", "National Police", "Congress", "Ministry of Defence": such a name, said
    without its state, names a body of the state the article is about.
    """
    words = name.lower().split()
    if not words or not state_body_head(name, lex):
        return False
    tail: list[str] = []
    if "of" in words[1:]:
        cut = words.index("of", 1)
        words, tail = words[:cut], words[cut + 1 :]
    strong, weak = body_heads(lex)
    head = 2 if " ".join(words[-2:]) in strong | weak and len(words) > 1 else 1
    return all(w in lex.words(MODIFIERS) for w in words[:-head] + tail)
