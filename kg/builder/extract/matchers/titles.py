"""Titles of people ("French President X", "X, a spokeswoman for Y", "X took over as chair")."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.guards import cancelled
from kg.builder.extract.relations import Found, title_relation
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.syntax import pobjs
from kg.builder.extract.view import ORG_LIKE, PLACES, DocView
from kg.model import Mention


def title_tokens_left(view: DocView, end: int) -> list[Token]:
    """Title words immediately before token ``end`` ("French [Foreign Minister] X")."""
    doc, vocab = view.doc, view.res.lexicon.title_vocab
    i = end - 1
    out: list[Token] = []

    def part_of_title(j: int) -> bool:
        if doc[j].text in ("-", "–"):  # "Lieutenant-Colonel"
            return j > 0 and doc[j - 1].lower_ in vocab and not doc[j - 1].whitespace_
        return doc[j].lower_ in vocab or doc[j].lower_ == "of"

    while (
        i >= 0
        and part_of_title(i)
        and (view.mention(doc[i]) is None or view.mention(doc[i]).source == "inner")
    ):
        out.insert(0, doc[i])
        i -= 1
    while out and out[0].lower_ in ("of", "new", "top", "senior") and len(out) > 1:
        out.pop(0)  # "new Prime Minister X": the title is "Prime Minister"
    return out


def split_titles(view: DocView, tokens: list[Token]) -> list[str]:
    """Known titles in a run of title words: "Supreme Leader Ayatollah" → both titles.

    Modifiers ("former", "Foreign") stay with the title that follows them.
    """
    titles, mods = view.res.lexicon.titles, view.res.lexicon.title_modifiers
    words = [t.text for t in tokens]

    def written(a: int, b: int) -> str:  # as in the text: "Lieutenant-Colonel", "Prime Minister"
        return "".join(t.text_with_ws for t in tokens[a:b]).strip()

    out: list[str] = []
    pending: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            if written(i, j).lower() in titles or " ".join(words[i:j]).lower() in titles:
                out.append(" ".join(pending + [written(i, j)]))
                pending, i = [], j
                break
        else:
            if words[i].lower() in mods:
                pending.append(words[i])
            i += 1
    return out


def owner_before(view: DocView, i: int) -> Mention | None:
    """Country/organisation just before token ``i``: "French", "Russia's", "the EU's"."""
    doc = view.doc
    j = i - 1
    if j >= 0 and doc[j].text in ("'s", "’s", "'", "’"):
        j -= 1
    if j < 0:
        return None
    m = view.mention(doc[j])
    if m is not None and m.cls in PLACES | ORG_LIKE:
        return m
    return None


def title_phrase(tokens: list[Token]) -> str:
    """The title as written, without a leading "the/a"."""
    return " ".join(t.text for t in tokens if t.lower_ not in ("the", "a", "an"))


def title_owner(view: DocView, noun: Token) -> Mention | None:
    """Whom a title noun is the title for: "spokeswoman for X", "X's minister", "EU envoy"."""
    for c in noun.children:
        if c.dep_ in ("poss", "compound", "nmod", "amod"):
            m = view.mention(c)
            if m is not None and m.cls in PLACES | ORG_LIKE:
                return m
    for p in pobjs(noun, {"for", "of", "at", "to", "in", "with"}):
        m = view.mention(p)
        if m is not None and m.cls in PLACES | ORG_LIKE:
            return m
        for q in pobjs(p, {"of"}):  # "head of the KNB" / "chief of staff of X"
            m = view.mention(q)
            if m is not None and m.cls in PLACES | ORG_LIKE:
                return m
    return None


def title_of_noun(view: DocView, noun: Token) -> str:
    """The title phrase headed by a noun, with its title modifiers ("foreign minister")."""
    mods = [
        c
        for c in noun.subtree
        if c.i < noun.i
        if c.dep_ in ("compound", "amod")
        and view.mention(c) is None
        and (c.lower_ in view.res.lexicon.title_modifiers or title_relation(view, c.text))
    ]
    return title_phrase(sorted(mods + [noun], key=lambda t: t.i))


@MATCHERS("prenominal_title")
def prenominal_title(view: DocView, rule: Rule) -> Iterator[Found]:
    """Titles before a name: "French President Emmanuel Macron", "Russia's Foreign Minister X"."""
    for m in view.index.mentions:
        if m.cls != "Person" or not m.is_name:
            continue
        title = title_tokens_left(view, m.token_start)
        phrases = split_titles(view, title)
        if not phrases:
            continue
        token = view.doc[m.token_start]
        owner = owner_before(view, title[0].i)
        for n, phrase in enumerate(phrases):
            # the owner goes with the last title ("Chad's Interim President and General X")
            last = n == len(phrases) - 1
            yield Found(m, owner if last else None, token, phrase)


@MATCHERS("as_title")
def as_title(view: DocView, rule: Rule) -> Iterator[Found]:
    """Titles taken up: "X took over as chairman of the Security Council"."""
    for m in view.index.mentions:
        if m.cls != "Person" or m.source == "inner":
            continue
        head = view.doc[m.token_end - 1]
        if head.dep_ not in ("nsubj", "nsubjpass"):
            continue
        verb = head.head
        if cancelled(view, verb):
            continue
        for noun in pobjs(verb, {"as"}):
            if view.mention(noun) is not None:
                continue
            phrase = title_of_noun(view, noun)
            if title_relation(view, phrase) is None:
                continue
            yield Found(m, title_owner(view, noun), noun, phrase)


@MATCHERS("appositive_title")
def appositive_title(view: DocView, rule: Rule) -> Iterator[Found]:
    """Titles in apposition: "X, a spokeswoman for Y", "Y's foreign minister, X"."""
    seen: set[tuple[str, int]] = set()
    for m in view.index.mentions:
        if m.cls != "Person" or m.source not in ("ner", "gazetteer", "acronym", "coref"):
            continue
        head = view.doc[m.token_end - 1]
        nouns = [c for c in head.children if c.dep_ == "appos"]
        if head.dep_ == "appos":
            nouns.append(head.head)
        for noun in nouns:
            if (m.key, noun.i) in seen or view.mention(noun) is not None:
                continue
            phrase = title_of_noun(view, noun)
            if title_relation(view, phrase) is None:
                continue
            seen.add((m.key, noun.i))
            yield Found(m, title_owner(view, noun), noun, phrase)
