"""Run the relation and title rules over a document: matches → guards → entities → facts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Token

from kg.builder.extract.rules import Hit, Rule, passes, resolve_role, run_python
from kg.builder.extract.view import DocView
from kg.model import Attribute, Mention, Relation


@dataclass(frozen=True)
class Found:
    """What one rule found in one sentence.

    Attributes:
        subject: The subject entity (for titles: the person).
        object: The object entity; for titles, the body or state the title is for (or None).
        anchor: The token whose sentence is the evidence.
        title: For titles, the title as written ("Foreign Minister").
    """

    subject: Mention
    object: Mention | None
    anchor: Token
    title: str = ""


def title_relation(view: DocView, phrase: str) -> str | None:
    """The relation a title implies, by its longest known suffix ("foreign minister")."""
    titles = view.res.lexicon.titles
    words = phrase.lower().split()
    for i in range(len(words)):
        cand = " ".join(words[i:])
        if cand in titles:
            return titles[cand]
    return None


def pattern_found(view: DocView, hit: Hit) -> Iterator[Found]:
    """The subject × object pairs of a pattern match."""
    rule = hit.rule
    subjects = resolve_role(view, hit, rule.roles["subject"])
    objects = resolve_role(view, hit, rule.roles["object"])
    for s in subjects:
        for o in objects:
            yield Found(s, o, hit.anchor)


def rule_found(view: DocView, rule: Rule, hits: Iterable[Hit]) -> Iterator[Found]:
    """Everything one rule finds in a document, guards applied."""
    if rule.matcher == "python":
        for found in run_python(view, rule):
            if passes(view, Hit(rule, {"anchor": found.anchor})):
                yield found
        return
    for hit in hits:
        if passes(view, hit):
            yield from pattern_found(view, hit)


def extract_relations(view: DocView) -> tuple[list[Relation], list[Attribute]]:
    """Run every relation and title rule, in rule order; one fact per triple and sentence."""
    relations: dict[tuple, Relation] = {}
    attributes: dict[tuple, Attribute] = {}
    hits = view.res.rules.hits(view.doc)
    for rule in view.res.rules.of_kind("relation", "title"):
        for f in rule_found(view, rule, hits.get(rule.id, ())):
            evidence = view.evidence(f.anchor, rule.id, rule.confidence)
            if rule.kind == "title":
                attributes.setdefault(
                    (f.subject.key, "title", f.title.lower()),
                    Attribute(f.subject.key, "title", f.title, evidence),
                )
                prop = title_relation(view, f.title)
                if f.object is None or prop is None:
                    continue
                triple = (f.subject.key, prop, f.object.key)
            else:
                triple = (f.subject.key, rule.emit, f.object.key)
            if triple[0] != triple[2]:
                relations.setdefault((*triple, evidence.start), Relation(*triple, evidence))
    return list(relations.values()), list(attributes.values())
