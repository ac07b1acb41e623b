"""Guards: named checks a rule's match must pass (negation, modality, refusal …)."""

from __future__ import annotations

from spacy.tokens import Token

from kg.builder.extract.lexicon import uses
from kg.builder.extract.rules import GUARDS, Hit
from kg.builder.extract.syntax import clause_chain, governing_verb
from kg.builder.extract.view import DocView

NEGATORS, MODALS, BLOCKING = uses("negators", "modals", "blocking_verbs")


def cancelled(view: DocView, verb: Token) -> bool:
    """Whether a predicate is negated, modal, or governed by refusal/consideration verbs.

    "did not send", "may deploy", "refused to join", "is considering sending": the clause and
    the clauses above it up to four steps are read.
    """
    neg, modals, blocking = view.words(NEGATORS), view.words(MODALS), view.words(BLOCKING)
    below: Token | None = None
    for t in clause_chain(verb):
        for c in t.children:
            if c.dep_ == "neg" or (c.dep_ in ("advmod", "det") and c.lower_ in neg):
                return True
            if c.dep_ == "aux" and c.lower_ in modals:
                return True
        # "is expected to X and will be Y": Y is said, not expected
        coordinated = below is not None and below.dep_ == "conj" and below.head.i == t.i
        if t.i != verb.i and t.lemma_.lower() in blocking and not coordinated:
            return True
        below = t
    return False


@GUARDS("asserted")
def asserted(view: DocView, hit: Hit) -> bool:
    """The clause of the anchor is not negated, modal or governed by a refusal verb."""
    verb = governing_verb(hit.anchor)
    return verb is None or not cancelled(view, verb)


@GUARDS("asserted_here")
def asserted_here(view: DocView, hit: Hit) -> bool:
    """The anchor itself (a verb) is not negated, modal or governed by a refusal verb."""
    return not cancelled(view, hit.anchor)


@GUARDS("not_a_name")
def not_a_name(view: DocView, hit: Hit) -> bool:
    """The anchor is no part of a name ("the Summit Group" holds no summit)."""
    return view.mention(hit.anchor) is None
