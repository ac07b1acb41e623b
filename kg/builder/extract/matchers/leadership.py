"""Who leads what: "the Saudi-led coalition", "led by X", "under the command of X"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.guards import cancelled
from kg.builder.extract.lexicon import uses
from kg.builder.extract.relations import Found
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.syntax import (
    RELATIVE_PRONOUNS,
    governing_verb,
    group,
    pobjs,
    subject_tokens,
)
from kg.builder.extract.view import ORG_LIKE, DocView
from kg.model import Mention

LEAD, LEADERSHIP, HOLDING, COMMAND = uses(
    "lead_verbs", "leadership_nouns", "holding_verbs", "command_titles"
)
#: Who can lead a body.
ACTORS_LEADING = frozenset({"Country", "Person", "Organization"})


def x_led(view: DocView) -> Iterator[tuple[Mention, Mention, Token]]:
    """``(leader, led, token)`` of "X-led" modifiers ("the Saudi-led coalition")."""
    doc = view.doc
    for t in view.tokens:
        low = t.lower_
        if low == "led" and t.i >= 2 and doc[t.i - 1].text in ("-", "–"):
            leader = view.mention(doc[t.i - 2])
        elif low.endswith("-led") and len(low) > 4:
            leader = view.mention(t)
        else:
            continue
        led = view.mention(t.head)
        if leader is None or led is None or led.cls not in ORG_LIKE or t.head.i < t.i:
            continue  # the led body follows: "the Saudi-led coalition"
        if (
            led.source == "coref"
            and led.cls != "MilitaryForce"
            and view.res.gazetteer.get(led.key) is None
        ):
            continue  # "a Russia-led alliance" may be the CSTO; "a US-led coalition" no cabinet
        yield leader, led, t


@MATCHERS("x_led_country")
def x_led_country(view: DocView, rule: Rule) -> Iterator[Found]:
    """A state leads a body: "the Saudi-led coalition" (ledBy)."""
    for leader, led, t in x_led(view):
        if leader.cls == "Country":
            yield Found(led, leader, t)


@MATCHERS("lead_nation")
def lead_nation(view: DocView, rule: Rule) -> Iterator[Found]:
    """A lead nation contributes to the force it leads: "the Kenyan-led force"."""
    for leader, led, t in x_led(view):
        if leader.cls == "Country" and led.cls == "MilitaryForce":
            yield Found(leader, led, t)


@MATCHERS("x_led_person")
def x_led_person(view: DocView, rule: Rule) -> Iterator[Found]:
    """A person leads a body: "the Prigozhin-led group" (leaderOf)."""
    for leader, led, t in x_led(view):
        if leader.cls == "Person":
            yield Found(leader, led, t)


def led_by_verb(view: DocView) -> Iterator[tuple[Mention, Mention, Token]]:
    """``(agent, led, verb)`` of "led/commanded by X" and "X leads Y".

    Relative clauses and appositions count: "X, who leads Y", "Y, which X heads", "the movement
    that X leads", "Y, a party led by X", "X, a former minister who heads Y".
    """
    lead = view.words(LEAD)
    for verb in view.tokens:
        if verb.lemma_.lower() not in lead or verb.pos_ != "VERB" or cancelled(view, verb):
            continue
        agents = view.mentions_in(pobjs(verb, {"by"}), {"Country", "Person", "Organization"})
        if agents:  # passive: "Y is led by X", "Y, led by X", "Y is based in Z and led by X"
            led_tokens = [c for c in verb.children if c.dep_ == "nsubjpass"]
            if verb.dep_ in ("acl", "relcl"):
                led_tokens.append(verb.head)
            elif not led_tokens and verb.dep_ == "conj":
                led_tokens = subject_tokens(verb)
        else:  # active: "X leads Y", "X, who leads Y", "the movement that X leads"
            agents = view.mentions_in(_named(view, subject_tokens(verb)), ACTORS_LEADING)
            led_tokens = [c for c in verb.children if c.dep_ == "dobj"]
            if verb.dep_ == "relcl" and any(t.lower_ in RELATIVE_PRONOUNS for t in led_tokens):
                led_tokens = [verb.head]
        led = view.mentions_in([x for t in _named(view, led_tokens) for x in group(t)], ORG_LIKE)
        for thing in led:
            for agent in agents:
                if agent.key != thing.key:
                    yield agent, thing, verb


def _named(view: DocView, tokens: list[Token]) -> list[Token]:
    """Tokens, with the name a descriptive noun is in apposition to ("Y, a party led by X")."""
    out = list(tokens)
    for t in tokens:
        if view.mention(t) is None and t.dep_ == "appos" and t.head not in out:
            out.append(t.head)
    return out


@MATCHERS("led_by_country")
def led_by_country(view: DocView, rule: Rule) -> Iterator[Found]:
    """A state leads a body: "the mission is led by Kenya" (ledBy)."""
    for agent, thing, verb in led_by_verb(view):
        if agent.cls == "Country":
            yield Found(thing, agent, verb)


@MATCHERS("led_by_person")
def led_by_person(view: DocView, rule: Rule) -> Iterator[Found]:
    """A person leads a body: "the force, commanded by General X" (leaderOf)."""
    for agent, thing, verb in led_by_verb(view):
        if agent.cls == "Person":
            yield Found(agent, thing, verb)


@MATCHERS("under_command")
def under_command(view: DocView, rule: Rule) -> Iterator[Found]:
    """A commander: "F will be run ... under the command of General X"."""
    for noun in view.tokens:
        if noun.lower_ not in ("command", "leadership") or noun.dep_ != "pobj":
            continue
        if noun.head.lower_ != "under":
            continue
        people = view.mentions_in(pobjs(noun, {"of"}), {"Person"})
        verb = governing_verb(noun.head)
        if not people or verb is None or cancelled(view, verb):
            continue
        for force in (m for m in view.subjects(verb) if m.cls in ORG_LIKE):
            for person in people:
                yield Found(person, force, noun)


@MATCHERS("holds_leadership")
def holds_leadership(view: DocView, rule: Rule) -> Iterator[Found]:
    """Holders of a body's chair: "X, holder of the group's rotating chair"."""
    nouns, verbs = view.words(LEADERSHIP), view.words(HOLDING)
    for noun in view.tokens:
        if noun.lower_ not in nouns or noun.dep_ not in ("dobj", "pobj"):
            continue
        verb = governing_verb(noun)
        if verb is None or verb.lemma_.lower() not in verbs or cancelled(view, verb):
            continue
        owners = view.mentions_in([c for c in noun.children if c.dep_ == "poss"], ORG_LIKE)
        owners += view.mentions_in(pobjs(noun, {"of"}), ORG_LIKE)
        for person in (m for m in view.subjects(verb) if m.cls == "Person"):
            for org in owners:
                yield Found(person, org, noun)


def _command_owner(view: DocView, noun: Token) -> Mention | None:
    """The force a command title is for: "the force's commander", "commander of KFOR"."""
    for c in noun.children:
        m = view.mention(c)
        if c.dep_ in ("poss", "compound") and m is not None and m.cls == "MilitaryForce":
            return m
    for m in view.mentions_in(pobjs(noun, {"of"}), {"MilitaryForce"}):
        return m
    return None


@MATCHERS("force_commander")
def force_commander(view: DocView, rule: Rule) -> Iterator[Found]:
    """A force's commander named beside the title.

    "the force's commander, General X", "General X, the commander of KFOR".
    """
    titles = view.words(COMMAND)
    for m in view.index.mentions:
        if m.cls != "Person" or not m.is_name:
            continue
        head = view.doc[m.token_end - 1]
        nouns = [c for c in head.children if c.dep_ == "appos"]
        if head.dep_ == "appos":
            nouns.append(head.head)
        for noun in nouns:
            if noun.lower_ not in titles or view.mention(noun) is not None:
                continue
            if any(c.lower_ in ("former", "ex", "late", "previous") for c in noun.children):
                continue  # "former commander of the corps"
            force = _command_owner(view, noun)
            if force is not None:
                yield Found(m, force, noun)


@MATCHERS("force_led_by_person")
def force_led_by_person(view: DocView, rule: Rule) -> Iterator[Found]:
    """A force is led by its commander: "the mission is led by General X" (ledBy)."""
    for agent, thing, verb in led_by_verb(view):
        if agent.cls == "Person" and thing.cls == "MilitaryForce":
            yield Found(thing, agent, verb)
