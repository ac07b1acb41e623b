"""Membership: "Estonia, a member of NATO", "NATO members Poland and Latvia", "made up of"."""

from __future__ import annotations

from collections.abc import Iterator

from kg.builder.extract.guards import cancelled
from kg.builder.extract.lexicon import uses
from kg.builder.extract.relations import Found
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.syntax import governing_verb, group, pobjs
from kg.builder.extract.view import ORG_LIKE, DocView

MEMBERS, COMPOSITION = uses("member_nouns", "composition_verbs")


@MATCHERS("member_of")
def member_of(view: DocView, rule: Rule) -> Iterator[Found]:
    """Member nouns: "Estonia, a member of NATO", "NATO members Poland and Latvia"."""
    member_nouns = view.words(MEMBERS)
    for noun in view.tokens:
        if noun.lower_ not in member_nouns or noun.pos_ not in ("NOUN", "PROPN"):
            continue
        orgs = view.mentions_in(pobjs(noun, {"of"}), {"Organization"})
        orgs += view.mentions_in(
            [c for c in noun.children if c.dep_ in ("compound", "poss", "nmod")],
            {"Organization"},
        )
        if not orgs:
            continue
        tokens = [c for c in noun.children if c.dep_ == "appos"]
        for p in pobjs(noun, {"of"}):
            tokens += [c for c in p.children if c.dep_ == "appos"]
        start = min([c.i for c in noun.lefts] + [noun.i])
        after_comma = start > 0 and view.doc[start - 1].text == ","
        if noun.dep_ == "appos" or (noun.dep_ == "conj" and after_comma):
            tokens.append(noun.head)  # "Poland and Latvia, alliance members"
        if noun.dep_ == "attr":
            tokens += [c for c in noun.head.children if c.dep_ == "nsubj"]
        members = view.mentions_in([x for t in tokens for x in group(t)], {"Country"} | ORG_LIKE)
        verb = governing_verb(noun)
        if verb is not None and cancelled(view, verb):
            continue
        for org in orgs:
            for member in members:
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
        orgs = view.mentions_in(org_tokens, {"Organization"})
        parts = pobjs(verb, {"of"}) + [c for c in verb.children if c.dep_ == "dobj"]
        members = view.mentions_in([x for t in parts for x in group(t)], {"Country"})
        if cancelled(view, verb):
            continue
        for org in orgs:
            for member in members:
                yield Found(member, org, verb)
