"""Membership: "Estonia, a member of NATO", "the bloc's six members", "X joined NATO"."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.guards import cancelled
from kg.builder.extract.lexicon import uses
from kg.builder.extract.relations import Found
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.syntax import (
    RELATIVE_PRONOUNS,
    children,
    governing_verb,
    group,
    pobjs,
    subject_tokens,
)
from kg.builder.extract.view import ORG_LIKE, DocView
from kg.model import Mention

MEMBERS, COMPOSITION, MEMBER_HEADS, NOT_MEMBERS, JOINING, FOUNDING, BLOC_HEADS = uses(
    "member_nouns",
    "composition_verbs",
    "member_group_nouns",
    "not_member_modifiers",
    "joining_verbs",
    "membership_founding_verbs",
    "bloc_name_heads",
)
#: Members of a body: states, and bodies (OPEC in OPEC+).
MEMBER_CLASSES = frozenset({"Country", "Organization"})
#: Words that pick some members out of a list ("two of the bloc's members, A and B").
QUANTIFIERS = frozenset({"some", "several", "many", "most", "all", "both", "each", "one", "two"})
#: Auxiliaries of a membership still to come ("will join", "would join").
FUTURE = frozenset({"will", "would", "shall", "'ll", "to"})


def is_body(view: DocView, m: Mention) -> bool:
    """Whether states can belong to an organisation.

    Not a state's own body, a company, nor a title the tagger took for an organisation ("Ivory
    Coast President").
    """
    words = m.label.lower().replace(".", "").split()
    lex = view.res.lexicon
    return (
        m.cls == "Organization"
        and m.source != "state-body"
        and bool(words)
        and words[-1] not in lex.titles
        and words[-1] not in lex.company_suffixes
    )


def bloc_like(view: DocView, m: Mention) -> bool:
    """Whether an organisation is one that states belong to.

    An international body of the gazetteer, or a name headed "… Alliance", "… Forum" ….
    """
    entry = view.res.gazetteer.get(m.key)
    if entry is not None:
        return entry.cls == "Organization" and not entry.part_of
    words = m.label.lower().split()
    return len(words) > 1 and words[-1] in view.words(BLOC_HEADS)


def member_mentions(view: DocView, tokens: list[Token]) -> list[Mention]:
    """States and bodies at the tokens and everything coordinated or in apposition with them."""
    return view.mentions_in([x for t in tokens for x in group(t)], MEMBER_CLASSES)


def focus_body(view: DocView) -> Mention | None:
    """The body an article is about.

    The bloc-like organisation (:func:`bloc_like`) named or referred to most often, at least
    twice and more than any other.
    """
    counts: Counter[str] = Counter()
    first: dict[str, Mention] = {}
    for m in view.index.mentions:
        if not is_body(view, m) or not bloc_like(view, m):
            continue
        counts[m.key] += 1
        first.setdefault(m.key, m)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return first[ranked[0][0]]


def bodies_named(view: DocView, phrase: Token, noun: Token) -> list[Mention]:
    """The bodies a member phrase names.

    "members of [NATO]", "[NATO] members", "the [bloc]'s members", "[EU] member states".
    """
    tokens = pobjs(phrase, {"of"}) + pobjs(noun, {"of"})
    for t in {phrase, noun}:
        tokens += children(t, ("compound", "poss", "nmod"))
    return [m for m in view.mentions_in(tokens, ORG_LIKE) if is_body(view, m)]


def listed_members(view: DocView, phrase: Token) -> tuple[list[Mention], bool]:
    """The states or bodies a member phrase is said of, and whether it is predicated of them.

    A predicate ("X is a member of Y") is cancelled by the negation or modality of its clause;
    an apposition is not ("Hungary, an EU member, declined to …").

    Appositions ("NATO members Poland and Latvia", "Poland and Latvia, alliance members", "Two of
    the bloc's members, A and B"), lists ("member states including A and B", "Of the bloc's
    members, A and B said …") and predicates ("X is a member of", "X, as a member of",
    "becoming the alliance's 32nd member").
    """
    doc = view.doc
    tokens = children(phrase, ("appos",))
    listed = [a for p in pobjs(phrase, {"of"}) for a in children(p, ("appos",))]
    states = view.mentions_in([x for t in listed for x in group(t)], {"Country"})
    if states:  # "the members of the G5 group - A, B and C" (not the body's own acronym)
        return states, False
    for prep in children(phrase, ("prep",)):
        such_as = prep.lower_ == "as" and doc[prep.i - 1].lower_ == "such"
        if prep.lower_ in ("including", "like") or such_as:
            tokens += children(prep, ("pobj",))
    start = phrase.left_edge.i
    after_comma = start > 0 and doc[start - 1].text == ","
    if phrase.dep_ == "appos" or (phrase.dep_ == "conj" and after_comma):
        tokens.append(phrase.head)  # "Poland and Latvia, alliance members"
    up = phrase.head
    if phrase.dep_ == "pobj" and up.lower_ == "of":
        owner = up.head
        if owner.pos_ == "NUM" or owner.lower_ in QUANTIFIERS:
            tokens += [  # "Two of the bloc's members, A and B"
                c
                for c in children(owner, ("appos", "conj"))
                if c.dep_ == "appos" or doc[c.left_edge.i - 1].text == ","
            ]
        elif owner.pos_ in ("VERB", "AUX"):  # "Of the bloc's members, A and B said"
            tokens += [t for t in subject_tokens(owner) if t.i > phrase.i]
    members = member_mentions(view, tokens)
    if members:
        return members, False
    if phrase.dep_ in ("attr", "oprd"):
        return [m for m in view.subjects(up) if m.cls in MEMBER_CLASSES], True
    if phrase.dep_ == "pobj" and up.lower_ == "as":  # "Chile, as a member of the ICC"
        if up.i >= 2 and doc[up.i - 1].text == ",":
            before = view.mentions_in([doc[up.i - 2]], MEMBER_CLASSES)
            if before:
                return before, False
        verb = governing_verb(up)
        if verb is not None:
            return [m for m in view.subjects(verb) if m.cls in MEMBER_CLASSES], False
    return [], False


def not_a_member(noun: Token, phrase: Token, view: DocView) -> bool:
    """Members to be, or no longer: "former", "prospective", "candidate", "would-be" members."""
    mods = {c.lower_ for t in {noun, phrase} for c in t.children if c.dep_ in ("amod", "compound")}
    return bool(mods & view.words(NOT_MEMBERS))


@MATCHERS("member_of")
def member_of(view: DocView, rule: Rule) -> Iterator[Found]:
    """Member nouns: "Estonia, a member of NATO", "the bloc's members, A and B".

    Also "NATO members Poland and Latvia" and "member states including A and B"; without a body
    named, the body the article is about ("The five current members, A, B and C, agreed").
    """
    member_nouns = view.words(MEMBERS)
    heads = view.words(MEMBER_HEADS)
    focus: Mention | None | bool = False
    for noun in view.tokens:
        if noun.lower_ not in member_nouns or noun.pos_ not in ("NOUN", "PROPN"):
            continue
        phrase = noun
        if noun.dep_ == "compound" and noun.head.lemma_.lower() in heads:
            phrase = noun.head  # "member states"
        if not_a_member(noun, phrase, view):
            continue
        members, predicated = listed_members(view, phrase)
        if not members:
            continue
        if predicated and cancelled(view, phrase.head):
            continue  # "Norway is no member of the bloc"
        orgs = bodies_named(view, phrase, noun)
        if not orgs and not pobjs(phrase, {"of"}):
            focus = focus_body(view) if focus is False else focus
            orgs = [focus] if isinstance(focus, Mention) else []
        for org in orgs:
            for member in members:
                if member.cls == "Organization" and not bloc_like(view, org):
                    continue  # "X Corp, a member of the Y group": firms, not a bloc's members
                if member.key != org.key:
                    yield Found(member, org, noun)


@MATCHERS("made_up_of")
def made_up_of(view: DocView, rule: Rule) -> Iterator[Found]:
    """Composition verbs: "the bloc, which groups A, B and C", "made up of A and B"."""
    composition = view.words(COMPOSITION)
    for verb in view.tokens:
        if verb.lemma_.lower() not in composition or verb.pos_ != "VERB":
            continue
        if verb.lemma_.lower() == "make" and not any(c.lower_ == "up" for c in verb.children):
            continue
        org_tokens = (
            [verb.head]
            if verb.dep_ in ("acl", "relcl")
            else [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        )
        orgs = [
            m
            for m in view.mentions_in(org_tokens, {"Organization"})
            if is_body(view, m) and bloc_like(view, m)
        ]
        parts = pobjs(verb, {"of"}) + [c for c in verb.children if c.dep_ == "dobj"]
        members = view.mentions_in([x for t in parts for x in group(t)], {"Country"})
        if cancelled(view, verb):
            continue
        for org in orgs:
            for member in members:
                yield Found(member, org, verb)


def settled(verb: Token) -> bool:
    """A verb that reports something done, not planned: "joined", "has joined", "joins"."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP", "VBN") or verb.dep_ == "xcomp":
        return False
    return not any(c.dep_ == "aux" and c.lower_ in FUTURE for c in verb.children)


@MATCHERS("joined")
def joined(view: DocView, rule: Rule) -> Iterator[Found]:
    """Joining a body: "Sweden joined NATO".

    "The bloc was set up by …, and Peru and Chile later joined as full members": the body of the
    clause it is coordinated with.
    """
    joining = view.words(JOINING)
    for verb in view.tokens:
        if verb.lemma_.lower() not in joining or verb.pos_ != "VERB" or not settled(verb):
            continue
        if cancelled(view, verb):
            continue
        objects = children(verb, ("dobj",))
        bodies = [  # a named body: "joined the splinter group" names none
            b
            for b in view.mentions_in([x for t in objects for x in group(t)], {"Organization"})
            if b.is_name
        ]
        if (
            not objects
            and verb.dep_ == "conj"
            and any(p.lower_ == "as" for p in children(verb, ("prep",)))
        ):
            bodies = view.subjects(verb.head)
        members = [m for m in view.subjects(verb) if m.cls in MEMBER_CLASSES]
        for body in (b for b in bodies if is_body(view, b)):
            for member in members:
                if member.key != body.key:
                    yield Found(member, body, verb)


@MATCHERS("founding_members")
def founding_members(view: DocView, rule: Rule) -> Iterator[Found]:
    """Founders are members: "The Andean group was founded in 1969 by Bolivia, Chile and Peru"."""
    founding = view.words(FOUNDING)
    for verb in view.tokens:
        if verb.lemma_.lower() not in founding or verb.pos_ != "VERB" or cancelled(view, verb):
            continue
        bodies = view.mentions_in(children(verb, ("nsubjpass",)), {"Organization"})
        founders = [
            m for m in view.mentions_in(pobjs(verb, {"by"}), {"Country"}) if m.cls == "Country"
        ]
        for body in (b for b in bodies if is_body(view, b)):
            for founder in founders:
                yield Found(founder, body, verb)


@MATCHERS("belongs_to")
def belongs_to(view: DocView, rule: Rule) -> Iterator[Found]:
    """Belonging to a body: "the forum, to which A and B belong", "X belongs to the alliance"."""
    for verb in view.tokens:
        if verb.lemma_.lower() != "belong" or verb.pos_ != "VERB" or cancelled(view, verb):
            continue
        targets = pobjs(verb, {"to"})
        if any(t.lower_ in RELATIVE_PRONOUNS for t in targets) and verb.dep_ == "relcl":
            head = verb.head
            targets = [head] + ([head.head] if head.dep_ == "appos" else [])
        bodies = [m for m in view.mentions_in(targets, {"Organization"}) if is_body(view, m)]
        members = [m for m in view.subjects(verb) if m.cls in MEMBER_CLASSES]
        for body in bodies[:1]:
            for member in members:
                if member.key != body.key:
                    yield Found(member, body, verb)
