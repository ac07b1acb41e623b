"""Run the relation and title rules over a document: matches → guards → entities → facts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.tokens import Token

from kg.builder.extract.lexicon import uses
from kg.builder.extract.rules import Hit, Rule, passes, resolve_role, run_python
from kg.builder.extract.view import DocView
from kg.model import Attribute, Mention, Relation

PAST, DEPUTY, STATE_LEADERS, NOT_OF_STATE, PRIVATE = uses(
    "past_title_markers",
    "deputy_title_markers",
    "state_leader_titles",
    "non_state_leader_markers",
    "private_titles",
)


@dataclass(frozen=True)
class Found:
    """What one rule found in one sentence.

    Attributes:
        subject: The subject entity (for titles: the person).
        object: The object entity; for titles, the body or state the title is for (or None).
        anchor: The token whose sentence is the evidence.
        title: For titles, the title as written ("Foreign Minister").
        of_body: For titles, the title is held in a body of the object ("Chinese foreign ministry
            spokesman", "France's armed forces chief") or is one of many ("a director of X"):
            its holder works for the object.
    """

    subject: Mention
    object: Mention | None
    anchor: Token
    title: str = ""
    of_body: bool = False


def title_relation(view: DocView, phrase: str) -> str | None:
    """The relation a title implies, by its longest known suffix ("foreign minister")."""
    titles = view.res.lexicon.titles
    words = phrase.lower().split()
    for i in range(len(words)):
        cand = " ".join(words[i:])
        if cand in titles:
            return titles[cand]
    return None


def title_words(title: str) -> list[str]:
    """The words of a title, hyphenated parts apart ("ex-President" → ex, president)."""
    return title.lower().replace("-", " ").split()


def held_no_more(view: DocView, title: str) -> bool:
    """A title held no more or not yet: "former President", "the late king", "president-elect"."""
    return bool(set(title_words(title)) & view.words(PAST))


def title_property(view: DocView, found: Found) -> str | None:
    """The relation a title gives its holder with the body or state it is for, if any.

    - A title held no more or not yet ("former", "late", "-elect") gives none.
    - A deputy ("deputy prime minister", "vice-chairman") works for the body; he does not lead it.
    - A state is led only by its head of state or government ("President", "Prime Minister",
      "King", "leader"); its commanders, governors and chiefs work for it, and an opposition
      leader leads no state.
    - A title in a body of the object ("foreign ministry spokesman") works for the object.
    - A place is led (a mayor, a governor) but employs nobody; an analyst or an executive with a
      nationality ("West German analyst X") works for no state.
    """
    prop = title_relation(view, found.title)
    if prop is None or found.object is None or held_no_more(view, found.title):
        return None
    words = title_words(found.title)
    if found.object.cls == "Location" and prop != "leaderOf":
        return None  # "assistant secretary for Africa", "Senator X of Ohio": no employer
    private = ends_with(" ".join(words), view.words(PRIVATE))
    if found.object.cls == "Country" and private and not is_state_leader(view, words):
        return None  # "West German analyst X" is from the state, not in its service
    if prop == "leaderOf" and set(words) & view.words(DEPUTY):
        return "worksFor"
    if (
        prop == "leaderOf"
        and found.object.cls == "Country"
        and set(words) & view.words(NOT_OF_STATE)
    ):
        return None  # "Britain's opposition leader": he leads a party, not the state
    if prop == "leaderOf" and (found.of_body or found.object.cls == "Country"):
        if found.of_body or not is_state_leader(view, words):
            return "worksFor"
    return prop


def is_state_leader(view: DocView, words: list[str]) -> bool:
    """Whether a title's words name a head of state or government ("Prime Minister", "King")."""
    return ends_with(" ".join(words), view.words(STATE_LEADERS))


def ends_with(phrase: str, titles: frozenset[str]) -> bool:
    """Whether a title phrase is, or ends with, one of ``titles`` ("interim president")."""
    return any(phrase == t or phrase.endswith(" " + t) for t in titles)


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
    hits = view.hits
    for rule in view.res.rules.of_kind("relation", "title"):
        for f in rule_found(view, rule, hits.get(rule.id, ())):
            evidence = view.evidence(f.anchor, rule.id, rule.confidence)
            if rule.kind == "title":
                attributes.setdefault(
                    (f.subject.key, "title", f.title.lower()),
                    Attribute(f.subject.key, "title", f.title, evidence),
                )
                prop = title_property(view, f)
                if prop is None:
                    continue
                triple = (f.subject.key, prop, f.object.key)
            else:
                triple = (f.subject.key, rule.emit, f.object.key)
            if triple[0] != triple[2]:
                relations.setdefault((*triple, evidence.start), Relation(*triple, evidence))
    return list(relations.values()), list(attributes.values())
