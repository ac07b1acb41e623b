"""Forces: who contributes to them, who fields them, where they are deployed."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.forces import force_owner
from kg.builder.extract.guards import cancelled
from kg.builder.extract.lexicon import uses
from kg.builder.extract.relations import Found
from kg.builder.extract.rules import MATCHERS, TAKES, Role, Rule
from kg.builder.extract.syntax import governing_verb, group, pobjs
from kg.builder.extract.view import ORG_LIKE, PLACES, DocView
from kg.model import Mention

CONTRIBUTE, DEPLOY, FIELDING, CONTRIBUTORS, FOUNDING = uses(
    "contribute_verbs", "deploy_verbs", "fielding_verbs", "contributor_nouns", "founding_verbs"
)


def sentence_force(view: DocView, token: Token) -> Mention | None:
    """The force a sentence talks about: a force mention in it, else the article's only force."""
    sent = token.sent
    best: Mention | None = None
    for m in view.index.mentions:
        if m.cls == "MilitaryForce" and sent.start <= m.token_start < sent.end:
            if best is None or abs(m.token_start - token.i) < abs(best.token_start - token.i):
                best = m
    if best is not None:
        return best
    forces = {m.key for m in view.index.mentions if m.cls == "MilitaryForce"}
    return view.index.before(sent.start, {"MilitaryForce"}) if len(forces) == 1 else None


def exercises(view: DocView) -> Iterator[Mention]:
    """Forces that are named exercises ("the Sabre-2022 exercises", "Exercise Trident")."""
    nouns = view.res.lexicon.exercise_nouns
    for m in view.index.mentions:
        if m.cls == "MilitaryForce" and m.is_name:
            head = view.doc[m.token_end - 1].head
            if m.source == "exercise" or head.lemma_.lower() in nouns or head.lower_ in nouns:
                yield m


def force_target(view: DocView, noun: Token, fallback: bool = True) -> Mention | None:
    """The force that units ``noun`` belong to: the noun itself, "as part of F", "under F".

    With ``fallback``, a sentence that names no force refers to the article's only force.
    """
    m = view.mention(noun)
    if m is not None and m.cls == "MilitaryForce":
        return m
    verb = governing_verb(noun)
    for anchor in (noun, verb):
        if anchor is None:
            continue
        for p in pobjs(anchor, {"to", "under", "with", "in", "into", "among", "for"}):
            pm = view.mention(p) or view.compound_mention(p)
            if pm is not None and pm.cls == "MilitaryForce":
                return pm
        for p in pobjs(anchor, {"as"}):
            for q in pobjs(p, {"of"}):
                qm = view.mention(q)
                if qm is not None and qm.cls == "MilitaryForce":
                    return qm
    if verb is not None:  # "joined the ECOWAS mission", "staged joint drills"
        for obj in (c for c in verb.children if c.dep_ == "dobj"):
            om = view.mention(obj) or view.compound_mention(obj)
            if om is not None and om.cls == "MilitaryForce":
                return om
            if obj.lemma_.lower() in view.res.lexicon.exercise_nouns:
                drills = {m.key: m for m in exercises(view)}
                if len(drills) == 1:
                    return next(iter(drills.values()))
    return sentence_force(view, noun) if fallback else None


@MATCHERS("units_from")
def units_from(view: DocView, rule: Rule) -> Iterator[Found]:
    """Units from countries: "military units from Ghana, Senegal and Togo are among the forces"."""
    for noun in view.force_units:
        froms = pobjs(noun, {"from"})
        members = [q for p in froms for q in group(p) + pobjs(p, {"of"})]
        countries = view.mentions_in(
            froms + members + [c for p in froms for c in p.children if c.dep_ == "appos"],
            {"Country"},
        )
        if not countries:
            continue
        verb = governing_verb(noun)
        if verb is not None and cancelled(view, verb):
            continue
        force = force_target(view, noun)
        if force is None:
            continue
        for c in countries:
            yield Found(c, force, noun)


def demonym_run(view: DocView, noun: Token) -> list[Mention]:
    """Demonyms before a unit noun: "Ghanaian, Senegalese and Togolese units"."""
    doc = view.doc
    out: list[Mention] = []
    i = noun.i - 1
    while i >= noun.sent.start:
        t = doc[i]
        m = view.mention(t)
        if m is not None and m.cls == "Country" and not m.is_name:
            out.append(m)
        elif (
            m is not None
            and m.cls == "Country"
            and t.pos_ == "PROPN"
            and t.dep_ in ("compound", "nmod", "amod")
        ):
            out.append(m)
        elif not (
            t.is_punct
            or t.lower_ in ("and", "or")
            or t.pos_ == "ADJ"
            or t.lower_ in view.res.lexicon.force_modifiers
        ):
            break
        i -= 1
    keys: dict[str, Mention] = {}
    for m in out:
        keys.setdefault(m.key, m)
    return list(keys.values())


@MATCHERS("demonym_units")
def demonym_units(view: DocView, rule: Rule) -> Iterator[Found]:
    """Units named by nationality: "Senegalese troops", "the Emirati contingent"."""
    for noun in view.force_units:
        own = view.mention(noun)
        countries = demonym_run(view, noun)
        if not countries:
            continue
        verb = governing_verb(noun)
        if verb is not None and cancelled(view, verb):
            continue
        force = force_target(view, noun, fallback=False)
        if force is None or (
            own is not None and own.cls == "MilitaryForce" and own.key != force.key
        ):
            continue
        for c in countries:
            yield Found(c, force, noun)


def explicit_force(view: DocView, verb: Token, obj: Token) -> Mention | None:
    """The force named by a verb's object: the object itself or "(troops) to/under F"."""
    om = view.mention(obj)
    if om is not None and om.cls == "MilitaryForce":
        return om
    if obj.lower_ not in view.res.lexicon.force_nouns:
        return None
    for p in pobjs(obj, {"under", "to", "with", "for"}) + pobjs(verb, {"to", "under", "for"}):
        pm = view.mention(p)
        if pm is not None and pm.cls == "MilitaryForce":
            return pm
    return None


@MATCHERS("country_sends_units")
def country_sends_units(view: DocView, rule: Rule) -> Iterator[Found]:
    """A country sends units: "Chad sent 1,000 troops to the force"."""
    contribute = view.words(CONTRIBUTE)
    for verb in view.tokens:
        if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in contribute:
            continue
        objs = [c for c in verb.children if c.dep_ in ("dobj", "attr")]
        countries = [m for m in view.subjects(verb) if m.cls == "Country"]
        if not countries or not objs or cancelled(view, verb):
            continue
        for obj in objs:
            force = explicit_force(view, verb, obj)
            if force is None:
                continue
            for c in countries:
                yield Found(c, force, verb)


def verb_owner(view: DocView, noun: Token) -> Mention | None:
    """The organisation deploying a force noun: "the AU deployed a force"."""
    verb = governing_verb(noun)
    if verb is None or verb.lemma_.lower() not in view.words(DEPLOY):
        return None
    orgs = [m for m in view.subjects(verb) if m.cls == "Organization"]
    return orgs[0] if orgs else None


@MATCHERS("force_owner")
def unnamed_force_owner(view: DocView, rule: Rule) -> Iterator[Found]:
    """An unnamed force belongs to its organisation: "the ECOWAS force", "troops sent by the AU"."""
    for m in view.index.mentions:
        if m.cls != "MilitaryForce" or not m.is_name or m.source != "force":
            continue
        token = view.doc[m.token_start]
        owner = force_owner(token, view.index, view.words(FIELDING)) or verb_owner(view, token)
        if owner is not None:
            yield Found(m, owner, token)


@MATCHERS("force_named_after")
def force_named_after(view: DocView, rule: Rule) -> Iterator[Found]:
    """A named force belongs to the body it is named after: "the ECOWAS Standby Force"."""
    for m in view.index.mentions:
        if m.cls != "MilitaryForce" or not m.is_name or m.source == "force":
            continue
        token = view.doc[m.token_start]
        for inner in view.index.mentions:
            if (
                inner.source == "inner"
                and m.token_start <= inner.token_start < m.token_end
                and inner.cls in ORG_LIKE
            ):
                yield Found(m, inner, token)


@MATCHERS("force_deployed")
def force_deployed(view: DocView, rule: Rule) -> Iterator[Found]:
    """Where a force is: "F are stationed in X", "dispatched F to X", "F arrived in X", "F in X"."""
    deploy = view.words(DEPLOY)
    for m in view.index.mentions:
        if m.cls != "MilitaryForce":
            continue
        token = view.doc[m.token_end - 1]
        verb = governing_verb(token)
        places: list[Token] = []
        if verb is not None and token.dep_ in ("nsubj", "nsubjpass", "dobj"):
            verbs = [verb] + [
                c
                for c in verb.children
                if c.dep_ in ("advcl", "xcomp", "conj") and c.pos_ == "VERB"
            ]
            for v in verbs:
                if v.lemma_.lower() in deploy and not cancelled(view, v):
                    places += pobjs(v, {"to", "in", "into", "inside"})
        places += pobjs(token, {"in", "to"}) if token.dep_ != "pobj" else []
        for place in view.mentions_in(places, PLACES):
            yield Found(m, place, token)


@MATCHERS("contributor_noun")
def contributor_noun(view: DocView, rule: Rule) -> Iterator[Found]:
    """Contributors named as such: "Rwanda and Egypt are among its largest troop contributors"."""
    nouns = view.words(CONTRIBUTORS)
    for noun in view.tokens:
        if noun.lower_ not in nouns:
            continue
        force = None
        for c in noun.children:
            m = view.mention(c)
            if c.dep_ == "poss" and m is not None and m.cls == "MilitaryForce":
                force = m
        for p in pobjs(noun, {"to"}):
            m = view.mention(p)
            if m is not None and m.cls == "MilitaryForce":
                force = m
        if force is None:
            continue
        anchor = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "among" else noun
        verb = anchor.head if anchor.dep_ in ("attr", "prep") else anchor
        if noun.dep_ == "appos":
            tokens = group(noun.head)
        else:
            tokens = [x for c in verb.children if c.dep_ == "nsubj" for x in group(c)]
        if cancelled(view, verb):
            continue
        for country in view.mentions_in(tokens, {"Country"}):
            yield Found(country, force, noun)


@MATCHERS("founded_force")
def founded_force(view: DocView, rule: Rule) -> Iterator[Found]:
    """A body sets a force up: "The EU launched Operation X", "NATO set up a battlegroup"."""
    founding = view.words(FOUNDING)
    for verb in view.tokens:
        lemma = verb.lemma_.lower()
        if verb.pos_ != "VERB" or lemma not in founding or cancelled(view, verb):
            continue
        if lemma in ("set", "stand") and not any(c.lower_ == "up" for c in verb.children):
            continue
        owners = [m for m in view.subjects(verb) if m.cls in ("Organization", "Country")]
        forces = view.mentions_in(
            [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")], {"MilitaryForce"}
        )
        for force in forces:
            for owner in owners:
                yield Found(force, owner, verb)


@TAKES("force_of")
def force_of(view: DocView, token: Token, role: Role) -> list[Mention]:
    """The force that the units at the token (or the verb's units) belong to."""
    force = force_target(view, token)
    return [force] if force is not None else []
